import KeygateTestSupport
import Testing

@testable import KeygateCore

@Suite struct RedactionTests {
  static let openAIPrefixes = ["sk-svcacct-", "sk-admin-", "sk-proj-", "sk-None-", "sk-"]

  @Test func projectKeyShowsItsPrefixAndLastFour() {
    let key = TestKeys.openAIProject()
    #expect(Redaction.redact(key, visiblePrefixes: Self.openAIPrefixes) == "sk-proj-…" + key.suffix(4))
  }

  @Test func firstMatchingPrefixInTheGivenOrderIsShown() {
    let key = TestKeys.openAIAdmin()
    // Longest first (as rules store them) shows the key type; a shorter prefix first wins if given so.
    #expect(Redaction.redact(key, visiblePrefixes: ["sk-admin-", "sk-"]) == "sk-admin-…" + key.suffix(4))
    #expect(Redaction.redact(key, visiblePrefixes: ["sk-", "sk-admin-"]) == "sk-…" + key.suffix(4))
  }

  @Test func noMatchingPrefixShowsOnlyTheLastFour() {
    let key = TestKeys.openAILegacy()
    #expect(Redaction.redact(key, visiblePrefixes: ["sk-proj-"]) == "…" + key.suffix(4))
    #expect(Redaction.redact(key, visiblePrefixes: []) == "…" + key.suffix(4))
  }

  @Test(arguments: ["", "a", "sk-proj-", "sk-proj-1234567", "0123456789abcde"])
  func secretShorterThanSixteenShowsNothing(secret: String) {
    #expect(Redaction.redact(secret, visiblePrefixes: Self.openAIPrefixes) == "…")
  }

  @Test func sixteenCharactersShowTheLastFour() {
    #expect(Redaction.redact("0123456789abcdef", visiblePrefixes: []) == "…cdef")
  }

  @Test func prefixIsShownOnlyWhenEightCharactersFollowIt() {
    // sk-proj- (8) + 8 = 16: shown. sk-admin- (9) + 7 = 16: the prefix would leave too little hidden.
    #expect(Redaction.redact("sk-proj-12345678", visiblePrefixes: Self.openAIPrefixes) == "sk-proj-…5678")
    #expect(Redaction.redact("sk-admin-1234567", visiblePrefixes: ["sk-admin-"]) == "…4567")
    #expect(Redaction.redact("sk-admin-1234567", visiblePrefixes: ["sk-admin-", "sk-"]) == "sk-…4567")
  }

  @Test func lengthsCountCharacters() {
    // Fifteen characters but more than sixteen bytes: still too short to show anything.
    #expect(Redaction.redact("ééééééééééééééé", visiblePrefixes: []) == "…")
    #expect(Redaction.redact("éééééééééééé🔑abc", visiblePrefixes: []) == "…🔑abc")
  }

  @Test func redactedFormNeverContainsTheHiddenPart() {
    for key in [
      TestKeys.openAIProject(), TestKeys.openAIServiceAccount(), TestKeys.openAIAdmin(), TestKeys.openAILegacy(),
    ] {
      let redacted = Redaction.redact(key, visiblePrefixes: Self.openAIPrefixes)
      #expect(!redacted.contains(TestKeys.openAIMarker))
      #expect(redacted.count <= "sk-svcacct-".count + 1 + 4)
    }
  }
}
