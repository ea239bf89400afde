import Dispatch
import Synchronization

/// Runs `workers` copies of `body` on separate threads; each pulls item indices from a shared
/// counter until it returns an index past the end, and returns its own results. No worker
/// writes shared state: results come back as values (STYLE.md, Concurrency).
func runWorkers<Result: Sendable>(
  _ workers: Int, _ body: @Sendable (_ nextIndex: () -> Int) -> Result
) -> [Result] {
  let shared = WorkerState<Result>()
  DispatchQueue.concurrentPerform(iterations: max(1, workers)) { _ in
    let result = body { shared.counter.wrappingAdd(1, ordering: .relaxed).oldValue }
    shared.results.withLock { $0.append(result) }
  }
  return shared.results.withLock { $0 }
}

private final class WorkerState<Result: Sendable>: Sendable {
  let counter = Atomic<Int>(0)
  let results = Locked<[Result]>([])
}
