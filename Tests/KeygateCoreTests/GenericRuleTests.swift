import KeygateTestSupport
import Testing

@testable import KeygateCore

/// A generic rule (`generic: true`) defers to the specific rules: what one of them matched, or a
/// value starting with a prefix one of them claims, is not reported again.
@Suite struct GenericRuleTests {
  static let yaml = """
    version: 1
    rules:
      - id: acme-token
        name: Acme token
        provider: acme
        severity: high
        description: d
        remediation: r
        pattern: '\\b(acme_[A-Za-z0-9]{24})\\b'
        visible_prefixes: [acme_]
        references: [https://example.com/acme]
        examples: ['t = acme_${alnum:24}', 'acme_${alnum:24}']
        negative_examples: ['acme_short']
      - id: any-secret
        name: Any secret
        provider: generic
        severity: medium
        confidence: low
        generic: true
        description: d
        remediation: r
        pattern: '(?i)secret[ \\t]*=[ \\t]*"([A-Za-z0-9_]{12,64})"'
        min_entropy: 3.0
        references: [https://example.com/generic]
        examples: ['secret = "${alnum:16}"', 'SECRET="${alnum:20}"']
        negative_examples: ['secret = "aaaaaaaaaaaaaaaa"']
    """

  static func ruleIDs(in text: String) throws -> [String] {
    let compiled = try CompiledRules(RuleSet.load([(path: "rules.yml", contents: yaml)]))
    var matcher = try Matcher(rules: compiled)
    let bytes = Array(text.utf8)
    return try bytes.withUnsafeBytes { try matcher.matches(in: $0) }.map { compiled.rules[$0.ruleIndex].id }
  }

  @Test func aSpecificMatchWins() throws {
    let token = "acme_" + TestKeys.random(24, seed: 71, urlSafe: false)
    #expect(try Self.ruleIDs(in: "secret = \"\(token)\"\n") == ["acme-token"])
  }

  @Test func aClaimedPrefixThatTheSpecificRuleRejectsIsNotReportedByTheGenericOne() throws {
    // Too long for acme-token: acme's own rule said no, so the generic rule stays quiet.
    let nearMiss = "acme_" + TestKeys.random(30, seed: 72, urlSafe: false)
    #expect(try Self.ruleIDs(in: "secret = \"\(nearMiss)\"\n").isEmpty)
  }

  @Test func anUnclaimedValueIsReportedByTheGenericRule() throws {
    let value = TestKeys.random(20, seed: 73, urlSafe: false)
    #expect(try Self.ruleIDs(in: "secret = \"\(value)\"\n") == ["any-secret"])
  }

  @Test func theGenericFlagIsReadAndValidated() throws {
    let rules = try RuleSet.load([(path: "rules.yml", contents: Self.yaml)]).rules
    #expect(rules.map(\.isGeneric) == [false, true])
    let broken = Self.yaml.replacingOccurrences(of: "generic: true", with: "generic: maybe")
    let error = try #require(throws: ConfigError.self) { try RuleSet.load([(path: "rules.yml", contents: broken)]) }
    #expect(error.description == "rules.yml:19:14: error: any-secret: at `rules[1].generic`: expected true or false")
  }

  /// The Azurite storage emulator's published account key protects nothing.
  @Test func publishedEmulatorKeyIsNotASecret() throws {
    // Assembled from parts; it is public (learn.microsoft.com, "Use Azurite").
    let azurite = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/" + "K1SZFPTOtr/KBHBeksoGMGw=="
    let bytes = Array(azurite.utf8)
    #expect(bytes.withUnsafeBytes { MatchChecks.isPlaceholder($0) })
    let other = Array((TestKeys.random(86, seed: 74, urlSafe: false) + "==").utf8)
    #expect(!other.withUnsafeBytes { MatchChecks.isPlaceholder($0) })
  }
}
