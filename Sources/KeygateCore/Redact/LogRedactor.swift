#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import KeygateRegex

/// Masks secrets in a log as it streams past (`keygate redact`): bytes in, the same bytes out
/// with every secret replaced by a mask, in bounded memory.
///
/// **What is masked.**
/// 1. Every secret the scan's rules find (the real ``Matcher``, its checks included), as
///    `[REDACTED:<rule-id>]`. Inline `keygate:allow` comments are not honoured: a log is not
///    source code, and masking too much is the safe side.
/// 2. The credential of an `Authorization:` (or `Proxy-Authorization:`) header, keeping the
///    scheme word: `Authorization: Bearer [REDACTED]`, in every spelling a log carries it —
///    a header line (the value runs to the end of the line), `-H "Authorization: Basic …"`
///    (to the closing quote), `"Authorization": "token …"` (JSON, Python reprs).
/// 3. The value of anything named like a key — `NAME=value`, `NAME: value`, `"name": "value"`,
///    `NAME := value`, `name => value`, `--name value` — where the name, read case-insensitively
///    with camelCase, `-` and `.` as `_`, ends in `API_KEY`, `APIKEY`, `_TOKEN`, `_SECRET`,
///    `SECRET_KEY`, `PASSWORD`, `PASSWD`, `ACCESS_KEY`, `PRIVATE_KEY` or `CREDENTIALS`. That
///    covers the `x-api-key:`, `api-key:` and `x-goog-api-key:` headers too. A value is left
///    alone when it is empty, a reference (`${…}`, `$(…)`, `{{…}}`, `$NAME`), already masked
///    (`***`, `[REDACTED…`, `[MASKED]`, `[FILTERED]`), a JSON object or array, or `null`,
///    `true`, `false`.
/// 4. The lines between `-----BEGIN … PRIVATE KEY-----` and its `-----END` line, one
///    `[REDACTED:private-key]` per line (at most ``privateKeyBlockLines`` lines), because a PEM
///    block in a log arrives line by line.
/// Masks are `[REDACTED]` for headers and variables. No prefix is shown: in a log, a prefix and
/// the last four characters of a short token are too large a share of it. With
/// ``Options/keepLast4`` a one-line mask of a value of 16 characters or more is followed by
/// `…` and the value's last four characters (when they are printable ASCII).
///
/// **Lines.** Input is processed when a newline arrives: every complete line fed so far is
/// redacted and written to the output, so a caller that writes the output after each feed
/// never holds a line back while it waits for more input. The matcher sees the new lines
/// together with up to ``Options/contextLimit`` bytes of the lines before them (rules whose
/// context check looks at nearby lines still work line by line); matches that start in those
/// earlier lines are not applied again. Lines that arrived together are matched together, so
/// they are also context for each other: that can only mask more.
///
/// **Long lines.** A line with no newline after ``Options/lineLimit`` bytes is processed in
/// chunks: each chunk is matched whole, its output stops ``Options/overlap`` bytes before its
/// end (or after the end of a mask that crosses that point), and the next chunk starts
/// `overlap` bytes before that, so any secret shorter than `overlap` is seen whole in one chunk.
/// Memory stays below about `lineLimit + overlap + 64 KiB` however long the line.
///
/// **Bytes.** Everything but the masked ranges passes through byte for byte: invalid UTF-8,
/// `\r\n` line endings, a last line with no newline (written without one).
public final class LogRedactor {
  public struct Options: Sendable {
    /// Append `…` and the last four characters to masks of long one-line values.
    public var keepLast4: Bool
    /// Lines longer than this are processed in chunks.
    public var lineLimit: Int
    /// How much each chunk of a long line overlaps the next: the longest secret masked whole
    /// across a chunk boundary.
    public var overlap: Int
    /// Bytes of earlier lines the matcher sees as context.
    public var contextLimit: Int

    public init(keepLast4: Bool = false, lineLimit: Int = 1 << 20, overlap: Int = 8 << 10, contextLimit: Int = 4 << 10) {
      precondition(overlap > 0 && lineLimit > 2 * overlap && contextLimit >= 0, "lineLimit must exceed twice the overlap")
      self.keepLast4 = keepLast4
      self.lineLimit = lineLimit
      self.overlap = overlap
      self.contextLimit = contextLimit
    }
  }

