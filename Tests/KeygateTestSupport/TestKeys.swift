/// Fake keys built at run time from parts, so that no real-looking key is ever committed to
/// this repository (DESIGN.md). Each call with the same seed gives the same key.
public enum TestKeys {
  /// OpenAI's marker, base64 of "OpenAI", assembled here rather than written out.
  public static let openAIMarker = base64("OpenAI")

  /// `sk-proj-` + 74 + marker + 74 characters of `[A-Za-z0-9_-]`.
  public static func openAIProject(seed: UInt64 = 1) -> String {
    "sk-" + "proj-" + random(74, seed: seed, urlSafe: true) + openAIMarker + random(74, seed: seed &+ 1000, urlSafe: true)
  }

  /// `sk-svcacct-` + 74 + marker + 74.
  public static func openAIServiceAccount(seed: UInt64 = 2) -> String {
    "sk-" + "svcacct-" + random(74, seed: seed, urlSafe: true) + openAIMarker + random(74, seed: seed &+ 1000, urlSafe: true)
  }

  /// `sk-admin-` + 74 + marker + 74.
  public static func openAIAdmin(seed: UInt64 = 3) -> String {
    "sk-" + "admin-" + random(74, seed: seed, urlSafe: true) + openAIMarker + random(74, seed: seed &+ 1000, urlSafe: true)
  }

  /// The legacy user key: `sk-` + 20 alphanumerics + marker + 20.
  public static func openAILegacy(seed: UInt64 = 4) -> String {
    "sk-" + random(20, seed: seed, urlSafe: false) + openAIMarker + random(20, seed: seed &+ 1000, urlSafe: false)
  }

  /// `count` characters from a seeded generator; `urlSafe` adds `_` and `-`, placed so that the
  /// first character is alphanumeric.
  public static func random(_ count: Int, seed: UInt64, urlSafe: Bool) -> String {
    let alphanumerics = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")
    let alphabet = urlSafe ? alphanumerics + ["_", "-"] : alphanumerics
    var state = seed &* 0x9e37_79b9_7f4a_7c15 &+ 0x1234_5678
    var result = ""
    for index in 0..<count {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      let pool = index == 0 ? alphanumerics : alphabet
      result.append(pool[Int(state % UInt64(pool.count))])
    }
    return result
  }

  static func base64(_ text: String) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    let bytes = Array(text.utf8)
    var output = ""
    for start in stride(from: 0, to: bytes.count, by: 3) {
      let chunk = Array(bytes[start..<min(start + 3, bytes.count)])
      let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
      for index in 0..<4 { output.append(index <= chunk.count ? table[Int(value >> (18 - 6 * UInt32(index)) & 0x3f)] : "=") }
    }
    return output
  }
}
