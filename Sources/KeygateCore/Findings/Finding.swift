import KeygateGit

extension Finding {
  /// A finding of `match`, which `rule` made.
  public init(match: RawMatch, rule: Rule, source: FindingSource, path: String, commit: CommitSummary?) {
    self.init(
      rule: rule, source: source, path: path, line: match.line, column: match.column, commit: commit,
      secret: match.secret, encodings: match.encodings, inlineAllow: match.inlineAllow,
      archiveMembers: match.archiveMembers)
  }
}

/// Where a finding's content came from.
public enum FindingSource: String, Sendable, Codable, Hashable {
  /// A blob in the repository's history.
  case history
  /// Staged in the index, not yet committed.
  case index
  /// A file in the work tree that differs from the index, or is untracked.
  case worktree
  /// A file of a directory that is not a git repository.
  case file
  /// A blob in the object database that no reference reaches (a deleted branch, a dropped
  /// stash, rewritten history): still in this clone, and in every clone made before. Its path
  /// is `blob <id>`, as no tree names it.
  case unreachable
}

/// What a report says of a commit.
public struct CommitSummary: Sendable, Hashable, Codable {
  public let sha: String
  public let author: String
  public let email: String
  /// The author date, ISO 8601 with the author's UTC offset.
  public let date: String
  public let subject: String

  public init(sha: String, author: String, email: String, date: String, subject: String) {
    self.sha = sha
    self.author = author
    self.email = email
    self.date = date
    self.subject = subject
  }
}

extension CommitSummary {
  /// What a report says of `commit`.
  init(_ commit: Commit) {
    self.init(
      sha: commit.id.hex, author: commit.authorName, email: commit.authorEmail,
      date: ISO8601.format(seconds: commit.authorTime, offsetMinutes: commit.authorOffsetMinutes),
      subject: commit.subject)
  }
}

/// A secret found at one location.
///
/// Identity (for baselines and ignore files): rule id, fingerprint, path, and commit for
/// history findings.
public struct Finding: Sendable, Hashable {
  public let ruleID: String
  public let ruleName: String
  public let provider: String
  /// The rule's severity, unless the policy gate changed it (a leaked key the inventory lists).
  public internal(set) var severity: Severity
  public let source: FindingSource
  /// Path relative to the scanned root, with `/` separators. Inside an archive, the archive's
  /// path and the members below it joined by `!`: `dist/app.whl!app/config.py`.
  public private(set) var path: String
  /// Inside an archive: the member paths below the archive, outermost first (`path` holds them
  /// too, after `!`). Empty otherwise.
  public let archiveMembers: [String]
  public let line: Int
  public let column: Int
  /// The commit that introduced the secret at this path; nil outside history.
  public let commit: CommitSummary?
  /// The secret in full. It stays in the process: reporters print `redacted` unless the user
  /// asks for secrets.
  public let secret: String
  /// Prefix and last four characters, e.g. `sk-proj-…wxyz`.
  public let redacted: String
  /// SHA-256 of the secret, 64 hexadecimal digits.
  public let fingerprint: String
  /// How the secret was encoded where it was found, outermost first (e.g. `["base64"]`).
  public let encodings: [String]
  /// A `keygate:allow` comment on the finding's line.
  public let inlineAllow: InlineAllow?

  public init(
    rule: Rule, source: FindingSource, path: String, line: Int, column: Int, commit: CommitSummary?,
    secret: String, encodings: [String] = [], inlineAllow: InlineAllow? = nil, archiveMembers: [String] = []
  ) {
    self.encodings = encodings
    self.archiveMembers = archiveMembers
    self.inlineAllow = inlineAllow
    ruleID = rule.id
    ruleName = rule.name
    provider = rule.provider
    severity = rule.severity
    self.source = source
    self.path = archiveMembers.isEmpty ? path : ([path] + archiveMembers).joined(separator: "!")
    self.line = line
    self.column = column
    self.commit = commit
    self.secret = secret
    redacted = Redaction.redact(secret, visiblePrefixes: rule.visiblePrefixes)
    fingerprint = SHA256.hexDigest(secret)
  }

  /// Inside an archive: the archive's path, then each member below it, outermost first
  /// (`["dist/app.whl", "app/config.py"]`); empty otherwise.
  public var archiveChain: [String] {
    guard !archiveMembers.isEmpty else { return [] }
    let members = archiveMembers.joined(separator: "!")
    return [String(path.dropLast(members.count + 1))] + archiveMembers
  }

  /// The same finding, with its path inside `folder` (a submodule's findings in the
  /// superproject's report).
  public func relocated(under folder: String) -> Finding {
    var copy = self
    copy.path = folder + "/" + path
    return copy
  }

  /// Report order: path, line, column, rule, then commit, so output is deterministic.
  public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
    (a.path, a.line, a.column, a.ruleID, a.source.rawValue, a.commit?.sha ?? "")
      < (b.path, b.line, b.column, b.ruleID, b.source.rawValue, b.commit?.sha ?? "")
  }
}