  /// At most this many lines after a `BEGIN … PRIVATE KEY` line are masked when no `END` line
  /// comes (a 4096-bit RSA key is about 50 lines, a PGP key block 100 or so).
  public static let privateKeyBlockLines = 400
  /// Input is taken in pieces of at most this size, whatever a caller feeds at once.
  static let pieceSize = 64 * 1024

  public let options: Options
  /// Secrets masked so far (a multi-line mask counts once; a private key block counts once).
  public private(set) var secretsMasked = 0
  /// Lines processed so far, a last line without newline included once `finish` has run.
  public private(set) var lines = 0
  /// Bytes the redactor holds between calls (context and the unfinished line).
  public var retainedBytes: Int { buffer.count }
  /// The capacity of that buffer: what it actually keeps allocated.
  public var retainedCapacity: Int { buffer.capacity }

  private let rules: CompiledRules
  private var matcher: Matcher
  /// Hyperscan scratch for the matcher's database, to find the lines worth matching.
  private var prefilter: Scratch
  private var hitEnds: [Int] = []
  private var values = ValueScanner()
  /// Context already written (the first `emitted` bytes), then input not yet written.
  private var buffer: [UInt8] = []
  private var emitted = 0
  /// Lines left to mask in a private key block, when inside one.
  private var privateKeyLinesLeft: Int?
  private var privateKeyCounted = false
  private let ruleLabels: [[UInt8]]

  /// - Throws: `RegexError` when Hyperscan cannot allocate scratch space.
  public init(rules: CompiledRules, options: Options = Options()) throws(RegexError) {
    self.rules = rules
    self.options = options
    matcher = try Matcher(rules: rules)
    prefilter = try Scratch(for: rules.database)
    ruleLabels = rules.rules.map { Array("[REDACTED:\($0.id)]".utf8) }
    buffer.reserveCapacity(options.lineLimit + options.overlap + Self.pieceSize)
  }

  /// Takes more input; appends to `output` every complete line (and every finished chunk of a
  /// long line) it now can, redacted.
  /// - Throws: `RegexError` when the matcher fails; nothing of the failing piece is written.
  public func feed(_ input: UnsafeRawBufferPointer, into output: inout [UInt8]) throws(RegexError) {
    var offset = 0
    while offset < input.count {
      let piece = UnsafeRawBufferPointer(rebasing: input[offset..<min(offset + Self.pieceSize, input.count)])
      offset += piece.count
      let before = buffer.count
      buffer.append(contentsOf: piece)
      var newlines = 0
      var last = -1
      for index in piece.indices where piece[index] == 0x0A {
        newlines += 1
        last = index
      }
      if last >= 0 {
        lines += newlines
        let end = before + last + 1
        _ = try process(upTo: end, final: true, into: &output)
        let start = max(0, end - options.contextLimit)
        buffer.removeSubrange(0..<start)
        emitted = end - start
      }
      if buffer.count - emitted >= options.lineLimit {
        let cut = try process(upTo: buffer.count, final: false, into: &output)
        let start = max(0, cut - options.overlap)
        buffer.removeSubrange(0..<start)
        emitted = cut - start
      }
    }
  }

  public func feed(_ input: [UInt8], into output: inout [UInt8]) throws(RegexError) {
    var failure: RegexError?
    input.withUnsafeBytes { bytes in
      do throws(RegexError) { try feed(bytes, into: &output) } catch { failure = error }
    }
    if let failure { throw failure }
  }

  /// Ends the input: appends the last line, when it has no newline, redacted (without adding one).
  public func finish(into output: inout [UInt8]) throws(RegexError) {
    if buffer.count > emitted {
      lines += 1
      _ = try process(upTo: buffer.count, final: true, into: &output)
    }
    buffer.removeAll(keepingCapacity: true)
    emitted = 0
  }

  /// All of `input` redacted, as one stream (feed and finish).
  public func redact(_ input: [UInt8]) throws(RegexError) -> [UInt8] {
    var output: [UInt8] = []
    try feed(input, into: &output)
    try finish(into: &output)
    return output
  }

  /// Redacts `buffer[emitted..<end]` (with `buffer[..<emitted]` as context) into `output`;
  /// returns where the written part ends (`end` when `final`).
  private func process(upTo end: Int, final: Bool, into output: inout [UInt8]) throws(RegexError) -> Int {
    let from = emitted
    var failure: RegexError?
    let cut = buffer.withUnsafeBytes { all -> Int in
      do throws(RegexError) {
        return try redact(window: UnsafeRawBufferPointer(rebasing: all[0..<end]), from: from, final: final, into: &output)
      } catch {
        failure = error
        return from
      }
    }
    if let failure { throw failure }
    return cut
  }

