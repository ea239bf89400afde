import KeygateRegex

/// A second pattern that must occur within a few lines of a rule's match: an Azure OpenAI key
/// only near an Azure endpoint, an AWS secret key only near its access key id.
public struct RuleContext: Sendable {
  public let pattern: String
  /// Lines above or below the match that may hold the context (0: the match's own lines).
  public let withinLines: Int
  public let caseInsensitive: Bool

  static let keys = ["pattern", "within_lines", "case_insensitive"]
  /// The widest window a rule may ask for; the check reads these lines around every match.
  static let maximumLines = 50

  init(_ node: YAMLNode, ruleID: String) throws(ConfigError) {
    let fields = try node.mapping(allowed: Self.keys, ruleID: ruleID)
    guard let patternNode = fields["pattern"] else {
      throw node.error("missing required key `pattern`", ruleID: ruleID)
    }
    pattern = try patternNode.string(ruleID: ruleID)
    if let linesNode = fields["within_lines"] {
      withinLines = try linesNode.int(ruleID: ruleID)
      guard (0...Self.maximumLines).contains(withinLines) else {
        throw linesNode.error("expected a number of lines from 0 to \(Self.maximumLines)", ruleID: ruleID)
      }
    } else {
      withinLines = 3
    }
    if let flagNode = fields["case_insensitive"] {
      let text = try flagNode.string(ruleID: ruleID)
      guard text == "true" || text == "false" else { throw flagNode.error("expected true or false", ruleID: ruleID) }
      caseInsensitive = text == "true"
    } else {
      caseInsensitive = false
    }
    do {
      _ = try PCRE2Regex(pattern, caseInsensitive: caseInsensitive)
    } catch {
      throw patternNode.error("\(error)", ruleID: ruleID)
    }
  }
}
