import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// Keys hidden behind an encoding — base64 (Kubernetes Secrets, HTTP Basic), base64 of base64,
/// percent-encoding — found by the matcher, at the encoded text's position.
@Suite struct DecodingTests {
  /// Only the OpenAI project-key rule, so the results do not depend on the other built-ins.
  static let rules: CompiledRules = {
    let builtin = try! RuleSet.builtin()
    return try! CompiledRules(RuleSet(rules: builtin.rules.filter { $0.id == "openai-project-key" }))
  }()

  static func matches(in text: String) throws -> [RawMatch] {
    try matches(in: Array(text.utf8))
  }

  static func matches(in bytes: [UInt8]) throws -> [RawMatch] {
    var matcher = try Matcher(rules: rules)
    return try bytes.withUnsafeBytes { try matcher.matches(in: $0) }
  }

  static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  /// The byte range of the first `needle` in `text`.
  static func byteRange(of needle: String, in text: String) throws -> Range<Int> {
    let range = try #require(text.range(of: needle))
    let start = text.utf8.distance(from: text.startIndex, to: range.lowerBound)
    return start..<(start + needle.utf8.count)
  }

  @Test func ruleSetIsTheOneRule() {
    #expect(Self.rules.rules.map(\.id) == ["openai-project-key"])
  }

  @Test func keyAsWrittenHasNoEncodings() throws {
    let key = TestKeys.openAIProject(seed: 101)
    let found = try Self.matches(in: "OPENAI_API_KEY=\(key)\n")
    #expect(found.map(\.secret) == [key])
    #expect(found.map(\.encodings) == [[]])
  }

