import Foundation

/// A project's keygate.yaml: which rules run, what is allowed, where the baseline is.
///
/// ```yaml
/// version: 1
/// rules:
///   builtin: true                  # keep the built-in rules (default)
///   paths: [security/keygate-rules] # more rule files or directories, relative to this file
///   disable: [generic-secret-assignment]
/// allowlist:                       # for every rule
///   paths: ['docs/**']
///   patterns: ['^AKIA0{4}']
///   stopwords: [sandbox]
/// rule_allowlists:                 # for one rule each
///   jwt: {paths: ['**/fixtures/**']}
/// baseline: .keygate-baseline.json
/// ```
///
/// and the policy sections (`environments`, `inventory`, `naming`, …), read by ``PolicyConfig``.
public struct ProjectConfig: Sendable {
  /// The file it was read from; nil for the defaults.
  public let path: String?
  public let useBuiltinRules: Bool
  /// Rule files and directories, resolved against the config file's folder.
  public let rulePaths: [String]
  public let disabledRules: [(id: String, location: SourceLocation)]
  public let allowlist: Allowlist
  public let ruleAllowlists: [(id: String, location: SourceLocation, allowlist: Allowlist)]
  /// The baseline file, resolved against the config file's folder.
  public let baselinePath: String?
  /// Environments, models, the key inventory, naming and rotation: what the policy gate checks.
  public let policy: PolicyConfig

  /// The names keygate looks for in the scanned folder, in order.
  public static let fileNames = ["keygate.yaml", "keygate.yml", "keygate.json", ".keygate.yaml", ".keygate.yml", ".keygate.json"]
  static let keys = ["version", "rules", "allowlist", "rule_allowlists", "baseline"] + PolicyConfig.keys
  static let ruleKeys = ["builtin", "paths", "disable"]

  /// No file: the built-in rules, nothing allowed.
  public init() {
    path = nil
    useBuiltinRules = true
    rulePaths = []
    disabledRules = []
    allowlist = Allowlist()
    ruleAllowlists = []
    baselinePath = nil
    policy = PolicyConfig()
  }

  /// The config file in `folder`, if there is one.
  public static func discover(in folder: String) -> String? {
    fileNames.map { (folder as NSString).appendingPathComponent($0) }.first {
      FileManager.default.fileExists(atPath: $0)
    }
  }

  /// Reads and validates `path`.
  /// - Throws: `ConfigError` with file:line:column and what was expected.
  public static func load(path: String) throws(ConfigError) -> ProjectConfig {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(at: nil, "\(path): cannot read the configuration file (check that it exists and is readable)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(at: SourceLocation(file: path, line: 1, column: 1), "the configuration file is not UTF-8 text")
    }
    return try ProjectConfig(text: text, path: path)
  }

  public init(text: String, path: String) throws(ConfigError) {
    self.path = path
    let folder = (path as NSString).deletingLastPathComponent
    func resolve(_ relative: String) -> String {
      relative.hasPrefix("/") || folder.isEmpty ? relative : (folder as NSString).appendingPathComponent(relative)
    }
    let root = try YAMLNode.parse(text, file: path)
    let top = try root.mapping(allowed: Self.keys)
    guard let versionNode = top["version"] else { throw root.error("missing required key `version` (write `version: 1`)") }
    guard try versionNode.int() == 1 else {
      throw versionNode.error("configuration version \(try versionNode.int()) is not supported; this keygate reads version 1")
    }
    var useBuiltin = true
    var rulePaths: [String] = []
    var disabled: [(id: String, location: SourceLocation)] = []
    if let rulesNode = top["rules"] {
      let rules = try rulesNode.mapping(allowed: Self.ruleKeys)
      if let builtin = rules["builtin"] { useBuiltin = try builtin.bool() }
      rulePaths = try (rules["paths"]?.strings() ?? []).map(resolve)
      for element in try rules["disable"]?.sequence() ?? [] { disabled.append((try element.string(), element.location)) }
    }
    useBuiltinRules = useBuiltin
    self.rulePaths = rulePaths
    disabledRules = disabled
    allowlist = try top["allowlist"].map { node throws(ConfigError) in try Allowlist(node) } ?? Allowlist()
    var ruleAllowlists: [(id: String, location: SourceLocation, allowlist: Allowlist)] = []
    if let node = top["rule_allowlists"] {
      for (id, keyLocation, value) in try node.orderedMapping() {
        ruleAllowlists.append((id, keyLocation, try Allowlist(value)))
      }
    }
    self.ruleAllowlists = ruleAllowlists
    baselinePath = try top["baseline"].map { node throws(ConfigError) in resolve(try node.string()) }
    policy = try PolicyConfig(top, resolve: resolve)
    if !useBuiltin && rulePaths.isEmpty {
      throw (top["rules"] ?? root).error("`builtin: false` with no `paths` leaves no rules to scan with")
    }
  }

  /// Checks that every rule id the file names exists.
  /// - Throws: `ConfigError` at the unknown id.
  public func validate(against rules: RuleSet) throws(ConfigError) {
    let known = Set(rules.rules.map(\.id))
    for entry in disabledRules where !known.contains(entry.id) {
      throw ConfigError(at: entry.location, "`rules.disable` names unknown rule `\(entry.id)` (see `keygate rules list`)")
    }
    for entry in ruleAllowlists where !known.contains(entry.id) {
      throw ConfigError(at: entry.location, "`rule_allowlists` names unknown rule `\(entry.id)` (see `keygate rules list`)")
    }
  }

  /// `rules` without the disabled ones.
  public func selecting(_ rules: RuleSet) -> RuleSet {
    let disabled = Set(disabledRules.map(\.id))
    return RuleSet(rules: rules.rules.filter { !disabled.contains($0.id) })
  }
}
