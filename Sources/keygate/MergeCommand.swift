import ArgumentParser
import Foundation
import KeygateCore
import KeygateReporters

struct MergeCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "merge",
    abstract: "Combine native JSON reports of many repositories into one audit.",
    discussion: """
      An organisation-wide audit runs one `keygate scan --format json` job per repository (in \
      parallel: GitLab CI `parallel:matrix`, child pipelines, Kubernetes Jobs) and ends with one \
      `keygate merge` job over their reports:

        keygate merge reports/*.json -f markdown -o audit.md --report sarif=audit.sarif

      json writes every report with a summary over all of them; markdown a summary table and a \
      section per repository; sarif one run per repository.

      Exit codes: 0 every report passes; 1 a report fails; 2 a report cannot be read, or one \
      is incomplete and none fails; 64 usage error.
      """)

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case json, markdown, sarif

    func render(_ audit: MergedAudit) -> String {
      switch self {
      case .json: JSONDocument.text(audit)
      case .markdown: MarkdownReporter().render(audit.reports)
      case .sarif: SARIFReporter().render(audit.reports)
      }
    }
  }

  /// `--report FORMAT=PATH` of merge: one more output of the same audit.
  struct Output: ExpressibleByArgument {
    let format: Format
    let path: String

    init?(argument: String) {
      guard let (format, path) = formatAndPath(argument, as: Format.self) else { return nil }
      self.format = format
      self.path = path
    }
  }

  @Argument(help: "Native reports (`keygate scan -f json`), one per repository.", completion: .file())
  var reports: [String]

  @Option(name: .shortAndLong, help: "Output format: json, markdown or sarif.")
  var format: Format = .json

  @Option(name: .shortAndLong, help: "Write to this file instead of standard output.", completion: .file())
  var output: String?

  @Option(
    name: .customLong("report"),
    help: ArgumentHelp("Also write the audit in FORMAT to PATH (repeatable).", valueName: "format=path"),
    completion: .file())
  var extra: [Output] = []

  func validate() throws {
    if reports.isEmpty { throw ValidationError("give at least one report to merge.") }
  }

  func run() throws {
    var loaded: [NativeReport] = []
    for path in reports {
      do {
        loaded.append(try MergedAudit.loadReport(path: path))
      } catch {
        Terminal.diagnose(error.description)
        throw ExitStatus.couldNotRun
      }
    }
    let audit = MergedAudit(reports: loaded)
    let text = format.render(audit)
    do {
      if let output { try Terminal.save(text, to: output) } else { Terminal.writeStandardOutput(text) }
      for request in extra { try Terminal.save(request.format.render(audit), to: request.path) }
    } catch {
      Terminal.diagnose("cannot write the audit: \(error.localizedDescription)")
      throw ExitStatus.couldNotRun
    }
    let summary = audit.summary
    FileHandle.standardError.write(
      Data(
        ("keygate merge: \(audit.verdict.rawValue): \(summary.repositories) repositories, \(summary.failing) failing, "
          + "\(summary.incomplete) incomplete, \(summary.secrets) secrets, \(summary.violations) policy violations\n").utf8))
    throw ExitStatus.forVerdict(audit.verdict)
  }
}
