import Foundation
import KeygateRegex

/// Scans content with every rule in one Hyperscan pass, then confirms each hit with PCRE2 around
/// it for exact bounds and the secret group.
///
/// Owns per-task scratch space: create one Matcher in each task that scans.
///
/// One call to `matches(in:)` takes at most `timeLimit` (checked between hits, so a hit's own
/// confirmation may finish first): a pathological input stops there instead of holding the
/// pipeline, and `unfinished` says so.
public struct Matcher: ~Copyable {
  public let rules: CompiledRules
  /// How long one `matches(in:)` call may take; nil for no bound (`--max-object-seconds`).
  public let timeLimit: Duration?
  /// Why the last `matches(in:)` call did not check all of its content (the time limit, or a
  /// PCRE2 match that gave up), or nil when it checked everything. Its matches are still valid.
  public private(set) var unfinished: String?
  private var scratch: Scratch
  private var matchData: MatchData
  private var hits: [(pattern: Int, end: Int)] = []
  private var deadline: ContinuousClock.Instant?

  /// Hits between two looks at the clock while Hyperscan reports them.
  private static let hitsPerClockCheck = 256
  /// Hits confirmed with PCRE2 between two looks at the clock.
  private static let confirmationsPerClockCheck = 16

  /// - Throws: `RegexError` when Hyperscan cannot allocate scratch space.
  public init(rules: CompiledRules, timeLimit: Duration? = nil) throws(RegexError) {
    self.rules = rules
    self.timeLimit = timeLimit
    scratch = try Scratch(for: rules.database)
    matchData = MatchData(groups: rules.largestGroupCount)
  }

  /// Every confirmed match in `content`, ordered by position then rule, including keys found
  /// inside base64 and percent-encoded text (reported at the encoded text's position).
  /// - Throws: `RegexError` when the content is too large for one pass or an engine fails.
  ///
  /// Binary content (a NUL byte in its first 8 KiB, as git decides) is scanned by the specific
  /// rules only: a generic rule and the decoder would see keys in every compressed stream.
  public mutating func matches(in content: UnsafeRawBufferPointer) throws(RegexError) -> [RawMatch] {
    unfinished = nil
    deadline = timeLimit.map { ContinuousClock.now + $0 }
    if Self.looksBinary(content) {
      var triggered: [(encoding: String, end: Int)] = []
      let rules = self.rules
      return try directMatches(in: content, triggered: &triggered).filter { !rules.rules[$0.ruleIndex].isGeneric }
    }
    var budget = Decoding.budget
    return try matches(in: content, depth: 0, budget: &budget)
  }

  /// Git's test for binary content: a NUL byte in the first 8,000 bytes.
  static func looksBinary(_ content: UnsafeRawBufferPointer) -> Bool {
    guard let base = content.baseAddress, !content.isEmpty else { return false }
    return memchr(base, 0, min(content.count, 8000)) != nil
  }

  private mutating func matches(
    in content: UnsafeRawBufferPointer, depth: Int, budget: inout Int
  ) throws(RegexError) -> [RawMatch] {
    var triggered: [(encoding: String, end: Int)] = []
    var direct = try directMatches(in: content, triggered: &triggered)
    guard depth < Decoding.maximumDepth else { return direct }
    triggered += Decoding.base64TriggerEnds(in: content).map { ("base64", $0) }
    guard !triggered.isEmpty else { return direct }
    var candidates: [Decoding.Candidate] = []
    var decodedUpTo = 0
    for trigger in triggered.sorted(by: { $0.end < $1.end }) where budget > 0 {
      guard !stopsAtDeadline() else { break }
      switch trigger.encoding {
      case "base64":
        // Each run is decoded once, however many triggers end inside it.
        guard trigger.end - Decoding.minimumBase64Run >= decodedUpTo,
          let candidate = Decoding.base64Candidate(endingTriggerAt: trigger.end, in: content, budget: &budget)
        else { continue }
        decodedUpTo = candidate.range.upperBound
        candidates.append(candidate)
      default:
        // Fires once: its match is the first escape; nothing before that token to decode.
        candidates += Decoding.percentCandidates(in: content, from: trigger.end - 3, budget: &budget)
      }
    }
    guard !candidates.isEmpty else { return direct }
    candidates.sort { $0.range.lowerBound < $1.range.lowerBound }
    var position = TextPosition()
    for candidate in candidates {
      guard !stopsAtDeadline() else { break }
      var decodedBudget = budget
      let result = candidate.decoded.withUnsafeBytes { decoded in
        Result { () throws(RegexError) in try matches(in: decoded, depth: depth + 1, budget: &decodedBudget) }
      }
      budget = decodedBudget
      let inner = try result.get()
      guard !inner.isEmpty else { continue }
      position.advance(to: candidate.range.lowerBound, in: content)
      let lines = MatchChecks.lines(around: candidate.range, extra: 0, in: content)
      let allow = InlineAllow.parse(UnsafeRawBufferPointer(rebasing: content[lines]))
      for match in inner {
        // The rule already matched the encoded text as written (a SAS URL with `%2F`): one finding.
        if direct.contains(where: { $0.ruleIndex == match.ruleIndex && $0.secretRange.overlaps(candidate.range) }) {
          continue
        }
        direct.append(
          RawMatch(
            ruleIndex: match.ruleIndex, secretRange: candidate.range, secret: match.secret, line: position.line,
            column: position.column, inlineAllow: match.inlineAllow ?? allow,
            encodings: [candidate.encoding] + match.encodings))
      }
    }
    // A generic rule's match on encoded text defers to a specific rule's match inside it.
    let decodedSpecific = direct.filter { !$0.encodings.isEmpty && !rules.rules[$0.ruleIndex].isGeneric }
      .map(\.secretRange)
    if !decodedSpecific.isEmpty {
      direct.removeAll { match in
        rules.rules[match.ruleIndex].isGeneric && match.encodings.isEmpty
          && decodedSpecific.contains { $0.overlaps(match.secretRange) }
      }
    }
    direct.sort { ($0.secretRange.lowerBound, $0.ruleIndex) < ($1.secretRange.lowerBound, $1.ruleIndex) }
    return direct
  }

