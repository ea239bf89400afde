import KeygateTestSupport
import Testing

@testable import KeygateCore

/// The full matcher (Hyperscan to find, PCRE2 to confirm and capture) with the built-in OpenAI
/// rules (the others would rightly find `token=…` lines here too).
/// Expected secrets are marked with `↓` in the input, so each test shows where it expects them.
@Suite struct MatcherTests {
  static let rules = try! CompiledRules(RuleSet(rules: RuleSet.builtin().rules.filter { $0.provider == "openai" }))

  struct Found: Equatable, CustomStringConvertible {
    let ruleID: String
    let secret: String
    let line: Int
    let column: Int
    var description: String { "\(ruleID) at \(line):\(column) (\(secret.prefix(12))…)" }
  }

  /// Every match the matcher finds in `text`; also checks each secret against its byte range.
  static func matches(in text: String) throws -> [Found] {
    try matches(in: Array(text.utf8))
  }

  static func matches(in bytes: [UInt8]) throws -> [Found] {
    var matcher = try Matcher(rules: rules)
    let raw = try bytes.withUnsafeBytes { try matcher.matches(in: $0) }
    return raw.map { match in
      #expect(Array(match.secret.utf8) == Array(bytes[match.secretRange]))
      return Found(
        ruleID: rules.rules[match.ruleIndex].id, secret: match.secret, line: match.line, column: match.column)
    }
  }

  /// Text with `↓` before each expected secret: the text without the markers, and where each
  /// marker was as 1-based (line, column in Unicode scalars).
  struct Marked {
    var text = ""
    var positions: [(line: Int, column: Int)] = []

    init(_ marked: String) {
      var scalars = String.UnicodeScalarView()
      var line = 1
      var column = 1
      for scalar in marked.unicodeScalars {
        if scalar == "↓" {
          positions.append((line, column))
          continue
        }
        scalars.append(scalar)
        if scalar == "\n" {
          line += 1
          column = 1
        } else {
          column += 1
        }
      }
      text = String(scalars)
    }
  }

