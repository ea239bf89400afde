import Foundation
import KeygateRegex
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// The on-disk cache of compiled Hyperscan databases: it can make keygate faster, never change
/// what it finds.
@Suite struct DatabaseCacheTests {
  static func ruleFile(prefix: String) -> String {
    """
    version: 1
    rules:
      - id: \(prefix)-token
        name: \(prefix) token
        provider: \(prefix)
        severity: high
        description: d
        remediation: r
        pattern: '\\b(\(prefix)_[A-Za-z0-9]{24})\\b'
        references: [https://example.com/\(prefix)]
        examples: ['t = \(prefix)_${alnum:24}', '\(prefix)_${alnum:24}']
        negative_examples: ['\(prefix)_short']
    """
  }

  static let acme = try! RuleSet.load([(path: "acme.yml", contents: ruleFile(prefix: "acme"))])
  static let beta = try! RuleSet.load([(path: "beta.yml", contents: ruleFile(prefix: "beta"))])

  static let key = "acme_" + TestKeys.random(24, seed: 400, urlSafe: false)
  static let text = "first line\ntoken = \(key)\n"

  /// The secrets `rules` find in `text`, with line and column.
  static func found(_ rules: CompiledRules) throws -> [String] {
    var matcher = try Matcher(rules: rules)
    return try Array(text.utf8).withUnsafeBytes { try matcher.matches(in: $0) }.map { "\($0.secret)@\($0.line):\($0.column)" }
  }

  static var expected: [String] { ["\(key)@2:9"] }

