import ArgumentParser
import Foundation
import KeygateCore
import KeygateReporters

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json, sarif, gitlab, codequality, junit, markdown

  var reporter: any Reporter {
    switch self {
    case .text: TextReporter()
    case .json: JSONReporter()
    case .sarif: SARIFReporter()
    case .gitlab: GitLabSecretDetectionReporter()
    case .codequality: CodeQualityReporter()
    case .junit: JUnitReporter()
    case .markdown: MarkdownReporter()
    }
  }

  static let names = allCases.map(\.rawValue).joined(separator: ", ")
}

/// `--report FORMAT=PATH`: one more report of the same scan.
struct ReportRequest: ExpressibleByArgument {
  let format: OutputFormat
  let path: String

  init?(argument: String) {
    guard let (format, path) = formatAndPath(argument, as: OutputFormat.self) else { return nil }
    self.format = format
    self.path = path
  }

  static var defaultValueDescription: String { "FORMAT=PATH" }
}

/// `FORMAT=PATH` split at the first `=`: nil for an unknown format or an empty path.
func formatAndPath<Format: RawRepresentable>(_ argument: String, as _: Format.Type) -> (Format, String)?
where Format.RawValue == String {
  guard let equals = argument.firstIndex(of: "="), let format = Format(rawValue: String(argument[..<equals])),
    argument.index(after: equals) < argument.endIndex
  else { return nil }
  return (format, String(argument[argument.index(after: equals)...]))
}

/// The formats of the commands that list things (`rules list`, `inventory`).
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
  case text, json
}

extension Severity: ExpressibleByArgument {}

struct Scan: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "Scan a repository's whole history and working tree (or a plain directory) for leaked keys.",
    discussion: """
      In a git repository keygate reads every blob reachable from every reference (branches, \
      tags, remote-tracking refs, the stash) exactly once, plus staged changes, unstaged changes \
      and untracked files that are not ignored. A path that is not a git repository is scanned \
      as a plain directory. Secrets are redacted in every output (prefix and last four \
      characters, plus a SHA-256 fingerprint) unless --show-secrets is given.

      Configuration: keygate.yaml (or .keygate.yaml, keygate.json) in the scanned folder chooses \
      rules and allowlists; .keygateignore there lists accepted secrets by fingerprint; a \
      `keygate:allow` comment on a line suppresses findings on it. Suppressed findings are \
      counted and listed in every report, never dropped.

      Policy gate: when a keygate.yaml is present, the scan also checks the project's policy \
      against its files as they stand (the working tree; the staged lines with --staged): \
      models used per environment against `allowed_models` and `max_cost_tier`, the key \
      inventory's naming, rotation age and completeness, keys or key variables in client-side \
      code, keys hard-coded in code and config, and one key shared by two environments. Errors \
      fail the gate (at or above --fail-on); warnings are reported only. --policy-only skips \
      the secret scan; --secrets-only skips the policy.

      Exit codes: 0 pass; 1 secrets or policy errors at or above --fail-on; 2 keygate could not do its job \
      (including: part of the input could not be read and nothing was found); 64 usage error.
      """)

  @OptionGroup var target: ScanTargetOptions

  @Option(name: .shortAndLong, help: "Report format: \(OutputFormat.names).")
  var format: OutputFormat = .text

  @Option(
    name: .customLong("report"),
    help: ArgumentHelp(
      "Also write a report in FORMAT to PATH (repeatable: one scan, several reports), e.g. "
        + "--report gitlab=gl-secret-detection-report.json --report junit=keygate-junit.xml. FORMAT is one of \(OutputFormat.names).",
      valueName: "format=path"),
    completion: .file())
  var reports: [ReportRequest] = []

  @Option(name: .shortAndLong, help: "Write the report to this file instead of standard output.", completion: .file())
  var output: String?

  @Option(
    help: ArgumentHelp(
      "The lowest severity that fails the gate: \(Severity.allCases.map(\.rawValue).joined(separator: ", ")).",
      valueName: "severity"))
  var failOn: Severity = .info

  @Option(
    help: ArgumentHelp(
      "Report only findings that are not in this baseline file (see `keygate baseline create`); "
        + "overrides keygate.yaml's `baseline`.", valueName: "file"),
    completion: .file())
  var baseline: String?

  @Flag(help: "Print secrets in full in the report. Never use this in CI logs.")
  var showSecrets = false

  @Flag(help: "Never colour the text report.")
  var noColor = false

  func run() throws {
    var request = target.setupRequest
    request.baselinePath = baseline
    let report = try target.scan(request)

    let gate = Gate(threshold: failOn)
    let verdict = gate.verdict(for: report)
    let toTerminal = output == nil
    let context = ReportContext(
      verdict: verdict, threshold: failOn, showSecrets: showSecrets,
      color: format == .text && toTerminal && !noColor && Terminal.wantsColor(STDOUT_FILENO),
      width: toTerminal ? Terminal.width(STDOUT_FILENO) : 100)
    let text = format.reporter.render(report, context: context)
    try Terminal.emit(text, to: output, naming: "the report")
    let fileContext = ReportContext(verdict: verdict, threshold: failOn, showSecrets: showSecrets, color: false, width: 100)
    for request in reports {
      try Terminal.save(
        request.format.reporter.render(report, context: fileContext), to: request.path,
        naming: "the \(request.format.rawValue) report")
    }
    if report.isIncomplete {
      let count = report.problems.filter(\.isIncomplete).count
      Terminal.warn("the scan is incomplete: \(count) item\(count == 1 ? "" : "s") could not be read (listed in the report).")
    }
    if (output != nil || format != .text) && !target.quiet {
      // Keep a one-line verdict on stderr so a person watching a CI log sees it.
      FileHandle.standardError.write(
        Data("keygate: \(verdict.rawValue): \(report.secrets.count) secret(s), \(report.findings.count) finding(s)\n".utf8))
    }
    throw ExitStatus.forVerdict(verdict)
  }
}
