import Foundation
import KeygateTestSupport
import Testing

/// Repositories and folders in bad shape: keygate finishes, names what it could not read, exits
/// 2 when the verdict cannot be trusted (1 when it still found a key), never hangs, and never
/// reports fewer findings than a clean run on the readable part.
@Suite struct DamagedRepositoryTests {
  static func scan(_ path: String, _ options: [String] = []) throws -> (status: Int32, paths: [String], report: [String: Any]) {
    let result = try KeygateBinary.run(["scan", path, "--format", "json", "--quiet"] + options)
    let report = try #require(
      try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
    let paths = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    return (result.status, paths.sorted(), report)
  }

  static func errors(_ report: [String: Any]) -> [String] {
    (report["errors"] as? [[String: String]] ?? []).map { "\($0["subject"] ?? ""): \($0["message"] ?? "")" }
  }

  /// Calls `body` with `path` (bytes that need not be UTF-8) as a C string.
  static func withCPath<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    (path.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { body($0.baseAddress!) }
  }

  /// The loose object file of `path`'s blob in HEAD.
  static func looseObject(_ repo: TemporaryGitRepository, _ path: String) throws -> String {
    let id = try repo.git(["rev-parse", "HEAD:\(path)"]).trimmingCharacters(in: .whitespacesAndNewlines)
    return repo.path + "/.git/objects/\(id.prefix(2))/\(id.dropFirst(2))"
  }

