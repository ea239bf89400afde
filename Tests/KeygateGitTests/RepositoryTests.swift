import Foundation
import KeygateGit
import KeygateTestSupport
import Testing

@Suite struct RepositoryTests {
  @Test func libgit2VersionIsThreeNumbers() {
    Libgit2.configure()
    let parts = Libgit2.version.split(separator: ".")
    #expect(parts.count == 3)
    #expect(parts.allSatisfy { Int($0) != nil })
    #expect(Libgit2.version != "0.0.0")
  }

  @Test func folderThatIsNotARepositoryOpensAsNil() throws {
    Libgit2.configure()
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("README.md", "not a repository\n")
    #expect(try Repository.open(at: folder.path) == nil)
  }

  @Test func missingPathOpensAsNil() throws {
    Libgit2.configure()
    let folder = try TemporaryGitRepository(initialise: false)
    #expect(try Repository.open(at: folder.path + "/does-not-exist") == nil)
  }

  @Test func folderInsideARepositoryIsNotThatRepository() throws {
    Libgit2.configure()
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["src/main.c": "int main(void) { return 0; }\n"])
    // Parent directories are not searched: only the root itself is the repository.
    #expect(try Repository.open(at: repo.path + "/src") == nil)
    #expect(Repository.discoverRoot(containing: repo.path + "/src") == repo.path)
  }

  @Test func corruptConfigThrowsGitError() throws {
    Libgit2.configure()
    let repo = try TemporaryGitRepository()
    try repo.write(".git/config", "[core\n\trepositoryformatversion = 0\n")
    #expect(throws: GitError.self) { try Repository.open(at: repo.path) }
  }

  @Test func unsupportedRepositoryFormatThrowsGitError() throws {
    Libgit2.configure()
    let repo = try TemporaryGitRepository()
    try repo.write(".git/config", "[core]\n\trepositoryformatversion = 99\n")
    let error = try #require(throws: GitError.self) { try Repository.open(at: repo.path) }
    #expect(error.function == "git_repository_open_ext")
    #expect(error.code < 0)
  }

  @Test func garbageHEADThrowsAtTheLatestWhenHEADIsRead() throws {
    Libgit2.configure()
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    try repo.write(".git/HEAD", "this is not a reference\n")
    // libgit2 1.5 opens a repository whose HEAD is garbage (git itself refuses it); the error
    // must come by the time HEAD is read, not pass for an unborn HEAD.
    let error = try #require(throws: GitError.self) {
      guard let repository = try Repository.open(at: repo.path) else { return }
      _ = try repository.headCommitID()
    }
    #expect(error.message.contains("HEAD"))
  }

  @Test func workTreeRootAndGitDirectoryOpenTheSameRepository() throws {
    let repo = try TemporaryGitRepository()
    let sha = try repo.commit("Initial", files: ["a.txt": "a\n"])
    let fromRoot = try openRepository(repo)
    let fromGitDirectory = try #require(try Repository.open(at: repo.path + "/.git"))
    #expect(fromRoot.isBare == false)
    #expect(fromRoot.workingDirectory == repo.path + "/")
    #expect(fromRoot.gitDirectory == repo.path + "/.git/")
    #expect(try fromRoot.headCommitID()?.hex == sha)
    #expect(try fromGitDirectory.headCommitID()?.hex == sha)
  }

  @Test func bareRepositoryHasNoWorkingDirectory() throws {
    let repo = try TemporaryGitRepository(bare: true)
    let repository = try openRepository(repo)
    #expect(repository.isBare)
    #expect(repository.workingDirectory == nil)
    #expect(repository.gitDirectory == repo.path + "/")
  }

  @Test func unbornHEADHasNoCommit() throws {
    let repo = try TemporaryGitRepository()
    try repo.write("a.txt", "staged, never committed\n")
    try repo.git(["add", "a.txt"])
    #expect(try openRepository(repo).headCommitID() == nil)
  }

  @Test func headCommitFollowsTheCheckedOutBranch() throws {
    let repo = try TemporaryGitRepository()
    let first = try repo.commit("First", files: ["a.txt": "1\n"])
    try repo.git(["checkout", "-q", "-b", "other"])
    let second = try repo.commit("Second", files: ["a.txt": "2\n"])
    #expect(try openRepository(repo).headCommitID()?.hex == second)
    try repo.git(["checkout", "-q", "main"])
    #expect(try openRepository(repo).headCommitID()?.hex == first)
  }
}