  /// A range to mask and what to write there.
  struct Mask {
    var range: Range<Int>
    /// A rule index, or one of the labels below.
    var label: Int
    /// Counts as one more secret masked.
    var counts: Bool

    static let plain = -1
    static let privateKey = -2
  }

  private func redact(
    window: UnsafeRawBufferPointer, from start: Int, final: Bool, into output: inout [UInt8]
  ) throws(RegexError) -> Int {
    var masks: [Mask] = []
    // At a line start, the context is earlier lines, already written: a match that starts there
    // was written then (or is a multi-line key, which the private key block handles). Inside a
    // long line, the context is the overlap: a match reaching past it is masked from there on.
    let atLineStart = start == 0 || window[start - 1] == 0x0A
    // Only the lines where the matcher can find something go to it: lines with a Hyperscan hit
    // of its database (a rule, or its percent-encoding trigger) or with a run its base64
    // decoder would decode; for every other line it would return nothing. A line with a hit
    // goes with up to `contextLimit` bytes of the lines before it (rules' context checks look
    // at nearby lines), so a rule's confirming search never reaches further back than that,
    // however many lines arrived at once. A line with only a base64 run goes alone: what is
    // found in decoded text is judged on the decoded text.
    let scanFrom = atLineStart ? start : 0
    let candidates = UnsafeRawBufferPointer(rebasing: window[scanFrom...])
    hitEnds.removeAll(keepingCapacity: true)
    try prefilter.scan(candidates) { _, end in hitEnds.append(2 * (scanFrom + end) + 1) }
    for end in Decoding.base64TriggerEnds(in: candidates) { hitEnds.append(2 * (scanFrom + end)) }
    if !hitEnds.isEmpty {
      // Each entry is 2 × end + (1 for a Hyperscan hit, 0 for a base64 run): sorted by end.
      hitEnds.sort()
      var run = 0..<0
      var runHasHit = false
      for entry in hitEnds {
        let byte = max(entry / 2 - 1, scanFrom)
        let isHit = entry % 2 == 1
        if byte < run.upperBound {
          runHasHit = runHasHit || isHit
          continue
        }
        var lineStart = byte
        while lineStart > scanFrom && window[lineStart - 1] != 0x0A { lineStart -= 1 }
        var lineEnd = byte
        while lineEnd < window.count && window[lineEnd] != 0x0A { lineEnd += 1 }
        lineEnd = min(lineEnd + 1, window.count)
        if lineStart == run.upperBound && !run.isEmpty {
          run = run.lowerBound..<lineEnd
          runHasHit = runHasHit || isHit
          continue
        }
        if !run.isEmpty { try ruleMasks(window: window, lines: run, withContext: runHasHit, start: start, into: &masks) }
        run = lineStart..<lineEnd
        runHasHit = isHit
      }
      if !run.isEmpty { try ruleMasks(window: window, lines: run, withContext: runHasHit, start: start, into: &masks) }
    }
    values.masks(in: window, from: atLineStart ? start : 0, endingAfter: start, into: &masks)
    privateKeyMasks(in: window, from: start, final: final, into: &masks)

    // Sorted, overlapping masks merged (a rule's label wins over a plain one).
    masks.sort { $0.range.lowerBound < $1.range.lowerBound }
    var merged: [Mask] = []
    for var mask in masks {
      mask.range = max(mask.range.lowerBound, start)..<mask.range.upperBound
      guard !mask.range.isEmpty else { continue }
      if var last = merged.last, mask.range.lowerBound < last.range.upperBound {
        last.range = last.range.lowerBound..<max(last.range.upperBound, mask.range.upperBound)
        if last.label < 0 && mask.label >= 0 { last.label = mask.label }
        last.counts = last.counts || mask.counts
        merged[merged.count - 1] = last
      } else {
        merged.append(mask)
      }
    }

    var cut = window.count
    if !final {
      cut = max(start, window.count - options.overlap)
      if let crossing = merged.first(where: { $0.range.lowerBound < cut && $0.range.upperBound > cut }) {
        cut = crossing.range.upperBound
      }
    }
    var position = start
    for mask in merged {
      guard mask.range.lowerBound < cut else { break }
      output.append(contentsOf: window[position..<mask.range.lowerBound])
      appendMask(mask, window: window, into: &output)
      position = mask.range.upperBound
      if mask.counts { secretsMasked += 1 }
    }
    output.append(contentsOf: window[position..<cut])
    return cut
  }

