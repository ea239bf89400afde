import Foundation
import KeygateTestSupport
import Testing

/// `keygate scan --staged`: what a pre-commit hook runs.
@Suite struct StagedScanTests {
  @Test func onlyTheStagedContentIsScanned() throws {
    let repo = try TemporaryGitRepository()
    let committed = TestKeys.openAIProject(seed: 61)
    let staged = TestKeys.openAIAdmin(seed: 62)
    let unstaged = TestKeys.openAILegacy(seed: 63)
    try repo.commit("Old key, in history", files: ["old.env": "KEY=\(committed)\n"])
    try repo.write("new.env", "OPENAI_ADMIN_KEY=\(staged)\n")
    try repo.git(["add", "new.env"])
    try repo.write("scratch.txt", "not staged: \(unstaged)\n")

    let result = try KeygateBinary.run(["scan", "--staged", repo.path, "--format", "json"])
    #expect(result.status == 1)
    let report = try ScanCommandTests.json(result.stdout)
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(findings.count == 1)
    #expect(findings.first?["rule_id"] as? String == "openai-admin-key")
    #expect(findings.first?["path"] as? String == "new.env")
    #expect(findings.first?["source"] as? String == "index")
    #expect(findings.first?["commit"] is NSNull)
    let target = try #require(report["target"] as? [String: Any])
    #expect((target["note"] as? String)?.hasPrefix("staged changes only (1 file staged, against HEAD)") == true)
    for secret in [committed, staged, unstaged] {
      #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
    }
  }

  @Test func nothingStagedPasses() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Old key, in history", files: ["old.env": "KEY=\(TestKeys.openAIProject(seed: 64))\n"])
    let result = try KeygateBinary.run(["scan", "--staged", repo.path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("PASS"))
  }

  @Test func stagedNeedsARepository() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-staged-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let result = try KeygateBinary.run(["scan", "--staged", folder.path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("not a git repository, so there is no index to scan"))
  }

  /// A key HEAD already holds, in a file the commit touches, is not this commit's doing.
  @Test func onlyAddedLinesCountAndTheFirstCommitIsHandled() throws {
    let repo = try TemporaryGitRepository()
    let first = TestKeys.openAIProject(seed: 65)
    try repo.write("a.env", "KEY=\(first)\n")
    try repo.git(["add", "a.env"])
    // No commit yet: everything staged is added.
    let initial = try KeygateBinary.run(["scan", "--staged", repo.path, "-f", "json"])
    #expect(initial.status == 1)
    let note = (try ScanCommandTests.json(initial.stdout)["target"] as? [String: Any])?["note"] as? String
    #expect(note?.contains("no commit yet") == true)
    try repo.git(["commit", "-q", "-m", "first"])

    let second = TestKeys.openAIAdmin(seed: 66)
    try repo.write("a.env", "# settings\nKEY=\(first)\nADMIN=\(second)\n")
    try repo.git(["add", "a.env"])
    try repo.git(["mv", "a.env", "b.env"])
    let result = try KeygateBinary.run(["scan", "--staged", repo.path, "-f", "json"])
    #expect(result.status == 1)
    let findings = try #require(try ScanCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
    #expect(findings.map { $0["rule_id"] as? String } == ["openai-admin-key"])
    #expect(findings.first?["path"] as? String == "b.env")
    #expect(findings.first?["line"] as? Int == 3)

    // A staged deletion adds nothing.
    try repo.git(["commit", "-q", "-m", "second"])
    try repo.git(["rm", "-q", "b.env"])
    #expect(try KeygateBinary.run(["scan", "--staged", repo.path]).status == 0)
  }
}
