import Synchronization

/// How far a running scan has got: updated by the scanning workers, read by whoever shows
/// progress (the command line's status line on a terminal).
public final class ScanProgress: Sendable {
  /// Blobs or files to scan; 0 until they are listed.
  public let total = Atomic<Int>(0)
  public let scanned = Atomic<Int>(0)
  public let bytes = Atomic<Int>(0)
  /// Confirmed matches so far (before suppression).
  public let matches = Atomic<Int>(0)

  public init() {}

  func record(bytes count: Int, matches found: Int) {
    scanned.wrappingAdd(1, ordering: .relaxed)
    bytes.wrappingAdd(count, ordering: .relaxed)
    if found > 0 { matches.wrappingAdd(found, ordering: .relaxed) }
  }
}