  /// Matches of the rules in `content` as written; `triggered` receives the encodings whose
  /// triggers fired.
  private mutating func directMatches(
    in content: UnsafeRawBufferPointer, triggered: inout [(encoding: String, end: Int)]
  ) throws(RegexError) -> [RawMatch] {
    hits.removeAll(keepingCapacity: true)
    let deadline = self.deadline
    let scannedAll = try scratch.scan(content) { pattern, end in
      hits.append((pattern, end))
      guard hits.count % Self.hitsPerClockCheck == 0, let deadline else { return true }
      return ContinuousClock.now < deadline
    }
    if !scannedAll {
      noteTimeLimit()
      return []
    }
    if hits.isEmpty { return [] }
    let ruleCount = rules.rules.count
    for hit in hits where hit.pattern >= ruleCount {
      triggered.append((Decoding.triggers[hit.pattern - ruleCount].encoding, hit.end))
    }

    var found: [(rule: Int, secret: Range<Int>, whole: Range<Int>)] = []
    // Hyperscan reports every end of a variable-length match; confirm once per stretch.
    var confirmedUpTo = [Int](repeating: 0, count: ruleCount)
    var confirmations = 0
    for hit in hits where hit.pattern < ruleCount {
      let rule = hit.pattern
      guard hit.end > confirmedUpTo[rule] else { continue }
      // The clock is read before the first confirmation and then every few: a read per hit cost
      // a few per cent on a history with many generic-rule hits.
      defer { confirmations += 1 }
      guard confirmations % Self.confirmationsPerClockCheck != 0 || !stopsAtDeadline() else { break }
      let window = rules.windows[rule]
      let limit = min(content.count, hit.end + window)
      // The subject starts at 0 so that look-behind (`\b`) sees the byte before the window.
      let subject = UnsafeRawBufferPointer(rebasing: content[0..<limit])
      var start = max(confirmedUpTo[rule], hit.end - window)
      var covered = hit.end
      // A PCRE2 failure (its match limit, on a user's rule that backtracks badly) leaves this hit
      // unconfirmed and says so; the other hits are still confirmed.
      do throws(RegexError) {
        while start < hit.end,
          let groups = try rules.confirmers[rule].firstMatch(in: subject, from: start, using: &matchData)
        {
          guard let whole = groups[0], whole.lowerBound < hit.end else { break }
          let secretGroup = rules.rules[rule].secretGroup
          if let secret = groups[secretGroup], !secret.isEmpty,
            try accepts(rule: rule, secret: secret, whole: whole, in: content)
          {
            found.append((rule, secret, whole))
          }
          covered = max(covered, whole.upperBound)
          start = whole.isEmpty ? whole.lowerBound + 1 : whole.upperBound
        }
      } catch {
        unfinished = unfinished ?? "rule \(rules.rules[rule].id) could not check a candidate at byte \(hit.end): \(error)"
      }
      confirmedUpTo[rule] = covered
    }
    found.sort { ($0.secret.lowerBound, $0.rule) < ($1.secret.lowerBound, $1.rule) }
    dropGenericMatchesSpecificRulesOwn(&found, in: content)

    var position = TextPosition()
    return found.map { match in
      position.advance(to: match.secret.lowerBound, in: content)
      let lines = MatchChecks.lines(around: match.whole, extra: 0, in: content)
      return RawMatch(
        ruleIndex: match.rule, secretRange: match.secret,
        secret: String(decoding: UnsafeRawBufferPointer(rebasing: content[match.secret]), as: UTF8.self),
        line: position.line, column: position.column,
        inlineAllow: InlineAllow.parse(UnsafeRawBufferPointer(rebasing: content[lines])))
    }
  }

