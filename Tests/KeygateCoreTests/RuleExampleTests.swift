import Testing

@testable import KeygateCore

/// The OpenAI rules' examples, expanded, through the full matcher: each example is found by its
/// rule alone, at the exact secret and column, and no negative example is matched by it.
///
/// The expected secret comes from Swift's own `Regex` engine, independent of Hyperscan and PCRE2.
/// (Every built-in rule goes through the whole pipeline in `BuiltinRulesTests`; this oracle
/// needs one-line examples with one key each, which the OpenAI rules keep.)
@Suite struct RuleExampleTests {
  struct Example: Sendable, CustomTestStringConvertible {
    let ruleID: String
    let index: Int
    let template: String
    var testDescription: String { "\(ruleID) #\(index)" }
  }

  static let ruleSet = RuleSet(rules: try! RuleSet.builtin().rules.filter { $0.provider == "openai" })

  static let examples = ruleSet.rules.flatMap { rule in
    rule.examples.enumerated().map { Example(ruleID: rule.id, index: $0.offset, template: $0.element) }
  }

  static let negativeExamples = ruleSet.rules.flatMap { rule in
    rule.negativeExamples.enumerated().map { Example(ruleID: rule.id, index: $0.offset, template: $0.element) }
  }

  static func rule(_ id: String) throws -> Rule {
    try #require(ruleSet.rules.first { $0.id == id })
  }

  @Test func everyRuleHasExamples() {
    #expect(!Self.ruleSet.rules.isEmpty)
    for rule in Self.ruleSet.rules {
      #expect(rule.examples.count >= 2, "\(rule.id)")
      #expect(!rule.negativeExamples.isEmpty, "\(rule.id)")
    }
    #expect(Self.examples.count == Self.ruleSet.rules.map(\.examples.count).reduce(0, +))
  }

  @Test(arguments: examples)
  func exampleIsFoundByItsRuleAlone(example: Example) throws {
    let rule = try Self.rule(example.ruleID)
    let text = try ExampleTemplate(example.template).expanded()
    let regex = try Regex(rule.pattern).wordBoundaryKind(.simple).matchingSemantics(.unicodeScalar)
      .ignoresCase(rule.caseInsensitive)
    let oracle = try #require(try regex.firstMatch(in: text), "Swift's Regex does not match \(text)")
    let secret = try #require(oracle.output[rule.secretGroup].substring)
    let column = text.unicodeScalars[..<secret.startIndex].count + 1

    let found = try MatcherTests.matches(in: text)
    #expect(found == [MatcherTests.Found(ruleID: rule.id, secret: String(secret), line: 1, column: column)])

    // The same example deeper in a file keeps its rule, secret and column, on its own line.
    let deeper = try MatcherTests.matches(in: "# settings\n\n\(text)\n# end\n")
    #expect(deeper == [MatcherTests.Found(ruleID: rule.id, secret: String(secret), line: 3, column: column)])
  }

  @Test(arguments: negativeExamples)
  func negativeExampleIsNotMatchedByItsRule(example: Example) throws {
    let rule = try Self.rule(example.ruleID)
    let text = try ExampleTemplate(example.template).expanded()
    #expect(try MatcherTests.matches(in: text).filter { $0.ruleID == rule.id }.isEmpty)
    let regex = try Regex(rule.pattern).wordBoundaryKind(.simple).matchingSemantics(.unicodeScalar)
      .ignoresCase(rule.caseInsensitive)
    #expect(try regex.firstMatch(in: text) == nil, "Swift's Regex matches \(text)")
  }
}
