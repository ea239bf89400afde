import KeygateRegex

/// A validated detection rule: immutable, and safe to share between scanning tasks.
public struct Rule: Sendable, Identifiable {
  public let id: String
  public let name: String
  public let provider: String
  public let severity: Severity
  public let confidence: Confidence
  public let description: String
  /// What to do when the rule fires, with the provider's key-management page.
  public let remediation: String
  /// One pattern, read alike by Hyperscan (to find) and PCRE2 (to confirm and capture).
  public let pattern: String
  public let caseInsensitive: Bool
  /// The capture group holding the secret; 0 is the whole match.
  public let secretGroup: Int
  public let keywords: [String]
  /// Prefixes that identify the key type and may be shown in reports, longest first.
  public let visiblePrefixes: [String]
  public let references: [String]
  /// Text the rule must match, written as templates (see `ExampleTemplate`).
  public let examples: [String]
  /// Text the rule must not match.
  public let negativeExamples: [String]
  /// Where the rule is defined.
  public let location: SourceLocation

  static let idPattern = try! PCRE2Regex("^[a-z0-9][a-z0-9._-]*$")

  /// Validates a rule as written.
  /// - Throws: `ConfigError` pointing at the offending key.
  init(_ syntax: RuleSyntax) throws(ConfigError) {
    let id = syntax.id
    guard (try? Self.idPattern.matches(id)) == true else {
      throw syntax.fields["id"]!.error("a rule id uses lowercase letters, digits, `.`, `_` and `-`", ruleID: id)
    }
    self.id = id
    name = try syntax.string("name")
    provider = try syntax.string("provider")
    let severityNode = try syntax.required("severity")
    guard let severity = Severity(rawValue: try severityNode.string(ruleID: id)) else {
      throw severityNode.error(
        "expected one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))", ruleID: id)
    }
    self.severity = severity
    if let node = syntax.fields["confidence"] {
      guard let confidence = Confidence(rawValue: try node.string(ruleID: id)) else {
        throw node.error("expected one of high, medium, low", ruleID: id)
      }
      self.confidence = confidence
    } else {
      confidence = .high
    }
    description = try syntax.string("description")
    remediation = try syntax.string("remediation")
    if let node = syntax.fields["case_insensitive"] {
      let text = try node.string(ruleID: id)
      guard text == "true" || text == "false" else { throw node.error("expected true or false", ruleID: id) }
      caseInsensitive = text == "true"
    } else {
      caseInsensitive = false
    }

    let patternNode = try syntax.required("pattern")
    pattern = try patternNode.string(ruleID: id)
    let regex: PCRE2Regex
    do {
      regex = try PCRE2Regex(pattern, caseInsensitive: caseInsensitive)
      _ = try PatternDatabase.width(of: PatternSpec(expression: pattern, caseInsensitive: caseInsensitive))
    } catch {
      throw patternNode.error("\(error)", ruleID: id)
    }
    if let node = syntax.fields["secret_group"] {
      secretGroup = try node.int(ruleID: id)
      guard (0...regex.captureCount).contains(secretGroup) else {
        throw node.error(
          "secret group \(secretGroup) must be between 0 and \(regex.captureCount), "
            + "the number of capture groups in the pattern", ruleID: id)
      }
    } else {
      secretGroup = regex.captureCount >= 1 ? 1 : 0
    }
    keywords = try syntax.optionalStrings("keywords")
    visiblePrefixes = try syntax.optionalStrings("visible_prefixes").sorted { $0.count > $1.count }
    references = try syntax.optionalStrings("references")
    location = syntax.node.location

    let examplesNode = try syntax.required("examples")
    examples = try examplesNode.strings(ruleID: id)
    guard examples.count >= 2 else { throw examplesNode.error("a rule needs at least 2 examples", ruleID: id) }
    let negativeNode = try syntax.required("negative_examples")
    negativeExamples = try negativeNode.strings(ruleID: id)
    guard !negativeExamples.isEmpty else {
      throw negativeNode.error("a rule needs at least 1 negative example", ruleID: id)
    }
    // A rule that misses its own examples is broken; say so where the example is written.
    for (index, element) in try examplesNode.sequence(ruleID: id).enumerated() {
      let text = try Self.expand(examples[index], at: element, ruleID: id)
      guard (try? regex.matches(text)) == true else {
        throw element.error("the pattern does not match this example", ruleID: id)
      }
    }
    for (index, element) in try negativeNode.sequence(ruleID: id).enumerated() {
      let text = try Self.expand(negativeExamples[index], at: element, ruleID: id)
      guard (try? regex.matches(text)) == false else {
        throw element.error("the pattern matches this negative example", ruleID: id)
      }
    }
  }

  private static func expand(_ template: String, at node: YAMLNode, ruleID: String) throws(ConfigError) -> String {
    do {
      return try ExampleTemplate(template).expanded()
    } catch {
      throw node.error("\(error)", ruleID: ruleID)
    }
  }
}
