import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// A rule's checks beyond its pattern — `min_entropy`, `keywords`, `context`, `skip_paths` — through
/// the real matcher, their validation errors, and `keygate rules test` (RuleExampleTest).
@Suite struct RuleChecksTests {
  static let defaultExamples = ["ACME_API_TOKEN=acme_${alnum:24}", "token: acme_${alnum:24}"]

  /// A rule file with one rule, `acme-token`. Lines: 10 `examples:`, 11.. the examples, then
  /// `negative_examples:` and its items, then `extra` (indented as rule keys), then `references`.
  static func ruleFile(
    id: String = "acme-token", examples: [String] = RuleChecksTests.defaultExamples, negatives: [String] = ["acme_short"],
    extra: [String] = [], references: String = "[https://acme.example.com/docs/tokens]"
  ) -> String {
    var lines = [
      "version: 1", "rules:", "  - id: \(id)", "    name: Acme token", "    provider: acme", "    severity: high",
      "    description: An Acme API token.", "    remediation: Revoke it at https://acme.example.com/tokens.",
      "    pattern: '\\b(acme_[A-Za-z0-9]{24})\\b'", "    examples:",
    ]
    lines += examples.map { "      - '\($0)'" }
    lines.append("    negative_examples:")
    lines += negatives.map { "      - '\($0)'" }
    lines += extra.map { "    " + $0 }
    lines.append("    references: \(references)")
    return lines.joined(separator: "\n") + "\n"
  }

  static func load(_ yaml: String) throws(ConfigError) -> RuleSet {
    try RuleSet.load([(path: "acme.yml", contents: yaml)])
  }

  static func compile(_ yaml: String) throws -> CompiledRules { try CompiledRules(load(yaml)) }

  /// The secrets the rules find in `text`, in order.
  static func secrets(_ rules: CompiledRules, in text: String) throws -> [String] {
    var matcher = try Matcher(rules: rules)
    return try Array(text.utf8).withUnsafeBytes { try matcher.matches(in: $0) }.map(\.secret)
  }

  static func key(_ seed: UInt64) -> String { "acme_" + TestKeys.random(24, seed: seed, urlSafe: false) }

  static func error(_ yaml: String) throws -> String {
    try #require(throws: ConfigError.self) { try load(yaml) }.description
  }

  static func entropy(_ text: String) -> Double { Array(text.utf8).withUnsafeBytes { MatchChecks.entropy($0) } }

  // MARK: - min_entropy

  @Test func lowEntropyValueUnderTheThresholdIsDropped() throws {
    let low = "acme_" + String(repeating: "ab", count: 12)
    let high = Self.key(1)
    #expect(Self.entropy(low) < 2)
    #expect(Self.entropy(high) > 3.5)
    let text = "a = \(low)\nb = \(high)\n"

    let plain = try Self.compile(Self.ruleFile())
    #expect(try Self.secrets(plain, in: text) == [low, high])

    let guarded = try Self.compile(Self.ruleFile(extra: ["min_entropy: 3.5"]))
    #expect(guarded.rules[0].minEntropy == 3.5)
    #expect(try Self.secrets(guarded, in: text) == [high])
  }

  @Test func entropyExactlyAtTheThresholdIsKept() throws {
    let secret = Self.key(2)
    let bits = Self.entropy(secret)
    let at = try Self.compile(Self.ruleFile(extra: ["min_entropy: \(bits)"]))
    #expect(at.rules[0].minEntropy == bits)
    #expect(try Self.secrets(at, in: "k=\(secret)") == [secret])
    let above = try Self.compile(Self.ruleFile(extra: ["min_entropy: \(bits + 0.001)"]))
    #expect(try Self.secrets(above, in: "k=\(secret)").isEmpty)
  }

  // MARK: - keywords

  @Test func keywordIsRequiredOnTheMatchesLineCaseInsensitively() throws {
    let rules = try Self.compile(Self.ruleFile(extra: ["keywords: [Acme_Api_Token, acme-cli]"]))
    #expect(rules.rules[0].keywords == ["Acme_Api_Token", "acme-cli"])
    let secret = Self.key(3)
    #expect(try Self.secrets(rules, in: "ACME_API_TOKEN=\(secret)\n") == [secret])
    #expect(try Self.secrets(rules, in: "export acme_api_token=\"\(secret)\"\n") == [secret])
    #expect(try Self.secrets(rules, in: "\(secret)  # for ACME-CLI\n") == [secret])
    #expect(try Self.secrets(rules, in: "token=\(secret)\n").isEmpty)
  }