  /// True, and `unfinished` says why, once the time limit has passed.
  private mutating func stopsAtDeadline() -> Bool {
    guard let deadline, ContinuousClock.now >= deadline else { return false }
    noteTimeLimit()
    return true
  }

  private mutating func noteTimeLimit() {
    guard let timeLimit else { return }
    unfinished = unfinished ?? "scanning stopped after \(Self.seconds(timeLimit)) (--max-object-seconds): the rest "
      + "of this content was not checked; raise the limit to scan it whole"
  }

  /// "60 s", "0.5 s".
  static func seconds(_ duration: Duration) -> String {
    let (whole, attoseconds) = duration.components
    guard attoseconds != 0 else { return "\(whole) s" }
    let value = Double(whole) + Double(attoseconds) / 1e18
    return String(format: "%g s", value)
  }

  /// A generic rule's match is dropped when a specific rule matched overlapping text, or when the
  /// value starts with a prefix a specific rule claims (that rule judged it, and said no).
  private func dropGenericMatchesSpecificRulesOwn(
    _ found: inout [(rule: Int, secret: Range<Int>, whole: Range<Int>)], in content: UnsafeRawBufferPointer
  ) {
    let rules = self.rules
    guard found.contains(where: { rules.rules[$0.rule].isGeneric }) else { return }
    let specific = found.filter { !rules.rules[$0.rule].isGeneric }.map(\.secret)
    found.removeAll { match in
      guard rules.rules[match.rule].isGeneric else { return false }
      if specific.contains(where: { $0.overlaps(match.secret) }) { return true }
      let secret = UnsafeRawBufferPointer(rebasing: content[match.secret])
      return rules.claimedPrefixes.contains { prefix in
        prefix.count <= secret.count && prefix.indices.allSatisfy { secret[$0] == prefix[$0] }
      }
    }
  }

  /// Whether a confirmed match passes its rule's checks and is not a placeholder.
  private mutating func accepts(
    rule: Int, secret: Range<Int>, whole: Range<Int>, in content: UnsafeRawBufferPointer
  ) throws(RegexError) -> Bool {
    let checks = rules.checks[rule]
    let secretBytes = UnsafeRawBufferPointer(rebasing: content[secret])
    if let minimum = checks.minEntropy, MatchChecks.entropy(secretBytes) < minimum { return false }
    if MatchChecks.isPlaceholder(secretBytes) { return false }
    if MatchChecks.continuesAsTemplate(content, after: secret.upperBound) { return false }
    if !checks.keywords.isEmpty {
      let line = UnsafeRawBufferPointer(rebasing: content[MatchChecks.lines(around: whole, extra: 0, in: content)])
      guard checks.keywords.contains(where: { MatchChecks.contains(line, $0, caseInsensitive: true) }) else {
        return false
      }
    }
    if let context = checks.context {
      let window = MatchChecks.lines(around: whole, extra: checks.contextLines, in: content)
      let subject = UnsafeRawBufferPointer(rebasing: content[window])
      guard try context.firstMatch(in: subject, from: 0, using: &matchData) != nil else { return false }
    }
    return true
  }
}

/// Line and column of a byte offset, advanced forward through the content without rescanning.
struct TextPosition {
  private(set) var offset = 0
  private(set) var line = 1
  private var lineStart = 0

  /// The column, in Unicode scalars from the line's start, 1-based.
  var column: Int { _column }
  private var _column = 1

  mutating func advance(to target: Int, in content: UnsafeRawBufferPointer) {
    precondition(target >= offset, "positions are computed in increasing order")
    var index = offset
    while index < target {
      if content[index] == 0x0A {
        line += 1
        lineStart = index + 1
      }
      index += 1
    }
    offset = target
    // UTF-8 continuation bytes (10xxxxxx) do not start a scalar.
    var scalars = 0
    for byteIndex in lineStart..<target where content[byteIndex] & 0xC0 != 0x80 { scalars += 1 }
    _column = scalars + 1
  }
}
