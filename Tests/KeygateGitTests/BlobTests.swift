import Foundation
import KeygateGit
import KeygateTestSupport
import Testing

@Suite struct BlobTests {
  @Test func contentsAreTheExactBytes() throws {
    let repo = try TemporaryGitRepository()
    // Every byte value, NULs and invalid UTF-8 included, and no trailing newline.
    let bytes = (0..<512).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) } + [0, 0xFF, 0xC3]
    try repo.write("binary.bin", bytes: bytes)
    try repo.write("text.txt", "line one\r\nline two\n")
    try repo.write("empty", "")
    try repo.commit("Blobs")

    let repository = try openRepository(repo)
    let binary = try repository.withBlobContents(try repo.objectID("HEAD:binary.bin")) { Array($0) }
    #expect(binary == bytes)
    let text = try repository.withBlobContents(try repo.objectID("HEAD:text.txt")) { Array($0) }
    #expect(text == Array("line one\r\nline two\n".utf8))
    let empty = try repository.withBlobContents(try repo.objectID("HEAD:empty")) { $0.count }
    #expect(empty == 0)
  }

  @Test func packedBlobIsRead() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "packed contents\n"])
    try repo.git(["gc", "-q", "--prune=now"])
    let id = try repo.objectID("HEAD:a.txt")
    #expect(!FileManager.default.fileExists(atPath: Self.loosePath(of: id, in: repo)))

    let text = try openRepository(repo).withBlobContents(id) { String(decoding: $0, as: UTF8.self) }
    #expect(text == "packed contents\n")
  }

  @Test func missingObjectThrowsNotFound() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "about to disappear\n"])
    let id = try repo.objectID("HEAD:a.txt")
    try FileManager.default.removeItem(atPath: Self.loosePath(of: id, in: repo))

    let error = try #require(throws: GitError.self) {
      try openRepository(repo).withBlobContents(id) { $0.count }
    }
    #expect(error.isNotFound)
    #expect(error.function == "git_odb_read")
  }

  @Test func treeIsNotABlob() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    let tree = try repo.objectID("HEAD^{tree}")
    let error = try #require(throws: GitError.self) {
      try openRepository(repo).withBlobContents(tree) { $0.count }
    }
    #expect(error.message == "object \(tree.hex) is not a blob")
  }

  @Test func manyReadsThroughOneRepository() throws {
    let repo = try TemporaryGitRepository()
    var files: [String: String] = [:]
    for index in 0..<50 { files["file\(index).txt"] = "contents of file \(index)\n" }
    try repo.commit("Many", files: files)

    let repository = try openRepository(repo)
    for index in 0..<50 {
      let text = try repository.withBlobContents(try repo.objectID("HEAD:file\(index).txt")) {
        String(decoding: $0, as: UTF8.self)
      }
      #expect(text == "contents of file \(index)\n")
    }
  }

  static func loosePath(of id: ObjectID, in repo: TemporaryGitRepository) -> String {
    "\(repo.path)/.git/objects/\(id.hex.prefix(2))/\(id.hex.dropFirst(2))"
  }
}
