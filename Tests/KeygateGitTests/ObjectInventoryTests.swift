import Foundation
@testable import KeygateGit
import KeygateTestSupport
import Testing

/// The object database listed in pack order, checked against git's own listing.
@Suite struct ObjectInventoryTests {
  /// A history where later versions of files are stored as deltas of earlier ones.
  func historyWithDeltas() throws -> TemporaryGitRepository {
    let repo = try TemporaryGitRepository()
    var text = (0..<400).map { "line \($0) of a file that changes a little each commit" }
    for round in 0..<6 {
      text[round * 50] = "changed in round \(round)"
      try repo.commit("Round \(round)", files: ["src/big.txt": text.joined(separator: "\n"), "src/r\(round).txt": "round \(round)\n"])
    }
    return repo
  }

  /// git's own list of the blobs and trees in the object database.
  func gitObjects(_ repo: TemporaryGitRepository, type: String) throws -> Set<String> {
    let listing = try repo.git(["cat-file", "--batch-all-objects", "--batch-check=%(objecttype) %(objectname)"])
    return Set(listing.split(separator: "\n").filter { $0.hasPrefix(type + " ") }.map { String($0.dropFirst(type.count + 1)) })
  }

  func inventory(_ repo: TemporaryGitRepository) throws -> ObjectInventory {
    try openRepository(repo).objectInventory()
  }

  @Test func looseObjectsAreListed() throws {
    let repo = try historyWithDeltas()
    let listed = try inventory(repo)
    #expect(Set(listed.blobs.map(\.id.hex)) == (try gitObjects(repo, type: "blob")))
    #expect(Set(listed.trees.map(\.hex)) == (try gitObjects(repo, type: "tree")))
    #expect(listed.blobs.count == Set(listed.blobs.map(\.id)).count)
    #expect(listed.unreadable.isEmpty)
  }

  @Test(arguments: [
    ["repack", "-a", "-d", "-q", "-f"],  // deltas against an offset in the pack
    ["-c", "repack.useDeltaBaseOffset=false", "repack", "-a", "-d", "-q", "-f"],  // deltas against an object id
  ])
  func packedObjectsAreListedInPackOrderWithTheirTypes(repack: [String]) throws {
    let repo = try historyWithDeltas()
    try repo.git(repack)
    try repo.git(["prune-packed"])
    let verify = try repo.git(["verify-pack", "-v"] + (try packIndexes(repo)))
    #expect(verify.contains(" blob ") && verify.contains("chain length"), "the pack holds deltas")

    let listed = try inventory(repo)
    #expect(Set(listed.blobs.map(\.id.hex)) == (try gitObjects(repo, type: "blob")))
    #expect(Set(listed.trees.map(\.hex)) == (try gitObjects(repo, type: "tree")))
    // Pack order: git's --unordered listing is pack order too.
    let packOrder = try repo.git(["cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname)"])
      .split(separator: "\n").filter { $0.hasPrefix("blob ") }.map { String($0.dropFirst(5)) }
    #expect(listed.blobs.map(\.id.hex) == packOrder)
    // Sizes are given for whole objects and match git's.
    for blob in listed.blobs {
      guard let size = blob.size else { continue }
      #expect(String(size) == (try repo.git(["cat-file", "-s", blob.id.hex]).trimmingCharacters(in: .whitespacesAndNewlines)))
    }
    #expect(listed.blobs.contains { $0.size == nil }, "deltas leave the size to objectSize")
  }

  @Test func packedAndLooseObjectsAreEachListedOnce() throws {
    let repo = try historyWithDeltas()
    try repo.git(["gc", "-q"])
    try repo.commit("After the pack", files: ["late.txt": "written after gc\n"])
    let listed = try inventory(repo)
    #expect(Set(listed.blobs.map(\.id.hex)) == (try gitObjects(repo, type: "blob")))
    #expect(listed.blobs.count == Set(listed.blobs.map(\.id)).count)
  }

  @Test func borrowedObjectsOfASharedCloneAreListed() throws {
    let origin = try historyWithDeltas()
    try origin.git(["gc", "-q"])
    let clone = try TemporaryGitRepository(initialise: false)
    try clone.git(["clone", "-q", "--shared", origin.path, "."])
    let listed = try inventory(clone)
    #expect(Set(listed.blobs.map(\.id.hex)) == (try gitObjects(origin, type: "blob")))
  }

  @Test func aPackIndexKeygateDoesNotParseIsLeftToLibgit2() throws {
    let repo = try historyWithDeltas()
    try repo.git(["gc", "-q"])
    let expected = try gitObjects(repo, type: "blob")
    // Version 1 pack indexes are old but valid: keygate parses version 2 only, libgit2 both.
    let index = try #require(try packIndexes(repo).first)
    try FileManager.default.removeItem(atPath: index)
    try repo.git(["index-pack", "--index-version=1", index.replacingOccurrences(of: ".idx", with: ".pack")])
    let header = try #require(FileHandle(forReadingAtPath: index)?.readData(ofLength: 4))
    #expect(Array(header) != [0xff, 0x74, 0x4f, 0x63], "a version 1 index has no magic number")
    let listed = try inventory(repo)
    #expect(Set(listed.blobs.map(\.id.hex)) == expected)
    #expect(listed.unreadable.isEmpty)
  }

  func packIndexes(_ repo: TemporaryGitRepository) throws -> [String] {
    let directory = repo.path + "/.git/objects/pack"
    return try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".idx") }.map {
      directory + "/" + $0
    }
  }
}

/// Pack files are read by keygate's own code: damaged ones must never crash it.
@Suite struct PackLayoutDamageTests {
  @Test func damagedPackFilesAreRefusedOrReadNeverCrash() throws {
    let repo = try ObjectInventoryTests().historyWithDeltas()
    try repo.git(["gc", "-q"])
    let directory = repo.path + "/.git/objects/pack"
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".idx") })
    let index = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
    let pack = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name.replacingOccurrences(of: ".idx", with: ".pack")))
    #expect(PackLayout(indexPath: directory + "/" + name) != nil)

    let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-pack-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: scratch) }
    var generator = SystemRandomNumberGenerator()
    for round in 0..<300 {
      var damagedIndex = [UInt8](index)
      var damagedPack = [UInt8](pack)
      switch round % 4 {
      case 0: damagedIndex = Array(damagedIndex.prefix(Int.random(in: 0..<damagedIndex.count, using: &generator)))
      case 1: damagedPack = Array(damagedPack.prefix(Int.random(in: 0..<damagedPack.count, using: &generator)))
      default:
        for _ in 0..<Int.random(in: 1...8, using: &generator) {
          if Bool.random(using: &generator) {
            damagedIndex[Int.random(in: 0..<damagedIndex.count, using: &generator)] = .random(in: 0...255, using: &generator)
          } else {
            damagedPack[Int.random(in: 0..<damagedPack.count, using: &generator)] = .random(in: 0...255, using: &generator)
          }
        }
      }
      let base = scratch.appendingPathComponent("pack-\(round)").path
      try Data(damagedIndex).write(to: URL(fileURLWithPath: base + ".idx"))
      try Data(damagedPack).write(to: URL(fileURLWithPath: base + ".pack"))
      // Either refused (nil: libgit2 then reads the objects) or read with every entry in bounds.
      if let layout = PackLayout(indexPath: base + ".idx") {
        #expect(layout.entries.count <= index.count / 28)
      }
    }
  }
}
