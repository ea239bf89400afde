import Foundation
import KeygateCore
import Synchronization

/// A one-line status on standard error while a scan runs — blobs scanned of total, MB/s,
/// matches so far — redrawn four times a second, and only when standard error is a terminal.
final class ProgressLine: Sendable {
  let progress = ScanProgress()
  private let started = ContinuousClock.now
  /// True once stopped; drawing and stopping take the lock, so no line is drawn after the clear.
  private let stopped = Locked(false)

  private init() {}

  /// A running progress line, or nil when standard error is not a terminal.
  static func startIfTerminal() -> ProgressLine? {
    guard Terminal.isTTY(STDERR_FILENO) else { return nil }
    let line = ProgressLine()
    let thread = Thread {
      Thread.sleep(forTimeInterval: 0.3)
      while line.drawUnlessStopped() { Thread.sleep(forTimeInterval: 0.25) }
    }
    thread.start()
    return line
  }

  /// Draws the line; false once stopped.
  private func drawUnlessStopped() -> Bool {
    stopped.withLock { stopped in
      guard !stopped else { return false }
      let total = progress.total.load(ordering: .relaxed)
      guard total > 0 else { return true }
      let scanned = progress.scanned.load(ordering: .relaxed)
      let bytes = progress.bytes.load(ordering: .relaxed)
      let elapsed = ContinuousClock.now - started
      let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
      let rate = seconds > 0 ? Double(bytes) / 1_048_576 / seconds : 0
      let matches = progress.matches.load(ordering: .relaxed)
      let text = "keygate: scanned \(scanned)/\(total) (\(Int(rate)) MB/s), \(matches) match\(matches == 1 ? "" : "es") so far"
      FileHandle.standardError.write(Data("\r\u{1B}[K\(text)".utf8))
      return true
    }
  }

  /// Stops redrawing and clears the line. Safe to call more than once.
  func stop() {
    stopped.withLock { stopped in
      if !stopped { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
      stopped = true
    }
  }
}