  /// Checks that `marked` yields exactly `expected` (rule id, secret) pairs at the marked places.
  func expectMatches(
    _ marked: String, _ expected: [(ruleID: String, secret: String)],
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws {
    let input = Marked(marked)
    #expect(input.positions.count == expected.count, "markers and expectations differ", sourceLocation: sourceLocation)
    let found = try Self.matches(in: input.text)
    let wanted = zip(expected, input.positions).map {
      Found(ruleID: $0.ruleID, secret: $0.secret, line: $1.line, column: $1.column)
    }
    #expect(found == wanted, sourceLocation: sourceLocation)
  }

  enum Form: String, CaseIterable, Sendable {
    case project, serviceAccount, legacyServiceAccount, admin, legacyUser

    var key: String {
      switch self {
      case .project: TestKeys.openAIProject()
      case .serviceAccount: TestKeys.openAIServiceAccount()
      case .legacyServiceAccount:
        "sk-" + "None-" + TestKeys.random(48, seed: 5, urlSafe: false) + TestKeys.openAIMarker
          + TestKeys.random(48, seed: 6, urlSafe: false)
      case .admin: TestKeys.openAIAdmin()
      case .legacyUser: TestKeys.openAILegacy()
      }
    }

    var ruleID: String {
      switch self {
      case .project: "openai-project-key"
      case .serviceAccount, .legacyServiceAccount: "openai-service-account-key"
      case .admin: "openai-admin-key"
      case .legacyUser: "openai-user-key"
      }
    }
  }

  @Test(arguments: Form.allCases)
  func eachOpenAIKeyFormHasItsRule(form: Form) throws {
    let key = form.key
    try expectMatches("OPENAI_API_KEY=↓\(key)\n", [(form.ruleID, key)])
    try expectMatches("client = OpenAI(api_key=\"↓\(key)\")", [(form.ruleID, key)])
  }

  @Test func emptyAndKeylessContentHaveNoMatches() throws {
    #expect(try Self.matches(in: "").isEmpty)
    #expect(try Self.matches(in: "OPENAI_API_KEY=sk-proj-REPLACE_ME\nsk-\n\(TestKeys.openAIMarker)\n").isEmpty)
  }

  @Test func columnCountsUnicodeScalarsAfterMultibyteText() throws {
    let key = TestKeys.openAIProject()
    // "é" as one scalar (2 bytes), "e\u{301}" as two scalars making one character, "🔑" (4 bytes),
    // "👩‍💻" (three scalars, one character) and CJK (3 bytes each).
    try expectMatches("# clé 🔑 für café\nclé_e\u{301}_👩‍💻_秘密 = \"↓\(key)\"\n", [("openai-project-key", key)])
    let found = try #require(try Self.matches(in: "é🔑\(key)").first)
    #expect(found.column == 3)
  }

  @Test func lineNumbersCountNewlines() throws {
    let a = TestKeys.openAIProject(seed: 1)
    let b = TestKeys.openAIAdmin(seed: 2)
    let c = TestKeys.openAILegacy(seed: 3)
    try expectMatches(
      "↓\(a)\n\n  indented: ↓\(b)\n\n\n\nlast = '↓\(c)'\n",
      [("openai-project-key", a), ("openai-admin-key", b), ("openai-user-key", c)])
  }

  @Test func twoKeysOnOneLine() throws {
    let a = TestKeys.openAIProject(seed: 10)
    let b = TestKeys.openAIProject(seed: 11)
    try expectMatches("a=↓\(a) b=↓\(b)", [("openai-project-key", a), ("openai-project-key", b)])
  }

  @Test func keysOfDifferentRulesComeInPositionOrder() throws {
    let user = TestKeys.openAILegacy()
    let admin = TestKeys.openAIAdmin()
    let project = TestKeys.openAIProject()
    try expectMatches(
      "↓\(user) ↓\(admin)\n↓\(project)",
      [("openai-user-key", user), ("openai-admin-key", admin), ("openai-project-key", project)])
  }

  @Test func adjacentKeysSeparatedByOneComma() throws {
    let a = TestKeys.openAIProject(seed: 20)
    let b = TestKeys.openAIProject(seed: 21)
    let c = TestKeys.openAIServiceAccount(seed: 22)
    let d = TestKeys.openAILegacy(seed: 23)
    try expectMatches(
      "keys=↓\(a),↓\(b),↓\(c),↓\(d)\n",
      [("openai-project-key", a), ("openai-project-key", b), ("openai-service-account-key", c), ("openai-user-key", d)])
  }

  @Test func sameKeyRepeatedIsFoundEveryTime() throws {
    let key = TestKeys.openAIProject(seed: 30)
    let lines = Array(repeating: "↓\(key)", count: 50).joined(separator: "\n")
    try expectMatches(lines, Array(repeating: ("openai-project-key", key), count: 50))
    try expectMatches(
      Array(repeating: "↓\(key)", count: 5).joined(separator: " "),
      Array(repeating: ("openai-project-key", key), count: 5))
  }

  @Test func keyAtTheVeryEndWithoutNewline() throws {
    let key = TestKeys.openAIAdmin()
    try expectMatches("export OPENAI_ADMIN_KEY=↓\(key)", [("openai-admin-key", key)])
    try expectMatches("↓\(key)", [("openai-admin-key", key)])
  }

  @Test(arguments: ["x", "_", "7", "sk"])
  func keyPrecededByAWordCharacterIsNotMatched(prefix: String) throws {
    for key in [
      TestKeys.openAIProject(), TestKeys.openAIServiceAccount(), TestKeys.openAIAdmin(), TestKeys.openAILegacy(),
    ] {
      #expect(try Self.matches(in: "token=\(prefix)\(key)\n").isEmpty)
    }
  }

  @Test func keyPrecededByPunctuationIsMatched() throws {
    let key = TestKeys.openAIProject()
    for prefix in ["-", ".", "/", "'", "(", ":", "\t", "é"] {
      try expectMatches("\(prefix)↓\(key)", [("openai-project-key", key)])
    }
  }

  /// `sk-proj-` takes 20 to 120 characters on each side of the marker; a longer run is not a
  /// key of that form, and no shorter key hides inside it.
  @Test(arguments: [
    (19, 74, false), (20, 74, true), (120, 74, true), (121, 74, false), (74, 19, false),
    (74, 20, true), (74, 120, true), (74, 121, false),
  ])
  func projectKeyLengthBounds(before: Int, after: Int, matches: Bool) throws {
    let key =
      "sk-" + "proj-" + TestKeys.random(before, seed: 40, urlSafe: true) + TestKeys.openAIMarker
      + TestKeys.random(after, seed: 41, urlSafe: true)
    let found = try Self.matches(in: "OPENAI_API_KEY=\(key)\n")
    #expect(found == (matches ? [Found(ruleID: "openai-project-key", secret: key, line: 1, column: 16)] : []))
  }

  @Test(arguments: [(19, 20, false), (20, 20, true), (21, 20, false), (20, 19, false), (20, 21, false)])
  func legacyUserKeyHasExactLengths(before: Int, after: Int, matches: Bool) throws {
    let key =
      "sk-" + TestKeys.random(before, seed: 50, urlSafe: false) + TestKeys.openAIMarker
      + TestKeys.random(after, seed: 51, urlSafe: false)
    let found = try Self.matches(in: "key: \(key)")
    #expect(found == (matches ? [Found(ruleID: "openai-user-key", secret: key, line: 1, column: 6)] : []))
  }

  @Test func crlfLineEndings() throws {
    let a = TestKeys.openAIProject(seed: 60)
    let b = TestKeys.openAILegacy(seed: 61)
    try expectMatches(
      "# config\r\nOPENAI_API_KEY=↓\(a)\r\nLEGACY=↓\(b)\r\n", [("openai-project-key", a), ("openai-user-key", b)])
  }

  @Test func tenMegabytesWithKeysAtStartMiddleAndEnd() throws {
    let first = TestKeys.openAIProject(seed: 70)
    let middle = TestKeys.openAIServiceAccount(seed: 71)
    let last = TestKeys.openAIAdmin(seed: 72)
    let filler = Array("The quick brown fox jumps over the lazy dog; sk- is not a key.\n".utf8)
    let linesPerHalf = 5 * 1024 * 1024 / filler.count
    var content: [UInt8] = []
    content.reserveCapacity(2 * linesPerHalf * filler.count + 1024)
    content += Array("\(first)\n".utf8)
    for _ in 0..<linesPerHalf { content += filler }
    content += Array("  \"key\": \"\(middle)\",\n".utf8)
    for _ in 0..<linesPerHalf { content += filler }
    content += Array("OPENAI_ADMIN_KEY=\(last)".utf8)
    #expect(content.count > 10 * 1024 * 1024)

    let found = try Self.matches(in: content)
    #expect(
      found == [
        Found(ruleID: "openai-project-key", secret: first, line: 1, column: 1),
        Found(ruleID: "openai-service-account-key", secret: middle, line: linesPerHalf + 2, column: 11),
        Found(ruleID: "openai-admin-key", secret: last, line: 2 * linesPerHalf + 3, column: 18),
      ])
  }