  /// The matcher's masks for `window[lines]`, given the bytes before as context.
  private func ruleMasks(
    window: UnsafeRawBufferPointer, lines: Range<Int>, withContext: Bool, start: Int, into masks: inout [Mask]
  ) throws(RegexError) {
    let contextStart = withContext ? max(0, lines.lowerBound - options.contextLimit) : lines.lowerBound
    let atLineStart = lines.lowerBound == 0 || window[lines.lowerBound - 1] == 0x0A
    let subject = UnsafeRawBufferPointer(rebasing: window[contextStart..<lines.upperBound])
    for match in try matcher.matches(in: subject) {
      let range = (contextStart + match.secretRange.lowerBound)..<(contextStart + match.secretRange.upperBound)
      // A match in the context lines was found with them, or is a multi-line key (handled as
      // a private key block); one that starts in a long line's overlap is masked from `start`.
      guard range.upperBound > max(lines.lowerBound, start) else { continue }
      if atLineStart && range.lowerBound < lines.lowerBound { continue }
      if Self.isMaskText(UnsafeRawBufferPointer(rebasing: window[range])) { continue }
      masks.append(Mask(range: range, label: match.ruleIndex, counts: true))
    }
  }

  private func label(_ mask: Mask) -> [UInt8] {
    switch mask.label {
    case Mask.plain: Self.plainLabel
    case Mask.privateKey: Self.privateKeyLabel
    default: ruleLabels[mask.label]
    }
  }

  static let plainLabel = Array("[REDACTED]".utf8)
  static let privateKeyLabel = Array("[REDACTED:private-key]".utf8)
  static let ellipsis = Array("…".utf8)

