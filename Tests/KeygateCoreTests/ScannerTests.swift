import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// The scanner on real repositories built with the git CLI in temporary folders.
@Suite struct ScannerTests {
  static let rules = try! CompiledRules(RuleSet.builtin())

  func scan(_ path: String, workers: Int = 2) throws -> ScanReport {
    var options = ScanOptions(path: path)
    options.workers = workers
    return try Scanner(rules: Self.rules).scan(options)
  }

  @Test func keyCommittedThenDeletedIsFoundAtTheCommitThatIntroducedIt() throws {
    let repo = try TemporaryGitRepository()
    let key = TestKeys.openAIProject()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    let introducing = try repo.commit(
      "Add OpenAI client", files: ["app/client.py": "import openai\n\nclient = openai.OpenAI(api_key=\"\(key)\")\n"],
      author: "Grace Hopper")
    try repo.commit("Keep the key, change other lines", files: ["app/client.py": "import openai  # v1\n\nclient = openai.OpenAI(api_key=\"\(key)\")\n"])
    try repo.commit("Remove the key", files: ["app/client.py": "import os\n"])

    let report = try scan(repo.path)
    let finding = try #require(report.findings.first)
    #expect(report.findings.count == 1)
    #expect(finding.ruleID == "openai-project-key")
    #expect(finding.source == .history)
    #expect(finding.path == "app/client.py")
    #expect(finding.line == 3)
    #expect(finding.column == "client = openai.OpenAI(api_key=\"".count + 1)
    #expect(finding.secret == key)
    #expect(finding.commit?.sha == introducing)
    #expect(finding.commit?.author == "Grace Hopper")
    #expect(finding.commit?.email == "ada@example.com")
    #expect(finding.commit?.subject == "Add OpenAI client")
    #expect(finding.commit?.date.hasSuffix("+00:00") == true)
    #expect(finding.fingerprint == SHA256.hexDigest(key))
    #expect(finding.redacted == "sk-proj-…" + String(key.suffix(4)))
    let secret = try #require(report.secrets.first)
    #expect(secret.inHead == false)
    #expect(secret.inWorkingTree == false)
    #expect(secret.introducedBy?.sha == introducing)
    #expect(!report.isIncomplete)
  }

  @Test func keyOnlyOnANonDefaultBranchIsFound() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.git(["checkout", "-q", "-b", "feature/llm"])
    let sha = try repo.commit("Try the admin API", files: ["scripts/admin.sh": "export OPENAI_ADMIN_KEY=\(TestKeys.openAIAdmin())\n"])
    try repo.git(["checkout", "-q", "main"])

