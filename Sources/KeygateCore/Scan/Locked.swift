import Foundation

/// A value that several threads share, guarded by a lock.
///
/// keygate uses this rather than `Synchronization.Mutex`: on Linux that mutex waits on a futex
/// that ThreadSanitizer cannot see, so every access it guards is reported as a race and the
/// sanitizer run (`scripts/sanitize.sh thread`) could not tell real races from these. `NSLock`
/// is a pthread mutex, which ThreadSanitizer understands.
public final class Locked<Value: Sendable>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value

  public init(_ value: Value) { self.value = value }

  /// Runs `body` with the value while holding the lock.
  public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
    lock.lock()
    defer { lock.unlock() }
    return try body(&value)
  }
}
