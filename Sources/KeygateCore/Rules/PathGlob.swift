/// A path pattern as in `.gitignore`: `*` matches within one path segment, `**` across
/// segments, `?` one character. A pattern without `/` matches a file name at any depth.
public struct PathGlob: Sendable, Hashable, CustomStringConvertible {
  public let pattern: String
  private let segments: [Substring]
  private let matchesBaseName: Bool

  public struct Error: Swift.Error, CustomStringConvertible {
    public let description: String
  }

  public init(_ pattern: String) throws(Error) {
    guard !pattern.isEmpty else { throw Error(description: "an empty path pattern matches nothing") }
    self.pattern = pattern
    var trimmed = Substring(pattern)
    if trimmed.hasPrefix("/") { trimmed = trimmed.dropFirst() }
    matchesBaseName = !pattern.contains("/")
    segments = trimmed.split(separator: "/", omittingEmptySubsequences: true)
    guard !segments.isEmpty else { throw Error(description: "the path pattern `\(pattern)` has no file name part") }
  }

  public var description: String { pattern }

  /// Whether `path` (relative, `/`-separated) matches.
  public func matches(_ path: String) -> Bool {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    if matchesBaseName, let last = parts.last { return Self.segmentMatches(Array(segments[0].utf8), Array(last.utf8)) }
    return Self.match(segments[...], parts[...])
  }

  private static func match(_ pattern: ArraySlice<Substring>, _ path: ArraySlice<Substring>) -> Bool {
    guard let head = pattern.first else { return path.isEmpty }
    if head == "**" {
      let rest = pattern.dropFirst()
      // `**` takes zero or more whole segments; a trailing `**` takes everything below (at least
      // one segment: `docs/**` is what is inside docs, not a file named docs).
      if rest.isEmpty { return !path.isEmpty }
      var remaining = path
      while true {
        if match(rest, remaining) { return true }
        guard !remaining.isEmpty else { return false }
        remaining = remaining.dropFirst()
      }
    }
    guard let first = path.first, segmentMatches(Array(head.utf8), Array(first.utf8)) else { return false }
    return match(pattern.dropFirst(), path.dropFirst())
  }

  /// `*` and `?` within one segment, by bytes.
  static func segmentMatches(_ pattern: [UInt8], _ text: [UInt8]) -> Bool {
    var p = 0
    var t = 0
    var starP = -1
    var starT = 0
    while t < text.count {
      if p < pattern.count, pattern[p] == UInt8(ascii: "?") || pattern[p] == text[t] {
        p += 1
        t += 1
      } else if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
        starP = p
        starT = t
        p += 1
      } else if starP >= 0 {
        p = starP + 1
        starT += 1
        t = starT
      } else {
        return false
      }
    }
    while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }
}