    let report = try scan(repo.path)
    #expect(report.findings.map(\.ruleID) == ["openai-admin-key"])
    #expect(report.findings.first?.commit?.sha == sha)
    #expect(report.secrets.first?.inHead == false)
  }

  @Test func keyOnlyOnATaggedCommitIsFound() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.git(["checkout", "-q", "-b", "release-tmp"])
    let sha = try repo.commit("Release config", files: ["deploy/prod.env": "OPENAI_API_KEY=\(TestKeys.openAILegacy())\n"])
    try repo.git(["tag", "-a", "v1.0", "-m", "v1.0"])
    try repo.git(["checkout", "-q", "main"])
    try repo.git(["branch", "-q", "-D", "release-tmp"])

    let report = try scan(repo.path)
    #expect(report.findings.map(\.ruleID) == ["openai-user-key"])
    #expect(report.findings.first?.commit?.sha == sha)
  }

  @Test func stagedAndUntrackedKeysAreWorkingTreeFindings() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("config/staging.env", "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 7))\n")
    try repo.git(["add", "config/staging.env"])
    try repo.write("notes.txt", "temporary: \(TestKeys.openAIServiceAccount())\n")

    let report = try scan(repo.path)
    #expect(report.findings.count == 2)
    let staged = try #require(report.findings.first { $0.path == "config/staging.env" })
    #expect(staged.source == .index)
    #expect(staged.commit == nil)
    #expect((staged.line, staged.column) == (1, 16))
    let untracked = try #require(report.findings.first { $0.path == "notes.txt" })
    #expect(untracked.source == .worktree)
    #expect(untracked.commit == nil)
    #expect(untracked.ruleID == "openai-service-account-key")
    #expect(report.secrets.allSatisfy { $0.inWorkingTree && $0.inHead == false })
  }

  @Test func modifiedTrackedFileIsScannedFromDisk() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "print('hi')\n"])
    try repo.write("app.py", "print('hi')\nKEY = '\(TestKeys.openAIProject(seed: 9))'\n")

    let report = try scan(repo.path)
    #expect(report.findings.map(\.source) == [.worktree])
    #expect(report.findings.first?.line == 2)
  }

  @Test func ignoredFilesAreNotScanned() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: [".gitignore": "*.local\nbuild/\n"])
    try repo.write("secrets.local", "OPENAI_API_KEY=\(TestKeys.openAIProject())\n")
    try repo.write("build/out.txt", "OPENAI_API_KEY=\(TestKeys.openAIProject())\n")

    let report = try scan(repo.path)
    #expect(report.findings.isEmpty)
    #expect(!report.isIncomplete)
  }

  @Test func sameKeyInThreeFilesIsThreeFindingsWithOneFingerprint() throws {
    let repo = try TemporaryGitRepository()
    let key = TestKeys.openAIProject(seed: 11)
    // Two files share one blob; the third differs: each location is its own finding.
    try repo.commit(
      "Add keys",
      files: ["a.env": "K=\(key)\n", "copy/a.env": "K=\(key)\n", "b.py": "key = \"\(key)\"\n"])

    let report = try scan(repo.path)
    #expect(report.findings.map(\.path) == ["a.env", "b.py", "copy/a.env"])
    #expect(Set(report.findings.map(\.fingerprint)).count == 1)
    #expect(report.secrets.count == 1)
    #expect(report.secrets.first?.findings.count == 3)
    #expect(report.secrets.first?.inHead == true)
    #expect(report.secrets.first?.inWorkingTree == true)
  }

  @Test func keyInTheStashIsFound() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "print('hi')\n"])
    try repo.write("app.py", "KEY = '\(TestKeys.openAIProject(seed: 21))'\n")
    try repo.git(["stash", "-q"])
    try repo.write("app.py", "KEY = '\(TestKeys.openAIProject(seed: 22))'\n")
    try repo.git(["stash", "-q"])

    let report = try scan(repo.path)
    #expect(Set(report.findings.map(\.secret)) == [TestKeys.openAIProject(seed: 21), TestKeys.openAIProject(seed: 22)])
  }

  @Test func eachBlobIsReadOnceHoweverManyCommitsHoldIt() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("One", files: ["big.txt": "same\n", "a.txt": "1\n"])
    try repo.commit("Two", files: ["a.txt": "2\n"])
    try repo.commit("Three", files: ["a.txt": "3\n"])

    let report = try scan(repo.path)
    #expect(report.statistics.commits == 3)
    #expect(report.statistics.blobs == 4)  // big.txt once, a.txt three times
  }

  @Test func plainDirectoryIsScannedAndSaysSo() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("dist/app.js", "const key = \"\(TestKeys.openAIProject())\";\n")
    try folder.write("dist/readme.txt", "nothing here\n")

    let report = try scan(folder.path)
    #expect(report.target.mode == .directory)
    #expect(report.target.note?.contains("not a git repository") == true)
    #expect(report.findings.map(\.path) == ["dist/app.js"])
    #expect(report.findings.first?.source == .file)
    #expect(report.statistics.files == 2)
  }

  @Test func missingObjectIsReportedAndTheRestIsStillScanned() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Add key", files: ["leak.env": "K=\(TestKeys.openAIProject())\n", "lost.txt": "this blob goes missing\n"])
    let blob = try repo.git(["rev-parse", "HEAD:lost.txt"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try FileManager.default.removeItem(
      atPath: "\(repo.path)/.git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")

    let report = try scan(repo.path)
    #expect(report.findings.map(\.path) == ["leak.env"])
    #expect(report.isIncomplete)
    #expect(report.problems.contains { $0.subject.contains(blob) && $0.subject.contains("lost.txt") })
    #expect(Gate().verdict(for: report) == .fail)
  }

  @Test func incompleteScanWithoutFindingsIsNotAPass() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Add", files: ["lost.txt": "this blob goes missing\n"])
    let blob = try repo.git(["rev-parse", "HEAD:lost.txt"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try FileManager.default.removeItem(atPath: "\(repo.path)/.git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")

    let report = try scan(repo.path)
    #expect(report.findings.isEmpty)
    #expect(Gate().verdict(for: report) == .incomplete)
  }

  @Test func bareRepositoryIsScannedForHistoryOnly() throws {
    let work = try TemporaryGitRepository()
    try work.commit("Add key", files: ["k.env": "K=\(TestKeys.openAIProject())\n"])
    let bare = try TemporaryGitRepository(initialise: false)
    try bare.git(["clone", "-q", "--bare", work.path, "."])

    let report = try scan(bare.path)
    #expect(report.target.mode == .gitRepository)
    #expect(report.findings.map(\.path) == ["k.env"])
    #expect(report.target.note?.contains("bare") == true)
  }

  @Test func outputIsTheSameWhateverTheNumberOfWorkers() throws {
    let repo = try TemporaryGitRepository()
    for index in 0..<12 {
      try repo.commit("Commit \(index)", files: ["f\(index % 4).txt": "v\(index) \(TestKeys.openAIProject(seed: UInt64(index)))\n"])
    }
    let one = try scan(repo.path, workers: 1).findings
    let two = try scan(repo.path, workers: 2).findings
    let eight = try scan(repo.path, workers: 8).findings
    #expect(one.count == 12)
    #expect(one == two)
    #expect(one == eight)
  }

  @Test func corruptRepositoryThrowsANamedError() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    try Data("this is not a ref\n".utf8).write(to: URL(fileURLWithPath: repo.path + "/.git/HEAD"))

    #expect {
      try scan(repo.path)
    } throws: { error in
      "\(error)".contains("cannot read the git repository: corrupted loose reference file: HEAD")
    }
  }
}

