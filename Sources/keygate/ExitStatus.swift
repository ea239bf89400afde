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

extension Terminal {
  /// Writes `text` to the file `path` (see `save`), or says on stderr that it could not, naming
  /// `what` ("the report"), and exits 2.
  static func save(_ text: String, to path: String, naming what: String?) throws {
    do {
      try save(text, to: path)
    } catch {
      diagnose("cannot write \(what.map { "\($0) " } ?? "")to \(path): \(error.localizedDescription)")
      throw ExitStatus.couldNotRun
    }
  }

  /// Writes `text` to the file `output`, or to standard output when there is none.
  static func emit(_ text: String, to output: String?, naming what: String? = nil) throws {
    if let output { try save(text, to: output, naming: what) } else { writeStandardOutput(text) }
  }
}

