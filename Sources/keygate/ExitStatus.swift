import ArgumentParser
import KeygateCore

/// The exit codes DESIGN.md fixes; argument-parser itself exits 64 on usage errors.
enum ExitStatus {
  static let pass = ExitCode(0)
  static let fail = ExitCode(1)
  static let couldNotRun = ExitCode(2)

  static func forVerdict(_ verdict: Verdict) -> ExitCode {
    switch verdict {
    case .pass: pass
    case .fail: fail
    case .incomplete: couldNotRun
    }
  }
}