  @Test func matcherIsReusableAcrossContents() throws {
    var matcher = try Matcher(rules: Self.rules)
    let key = TestKeys.openAIProject()
    for (text, lines) in [("k=\(key)", [1]), ("nothing here", []), ("\n\n\(key)", [3]), ("\(key)\n\(key)", [1, 2])] {
      let found = try Array(text.utf8).withUnsafeBytes { try matcher.matches(in: $0) }
      #expect(found.map(\.line) == lines)
      #expect(found.allSatisfy { $0.secret == key })
    }
  }

  /// Many keys, one per line, built from parts.
  static func manyKeys(_ count: Int) -> [UInt8] {
    Array((0..<count).map { "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 5000 + UInt64($0)))\n" }.joined().utf8)
  }

  @Test func aTimeLimitStopsTheMatcherAndSaysSo() throws {
    let content = Self.manyKeys(2000)
    var unbounded = try Matcher(rules: Self.rules)
    let all = try content.withUnsafeBytes { try unbounded.matches(in: $0) }
    #expect(all.count == 2000)
    let unboundedStopped = unbounded.unfinished
    #expect(unboundedStopped == nil)

    // A bound that has passed before the first hit is confirmed: stopped, and the reason given.
    var bounded = try Matcher(rules: Self.rules, timeLimit: .nanoseconds(1))
    _ = try content.withUnsafeBytes { try bounded.matches(in: $0) }
    let stoppedBecause = bounded.unfinished
    let reason = try #require(stoppedBecause)
    #expect(reason.contains("--max-object-seconds"))
    #expect(reason.contains("was not checked"))

    // Content without a hit never needs the clock, and the next call starts afresh.
    let plain = Array(String(repeating: "nothing to see here\n", count: 100).utf8)
    let plainMatches = try plain.withUnsafeBytes { try bounded.matches(in: $0) }
    #expect(plainMatches.isEmpty)
    let stillStopped = bounded.unfinished
    #expect(stillStopped == nil)
  }

