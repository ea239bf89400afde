import Foundation
import KeygateCore

/// SARIF 2.1.0 (OASIS), as GitHub code scanning and other SARIF viewers read it: one run per
/// scanned repository, the rules that ran, one result per finding and per policy violation.
///
/// Choices a reader of the output may want to know:
/// - Columns count Unicode characters (`columnKind: unicodeCodePoints`), as keygate's do.
/// - A region's end: SARIF wants the match's extent, and the native report carries no secret
///   length (only its redacted form), so `endColumn` is `startColumn + max(1, redacted length)`;
///   with `--show-secrets` the secret itself gives the exact end (and its end line when it spans
///   lines). A policy violation marks one character.
/// - A finding in an object no ref reaches (`source: unreachable`, path `blob <id>`) has no file:
///   GitHub rejects a result without locations, so its location is a logical one naming the blob.
/// - Suppressed findings and policy violations are results with `suppressions` (`inSource` for a
///   `keygate:allow` comment, `external` for a baseline, ignore file or allowlist): SARIF viewers
///   and GitHub hide them but keep the record.
/// - `partialFingerprints["keygate/v1"]` is stable across runs: SHA-256 of `rule:fingerprint:path`
///   for a secret (the same key at the same path is the same alert in every commit), of
///   `rule:path:subject` for a policy violation.
/// - A policy check's rule takes the highest severity of its violations in the run (high when it
///   has none); each result carries its own level. A policy warning is never above `warning`.
/// - `versionControlProvenance` needs an absolute URI: it is written when the target path is
///   absolute (a `file://` URI) or a URL, with HEAD as the revision; not for a relative path.
/// - `automationDetails.id` is `keygate/<target path>/<HEAD sha>` (the path without leading or
///   trailing slashes): GitHub takes what precedes the last `/` as the category, so each
///   repository of a merged audit is its own analysis.
public struct SARIFReporter: Reporter {
  /// Where keygate is described, for SARIF's `informationUri` and GitLab's scanner URL.
  public static let informationURI = "https://github.com/keygate/keygate"
  /// The SARIF schema the output names.
  public static let schemaURI = "https://json.schemastore.org/sarif-2.1.0.json"
  /// The base id artifact locations are relative to: the scanned repository's root.
  static let sourceRoot = "%SRCROOT%"
  /// The key of keygate's partial fingerprint; its version changes if the hashed fields do.
  static let fingerprintKey = "keygate/v1"

  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    render(NativeReport(report: report, context: context))
  }

  /// One log with one run.
  public func render(_ document: NativeReport) -> String { render([document]) }

  /// One log with a run per document: `keygate merge`'s organisation-wide audit, each run naming
  /// its repository.
  public func render(_ documents: [NativeReport]) -> String {
    JSONDocument.text(Log(runs: documents.map(Self.run)))
  }

  // MARK: - Building a run

  static func run(_ document: NativeReport) -> Run {
    let rules = RuleTable(document)
    let secrets = document.secretsByFingerprint
    var results: [Result] = []
    for finding in document.findings { results.append(result(finding, secrets, rules)) }
    for violation in document.policy?.violations ?? [] {
      results.append(result(violation, rules, suppressed: false))
    }
    for finding in document.suppressed { results.append(result(finding, secrets, rules)) }
    for violation in document.policy?.suppressed ?? [] {
      results.append(result(violation, rules, suppressed: true))
    }

    let target = document.target
    let rootURI = absoluteURI(forPath: target.path, directory: true)
    // SARIF (and GitHub's upload check) wants an absolute URI here: a relative target path
    // (`.` in a CI job) names no repository, and the run then has no provenance.
    let repositoryURI = rootURI ?? (hasScheme(target.path) ? target.path : nil)
    let provenance = target.head.flatMap { head in
      repositoryURI.map {
        [
          VersionControl(
            repositoryUri: $0, revisionId: head, mappedTo: ArtifactLocation(uri: nil, uriBaseId: sourceRoot))
        ]
      }
    }
    let start = document.startedAt
    let end = start.flatMap(parseUTC).map { ISO8601.utc($0.addingTimeInterval(document.summary.seconds)) }
    let notifications =
      document.errors.map { Notification(level: "error", message: Message(text: "\($0.subject): \($0.message)")) }
      + document.skipped.map {
        Notification(level: "note", message: Message(text: "skipped \($0.subject): \($0.message)"))
      }
    return Run(
      tool: Tool(
        driver: Driver(
          name: document.tool.name, version: document.tool.version, semanticVersion: document.tool.version,
          informationUri: informationURI, rules: rules.descriptors)),
      automationDetails: AutomationDetails(id: automationID(target)),
      versionControlProvenance: provenance,
      originalUriBaseIds: [
        sourceRoot: ArtifactLocationWithDescription(
          uri: rootURI, description: Message(text: "The root of the scanned repository (\(target.path))."))
      ],
      columnKind: "unicodeCodePoints",
      invocations: [
        Invocation(
          executionSuccessful: document.complete, startTimeUtc: start, endTimeUtc: end,
          toolExecutionNotifications: notifications.isEmpty ? nil : notifications)
      ],
      results: results,
      properties: RunProperties(
        verdict: document.verdict, complete: document.complete, threshold: document.threshold, mode: target.mode,
        path: target.path, head: target.head))
  }

  /// `keygate/<target path>/<HEAD>`, the path without leading or trailing slashes.
  static func automationID(_ target: NativeReport.Target) -> String {
    var path = Substring(target.path)
    while path.hasPrefix("/") { path = path.dropFirst() }
    while path.hasSuffix("/") { path = path.dropLast() }
    return "keygate/\(path.isEmpty ? "." : path)/\(target.head ?? "")"
  }

  static func result(
    _ finding: NativeReport.Location, _ secrets: [String: NativeReport.Secret], _ rules: RuleTable
  ) -> Result {
    let shown = finding.secret ?? finding.redacted
    var text = "\(finding.ruleName): \(shown)"
    switch finding.source {
    case "history":
      if let commit = finding.commit { text += ", committed in \(commit.sha.prefix(12)) (\(commit.subject))" }
    case "index": text += ", staged for the next commit"
    case "worktree": text += ", in the working tree"
    case "unreachable": text += ", in \(finding.path) (no branch or tag reaches it), line \(finding.line)"
    default: break
    }
    let secret = secrets[finding.fingerprint]
    if let inventory = secret?.inventory {
      text += ". Inventory key \(inventory.name) (owner \(inventory.owner)): \(RotationPlan.headline(inventory)): "
        + RotationPlan.numbered(inventory.rotationSteps)
    } else {
      text += "."
    }
    if let verification = secret?.verification { text += " Live check: \(LiveStatus.phrase(verification))." }

    let location: Location
    if finding.source == "unreachable" {
      location = Location(
        physicalLocation: nil,
        logicalLocations: [LogicalLocation(name: finding.path, fullyQualifiedName: finding.path, kind: "object")])
    } else {
      location = Location(
        physicalLocation: physical(path: finding.path, region: region(finding)), logicalLocations: nil)
    }
    let suppression = finding.suppression.map {
      Suppression(
        kind: $0.kind == "inline-comment" ? "inSource" : "external", status: "accepted", justification: $0.reason)
    }
    let index = rules.index(of: finding.ruleID)
    return Result(
      ruleId: finding.ruleID, ruleIndex: index, level: level(for: finding.severity), message: Message(text: text),
      locations: [location],
      partialFingerprints: [
        fingerprintKey: SHA256.hexDigest("\(finding.ruleID):\(finding.fingerprint):\(finding.path)")
      ],
      suppressions: suppression.map { [$0] },
      properties: ResultProperties(
        kind: finding.kind, source: finding.source, severity: finding.severity,
        securitySeverity: securitySeverity(finding.severity), fingerprint: finding.fingerprint,
        redacted: finding.redacted, secret: finding.secret, encodings: finding.encodings,
        commit: finding.commit.map {
          CommitProperties(sha: $0.sha, author: $0.author, date: $0.date, subject: $0.subject)
        },
        inventory: secret?.inventory.map {
          InventoryProperties(
            name: $0.name, owner: $0.owner, environment: $0.environment, status: $0.status, action: $0.action,
            usedBy: $0.usedBy, rotationSteps: $0.rotationSteps)
        },
        subject: nil, policyLevel: nil))
  }

  static func result(_ violation: NativeReport.Violation, _ rules: RuleTable, suppressed: Bool) -> Result {
    let index = rules.index(of: violation.ruleID)
    let level: String
    if violation.level == "warning" {
      level = ["critical", "high", "medium"].contains(violation.severity) ? "warning" : "note"
    } else {
      level = self.level(for: violation.severity)
    }
    let region = Region(
      startLine: max(1, violation.line), startColumn: max(1, violation.column), endLine: max(1, violation.line),
      endColumn: max(1, violation.column) + 1)
    let suppression =
      suppressed
      ? Suppression(
        kind: "inSource", status: "accepted", justification: violation.suppression ?? "keygate:allow comment")
      : nil
    return Result(
      ruleId: violation.ruleID, ruleIndex: index, level: level, message: Message(text: violation.message),
      locations: [Location(physicalLocation: physical(path: violation.path, region: region), logicalLocations: nil)],
      partialFingerprints: [
        fingerprintKey: SHA256.hexDigest("\(violation.ruleID):\(violation.path):\(violation.subject ?? "")")
      ],
      suppressions: suppression.map { [$0] },
      properties: ResultProperties(
        kind: violation.kind, source: nil, severity: violation.severity,
        securitySeverity: securitySeverity(violation.severity), fingerprint: nil, redacted: nil, secret: nil,
        encodings: nil, commit: nil, inventory: nil, subject: violation.subject, policyLevel: violation.level))
  }

  /// The finding's region; see the type's documentation for the end column.
  static func region(_ finding: NativeReport.Location) -> Region {
    let line = max(1, finding.line)
    let column = max(1, finding.column)
    guard let secret = finding.secret else {
      return Region(
        startLine: line, startColumn: column, endLine: line,
        endColumn: column + max(1, finding.redacted.unicodeScalars.count))
    }
    let lines = secret.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false)
    if lines.count <= 1 {
      return Region(
        startLine: line, startColumn: column, endLine: line, endColumn: column + max(1, secret.unicodeScalars.count))
    }
    return Region(
      startLine: line, startColumn: column, endLine: line + lines.count - 1, endColumn: (lines.last?.count ?? 0) + 1)
  }

  static func physical(path: String, region: Region) -> PhysicalLocation {
    if let uri = absoluteURI(forPath: path, directory: false) {
      return PhysicalLocation(artifactLocation: ArtifactLocation(uri: uri, uriBaseId: nil), region: region)
    }
    return PhysicalLocation(
      artifactLocation: ArtifactLocation(uri: encode(path), uriBaseId: sourceRoot), region: region)
  }

  /// A `file://` URI for an absolute path; nil for a relative one.
  static func absoluteURI(forPath path: String, directory: Bool) -> String? {
    guard path.hasPrefix("/") else { return nil }
    return "file://" + encode(path) + (directory && !path.hasSuffix("/") ? "/" : "")
  }

  /// Whether `text` is an absolute URI (`https://…`, `ssh://…`).
  static func hasScheme(_ text: String) -> Bool {
    guard let colon = text.firstIndex(of: ":"), colon != text.startIndex, text[colon...].hasPrefix("://") else {
      return false
    }
    return text[..<colon].allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }
      && URL(string: text)?.scheme != nil
  }

  /// `path` as a URI path (`/`-separated, percent-encoded).
  static func encode(_ path: String) -> String {
    var allowed = CharacterSet.urlPathAllowed
    allowed.remove(charactersIn: ";?#[]")
    return path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
  }

  /// `yyyy-mm-ddThh:mm:ssZ` as a date.
  static func parseUTC(_ text: String) -> Date? { try? Date.ISO8601FormatStyle().parse(text) }

  /// SARIF's level for a keygate severity.
  public static func level(for severity: String) -> String {
    switch severity {
    case "critical", "high": "error"
    case "medium": "warning"
    default: "note"
    }
  }

  /// GitHub's `security-severity` (a CVSS-like score) for a keygate severity: 9.0 and above is
  /// critical, 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low.
  public static func securitySeverity(_ severity: String) -> String {
    switch severity {
    case "critical": "9.5"
    case "high": "8.0"
    case "medium": "5.5"
    case "low": "3.0"
    default: "1.0"
    }
  }

  /// `openai-project-key` → `OpenaiProjectKey`: the conventional form of a SARIF rule name.
  static func pascalCase(_ id: String) -> String {
    id.split { !$0.isLetter && !$0.isNumber }.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
  }

  // MARK: - Rules

  /// The run's rules: every rule that ran, every policy check that ran, and any rule a result
  /// names that neither list holds (a report from an older keygate), each with its index.
  struct RuleTable {
    var descriptors: [ReportingDescriptor] = []
    var indices: [String: Int] = [:]

    init(_ document: NativeReport) {
      for rule in document.rules { add(SARIFReporter.descriptor(rule)) }
      let violations = (document.policy?.violations ?? []) + (document.policy?.suppressed ?? [])
      var checks = document.policy?.checks ?? []
      for id in violations.map(\.ruleID) where !checks.contains(id) { checks.append(id) }
      for id in checks {
        let severities = violations.filter { $0.ruleID == id }.compactMap { Severity(rawValue: $0.severity) }
        add(SARIFReporter.descriptor(policyCheck: id, severity: severities.max() ?? .high))
      }
      for finding in document.findings + document.suppressed where indices[finding.ruleID] == nil {
        // A rule the report does not describe (a report from an older keygate, edited by hand).
        let remediation = document.secrets.first { $0.fingerprint == finding.fingerprint }?.remediation
        add(
          SARIFReporter.descriptor(
            id: finding.ruleID, name: finding.ruleName, provider: finding.provider, severity: finding.severity,
            confidence: "medium", description: finding.ruleName,
            remediation: remediation ?? "Revoke the key at its provider and replace it.", references: []))
      }
    }

    mutating func add(_ descriptor: ReportingDescriptor) {
      guard indices[descriptor.id] == nil else { return }
      indices[descriptor.id] = descriptors.count
      descriptors.append(descriptor)
    }

    /// The rule's index in `descriptors` (every rule a result names is there).
    func index(of id: String) -> Int { indices[id] ?? -1 }
  }

  static func descriptor(_ rule: NativeReport.RuleInfo) -> ReportingDescriptor {
    descriptor(
      id: rule.id, name: rule.name, provider: rule.provider, severity: rule.severity, confidence: rule.confidence,
      description: rule.description, remediation: rule.remediation, references: rule.references)
  }

  static func descriptor(
    id: String, name: String, provider: String, severity: String, confidence: String, description: String,
    remediation: String, references: [String]
  ) -> ReportingDescriptor {
    let description = description.isEmpty ? name : description
    let remediation = remediation.isEmpty ? "Revoke the key at its provider and replace it." : remediation
    var markdown = "**\(name)** (`\(id)`, \(severity))\n\n\(description)\n\n**What to do:** \(remediation)"
    if !references.isEmpty {
      markdown += "\n\n**References:**\n" + references.map { "- <\($0)>" }.joined(separator: "\n")
    }
    // GitHub's precision: very-high, high, medium, low.
    let precision = ["high", "medium"].contains(confidence) ? confidence : "low"
    return ReportingDescriptor(
      id: id, name: pascalCase(id), shortDescription: Message(text: name), fullDescription: Message(text: description),
      help: MultiformatMessage(text: remediation, markdown: markdown),
      helpUri: references.first { ($0.hasPrefix("https://") || $0.hasPrefix("http://")) && hasScheme($0) },
      defaultConfiguration: Configuration(level: level(for: severity)),
      properties: RuleProperties(
        tags: ["security", "secret", "external/cwe/cwe-798"], securitySeverity: securitySeverity(severity),
        precision: precision, provider: provider.isEmpty ? nil : provider))
  }

  static func descriptor(policyCheck id: String, severity: Severity) -> ReportingDescriptor {
    let check = PolicyCheckDescription.named(id)
    let name = check?.name ?? id
    let description = check?.description ?? "The keygate policy check \(id)."
    let help = check?.help ?? "See the violation's message."
    return ReportingDescriptor(
      id: id, name: pascalCase(id), shortDescription: Message(text: name), fullDescription: Message(text: description),
      help: MultiformatMessage(
        text: help, markdown: "**\(name)** (`\(id)`)\n\n\(description)\n\n**What to do:** \(help)"),
      helpUri: nil,
      defaultConfiguration: Configuration(level: level(for: severity.rawValue)),
      properties: RuleProperties(
        tags: ["policy"], securitySeverity: securitySeverity(severity.rawValue), precision: "high", provider: nil))
  }

  // MARK: - The SARIF model (the parts keygate writes)

  struct Log: Encodable {
    let schema = SARIFReporter.schemaURI
    let version = "2.1.0"
    let runs: [Run]
    enum CodingKeys: String, CodingKey { case schema = "$schema", version, runs }
  }
  struct Run: Encodable {
    let tool: Tool
    let automationDetails: AutomationDetails
    let versionControlProvenance: [VersionControl]?
    let originalUriBaseIds: [String: ArtifactLocationWithDescription]
    let columnKind: String
    let invocations: [Invocation]
    let results: [Result]
    let properties: RunProperties
  }
  struct Tool: Encodable { let driver: Driver }
  struct Driver: Encodable {
    let name: String
    let version: String
    let semanticVersion: String
    let informationUri: String
    let rules: [ReportingDescriptor]
  }
  struct AutomationDetails: Encodable { let id: String }
  struct VersionControl: Encodable {
    let repositoryUri: String
    let revisionId: String
    let mappedTo: ArtifactLocation
  }
  struct ArtifactLocation: Encodable {
    let uri: String?
    let uriBaseId: String?
  }
  struct ArtifactLocationWithDescription: Encodable {
    let uri: String?
    let description: Message
  }
  struct Invocation: Encodable {
    let executionSuccessful: Bool
    let startTimeUtc: String?
    let endTimeUtc: String?
    let toolExecutionNotifications: [Notification]?
  }
  struct Notification: Encodable {
    let level: String
    let message: Message
  }
  struct Message: Encodable { let text: String }
  struct MultiformatMessage: Encodable {
    let text: String
    let markdown: String
  }
  struct ReportingDescriptor: Encodable {
    let id: String
    let name: String
    let shortDescription: Message
    let fullDescription: Message
    let help: MultiformatMessage
    let helpUri: String?
    let defaultConfiguration: Configuration
    let properties: RuleProperties
  }
  struct Configuration: Encodable { let level: String }
  struct RuleProperties: Encodable {
    let tags: [String]
    let securitySeverity: String
    let precision: String
    let provider: String?
    enum CodingKeys: String, CodingKey { case tags, securitySeverity = "security-severity", precision, provider }
  }
  struct Result: Encodable {
    let ruleId: String
    let ruleIndex: Int
    let level: String
    let message: Message
    let locations: [Location]
    let partialFingerprints: [String: String]
    let suppressions: [Suppression]?
    let properties: ResultProperties
  }
  struct Location: Encodable {
    let physicalLocation: PhysicalLocation?
    let logicalLocations: [LogicalLocation]?
  }
  struct PhysicalLocation: Encodable {
    let artifactLocation: ArtifactLocation
    let region: Region
  }
  struct Region: Encodable, Equatable {
    let startLine: Int
    let startColumn: Int
    let endLine: Int
    let endColumn: Int
  }
  struct LogicalLocation: Encodable {
    let name: String
    let fullyQualifiedName: String
    let kind: String
  }
  struct Suppression: Encodable {
    let kind: String
    let status: String
    let justification: String
  }
  struct CommitProperties: Encodable {
    let sha: String
    let author: String
    let date: String
    let subject: String
  }
  struct InventoryProperties: Encodable {
    let name: String
    let owner: String
    let environment: String?
    let status: String
    let action: String
    let usedBy: [String]
    let rotationSteps: [String]
    enum CodingKeys: String, CodingKey {
      case name, owner, environment, status, action, usedBy = "used_by", rotationSteps = "rotation_steps"
    }
  }
  struct ResultProperties: Encodable {
    let kind: String
    let source: String?
    let severity: String
    let securitySeverity: String
    let fingerprint: String?
    let redacted: String?
    let secret: String?
    let encodings: [String]?
    let commit: CommitProperties?
    let inventory: InventoryProperties?
    let subject: String?
    let policyLevel: String?
    enum CodingKeys: String, CodingKey {
      case kind, source, severity, securitySeverity = "security-severity", fingerprint, redacted, secret, encodings,
        commit, inventory, subject, policyLevel = "policy_level"
    }
  }
  struct RunProperties: Encodable {
    let verdict: String
    let complete: Bool
    let threshold: String
    let mode: String
    let path: String
    let head: String?
  }
}

extension NativeReport {
  /// Each secret by its fingerprint, to find a finding's secret (and inventory entry) at once.
  var secretsByFingerprint: [String: Secret] {
    Dictionary(secrets.map { ($0.fingerprint, $0) }, uniquingKeysWith: { first, _ in first })
  }
}
