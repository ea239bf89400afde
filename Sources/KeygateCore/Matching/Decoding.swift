import KeygateRegex

/// Finds text that may hide a key behind an encoding — base64 (Kubernetes Secret manifests,
/// `.npmrc` `_auth`, HTTP Basic credentials, Docker `auth` entries) and percent-encoding (URLs) —
/// and decodes it, so the matcher can scan the decoded bytes too.
public enum Decoding {
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

  /// Hyperscan triggers appended to the rules' patterns: the percent trigger fires once per
  /// scan, at the first escape. (The base64 trigger is `base64TriggerEnds`, found without
  /// Hyperscan.)
  static let triggers: [(encoding: String, spec: PatternSpec)] = [
    ("percent", PatternSpec(expression: "%[0-9A-Fa-f]{2}", singleMatch: true))
  ]

  /// Where base64 runs worth decoding may start: each run of 24 base64 characters that stands
  /// where a credential does — after `:` or `=` (then blanks and an optional quote: YAML, JSON,
  /// `.npmrc`, env files), after `Basic` and blanks, or at the start of a line after blanks —
  /// reported as the offset 24 characters into the run.
  ///
  /// This is the regular expression
  /// `(?:[:=][ \t]*["']?|Basic[ \t]+|\n[ \t]*|^[ \t]*)[A-Za-z0-9+/]{24}`, found without it: in
  /// Hyperscan it was the costliest pattern of all (it counts 24 characters after every line
  /// start, `:` and `=`), about 40 % of the rule database's time on source code. No prefix ends
  /// in a base64 character, so every match starts a maximal base64 run of 24 characters or more.
  /// Such runs are rare in source code, and each covers a multiple of 24: sampling every 24th
  /// byte finds them all, then the bytes before each run decide.
  public static func base64TriggerEnds(in content: UnsafeRawBufferPointer) -> [Int] {
    let count = content.count
    let run = minimumBase64Run
    guard count >= run, let raw = content.baseAddress else { return [] }
    let bytes = raw.assumingMemoryBound(to: UInt8.self)
    return base64Class.withUnsafeBufferPointer { isBase64 -> [Int] in
      var ends: [Int] = []
      var sample = run - 1
      while sample < count {
        guard isBase64[Int(bytes[sample])] else {
          sample += run
          continue
        }
        var start = sample
        while start > 0, isBase64[Int(bytes[start - 1])] { start -= 1 }
        var end = sample + 1
        while end < count, isBase64[Int(bytes[end])] { end += 1 }
        if end - start >= run, Self.standsWhereACredentialDoes(runStart: start, in: bytes) { ends.append(start + run) }
        // Runs after this one start at `end + 1` or later; every 24 bytes from `end + 24` on
        // meets each of them.
        sample = end + run
      }
      return ends
    }
  }

  /// Whether the bytes before a base64 run starting at `start` are one of the trigger's
  /// prefixes: `:` or `=` then blanks and an optional quote, `Basic` and blanks, or a line start
  /// and blanks.
  private static func standsWhereACredentialDoes(runStart start: Int, in bytes: UnsafePointer<UInt8>) -> Bool {
    func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
    var before = start
    while before > 0, isBlank(bytes[before - 1]) { before -= 1 }
    if before == 0 || bytes[before - 1] == 0x0a || bytes[before - 1] == 0x3a || bytes[before - 1] == 0x3d { return true }
    if before < start, before >= 5, bytes[before - 5] == 0x42, bytes[before - 4] == 0x61, bytes[before - 3] == 0x73,
      bytes[before - 2] == 0x69, bytes[before - 1] == 0x63
    {
      return true
    }
    if before == start, start > 0, bytes[start - 1] == 0x22 || bytes[start - 1] == 0x27 {
      var beforeQuote = start - 1
      while beforeQuote > 0, isBlank(bytes[beforeQuote - 1]) { beforeQuote -= 1 }
      return beforeQuote > 0 && (bytes[beforeQuote - 1] == 0x3a || bytes[beforeQuote - 1] == 0x3d)
    }
    return false
  }

  /// Whether each byte value is a base64 character (`A-Z a-z 0-9 + /`).
  private static let base64Class: [Bool] = (0..<256).map { base64Values[$0] >= 0 }

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

  public static func decodeBase64(_ run: UnsafeRawBufferPointer) -> [UInt8] {
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
