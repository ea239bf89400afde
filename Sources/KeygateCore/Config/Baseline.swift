import Foundation

/// The findings a team has accepted at one point in time; `--baseline FILE` reports only new ones.
///
/// A finding matches an entry with the same rule id, secret fingerprint and path; an entry with a
/// commit matches only findings from that commit, one without a commit matches any source.
public struct Baseline: Sendable {
  public struct Entry: Sendable, Hashable, Codable {
    public let ruleID: String
    public let fingerprint: String
    public let path: String
    public let commit: String?
    /// For the person reading the file; not used to match.
    public let redacted: String?

    enum CodingKeys: String, CodingKey {
      case ruleID = "rule_id", fingerprint, path, commit, redacted
    }

    public init(ruleID: String, fingerprint: String, path: String, commit: String?, redacted: String?) {
      self.ruleID = ruleID
      self.fingerprint = fingerprint
      self.path = path
      self.commit = commit
      self.redacted = redacted
    }

    public func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: CodingKeys.self)
      try container.encode(ruleID, forKey: .ruleID)
      try container.encode(fingerprint, forKey: .fingerprint)
      try container.encode(path, forKey: .path)
      try container.encode(commit, forKey: .commit)
      try container.encodeIfPresent(redacted, forKey: .redacted)
    }
  }

  public static let defaultName = ".keygate-baseline.json"
  public static let formatVersion = 1

  public let entries: [Entry]
  private let exact: Set<Key>
  private let anySource: Set<Key>

  private struct Key: Hashable {
    let ruleID: String
    let fingerprint: String
    let path: String
    let commit: String?
  }

  public init(entries: [Entry]) {
    self.entries = entries
    exact = Set(entries.compactMap { $0.commit == nil ? nil : Key(ruleID: $0.ruleID, fingerprint: $0.fingerprint, path: $0.path, commit: $0.commit) })
    anySource = Set(entries.filter { $0.commit == nil }.map { Key(ruleID: $0.ruleID, fingerprint: $0.fingerprint, path: $0.path, commit: nil) })
  }

  /// A baseline of every finding in `findings`.
  public init(findings: [Finding]) {
    var seen = Set<Entry>()
    var entries: [Entry] = []
    for finding in findings {
      let entry = Entry(
        ruleID: finding.ruleID, fingerprint: finding.fingerprint, path: finding.path, commit: finding.commit?.sha,
        redacted: finding.redacted)
      if seen.insert(entry).inserted { entries.append(entry) }
    }
    self.init(entries: entries)
  }

  public func contains(_ finding: Finding) -> Bool {
    let loose = Key(ruleID: finding.ruleID, fingerprint: finding.fingerprint, path: finding.path, commit: nil)
    if anySource.contains(loose) { return true }
    guard let sha = finding.commit?.sha else { return false }
    return exact.contains(Key(ruleID: finding.ruleID, fingerprint: finding.fingerprint, path: finding.path, commit: sha))
  }

  /// The file `keygate baseline create` writes: no secret in it, only fingerprints.
  public func serialized(created: Date = Date()) -> String {
    struct Document: Encodable {
      let version: Int
      let tool = "keygate"
      let created: String
      let findings: [Entry]
    }
    return JSONDocument.text(
      Document(
        version: Self.formatVersion,
        created: ISO8601.format(seconds: Int64(created.timeIntervalSince1970), offsetMinutes: 0), findings: entries))
  }

  /// Reads a baseline file.
  /// - Throws: `ConfigError` with file:line:column.
  public static func load(path: String) throws(ConfigError) -> Baseline {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(
        at: nil, "\(path): cannot read the baseline file (create one with `keygate baseline create --output \(path)`)")
    }
    let root = try YAMLNode.parse(String(decoding: data, as: UTF8.self), file: path)
    let top = try root.mapping(allowed: ["version", "tool", "created", "findings"])
    guard let versionNode = top["version"] else { throw root.error("missing required key `version`") }
    guard try versionNode.int() == formatVersion else {
      throw versionNode.error("baseline version \(try versionNode.int()) is not supported; this keygate reads version \(formatVersion)")
    }
    guard let findingsNode = top["findings"] else { throw root.error("missing required key `findings`") }
    var entries: [Entry] = []
    for element in try findingsNode.sequence() {
      let fields = try element.mapping(allowed: ["rule_id", "fingerprint", "path", "commit", "redacted"])
      func required(_ key: String) throws(ConfigError) -> String {
        guard let node = fields[key] else { throw element.error("missing required key `\(key)`") }
        return try node.string()
      }
      var commit: String?
      if let node = fields["commit"], case .scalar(let scalar) = node.node, scalar.tag.description != "tag:yaml.org,2002:null",
        scalar.string != "null", !scalar.string.isEmpty
      {
        commit = scalar.string
      }
      entries.append(
        Entry(
          ruleID: try required("rule_id"), fingerprint: try required("fingerprint"), path: try required("path"),
          commit: commit, redacted: try fields["redacted"]?.string()))
    }
    return Baseline(entries: entries)
  }
}
