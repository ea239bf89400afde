import Foundation
import KeygateCore

/// keygate's native report, version 1: everything every other format carries. Reporters
/// render from it, `keygate merge` reads it back; `report_version` changes when a field changes
/// meaning or goes away (new fields may appear in any version).
public struct NativeReport: Codable, Sendable {
  public struct Tool: Codable, Sendable {
    public var name = "keygate"
    public var version = KeygateVersion.current
  }
  public struct Target: Codable, Sendable {
    public let path: String
    public let mode: String
    public let head: String?
    public let note: String?
    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(path, forKey: .path)
      try container.encode(mode, forKey: .mode)
      try container.encode(head, forKey: .head)
      try container.encode(note, forKey: .note)
    }
    enum CodingKeys: String, CodingKey { case path, mode, head, note }
  }
  public struct Summary: Codable, Sendable {
    public let findings: Int
    /// Findings left out of the verdict (baseline, ignore file, inline comments, allowlists).
    public let suppressed: Int
    public let secrets: Int
    public let commits: Int
    public let blobs: Int
    public let files: Int
    public let bytes: Int
    public let seconds: Double
  }
  public struct Location: Codable, Sendable {
    public let ruleID: String
    public let ruleName: String
    public let provider: String
    public let severity: String
    public var kind = "secret"
    public let source: String
    public let path: String
    public let line: Int
    public let column: Int
    public let commit: CommitSummary?
    public let redacted: String
    public let fingerprint: String
    public let secret: String?
    /// How the secret was encoded where found (e.g. `["base64"]`); absent when as written.
    public let encodings: [String]?
    /// Inside an archive: the archive's path, then each member below it (the parts of `path`
    /// between `!`); absent otherwise.
    public let archiveChain: [String]?
    public let suppression: Suppression?

    public struct Suppression: Codable, Sendable {
      public let kind: String
      public let reason: String
    }

    public init(_ finding: Finding, showSecret: Bool, suppression: Suppression? = nil) {
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
      archiveChain = finding.archiveChain.isEmpty ? nil : finding.archiveChain
      self.suppression = suppression
    }

    enum CodingKeys: String, CodingKey {
      case ruleID = "rule_id", ruleName = "rule_name", provider, severity, kind, source, path, line, column, commit,
        redacted, fingerprint, secret, encodings, archiveChain = "archive_chain", suppression
    }

    public func encode(to encoder: any Encoder) throws {
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
      try container.encodeIfPresent(archiveChain, forKey: .archiveChain)
      try container.encodeIfPresent(suppression, forKey: .suppression)
    }
  }
  public struct Secret: Codable, Sendable {
    public let fingerprint: String
    public let redacted: String
    public let ruleID: String
    public let severity: String
    public let locations: Int
    public let introducedBy: CommitSummary?
    public let inHead: Bool?
    public let inWorkingTree: Bool
    public let remediation: String
    public let history: History?
    public let inventory: Inventory?
    /// What the provider said of the key (`--verify`): absent when it was not asked.
    public let verification: Verification?

    /// The inventory entry the secret is (provider and last four characters), and what to do.
    public struct Inventory: Codable, Sendable {
      public let name: String
      public let owner: String
      public let environment: String?
      public let status: String
      public let usedBy: [String]
      /// `rotate-now` for an active key, `finish-rotation` for a rotating one, `clean-up` for a
      /// revoked one.
      public let action: String
      /// The key replacing it, for a rotating key.
      public let successor: String?
      /// What to do, step by step (the zero-downtime rotation, naming the services to roll),
      /// from the fields above: written in the JSON report, never read back.
      public var rotationSteps: [String] {
        RotationPlan.steps(name: name, action: action, usedBy: usedBy, successor: successor)
      }
      enum CodingKeys: String, CodingKey {
        case name, owner, environment, status, usedBy = "used_by", action, successor
      }
      enum EncodingKeys: String, CodingKey {
        case name, owner, environment, status, usedBy = "used_by", action, successor, rotationSteps = "rotation_steps"
      }
      public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: EncodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(owner, forKey: .owner)
        try container.encode(environment, forKey: .environment)
        try container.encode(status, forKey: .status)
        try container.encode(usedBy, forKey: .usedBy)
        try container.encode(action, forKey: .action)
        try container.encode(successor, forKey: .successor)
        try container.encode(rotationSteps, forKey: .rotationSteps)
      }
    }

    /// Where history holds the secret: every commit counted, the oldest listed, and the
    /// references that still reach it.
    public struct History: Codable, Sendable {
      public let commitCount: Int
      public let commits: [CommitSummary]
      public let references: [String]
      enum CodingKeys: String, CodingKey {
        case commitCount = "commit_count", commits, references
      }
    }

    enum CodingKeys: String, CodingKey {
      case fingerprint, redacted, ruleID = "rule_id", severity, locations, introducedBy = "introduced_by",
        inHead = "in_head", inWorkingTree = "in_working_tree", remediation, history, inventory, verification
    }

    public func encode(to encoder: any Encoder) throws {
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
      try container.encodeIfPresent(verification, forKey: .verification)
    }
  }
  public struct Problem: Codable, Sendable {
    public let subject: String
    public let message: String
  }
  public struct Violation: Codable, Sendable {
    public let ruleID: String
    public var kind = "policy"
    public let level: String
    public let severity: String
    public let message: String
    public let path: String
    public let line: Int
    public let column: Int
    public let subject: String?
    public let suppression: String?
    public init(_ violation: PolicyViolation, suppression: String? = nil) {
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
    public func encode(to encoder: any Encoder) throws {
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
  public struct Policy: Codable, Sendable {
    public let config: String?
    public let inventory: String?
    public let asOf: String
    public let files: Int
    public let checks: [String]
    public let errors: Int
    public let warnings: Int
    public let violations: [Violation]
    public let suppressed: [Violation]
    enum CodingKeys: String, CodingKey {
      case config, inventory, asOf = "as_of", files, checks, errors, warnings, violations, suppressed
    }
    public func encode(to encoder: any Encoder) throws {
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

  /// What a rule that ran is, for formats that describe their rules (SARIF, JUnit).
  public struct RuleInfo: Codable, Sendable {
    public let id: String
    public let name: String
    public let provider: String
    public let severity: String
    public let confidence: String
    public let description: String
    public let remediation: String
    public let references: [String]

    public init(_ rule: Rule) {
      id = rule.id
      name = rule.name
      provider = rule.provider
      severity = rule.severity.rawValue
      confidence = rule.confidence.rawValue
      description = rule.description
      remediation = rule.remediation
      references = rule.references
    }
  }

  /// The version of this format.
  public static let currentVersion = 1

  public var reportVersion = NativeReport.currentVersion
  public var tool = Tool()
  /// When the scan began, `yyyy-mm-ddThh:mm:ssZ` (UTC); nil when unknown.
  public let startedAt: String?
  public let verdict: String
  public let complete: Bool
  public let threshold: String
  public let target: Target
  public let summary: Summary
  public let findings: [Location]
  /// Findings the verdict does not count, each with its reason.
  public let suppressed: [Location]
  public let secrets: [Secret]
  /// What could not be read: the verdict does not cover it.
  public let errors: [Problem]
  /// What was left out on purpose (submodules, symbolic links, nested repositories).
  public let skipped: [Problem]
  public let policy: Policy?
  /// What `--verify` asked of the providers, when, and what they said, in one sentence; absent
  /// when it was not asked for.
  public let liveCheck: String?
  /// Every rule the scan ran.
  public let rules: [RuleInfo]

  enum CodingKeys: String, CodingKey {
    case reportVersion = "report_version", tool, startedAt = "started_at", verdict, complete, threshold, target, summary
    case findings, suppressed, secrets, errors, skipped, policy, liveCheck = "live_check", rules
  }

  public init(report: ScanReport, context: ReportContext) {
    startedAt = report.statistics.startedAt.map { ISO8601.utc($0) }
    rules = report.rules.map(RuleInfo.init)
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
            action: RotationPlan.action(for: $0.status), successor: $0.successor)
        },
        verification: report.verifications?[$0.fingerprint])
    }
    liveCheck = report.liveCheckSummary
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
