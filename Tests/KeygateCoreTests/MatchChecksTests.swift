import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// The checks every confirmed match passes: the placeholder check, entropy, the line window
/// around a match, and `keygate:allow` comments.
@Suite struct MatchChecksTests {
  static func isPlaceholder(_ text: String) -> Bool {
    Array(text.utf8).withUnsafeBytes { MatchChecks.isPlaceholder($0) }
  }

  static func entropy(_ text: String) -> Double {
    Array(text.utf8).withUnsafeBytes { MatchChecks.entropy($0) }
  }

  static func allow(_ line: String) -> InlineAllow? {
    Array(line.utf8).withUnsafeBytes { InlineAllow.parse($0) }
  }

  /// The text of `lines(around:extra:in:)` for the first occurrence of `needle` in `content`.
  static func lines(around needle: String, extra: Int, in content: String) throws -> String {
    let bytes = Array(content.utf8)
    let start = try #require(content.range(of: needle)).lowerBound.utf16Offset(in: content)
    let range = bytes.withUnsafeBytes {
      MatchChecks.lines(around: start..<(start + needle.utf8.count), extra: extra, in: $0)
    }
    return String(decoding: bytes[range], as: UTF8.self)
  }

  /// Two halves of a random key with nothing placeholder-like in them.
  static let left = TestKeys.random(20, seed: 901, urlSafe: false)
  static let right = TestKeys.random(20, seed: 902, urlSafe: false)

  // MARK: - Placeholder check

  @Test func randomHalvesAreNotPlaceholders() {
    #expect(!Self.isPlaceholder(Self.left))
    #expect(!Self.isPlaceholder(Self.right))
    #expect(!Self.isPlaceholder(Self.left + Self.right))
  }

  @Test(arguments: ["xxxx", "XXXX", "****", "...", "…", "<", ">", "${", "{{", "%(", "$("])
  func placeholderMarkAnywhereMakesAPlaceholder(mark: String) {
    #expect(Self.isPlaceholder(Self.left + mark + Self.right))
    #expect(Self.isPlaceholder(mark + Self.left))
    #expect(Self.isPlaceholder(Self.left + mark))
  }

  @Test func marksAreMatchedAsWritten() {
    // Mixed-case x's are not the `xxxx` mark, and fewer than four are not either.
    #expect(!Self.isPlaceholder(Self.left + "xXxX" + Self.right))
    #expect(!Self.isPlaceholder(Self.left + "xxx" + Self.right))
    #expect(!Self.isPlaceholder(Self.left + "**" + Self.right))
    #expect(!Self.isPlaceholder(Self.left + ".." + Self.right))
    #expect(!Self.isPlaceholder(Self.left + "$" + Self.right))
  }

  @Test(arguments: [
    "example", "placeholder", "your_", "your-", "yourkey", "changeme", "change_me", "replace", "redacted", "dummy",
    "sample", "insert", "notreal", "not_real", "not-a-real",
  ])
  func placeholderWordMakesAPlaceholderInAnyCase(word: String) {
    #expect(Self.isPlaceholder(Self.left + word + Self.right))
    #expect(Self.isPlaceholder(Self.left + word.uppercased() + Self.right))
    let mixed = String(word.enumerated().map { $0.offset.isMultiple(of: 2) ? Character($0.element.uppercased()) : $0.element })
    #expect(Self.isPlaceholder(Self.left + mixed + Self.right))
    // One letter short is not the word.
    #expect(!Self.isPlaceholder(Self.left + String(word.dropLast()) + Self.right))
  }

  @Test(arguments: [
    ("Qz7aaaaaWp3", false), ("Qz7aaaaaaWp3", true), ("Qz7AAAAAAAAAAWp3", true), ("Qz7______Wp3", true),
    ("Qz7_____Wp3", false), ("Qz12345Wp", false), ("Qz123456Wp", true), ("Qz3456789Wp", true),
    ("Q7abcdeZ9", false), ("Q7abcdefZ9", true), ("q7UVWXYZ9", true), ("q7VWXYZ9", false),
    ("Qz65432Wp", false), ("Qz654321Wp", true), ("q7FEDCBq9", false), ("q7FEDCBAq9", true), ("Q7zyxwvuQ9", true),
    // A run across classes (digit to letter, upper to lower) is not sequential.
    ("6789ABCD", false), ("WXYZabcd", false), ("xyz{|}~", false),
    // Short secrets never have a run of six.
    ("aaaaa", false), ("12345", false), ("", false),
  ])
  func runsOfSixAreRejectedRunsOfFiveAccepted(text: String, rejected: Bool) {
    #expect(Self.isPlaceholder(text) == rejected, "\(text)")
  }

  @Test func longRandomBase64IsAccepted() {
    var generator = SplitMix64(seed: 77)
    let bytes = (0..<300).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let encoded = Data(bytes).base64EncodedString()
    #expect(encoded.count == 400)
    #expect(!Self.isPlaceholder(encoded))
    let urlSafe = TestKeys.random(400, seed: 78, urlSafe: true)
    #expect(!Self.isPlaceholder(urlSafe))
    #expect(!Self.isPlaceholder(TestKeys.openAIProject(seed: 79)))
  }

  // MARK: - Entropy

