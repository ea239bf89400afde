import CPCRE2

/// A PCRE2 pattern compiled for byte (non-UTF) matching, JIT-compiled where the platform allows.
///
/// The PCRE2Regex assumes ownership of the `pcre2_code` and frees it in `deinit`. A compiled
/// pattern, JIT code included, may be used by many threads at once, each with its own match
/// data (pcre2api, "Multithreading").
public final class PCRE2Regex: @unchecked Sendable {
  let code: OpaquePointer
  /// The number of capture groups in the pattern.
  public let captureCount: Int
  /// The pattern as given.
  public let pattern: String

  /// Compiles `pattern`.
  /// - Parameters:
  ///   - pattern: PCRE2 syntax.
  ///   - caseInsensitive: Adds `PCRE2_CASELESS`.
  /// - Throws: `RegexError.pcre2Compile` with PCRE2's message and the offset in the pattern.
  /// The corresponding C functions are `pcre2_compile` and `pcre2_jit_compile`.
  public init(_ pattern: String, caseInsensitive: Bool = false) throws(RegexError) {
    var errorCode: Int32 = 0
    var errorOffset = 0
    let options = caseInsensitive ? UInt32(PCRE2_CASELESS) : 0
    // PCRE2_ZERO_TERMINATED does not import into Swift: pass the byte length.
    let bytes = Array(pattern.utf8)
    let compiled = bytes.withUnsafeBufferPointer { raw in
      pcre2_compile_8(raw.baseAddress, raw.count, options, &errorCode, &errorOffset, nil)
    }
    guard let compiled else {
      throw .pcre2Compile(message: Self.message(for: errorCode), offset: errorOffset)
    }
    // JIT is an optimisation: where it is unavailable, the interpreter gives the same results.
    _ = pcre2_jit_compile_8(compiled, UInt32(PCRE2_JIT_COMPLETE))
    var count: UInt32 = 0
    pcre2_pattern_info_8(compiled, UInt32(PCRE2_INFO_CAPTURECOUNT), &count)
    self.code = compiled
    self.captureCount = Int(count)
    self.pattern = pattern
  }

  deinit { pcre2_code_free_8(code) }

  static func message(for code: Int32) -> String {
    var buffer = [UInt8](repeating: 0, count: 256)
    let length = pcre2_get_error_message_8(code, &buffer, buffer.count)
    return length > 0 ? String(decoding: buffer[0..<Int(length)], as: UTF8.self) : "PCRE2 error \(code)"
  }

  /// Finds the first match in `subject` at or after `start`.
  /// - Parameters:
  ///   - subject: The bytes to search; the search never reads past its end.
  ///   - start: Where to start searching.
  ///   - matchData: Per-thread match data made for this pattern.
  /// - Returns: The byte range of each group (0 is the whole match; nil for a group that did not
  ///   take part), or nil when nothing matches.
  /// - Throws: `RegexError.pcre2Match` when PCRE2 gives up (match or depth limit).
  /// The corresponding C function is `pcre2_match`.
  public func firstMatch(
    in subject: UnsafeRawBufferPointer, from start: Int, using matchData: inout MatchData
  ) throws(RegexError) -> [Range<Int>?]? {
    let base = subject.baseAddress?.assumingMemoryBound(to: UInt8.self) ?? UnsafePointer(bitPattern: 1)!
    let rc = pcre2_match_8(code, base, subject.count, start, 0, matchData.data, nil)
    if rc == PCRE2_ERROR_NOMATCH { return nil }
    guard rc >= 0 else { throw .pcre2Match(code: rc, message: Self.message(for: rc)) }
    // rc == 0 means the match data has too few pairs for this pattern's groups.
    precondition(
      rc > 0 && Int(pcre2_get_ovector_count_8(matchData.data)) > captureCount,
      "match data was created for a pattern with fewer capture groups")
    let ovector = pcre2_get_ovector_pointer_8(matchData.data)!
    return (0...captureCount).map { group in
      let lower = ovector[2 * group]
      let upper = ovector[2 * group + 1]
      // PCRE2_UNSET (~0) marks a group that did not take part.
      return lower == Int(bitPattern: UInt.max) || lower > upper ? nil : lower..<upper
    }
  }

  /// The number of the capture group called `name`, or nil when the pattern has none.
  /// The corresponding C function is `pcre2_substring_number_from_name`.
  public func groupNumber(named name: String) -> Int? {
    let number = pcre2_substring_number_from_name_8(code, name)
    return number > 0 ? Int(number) : nil
  }

  /// True when the pattern matches somewhere in `text`; for cold paths such as rule examples.
  public func matches(_ text: String) throws(RegexError) -> Bool {
    var matchData = MatchData(for: self)
    let bytes = Array(text.utf8)
    let result: Result<Bool, RegexError> = bytes.withUnsafeBytes { raw in
      Result { () throws(RegexError) in try firstMatch(in: raw, from: 0, using: &matchData) != nil }
    }
    return try result.get()
  }
}

/// PCRE2's per-thread match results for one pattern.
/// The corresponding C functions are `pcre2_match_data_create_from_pattern` and `pcre2_match_data_free`.
public struct MatchData: ~Copyable {
  let data: OpaquePointer

  /// Allocates match data sized for `regex`'s groups.
  public init(for regex: PCRE2Regex) {
    guard let data = pcre2_match_data_create_from_pattern_8(regex.code, nil) else {
      fatalError("pcre2_match_data_create_from_pattern: out of memory")
    }
    self.data = data
  }

  /// Allocates match data for any pattern with at most `groups` capture groups.
  public init(groups: Int) {
    guard let data = pcre2_match_data_create_8(UInt32(groups + 1), nil) else {
      fatalError("pcre2_match_data_create: out of memory")
    }
    self.data = data
  }

  deinit { pcre2_match_data_free_8(data) }
}