  /// The mask for `mask.range`; a range over several lines is masked line by line, keeping
  /// each line ending.
  private func appendMask(_ mask: Mask, window: UnsafeRawBufferPointer, into output: inout [UInt8]) {
    let label = label(mask)
    var segmentStart = mask.range.lowerBound
    var multiline = false
    var index = mask.range.lowerBound
    while index < mask.range.upperBound {
      if window[index] == 0x0A {
        multiline = true
        let segmentEnd = index > segmentStart && window[index - 1] == 0x0D ? index - 1 : index
        if segmentEnd > segmentStart { output.append(contentsOf: label) }
        output.append(contentsOf: window[segmentEnd...index])
        segmentStart = index + 1
      }
      index += 1
    }
    guard segmentStart < mask.range.upperBound else { return }
    output.append(contentsOf: label)
    guard options.keepLast4, !multiline, mask.label != Mask.privateKey,
      mask.range.count >= Redaction.minimumLengthToShowSuffix
    else { return }
    let last = window[(mask.range.upperBound - 4)..<mask.range.upperBound]
    guard last.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != 0x22 && $0 != 0x27 && $0 != 0x5C }) else { return }
    output.append(contentsOf: Self.ellipsis)
    output.append(contentsOf: last)
  }

  /// Text this redactor (or another masker) wrote: never masked again, so redacting twice
  /// changes nothing.
  static func isMaskText(_ bytes: UnsafeRawBufferPointer) -> Bool {
    ByteText.contains(bytes, "[REDACTED") || ByteText.contains(bytes, "[MASKED]")
  }

  // MARK: Private key blocks

  static let beginMarker = Array("-----BEGIN ".utf8)
  static let endMarker = Array("-----END ".utf8)
  static let privateKeyWords = Array("PRIVATE KEY".utf8)
  static let dashes = Array("-----".utf8)

  /// Masks for the lines of `window[start...]` inside a private key block, and the block state.
  /// A chunk of a long line (not `final`) changes the state only where it is written whole.
  private func privateKeyMasks(in window: UnsafeRawBufferPointer, from start: Int, final: Bool, into masks: inout [Mask]) {
    guard final else {
      guard privateKeyLinesLeft != nil else { return }
      let rest = UnsafeRawBufferPointer(rebasing: window[start...])
      if let end = ByteText.firstIndex(of: Self.endMarker, in: rest, from: 0) {
        masks.append(Mask(range: start..<(start + end), label: Mask.privateKey, counts: !privateKeyCounted))
        privateKeyLinesLeft = nil
      } else {
        masks.append(Mask(range: start..<window.count, label: Mask.privateKey, counts: !privateKeyCounted))
      }
      privateKeyCounted = true
      return
    }
    // Quick exit: no block open and no marker in the new text.
    if privateKeyLinesLeft == nil,
      ByteText.firstIndex(of: Self.beginMarker, in: UnsafeRawBufferPointer(rebasing: window[start...]), from: 0) == nil
    {
      return
    }
    var lineStart = start
    while lineStart < window.count {
      var lineEnd = lineStart
      while lineEnd < window.count && window[lineEnd] != 0x0A { lineEnd += 1 }
      let next = lineEnd + 1
      if lineEnd > lineStart && window[lineEnd - 1] == 0x0D { lineEnd -= 1 }
      let line = UnsafeRawBufferPointer(rebasing: window[lineStart..<lineEnd])
      if let left = privateKeyLinesLeft {
        if let end = ByteText.firstIndex(of: Self.endMarker, in: line, from: 0) {
          if end > 0 && !Self.isBlank(UnsafeRawBufferPointer(rebasing: line[..<end])) {
            masks.append(Mask(range: lineStart..<(lineStart + end), label: Mask.privateKey, counts: !privateKeyCounted))
          }
          privateKeyLinesLeft = nil
        } else {
          if !Self.isBlank(line) && !Self.isMaskText(line) {
            masks.append(Mask(range: lineStart..<lineEnd, label: Mask.privateKey, counts: !privateKeyCounted))
            privateKeyCounted = true
          }
          privateKeyLinesLeft = left > 1 ? left - 1 : nil
        }
      } else if let begin = ByteText.firstIndex(of: Self.beginMarker, in: line, from: 0),
        let words = ByteText.firstIndex(of: Self.privateKeyWords, in: line, from: begin),
        ByteText.firstIndex(of: Self.endMarker, in: line, from: words) == nil
      {
        privateKeyLinesLeft = Self.privateKeyBlockLines
        privateKeyCounted = false
        // Key text on the BEGIN line itself, after the marker.
        if let close = ByteText.firstIndex(of: Self.dashes, in: line, from: words + Self.privateKeyWords.count) {
          var body = close + Self.dashes.count
          while body < line.count && line[body] == UInt8(ascii: "-") { body += 1 }
          let rest = UnsafeRawBufferPointer(rebasing: line[body...])
          if !Self.isBlank(rest) && !Self.isMaskText(rest) {
            masks.append(Mask(range: (lineStart + body)..<lineEnd, label: Mask.privateKey, counts: true))
            privateKeyCounted = true
          }
        }
      }
      lineStart = next
    }
  }

  static func isBlank(_ bytes: UnsafeRawBufferPointer) -> Bool {
    bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
  }
}

/// Byte-string helpers for the redactor.
enum ByteText {
  /// Where `needle` first occurs in `haystack[start...]`.
  static func firstIndex(of needle: [UInt8], in haystack: UnsafeRawBufferPointer, from start: Int) -> Int? {
    guard !needle.isEmpty, haystack.count - start >= needle.count, let base = haystack.baseAddress else { return nil }
    // memchr finds candidates at memory speed; it looks for the needle's first capital letter
    // (`B` of `-----BEGIN `: dashes are everywhere in logs).
    let anchor = needle.firstIndex { $0 >= 0x41 && $0 <= 0x5A } ?? 0
    let last = haystack.count - needle.count
    var index = start
    while index <= last {
      guard let found = memchr(base + index + anchor, Int32(needle[anchor]), last + 1 - index) else { return nil }
      index = base.distance(to: UnsafeRawPointer(found)) - anchor
      var offset = 0
      while offset < needle.count && haystack[index + offset] == needle[offset] { offset += 1 }
      if offset == needle.count { return index }
      index += 1
    }
    return nil
  }

  static func contains(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString) -> Bool {
    let bytes = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
    guard bytes.count <= haystack.count else { return false }
    for start in 0...(haystack.count - bytes.count) {
      if haystack[start] == bytes[0] && bytes.indices.allSatisfy({ haystack[start + $0] == bytes[$0] }) { return true }
    }
    return false
  }

  static func hasPrefix(_ haystack: UnsafeRawBufferPointer, _ needle: StaticString, caseInsensitive: Bool = false) -> Bool {
    let bytes = UnsafeRawBufferPointer(start: needle.utf8Start, count: needle.utf8CodeUnitCount)
    guard bytes.count <= haystack.count else { return false }
    return bytes.indices.allSatisfy {
      caseInsensitive ? lower(haystack[$0]) == lower(bytes[$0]) : haystack[$0] == bytes[$0]
    }
  }