  @Test func keywordOnAnotherLineDoesNotCount() throws {
    let rules = try Self.compile(Self.ruleFile(extra: ["keywords: [acme_api_token]"]))
    let secret = Self.key(4)
    #expect(try Self.secrets(rules, in: "acme_api_token:\n  \(secret)\n").isEmpty)
    #expect(try Self.secrets(rules, in: "\(secret)\n# acme_api_token\n").isEmpty)
    // The same file with the keyword moved onto the line is found, on that line only.
    let other = Self.key(5)
    #expect(try Self.secrets(rules, in: "acme_api_token:\n  \(secret)\nacme_api_token: \(other)\n") == [other])
  }

  // MARK: - context

  /// Seven lines, the key on line 4 and the context `distance` lines away (0: the key's line).
  static func contextText(secret: String, distance: Int) -> String {
    var lines = (1...7).map { "# line \($0)" }
    lines[3] = "token: \(secret)"
    if distance == 0 {
      lines[3] += "  # https://acme.example.com"
    } else {
      lines[3 + distance] = "endpoint: https://acme.example.com/v1"
    }
    return lines.joined(separator: "\n") + "\n"
  }

  @Test(arguments: [-3, -2, -1, 0, 1, 2, 3])
  func contextWithinTwoLinesAboveOrBelow(distance: Int) throws {
    let rules = try Self.compile(
      Self.ruleFile(extra: ["context:", "  pattern: 'acme\\.example\\.com'", "  within_lines: 2"]))
    #expect(rules.rules[0].context?.withinLines == 2)
    let secret = Self.key(6)
    let found = try Self.secrets(rules, in: Self.contextText(secret: secret, distance: distance))
    #expect(found == (abs(distance) <= 2 ? [secret] : []))
  }

  @Test(arguments: [-1, 0, 1])
  func contextWithinZeroLinesIsTheMatchesOwnLine(distance: Int) throws {
    let rules = try Self.compile(Self.ruleFile(extra: ["context: {pattern: 'acme\\.example\\.com', within_lines: 0}"]))
    let secret = Self.key(7)
    let found = try Self.secrets(rules, in: Self.contextText(secret: secret, distance: distance))
    #expect(found == (distance == 0 ? [secret] : []))
  }

  @Test func contextIsRequiredAtAll() throws {
    let rules = try Self.compile(Self.ruleFile(extra: ["context: {pattern: 'acme\\.example\\.com'}"]))
    let secret = Self.key(8)
    #expect(try Self.secrets(rules, in: "# line\ntoken: \(secret)\n# line\n").isEmpty)
  }

  @Test func contextDefaultsToThreeLines() throws {
    let rules = try Self.compile(Self.ruleFile(extra: ["context: {pattern: 'acme\\.example\\.com'}"]))
    #expect(rules.rules[0].context?.withinLines == 3)
    #expect(rules.rules[0].context?.caseInsensitive == false)
    let secret = Self.key(9)
    #expect(try Self.secrets(rules, in: Self.contextText(secret: secret, distance: 3)) == [secret])
    #expect(try Self.secrets(rules, in: Self.contextText(secret: secret, distance: -3)) == [secret])
    let far = "endpoint: https://acme.example.com\n\n\n\ntoken: \(secret)\n"
    #expect(try Self.secrets(rules, in: far).isEmpty)
  }

  @Test func contextCaseSensitivityFollowsItsFlag() throws {
    let secret = Self.key(10)
    let text = Self.contextText(secret: secret, distance: 1)
    let sensitive = try Self.compile(Self.ruleFile(extra: ["context: {pattern: 'ACME\\.EXAMPLE\\.COM'}"]))
    #expect(try Self.secrets(sensitive, in: text).isEmpty)
    let insensitive = try Self.compile(
      Self.ruleFile(extra: ["context: {pattern: 'ACME\\.EXAMPLE\\.COM', case_insensitive: true}"]))
    #expect(insensitive.rules[0].context?.caseInsensitive == true)
    #expect(try Self.secrets(insensitive, in: text) == [secret])
  }

