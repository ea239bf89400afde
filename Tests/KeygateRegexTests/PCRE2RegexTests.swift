import KeygateRegex
import Testing

@Suite struct PCRE2RegexTests {
  /// The group ranges of the first match at or after `start`, using match data sized for the pattern.
  func firstMatch(_ regex: PCRE2Regex, in text: String, from start: Int = 0) throws -> [Range<Int>?]? {
    var matchData = MatchData(for: regex)
    return try Array(text.utf8).withUnsafeBytes { bytes in
      try regex.firstMatch(in: bytes, from: start, using: &matchData)
    }
  }

  @Test(arguments: [
    ("abc", 0),
    ("(a)(b)", 2),
    ("(a)(?:b)(c)?", 2),
    ("(?<name>x)(y(z))", 3),
    ("\\(not a group\\)", 0),
  ])
  func captureCount(pattern: String, count: Int) throws {
    let regex = try PCRE2Regex(pattern)
    #expect(regex.captureCount == count)
    #expect(regex.pattern == pattern)
  }

  @Test func groupRangesAreByteOffsets() throws {
    let regex = try PCRE2Regex("key=([a-z]+)(?:-([0-9]+))?")
    //                            0123456789012345
    #expect(try firstMatch(regex, in: "xx key=abc-12 yy") == [3..<13, 7..<10, 11..<13])
    // The optional second group does not take part: nil, not an empty range.
    #expect(try firstMatch(regex, in: "xx key=abc yy") == [3..<10, 7..<10, nil])
  }

  @Test func unsetGroupBeforeASetGroupIsNil() throws {
    let regex = try PCRE2Regex("(a)?(b)")
    #expect(try firstMatch(regex, in: "b") == [0..<1, nil, 0..<1])
    #expect(try firstMatch(regex, in: "ab") == [0..<2, 0..<1, 1..<2])
  }

  @Test func emptyGroupIsAnEmptyRangeNotNil() throws {
    let regex = try PCRE2Regex("x(a*)y")
    #expect(try firstMatch(regex, in: "-xy") == [1..<3, 2..<2])
  }

  @Test func offsetsCountBytesNotCharacters() throws {
    let regex = try PCRE2Regex("(k[0-9]+)")
    // "é" is two bytes and "🔑" four.
    #expect(try firstMatch(regex, in: "é🔑 k42") == [7..<10, 7..<10])
  }

  @Test func noMatchIsNil() throws {
    let regex = try PCRE2Regex("needle")
    #expect(try firstMatch(regex, in: "haystack") == nil)
    #expect(try firstMatch(regex, in: "") == nil)
    #expect(try regex.matches("haystack") == false)
    #expect(try regex.matches("a needle") == true)
  }

  @Test func searchStartsAtTheGivenOffset() throws {
    let regex = try PCRE2Regex("ab")
    #expect(try firstMatch(regex, in: "ab ab ab", from: 1) == [3..<5])
    #expect(try firstMatch(regex, in: "ab ab ab", from: 7) == nil)
  }

  @Test func lookBehindSeesBytesBeforeTheStartOffset() throws {
    // The matcher relies on this: `\b` at the start offset looks at the byte before it.
    let regex = try PCRE2Regex("\\bfoo")
    #expect(try firstMatch(regex, in: "xfoo foo", from: 1) == [5..<8])
  }

  @Test func caseInsensitive() throws {
    let sensitive = try PCRE2Regex("secret-[a-z]+")
    let insensitive = try PCRE2Regex("secret-[a-z]+", caseInsensitive: true)
    #expect(try sensitive.matches("SECRET-ABC") == false)
    #expect(try insensitive.matches("SECRET-ABC") == true)
    #expect(try firstMatch(insensitive, in: "x Secret-Abc") == [2..<12])
  }

  @Test(arguments: [
    ("ab(c", 4),
    ("a)b", 1),
    ("a{5,2}", 5),
    ("[z-a]", 3),
  ])
  func compileErrorHasTheOffset(pattern: String, offset: Int) throws {
    let error = try #require(throws: RegexError.self) { try PCRE2Regex(pattern) }
    guard case .pcre2Compile(let message, let reported) = error else {
      Issue.record("expected pcre2Compile, got \(error)")
      return
    }
    #expect(reported == offset)
    #expect(!message.isEmpty && !message.hasPrefix("PCRE2 error"))
    #expect(error.description == "PCRE2 cannot compile the pattern at offset \(offset): \(message)")
  }

  @Test func missingParenthesisMessage() throws {
    let error = try #require(throws: RegexError.self) { try PCRE2Regex("ab(c") }
    #expect(error == .pcre2Compile(message: "missing closing parenthesis", offset: 4))
  }

  @Test func matchDataSizedByGroupCountGivesTheSameResults() throws {
    let regex = try PCRE2Regex("(a)?(b)(c)?")
    let bytes = Array("xxbc abc b".utf8)
    for groups in [3, 4, 10] {
      var matchData = MatchData(groups: groups)
      var start = 0
      var results: [[Range<Int>?]] = []
      while let groups = try bytes.withUnsafeBytes({ try regex.firstMatch(in: $0, from: start, using: &matchData) }) {
        results.append(groups)
        start = try #require(groups[0]).upperBound
      }
      #expect(results == [[2..<4, nil, 2..<3, 3..<4], [5..<8, 5..<6, 6..<7, 7..<8], [9..<10, nil, 9..<10, nil]])
    }
  }

  @Test func oneMatchDataServesSeveralPatterns() throws {
    let first = try PCRE2Regex("(x)(y)")
    let second = try PCRE2Regex("(z)")
    var matchData = MatchData(groups: 2)
    let bytes = Array("xyz".utf8)
    let a = try bytes.withUnsafeBytes { try first.firstMatch(in: $0, from: 0, using: &matchData) }
    let b = try bytes.withUnsafeBytes { try second.firstMatch(in: $0, from: 0, using: &matchData) }
    #expect(a == [0..<2, 0..<1, 1..<2])
    #expect(b == [2..<3, 2..<3])
  }

  @Test func matchLimitErrorIsThrownNotReportedAsNoMatch() throws {
    // Catastrophic backtracking: PCRE2 gives up with an error, which must not read as "no match".
    let regex = try PCRE2Regex("^(a+)+$")
    let text = String(repeating: "a", count: 40) + "b"
    let error = try #require(throws: RegexError.self) { try firstMatch(regex, in: text) }
    #expect(error == .pcre2Match(code: -47, message: "match limit exceeded"))
  }
}