  static func equals(_ haystack: UnsafeRawBufferPointer, caseInsensitive needle: StaticString) -> Bool {
    haystack.count == needle.utf8CodeUnitCount && hasPrefix(haystack, needle, caseInsensitive: true)
  }

  @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
    byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
  }
}

/// Finds header values and values of key-named variables in log text (see ``LogRedactor``).
struct ValueScanner {
  /// The normalised name being classified (reused: no allocation per separator).
  private var name: [UInt8] = []

  init() { name.reserveCapacity(Self.longestName + 16) }

  /// Names longer than this are read by their last this many bytes.
  static let longestName = 128

  enum Kind { case authorization, keyName }

  /// Appends masks for the values in `window[start...]` that end after `minimumEnd`.
  mutating func masks(in window: UnsafeRawBufferPointer, from start: Int, endingAfter minimumEnd: Int, into masks: inout [LogRedactor.Mask]) {
    let count = window.count
    var index = start
    while index < count {
      let byte = window[index]
      if byte == UInt8(ascii: "=") || byte == UInt8(ascii: ":") {
        if let range = separatorValue(at: index, in: window), range.upperBound > minimumEnd {
          masks.append(LogRedactor.Mask(range: range, label: LogRedactor.Mask.plain, counts: true))
        }
      } else if byte == UInt8(ascii: "-") && index + 1 < count && window[index + 1] == UInt8(ascii: "-") {
        if let range = optionValue(at: index, in: window), range.upperBound > minimumEnd {
          masks.append(LogRedactor.Mask(range: range, label: LogRedactor.Mask.plain, counts: true))
        }
        index += 1
      }
      index += 1
    }
  }

  // MARK: Forms

  /// `NAME=value`, `NAME: value`, `"name": "value"`, `NAME := value`, `name => value`, with the
  /// separator's first byte at `separator`.
  mutating func separatorValue(at separator: Int, in window: UnsafeRawBufferPointer) -> Range<Int>? {
    let count = window.count
    let byte = window[separator]
    let next: UInt8 = separator + 1 < count ? window[separator + 1] : 0
    var valueStart = separator + 1
    var nameEnd = separator
    if byte == UInt8(ascii: ":") {
      if next == UInt8(ascii: ":") || next == UInt8(ascii: "/") { return nil }
      if next == UInt8(ascii: "=") { valueStart += 1 }
    } else {
      guard separator > 0 else { return nil }
      let previous = window[separator - 1]
      switch previous {
      case UInt8(ascii: "="), UInt8(ascii: "!"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ":"): return nil
      case UInt8(ascii: "?"), UInt8(ascii: "+"): nameEnd -= 1
      default: break
      }
      if next == UInt8(ascii: "=") || next == UInt8(ascii: "~") { return nil }
      if next == UInt8(ascii: ">") { valueStart += 1 }
    }
    // Back over blanks and a closing quote to the name.
    var index = nameEnd - 1
    while index >= 0 && (window[index] == 0x20 || window[index] == 0x09) && nameEnd - index < 8 { index -= 1 }
    var quotedName = false
    if index >= 0 && Self.isQuote(window[index]) {
      quotedName = true
      index -= 1
      if index >= 0 && window[index] == UInt8(ascii: "\\") { index -= 1 }
    }
    let end = index + 1
    while index >= 0 && Self.isNameByte(window[index]) && end - index <= Self.longestName { index -= 1 }
    let nameStart = index + 1
    guard nameStart < end, let kind = classify(UnsafeRawBufferPointer(rebasing: window[nameStart..<end])) else {
      return nil
    }
    // `-H "Authorization: Bearer …"`: the pair sits inside a quoted string, which ends the value.
    var enclosing: UInt8?
    if !quotedName && nameStart > 0 && Self.isQuote(window[nameStart - 1]) { enclosing = window[nameStart - 1] }
    let query = nameStart > 0 && (window[nameStart - 1] == UInt8(ascii: "?") || window[nameStart - 1] == UInt8(ascii: "&"))
    return value(from: valueStart, in: window, kind: kind, enclosing: enclosing, query: query)
  }

