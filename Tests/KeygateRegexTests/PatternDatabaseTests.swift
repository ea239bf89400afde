import KeygateRegex
import Testing

@Suite struct PatternDatabaseTests {
  /// Every (pattern index, end offset) Hyperscan reports, in a stable order.
  func scan(_ database: PatternDatabase, _ text: String) throws -> [Hit] {
    var scratch = try Scratch(for: database)
    var hits: [Hit] = []
    try Array(text.utf8).withUnsafeBytes { bytes in
      try scratch.scan(bytes) { pattern, end in hits.append(Hit(pattern, end)) }
    }
    return hits.sorted { ($0.end, $0.pattern) < ($1.end, $1.pattern) }
  }

  struct Hit: Equatable, CustomStringConvertible {
    let pattern: Int
    let end: Int
    init(_ pattern: Int, _ end: Int) {
      self.pattern = pattern
      self.end = end
    }
    var description: String { "(\(pattern), \(end))" }
  }

  @Test func eachPatternReportsItsIndexAndMatchEnd() throws {
    let database = try PatternDatabase(patterns: [
      PatternSpec(expression: "foo"),
      PatternSpec(expression: "bar[0-9]{3}"),
      PatternSpec(expression: "\\bkey=[a-f]{4}\\b"),
    ])
    //                  0         1         2         3
    //                  0123456789012345678901234567890123456
    let text = "foo bar123 xkey=abcd key=abcd foobar999"
    #expect(
      try scan(database, text) == [
        Hit(0, 3), Hit(1, 10), Hit(2, 29), Hit(0, 33), Hit(1, 39),
      ])
  }

  @Test func variableLengthPatternReportsEveryEnd() throws {
    let database = try PatternDatabase(patterns: [PatternSpec(expression: "ab+")])
    #expect(try scan(database, "xabbb") == [Hit(0, 3), Hit(0, 4), Hit(0, 5)])
  }

  @Test func caseInsensitiveSpec() throws {
    let database = try PatternDatabase(patterns: [
      PatternSpec(expression: "secret", caseInsensitive: true),
      PatternSpec(expression: "secret"),
    ])
    #expect(try scan(database, "SeCrEt secret") == [Hit(0, 6), Hit(0, 13), Hit(1, 13)])
  }

  @Test func noMatchAndEmptyInputReportNothing() throws {
    let database = try PatternDatabase(patterns: [PatternSpec(expression: "needle")])
    #expect(try scan(database, "haystack").isEmpty)
    #expect(try scan(database, "").isEmpty)
  }

  @Test func scratchIsReusable() throws {
    let database = try PatternDatabase(patterns: [PatternSpec(expression: "x")])
    var scratch = try Scratch(for: database)
    for text in ["x", "xx", "axbxc"] {
      var count = 0
      try Array(text.utf8).withUnsafeBytes { bytes in try scratch.scan(bytes) { _, _ in count += 1 } }
      #expect(count == text.filter { $0 == "x" }.count)
    }
  }

  @Test func binaryInputIsScannedAsBytes() throws {
    let database = try PatternDatabase(patterns: [PatternSpec(expression: "k\\x00y")])
    var scratch = try Scratch(for: database)
    var ends: [Int] = []
    let input: [UInt8] = [0xFF, 0x6B, 0x00, 0x79, 0x00]
    try input.withUnsafeBytes { bytes in
      try scratch.scan(bytes) { _, end in ends.append(end) }
    }
    #expect(ends == [4])
  }

  @Test func inputLargerThanHyperscanAcceptsIsRejectedBeforeScanning() throws {
    let database = try PatternDatabase(patterns: [PatternSpec(expression: "x")])
    var scratch = try Scratch(for: database)
    var byte: UInt8 = 0
    let limit = Scratch.maximumInputLength
    let error = try withUnsafeMutableBytes(of: &byte) { raw in
      // Only the length is looked at: the buffer is never read.
      let tooLarge = UnsafeRawBufferPointer(start: raw.baseAddress, count: limit + 1)
      return try #require(throws: RegexError.self) { try scratch.scan(tooLarge) { _, _ in } }
    }
    #expect(error == .inputTooLarge(bytes: limit + 1, limit: limit))
  }

  @Test func widthsAreRecordedPerPattern() throws {
    let database = try PatternDatabase(patterns: [
      PatternSpec(expression: "abc"), PatternSpec(expression: "a{2,5}"), PatternSpec(expression: "a.*b"),
    ])
    #expect(database.widths.map(\.minimum) == [3, 2, 2])
    #expect(database.widths.map(\.maximum) == [3, 5, nil])
  }

  @Test(arguments: [
    ("abc", 3, 3 as Int?),
    ("a{2,5}", 2, 5),
    ("x[0-9]{3,10}y", 5, 12),
    ("(?:ab|cdef)", 2, 4),
    ("\\bkey\\b", 3, 3),
    ("end$", 3, 3),
    ("a+", 1, nil),
    ("abc.*", 3, nil),
    ("a{3,}", 3, nil),
  ])
  func width(expression: String, minimum: Int, maximum: Int?) throws {
    let width = try PatternDatabase.width(of: PatternSpec(expression: expression))
    #expect(width.minimum == minimum)
    #expect(width.maximum == maximum)
  }

  @Test func widthOfAnInvalidPatternThrows() throws {
    let error = try #require(throws: RegexError.self) { try PatternDatabase.width(of: PatternSpec(expression: "ab(c")) }
    guard case .hyperscanCompile(let message, let index) = error else {
      Issue.record("expected hyperscanCompile, got \(error)")
      return
    }
    #expect(!message.isEmpty)
    #expect(index == nil)
    #expect(error.description == "Hyperscan cannot compile the pattern: \(message)")
  }

  @Test
  func compileErrorNamesThePatternIndex() throws {
    let specs = [
      PatternSpec(expression: "good"), PatternSpec(expression: "also good"), PatternSpec(expression: "ba(d"),
    ]
    let error = try #require(throws: RegexError.self) { try PatternDatabase(patterns: specs) }
    guard case .hyperscanCompile(_, let index) = error else {
      Issue.record("expected hyperscanCompile, got \(error)")
      return
    }
    #expect(index == 2)
  }

  @Test(arguments: ["ab(c", "a{5,2}", "[z-a]", "(abc)\\1", "(?<=a+)b"])
  func patternsHyperscanRejectsThrowCompileErrors(expression: String) throws {
    let error = try #require(throws: RegexError.self) {
      try PatternDatabase(patterns: [PatternSpec(expression: "fine"), PatternSpec(expression: expression)])
    }
    guard case .hyperscanCompile(let message, _) = error else {
      Issue.record("expected hyperscanCompile, got \(error)")
      return
    }
    #expect(!message.isEmpty)
  }
}
