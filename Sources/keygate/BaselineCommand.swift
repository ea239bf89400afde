import ArgumentParser
import Foundation
import KeygateCore

struct BaselineCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "baseline",
    abstract: "Record today's findings so that later scans report only new ones.",
    subcommands: [Create.self])

  struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Scan, and write every current finding to a baseline file.",
      discussion: """
        The baseline holds, per finding, its rule id, the secret's SHA-256 fingerprint, the path \
        and the commit (null outside history), plus the redacted form for reviewers; never a \
        secret. Later, `keygate scan --baseline FILE` (or `baseline: FILE` in keygate.yaml) \
        reports only findings that are not in it, and counts the others as suppressed.

        A baseline accepts risk: the keys in it are still leaked. Revoke them, and keep the \
        baseline under review like code.
        """)

    @OptionGroup var target: ScanTargetOptions

    @Option(name: .shortAndLong, help: "The file to write.", completion: .file())
    var output: String = Baseline.defaultName

    func run() throws {
      var request = target.setupRequest
      request.ignoreBaseline = true
      let report = try target.scan(request)
      // Findings a comment, allowlist or ignore entry already suppress need no baseline entry.
      let baseline = Baseline(findings: report.findings)
      try Terminal.save(baseline.serialized(), to: output, naming: "the baseline")
      let count = baseline.entries.count
      FileHandle.standardError.write(
        Data("keygate: wrote \(count) finding\(count == 1 ? "" : "s") to \(output)\n".utf8))
      if report.isIncomplete {
        Terminal.warn("the scan was incomplete; the baseline may miss findings (see `keygate scan`).")
        throw ExitStatus.couldNotRun
      }
    }
  }
}
