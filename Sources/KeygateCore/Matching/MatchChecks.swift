import Foundation

/// The checks a confirmed match passes before it is reported: what tells a key from a
/// placeholder, a template or a word that merely looks like one.
enum MatchChecks {
  /// Text that marks a template or an elided value, matched as written.
  static let placeholderMarks: [[UInt8]] = ["xxxx", "XXXX", "****", "...", "…", "<", ">", "${", "{{", "%(", "$("]
    .map { Array($0.utf8) }
  /// Words that mark a placeholder, matched case-insensitively. Only words of five letters or
  /// more: a shorter word turns up by chance in long random keys.
  static let placeholderWords: [[UInt8]] = [
    "example", "placeholder", "your_", "your-", "yourkey", "changeme", "change_me", "replace", "redacted",
    "dummy", "sample", "insert", "notreal", "not_real", "not-a-real",
  ].map { Array($0.utf8) }
  /// SHA-256 fingerprints of values that look like keys but are published for everyone to use,
  /// so they protect nothing (kept as fingerprints so this file holds no key-like text):
  /// - the Azurite storage emulator's account key, with and without its `==` padding
  ///   (https://learn.microsoft.com/azure/storage/common/storage-use-azurite).
  static let wellKnownPublicValues: Set<String> = [
    "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    "ed967197261c16a9ed0205f8a5099d81ec98263c1fb47ce1d87f1b93fc199e70",
  ]

  /// A run this long of one character, or of consecutive characters, is not random.
  static let longestNaturalRun = 5

  /// True when `secret` is a placeholder, a template, or an obviously made-up sequence.
  static func isPlaceholder(_ secret: UnsafeRawBufferPointer) -> Bool {
    for mark in placeholderMarks where contains(secret, mark, caseInsensitive: false) { return true }
    for word in placeholderWords where contains(secret, word, caseInsensitive: true) { return true }
    if hasFakeRun(secret) { return true }
    return wellKnownPublicValues.contains(SHA256.hexDigest(String(decoding: secret, as: UTF8.self)))
  }

  /// Template syntax right after a match (`eyJhbGc….${PAYLOAD}`): the value is only a fixed
  /// head of a template, not a key.
  static let templateOpeners: [[UInt8]] = ["${", "{{", "<%", "%("].map { Array($0.utf8) }

  static func continuesAsTemplate(_ content: UnsafeRawBufferPointer, after end: Int) -> Bool {
    templateOpeners.contains { opener in
      end + opener.count <= content.count && opener.indices.allSatisfy { content[end + $0] == opener[$0] }
    }
  }

  /// Six or more identical characters, or six or more consecutive ascending or descending
  /// digits or letters (`123456`, `abcdef`, `FEDCBA`).
  static func hasFakeRun(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count > longestNaturalRun else { return false }
    var same = 1
    var ascending = 1
    var descending = 1
    for index in 1..<bytes.count {
      let previous = bytes[index - 1]
      let current = bytes[index]
      // Runs of spaces or tabs (indentation in a PEM block) are layout, not made-up key text.
      same = current == previous && current != 0x20 && current != 0x09 ? same + 1 : 1
      let sequential = isAlphanumeric(previous) && isAlphanumeric(current) && sameClass(previous, current)
      ascending = sequential && current == previous &+ 1 ? ascending + 1 : 1
      descending = sequential && current == previous &- 1 ? descending + 1 : 1
      if max(same, ascending, descending) > longestNaturalRun { return true }
    }
    return false
  }

