import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// The log redactor with the built-in rules: each masking form, what it leaves alone, long
/// lines in chunks, bytes passed through, and redacting twice.
@Suite struct LogRedactorTests {
  static let rules = try! CompiledRules(RuleSet.builtin())

  static func redactor(_ options: LogRedactor.Options = LogRedactor.Options()) throws -> LogRedactor {
    try LogRedactor(rules: rules, options: options)
  }

  static func redact(_ text: String, _ options: LogRedactor.Options = LogRedactor.Options()) throws -> String {
    String(decoding: try redactor(options).redact(Array(text.utf8)), as: UTF8.self)
  }

  static func base64(_ text: String) -> String { Data(text.utf8).base64EncodedString() }

  /// A random token: the generic rules may mask it too (then with their rule id).
  static func token(_ seed: UInt64, _ count: Int = 32) -> String { TestKeys.random(count, seed: seed, urlSafe: false) }

  /// `text` with every `[REDACTED:<rule-id>]` written `[REDACTED]`: where a header or variable
  /// value is masked, a generic rule may have found it too, and its label wins.
  static func withoutRuleIDs(_ text: String) -> String {
    text.replacing(#/\[REDACTED:[a-z0-9-]+\]/#, with: "[REDACTED]")
  }

  // MARK: Rule matches

  @Test func rulesMatchesAreMaskedWithTheirRuleID() throws {
    let key = TestKeys.openAIProject(seed: 501)
    let legacy = TestKeys.openAILegacy(seed: 502)
    let output = try Self.redact("step 3: export OPENAI_API_KEY=\(key)\nusing \(legacy) for the old client\n")
    #expect(
      output == "step 3: export OPENAI_API_KEY=[REDACTED:openai-project-key]\n"
        + "using [REDACTED:openai-user-key] for the old client\n")
  }

  @Test func countsSecretsAndLines() throws {
    let redactor = try Self.redactor()
    let text = "a\nkey \(TestKeys.openAIProject(seed: 503))\nDB_PASSWORD=\(Self.token(1))\nlast"
    _ = try redactor.redact(Array(text.utf8))
    #expect(redactor.secretsMasked == 2)
    #expect(redactor.lines == 4)
  }

  // MARK: Headers