  @Test func aCorruptLooseObjectIsNamedAndTheRestIsStillScanned() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Add", files: ["keys.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 991))\n", "notes.txt": "plain notes\n"])
    let object = try Self.looseObject(repo, "notes.txt")
    chmod(object, 0o644)
    try Data("not a zlib stream at all".utf8).write(to: URL(fileURLWithPath: object))

    let (status, paths, report) = try Self.scan(repo.path)
    #expect(status == 1, "a key was found: a fail is a fail")
    #expect(paths == ["keys.env"])
    #expect(report["complete"] as? Bool == false)
    #expect(!Self.errors(report).isEmpty)

    // Without a key, the damage alone: exit 2, and it says why.
    let damagedOnly = try TemporaryGitRepository()
    try damagedOnly.commit("Add", files: ["notes.txt": "plain notes\n", "more.txt": "more\n"])
    let other = try Self.looseObject(damagedOnly, "more.txt")
    chmod(other, 0o644)
    try Data().write(to: URL(fileURLWithPath: other))
    let (damagedStatus, _, damagedReport) = try Self.scan(damagedOnly.path)
    #expect(damagedStatus == 2)
    #expect(Self.errors(damagedReport).contains { $0.contains("more.txt") || $0.contains("blob") })
  }

  @Test func aCorruptPackIsNamedNotACrash() throws {
    let repo = try TemporaryGitRepository()
    for index in 0..<20 {
      try repo.commit("Commit \(index)", files: ["file-\(index).txt": String(repeating: "line \(index) of text\n", count: 200)])
    }
    try repo.commit("Key", files: ["keys.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 993))\n"])
    try repo.git(["gc", "-q", "--aggressive"])
    let packs = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/objects/pack").filter { $0.hasSuffix(".pack") }
    let pack = repo.path + "/.git/objects/pack/" + (try #require(packs.first))
    chmod(pack, 0o644)
    var bytes = try Data(contentsOf: URL(fileURLWithPath: pack))
    for offset in stride(from: bytes.count / 3, to: bytes.count / 3 + 400, by: 7) { bytes[offset] ^= 0x5A }
    try bytes.write(to: URL(fileURLWithPath: pack))

    let result = try KeygateBinary.run(["scan", repo.path, "--format", "json", "--quiet"])
    #expect(result.status == 1, "\(result.stderr)")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(report["complete"] as? Bool == false)
    // The key is in the working tree too: whatever the pack lost, it is still found there.
    let paths = (report["findings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
    #expect(paths.contains("keys.env"))
  }

  @Test func aTruncatedIndexIsNamedAndHistoryIsStillScanned() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Key", files: ["keys.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 995))\n"])
    let index = repo.path + "/.git/index"
    let bytes = try Data(contentsOf: URL(fileURLWithPath: index))
    try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: index))

    let (status, paths, report) = try Self.scan(repo.path)
    #expect(status == 1)
    #expect(paths.contains("keys.env"), "history still holds the key")
    #expect(Self.errors(report).contains { $0.contains("index") })
  }

  /// File names a shell or an argument parser would trip on, non-UTF-8 names and very deep
  /// paths: scanned like any other, in history and in a plain folder.
  @Test func strangeFileNamesAndDeepPaths() throws {
    let repo = try TemporaryGitRepository()
    let key = { (seed: UInt64) in "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: seed))\n" }
    let deep = (0..<120).map { "d\($0)" }.joined(separator: "/")
    try repo.commit("Odd names", files: ["-rf": key(1001), "--output": key(1002), "\(deep)/leaf.env": key(1003)])
    // A name that is not UTF-8.
    let raw: [UInt8] = Array(repo.path.utf8) + Array("/bad-".utf8) + [0xFF, 0xFE] + Array(".env".utf8)
    let descriptor = raw.withUnsafeBufferPointer { buffer -> Int32 in
      var cString = Array(buffer).map { CChar(bitPattern: $0) } + [0]
      return open(&cString, O_CREAT | O_WRONLY, 0o644)
    }
    #expect(descriptor >= 0)
    let content = Array(key(1004).utf8)
    _ = write(descriptor, content, content.count)
    close(descriptor)
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-q", "-m", "Not UTF-8"])

    let (status, paths, report) = try Self.scan(repo.path)
    #expect(status == 1)
    #expect(paths.contains("-rf") && paths.contains("--output") && paths.contains("\(deep)/leaf.env"))
    // A name that is not UTF-8 is shown with those bytes escaped.
    #expect(paths.contains("bad-\\xFF\\xFE.env"), "\(paths)")
    // libgit2 lists no work tree nested over 100 folders deep: history is read, and the report
    // says the working tree could not be (so the verdict is not a silent pass).
    #expect(Self.errors(report).allSatisfy { $0.contains("nesting too deep") }, "\(Self.errors(report))")

    // The same tree as a plain folder: every file read, the name that is not UTF-8 included,
    // shown with its bytes escaped.
    try FileManager.default.removeItem(atPath: repo.path + "/.git")
    // A folder whose name is not UTF-8, with a file in it.
    let folder = Array(repo.path.utf8) + Array("/dir-".utf8) + [0xC3]
    #expect(Self.withCPath(folder) { mkdir($0, 0o755) } == 0)
    let inner = folder + Array("/inner.env".utf8)
    let innerDescriptor = Self.withCPath(inner) { open($0, O_CREAT | O_WRONLY, 0o644) }
    #expect(innerDescriptor >= 0)
    let innerContent = Array(key(1005).utf8)
    _ = write(innerDescriptor, innerContent, innerContent.count)
    close(innerDescriptor)
    let plain = try Self.scan(repo.path)
    #expect(plain.paths == ["\(deep)/leaf.env", "--output", "-rf", "bad-\\xFF\\xFE.env", "dir-\\xC3/inner.env"].sorted(), "\(plain.paths)")
    #expect(plain.status == 1)
    #expect(Self.errors(plain.report).isEmpty, "\(Self.errors(plain.report))")
    #expect(plain.report["complete"] as? Bool == true)
  }

  /// A file whose name is not UTF-8, untracked or modified in the work tree: read by its bytes,
  /// not skipped as if it had been deleted.
  @Test func workTreeFilesWhoseNamesAreNotUTF8AreScanned() throws {
    let repo = try TemporaryGitRepository()
    let tracked = Array(repo.path.utf8) + Array("/old-".utf8) + [0xE9] + Array(".env".utf8)
    let untracked = Array(repo.path.utf8) + Array("/new-".utf8) + [0xFE] + Array(".env".utf8)
    func write(_ path: [UInt8], _ text: String) {
      let descriptor = Self.withCPath(path) { open($0, O_CREAT | O_TRUNC | O_WRONLY, 0o644) }
      #expect(descriptor >= 0)
      let bytes = Array(text.utf8)
      _ = Foundation.write(descriptor, bytes, bytes.count)
      close(descriptor)
    }
    write(tracked, "nothing yet\n")
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-q", "-m", "A Latin-1 name"])
    write(tracked, "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 1007))\n")
    write(untracked, "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 1008))\n")

    let (status, paths, report) = try Self.scan(repo.path)
    #expect(status == 1)
    #expect(paths == ["new-\\xFE.env", "old-\\xE9.env"])
    #expect(report["complete"] as? Bool == true, "\(Self.errors(report))")
  }

  /// Symbolic link loops, links out of the tree and a FIFO: listed, never followed, never read,
  /// no hang.
  @Test func linksAndSpecialFilesAreNotFollowed() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    let outside = try TemporaryGitRepository(initialise: false)
    try outside.write("secret.env", "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 1011))\n")
    try folder.write("app.env", "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 1012))\n")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/loop-a", withDestinationPath: "loop-b")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/loop-b", withDestinationPath: "loop-a")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/self", withDestinationPath: ".")
    try FileManager.default.createSymbolicLink(atPath: folder.path + "/escape", withDestinationPath: outside.path)
    try FileManager.default.createSymbolicLink(
      atPath: folder.path + "/escape.env", withDestinationPath: outside.path + "/secret.env")
    #expect(mkfifo(folder.path + "/pipe", 0o644) == 0)

    let (status, paths, _) = try Self.scan(folder.path)
    #expect(status == 1)
    #expect(paths == ["app.env"], "nothing outside the tree, nothing twice")

    // The same in a git work tree (untracked).
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "# app\n"])
    try FileManager.default.createSymbolicLink(atPath: repo.path + "/escape.env", withDestinationPath: outside.path + "/secret.env")
    try FileManager.default.createSymbolicLink(atPath: repo.path + "/loop-a", withDestinationPath: "loop-b")
    try FileManager.default.createSymbolicLink(atPath: repo.path + "/loop-b", withDestinationPath: "loop-a")
    #expect(mkfifo(repo.path + "/pipe", 0o644) == 0)
    let inRepository = try Self.scan(repo.path)
    #expect(inRepository.status == 0, "the link's target text is scanned, never the file it points to")
  }
}