  private static func isAlphanumeric(_ byte: UInt8) -> Bool {
    (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
  }

  private static func sameClass(_ a: UInt8, _ b: UInt8) -> Bool {
    func group(_ byte: UInt8) -> Int { byte <= 0x39 ? 0 : byte <= 0x5A ? 1 : 2 }
    return group(a) == group(b)
  }

  /// Shannon entropy of the bytes, in bits per byte.
  static func entropy(_ bytes: UnsafeRawBufferPointer) -> Double {
    guard !bytes.isEmpty else { return 0 }
    var counts = [Int](repeating: 0, count: 256)
    for byte in bytes { counts[Int(byte)] += 1 }
    let total = Double(bytes.count)
    var bits = 0.0
    for count in counts where count > 0 {
      let p = Double(count) / total
      bits -= p * Foundation.log2(p)
    }
    return bits
  }

  /// Whether `needle` occurs in `haystack`; case-insensitive for ASCII letters when asked.
  static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: [UInt8], caseInsensitive: Bool) -> Bool {
    guard !needle.isEmpty, haystack.count >= needle.count else { return false }
    let first = caseInsensitive ? lowercased(needle[0]) : needle[0]
    var index = 0
    let last = haystack.count - needle.count
    while index <= last {
      let byte = caseInsensitive ? lowercased(haystack[index]) : haystack[index]
      if byte == first {
        var offset = 1
        while offset < needle.count {
          let a = caseInsensitive ? lowercased(haystack[index + offset]) : haystack[index + offset]
          let b = caseInsensitive ? lowercased(needle[offset]) : needle[offset]
          if a != b { break }
          offset += 1
        }
        if offset == needle.count { return true }
      }
      index += 1
    }
    return false
  }

  @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 {
    (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
  }

  /// The byte range of the lines holding `range`, widened by `extra` lines on each side.
  static func lines(around range: Range<Int>, extra: Int, in content: UnsafeRawBufferPointer) -> Range<Int> {
    var start = range.lowerBound
    var newlines = 0
    while start > 0 {
      if content[start - 1] == 0x0A {
        if newlines == extra { break }
        newlines += 1
      }
      start -= 1
    }
    var end = range.upperBound
    newlines = 0
    while end < content.count {
      if content[end] == 0x0A {
        if newlines == extra { break }
        newlines += 1
      }
      end += 1
    }
    return start..<end
  }
}

/// A `keygate:allow` comment on a match's line: the finding is suppressed (and counted).
///
/// Forms: `keygate:allow`, `keygate:allow reason…`, `keygate:allow:rule-id reason…`.
public struct InlineAllow: Sendable, Hashable {
  /// Only this rule is allowed; nil allows any rule on the line.
  public let ruleID: String?
  public let reason: String?

  static let marker = Array("keygate:allow".utf8)

  /// The first `keygate:allow` in `line`, if any.
  static func parse(_ line: UnsafeRawBufferPointer) -> InlineAllow? {
    guard line.count >= marker.count else { return nil }
    var found: Int?
    for index in 0...(line.count - marker.count) where line[index] == marker[0] {
      if (0..<marker.count).allSatisfy({ line[index + $0] == marker[$0] }) {
        found = index
        break
      }
    }
    guard let start = found else { return nil }
    var rest = Substring(String(decoding: UnsafeRawBufferPointer(rebasing: line[(start + marker.count)...]), as: UTF8.self))
    var ruleID: String?
    if rest.first == ":" {
      rest = rest.dropFirst()
      let id = rest.prefix { !$0.isWhitespace && $0 != "," }
      ruleID = id.isEmpty ? nil : String(id)
      rest = rest.dropFirst(id.count)
    }
    // A comment closer is not part of the reason.
    var reason = rest.trimmingSpaces
    for closer in ["*/", "-->", "#}", "%>"] where reason.hasSuffix(closer) {
      reason = Substring(reason.dropLast(closer.count)).trimmingSpaces
    }
    if reason.hasPrefix("-") || reason.hasPrefix(":") { reason = Substring(reason.dropFirst()).trimmingSpaces }
    return InlineAllow(ruleID: ruleID, reason: reason.isEmpty ? nil : String(reason))
  }

  public func allows(ruleID candidate: String) -> Bool { ruleID == nil || ruleID == candidate }
}

extension Substring {
  var trimmingSpaces: Substring {
    var result = self
    while let first = result.first, first.isWhitespace { result = result.dropFirst() }
    while let last = result.last, last.isWhitespace { result = result.dropLast() }
    return result
  }
}
