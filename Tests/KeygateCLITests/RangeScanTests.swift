import Foundation
import KeygateTestSupport
import Testing

/// `--since`, `--range` and `--ci`: only the lines the chosen commits add.
@Suite struct RangeScanTests {
  static func findings(_ result: ProcessResult) throws -> [[String: Any]] {
    try #require(try ScanCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
  }

  @Test func onlyLinesTheCommitsAddAreReported() throws {
    let repo = try TemporaryGitRepository()
    let old = TestKeys.openAIProject(seed: 101)
    let new = TestKeys.openAIAdmin(seed: 102)
    try repo.commit("Old key", files: ["a.env": "a\nKEY=\(old)\n"])
    let base = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    // Touch the file around the old key, rename it, and add a new key elsewhere.
    try repo.commit("Touch", files: ["a.env": "a\nKEY=\(old)\nb\n"])
    try repo.git(["mv", "a.env", "c.env"])
    _ = try repo.commit("Rename and add", files: ["b.env": "x\nNEW=\(new)\n"])

    let since = try KeygateBinary.run(["scan", repo.path, "--since", base, "-f", "json"])
    #expect(since.status == 1)
    let found = try Self.findings(since)
    #expect(found.count == 1)
    #expect(found.first?["path"] as? String == "b.env")
    #expect(found.first?["line"] as? Int == 2)
    #expect((found.first?["commit"] as? [String: Any])?["subject"] as? String == "Rename and add")
    let note = try #require((try ScanCommandTests.json(since.stdout)["target"] as? [String: Any])?["note"] as? String)
    #expect(note.hasPrefix("commits \(base)..HEAD: 2 commits; only the lines they add"))

    let range = try KeygateBinary.run(["scan", repo.path, "--range", "\(base)..HEAD~1", "-f", "json"])
    #expect(range.status == 0)
    #expect(try Self.findings(range).isEmpty)

    var environment = ProcessInfo.processInfo.environment
    environment["CI_COMMIT_SHA"] = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    environment["CI_COMMIT_BEFORE_SHA"] = base
    environment["CI_PIPELINE_SOURCE"] = "push"
    let ci = try run(KeygateBinary.path, ["scan", repo.path, "--ci", "-f", "json"], environment: environment)
    #expect(ci.status == 1)
    #expect(try Self.findings(ci).map { $0["path"] as? String } == ["b.env"])
  }

  @Test func aMissingBaseInAShallowCloneSaysToSetGitDepth() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("One", files: ["a.txt": "1\n"])
    let first = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.commit("Two", files: ["a.txt": "2\n"])
    let clone = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-shallow-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: clone) }
    _ = try run("/usr/bin/git", ["clone", "-q", "--depth", "1", "file://\(repo.path)", clone], environment: TemporaryGitRepository.environment)

    let result = try KeygateBinary.run(["scan", clone, "--since", first])
    #expect(result.status == 2)
    #expect(result.stderr.contains("shallow clone"))
    #expect(result.stderr.contains("GIT_DEPTH"))
  }

  @Test func scopesAreExclusiveAndCIOutsideGitLabIsAnError() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("One", files: ["a.txt": "1\n"])
    let both = try KeygateBinary.run(["scan", repo.path, "--since", "HEAD", "--staged"])
    #expect(both.status == 64)
    let badRange = try KeygateBinary.run(["scan", repo.path, "--range", "HEAD"])
    #expect(badRange.status == 64)
    var environment = ProcessInfo.processInfo.environment
    environment["CI_COMMIT_SHA"] = nil
    let ci = try run(KeygateBinary.path, ["scan", repo.path, "--ci"], environment: environment)
    #expect(ci.status == 2)
    #expect(ci.stderr.contains("CI_COMMIT_SHA is not set"))
  }
}

/// Merge commits in a range: only what they add beyond every parent.
@Suite struct MergeRangeTests {
  @Test func aKeyAddedWhileResolvingAConflictIsFoundAtTheMerge() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Base", files: ["settings.py": "MODE = 'base'\nTIMEOUT = 1\n"])
    let base = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git(["checkout", "-q", "-b", "feature"])
    try repo.commit("Feature mode", files: ["settings.py": "MODE = 'feature'\nTIMEOUT = 1\n"])
    try repo.git(["checkout", "-q", "-"])
    try repo.commit("Main mode", files: ["settings.py": "MODE = 'main'\nTIMEOUT = 1\n"])
    _ = try? repo.git(["merge", "-q", "feature"])  // conflicts
    try repo.write("settings.py", "MODE = 'merged'\nKEY = '\(TestKeys.openAIProject(seed: 7))'\nTIMEOUT = 1\n")
    try repo.git(["add", "settings.py"])
    try repo.git(["commit", "-q", "--no-edit"])

    let result = try KeygateBinary.run(["scan", repo.path, "--since", base, "-f", "json"])
    #expect(result.status == 1)
    let found = try RangeScanTests.findings(result)
    #expect(found.count == 1)
    #expect(found.first?["line"] as? Int == 2)
    let commit = try #require(found.first?["commit"] as? [String: Any])
    #expect((commit["subject"] as? String)?.hasPrefix("Merge branch 'feature'") == true)
    let note = try #require((try ScanCommandTests.json(result.stdout)["target"] as? [String: Any])?["note"] as? String)
    #expect(note.contains("1 merge commit: only the lines new to every parent"))
  }

  @Test func mergingTheDefaultBranchIntoAFeatureDoesNotBlameTheFeatureForItsKeys() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Base", files: ["README.md": "hello\n"])
    try repo.git(["checkout", "-q", "-b", "feature"])
    try repo.commit("Feature work", files: ["feature.txt": "work\n"])
    let featureBase = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git(["checkout", "-q", "-"])
    try repo.commit("Main leaks a key", files: ["main.env": "KEY=\(TestKeys.openAIProject(seed: 8))\n"])
    try repo.git(["checkout", "-q", "feature"])
    try repo.git(["merge", "-q", "--no-edit", "-"])

    // The merge brings main's key into the feature branch, but main's commit added it.
    let result = try KeygateBinary.run(["scan", repo.path, "--range", "\(featureBase)..HEAD", "-f", "json"])
    #expect(result.status == 1)
    let found = try RangeScanTests.findings(result)
    #expect(found.map { ($0["commit"] as? [String: Any])?["subject"] as? String } == ["Main leaks a key"])
  }
}
