/// A rule as written in a rule file, before validation: every field keeps its node, so that a
/// validation error can point at the line and column that caused it.
struct RuleSyntax {
  static let keys = [
    "id", "name", "provider", "severity", "confidence", "description", "remediation", "pattern", "prefilter",
    "case_insensitive", "secret_group", "keywords", "visible_prefixes", "min_entropy", "context",
    "skip_paths", "generic", "references", "examples", "negative_examples",
  ]

  let node: YAMLNode
  let id: String
  let fields: [String: YAMLNode]

  init(_ node: YAMLNode) throws(ConfigError) {
    // Read the id first, so that every later error can name the rule.
    var id: String?
    if case .mapping(let mapping) = node.node, let idNode = mapping["id"], case .scalar(let scalar) = idNode {
      id = scalar.string
    }
    self.node = node
    self.fields = try node.mapping(allowed: Self.keys, ruleID: id)
    guard let id else { throw node.error("a rule needs an `id`") }
    self.id = id
  }

  func required(_ key: String) throws(ConfigError) -> YAMLNode {
    guard let value = fields[key] else { throw node.error("missing required key `\(key)`", ruleID: id) }
    return value
  }

  func string(_ key: String) throws(ConfigError) -> String { try required(key).string(ruleID: id) }

  func optionalStrings(_ key: String) throws(ConfigError) -> [String] {
    try fields[key]?.strings(ruleID: id) ?? []
  }
}