  /// `--name value` (the `--name=value` form is a separator form).
  mutating func optionValue(at dashes: Int, in window: UnsafeRawBufferPointer) -> Range<Int>? {
    if dashes > 0 {
      let before = window[dashes - 1]
      guard before == 0x20 || before == 0x09 || before == 0x0A || Self.isQuote(before) else { return nil }
    }
    var index = dashes + 2
    while index < window.count && Self.isNameByte(window[index]) && index - dashes <= Self.longestName { index += 1 }
    guard index > dashes + 2, index < window.count, window[index] == 0x20 || window[index] == 0x09,
      classify(UnsafeRawBufferPointer(rebasing: window[(dashes + 2)..<index])) == .keyName
    else { return nil }
    var valueStart = index
    while valueStart < window.count && (window[valueStart] == 0x20 || window[valueStart] == 0x09) { valueStart += 1 }
    guard valueStart < window.count, window[valueStart] != UInt8(ascii: "-") else { return nil }
    let enclosing: UInt8? = dashes > 0 && Self.isQuote(window[dashes - 1]) ? window[dashes - 1] : nil
    return value(from: valueStart, in: window, kind: .keyName, enclosing: enclosing, query: false)
  }

  /// The range to mask of the value starting (after blanks) at `start`, or nil when it is
  /// empty, a reference or already masked.
  func value(
    from start: Int, in window: UnsafeRawBufferPointer, kind: Kind, enclosing: UInt8?, query: Bool
  ) -> Range<Int>? {
    let count = window.count
    var index = start
    while index < count && (window[index] == 0x20 || window[index] == 0x09) { index += 1 }
    guard index < count else { return nil }
    var quote: UInt8?
    var escapedQuote = false
    if window[index] == UInt8(ascii: "\\") && index + 1 < count && Self.isQuote(window[index + 1]) {
      quote = window[index + 1]
      escapedQuote = true
      index += 2
    } else if Self.isQuote(window[index]) {
      quote = window[index]
      index += 1
    }
    let valueStart = index
    var valueEnd = index
    if let quote {
      while valueEnd < count {
        let byte = window[valueEnd]
        if byte == 0x0A || byte == 0x0D || byte == quote { break }
        if byte == UInt8(ascii: "\\") {
          if escapedQuote { break }
          valueEnd += 1
        }
        valueEnd += 1
      }
      valueEnd = min(valueEnd, count)
    } else if kind == .authorization {
      // A header's value runs to the end of the line, or of the quoted string it sits in.
      while valueEnd < count {
        let byte = window[valueEnd]
        if byte == 0x0A || byte == 0x0D || byte == enclosing { break }
        if enclosing != nil && byte == UInt8(ascii: "\\") && valueEnd + 1 < count && window[valueEnd + 1] == enclosing {
          break
        }
        valueEnd += 1
      }
      while valueEnd > valueStart && (window[valueEnd - 1] == 0x20 || window[valueEnd - 1] == 0x09) { valueEnd -= 1 }
    } else {
      while valueEnd < count {
        let byte = window[valueEnd]
        if byte <= 0x20 || Self.isQuote(byte) { break }
        if query && (byte == UInt8(ascii: "&") || byte == UInt8(ascii: "#")) { break }
        if byte == UInt8(ascii: "\\") && valueEnd + 1 < count && Self.isQuote(window[valueEnd + 1]) { break }
        valueEnd += 1
      }
      // Punctuation after the value (`"apiKey": null,`, `Config(password=…)`) stays.
      while valueEnd > valueStart && Self.isClosingPunctuation(window[valueEnd - 1]) { valueEnd -= 1 }
    }
    var secretStart = valueStart
    if kind == .authorization {
      // Keep the scheme word: `Bearer`, `Basic`, `token`, `AWS4-HMAC-SHA256`.
      var wordEnd = valueStart
      while wordEnd < valueEnd && Self.isSchemeByte(window[wordEnd]) { wordEnd += 1 }
      var after = wordEnd
      while after < valueEnd && (window[after] == 0x20 || window[after] == 0x09) { after += 1 }
      if wordEnd > valueStart && after > wordEnd && after < valueEnd && Self.isLetter(window[valueStart]) {
        secretStart = after
      } else if after == valueEnd && Self.isSchemeOnly(UnsafeRawBufferPointer(rebasing: window[valueStart..<valueEnd])) {
        return nil
      }
    }
    let secret = UnsafeRawBufferPointer(rebasing: window[secretStart..<valueEnd])
    guard !secret.isEmpty, !Self.isReference(secret), !LogRedactor.isMaskText(secret) else { return nil }
    if quote == nil && kind == .keyName {
      if secret[0] == UInt8(ascii: "{") || secret[0] == UInt8(ascii: "[") { return nil }
      if ByteText.equals(secret, caseInsensitive: "null") || ByteText.equals(secret, caseInsensitive: "true")
        || ByteText.equals(secret, caseInsensitive: "false")
      {
        return nil
      }
    }
    return secretStart..<valueEnd
  }