/// Blobs in the object database that no reference reaches are scanned too.
@Suite struct UnreachableBlobTests {
  @Test func aKeyInABlobNoReferenceReachesIsReportedByItsID() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("dropped.env", "OPENAI_API_KEY=\(TestKeys.openAIProject())\n")
    let blob = try repo.git(["hash-object", "-w", "dropped.env"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.remove("dropped.env")

    let report = try ScannerTests().scan(repo.path)
    let finding = try #require(report.findings.first)
    #expect(report.findings.count == 1)
    #expect(finding.source == .unreachable)
    #expect(finding.path == "blob \(blob)")
    #expect(finding.commit == nil)
    #expect(Gate().verdict(for: report) == .fail)
    let secret = try #require(report.secrets.first)
    #expect(!secret.inWorkingTree)
    #expect(secret.inHead == false)
  }

  @Test func aDeletedBranchStillInThePackIsReported() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.git(["checkout", "-q", "-b", "experiment"])
    try repo.commit("Try a key", files: ["try.py": "KEY = '\(TestKeys.openAIProject())'\n"])
    try repo.git(["checkout", "-q", "-"])
    try repo.git(["branch", "-q", "-D", "experiment"])
    try repo.git(["repack", "-a", "-q"])  // keeps unreachable objects loose or packed; never prunes

    let report = try ScannerTests().scan(repo.path)
    #expect(report.findings.map(\.source) == [.unreachable])
  }

  @Test func stagedContentIsReportedAtItsPathNotAsUnreachable() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("config.env", "OPENAI_API_KEY=\(TestKeys.openAIProject())\n")
    try repo.git(["add", "config.env"])

    let report = try ScannerTests().scan(repo.path)
    #expect(report.findings.map(\.path) == ["config.env"])
    #expect(report.findings.map(\.source) == [.index])
  }
}

@Suite struct MergeLinesTests {
  @Test func linesAreIntersectedAcrossParents() {
    #expect(Scanner.intersection([1...3, 7...9], [2...8]) == [2...3, 7...8])
    #expect(Scanner.intersection([1...1], [2...2]).isEmpty)
    #expect(Scanner.intersection([], [1...5]).isEmpty)
  }
}
