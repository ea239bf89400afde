import Foundation
import KeygateCore

/// JUnit XML (Apache Ant format, valid against the windyroad `junit.xsd`) for GitLab's test
/// report (`artifacts:reports:junit`) and any CI that reads JUnit.
///
/// The layout:
/// - `<testsuites>` holds up to three suites, `id` counting from 0: `keygate.secrets` (one test
///   case per rule that ran, classname `keygate.secrets.<provider>`, name the rule id),
///   `keygate.policy` (one per policy check that ran, classname `keygate.policy`, name the
///   check id; present when the policy gate ran), and `keygate.scan` (the one test case
///   `complete`, only when part of the input could not be read: its `<error>` names what).
/// - A test case fails when findings of its rule (or error-level violations of its check) fail
///   the gate. Readers such as GitLab show one failure per test case, and the schema allows only
///   one, so a rule with several findings gets one `<failure>`: its `message` gives the count
///   and the first locations (`path:line: rule name (redacted)`), its text lists every finding
///   with file, line, column, commit and what to do.
/// - The schema has no `<system-out>` per test case, so what is reported but does not fail —
///   findings below the threshold, suppressed findings, policy warnings, suppressed
///   violations, inputs skipped on purpose — goes to the suite's `<system-out>`, each line
///   naming its test case (`classname.name`).
/// - `hostname` is `localhost` (the report may be rendered far from the scan, and a golden
///   file must not depend on the machine); `timestamp` is the scan's start (UTC, without a
///   zone as the schema wants); test case times are 0 (rules run in one pass), the secrets
///   suite's time is the scan's.
/// - Secrets appear only redacted, unless the document carries them (`--show-secrets`).
public struct JUnitReporter: Reporter {
  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    render(NativeReport(report: report, context: context))
  }

  public func render(_ document: NativeReport) -> String {
    var suites: [Suite] = []
    if !document.rules.isEmpty || !document.findings.isEmpty || !document.suppressed.isEmpty {
      suites.append(secretsSuite(document))
    }
    if let policy = document.policy { suites.append(policySuite(policy, document)) }
    if !document.errors.isEmpty { suites.append(scanSuite(document)) }

    let timestamp = Self.timestamp(document.startedAt)
    var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n"
    for (id, suite) in suites.enumerated() {
      let failures = suite.cases.filter { $0.outcome?.element == "failure" }.count
      let errors = suite.cases.filter { $0.outcome?.element == "error" }.count
      out +=
        "  <testsuite"
        + Self.attributes([
          ("name", suite.name), ("package", suite.name), ("id", String(id)), ("tests", String(suite.cases.count)),
          ("failures", String(failures)), ("errors", String(errors)), ("skipped", "0"),
          ("time", Self.decimal(suite.time)), ("timestamp", timestamp), ("hostname", "localhost"),
        ]) + ">\n"
      out += "    <properties>\n"
      for (name, value) in properties(document) {
        out += "      <property" + Self.attributes([("name", name), ("value", value)]) + "/>\n"
      }
      out += "    </properties>\n"
      for testCase in suite.cases {
        let attributes = Self.attributes([("name", testCase.name), ("classname", testCase.classname), ("time", "0")])
        guard let outcome = testCase.outcome else {
          out += "    <testcase\(attributes)/>\n"
          continue
        }
        out += "    <testcase\(attributes)>\n"
        out +=
          "      <\(outcome.element)"
          + Self.attributes([("message", outcome.message), ("type", outcome.type)]) + ">"
          + Self.escapeText(outcome.text) + "</\(outcome.element)>\n"
        out += "    </testcase>\n"
      }
      out +=
        suite.notes.isEmpty
        ? "    <system-out/>\n"
        : "    <system-out>" + Self.escapeText(suite.notes.joined(separator: "\n") + "\n") + "</system-out>\n"
      out += "    <system-err/>\n"
      out += "  </testsuite>\n"
    }
    out += "</testsuites>\n"
    return out
  }

  // MARK: - Suites

  private struct Outcome {
    /// `failure` or `error`.
    let element: String
    let type: String
    let message: String
    let text: String
  }

  /// What a test case needs of a rule.
  private struct RuleRow {
    let id: String
    let name: String
    let provider: String
    let severity: String
    let remediation: String
  }

  private struct TestCase {
    let classname: String
    let name: String
    var outcome: Outcome?
  }

  private struct Suite {
    let name: String
    let time: Double
    var cases: [TestCase]
    var notes: [String]
  }

  private func secretsSuite(_ document: NativeReport) -> Suite {
    let threshold = Severity(rawValue: document.threshold) ?? .info
    var rules = document.rules.map {
      RuleRow(id: $0.id, name: $0.name, provider: $0.provider, severity: $0.severity, remediation: $0.remediation)
    }
    // A finding whose rule is not listed (a hand-edited or merged report) still gets a test case.
    var known = Set(rules.map(\.id))
    for finding in document.findings + document.suppressed where !known.contains(finding.ruleID) {
      known.insert(finding.ruleID)
      rules.append(
        RuleRow(
          id: finding.ruleID, name: finding.ruleName, provider: finding.provider, severity: finding.severity,
          remediation: ""))
    }
    var byRule: [String: [NativeReport.Location]] = [:]
    for finding in document.findings { byRule[finding.ruleID, default: []].append(finding) }
    var suppressedByRule: [String: [NativeReport.Location]] = [:]
    for finding in document.suppressed { suppressedByRule[finding.ruleID, default: []].append(finding) }
    let secrets = Dictionary(document.secrets.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })

    var suite = Suite(name: "keygate.secrets", time: document.summary.seconds, cases: [], notes: [])
    suite.notes.append(summaryLine(document))
    for rule in rules {
      var testCase = TestCase(classname: "keygate.secrets.\(rule.provider)", name: rule.id)
      let findings = byRule[rule.id] ?? []
      let failing = findings.filter { (Severity(rawValue: $0.severity) ?? .critical) >= threshold }
      for finding in findings where (Severity(rawValue: finding.severity) ?? .critical) < threshold {
        suite.notes.append(
          "below the \(document.threshold) threshold: \(testCase.classname).\(testCase.name): \(Self.headline(finding))"
        )
      }
      for finding in suppressedByRule[rule.id] ?? [] {
        let reason = finding.suppression.map { "\($0.kind): \($0.reason)" } ?? "suppressed"
        suite.notes.append("suppressed (\(reason)): \(testCase.classname).\(testCase.name): \(Self.headline(finding))")
      }
      if !failing.isEmpty {
        testCase.outcome = failure(rule: rule, findings: failing, secrets: secrets)
      }
      suite.cases.append(testCase)
    }
    for problem in document.skipped { suite.notes.append("skipped on purpose: \(problem.subject): \(problem.message)") }
    return suite
  }

  private func summaryLine(_ document: NativeReport) -> String {
    let findings = document.findings.count
    let secrets = document.secrets.count
    return "keygate \(document.tool.version): verdict \(document.verdict) on \(document.target.path); "
      + "\(secrets) secret\(secrets == 1 ? "" : "s") in \(findings) location\(findings == 1 ? "" : "s"), "
      + "\(document.summary.suppressed) suppressed, \(document.rules.count) rules, threshold \(document.threshold)"
      + (document.complete ? "" : "; INCOMPLETE: part of the input could not be read (see keygate.scan.complete)")
  }

  private func failure(
    rule: RuleRow, findings: [NativeReport.Location], secrets: [String: NativeReport.Secret]
  ) -> Outcome {
    let shownInMessage = 3
    let headlines = findings.prefix(shownInMessage).map(Self.headline)
    let message: String
    if findings.count == 1 {
      message = headlines[0]
    } else {
      let more = findings.count - shownInMessage
      message =
        "\(findings.count) findings: " + headlines.joined(separator: "; ") + (more > 0 ? "; … and \(more) more" : "")
    }
    var text =
      "\(rule.name) (\(rule.id)), severity \(rule.severity): \(findings.count) finding\(findings.count == 1 ? "" : "s")\n"
    var remediations: [String] = []
    for (index, finding) in findings.enumerated() {
      text += "\n[\(index + 1)/\(findings.count)] \(finding.path):\(finding.line):\(finding.column)\n"
      text += "  file:        \(finding.path)\n"
      text += "  line:        \(finding.line)\n"
      text += "  column:      \(finding.column)\n"
      text += "  source:      \(Self.origin(finding))\n"
      if let commit = finding.commit {
        text +=
          "  commit:      \(commit.sha) \(commit.date) by \(commit.author) <\(commit.email)>: \(truncate(commit.subject, to: 72))\n"
      }
      if let encodings = finding.encodings, !encodings.isEmpty {
        text += "  encoded:     \(encodings.joined(separator: " inside "))\n"
      }
      text += "  secret:      \(finding.secret ?? finding.redacted)  sha256:\(finding.fingerprint.prefix(16))…\n"
      let secret = secrets[finding.fingerprint]
      if let secret {
        var live: [String] = []
        if let inHead = secret.inHead { live.append("HEAD: \(inHead ? "yes" : "no")") }
        live.append("working tree: \(secret.inWorkingTree ? "yes" : "no")")
        if let introduced = secret.introducedBy {
          text += "  introduced:  \(introduced.sha.prefix(10)) \(introduced.date.prefix(10)) by \(introduced.author)\n"
        }
        text += "  still in:    \(live.joined(separator: ", "))\n"
        if let link = secret.inventory {
          text +=
            "  inventory:   \(link.name) (owner \(link.owner)\(link.environment.map { ", environment \($0)" } ?? ""), "
            + "status \(link.status)): "
            + RotationPlan.headline(link) + "\n"
            + link.rotationSteps.enumerated().map { "    \($0.offset + 1). \($0.element)\n" }.joined()
        }
        if let verification = secret.verification { text += "  live:        \(LiveStatus.phrase(verification))\n" }
      }
      let remediation = secret?.remediation ?? rule.remediation
      if !remediation.isEmpty, !remediations.contains(remediation) { remediations.append(remediation) }
    }
    text += "\nWhat to do:\n"
    for remediation in remediations { text += "- \(remediation)\n" }
    text += "- " + Self.advice + "\n"
    return Outcome(element: "failure", type: "keygate.secret", message: message, text: text)
  }

  private func policySuite(_ policy: NativeReport.Policy, _ document: NativeReport) -> Suite {
    let threshold = Severity(rawValue: document.threshold) ?? .info
    var checks = policy.checks
    for violation in policy.violations + policy.suppressed where !checks.contains(violation.ruleID) {
      checks.append(violation.ruleID)
    }
    var sources: [String] = []
    if let config = policy.config { sources.append(config) }
    if let inventory = policy.inventory { sources.append("inventory \(inventory)") }
    var suite = Suite(name: "keygate.policy", time: 0, cases: [], notes: [])
    suite.notes.append(
      "policy (\(sources.joined(separator: ", ")), as of \(policy.asOf), \(policy.files) files): "
        + "\(policy.errors) error\(policy.errors == 1 ? "" : "s"), \(policy.warnings) warning\(policy.warnings == 1 ? "" : "s")"
    )
    for check in checks {
      var testCase = TestCase(classname: "keygate.policy", name: check)
      let description = PolicyCheckDescription.named(check)
      let name = description?.name ?? check
      let violations = policy.violations.filter { $0.ruleID == check }
      let fails = { (violation: NativeReport.Violation) in
        violation.level == "error" && (Severity(rawValue: violation.severity) ?? .critical) >= threshold
      }
      let failing = violations.filter(fails)
      for violation in violations where !fails(violation) {
        let label = violation.level == "error" ? "below the \(document.threshold) threshold" : "warning"
        suite.notes.append(
          "\(label): keygate.policy.\(check): \(violation.path):\(violation.line): \(violation.message)")
      }
      for violation in policy.suppressed where violation.ruleID == check {
        suite.notes.append(
          "suppressed (\(violation.suppression ?? "suppressed")): keygate.policy.\(check): \(violation.path):\(violation.line): \(violation.message)"
        )
      }
      if !failing.isEmpty {
        let headlines = failing.prefix(3).map { "\($0.path):\($0.line): \(name)\($0.subject.map { " (\($0))" } ?? "")" }
        let more = failing.count - 3
        let message =
          failing.count == 1
          ? headlines[0]
          : "\(failing.count) violations: " + headlines.joined(separator: "; ")
            + (more > 0 ? "; … and \(more) more" : "")
        var text = "\(name) (\(check)): \(failing.count) violation\(failing.count == 1 ? "" : "s")\n"
        for (index, violation) in failing.enumerated() {
          text += "\n[\(index + 1)/\(failing.count)] \(violation.path):\(violation.line):\(violation.column)\n"
          text += "  file:        \(violation.path)\n"
          text += "  line:        \(violation.line)\n"
          text += "  column:      \(violation.column)\n"
          text += "  severity:    \(violation.severity)\n"
          if let subject = violation.subject { text += "  subject:     \(subject)\n" }
          text += "  problem:     \(violation.message)\n"
        }
        if let description { text += "\nWhat to do: \(description.help)\n" }
        testCase.outcome = Outcome(element: "failure", type: "keygate.policy", message: message, text: text)
      }
      suite.cases.append(testCase)
    }
    return suite
  }

  private func scanSuite(_ document: NativeReport) -> Suite {
    let errors = document.errors
    let subjects = errors.prefix(3).map(\.subject).joined(separator: ", ") + (errors.count > 3 ? ", …" : "")
    var text =
      "keygate could not read \(errors.count) item\(errors.count == 1 ? "" : "s"); the verdict does not cover them:\n"
    for problem in errors { text += "- \(problem.subject): \(problem.message)\n" }
    text +=
      document.findings.isEmpty && (document.policy?.violations.isEmpty ?? true)
      ? "Nothing was found in what could be read, but this is not a pass: fix access to these objects or files and scan again.\n"
      : "Findings in what could be read are reported as failures; fix access to these objects or files and scan again.\n"
    let outcome = Outcome(
      element: "error", type: "keygate.incomplete",
      message: "could not read \(errors.count) item\(errors.count == 1 ? "" : "s"): \(subjects)", text: text)
    return Suite(
      name: "keygate.scan", time: 0, cases: [TestCase(classname: "keygate.scan", name: "complete", outcome: outcome)],
      notes: [])
  }

  private func properties(_ document: NativeReport) -> [(String, String)] {
    var properties: [(String, String)] = [
      ("keygate.version", document.tool.version), ("keygate.report_version", String(document.reportVersion)),
      ("verdict", document.verdict), ("complete", document.complete ? "true" : "false"),
      ("threshold", document.threshold), ("target.path", document.target.path), ("target.mode", document.target.mode),
    ]
    if let head = document.target.head { properties.append(("target.head", head)) }
    if let startedAt = document.startedAt { properties.append(("started_at", startedAt)) }
    return properties
  }

  // MARK: - Wording

  /// `path:line: rule name (redacted)`.
  private static func headline(_ finding: NativeReport.Location) -> String {
    "\(finding.path):\(finding.line): \(finding.ruleName) (\(finding.secret ?? finding.redacted))"
  }

  private static func origin(_ finding: NativeReport.Location) -> String {
    switch finding.source {
    case "history": finding.commit.map { "history (committed in \($0.sha.prefix(10)))" } ?? "history"
    case "index": "staged, not committed"
    case "worktree": "uncommitted change in the working tree"
    case "file": "file"
    case "unreachable": "unreachable: in the object database, but no branch, tag or stash reaches it"
    default: finding.source
    }
  }

  /// The text report's advice, in one paragraph.
  static let advice =
    "Revoke the key and create a replacement at the provider (zero downtime: create key B, store it in your secret "
    + "manager, roll it out, check it works, then revoke key A); remove it from the code and load it from an "
    + "environment variable or a secret manager; once a key was pushed it is in every clone: rotation is what "
    + "protects you, rewriting history (git filter-repo) only tidies up afterwards."

  // MARK: - XML

  /// `yyyy-mm-ddThh:mm:ss` in UTC: the schema's pattern has no zone.
  static func timestamp(_ startedAt: String?) -> String {
    let utc = startedAt ?? ISO8601.utc(Date())
    let pattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/
    if let match = utc.prefixMatch(of: pattern) { return String(match.output) }
    return String(ISO8601.utc(Date()).prefix(19))
  }

  /// A non-negative `xs:decimal` with three decimals (never exponent notation).
  static func decimal(_ value: Double) -> String {
    let milliseconds = Int((max(0, value.isFinite ? value : 0) * 1000).rounded())
    let fraction = String(milliseconds % 1000)
    return "\(milliseconds / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
  }

  static func attributes(_ pairs: [(String, String)]) -> String {
    pairs.map { " \($0.0)=\"\(escapeAttribute($0.1))\"" }.joined()
  }

  /// Text content: `&`, `<`, `>` escaped, carriage returns kept as references, and the
  /// characters XML 1.0 forbids replaced by U+FFFD.
  static func escapeText(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\r": out += "&#13;"
      default: out.unicodeScalars.append(allowed(scalar) ? scalar : "\u{FFFD}")
      }
    }
    return out
  }

  /// An attribute value in double quotes: also `"` and `'`, and tabs and line breaks as
  /// references so that parsers do not normalise them to spaces.
  static func escapeAttribute(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for scalar in text.unicodeScalars {
      switch scalar {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      case "\t": out += "&#9;"
      case "\n": out += "&#10;"
      case "\r": out += "&#13;"
      default: out.unicodeScalars.append(allowed(scalar) ? scalar : "\u{FFFD}")
      }
    }
    return out
  }

  /// XML 1.0's `Char`: tab, line feed, carriage return, U+0020–U+D7FF, U+E000–U+FFFD,
  /// U+10000–U+10FFFF (Swift strings hold no surrogates).
  private static func allowed(_ scalar: Unicode.Scalar) -> Bool {
    switch scalar.value {
    case 0x9, 0xA, 0xD: true
    case 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
    default: false
    }
  }
}
