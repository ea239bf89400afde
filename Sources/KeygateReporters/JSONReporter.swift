import Foundation
import KeygateCore

/// keygate's native JSON report: one finding per location, plus findings grouped by secret.
public struct JSONReporter: Reporter {
  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    let document = Document(report: report, context: context)
    return JSONDocument.text(document)
  }

  struct Document: Encodable {
    struct Tool: Encodable {
      let name = "keygate"
      let version = KeygateVersion.current
    }
    struct Target: Encodable {
      let path: String
      let mode: String
      let head: String?
      let note: String?
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(path, forKey: .path)
        try container.encode(mode, forKey: .mode)
        try container.encode(head, forKey: .head)
        try container.encode(note, forKey: .note)
      }
      enum CodingKeys: String, CodingKey { case path, mode, head, note }
    }
    struct Summary: Encodable {
      let findings: Int
      /// Findings left out of the verdict (baseline, ignore file, inline comments, allowlists).
      let suppressed: Int
      let secrets: Int
      let commits: Int
      let blobs: Int
      let files: Int
      let bytes: Int
      let seconds: Double
    }
    struct Location: Encodable {
      let ruleID: String
      let ruleName: String
      let provider: String
      let severity: String
      let kind = "secret"
      let source: String
      let path: String
      let line: Int
      let column: Int
      let commit: CommitSummary?
      let redacted: String
      let fingerprint: String
      let secret: String?
      /// How the secret was encoded where found (e.g. `["base64"]`); absent when as written.
      let encodings: [String]?
      let suppression: Suppression?

      struct Suppression: Encodable {
        let kind: String
        let reason: String
      }

      init(_ finding: Finding, showSecret: Bool, suppression: Suppression? = nil) {
        ruleID = finding.ruleID
        ruleName = finding.ruleName
        provider = finding.provider
        severity = finding.severity.rawValue
        source = finding.source.rawValue
        path = finding.path
        line = finding.line
        column = finding.column
        commit = finding.commit
        redacted = finding.redacted
        fingerprint = finding.fingerprint
        secret = showSecret ? finding.secret : nil
        encodings = finding.encodings.isEmpty ? nil : finding.encodings
        self.suppression = suppression
      }

      enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id", ruleName = "rule_name", provider, severity, kind, source, path, line, column, commit,
          redacted, fingerprint, secret, encodings, suppression
      }

      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ruleID, forKey: .ruleID)
        try container.encode(ruleName, forKey: .ruleName)
        try container.encode(provider, forKey: .provider)
        try container.encode(severity, forKey: .severity)
        try container.encode(kind, forKey: .kind)
        try container.encode(source, forKey: .source)
        try container.encode(path, forKey: .path)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        // `commit` is always present: null outside history.
        try container.encode(commit, forKey: .commit)
        try container.encode(redacted, forKey: .redacted)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encodeIfPresent(secret, forKey: .secret)
        try container.encodeIfPresent(encodings, forKey: .encodings)
        try container.encodeIfPresent(suppression, forKey: .suppression)
      }
    }
    struct Secret: Encodable {
      let fingerprint: String
      let redacted: String
      let ruleID: String
      let severity: String
      let locations: Int
      let introducedBy: CommitSummary?
      let inHead: Bool?
      let inWorkingTree: Bool
      let remediation: String
      let history: History?
      let inventory: Inventory?

      /// The inventory entry the secret is (provider and last four characters), and what to do.
      struct Inventory: Encodable {
        let name: String
        let owner: String
        let environment: String?
        let status: String
        let usedBy: [String]
        /// `rotate-now` for an active or rotating key, `clean-up` for a revoked one.
        let action: String
        enum CodingKeys: String, CodingKey {
          case name, owner, environment, status, usedBy = "used_by", action
        }
        func encode(to encoder: any Encoder) throws {
          var container = encoder.container(keyedBy: CodingKeys.self)
          try container.encode(name, forKey: .name)
          try container.encode(owner, forKey: .owner)
          try container.encode(environment, forKey: .environment)
          try container.encode(status, forKey: .status)
          try container.encode(usedBy, forKey: .usedBy)
          try container.encode(action, forKey: .action)
        }
      }

      /// Where history holds the secret: every commit counted, the oldest listed, and the
      /// references that still reach it.
      struct History: Encodable {
        let commitCount: Int
        let commits: [CommitSummary]
        let references: [String]
        enum CodingKeys: String, CodingKey {
          case commitCount = "commit_count", commits, references
        }
      }

      enum CodingKeys: String, CodingKey {
        case fingerprint, redacted, ruleID = "rule_id", severity, locations, introducedBy = "introduced_by",
          inHead = "in_head", inWorkingTree = "in_working_tree", remediation, history, inventory
      }

      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(redacted, forKey: .redacted)
        try container.encode(ruleID, forKey: .ruleID)
        try container.encode(severity, forKey: .severity)
        try container.encode(locations, forKey: .locations)
        try container.encode(introducedBy, forKey: .introducedBy)
        try container.encode(inHead, forKey: .inHead)
        try container.encode(inWorkingTree, forKey: .inWorkingTree)
        try container.encode(remediation, forKey: .remediation)
        try container.encodeIfPresent(history, forKey: .history)
        try container.encodeIfPresent(inventory, forKey: .inventory)
      }
    }
    struct Problem: Encodable {
      let subject: String
      let message: String
    }
    struct Violation: Encodable {
      let ruleID: String
      let kind = "policy"
      let level: String
      let severity: String
      let message: String
      let path: String
      let line: Int
      let column: Int
      let subject: String?
      let suppression: String?
      init(_ violation: PolicyViolation, suppression: String? = nil) {
        ruleID = violation.ruleID
        level = violation.level.rawValue
        severity = violation.severity.rawValue
        message = violation.message
        path = violation.path
        line = violation.line
        column = violation.column
        subject = violation.subject
        self.suppression = suppression
      }
      enum CodingKeys: String, CodingKey {
        case ruleID = "rule_id", kind, level, severity, message, path, line, column, subject, suppression
      }
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ruleID, forKey: .ruleID)
        try container.encode(kind, forKey: .kind)
        try container.encode(level, forKey: .level)
        try container.encode(severity, forKey: .severity)
        try container.encode(message, forKey: .message)
        try container.encode(path, forKey: .path)
        try container.encode(line, forKey: .line)
        try container.encode(column, forKey: .column)
        try container.encode(subject, forKey: .subject)
        try container.encodeIfPresent(suppression, forKey: .suppression)
      }
    }
    /// What the policy gate checked and found; absent when it did not run.
    struct Policy: Encodable {
      let config: String?
      let inventory: String?
      let asOf: String
      let files: Int
      let checks: [String]
      let errors: Int
      let warnings: Int
      let violations: [Violation]
      let suppressed: [Violation]
      enum CodingKeys: String, CodingKey {
        case config, inventory, asOf = "as_of", files, checks, errors, warnings, violations, suppressed
      }
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(config, forKey: .config)
        try container.encode(inventory, forKey: .inventory)
        try container.encode(asOf, forKey: .asOf)
        try container.encode(files, forKey: .files)
        try container.encode(checks, forKey: .checks)
        try container.encode(errors, forKey: .errors)
        try container.encode(warnings, forKey: .warnings)
        try container.encode(violations, forKey: .violations)
        try container.encode(suppressed, forKey: .suppressed)
      }
    }

    let tool = Tool()
    let verdict: String
    let complete: Bool
    let threshold: String
    let target: Target
    let summary: Summary
    let findings: [Location]
    /// Findings the verdict does not count, each with its reason.
    let suppressed: [Location]
    let secrets: [Secret]
    /// What could not be read: the verdict does not cover it.
    let errors: [Problem]
    /// What was left out on purpose (submodules, symbolic links, nested repositories).
    let skipped: [Problem]
    let policy: Policy?

    init(report: ScanReport, context: ReportContext) {
      verdict = context.verdict.rawValue
      complete = !report.isIncomplete
      threshold = context.threshold.rawValue
      target = Target(
        path: report.target.path, mode: report.target.mode.rawValue, head: report.target.headCommit,
        note: report.target.note)
      let statistics = report.statistics
      summary = Summary(
        findings: report.findings.count, suppressed: report.suppressed.count, secrets: report.secrets.count, commits: statistics.commits,
        blobs: statistics.blobs, files: statistics.files, bytes: statistics.bytes,
        seconds: (statistics.seconds * 1000).rounded() / 1000)
      findings = report.findings.map { Location($0, showSecret: context.showSecrets) }
      suppressed = report.suppressed.map {
        Location(
          $0.finding, showSecret: context.showSecrets,
          suppression: Location.Suppression(kind: $0.kind.rawValue, reason: $0.reason))
      }
      secrets = report.secrets.map {
        Secret(
          fingerprint: $0.fingerprint, redacted: $0.redacted, ruleID: $0.ruleID, severity: $0.severity.rawValue,
          locations: $0.findings.count, introducedBy: $0.introducedBy, inHead: $0.inHead,
          inWorkingTree: $0.inWorkingTree, remediation: $0.remediation,
          history: $0.provenance.map {
            Secret.History(commitCount: $0.commitCount, commits: $0.commits, references: $0.references)
          },
          inventory: report.policy?.links[$0.fingerprint].map {
            Secret.Inventory(
              name: $0.name, owner: $0.owner, environment: $0.environment, status: $0.status.rawValue, usedBy: $0.usedBy,
              action: $0.status == .revoked ? "clean-up" : "rotate-now")
          })
      }
      policy = report.policy.map { policy in
        Policy(
          config: policy.configPath, inventory: policy.inventoryPath, asOf: policy.asOf.description, files: policy.files,
          checks: policy.checks, errors: policy.errors.count, warnings: policy.warnings.count,
          violations: policy.violations.map { Violation($0) },
          suppressed: policy.suppressed.map { Violation($0.violation, suppression: $0.reason) })
      }
      errors = report.problems.filter(\.isIncomplete).map { Problem(subject: $0.subject, message: $0.message) }
      skipped = report.problems.filter { !$0.isIncomplete }.map { Problem(subject: $0.subject, message: $0.message) }
    }
  }
}
