import Foundation
import KeygateCore

/// GitLab's secret detection report (`artifacts: reports: secret_detection`), which GitLab shows
/// in merge requests, the pipeline's Security tab and the vulnerability report.
///
/// Choices a reader of the output may want to know:
/// - It says `"version": "15.2.1"` and writes only fields that schemas 15.0.7 and 15.2.1 share
///   (the later one adds code flows, columns on file locations and scan observability, none of
///   which a secret detection report needs), so the same document is valid against both and
///   GitLab instances from 15.x on accept it. Schema 15 has no `confidence`, so there is none;
///   `category`, which schema 14 required, is kept (schema 15 allows extra fields).
/// - `details` lists the secret's fingerprint, where it was found and its inventory key (for a
///   violation, its subject); `solution` is the rule's remediation, `links` its references.
/// - `scan.start_time` is `started_at`; `end_time` adds the scan's duration. A report without a
///   start time (one merged from an old keygate) takes the time of rendering as the end and
///   counts the duration back from it.
/// - `scan.status` is `failure` when part of the input could not be read (the report is
///   incomplete); `scan.messages` names what (`warn`) and what was skipped on purpose (`info`).
/// - One vulnerability per finding the gate counts: suppressed findings are left out (GitLab has
///   no suppressed state in this format). Policy violations of level `error` are vulnerabilities
///   too (identifier type `keygate_policy`), since GitLab's security widgets show nothing else;
///   policy warnings are left out (the Code Quality report carries them).
/// - `location.commit` is the commit of a history finding; for a staged, working-tree or
///   unreachable finding and for a policy violation it is HEAD (as GitLab's own analyzer does),
///   forty zeros when there is no HEAD. An unreachable finding's `file` is `blob <id>`.
/// - `raw_source_code_extract` is the redacted secret (`sk-proj-…wxyz`); the secret in full only
///   with `--show-secrets`. GitLab stores this field, so it never holds more by default.
/// - `id` is UUID-shaped (version 8, RFC 9562) from SHA-256 of rule id, fingerprint, path and
///   commit — the finding's identity — so a finding keeps its id across pipelines.
public struct GitLabSecretDetectionReporter: Reporter {
  /// The schema version the report names.
  public static let schemaVersion = "15.2.1"
  /// The commit a finding outside history names when there is no HEAD.
  public static let noCommit = String(repeating: "0", count: 40)

  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    render(NativeReport(report: report, context: context))
  }

  public func render(_ document: NativeReport) -> String {
    render(document, now: Date())
  }

  /// `now` stands in for the end time when the document has no start time.
  func render(_ document: NativeReport, now: Date) -> String {
    JSONDocument.text(report(document, now: now))
  }

  func report(_ document: NativeReport, now: Date) -> Report {
    let head = document.target.head ?? Self.noCommit
    let rules = Dictionary(document.rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var ids = StableIDs()
    let secrets = document.secretsByFingerprint
    var vulnerabilities: [Vulnerability] = []

    for finding in document.findings {
      let rule = rules[finding.ruleID]
      let secret = secrets[finding.fingerprint]
      let commit =
        finding.commit.map { Commit(sha: $0.sha, author: $0.author, date: $0.date, message: $0.subject) }
        ?? Commit(sha: head, author: nil, date: nil, message: nil)
      var description = (rule?.description).map { $0 + "\n\n" } ?? ""
      description += "Found \(Self.where(finding)): `\(finding.redacted)` (SHA-256 fingerprint \(finding.fingerprint))."
      if let inventory = secret?.inventory {
        description +=
          " It is the inventory key \(inventory.name) (owner \(inventory.owner)"
          + (inventory.environment.map { ", environment \($0)" } ?? "") + ", \(inventory.status)): "
          + RotationPlan.headline(inventory) + "."
      }
      if let verification = secret?.verification { description += " Live check: \(LiveStatus.phrase(verification))." }
      var details: [String: Detail] = [
        "source": Detail(name: "Found in", value: finding.source),
        "fingerprint": Detail(name: "Secret fingerprint (SHA-256)", value: finding.fingerprint),
      ]
      if let inventory = secret?.inventory {
        details["inventory"] = Detail(name: "Inventory key", value: inventory.name)
      }
      if let verification = secret?.verification {
        details["live_status"] = Detail(name: "Live status (--verify)", value: LiveStatus.phrase(verification))
      }
      let references = (rule?.references ?? []).filter(Self.isLink)
      vulnerabilities.append(
        Vulnerability(
          id: ids.next("secret:\(finding.ruleID):\(finding.fingerprint):\(finding.path):\(finding.commit?.sha ?? "")"),
          name: String(finding.ruleName.prefix(255)), description: description,
          severity: Self.severity(finding.severity),
          solution: String(
            (secret?.inventory.map(RotationPlan.paragraph) ?? rule?.remediation ?? secret?.remediation ?? "Revoke the key and replace it.").prefix(7000)),
          identifiers: [
            Identifier(
              type: "keygate_rule_id", name: "keygate rule \(finding.ruleID)", value: finding.ruleID,
              url: references.first)
          ],
          links: references.isEmpty ? nil : references.map { Link(url: $0) },
          details: details,
          location: Location(
            file: finding.path, startLine: finding.line, endLine: Self.endLine(finding), commit: commit),
          rawSourceCodeExtract: finding.secret ?? finding.redacted))
    }

    for violation in document.policy?.violations ?? [] where violation.level == "error" {
      let check = PolicyCheckDescription.named(violation.ruleID)
      var details: [String: Detail] = [:]
      if let subject = violation.subject { details["subject"] = Detail(name: "Subject", value: subject) }
      vulnerabilities.append(
        Vulnerability(
          id: ids.next("policy:\(violation.ruleID):\(violation.path):\(violation.subject ?? "")"),
          name: String((check?.name ?? violation.ruleID).prefix(255)),
          description: violation.message + (check.map { "\n\n" + $0.description } ?? ""),
          severity: Self.severity(violation.severity),
          solution: check.map { String($0.help.prefix(7000)) },
          identifiers: [
            Identifier(
              type: "keygate_policy", name: "keygate policy \(violation.ruleID)", value: violation.ruleID, url: nil)
          ],
          links: nil,
          details: details.isEmpty ? nil : details,
          location: Location(
            file: violation.path, startLine: violation.line, endLine: nil,
            commit: Commit(sha: head, author: nil, date: nil, message: nil)),
          rawSourceCodeExtract: nil))
    }

    let start: Date
    let end: Date
    if let started = document.startedAt.flatMap({ try? Date.ISO8601FormatStyle().parse($0) }) {
      start = started
      end = started.addingTimeInterval(document.summary.seconds)
    } else {
      start = now.addingTimeInterval(-document.summary.seconds)
      end = now
    }
    let messages =
      document.errors.map { Message(level: "warn", value: "could not read \($0.subject): \($0.message)") }
      + document.skipped.map { Message(level: "info", value: "skipped \($0.subject): \($0.message)") }
    let tool = Scanner(
      id: "keygate", name: "keygate", version: document.tool.version, vendor: Vendor(name: "keygate"),
      url: SARIFReporter.informationURI)
    return Report(
      version: Self.schemaVersion,
      scan: Scan(
        analyzer: tool, scanner: tool, type: "secret_detection", startTime: Self.timestamp(start),
        endTime: Self.timestamp(end), status: document.complete ? "success" : "failure",
        messages: messages.isEmpty ? nil : messages),
      vulnerabilities: vulnerabilities)
  }

  /// GitLab's `yyyy-mm-ddThh:mm:ss` (UTC, no zone).
  static func timestamp(_ date: Date) -> String { String(ISO8601.utc(date).dropLast()) }

  /// GitLab's severity for a keygate severity.
  public static func severity(_ severity: String) -> String {
    switch severity {
    case "critical": "Critical"
    case "high": "High"
    case "medium": "Medium"
    case "low": "Low"
    case "info": "Info"
    default: "Unknown"
    }
  }

  /// Where and how a finding was found, for its description.
  static func `where`(_ finding: NativeReport.Location) -> String {
    switch finding.source {
    case "history":
      guard let commit = finding.commit else { return "in history at \(finding.path) line \(finding.line)" }
      return
        "in \(finding.path) line \(finding.line), committed in \(commit.sha) by \(commit.author) on \(commit.date) "
        + "(\"\(commit.subject)\")"
    case "index": return "in \(finding.path) line \(finding.line), staged for the next commit"
    case "worktree": return "in \(finding.path) line \(finding.line), in the working tree (not committed)"
    case "unreachable": return "in the git object \(finding.path) line \(finding.line), which no branch or tag reaches"
    default: return "in \(finding.path) line \(finding.line)"
    }
  }

  /// The last line of a secret that spans lines, when the secret is shown; nil otherwise.
  static func endLine(_ finding: NativeReport.Location) -> Int? {
    guard let secret = finding.secret else { return nil }
    let breaks = secret.unicodeScalars.filter { $0 == "\n" }.count
    return breaks == 0 ? nil : finding.line + breaks
  }

  static func isLink(_ text: String) -> Bool { text.hasPrefix("https://") || text.hasPrefix("http://") }

  /// UUID-shaped ids from the identity of each vulnerability (see ``StableFingerprints``).
  struct StableIDs {
    var fingerprints = StableFingerprints()

    mutating func next(_ identity: String) -> String {
      let hex = Array(fingerprints.next(identity).prefix(32))
      var digits = hex
      digits[12] = "8"  // version 8: custom
      let variant = Int(String(hex[16]), radix: 16) ?? 0
      digits[16] = Array("89ab")[variant & 0x3]  // variant 10xx
      let text = String(digits)
      let parts = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { range in
        String(
          text[
            text.index(
              text.startIndex, offsetBy: range.lowerBound)..<text.index(text.startIndex, offsetBy: range.upperBound)])
      }
      return parts.joined(separator: "-")
    }
  }

  // MARK: - The report model (the parts keygate writes)

  struct Report: Encodable {
    let version: String
    let scan: Scan
    let vulnerabilities: [Vulnerability]
  }
  struct Scan: Encodable {
    let analyzer: Scanner
    let scanner: Scanner
    let type: String
    let startTime: String
    let endTime: String
    let status: String
    let messages: [Message]?
    enum CodingKeys: String, CodingKey {
      case analyzer, scanner, type, startTime = "start_time", endTime = "end_time", status, messages
    }
  }
  struct Scanner: Encodable {
    let id: String
    let name: String
    let version: String
    let vendor: Vendor
    let url: String
  }
  struct Vendor: Encodable { let name: String }
  struct Message: Encodable {
    let level: String
    let value: String
  }
  struct Vulnerability: Encodable {
    let id: String
    let category = "secret_detection"
    let name: String
    let description: String
    let severity: String
    let solution: String?
    let identifiers: [Identifier]
    let links: [Link]?
    /// Named fields GitLab lists on the vulnerability's page.
    let details: [String: Detail]?
    let location: Location
    let rawSourceCodeExtract: String?
    enum CodingKeys: String, CodingKey {
      case id, category, name, description, severity, solution, identifiers, links, details, location
      case rawSourceCodeExtract = "raw_source_code_extract"
    }
  }
  struct Identifier: Encodable {
    let type: String
    let name: String
    let value: String
    let url: String?
  }
  struct Link: Encodable { let url: String }
  struct Detail: Encodable {
    let name: String
    let type = "text"
    let value: String
  }
  struct Location: Encodable {
    let file: String
    let startLine: Int
    let endLine: Int?
    let commit: Commit
    enum CodingKeys: String, CodingKey { case file, startLine = "start_line", endLine = "end_line", commit }
  }
  struct Commit: Encodable {
    let sha: String
    let author: String?
    let date: String?
    let message: String?
  }
}
