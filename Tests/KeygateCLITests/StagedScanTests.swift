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
    #expect((target["note"] as? String)?.hasPrefix("staged changes only (1 file staged)") == true)
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
}
