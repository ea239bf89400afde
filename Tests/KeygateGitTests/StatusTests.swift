import KeygateGit
import KeygateTestSupport
import Testing

@Suite struct StatusTests {
  func changes(_ repo: TemporaryGitRepository) throws -> [String: WorkingTreeChange] {
    let changes = try openRepository(repo).workingTreeChanges()
    return Dictionary(uniqueKeysWithValues: changes.map { ($0.path, $0) })
  }

  @Test func stagedOnlyFileHasItsStagedBlob() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("config/staging.env", "KEY=staged\n")
    try repo.git(["add", "config/staging.env"])

    let change = try #require(try changes(repo)["config/staging.env"])
    #expect(change.stagedBlob == (try repo.objectID(":config/staging.env")))
    #expect(change.workTreeDiffers == false)
    #expect(change.isUntracked == false)
  }

  @Test func stagedModificationOfATrackedFile() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "print('hi')\n"])
    try repo.write("app.py", "print('bye')\n")
    try repo.git(["add", "app.py"])

    let all = try changes(repo)
    #expect(all.count == 1)
    let change = try #require(all["app.py"])
    #expect(change.stagedBlob == (try repo.objectID(":app.py")))
    #expect(change.workTreeDiffers == false)
  }

  @Test func fileModifiedAfterStagingHasBoth() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "v1\n"])
    try repo.write("app.py", "v2 staged\n")
    try repo.git(["add", "app.py"])
    try repo.write("app.py", "v3 on disk\n")

    let change = try #require(try changes(repo)["app.py"])
    #expect(change.stagedBlob == (try repo.objectID(":app.py")))
    #expect(
      try openRepository(repo).withBlobContents(try #require(change.stagedBlob)) { Array($0) }
        == Array("v2 staged\n".utf8))
    #expect(change.workTreeDiffers)
    #expect(change.isUntracked == false)
  }

  @Test func unstagedModificationHasNoStagedBlob() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "v1\n"])
    try repo.write("app.py", "v2\n")

    let change = try #require(try changes(repo)["app.py"])
    #expect(change.stagedBlob == nil)
    #expect(change.workTreeDiffers)
    #expect(change.isUntracked == false)
  }

  @Test func untrackedFilesAreListedOneByOne() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("notes.txt", "temporary\n")
    try repo.write("new/deeper/file.txt", "inside an untracked folder\n")

    let all = try changes(repo)
    #expect(all.keys.sorted() == ["new/deeper/file.txt", "notes.txt"])
    for change in all.values {
      #expect(change.isUntracked)
      #expect(change.workTreeDiffers)
      #expect(change.stagedBlob == nil)
    }
  }

  @Test func ignoredFilesAreAbsent() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: [".gitignore": "*.local\nbuild/\n"])
    try repo.write("secrets.local", "KEY=ignored\n")
    try repo.write("build/out.txt", "ignored folder\n")
    try repo.write("kept.txt", "not ignored\n")

    #expect(try changes(repo).keys.sorted() == ["kept.txt"])
  }

  @Test func unbornRepositoryListsStagedAndUntrackedFiles() throws {
    let repo = try TemporaryGitRepository()
    try repo.write("staged.txt", "staged\n")
    try repo.git(["add", "staged.txt"])
    try repo.write("untracked.txt", "untracked\n")

    let all = try changes(repo)
    #expect(all.keys.sorted() == ["staged.txt", "untracked.txt"])
    #expect(all["staged.txt"]?.stagedBlob == (try repo.objectID(":staged.txt")))
    #expect(all["untracked.txt"]?.isUntracked == true)
  }

  @Test func deletedFileHasNothingToReadAndIsAbsent() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["gone.txt": "gone\n", "staged-gone.txt": "gone too\n"])
    try repo.remove("gone.txt")
    try repo.git(["rm", "-q", "staged-gone.txt"])

    #expect(try changes(repo).isEmpty)
  }

  @Test func stagedThenDeletedOnDiskKeepsItsStagedBlob() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("staged.env", "KEY=only in the index\n")
    try repo.git(["add", "staged.env"])
    try repo.remove("staged.env")

    let change = try #require(try changes(repo)["staged.env"])
    #expect(change.stagedBlob == (try repo.objectID(":staged.env")))
    #expect(change.workTreeDiffers == false)
    #expect(change.isUntracked == false)
  }

  @Test func cleanRepositoryHasNoChanges() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n", "src/a.c": "int a;\n"])
    #expect(try changes(repo).isEmpty)
  }
}
