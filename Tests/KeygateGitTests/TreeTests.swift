import Foundation
import KeygateGit
import KeygateTestSupport
import Testing

@Suite struct TreeTests {
  @Test func entriesHaveTheirKindsAndIDs() throws {
    let repo = try TemporaryGitRepository()
    try repo.write("file.txt", "plain\n")
    try repo.write("run.sh", "#!/bin/sh\necho hi\n")
    try repo.git(["update-index", "--add", "--chmod=+x", "run.sh"])
    try repo.write("dir/nested.txt", "nested\n")
    try repo.git(["add", "file.txt", "dir/nested.txt"])
    try FileManager.default.createSymbolicLink(atPath: repo.path + "/link", withDestinationPath: "file.txt")
    try repo.git(["add", "link"])
    // A submodule is written straight into the index: its commit need not exist here.
    let submodule = "0123456789abcdef0123456789abcdef01234567"
    try repo.git(["update-index", "--add", "--cacheinfo", "160000,\(submodule),sub"])
    try repo.git(["commit", "-q", "-m", "All kinds"])

    let repository = try openRepository(repo)
    let entries = try repository.treeEntries(try repo.objectID("HEAD^{tree}"))
    let byName = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0) })
    #expect(entries.map(\.name) == ["dir", "file.txt", "link", "run.sh", "sub"])
    #expect(byName["file.txt"]?.kind == .file)
    #expect(byName["run.sh"]?.kind == .file)
    #expect(byName["dir"]?.kind == .tree)
    #expect(byName["link"]?.kind == .symlink)
    #expect(byName["sub"]?.kind == .submodule)
    #expect(byName["sub"]?.id.hex == submodule)
    for name in ["file.txt", "run.sh", "dir", "link"] {
      #expect(byName[name]?.id == (try repo.objectID("HEAD:\(name)")), "\(name)")
    }

    let nested = try repository.treeEntries(try #require(byName["dir"]).id)
    #expect(nested.map(\.name) == ["nested.txt"])
    #expect(nested.first?.id == (try repo.objectID("HEAD:dir/nested.txt")))
  }

  @Test func nonUTF8FileNameIsShownWithItsBytesEscaped() throws {
    let repo = try TemporaryGitRepository()
    // "café.txt" in Latin-1: the 0xE9 byte is not UTF-8, and git stores names as bytes.
    let path =
      Array((repo.path + "/caf").utf8CString.dropLast()) + [CChar(bitPattern: 0xE9)] + Array(".txt".utf8CString)
    let fd = open(path, O_CREAT | O_WRONLY, 0o644)
    try #require(fd >= 0)
    close(fd)
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-q", "-m", "Latin-1 name"])

    let entries = try openRepository(repo).treeEntries(try repo.objectID("HEAD^{tree}"))
    #expect(entries.map(\.name) == ["caf\\xE9.txt"])
  }

  @Test func missingTreeThrowsNotFound() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    let missing = try #require(ObjectID(hex: "0123456789abcdef0123456789abcdef01234567"))
    let error = try #require(throws: GitError.self) { try openRepository(repo).treeEntries(missing) }
    #expect(error.isNotFound)
  }
}
