/// The rules a scan runs, loaded from rule files and validated.
public struct RuleSet: Sendable {
  /// The highest rule-file `version` this keygate reads.
  public static let highestSupportedVersion = 1

  public let rules: [Rule]

  public init(rules: [Rule]) { self.rules = rules }

  /// This set followed by `other`'s rules.
  /// - Throws: `ConfigError` when both define the same rule id.
  public func adding(_ other: RuleSet) throws(ConfigError) -> RuleSet {
    var seen = Dictionary(rules.map { ($0.id, $0.location) }, uniquingKeysWith: { first, _ in first })
    for rule in other.rules {
      if let first = seen[rule.id] {
        throw ConfigError(at: rule.location, ruleID: rule.id, "duplicate rule id; first defined at \(first)")
      }
      seen[rule.id] = rule.location
    }
    return RuleSet(rules: rules + other.rules)
  }

  /// Reads rule files from disk: each path is a file, or a directory whose `.yml`, `.yaml` and
  /// `.json` files are read in name order.
  /// - Throws: `ConfigError` naming the path when it cannot be read, or the rule error.
  public static func load(paths: [String]) throws(ConfigError) -> RuleSet {
    var files: [(path: String, contents: String)] = []
    for path in paths {
      for file in try RuleFiles.list(path) {
        files.append((file, try RuleFiles.read(file)))
      }
    }
    return try load(files)
  }

  /// The rules built into the binary: the rule files under `policies/rules/` at build time.
  /// - Throws: `ConfigError` only if the embedded files are broken, which the tests rule out.
  public static func builtin() throws(ConfigError) -> RuleSet {
    let files = EmbeddedPolicies.files.filter { $0.path.hasPrefix("policies/rules/") }
    // The tests compile the built-ins with Hyperscan; at run time the combined database is
    // compiled (or read from the cache) once, so asking Hyperscan rule by rule is skipped.
    return try load(
      files.map { (path: "<builtin>/\($0.path)", contents: $0.contents) }, strictValidation: false)
  }

  /// Parses and validates rule files (YAML, or JSON, which the YAML parser reads too).
  /// - Parameter files: Each file's path (for messages) and contents.
  /// - Throws: `ConfigError` with `file:line:column` and the rule id.
  public static func load(
    _ files: [(path: String, contents: String)], strictValidation: Bool = true
  ) throws(ConfigError) -> RuleSet {
    var rules: [Rule] = []
    var seen: [String: SourceLocation] = [:]
    for file in files {
      for rule in try parseFile(file.contents, path: file.path, strictValidation: strictValidation) {
        if let first = seen[rule.id] {
          throw ConfigError(at: rule.location, ruleID: rule.id, "duplicate rule id; first defined at \(first)")
        }
        seen[rule.id] = rule.location
        rules.append(rule)
      }
    }
    return RuleSet(rules: rules)
  }

  static func parseFile(
    _ contents: String, path: String, strictValidation: Bool = true
  ) throws(ConfigError) -> [Rule] {
    let root = try YAMLNode.parse(contents, file: path, resolvingTags: strictValidation)
    let top = try root.mapping(allowed: ["version", "rules"])
    guard let versionNode = top["version"] else { throw root.error("missing required key `version`") }
    let version = try versionNode.int()
    guard (1...highestSupportedVersion).contains(version) else {
      throw versionNode.error(
        "rule file version \(version) is not supported; this keygate supports up to \(highestSupportedVersion)")
    }
    guard let rulesNode = top["rules"] else { throw root.error("missing required key `rules`") }
    var rules: [Rule] = []
    for element in try rulesNode.sequence() { rules.append(try Rule(RuleSyntax(element), strictValidation: strictValidation)) }
    return rules
  }
}