  @Test(arguments: [
    ("", 0.0), ("a", 0.0), ("aaaa", 0.0), ("ab", 1.0), ("aabb", 1.0), ("abcd", 2.0), ("aaab", 0.811_278_124_459_132_9),
    ("0123456789abcdef", 4.0), ("0123456789abcdef0123456789abcdef", 4.0),
  ])
  func entropyInBitsPerByte(text: String, bits: Double) {
    #expect(abs(Self.entropy(text) - bits) < 1e-12, "\(text): \(Self.entropy(text))")
  }

  @Test func entropyCountsBytesNotCharacters() {
    // "é" is two bytes (C3 A9), each once: 1 bit.
    #expect(abs(Self.entropy("é") - 1.0) < 1e-12)
    // 64 distinct bytes, once each: 6 bits.
    #expect(abs(Self.entropy("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/") - 6.0) < 1e-12)
  }

  // MARK: - Lines around a range

  static let fiveLines = "one\ntwo\nthree\nfour\nfive"

  @Test func linesAroundARangeWithoutExtraLinesIsItsOwnLine() throws {
    #expect(try Self.lines(around: "three", extra: 0, in: Self.fiveLines) == "three")
    #expect(try Self.lines(around: "hr", extra: 0, in: Self.fiveLines) == "three")
    #expect(try Self.lines(around: "one", extra: 0, in: Self.fiveLines) == "one")
    #expect(try Self.lines(around: "ive", extra: 0, in: Self.fiveLines) == "five")
    // A range over a line break covers both lines.
    #expect(try Self.lines(around: "ee\nfo", extra: 0, in: Self.fiveLines) == "three\nfour")
  }

  @Test func linesAroundARangeWidenByExtraLinesOnEachSide() throws {
    #expect(try Self.lines(around: "three", extra: 1, in: Self.fiveLines) == "two\nthree\nfour")
    #expect(try Self.lines(around: "three", extra: 2, in: Self.fiveLines) == Self.fiveLines)
    #expect(try Self.lines(around: "three", extra: 9, in: Self.fiveLines) == Self.fiveLines)
    #expect(try Self.lines(around: "one", extra: 1, in: Self.fiveLines) == "one\ntwo")
    #expect(try Self.lines(around: "five", extra: 1, in: Self.fiveLines) == "four\nfive")
    // Empty lines count as lines.
    #expect(try Self.lines(around: "b", extra: 1, in: "a\n\nb\n\nc") == "\nb\n")
    #expect(try Self.lines(around: "b", extra: 2, in: "a\n\nb\n\nc") == "a\n\nb\n\nc")
  }

  @Test func linesAroundARangeExcludeTheNewlinesThatEndTheWindow() throws {
    let content = "first\nsecond\n"
    #expect(try Self.lines(around: "second", extra: 0, in: content) == "second")
    #expect(try Self.lines(around: "second", extra: 1, in: content) == "first\nsecond\n")
  }

  // MARK: - keygate:allow

  @Test(arguments: [
    ("key = value  # keygate:allow", nil, nil),
    ("key = value  // keygate:allow test fixture", nil, "test fixture"),
    ("# keygate:allow:openai-project-key", "openai-project-key", nil),
    ("# keygate:allow:openai-project-key test fixture, revoked 2025-01", "openai-project-key", "test fixture, revoked 2025-01"),
    ("x = 1 /* keygate:allow fixture */", nil, "fixture"),
    ("x = 1 /* keygate:allow */", nil, nil),
    ("<!-- keygate:allow:jwt docs sample -->", "jwt", "docs sample"),
    ("<!-- keygate:allow -->", nil, nil),
    ("{# keygate:allow template #}", nil, "template"),
    ("<% keygate:allow erb %>", nil, "erb"),
    ("# keygate:allow - a reason after a dash", nil, "a reason after a dash"),
    ("# keygate:allow: a reason after a colon", nil, "a reason after a colon"),
    ("# keygate:allow:my.rule_v2-x\tfixture", "my.rule_v2-x", "fixture"),
    ("a keygate:allow b keygate:allow:second", nil, "b keygate:allow:second"),
    ("keygate:allow", nil, nil),
  ] as [(String, String?, String?)])
  func inlineAllowIsParsed(line: String, ruleID: String?, reason: String?) throws {
    let allow = try #require(Self.allow(line))
    #expect(allow == InlineAllow(ruleID: ruleID, reason: reason))
  }

  @Test(arguments: ["", "nothing here", "keygate:allo", "keygate allow", "# keygate-allow", "KEYGATE:ALLOW"])
  func lineWithoutTheMarkerHasNoAllow(line: String) {
    #expect(Self.allow(line) == nil)
  }

  @Test func allowWithoutARuleAllowsEveryRule() {
    let any = InlineAllow(ruleID: nil, reason: "fixture")
    #expect(any.allows(ruleID: "openai-project-key"))
    #expect(any.allows(ruleID: "anything-else"))
  }

  @Test func allowForOneRuleAllowsOnlyThatRule() {
    let one = InlineAllow(ruleID: "openai-project-key", reason: nil)
    #expect(one.allows(ruleID: "openai-project-key"))
    #expect(!one.allows(ruleID: "openai-admin-key"))
    #expect(!one.allows(ruleID: "openai-project-key-2"))
    #expect(!one.allows(ruleID: ""))
  }
}