  static func cacheFiles(_ folder: TemporaryGitRepository) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".hsdb") }.sorted()
  }

  /// A fresh cache folder, filled by one compile of `acme`; the path of its one file.
  static func filledCache() throws -> (folder: TemporaryGitRepository, cache: DatabaseCache, file: String) {
    let folder = try TemporaryGitRepository(initialise: false)
    let cache = DatabaseCache(directory: folder.path)
    let first = try CompiledRules(acme, cache: cache)
    #expect(first.databaseSource == .compiled)
    let files = try cacheFiles(folder)
    #expect(files.count == 1)
    return (folder, cache, folder.path + "/" + (files.first ?? "missing"))
  }

  @Test func firstRunCompilesAndWritesSecondReadsTheCache() throws {
    let (folder, cache, file) = try Self.filledCache()
    let bytes = try #require(FileManager.default.contents(atPath: file))
    #expect(bytes.starts(with: Data("keygate-hyperscan-cache 1\n".utf8)))
    #expect((file as NSString).lastPathComponent.count == 64 + ".hsdb".count)

    let second = try CompiledRules(Self.acme, cache: cache)
    #expect(second.databaseSource == .cache)
    #expect(try Self.found(second) == Self.expected)
    #expect(try Self.cacheFiles(folder).count == 1)

    let uncached = try CompiledRules(Self.acme)
    #expect(uncached.databaseSource == .compiled)
    #expect(try Self.found(uncached) == Self.expected)
  }

  @Test func missingFolderIsCreated() throws {
    let parent = try TemporaryGitRepository(initialise: false)
    let cache = DatabaseCache(directory: parent.path + "/a/b/keygate")
    #expect(try CompiledRules(Self.acme, cache: cache).databaseSource == .compiled)
    #expect(try CompiledRules(Self.acme, cache: cache).databaseSource == .cache)
  }

  enum Damage: String, CaseIterable, Sendable {
    case empty, truncatedHeader, truncatedPayload, flippedPayloadByte, garbageHeader, wrongMagic, extraByte
  }

  @Test(arguments: Damage.allCases)
  func corruptFileFallsBackToCompilingAndIsRewritten(damage: Damage) throws {
    let (folder, cache, file) = try Self.filledCache()
    var bytes = [UInt8](try #require(FileManager.default.contents(atPath: file)))
    let newline = try #require(bytes.indices.dropFirst(26).first { bytes[$0] == 0x0A })
    switch damage {
    case .empty: bytes = []
    case .truncatedHeader: bytes = Array(bytes[..<(newline - 5)])
    case .truncatedPayload: bytes = Array(bytes[..<(newline + 1 + (bytes.count - newline - 1) / 2)])
    case .flippedPayloadByte: bytes[newline + 1 + (bytes.count - newline - 1) / 2] ^= 0x5A
    case .garbageHeader: bytes = Array("keygate-hyperscan-cache 1\n".utf8) + Array("{not json\n".utf8) + bytes[(newline + 1)...]
    case .wrongMagic: bytes[0] ^= 0x20
    case .extraByte: bytes.append(0)
    }
    try Data(bytes).write(to: URL(fileURLWithPath: file))

    let rules = try CompiledRules(Self.acme, cache: cache)
    #expect(rules.databaseSource == .compiled)
    #expect(try Self.found(rules) == Self.expected)
    // Rewritten: the next run reads it again.
    #expect(try Self.cacheFiles(folder).count == 1)
    let next = try CompiledRules(Self.acme, cache: cache)
    #expect(next.databaseSource == .cache)
    #expect(try Self.found(next) == Self.expected)
  }

  @Test func differentRuleSetsHaveDifferentKeys() throws {
    let (folder, cache, file) = try Self.filledCache()
    let other = try CompiledRules(Self.beta, cache: cache)
    #expect(other.databaseSource == .compiled)
    let files = try Self.cacheFiles(folder)
    #expect(files.count == 2)
    #expect(files.contains((file as NSString).lastPathComponent))
    // The other rule set's database does not find this set's keys, and vice versa.
    #expect(try Self.found(other).isEmpty)
    #expect(try CompiledRules(Self.beta, cache: cache).databaseSource == .cache)
    #expect(try Self.found(CompiledRules(Self.acme, cache: cache)) == Self.expected)
  }

  @Test func caseInsensitivityIsPartOfTheKey() throws {
    let (folder, cache, _) = try Self.filledCache()
    let insensitive = try RuleSet.load([
      (
        path: "acme.yml",
        contents: Self.ruleFile(prefix: "acme").replacingOccurrences(of: "severity: high", with: "severity: high\n    case_insensitive: true")
      )
    ])
    #expect(insensitive.rules[0].caseInsensitive)
    let rules = try CompiledRules(insensitive, cache: cache)
    #expect(rules.databaseSource == .compiled)
    #expect(try Self.cacheFiles(folder).count == 2)
    let upper = "ACME_" + Self.key.dropFirst(5)
    var matcher = try Matcher(rules: rules)
    let found = try Array("k=\(upper)".utf8).withUnsafeBytes { try matcher.matches(in: $0) }.map(\.secret)
    #expect(found == [upper])
  }

  @Test func keyDependsOnPatternsFlagsAndOrder() {
    let a = PatternSpecs.make(["a+", "b+"])
    #expect(DatabaseCache.key(for: a) == DatabaseCache.key(for: PatternSpecs.make(["a+", "b+"])))
    #expect(DatabaseCache.key(for: a) != DatabaseCache.key(for: PatternSpecs.make(["b+", "a+"])))
    #expect(DatabaseCache.key(for: a) != DatabaseCache.key(for: PatternSpecs.make(["a+", "b+"], caseInsensitive: true)))
    #expect(DatabaseCache.key(for: a) != DatabaseCache.key(for: PatternSpecs.make(["a+", "b+", "c"])))
    #expect(DatabaseCache.key(for: a) != DatabaseCache.key(for: [PatternSpec(expression: "a+", singleMatch: true), PatternSpec(expression: "b+")]))
    #expect(DatabaseCache.key(for: a).count == 64)
  }

  enum PatternSpecs {
    static func make(_ expressions: [String], caseInsensitive: Bool = false) -> [PatternSpec] {
      expressions.map { PatternSpec(expression: $0, caseInsensitive: caseInsensitive) }
    }
  }

  @Test func unwritableFolderStillScans() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("not-a-folder", "a file where the cache folder should be\n")
    let cache = DatabaseCache(directory: folder.path + "/not-a-folder")
    let rules = try CompiledRules(Self.acme, cache: cache)
    #expect(rules.databaseSource == .compiled)
    #expect(try Self.found(rules) == Self.expected)
    #expect(try CompiledRules(Self.acme, cache: cache).databaseSource == .compiled)
  }

  // MARK: - userDefault(environment:)

  @Test func keygateCacheDirWins() {
    let cache = DatabaseCache.userDefault(environment: [
      "KEYGATE_CACHE_DIR": "/var/cache/kg", "XDG_CACHE_HOME": "/xdg", "HOME": "/home/ada",
    ])
    #expect(cache?.directory == "/var/cache/kg")
  }

  @Test(arguments: ["off", ""])
  func keygateCacheDirOffOrEmptyDisablesTheCache(value: String) {
    #expect(DatabaseCache.userDefault(environment: ["KEYGATE_CACHE_DIR": value, "XDG_CACHE_HOME": "/xdg", "HOME": "/home/ada"]) == nil)
  }

  @Test func xdgCacheHomeIsUsedWhenAbsolute() {
    #expect(DatabaseCache.userDefault(environment: ["XDG_CACHE_HOME": "/xdg", "HOME": "/home/ada"])?.directory == "/xdg/keygate")
    #expect(DatabaseCache.userDefault(environment: ["XDG_CACHE_HOME": "/xdg"])?.directory == "/xdg/keygate")
  }

  @Test func homeIsTheFallback() {
    #if os(macOS)
      let expected = "/home/ada/Library/Caches/keygate"
    #else
      let expected = "/home/ada/.cache/keygate"
    #endif
    #expect(DatabaseCache.userDefault(environment: ["HOME": "/home/ada"])?.directory == expected)
    // A relative XDG_CACHE_HOME is invalid (XDG base directory spec) and ignored.
    #expect(DatabaseCache.userDefault(environment: ["XDG_CACHE_HOME": "cache", "HOME": "/home/ada"])?.directory == expected)
  }

  @Test func noHomeMeansNoCache() {
    #expect(DatabaseCache.userDefault(environment: [:]) == nil)
    #expect(DatabaseCache.userDefault(environment: ["HOME": ""]) == nil)
  }
}