  @Test(arguments: [
    ("Authorization: Bearer %s", "Authorization: Bearer [REDACTED]"),
    ("> authorization: token %s", "> authorization: token [REDACTED]"),
    (#"curl -sS -H "Authorization: Bearer %s" https://api.example.com"#,
     #"curl -sS -H "Authorization: Bearer [REDACTED]" https://api.example.com"#),
    (#"{"headers": {"Authorization": "Bearer %s", "Accept": "*/*"}}"#,
     #"{"headers": {"Authorization": "Bearer [REDACTED]", "Accept": "*/*"}}"#),
    (#"{'Authorization': 'token %s'}"#, #"{'Authorization': 'token [REDACTED]'}"#),
    ("Proxy-Authorization: Digest %s", "Proxy-Authorization: Digest [REDACTED]"),
    ("Authorization: %s", "Authorization: [REDACTED]"),
    ("x-api-key: %s", "x-api-key: [REDACTED]"),
    (#"curl -H "api-key: %s" https://x.openai.azure.com"#, #"curl -H "api-key: [REDACTED]" https://x.openai.azure.com"#),
    ("X-Goog-Api-Key: %s", "X-Goog-Api-Key: [REDACTED]"),
  ])
  func headerValuesAreMaskedKeepingTheScheme(template: String, expected: String) throws {
    let token = Self.token(11)
    let output = try Self.redact(template.replacingOccurrences(of: "%s", with: token) + "\n")
    #expect(Self.withoutRuleIDs(output) == expected + "\n")
  }

  @Test func basicCredentialsAreMasked() throws {
    let credentials = Self.base64("deploy:" + Self.token(12, 20))
    let output = try Self.redact("Authorization: Basic \(credentials)\n")
    #expect(output.hasPrefix("Authorization: Basic [REDACTED"))
    #expect(!output.contains(credentials))
  }

  @Test func aHeaderLineIsMaskedToItsEnd() throws {
    // AWS Signature V4: the scheme stays, everything after it goes.
    let output = try Self.redact(
      "Authorization: AWS4-HMAC-SHA256 Credential=\(Self.token(13, 20))/20240501/s3, Signature=\(Self.token(14, 64))\n")
    #expect(output == "Authorization: AWS4-HMAC-SHA256 [REDACTED]\n")
  }

  // MARK: Variables

  @Test(arguments: [
    ("DB_PASSWORD=%s", "DB_PASSWORD=[REDACTED]"),
    ("export STRIPE_SECRET_KEY='%s'", "export STRIPE_SECRET_KEY='[REDACTED]'"),
    ("github_token: %s", "github_token: [REDACTED]"),
    ("  CI_JOB_TOKEN: \"%s\"", "  CI_JOB_TOKEN: \"[REDACTED]\""),
    (#"{"clientSecret": "%s", "user": "ada"}"#, #"{"clientSecret": "[REDACTED]", "user": "ada"}"#),
    (#"{\"password\":\"%s\"}"#, #"{\"password\":\"[REDACTED]\"}"#),
    ("deploy --api-key %s --verbose", "deploy --api-key [REDACTED] --verbose"),
    ("deploy --api-key=%s", "deploy --api-key=[REDACTED]"),
    ("GET /v1/items?api_key=%s&page=2", "GET /v1/items?api_key=[REDACTED]&page=2"),
    ("apiKey: %s", "apiKey: [REDACTED]"),
    ("spring.datasource.password = %s", "spring.datasource.password = [REDACTED]"),
    ("mysql --passwd %s", "mysql --passwd [REDACTED]"),
    ("AWS_SECRET_ACCESS_KEY=%s", "AWS_SECRET_ACCESS_KEY=[REDACTED]"),
    ("SSH_PRIVATE_KEY := %s", "SSH_PRIVATE_KEY := [REDACTED]"),
    ("GOOGLE_CREDENTIALS=%s", "GOOGLE_CREDENTIALS=[REDACTED]"),
    ("webhook_secret => %s", "webhook_secret => [REDACTED]"),
    ("docker login -u ci --password %s registry", "docker login -u ci --password [REDACTED] registry"),
  ])
  func keyNamedValuesAreMasked(template: String, expected: String) throws {
    let token = Self.token(21, 24)
    let output = try Self.redact(template.replacingOccurrences(of: "%s", with: token) + "\n")
    #expect(Self.withoutRuleIDs(output) == expected + "\n")
  }

  @Test(arguments: [
    "OPENAI_API_KEY=${OPENAI_API_KEY}",
    "OPENAI_API_KEY=$OPENAI_API_KEY",
    "DB_PASSWORD=",
    "DB_PASSWORD=***",
    "GITHUB_TOKEN: ${{ secrets.GITHUB_TOKEN }}",
    "password: {{ .Values.db.password }}",
    #"{"password": "[MASKED]", "apiKey": null, "credentials": {"type": "oauth"}}"#,
    "Authorization: Bearer $TOKEN",
    "Authorization: Bearer ${CI_TOKEN}",
    "Authorization: Bearer",
    "deploy --api-key $(cat /run/secrets/key) --password-stdin",
    "TOKEN=abc123 TOKENS_USED=5 token: 42",
    "if [ \"$DB_PASSWORD\" == \"\" ]; then exit 1; fi",
    "Step 3/9 : RUN npm ci && npm run build -- --mode=production",
    "2024-05-01T12:00:00Z api_key_id=42 password_length: 12",
  ])
  func referencesAndOrdinaryTextAreLeftAlone(line: String) throws {
    #expect(try Self.redact(line + "\n") == line + "\n")
  }

  @Test func headerAndVariableMasksNameNoRule() throws {
    // Letters only: no rule takes this for a key, the forms do.
    let value = "correcthorsebatterystaple"
    let output = try Self.redact("DB_PASSWORD=\(value)\nAuthorization: Bearer \(value)\n")
    #expect(output == "DB_PASSWORD=[REDACTED]\nAuthorization: Bearer [REDACTED]\n")
  }

  @Test func keepLast4AppendsTheLastFourCharactersOfLongValuesOnly() throws {
    let options = LogRedactor.Options(keepLast4: true)
    let key = TestKeys.openAIProject(seed: 504)
    let long = Self.token(31, 24)
    let output = try Self.redact("k=\(key)\nDB_PASSWORD=\(long)\nDB_PASSWORD=short123\n", options)
    #expect(
      output.replacingOccurrences(of: "[REDACTED:generic-secret-assignment]", with: "[REDACTED]") == "k=[REDACTED:openai-project-key]…\(key.suffix(4))\nDB_PASSWORD=[REDACTED]…\(long.suffix(4))\n"
        + "DB_PASSWORD=[REDACTED]\n")
  }

  // MARK: Private key blocks

  @Test func privateKeyBlockLinesAreMaskedLineByLine() throws {
    let body = (0..<4).map { TestKeys.random(64, seed: 600 + UInt64($0), urlSafe: false) }
    let lines = ["Writing deploy key:", "-----BEGIN " + "RSA PRIVATE KEY-----"] + body + ["-----END RSA PRIVATE KEY-----", "done"]
    let expected = ["Writing deploy key:", "-----BEGIN RSA PRIVATE KEY-----"]
      + Array(repeating: "[REDACTED:private-key]", count: 4) + ["-----END RSA PRIVATE KEY-----", "done"]
    // All at once, and line by line as a log streams: the same output.
    #expect(try Self.redact(lines.joined(separator: "\n") + "\n") == expected.joined(separator: "\n") + "\n")
    let redactor = try Self.redactor()
    var output: [UInt8] = []
    for line in lines { try redactor.feed(Array((line + "\n").utf8), into: &output) }
    try redactor.finish(into: &output)
    #expect(String(decoding: output, as: UTF8.self) == expected.joined(separator: "\n") + "\n")
    #expect(redactor.secretsMasked == 1)
  }

  // MARK: Streaming and long lines

  @Test func eachLineIsWrittenWhenItsNewlineArrives() throws {
    let redactor = try Self.redactor()
    var output: [UInt8] = []
    try redactor.feed(Array("first DB_PASSWORD=\(Self.token(41))\nsecond, unfinis".utf8), into: &output)
    #expect(Self.withoutRuleIDs(String(decoding: output, as: UTF8.self)) == "first DB_PASSWORD=[REDACTED]\n")
    try redactor.feed(Array("hed\n".utf8), into: &output)
    #expect(Self.withoutRuleIDs(String(decoding: output, as: UTF8.self)) == "first DB_PASSWORD=[REDACTED]\nsecond, unfinished\n")
  }

  /// Filler no rule or form matches.
  static func filler(_ count: Int) -> [UInt8] {
    let words = Array("lorem ipsum dolor sit amet ".utf8)
    return (0..<count).map { words[$0 % words.count] }
  }

  /// A long line with keys at `offsets`, fed in pieces of `piece` bytes: the output is the line
  /// with exactly those keys masked.
  static func checkLongLine(length: Int, keyOffsets: [Int], piece: Int, options: LogRedactor.Options) throws {
    var line = filler(length)
    var expected: [UInt8] = []
    var copied = 0
    for (index, offset) in keyOffsets.sorted().enumerated() {
      let key = Array(TestKeys.openAIProject(seed: 700 + UInt64(index)).utf8)
      line.replaceSubrange(offset..<(offset + key.count + 2), with: [0x20] + key + [0x20])
      expected += line[copied..<offset] + Array(" [REDACTED:openai-project-key] ".utf8)
      copied = offset + key.count + 2
    }
    expected += line[copied...]
    line.append(0x0A)
    expected.append(0x0A)

    let redactor = try redactor(options)
    var output: [UInt8] = []
    var start = 0
    while start < line.count {
      try redactor.feed(Array(line[start..<min(start + piece, line.count)]), into: &output)
      start += piece
    }
    try redactor.finish(into: &output)
    #expect(output.count == expected.count)
    #expect(output == expected, "keys at \(keyOffsets), pieces of \(piece)")
    #expect(redactor.secretsMasked == keyOffsets.count)
  }

  @Test func aKeyAcrossAChunkBoundaryIsMasked() throws {
    // Default options: chunks of 1 MiB overlapping by 8 KiB. Fed in 64 KiB pieces, the first
    // chunk is the first 1 MiB and its output stops 8 KiB before its end: keys straddling
    // either point, or just inside or outside them.
    let options = LogRedactor.Options()
    let limit = options.lineLimit
    let cut = limit - options.overlap
    let key = TestKeys.openAIProject(seed: 700).utf8.count
    for offset in [cut - key / 2, cut - 1, cut - key - 2, cut, limit - key / 2, limit - 1, limit - key - 2] {
      try Self.checkLongLine(length: limit + 300_000, keyOffsets: [offset], piece: 64 * 1024, options: options)
    }
    // Other piece sizes move the boundaries.
    try Self.checkLongLine(length: 2 * limit + 1000, keyOffsets: [limit - 80, limit + 40_000, 2 * limit - 10], piece: 10_007, options: options)
  }

  @Test func aFiveMegabyteLineStreamsInBoundedMemory() throws {
    let redactor = try Self.redactor()
    let key = TestKeys.openAIProject(seed: 801)
    var written = 0
    var output: [UInt8] = []
    var largestRetained = 0
    var secretsSent = 0
    let piece = Self.filler(64 * 1024 - 200)
    while written < 5_000_000 {
      let bytes = piece + Array(" \(key) ".utf8) + Self.filler(200 - key.utf8.count - 2)
      try redactor.feed(bytes, into: &output)
      written += bytes.count
      secretsSent += 1
      largestRetained = max(largestRetained, redactor.retainedCapacity)
      // Output is written long before the newline, and holds no key.
      #expect(!String(decoding: output, as: UTF8.self).contains(key))
      output.removeAll(keepingCapacity: true)
    }
    try redactor.feed(Array("\n".utf8), into: &output)
    #expect(largestRetained < 2 * 1024 * 1024, "retained \(largestRetained) bytes")
    #expect(redactor.secretsMasked == secretsSent)
    #expect(redactor.lines == 1)
  }

  @Test func endlessInputWithoutNewlinesKeepsStreaming() throws {
    let redactor = try Self.redactor(LogRedactor.Options(lineLimit: 64 * 1024, overlap: 4 * 1024))
    var output = 0
    var buffer: [UInt8] = []
    for _ in 0..<200 {
      try redactor.feed(Self.filler(16 * 1024), into: &buffer)
      output += buffer.count
      buffer.removeAll(keepingCapacity: true)
      #expect(redactor.retainedBytes <= 64 * 1024 + 4 * 1024 + 64 * 1024)
    }
    #expect(output > 200 * 16 * 1024 - 64 * 1024 - 4 * 1024 - 1)
  }

  // MARK: Bytes

  @Test func invalidUTF8PassesThroughByteForByte() throws {
    let token = "correcthorsebatterystaple"
    let line: [UInt8] = [0xFF, 0xFE, 0x41, 0xC3] + Array(" DB_PASSWORD=\(token) ".utf8) + [0x80, 0xE2, 0x82, 0x0A]
    let binary: [UInt8] = [0x00, 0x01, 0xC0, 0xAF, 0x0A]
    let output = try Self.redactor().redact(line + binary)
    let expected: [UInt8] = [0xFF, 0xFE, 0x41, 0xC3] + Array(" DB_PASSWORD=[REDACTED] ".utf8) + [0x80, 0xE2, 0x82, 0x0A] + binary
    #expect(output == expected)
  }

  @Test func crlfLineEndingsArePreserved() throws {
    let output = try Self.redact("Authorization: Bearer \(Self.token(61))\r\nDB_PASSWORD=\(Self.token(62))\r\nok\r\n")
    #expect(Self.withoutRuleIDs(output) == "Authorization: Bearer [REDACTED]\r\nDB_PASSWORD=[REDACTED]\r\nok\r\n")
  }

  @Test func aLastLineWithoutNewlineIsRedactedWithoutAddingOne() throws {
    #expect(Self.withoutRuleIDs(try Self.redact("one\nDB_PASSWORD=\(Self.token(71))")) == "one\nDB_PASSWORD=[REDACTED]")
    #expect(try Self.redact("") == "")
    #expect(try Self.redact("\n\n") == "\n\n")
  }

  // MARK: Idempotence

  @Test(arguments: [false, true])
  func redactingTheOutputAgainChangesNothing(keepLast4: Bool) throws {
    let options = LogRedactor.Options(keepLast4: keepLast4)
    let text = [
      "export OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 901))",
      "curl -H \"Authorization: Bearer \(Self.token(81))\" -H 'x-api-key: \(Self.token(82))' https://x",
      "{\"password\": \"\(Self.token(83))\", \"apiKey\": \"\(TestKeys.openAIAdmin(seed: 902))\"}",
      "Authorization: Basic \(Self.base64("ci:" + Self.token(84, 20)))",
      "deploy --api-key \(Self.token(85)) DB_PASSWORD=\(Self.token(86, 8))",
      "-----BEGIN " + "PRIVATE KEY-----", TestKeys.random(64, seed: 87, urlSafe: false), "-----END PRIVATE KEY-----",
      "key in prose: \(TestKeys.openAILegacy(seed: 903)).",
    ].joined(separator: "\n") + "\n"
    let once = try Self.redactor(options).redact(Array(text.utf8))
    let second = try Self.redactor(options)
    let twice = try second.redact(once)
    #expect(String(decoding: twice, as: UTF8.self) == String(decoding: once, as: UTF8.self))
    #expect(second.secretsMasked == 0)
    #expect(!String(decoding: once, as: UTF8.self).contains(Self.token(81)))
  }
}
