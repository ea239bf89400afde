import Foundation
import KeygateRegex

/// Compiled Hyperscan databases kept on disk, so that a run does not pay to compile hundreds of
/// rules again: keyed by a hash of the patterns, their flags and the Hyperscan version.
///
/// A cache file that is missing, stale, truncated or corrupt is ignored (and rewritten); the
/// cache can only make keygate faster, never change what it finds.
public struct DatabaseCache: Sendable {
  /// The folder holding cache files.
  public let directory: String

  static let magic = Array("keygate-hyperscan-cache 1\n".utf8)

  public init(directory: String) { self.directory = directory }

  /// The user's cache folder: `$KEYGATE_CACHE_DIR`, else `$XDG_CACHE_HOME/keygate`, else
  /// `~/.cache/keygate` (`~/Library/Caches/keygate` on macOS); nil when `KEYGATE_CACHE_DIR` is
  /// set to `off` or no home folder is known.
  public static func userDefault(environment: [String: String] = ProcessInfo.processInfo.environment) -> DatabaseCache? {
    if let explicit = environment["KEYGATE_CACHE_DIR"] {
      return explicit == "off" || explicit.isEmpty ? nil : DatabaseCache(directory: explicit)
    }
    if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return DatabaseCache(directory: xdg + "/keygate") }
    guard let home = environment["HOME"], !home.isEmpty else { return nil }
    #if os(macOS)
      return DatabaseCache(directory: home + "/Library/Caches/keygate")
    #else
      return DatabaseCache(directory: home + "/.cache/keygate")
    #endif
  }

  /// The cache key of a database of `specs`.
  static func key(for specs: [PatternSpec]) -> String {
    var text = "hyperscan \(PatternDatabase.libraryVersion)\n"
    for spec in specs {
      text += "\(spec.caseInsensitive ? "i" : "-")\(spec.singleMatch ? "1" : "-") \(spec.expression.utf8.count) \(spec.expression)\n"
    }
    return SHA256.hexDigest(text)
  }

  func path(for key: String) -> String { "\(directory)/\(key).hsdb" }

  /// The cached database of `specs`, or nil when there is no usable one.
  func load(_ specs: [PatternSpec]) -> PatternDatabase? {
    guard let data = FileManager.default.contents(atPath: path(for: Self.key(for: specs))) else { return nil }
    let bytes = [UInt8](data)
    // magic, header line (JSON: widths, payload length and checksum), payload
    guard bytes.count > Self.magic.count, Array(bytes[..<Self.magic.count]) == Self.magic,
      let newline = bytes[Self.magic.count...].firstIndex(of: 0x0A)
    else { return nil }
    guard let header = try? JSONDecoder().decode(Header.self, from: Data(bytes[Self.magic.count..<newline])),
      header.widths.count == specs.count
    else { return nil }
    let payload = Array(bytes[(newline + 1)...])
    guard payload.count == header.length, Self.checksum(payload) == header.checksum else { return nil }
    return try? PatternDatabase(serialized: payload, widths: header.widths)
  }

  /// Writes `database` for `specs`; failures are ignored (a read-only home still scans).
  func store(_ database: PatternDatabase, for specs: [PatternSpec]) {
    guard let payload = try? database.serialized(),
      let header = try? JSONEncoder().encode(
        Header(widths: database.widths, length: payload.count, checksum: Self.checksum(payload)))
    else { return }
    var bytes = Self.magic
    bytes += header
    bytes.append(0x0A)
    bytes += payload
    try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    // Atomic: a concurrent run reads the old file or the new one, never half of one.
    try? Data(bytes).write(to: URL(fileURLWithPath: path(for: Self.key(for: specs))), options: .atomic)
  }

  struct Header: Codable {
    let widths: [PatternWidth]
    let length: Int
    let checksum: UInt64
  }

  /// FNV-1a over the payload: catches truncation and bit rot, cheaply.
  static func checksum(_ bytes: [UInt8]) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
    return hash
  }
}
