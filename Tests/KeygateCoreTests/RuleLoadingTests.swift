import Foundation
import Testing

@testable import KeygateCore

/// Rule files that must be refused, each named after its failure, with the full diagnostic
/// `path:line:column: error: rule-id: message` that editors and CI logs link to.
@Suite struct RuleLoadingTests {
  static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/invalid")

  static func fixture(_ name: String) throws -> (path: String, contents: String) {
    let contents = try String(contentsOf: fixtures.appendingPathComponent(name), encoding: .utf8)
    return (path: "Fixtures/invalid/\(name)", contents: contents)
  }

  static let allKeys =
    "id, name, provider, severity, confidence, description, remediation, pattern, prefilter, case_insensitive, "
    + "secret_group, "
    + "keywords, visible_prefixes, min_entropy, context, skip_paths, generic, references, examples, negative_examples"

  static let cases: [(fixture: String, message: String)] = [
    ("rule_missing_id.yml", "3:5: error: at `rules[0]`: a rule needs an `id`"),
    (
      "rule_unknown_key.yml",
      "6:5: error: example-token: at `rules[0]`: unknown key `severty`; expected one of \(allKeys)"
    ),
    (
      "rule_bad_severity.yml",
      "6:15: error: example-token: at `rules[0].severity`: expected one of critical, high, medium, low, info"
    ),
    (
      "rule_bad_confidence.yml",
      "7:17: error: example-token: at `rules[0].confidence`: expected one of high, medium, low"
    ),
    (
      "rule_bad_id.yml",
      "3:9: error: Example Token: at `rules[0].id`: a rule id uses lowercase letters, digits, `.`, `_` and `-`"
    ),
    ("rule_missing_pattern.yml", "3:5: error: example-token: at `rules[0]`: missing required key `pattern`"),
    (
      "rule_pattern_invalid_for_pcre2.yml",
      "9:14: error: example-token: at `rules[0].pattern`: PCRE2 cannot compile the pattern at offset 20: "
        + "missing closing parenthesis"
    ),
    (
      "rule_pattern_unsupported_by_hyperscan.yml",
      "9:14: error: example-token: at `rules[0].pattern`: Hyperscan cannot compile the pattern: "
        + "Back-references are unsupported."
    ),
    (
      "rule_secret_group_too_large.yml",
      "10:19: error: example-token: at `rules[0].secret_group`: secret group 3 must be between 0 and 2, the number of capture groups in the pattern"
    ),
    (
      "rule_secret_group_not_an_integer.yml",
      "10:19: error: example-token: at `rules[0].secret_group`: expected an integer"
    ),
    (
      "rule_too_few_examples.yml",
      "11:7: error: example-token: at `rules[0].examples`: a rule needs at least 2 examples"
    ),
    (
      "rule_no_negative_examples.yml",
      "11:24: error: example-token: at `rules[0].negative_examples`: a rule needs at least 1 negative example"
    ),
    (
      "rule_example_not_matching.yml",
      "12:9: error: example-token: at `rules[0].examples[1]`: the pattern does not match this example"
    ),
    (
      "rule_example_bad_template.yml",
      "10:40: error: example-token: at `rules[0].examples[1]`: unknown placeholder kind `base16`; "
        + "expected one of alnum, urlsafe, b64, hex, HEX, lower, upper, lowernum, uppernum, digits or base64"
    ),
    (
      "rule_case_insensitive_not_a_boolean.yml",
      "9:23: error: example-token: at `rules[0].case_insensitive`: expected true or false"
    ),
    (
      "file_unsupported_version.yml",
      "1:10: error: at `version`: rule file version 2 is not supported; this keygate supports up to 1"
    ),
    ("file_missing_version.yml", "2:1: error: at the top level: missing required key `version`"),
    (
      "file_unknown_top_level_key.yml",
      "2:1: error: at the top level: unknown key `rule`; expected one of version, rules"
    ),
    (
      "file_invalid_yaml.yml",
      "6:1: error: invalid YAML: while scanning a quoted scalar (line 4): found unexpected end of stream"
    ),
    ("file_empty.yml", "1:1: error: the file is empty"),
    ("file_rules_not_a_list.yml", "3:3: error: at `rules`: expected a list"),
    // Yams points at the first of the two keys.
    ("file_duplicate_key.yml", "6:5: error: duplicate key `severity`"),
  ]