  // MARK: Names and values

  static let keySuffixes: [[UInt8]] = [
    "API_KEY", "APIKEY", "_TOKEN", "_SECRET", "SECRET_KEY", "PASSWORD", "PASSWD", "ACCESS_KEY", "PRIVATE_KEY",
    "CREDENTIALS",
  ].map { Array($0.utf8) }
  static let authorization = Array("AUTHORIZATION".utf8)

  /// Whether `raw` names a key or an authorization header: upper-cased, with `-`, `.` and
  /// camelCase humps as `_`.
  mutating func classify(_ raw: UnsafeRawBufferPointer) -> Kind? {
    // Every suffix ends in Y, N, T, D or S: most names stop here.
    switch ByteText.lower(raw[raw.count - 1]) {
    case UInt8(ascii: "y"), UInt8(ascii: "n"), UInt8(ascii: "t"), UInt8(ascii: "d"), UInt8(ascii: "s"): break
    default: return nil
    }
    name.removeAll(keepingCapacity: true)
    var previous: UInt8 = 0
    for byte in raw {
      let isUpper = byte >= 0x41 && byte <= 0x5A
      if isUpper && ((previous >= 0x61 && previous <= 0x7A) || (previous >= 0x30 && previous <= 0x39)) {
        name.append(UInt8(ascii: "_"))
      }
      switch byte {
      case UInt8(ascii: "-"), UInt8(ascii: "."): name.append(UInt8(ascii: "_"))
      case 0x61...0x7A: name.append(byte - 0x20)
      default: name.append(byte)
      }
      previous = byte
    }
    if hasSuffix(Self.authorization) && (name.count == Self.authorization.count || name[name.count - Self.authorization.count - 1] == UInt8(ascii: "_")) {
      return .authorization
    }
    return Self.keySuffixes.contains(where: hasSuffix) ? .keyName : nil
  }

  private func hasSuffix(_ suffix: [UInt8]) -> Bool {
    guard name.count >= suffix.count else { return false }
    let offset = name.count - suffix.count
    for index in suffix.indices where name[offset + index] != suffix[index] { return false }
    return true
  }

  /// `${…}`, `$(…)`, `{{…}}`, `$NAME`, `%NAME%`, or only asterisks (`***`).
  static func isReference(_ value: UnsafeRawBufferPointer) -> Bool {
    if ByteText.hasPrefix(value, "${") || ByteText.hasPrefix(value, "$(") || ByteText.hasPrefix(value, "{{") { return true }
    if value.allSatisfy({ $0 == UInt8(ascii: "*") }) { return true }
    if value[0] == UInt8(ascii: "$") && value.count > 1 {
      return value.dropFirst().allSatisfy { isLetter($0) || (($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "_")) }
    }
    if value.count > 2 && value[0] == UInt8(ascii: "%") && value[value.count - 1] == UInt8(ascii: "%") {
      return value.dropFirst().dropLast().allSatisfy { isNameByte($0) }
    }
    return ByteText.hasPrefix(value, "[FILTERED]")
  }

  static func isSchemeOnly(_ word: UnsafeRawBufferPointer) -> Bool {
    ByteText.equals(word, caseInsensitive: "bearer") || ByteText.equals(word, caseInsensitive: "basic")
      || ByteText.equals(word, caseInsensitive: "token") || ByteText.equals(word, caseInsensitive: "digest")
      || ByteText.equals(word, caseInsensitive: "negotiate")
  }

  @inline(__always) static func isLetter(_ byte: UInt8) -> Bool {
    (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
  }

  @inline(__always) static func isNameByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
      || byte == UInt8(ascii: ".")
  }

  @inline(__always) static func isSchemeByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
  }

  @inline(__always) static func isClosingPunctuation(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") || byte == UInt8(ascii: ")") || byte == UInt8(ascii: "]")
      || byte == UInt8(ascii: "}")
  }

  @inline(__always) static func isQuote(_ byte: UInt8) -> Bool {
    byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`")
  }
}
