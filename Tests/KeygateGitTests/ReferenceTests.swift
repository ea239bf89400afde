import KeygateGit
import KeygateTestSupport
import Testing

@Suite struct ReferenceTests {
  func tips(_ repo: TemporaryGitRepository) throws -> [String: ReferenceTip] {
    let (tips, failures) = try openRepository(repo).referenceTips()
    #expect(failures.isEmpty, "unexpected failures: \(failures.map(\.name))")
    return Dictionary(tips.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  @Test func branchesAreTips() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    try repo.git(["checkout", "-q", "-b", "feature/llm"])
    try repo.commit("Feature", files: ["b.txt": "b\n"])
    try repo.git(["checkout", "-q", "main"])

    let tips = try tips(repo)
    #expect(tips["refs/heads/main"]?.target == (try repo.objectID("main")))
    #expect(tips["refs/heads/feature/llm"]?.target == (try repo.objectID("feature/llm")))
    #expect(tips["refs/heads/main"]?.kind == .commit)
    // HEAD is on a branch, so it adds nothing of its own.
    #expect(tips["HEAD"] == nil)
    #expect(tips.count == 2)
  }

  @Test func annotatedAndLightweightTagsArePeeledToTheirCommit() throws {
    let repo = try TemporaryGitRepository()
    let first = try repo.commit("First", files: ["a.txt": "1\n"])
    try repo.git(["tag", "-a", "v1.0", "-m", "Release 1.0"])
    try repo.commit("Second", files: ["a.txt": "2\n"])
    try repo.git(["tag", "v2.0-light"])

    let tips = try tips(repo)
    let annotated = try #require(tips["refs/tags/v1.0"])
    #expect(annotated.target.hex == first)
    #expect(annotated.kind == .commit)
    // The tag object itself is not the target: the peeled commit is.
    #expect(annotated.target != (try repo.objectID("refs/tags/v1.0")))
    let lightweight = try #require(tips["refs/tags/v2.0-light"])
    #expect(lightweight.target == (try repo.objectID("HEAD")))
    #expect(lightweight.kind == .commit)
  }

  @Test func tagOfABlobIsATipOfKindBlob() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["key.txt": "kept aside\n"])
    let blob = try repo.objectID("HEAD:key.txt")
    try repo.git(["tag", "-a", "blob-tag", "-m", "a blob", blob.hex])

    let tip = try #require(try tips(repo)["refs/tags/blob-tag"])
    #expect(tip.target == blob)
    #expect(tip.kind == .blob)
  }

  @Test func tagOfATreeIsATipOfKindTree() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["dir/a.txt": "a\n"])
    let tree = try repo.objectID("HEAD:dir")
    try repo.git(["tag", "tree-tag", tree.hex])

    let tip = try #require(try tips(repo)["refs/tags/tree-tag"])
    #expect(tip.target == tree)
    #expect(tip.kind == .tree)
  }

  @Test func stashAndOlderStashEntriesAreTips() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "print('hi')\n"])
    try repo.write("app.py", "first stash\n")
    try repo.git(["stash", "-q"])
    try repo.write("app.py", "second stash\n")
    try repo.git(["stash", "-q"])
    try repo.write("app.py", "third stash\n")
    try repo.git(["stash", "-q"])

    let tips = try tips(repo)
    #expect(tips["refs/stash"]?.target == (try repo.objectID("stash@{0}")))
    #expect(tips["refs/stash@{1}"]?.target == (try repo.objectID("stash@{1}")))
    #expect(tips["refs/stash@{2}"]?.target == (try repo.objectID("stash@{2}")))
    #expect(tips["refs/stash@{1}"]?.kind == .commit)
    #expect(tips["refs/stash@{3}"] == nil)
    #expect(
      Set([tips["refs/stash"]?.target, tips["refs/stash@{1}"]?.target, tips["refs/stash@{2}"]?.target]).count == 3)
  }

  @Test func singleStashHasNoOlderEntries() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "print('hi')\n"])
    try repo.write("app.py", "stashed\n")
    try repo.git(["stash", "-q"])

    let names = try tips(repo).keys.sorted()
    #expect(names == ["refs/heads/main", "refs/stash"])
  }

  @Test func detachedHEADIsATip() throws {
    let repo = try TemporaryGitRepository()
    let first = try repo.commit("First", files: ["a.txt": "1\n"])
    try repo.commit("Second", files: ["a.txt": "2\n"])
    try repo.git(["checkout", "-q", "--detach", first])
    let detached = try repo.commit("Only reachable from HEAD", files: ["a.txt": "3\n"])

    let head = try #require(try tips(repo)["HEAD"])
    #expect(head.target.hex == detached)
    #expect(head.kind == .commit)
  }

  @Test func danglingReferenceIsAFailureThatHidesNothingElse() throws {
    let repo = try TemporaryGitRepository()
    let sha = try repo.commit("Initial", files: ["a.txt": "a\n"])
    try repo.write(".git/refs/heads/broken", "0123456789abcdef0123456789abcdef01234567\n")

    let (tips, failures) = try openRepository(repo).referenceTips()
    #expect(tips.map(\.name) == ["refs/heads/main"])
    #expect(tips.first?.target.hex == sha)
    #expect(failures.map(\.name) == ["refs/heads/broken"])
    #expect(failures.first?.error.isNotFound == true)
  }

  @Test func emptyRepositoryHasNoTips() throws {
    let repo = try TemporaryGitRepository()
    let (tips, failures) = try openRepository(repo).referenceTips()
    #expect(tips.isEmpty)
    #expect(failures.isEmpty)
  }
}