  @Test(arguments: cases)
  func invalidFileIsRefusedWithItsLocation(fixture: String, message: String) throws {
    let file = try Self.fixture(fixture)
    let error = try #require(throws: ConfigError.self) { try RuleSet.load([file]) }
    #expect(error.description == "Fixtures/invalid/\(fixture):\(message)")
  }

  @Test func duplicateRuleIDAcrossTwoFilesNamesBothPlaces() throws {
    let first = try Self.fixture("rule_duplicate_id_first.yml")
    let second = try Self.fixture("rule_duplicate_id_second.yml")
    // Each file is valid on its own.
    #expect(try RuleSet.load([first]).rules.map(\.id) == ["example-token"])
    #expect(try RuleSet.load([second]).rules.count == 2)

    let error = try #require(throws: ConfigError.self) { try RuleSet.load([first, second]) }
    #expect(
      error.description
        == "Fixtures/invalid/rule_duplicate_id_second.yml:13:5: error: example-token: duplicate rule id; "
        + "first defined at Fixtures/invalid/rule_duplicate_id_first.yml:4:5")
    #expect(error.ruleID == "example-token")
    #expect(
      error.location == SourceLocation(file: "Fixtures/invalid/rule_duplicate_id_second.yml", line: 13, column: 5))
  }

  @Test func duplicateRuleIDWithinOneFile() throws {
    let first = try Self.fixture("rule_duplicate_id_first.yml")
    let error = try #require(throws: ConfigError.self) {
      try RuleSet.load([first, (path: "copy.yml", contents: first.contents)])
    }
    #expect(
      error.description
        == "copy.yml:4:5: error: example-token: duplicate rule id; first defined at "
        + "Fixtures/invalid/rule_duplicate_id_first.yml:4:5")
  }

  /// Every fixture in the folder has a test, so none is left behind unchecked.
  @Test func everyInvalidFixtureIsTested() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: Self.fixtures.path).filter { $0.hasSuffix(".yml") }
    let tested = Set(Self.cases.map(\.fixture) + ["rule_duplicate_id_first.yml", "rule_duplicate_id_second.yml"])
    #expect(Set(names) == tested)
  }

  @Test func validYAMLRuleIsRead() throws {
    let yaml = """
      version: 1
      rules:
        - id: example.token_v2
          name: Example token
          provider: example
          severity: medium
          description: An example token.
          remediation: Revoke it.
          case_insensitive: true
          pattern: '\\b(ext)_([0-9a-f]{8})\\b'
          secret_group: 2
          keywords: [ext_]
          visible_prefixes: [e, ext_, ex]
          references: [https://example.com/tokens]
          examples: ['token = EXT_${hex:8}', 'ext_0123abcd']
          negative_examples: ['ext_0123']
        - id: minimal
          name: Minimal
          provider: example
          severity: info
          description: d
          remediation: r
          pattern: 'min_[0-9]{4}'
          references: [https://example.com/minimal]
          examples: ['min_1234', 'min_0000']
          negative_examples: ['min_12']
      """
    let rules = try RuleSet.load([(path: "rules.yml", contents: yaml)]).rules
    #expect(rules.map(\.id) == ["example.token_v2", "minimal"])
    let rule = rules[0]
    #expect(rule.name == "Example token")
    #expect(rule.provider == "example")
    #expect(rule.severity == .medium)
    #expect(rule.confidence == .high)
    #expect(rule.description == "An example token.")
    #expect(rule.remediation == "Revoke it.")
    #expect(rule.caseInsensitive)
    #expect(rule.pattern == "\\b(ext)_([0-9a-f]{8})\\b")
    #expect(rule.secretGroup == 2)
    #expect(rule.keywords == ["ext_"])
    #expect(rule.visiblePrefixes == ["ext_", "ex", "e"])
    #expect(rule.references == ["https://example.com/tokens"])
    #expect(rule.examples == ["token = EXT_${hex:8}", "ext_0123abcd"])
    #expect(rule.negativeExamples == ["ext_0123"])
    #expect(rule.location == SourceLocation(file: "rules.yml", line: 3, column: 5))
    // Without secret_group: no groups means the whole match.
    #expect(rules[1].secretGroup == 0)
    #expect(rules[1].caseInsensitive == false)
    #expect(rules[1].keywords.isEmpty && rules[1].visiblePrefixes.isEmpty && rules[1].skipPaths.isEmpty)
    #expect(rules[1].minEntropy == nil && rules[1].context == nil)
    #expect(rules[1].location == SourceLocation(file: "rules.yml", line: 17, column: 5))
  }

  @Test func jsonRuleFileIsAccepted() throws {
    let json = """
      {
        "version": 1,
        "rules": [
          {
            "id": "json-token",
            "name": "JSON token",
            "provider": "example",
            "severity": "low",
            "confidence": "medium",
            "description": "d",
            "remediation": "r",
            "pattern": "\\\\bjt_([A-Za-z0-9]{12})\\\\b",
            "references": ["https://example.com/json-tokens"],
            "examples": ["jt_${alnum:12}", "\\"jt_abcdefghijkl\\""],
            "negative_examples": ["jt_short"]
          }
        ]
      }
      """
    let rules = try RuleSet.load([(path: "rules.json", contents: json)]).rules
    let rule = try #require(rules.first)
    #expect(rules.count == 1)
    #expect(rule.id == "json-token")
    #expect(rule.pattern == "\\bjt_([A-Za-z0-9]{12})\\b")
    #expect(rule.confidence == .medium)
    #expect(rule.secretGroup == 1)
    #expect(rule.examples == ["jt_${alnum:12}", "\"jt_abcdefghijkl\""])
    #expect(rule.location == SourceLocation(file: "rules.json", line: 4, column: 5))
  }

  @Test func jsonErrorsPointAtTheKey() throws {
    let json = """
      {"version": 1, "rules": [
        {"id": "json-token", "name": "n", "provider": "p", "severity": "low", "description": "d",
         "remediation": "r", "pattern": "jt_[0-9]{4}", "secret_group": 1,
         "examples": ["jt_1234", "jt_0000"], "negative_examples": ["jt_1"]}
      ]}
      """
    let error = try #require(throws: ConfigError.self) {
      try RuleSet.load([(path: "rules.json", contents: json)])
    }
    #expect(
      error.description
        == "rules.json:3:66: error: json-token: at `rules[0].secret_group`: secret group 1 must be between 0 and 0, the number of capture groups in the pattern"
    )
  }

  @Test func filesLoadInOrder() throws {
    let a = try Self.fixture("rule_duplicate_id_first.yml")
    let b = try Self.fixture("rule_duplicate_id_second.yml")
    let rules = try RuleSet.load([
      (path: "b.yml", contents: b.contents.replacingOccurrences(of: "id: example-token", with: "id: again")), a,
    ]).rules
    #expect(rules.map(\.id) == ["other-token", "again", "example-token"])
    #expect(rules.map(\.location.file) == ["b.yml", "b.yml", "Fixtures/invalid/rule_duplicate_id_first.yml"])
  }

  @Test func noFilesIsAnEmptyRuleSet() throws {
    #expect(try RuleSet.load([]).rules.isEmpty)
  }
}
