import Foundation

/// `.keygateignore`: secrets a team has reviewed and accepted, by fingerprint.
///
/// One entry per line: a secret's SHA-256 fingerprint (64 hexadecimal digits, as reports print
/// it), optionally followed by a path glob that narrows it to some files; `#` starts a comment,
/// which is kept as the reason.
///
/// ```
/// # test fixture key, revoked 2026-10-01
/// 3f1c…e9a0  tests/fixtures/**   # revoked, kept for the parser tests
/// ```
public struct IgnoreFile: Sendable {
  public struct Entry: Sendable {
    public let fingerprint: String
    public let path: PathGlob?
    public let reason: String?
    public let location: SourceLocation
  }

  public static let defaultName = ".keygateignore"

  public let path: String
  public let entries: [Entry]

  /// Reads `path`.
  /// - Throws: `ConfigError` at the first malformed line.
  public static func load(path: String) throws(ConfigError) -> IgnoreFile {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(at: nil, "\(path): cannot read the ignore file")
    }
    return try IgnoreFile(text: String(decoding: data, as: UTF8.self), path: path)
  }

  init(text: String, path: String) throws(ConfigError) {
    self.path = path
    var entries: [Entry] = []
    var pendingReason: String?
    // "\r\n" is one Character in Swift: normalise line ends before splitting.
    let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
    for (index, rawLine) in normalized.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = Substring(rawLine)
      var comment: String?
      if let hash = line.firstIndex(of: "#") {
        comment = String(line[line.index(after: hash)...]).trimmingCharacters(in: .whitespaces)
        line = line[..<hash]
      }
      let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
      guard let first = fields.first else {
        // A comment on its own line is the reason for the entries below it, up to a blank line.
        pendingReason = comment.flatMap { $0.isEmpty ? nil : $0 } ?? (rawLine.isEmpty ? nil : pendingReason)
        continue
      }
      let column = rawLine.distance(from: rawLine.startIndex, to: first.startIndex) + 1
      let location = SourceLocation(file: path, line: index + 1, column: column)
      let fingerprint = first.lowercased()
      guard fingerprint.count == 64, fingerprint.allSatisfy(\.isHexDigit) else {
        throw ConfigError(
          at: location,
          "expected a secret fingerprint (64 hexadecimal digits, as in keygate's reports), found `\(first)`")
      }
      guard fields.count <= 2 else {
        let extra = fields[2]
        throw ConfigError(
          at: SourceLocation(file: path, line: index + 1, column: rawLine.distance(from: rawLine.startIndex, to: extra.startIndex) + 1),
          "expected at most a fingerprint and a path glob; start a reason with `#`")
      }
      var glob: PathGlob?
      if fields.count == 2 {
        do {
          glob = try PathGlob(String(fields[1]))
        } catch {
          throw ConfigError(at: location, error.description)
        }
      }
      entries.append(
        Entry(fingerprint: fingerprint, path: glob, reason: comment.flatMap { $0.isEmpty ? nil : $0 } ?? pendingReason, location: location))
    }
    self.entries = entries
  }

  /// The entry that covers a finding of `fingerprint` at `path`, if any.
  public func entry(fingerprint: String, path: String) -> Entry? {
    entries.first { $0.fingerprint == fingerprint && ($0.path?.matches(path) ?? true) }
  }
}