  @Test func keyInAKubernetesSecretManifestIsFoundAtTheEncodedValue() throws {
    let key = TestKeys.openAIProject(seed: 102)
    let encoded = Self.base64(key)
    #expect(!encoded.contains("sk-proj-"))
    let manifest = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: openai
        namespace: llm
      type: Opaque
      data:
        OPENAI_API_KEY: \(encoded)

      """
    let found = try Self.matches(in: manifest)
    let match = try #require(found.first)
    #expect(found.count == 1)
    #expect(match.secret == key)
    #expect(match.line == 8)
    #expect(match.column == "  OPENAI_API_KEY: ".count + 1)
    #expect(match.encodings == ["base64"])
    #expect(match.secretRange == (try Self.byteRange(of: encoded, in: manifest)))
    #expect(match.ruleIndex == 0)
  }

  @Test func keyWithATrailingNewlineInBase64IsFound() throws {
    // `echo $KEY | base64` encodes the newline too.
    let key = TestKeys.openAIProject(seed: 103)
    let encoded = Self.base64(key + "\n")
    let text = "data:\n  key: \"\(encoded)\"\n"
    let found = try Self.matches(in: text)
    #expect(found.map(\.secret) == [key])
    #expect(found.map(\.line) == [2])
    #expect(found.map(\.column) == [9])
    #expect(found.map(\.encodings) == [["base64"]])
  }

  @Test func base64OfBase64IsFoundTwoLayersDeep() throws {
    let key = TestKeys.openAIProject(seed: 104)
    let twice = Self.base64(Self.base64(key))
    let text = "# double\nvalue: \(twice)\n"
    let found = try Self.matches(in: text)
    #expect(found.map(\.secret) == [key])
    #expect(found.map(\.line) == [2])
    #expect(found.map(\.column) == [8])
    #expect(found.map(\.encodings) == [["base64", "base64"]])
    #expect(found.map(\.secretRange) == [try Self.byteRange(of: twice, in: text)])
  }

  @Test func base64ThreeLayersDeepIsNotDecoded() throws {
    let key = TestKeys.openAIProject(seed: 105)
    let thrice = Self.base64(Self.base64(Self.base64(key)))
    #expect(try Self.matches(in: "value: \(thrice)\n").isEmpty)
  }

  @Test func percentEncodedKeyInAURLQueryIsFoundAtTheURL() throws {
    let key = TestKeys.openAIProject(seed: 106)
    let escaped = key.replacingOccurrences(of: "-", with: "%2D")
    #expect(!escaped.contains("sk-proj-"))
    let url = "https://api.example.com/v1/models?api_key=\(escaped)&limit=1"
    let text = "#!/bin/sh\ncurl -s \"\(url)\"\n"
    let found = try Self.matches(in: text)
    let match = try #require(found.first)
    #expect(found.count == 1)
    #expect(match.secret == key)
    #expect(match.line == 2)
    #expect(match.column == "curl -s \"".count + 1)
    #expect(match.encodings == ["percent-encoding"])
    #expect(match.secretRange == (try Self.byteRange(of: url, in: text)))
  }

  @Test func httpBasicAuthorizationHeaderIsDecoded() throws {
    let key = TestKeys.openAIProject(seed: 107)
    let credentials = Self.base64("api:" + key)
    let text = "GET /v1/models HTTP/1.1\r\nHost: api.example.com\r\nAuthorization: Basic \(credentials)\r\n\r\n"
    let found = try Self.matches(in: text)
    #expect(found.map(\.secret) == [key])
    #expect(found.map(\.line) == [3])
    #expect(found.map(\.column) == ["Authorization: Basic ".count + 1])
    #expect(found.map(\.encodings) == [["base64"]])
  }

  @Test func columnOfAnEncodedKeyCountsUnicodeScalars() throws {
    let key = TestKeys.openAIProject(seed: 108)
    let text = "clé 🔑: \(Self.base64(key))"
    let found = try Self.matches(in: text)
    #expect(found.map(\.column) == [8])
  }

  @Test func encodedAndPlainKeysAreReportedInPositionOrder() throws {
    let plain = TestKeys.openAIProject(seed: 109)
    let hidden = TestKeys.openAIProject(seed: 110)
    let text = "b: \(Self.base64(hidden))\na: \(plain)\n"
    let found = try Self.matches(in: text)
    #expect(found.map(\.secret) == [hidden, plain])
    #expect(found.map(\.line) == [1, 2])
    #expect(found.map(\.encodings) == [["base64"], []])
  }

  @Test func inlineAllowOnTheEncodedLineIsKept() throws {
    let key = TestKeys.openAIProject(seed: 111)
    let text = "token: \(Self.base64(key))  # keygate:allow:openai-project-key test cluster\n"
    let match = try #require(try Self.matches(in: text).first)
    #expect(match.inlineAllow == InlineAllow(ruleID: "openai-project-key", reason: "test cluster"))
  }

  @Test func base64OfBinaryDataFindsNothing() throws {
    var generator = SplitMix64(seed: 5)
    let binary = (0..<600).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    let encoded = Data(binary).base64EncodedString()
    #expect(try Self.matches(in: "blob: \(encoded)\n").isEmpty)
    // Binary is not decoded at all: an attachment is not a credential, even with a key inside.
    let key = TestKeys.openAIProject(seed: 112)
    let wrapped = Data([0, 1, 2, 0xFF, 0xFE] + Array(key.utf8) + [0, 0, 0x80]).base64EncodedString()
    var budget = Decoding.budget
    let candidate = Array(wrapped.utf8).withUnsafeBytes {
      Decoding.base64Candidate(endingTriggerAt: Decoding.minimumBase64Run, in: $0, budget: &budget)
    }
    #expect(candidate == nil)
    #expect(budget == Decoding.budget)
    #expect(try Self.matches(in: "blob: \(wrapped)\n").isEmpty)
  }

  @Test func base64OfPlainWordsIsDecodedButFindsNothing() throws {
    let words = "The quick brown fox jumps over the lazy dog, twice over."
    let encoded = Self.base64(words)
    var budget = Decoding.budget
    let candidate = Array(encoded.utf8).withUnsafeBytes {
      Decoding.base64Candidate(endingTriggerAt: Decoding.minimumBase64Run, in: $0, budget: &budget)
    }
    #expect(candidate.map { String(decoding: $0.decoded, as: UTF8.self) } == words)
    #expect(candidate?.range == 0..<encoded.utf8.count)
    #expect(try Self.matches(in: "data: \(encoded)\n").isEmpty)
  }

  @Test func wordsAndIdentifiersAreNotBase64Candidates() {
    var budget = Decoding.budget
    let text = "thisIsAVeryLongIdentifierWithoutDigits ALLUPPERCASEANDDIGITS0123456789 all_lowercase_and_digits_0123456789"
    let bytes = Array(text.utf8)
    // Each word starts a run where the trigger would fire; none of them is decoded.
    var starts = [0]
    for (index, byte) in bytes.enumerated() where byte == UInt8(ascii: " ") { starts.append(index + 1) }
    for start in starts {
      let candidate = bytes.withUnsafeBytes {
        Decoding.base64Candidate(endingTriggerAt: start + Decoding.minimumBase64Run, in: $0, budget: &budget)
      }
      #expect(candidate == nil, "run at \(start)")
    }
  }
}

/// The base64 trigger, found by a byte loop, against a plain reading of its regular expression
/// `(?:[:=][ \t]*["']?|Basic[ \t]+|\n[ \t]*|^[ \t]*)[A-Za-z0-9+/]{24}`.
@Suite struct Base64TriggerTests {
  /// Every offset where a 24-character run ends whose start follows one of the prefixes.
  static func oracle(_ bytes: [UInt8]) -> [Int] {
    func isBase64(_ byte: UInt8) -> Bool {
      (0x41...0x5a).contains(byte) || (0x61...0x7a).contains(byte) || (0x30...0x39).contains(byte) || byte == 0x2b
        || byte == 0x2f
    }
    func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    var ends: [Int] = []
    guard bytes.count >= 24 else { return [] }
    for start in 0...(bytes.count - 24) where bytes[start..<start + 24].allSatisfy(isBase64) {
      var before = start
      while before > 0, isBlank(bytes[before - 1]) { before -= 1 }
      let lineStart = before == 0 || bytes[before - 1] == 0x0a
      let separator = before > 0 && (bytes[before - 1] == 0x3a || bytes[before - 1] == 0x3d)
      let basic = before < start && before >= 5 && Array(bytes[(before - 5)..<before]) == Array("Basic".utf8)
      var quoted = false
      if start > 0, bytes[start - 1] == 0x22 || bytes[start - 1] == 0x27 {
        var beforeQuote = start - 1
        while beforeQuote > 0, isBlank(bytes[beforeQuote - 1]) { beforeQuote -= 1 }
        quoted = beforeQuote > 0 && (bytes[beforeQuote - 1] == 0x3a || bytes[beforeQuote - 1] == 0x3d)
      }
      if lineStart || separator || basic || quoted { ends.append(start + 24) }
    }
    return ends
  }

  static func ends(_ bytes: [UInt8]) -> [Int] { bytes.withUnsafeBytes { Decoding.base64TriggerEnds(in: $0) } }

  @Test func knownPlacesFire() {
    let run = String(repeating: "QUJD", count: 6)  // 24 characters
    for text in ["key: \(run)", "key=\"\(run)\"", "Authorization: Basic \(run)", "\(run)", "  \(run)\n", "a\n\t\(run)"] {
      #expect(Self.ends(Array(text.utf8)) == Self.oracle(Array(text.utf8)), "\(text)")
      #expect(!Self.ends(Array(text.utf8)).isEmpty, "\(text)")
    }
    for text in ["key \(run)", "x.\(run)", "Basicx \(run)", "key: \(run.dropLast())"] {
      #expect(Self.ends(Array(text.utf8)).isEmpty, "\(text)")
    }
  }

  @Test func randomTextAgreesWithTheOracle() {
    var generator = SystemRandomNumberGenerator()
    let alphabet = Array("ABCab01+/=:\"' \t\nBasicBasic ".utf8) + Array(repeating: UInt8(ascii: "Q"), count: 20)
    for _ in 0..<20000 {
      let length = Int.random(in: 0..<300, using: &generator)
      let bytes = (0..<length).map { _ in alphabet.randomElement(using: &generator)! }
      #expect(Self.ends(bytes) == Self.oracle(bytes), "\(String(decoding: bytes, as: UTF8.self).debugDescription)")
    }
  }
}