  // MARK: - skip_paths

  @Test func skipPathsSuppressesTheFindingAndKeepsIt() throws {
    let ruleSet = try Self.load(Self.ruleFile(extra: ["skip_paths: ['**/fixtures/**', '*.lock']"]))
    #expect(ruleSet.rules[0].skipPaths.map(\.pattern) == ["**/fixtures/**", "*.lock"])
    let folder = try TemporaryGitRepository(initialise: false)
    let (fixture, lock, app) = (Self.key(11), Self.key(12), Self.key(13))
    try folder.write("test/fixtures/tokens.txt", "token: \(fixture)\n")
    try folder.write("deps/yarn.lock", "integrity: \(lock)\n")
    try folder.write("src/app.txt", "token: \(app)\n")

    var options = ScanOptions(path: folder.path)
    options.workers = 1
    let raw = try Scanner(rules: CompiledRules(ruleSet)).scan(options)
    #expect(raw.findings.map(\.path) == ["deps/yarn.lock", "src/app.txt", "test/fixtures/tokens.txt"])
    #expect(raw.secrets.count == 3)

    let report = Suppression(rules: ruleSet.rules, config: ProjectConfig(), ignoreFile: nil, baseline: nil).apply(to: raw)
    #expect(report.findings.map(\.path) == ["src/app.txt"])
    #expect(report.secrets.map(\.fingerprint) == [SHA256.hexDigest(app)])
    #expect(report.suppressed.map(\.finding.path) == ["deps/yarn.lock", "test/fixtures/tokens.txt"])
    #expect(report.suppressed.map(\.kind) == [.ruleSkipsPath, .ruleSkipsPath])
    #expect(
      report.suppressed.map(\.reason) == [
        "rule acme-token skips paths matching `*.lock`", "rule acme-token skips paths matching `**/fixtures/**`",
      ])
    #expect(report.suppressed.map(\.finding.secret) == [lock, fixture])
    #expect(Gate().verdict(for: report) == .fail)
  }

  // MARK: - Validation errors

  @Test func contextWithoutPatternIsAnError() throws {
    #expect(
      try Self.error(Self.ruleFile(extra: ["context: {within_lines: 2}"]))
        == "acme.yml:15:14: error: acme-token: at `rules[0].context`: missing required key `pattern`")
  }

  @Test(arguments: ["51", "-1", "1000"])
  func contextWithinLinesOutOfRangeIsAnError(value: String) throws {
    let yaml = Self.ruleFile(extra: ["context:", "  pattern: 'acme\\.example\\.com'", "  within_lines: \(value)"])
    #expect(
      try Self.error(yaml)
        == "acme.yml:17:21: error: acme-token: at `rules[0].context.within_lines`: expected a number of lines from 0 to 50")
  }

  @Test func contextWithinLinesNotAnIntegerIsAnError() throws {
    let yaml = Self.ruleFile(extra: ["context:", "  pattern: 'acme\\.example\\.com'", "  within_lines: two"])
    #expect(
      try Self.error(yaml) == "acme.yml:17:21: error: acme-token: at `rules[0].context.within_lines`: expected an integer")
  }

  @Test func contextWithABadRegexIsAnError() throws {
    let yaml = Self.ruleFile(extra: ["context:", "  pattern: '(unclosed'", "  within_lines: 2"])
    let message = try Self.error(yaml)
    #expect(message.hasPrefix("acme.yml:16:16: error: acme-token: at `rules[0].context.pattern`: PCRE2 cannot compile"))
    #expect(message.contains("missing closing parenthesis"))
  }

  @Test func contextWithAnUnknownKeyIsAnError() throws {
    #expect(
      try Self.error(Self.ruleFile(extra: ["context: {pattern: x, lines: 2}"]))
        == "acme.yml:15:27: error: acme-token: at `rules[0].context`: unknown key `lines`; "
        + "expected one of pattern, within_lines, case_insensitive")
  }

  @Test(arguments: ["9", "-0.5", "8.01", "high", "''"])
  func minEntropyOutOfRangeOrNotANumberIsAnError(value: String) throws {
    #expect(
      try Self.error(Self.ruleFile(extra: ["min_entropy: \(value)"]))
        == "acme.yml:15:18: error: acme-token: at `rules[0].min_entropy`: expected a number of bits per character from 0 to 8")
  }

  @Test(arguments: ["0", "8", "3.25"])
  func minEntropyInRangeIsRead(value: String) throws {
    #expect(try Self.load(Self.ruleFile(extra: ["min_entropy: \(value)"])).rules[0].minEntropy == Double(value))
  }

  @Test func emptySkipPathIsAnError() throws {
    #expect(
      try Self.error(Self.ruleFile(extra: ["skip_paths: ['docs/**', '']"]))
        == "acme.yml:15:29: error: acme-token: at `rules[0].skip_paths[1]`: an empty path pattern matches nothing")
  }

  @Test func skipPathsNotAListIsAnError() throws {
    #expect(
      try Self.error(Self.ruleFile(extra: ["skip_paths: 'docs/**'"]))
        == "acme.yml:15:17: error: acme-token: at `rules[0].skip_paths`: expected a list")
  }

  @Test func referencesAreRequired() throws {
    let yaml = Self.ruleFile().split(separator: "\n").filter { !$0.contains("references:") }.joined(separator: "\n")
    #expect(try Self.error(yaml) == "acme.yml:3:5: error: acme-token: at `rules[0]`: missing required key `references`")
  }

  @Test func referencesMustNotBeEmpty() throws {
    #expect(
      try Self.error(Self.ruleFile(references: "[]"))
        == "acme.yml:15:17: error: acme-token: at `rules[0].references`: "
        + "name at least one source of the format facts (the provider's documentation)")
  }

  @Test func referencesAreRead() throws {
    let rule = try Self.load(Self.ruleFile(references: "[https://a.example/1, https://b.example/2]")).rules[0]
    #expect(rule.references == ["https://a.example/1", "https://b.example/2"])
  }

  // MARK: - RuleExampleTest

  @Test func goodRulePassesItsExamples() throws {
    let outcome = try RuleExampleTest(rules: Self.compile(Self.ruleFile())).run()
    #expect(outcome.rulesTested == 1)
    #expect(outcome.examplesRun == 3)
    #expect(outcome.failures.isEmpty)
  }

  @Test func negativeExampleThatIsFoundIsAFailureAtItsLocation() throws {
    let yaml = Self.ruleFile(negatives: ["acme_short", "leaked: acme_${alnum:24}"])
    let outcome = try RuleExampleTest(rules: Self.compile(yaml)).run()
    #expect(outcome.examplesRun == 4)
    let failure = try #require(outcome.failures.first)
    #expect(outcome.failures.count == 1)
    #expect(failure.ruleID == "acme-token")
    #expect(failure.item == "negative_examples[1]")
    #expect(failure.location == SourceLocation(file: "acme.yml", line: 15, column: 9))
    #expect(failure.message == "found, but it is a negative example")
    let expanded = try ExampleTemplate("leaked: acme_${alnum:24}").expanded()
    #expect(failure.text == expanded)
    #expect(
      failure.description
        == "acme.yml:15:9: error: acme-token: negative_examples[1]: found, but it is a negative example\n    \(expanded)")
  }

  @Test func exampleRejectedByThePlaceholderCheckIsAFailureAtItsLocation() throws {
    // The pattern matches it (so the file loads), but 24 identical letters are not a key.
    let placeholder = "token: acme_" + String(repeating: "a", count: 24)
    let yaml = Self.ruleFile(examples: ["ACME_API_TOKEN=acme_${alnum:24}", placeholder])
    let outcome = try RuleExampleTest(rules: Self.compile(yaml)).run()
    let failure = try #require(outcome.failures.first)
    #expect(outcome.failures.count == 1)
    #expect(failure.item == "examples[1]")
    #expect(failure.location == SourceLocation(file: "acme.yml", line: 12, column: 9))
    #expect(failure.message == "not found (the pattern, keywords, entropy, context or placeholder check rejects it)")
    #expect(failure.text == placeholder)
    #expect(failure.description.hasPrefix("acme.yml:12:9: error: acme-token: examples[1]: not found"))
  }

  @Test func exampleRejectedByKeywordsOrEntropyIsAFailure() throws {
    let keywords = Self.ruleFile(examples: ["ACME_API_TOKEN=acme_${alnum:24}", "other: acme_${alnum:24}"], extra: ["keywords: [acme_api_token]"])
    let outcome = try RuleExampleTest(rules: Self.compile(keywords)).run()
    #expect(outcome.failures.map(\.item) == ["examples[1]"])

    let low = "x=acme_" + String(repeating: "Ab", count: 12)
    let entropy = Self.ruleFile(examples: ["ACME_API_TOKEN=acme_${alnum:24}", low], extra: ["min_entropy: 3.5"])
    let second = try RuleExampleTest(rules: Self.compile(entropy)).run()
    #expect(second.failures.map(\.item) == ["examples[1]"])
    #expect(second.failures.map(\.location) == [SourceLocation(file: "acme.yml", line: 12, column: 9)])
  }

  @Test func onlyTheNamedRulesAreTested() throws {
    let broken = Self.ruleFile(id: "broken", negatives: ["k: acme_${alnum:24}"])
    let good = Self.ruleFile(id: "good").replacingOccurrences(of: "acme_", with: "good_")
    let rules = try CompiledRules(RuleSet.load([(path: "a.yml", contents: broken), (path: "b.yml", contents: good)]))
    let all = try RuleExampleTest(rules: rules).run()
    #expect(all.rulesTested == 2)
    #expect(all.failures.map(\.ruleID) == ["broken"])
    #expect(all.failures.map(\.location.file) == ["a.yml"])
    let only = try RuleExampleTest(rules: rules).run(only: ["good"])
    #expect(only.rulesTested == 1)
    #expect(only.examplesRun == 3)
    #expect(only.failures.isEmpty)
  }

  // MARK: - Example templates

  @Test func doubleDollarWritesALiteralPlaceholder() throws {
    #expect(try ExampleTemplate("token: $${API_TOKEN}").expanded() == "token: ${API_TOKEN}")
    #expect(try ExampleTemplate("$${A}-$${B}").expanded() == "${A}-${B}")
    #expect(try ExampleTemplate("$$HOME and $$").expanded() == "$$HOME and $$")
    let mixed = try ExampleTemplate("$${X}=${hex:6}").expanded()
    #expect(mixed.hasPrefix("${X}="))
    #expect(mixed.count == "${X}=".count + 6)
    #expect(mixed.dropFirst(5).allSatisfy { "0123456789abcdef".contains($0) })
    // A literal `${…}` does not need to be a known kind.
    #expect(try ExampleTemplate("$${nonsense}").expanded() == "${nonsense}")
  }

  @Test func ruleExampleWithALiteralVariableIsTestedAsWritten() throws {
    // The negative example is a CI variable, not a key; it must expand and not be found.
    let yaml = Self.ruleFile(negatives: ["ACME_API_TOKEN=$${ACME_API_TOKEN}"])
    let rules = try Self.compile(yaml)
    #expect(rules.rules[0].negativeExamples == ["ACME_API_TOKEN=$${ACME_API_TOKEN}"])
    #expect(try RuleExampleTest(rules: rules).run().failures.isEmpty)
  }

  @Test(arguments: [
    ("b64", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"),
    ("HEX", "0123456789ABCDEF"),
    ("lower", "abcdefghijklmnopqrstuvwxyz"),
    ("upper", "ABCDEFGHIJKLMNOPQRSTUVWXYZ"),
    ("lowernum", "abcdefghijklmnopqrstuvwxyz0123456789"),
    ("uppernum", "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    ("digits", "0123456789"),
  ])
  func newTemplateKindsGiveTheirAlphabetAndLength(kind: String, alphabet: String) throws {
    for count in [1, 7, 40, 4096] {
      let text = try ExampleTemplate("${\(kind):\(count)}").expanded()
      #expect(text.count == count)
      #expect(text.allSatisfy(alphabet.contains), "\(kind): \(text.prefix(60))")
    }
    #expect(Set(try ExampleTemplate("${\(kind):4096}").expanded()) == Set(alphabet))
    let framed = try ExampleTemplate("<${\(kind):12}>").expanded()
    #expect(framed.first == "<" && framed.last == ">" && framed.count == 14)
  }
}
