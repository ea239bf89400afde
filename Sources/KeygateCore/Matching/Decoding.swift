import KeygateRegex

/// Finds text that may hide a key behind an encoding — base64 (Kubernetes Secret manifests,
/// `.npmrc` `_auth`, HTTP Basic credentials, Docker `auth` entries) and percent-encoding (URLs) —
/// and decodes it, so the matcher can scan the decoded bytes too.
enum Decoding {
  /// A run of encoded text and what it decodes to.
  struct Candidate {
    /// Where the encoded text sits in the scanned content.
    let range: Range<Int>
    let decoded: [UInt8]
    let encoding: String
  }

  /// Decoded layers are scanned again, this many deep (base64 inside base64).
  static let maximumDepth = 2
  /// The shortest base64 run worth decoding: 24 characters are 18 bytes, shorter than any key
  /// with its name.
  static let minimumBase64Run = 24
  /// Longer runs are file attachments (images, archives), not credentials.
  static let maximumRun = 64 * 1024
  /// Decoded bytes per scanned piece of content, across all its runs.
  static let budget = 1024 * 1024

  /// Hyperscan triggers appended to the rules' patterns. The base64 trigger reports every run of
  /// 24 base64 characters that stands where a credential does — after `:` or `=` (YAML, JSON,
  /// `.npmrc`, env files), after `Basic `, or at the start of a line — and ends exactly 24
  /// characters into the run; the percent trigger fires once per scan.
  static let triggers: [(encoding: String, spec: PatternSpec)] = [
    (
      "base64",
      PatternSpec(expression: #"(?:[:=][ \t]*["']?|Basic[ \t]+|\n[ \t]*|^[ \t]*)[A-Za-z0-9+/]{24}"#)
    ),
    ("percent", PatternSpec(expression: "%[0-9A-Fa-f]{2}", singleMatch: true)),
  ]

  private static let base64Values: [Int8] = {
    var table = [Int8](repeating: -1, count: 256)
    for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
      table[Int(byte)] = Int8(index)
    }
    return table
  }()

  /// The base64 run whose first 24 characters end at `triggerEnd`, if it decodes to mostly
  /// printable text.
  static func base64Candidate(
    endingTriggerAt triggerEnd: Int, in content: UnsafeRawBufferPointer, budget: inout Int
  ) -> Candidate? {
    base64Values.withUnsafeBufferPointer { table -> Candidate? in
      let runStart = triggerEnd - minimumBase64Run
      guard runStart >= 0, budget > 0 else { return nil }
      // A run glued to a word (`abc=` inside an identifier) is not a value.
      if runStart > 0, table[Int(content[runStart - 1])] >= 0 { return nil }
      var index = runStart
      var hasDigitOrSymbol = false
      var hasUpper = false
      var hasLower = false
      let count = content.count
      while index < count, table[Int(content[index])] >= 0, index - runStart <= maximumRun {
        let byte = content[index]
        if byte < 0x41 { hasDigitOrSymbol = true } else if byte <= 0x5A { hasUpper = true } else { hasLower = true }
        index += 1
      }
      let runEnd = index
      var end = runEnd
      while end < count, end < runEnd + 2, content[end] == UInt8(ascii: "=") { end += 1 }
      // Base64 of text mixes cases and digits; words, paths and hex do not all at once.
      guard runEnd - runStart <= maximumRun, hasUpper, hasLower, hasDigitOrSymbol else { return nil }
      let decoded = decodeBase64(UnsafeRawBufferPointer(rebasing: content[runStart..<runEnd]), table: table)
      guard decoded.count >= 12, isMostlyText(decoded) else { return nil }
      budget -= decoded.count
      return Candidate(range: runStart..<end, decoded: decoded, encoding: "base64")
    }
  }

  static func decodeBase64(_ run: UnsafeRawBufferPointer) -> [UInt8] {
    base64Values.withUnsafeBufferPointer { decodeBase64(run, table: $0) }
  }

  static func decodeBase64(_ run: UnsafeRawBufferPointer, table: UnsafeBufferPointer<Int8>) -> [UInt8] {
    var output: [UInt8] = []
    output.reserveCapacity(run.count * 3 / 4)
    var accumulator: UInt32 = 0
    var bits = 0
    for byte in run {
      accumulator = accumulator << 6 | UInt32(UInt8(bitPattern: table[Int(byte)]))
      bits += 6
      if bits >= 8 {
        bits -= 8
        output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
      }
    }
    return output
  }

  private static func isTokenByte(_ byte: UInt8) -> Bool {
    byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "'")
      && byte != UInt8(ascii: "<") && byte != UInt8(ascii: ">") && byte != UInt8(ascii: "`")
  }

  /// Tokens (no spaces or quotes) holding `%XX` escapes, decoded; from the token holding the
  /// byte at `from` on (the percent trigger's first match).
  static func percentCandidates(
    in content: UnsafeRawBufferPointer, from: Int = 0, budget: inout Int
  ) -> [Candidate] {
    var candidates: [Candidate] = []
    var index = min(max(0, from), content.count)
    while index > 0, isTokenByte(content[index - 1]) { index -= 1 }
    let count = content.count
    while index < count, budget > 0 {
      guard isTokenByte(content[index]) else {
        index += 1
        continue
      }
      let start = index
      var escapes = 0
      while index < count, isTokenByte(content[index]) {
        if content[index] == UInt8(ascii: "%"), index + 2 < count, hexValue(content[index + 1]) != nil,
          hexValue(content[index + 2]) != nil
        {
          escapes += 1
        }
        index += 1
      }
      guard escapes > 0, index - start <= maximumRun else { continue }
      var decoded: [UInt8] = []
      decoded.reserveCapacity(index - start)
      var position = start
      while position < index {
        let byte = content[position]
        if byte == UInt8(ascii: "%"), position + 2 < index, let high = hexValue(content[position + 1]),
          let low = hexValue(content[position + 2])
        {
          decoded.append(high << 4 | low)
          position += 3
        } else {
          decoded.append(byte)
          position += 1
        }
      }
      budget -= decoded.count
      candidates.append(Candidate(range: start..<index, decoded: decoded, encoding: "percent-encoding"))
    }
    return candidates
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case 0x30...0x39: byte - 0x30
    case 0x41...0x46: byte - 0x41 + 10
    case 0x61...0x66: byte - 0x61 + 10
    default: nil
    }
  }

  /// At least 90 % printable ASCII, tabs and newlines, and no NUL.
  static func isMostlyText(_ bytes: [UInt8]) -> Bool {
    var printable = 0
    for byte in bytes {
      if byte == 0 { return false }
      if (0x20...0x7E).contains(byte) || byte == 0x09 || byte == 0x0A || byte == 0x0D { printable += 1 }
    }
    return printable * 10 >= bytes.count * 9
  }
}
