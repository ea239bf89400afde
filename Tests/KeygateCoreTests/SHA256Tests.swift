import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

@Suite struct SHA256Tests {
  /// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", "SHA2_Additional.pdf").
  @Test(arguments: [
    ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
    (
      "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
    ),
    (
      "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
      "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1"
    ),
  ])
  func nistVector(message: String, digest: String) {
    #expect(SHA256.hexDigest(message) == digest)
    #expect(SHA256.digest(Array(message.utf8)).count == 32)
  }

  @Test func oneMillionA() {
    let message = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)
    #expect(hex(SHA256.digest(message)) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
  }

  @Test func digestAcceptsAnyByteCollection() {
    let bytes = Array("abc".utf8)
    #expect(SHA256.digest(bytes) == SHA256.digest(bytes[...]))
    #expect(SHA256.digest(bytes) == SHA256.digest("abc".utf8))
    #expect(SHA256.digest(bytes) == SHA256.digest(Data(bytes)))
  }

  /// Lengths around the padding boundaries: 55 bytes is the longest message that pads into one
  /// block, 56 needs a second; 64, 119, 120 and 128 sit at the next edges.
  @Test(arguments: [0, 1, 3, 55, 56, 57, 63, 64, 65, 119, 120, 127, 128, 1000, 4097])
  func matchesSha256sum(length: Int) throws {
    var generator = Xorshift(seed: UInt64(length) &+ 17)
    let bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
    #expect(hex(SHA256.digest(bytes)) == (try Self.sha256sum(bytes)))
  }

  @Test(arguments: ["hello, world\n", "clé 🔑 秘密", String(repeating: "sk-proj-ünïcödé ", count: 40)])
  func hexDigestHashesTheUTF8Bytes(text: String) throws {
    #expect(SHA256.hexDigest(text) == (try Self.sha256sum(Array(text.utf8))))
  }

  /// `sha256sum` as an independent oracle.
  static func sha256sum(_ bytes: [UInt8]) throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-sha-\(UUID().uuidString)")
    try Data(bytes).write(to: url)
    defer { try? FileManager.default.removeItem(at: url) }
    let result = try run("/usr/bin/sha256sum", [url.path])
    try #require(result.status == 0, "sha256sum failed: \(result.stderr)")
    return String(result.stdout.prefix(64))
  }

  func hex(_ bytes: [UInt8]) -> String { bytes.map { String(format: "%02x", $0) }.joined() }
}

/// A small seeded generator for reproducible test input.
private struct Xorshift {
  var state: UInt64
  init(seed: UInt64) { state = seed &* 0x9e37_79b9_7f4a_7c15 | 1 }
  mutating func next() -> UInt64 {
    state ^= state << 13
    state ^= state >> 7
    state ^= state << 17
    return state
  }
}