  @Test func timeLimitsAreShownInSeconds() {
    #expect(Matcher.seconds(.seconds(60)) == "60 s")
    #expect(Matcher.seconds(.milliseconds(500)) == "0.5 s")
    #expect(Matcher.seconds(.microseconds(1)) == "1e-06 s")
  }
}

/// A rule's `prefilter`: Hyperscan finds the looser pattern, PCRE2 confirms the rule's own.
@Suite struct PrefilterTests {
  static func ruleFile(prefilter: String) -> String {
    """
    version: 1
    rules:
      - id: piped-token
        name: Piped token
        provider: example
        severity: high
        description: An id, a pipe and a token.
        remediation: Rotate it.
        pattern: '\\b([0-9]{15,16}\\|[0-9A-Za-z_-]{27,40})(?:[^A-Za-z0-9_-]|$)'
        prefilter: '\(prefilter)'
        references: [https://example.com/docs]
        examples:
          - 'APP_TOKEN=${digits:16}|${urlsafe:32}'
          - 'token: ${digits:15}|${urlsafe:40} # note'
        negative_examples:
          - 'a || b'
    """
  }

  static func outcome(prefilter: String) throws -> RuleExampleTest.Outcome {
    let set = try RuleSet.load([(path: "piped.yml", contents: ruleFile(prefilter: prefilter))])
    return try RuleExampleTest(rules: CompiledRules(set)).run()
  }

  @Test func aPrefilterThatHoldsInEveryMatchFindsWhatThePatternFinds() throws {
    let set = try RuleSet.load([(path: "piped.yml", contents: Self.ruleFile(prefilter: #"\b[0-9]{15,16}\|"#))])
    #expect(set.rules.first?.prefilter == #"\b[0-9]{15,16}\|"#)
    let compiled = try CompiledRules(set)
    var matcher = try Matcher(rules: compiled)
    let token = "4839201746" + "528391|" + "Xk9_pQ2mZ7" + "rT4vB8nL1c" + "W6yH3jD5sF0a"
    let text = "x = 1\nAPP_TOKEN=\(token)\nif (a || b) {}\n"
    let found = try Array(text.utf8).withUnsafeBytes { try matcher.matches(in: $0) }
    #expect(found.map(\.secret) == [token])
    #expect(found.first?.line == 2)
    #expect(found.first?.column == 11)
    #expect(try Self.outcome(prefilter: #"\b[0-9]{15,16}\|"#).failures.isEmpty)
  }

  @Test func aPrefilterThatMissesMatchesFailsTheRulesExamples() throws {
    // Requires a letter after the pipe that the second example does not always have.
    let outcome = try Self.outcome(prefilter: #"[0-9]{15}\|zzz"#)
    #expect(!outcome.failures.isEmpty)
  }

  @Test func aPrefilterHyperscanRejectsIsAnErrorAtItsLine() throws {
    #expect {
      _ = try RuleSet.load([(path: "piped.yml", contents: Self.ruleFile(prefilter: #"(?<=x)\|"#))])
    } throws: { error in
      "\(error)".contains("piped.yml:10:") && "\(error)".contains("piped-token")
    }
  }
}
