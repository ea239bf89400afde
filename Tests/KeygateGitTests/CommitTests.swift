import KeygateGit
import KeygateTestSupport
import Testing

@Suite struct CommitTests {
  @Test func commitFieldsAreCopiedOut() throws {
    let repo = try TemporaryGitRepository()
    let parent = try repo.commit("Initial", files: ["a.txt": "a\n"])
    try repo.write("a.txt", "b\n")
    try repo.git(["add", "a.txt"])
    try repo.git(
      ["commit", "-q", "-m", "Rotate the key\nacross two lines\n\nBody text that is not the subject."],
      environment: [
        "GIT_AUTHOR_NAME": "Grace Hopper", "GIT_AUTHOR_EMAIL": "grace@example.org",
        "GIT_AUTHOR_DATE": "1709208000 +0530",
      ])
    let id = try repo.objectID("HEAD")

    let commit = try openRepository(repo).commit(id)
    #expect(commit.id == id)
    #expect(commit.treeID == (try repo.objectID("HEAD^{tree}")))
    #expect(commit.parentIDs.map(\.hex) == [parent])
    #expect(commit.authorName == "Grace Hopper")
    #expect(commit.authorEmail == "grace@example.org")
    #expect(commit.authorTime == 1_709_208_000)
    #expect(commit.authorOffsetMinutes == 330)
    // The first paragraph, on one line.
    #expect(commit.subject == "Rotate the key across two lines")
  }

  @Test func negativeOffsetAndRootCommit() throws {
    let repo = try TemporaryGitRepository()
    try repo.write("a.txt", "a\n")
    try repo.git(["add", "a.txt"])
    try repo.git(["commit", "-q", "-m", "Root"], environment: ["GIT_AUTHOR_DATE": "@0 -0330"])

    let commit = try openRepository(repo).commit(try repo.objectID("HEAD"))
    #expect(commit.parentIDs.isEmpty)
    #expect(commit.authorTime == 0)
    #expect(commit.authorOffsetMinutes == -210)
    #expect(commit.subject == "Root")
  }

  @Test func mergeCommitHasBothParentsInOrder() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    try repo.git(["checkout", "-q", "-b", "feature"])
    let feature = try repo.commit("Feature", files: ["f.txt": "f\n"])
    try repo.git(["checkout", "-q", "main"])
    let main = try repo.commit("Main", files: ["m.txt": "m\n"])
    try repo.git(["merge", "-q", "--no-ff", "-m", "Merge feature", "feature"])

    let merge = try openRepository(repo).commit(try repo.objectID("HEAD"))
    #expect(merge.parentIDs.map(\.hex) == [main, feature])
    #expect(merge.subject == "Merge feature")
  }

  @Test func missingCommitThrowsNotFound() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    let missing = try #require(ObjectID(hex: "0123456789abcdef0123456789abcdef01234567"))
    let error = try #require(throws: GitError.self) { try openRepository(repo).commit(missing) }
    #expect(error.isNotFound)
    #expect(error.function == "git_commit_lookup")
  }

  @Test func blobIsNotACommit() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    let blob = try repo.objectID("HEAD:a.txt")
    #expect(throws: GitError.self) { try openRepository(repo).commit(blob) }
  }

  @Test func parentsComeBeforeChildren() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Root", files: ["a.txt": "0\n"])
    try repo.git(["checkout", "-q", "-b", "feature"])
    try repo.commit("Feature 1", files: ["f.txt": "1\n"])
    try repo.commit("Feature 2", files: ["f.txt": "2\n"])
    try repo.git(["checkout", "-q", "main"])
    try repo.commit("Main 1", files: ["a.txt": "1\n"])
    try repo.git(["merge", "-q", "--no-ff", "-m", "Merge", "feature"])
    try repo.commit("After merge", files: ["a.txt": "2\n"])
    try repo.git(["checkout", "-q", "-b", "side", "HEAD~2"])
    try repo.commit("Side", files: ["s.txt": "s\n"])

    let repository = try openRepository(repo)
    let tips = [try repo.objectID("main"), try repo.objectID("side")]
    let order = try repository.commitsParentsFirst(from: tips)

    // The oracle: git's own list of every commit with its parents.
    var parents: [ObjectID: [ObjectID]] = [:]
    for line in try repo.git(["rev-list", "--parents", "main", "side"]).split(separator: "\n") {
      let ids = try line.split(separator: " ").map { try #require(ObjectID(hex: String($0))) }
      parents[ids[0]] = Array(ids.dropFirst())
    }
    #expect(order.count == 7)
    #expect(Set(order) == Set(parents.keys))
    let position = Dictionary(uniqueKeysWithValues: order.enumerated().map { ($0.element, $0.offset) })
    for (child, childParents) in parents {
      for parent in childParents {
        #expect(try #require(position[parent]) < #require(position[child]), "\(parent) must precede \(child)")
      }
    }
    #expect(order.first == (try repo.objectID("main~3")))
  }

  @Test func walkFromNoTipsIsEmpty() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    #expect(try openRepository(repo).commitsParentsFirst(from: []).isEmpty)
  }

  @Test func walkFromTheSameTipTwiceListsEachCommitOnce() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("One", files: ["a.txt": "1\n"])
    try repo.commit("Two", files: ["a.txt": "2\n"])
    let head = try repo.objectID("HEAD")
    let order = try openRepository(repo).commitsParentsFirst(from: [head, head])
    #expect(order == [try repo.objectID("HEAD~1"), head])
  }
}
