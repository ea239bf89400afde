import Foundation

/// What was scanned.
public struct ScanTarget: Sendable, Hashable {
  public enum Mode: String, Sendable, Codable {
    /// A git repository: its history and, unless bare, its uncommitted changes.
    case gitRepository = "git"
    /// A plain directory: its files.
    case directory
  }

  /// The path as the user gave it.
  public let path: String
  public let mode: Mode
  /// HEAD's commit, for a repository with commits.
  public let headCommit: String?
  /// A sentence on how the target was read, e.g. why it was scanned as a plain directory.
  public let note: String?

  public init(path: String, mode: Mode, headCommit: String?, note: String?) {
    self.path = path
    self.mode = mode
    self.headCommit = headCommit
    self.note = note
  }
}

/// One secret, wherever it appears: what a person needs to decide what to do.
public struct SecretSummary: Sendable, Hashable {
  public let fingerprint: String
  public let redacted: String
  public let ruleID: String
  public let ruleName: String
  public private(set) var severity: Severity
  public let remediation: String
  /// Findings of this secret, in report order.
  public private(set) var findings: [Finding]
  /// The first commit that introduced the secret, oldest in topological order.
  public let introducedBy: CommitSummary?
  /// True when the secret is in HEAD's tree; nil for a directory scan or a repository without commits.
  public let inHead: Bool?
  /// True when the secret is in the files on disk: changed, untracked, or unchanged since HEAD.
  public let inWorkingTree: Bool
  /// Where history holds it: every commit (counted, the first few listed) and the references
  /// that still reach it; nil outside a full-history scan.
  public var provenance: SecretProvenance? = nil

  /// The same secret at another severity (e.g. once linked to an active inventory key), its
  /// findings too.
  public func with(severity: Severity) -> SecretSummary {
    var copy = self
    copy.severity = severity
    copy.findings = findings.map { finding in
      var changed = finding
      changed.severity = severity
      return changed
    }
    return copy
  }
}

/// What an auditor needs to know of a secret's history.
public struct SecretProvenance: Sendable, Hashable {
  /// How many commits hold the secret in their tree.
  public let commitCount: Int
  /// The first of them, oldest first (at most `listLimit`).
  public let commits: [CommitSummary]
  /// Branches, tags and other references whose history reaches a commit holding it.
  public let references: [String]

  public static let listLimit = 10
}

/// Counts of what a scan read.
public struct ScanStatistics: Sendable, Hashable {
  public var commits = 0
  public var blobs = 0
  public var files = 0
  public var bytes = 0
  public var seconds = 0.0
  /// When the scan began (for reports that carry start and end times).
  public var startedAt: Date?
  public init() {}
}

/// The result of a scan, ready for the gate and the reporters.
public struct ScanReport: Sendable {
  public let target: ScanTarget
  /// One finding per location, in report order.
  public let findings: [Finding]
  /// The same findings grouped by secret, ordered by severity then first location.
  public let secrets: [SecretSummary]
  /// What could not be read, and deliberate skips.
  public let problems: [ReadProblem]
  public let statistics: ScanStatistics
  /// The rules the scan ran.
  public let rules: [Rule]
  /// Findings left out of the verdict on purpose, each with why: counted, never dropped.
  public let suppressed: [SuppressedFinding]
  /// What the policy gate found; nil when it did not run (no keygate.yaml, `--secrets-only`).
  public var policy: PolicyOutcome?
  /// What each leaked key's provider said of it, by fingerprint (`--verify`); nil when not asked.
  public var verifications: [String: Verification]?

  public init(
    target: ScanTarget, findings: [Finding], secrets: [SecretSummary], problems: [ReadProblem],
    statistics: ScanStatistics, rules: [Rule], suppressed: [SuppressedFinding] = []
  ) {
    self.target = target
    self.findings = findings
    self.secrets = secrets
    self.problems = problems
    self.statistics = statistics
    self.rules = rules
    self.suppressed = suppressed
  }

  /// True when part of the input could not be read: the verdict cannot be vouched for.
  public var isIncomplete: Bool { problems.contains { $0.isIncomplete } }
}
