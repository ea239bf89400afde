import Synchronization

/// A request to stop the scan (SIGINT, SIGTERM): the workers finish the blob or file in hand
/// and take no more, and the report says the scan was interrupted (it is incomplete).
public enum ScanCancellation {
  private static let requested = Atomic<Int32>(0)

  /// Records that `signal` asked the scan to stop. Async-signal-safe: one atomic store.
  public static func request(signal: Int32) {
    requested.store(signal, ordering: .relaxed)
  }

  /// True once a stop was requested.
  public static var isRequested: Bool { requested.load(ordering: .relaxed) != 0 }

  /// The signal that asked, or nil.
  public static var signal: Int32? {
    let value = requested.load(ordering: .relaxed)
    return value == 0 ? nil : value
  }

  /// The problem an interrupted scan's report carries.
  static func problem() -> ReadProblem? {
    guard let signal else { return nil }
    let name = signal == 2 ? "SIGINT" : signal == 15 ? "SIGTERM" : "signal \(signal)"
    return ReadProblem(
      subject: "scan",
      message: "interrupted by \(name): stopped before everything was read; this report covers only what was scanned")
  }
}
