import Foundation
import KeygateTestSupport
import Testing

/// End-to-end: the built `keygate` binary on real repositories; stdout, stderr and the exit
/// code are checked separately.
@Suite struct ScanCommandTests {
  /// A repository with a key in history (deleted since), one staged and one untracked.
  static func leakyRepository() throws -> (repo: TemporaryGitRepository, keys: [String]) {
    let repo = try TemporaryGitRepository()
    let keys = [TestKeys.openAIProject(seed: 31), TestKeys.openAIAdmin(seed: 32), TestKeys.openAILegacy(seed: 33)]
    try repo.commit("Initial", files: ["README.md": "# demo\n"])
    try repo.commit("Add settings", files: ["settings.py": "OPENAI_API_KEY = \"\(keys[0])\"\n"])
    try repo.commit("Use env vars", files: ["settings.py": "import os\nOPENAI_API_KEY = os.environ['OPENAI_API_KEY']\n"])
    try repo.write(".env", "OPENAI_ADMIN_KEY=\(keys[1])\n")
    try repo.git(["add", ".env"])
    try repo.write("scratch.txt", "old key \(keys[2])\n")
    return (repo, keys)
  }

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  @Test func cleanRepositoryPassesWithExitZero() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["app.py": "import os\nkey = os.environ['OPENAI_API_KEY']\n"])

    let result = try KeygateBinary.run(["scan", repo.path])
    #expect(result.status == 0)
    #expect(result.stdout.contains("PASS: no secrets found."))
    #expect(result.stderr.isEmpty)
  }

  @Test func findingsFailWithExitOneAndTheTextReportSaysWhatToDo() throws {
    let (repo, keys) = try Self.leakyRepository()

    let result = try KeygateBinary.run(["scan", repo.path])
    #expect(result.status == 1)
    #expect(result.stdout.contains("FAIL: 3 secrets in 3 locations."))
    #expect(result.stdout.contains("introduced   "))
    #expect(result.stdout.contains("by Ada Lovelace <ada@example.com>"))
    #expect(result.stdout.contains("\"Add settings\""))
    #expect(result.stdout.contains("settings.py:1:19  committed in "))
    #expect(result.stdout.contains(".env:1:18  staged, not committed"))
    #expect(result.stdout.contains("scratch.txt:1:9  uncommitted change in the working tree"))
    #expect(result.stdout.contains("still in     HEAD: no, working tree: no"))
    #expect(result.stdout.contains("revoke it and create a replacement"))
    for key in keys {
      #expect(!result.stdout.contains(key))
      #expect(result.stdout.contains("…" + key.suffix(4)))
    }
  }

  @Test func jsonReportHasOneFindingPerLocation() throws {
    let (repo, keys) = try Self.leakyRepository()
    let head = try repo.git(["rev-parse", "HEAD~1"]).trimmingCharacters(in: .whitespacesAndNewlines)

    let result = try KeygateBinary.run(["scan", "--format", "json", repo.path])
    #expect(result.status == 1)
    let report = try Self.json(result.stdout)
    #expect((report["tool"] as? [String: Any])?["name"] as? String == "keygate")
    #expect(report["verdict"] as? String == "fail")
    #expect(report["complete"] as? Bool == true)
    #expect((report["errors"] as? [Any])?.isEmpty == true)
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(findings.map { $0["path"] as? String } == [".env", "scratch.txt", "settings.py"])

    let history = try #require(findings.first { $0["path"] as? String == "settings.py" })
    #expect(history["rule_id"] as? String == "openai-project-key")
    #expect(history["severity"] as? String == "critical")
    #expect(history["kind"] as? String == "secret")
    #expect(history["line"] as? Int == 1)
    #expect(history["column"] as? Int == 19)
    #expect(history["redacted"] as? String == "sk-proj-…" + keys[0].suffix(4))
    #expect((history["fingerprint"] as? String)?.count == 64)
    let commit = try #require(history["commit"] as? [String: Any])
    #expect(commit["sha"] as? String == head)
    #expect(commit["author"] as? String == "Ada Lovelace")
    #expect(commit["email"] as? String == "ada@example.com")
    #expect(commit["subject"] as? String == "Add settings")
    #expect((commit["date"] as? String)?.count == 25)

    let staged = try #require(findings.first { $0["path"] as? String == ".env" })
    #expect(staged["commit"] is NSNull)
    #expect(staged["rule_id"] as? String == "openai-admin-key")
    #expect(staged["secret"] == nil)
  }

  @Test func noOutputCarriesAFullSecretUnlessAsked() throws {
    let (repo, keys) = try Self.leakyRepository()
    let reportFile = repo.path + "/../keygate-report-\(UUID().uuidString).json"
    defer { try? FileManager.default.removeItem(atPath: reportFile) }

    for arguments in [["scan", repo.path], ["scan", "-f", "json", repo.path], ["scan", "-f", "json", "-o", reportFile, repo.path]] {
      let result = try KeygateBinary.run(arguments)
      #expect(result.status == 1)
      let written = (try? String(contentsOfFile: reportFile, encoding: .utf8)) ?? ""
      for key in keys {
        #expect(!result.stdout.contains(key), "stdout of \(arguments)")
        #expect(!result.stderr.contains(key), "stderr of \(arguments)")
        #expect(!written.contains(key), "report file of \(arguments)")
      }
    }
    let shown = try KeygateBinary.run(["scan", "--format", "json", "--show-secrets", repo.path])
    #expect(shown.status == 1)
    for key in keys { #expect(shown.stdout.contains(key)) }
  }

  @Test func outputOptionWritesTheReportToAFile() throws {
    let (repo, _) = try Self.leakyRepository()
    let folder = try TemporaryGitRepository(initialise: false)
    let file = folder.path + "/report.json"

    let result = try KeygateBinary.run(["scan", repo.path, "--format", "json", "--output", file])
    #expect(result.status == 1)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("keygate: fail: 3 secret(s), 3 finding(s)"))
    let report = try Self.json(try String(contentsOfFile: file, encoding: .utf8))
    #expect((report["findings"] as? [Any])?.count == 3)
  }

  @Test func plainDirectoryIsScannedAndTheReportSaysSo() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("bundle/main.js", "var k='\(TestKeys.openAIProject())';\n")

    let result = try KeygateBinary.run(["scan", "-f", "json", folder.path])
    #expect(result.status == 1)
    let report = try Self.json(result.stdout)
    let target = try #require(report["target"] as? [String: Any])
    #expect(target["mode"] as? String == "directory")
    #expect((target["note"] as? String)?.contains("not a git repository") == true)
  }

  @Test func defaultPathIsTheCurrentDirectory() throws {
    let (repo, _) = try Self.leakyRepository()
    let result = try KeygateBinary.run(["scan"], in: repo.path)
    #expect(result.status == 1)
    #expect(result.stdout.contains("scanned . ("))
  }

  @Test func corruptRepositoryExitsTwoNamingTheProblem() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["a.txt": "a\n"])
    try Data("[core\n".utf8).write(to: URL(fileURLWithPath: repo.path + "/.git/config"))

    let result = try KeygateBinary.run(["scan", repo.path])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr.contains("cannot read the git repository: failed to parse config file"))
    #expect(result.stderr.contains(".git/config:1"))
  }

  @Test func missingObjectWithoutFindingsExitsTwoAndSaysWhy() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Add", files: ["lost.txt": "this blob goes missing\n"])
    let blob = try repo.git(["rev-parse", "HEAD:lost.txt"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try FileManager.default.removeItem(atPath: "\(repo.path)/.git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")

    let text = try KeygateBinary.run(["scan", repo.path])
    #expect(text.status == 2)
    #expect(text.stdout.contains("INCOMPLETE"))
    #expect(text.stdout.contains(blob))
    #expect(text.stderr.contains("the scan is incomplete: 1 item could not be read"))

    let json = try KeygateBinary.run(["scan", "-f", "json", repo.path])
    #expect(json.status == 2)
    let report = try Self.json(json.stdout)
    #expect(report["verdict"] as? String == "incomplete")
    #expect(report["complete"] as? Bool == false)
    let errors = try #require(report["errors"] as? [[String: Any]])
    #expect(errors.count == 1)
    #expect((errors.first?["subject"] as? String)?.contains("lost.txt") == true)
  }

  @Test func missingObjectWithFindingsStillFails() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Add", files: ["lost.txt": "this blob goes missing\n", "k.env": "K=\(TestKeys.openAIProject())\n"])
    let blob = try repo.git(["rev-parse", "HEAD:lost.txt"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try FileManager.default.removeItem(atPath: "\(repo.path)/.git/objects/\(blob.prefix(2))/\(blob.dropFirst(2))")

    let result = try KeygateBinary.run(["scan", "-f", "json", repo.path])
    #expect(result.status == 1)
    let report = try Self.json(result.stdout)
    #expect(report["verdict"] as? String == "fail")
    #expect(report["complete"] as? Bool == false)
  }

  @Test func missingPathExitsTwo() throws {
    let result = try KeygateBinary.run(["scan", "/nonexistent/keygate/path"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("/nonexistent/keygate/path: no such file or directory"))
  }

  @Test(arguments: [
    ["scan", "--bogus"], ["scan", "--format", "yaml"], ["scan", "--fail-on", "severe"], ["scan", "--workers", "0"],
    ["scan", "a", "b"], ["frobnicate"],
  ])
  func usageErrorsExitSixtyFour(arguments: [String]) throws {
    let result = try KeygateBinary.run(arguments)
    #expect(result.status == 64)
    #expect(result.stdout.isEmpty)
    #expect(!result.stderr.isEmpty)
  }

  @Test func helpExplainsTheExitCodes() throws {
    let result = try KeygateBinary.run(["scan", "--help"])
    #expect(result.status == 0)
    #expect(result.stdout.contains("Exit codes: 0 pass; 1 secrets or policy errors at or above --fail-on"))
    #expect(result.stdout.contains("--show-secrets"))
  }

  @Test func versionIsPrinted() throws {
    let result = try KeygateBinary.run(["--version"])
    #expect(result.status == 0)
    #expect(result.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
  }

  @Test func rulesCommandListsTheBuiltinRules() throws {
    let result = try KeygateBinary.run(["rules"])
    #expect(result.status == 0)
    for id in ["openai-project-key", "openai-service-account-key", "openai-admin-key", "openai-user-key"] {
      #expect(result.stdout.contains(id))
    }
  }
  /// A CI runner checks out as root and the job runs as another user; a container image mounts
  /// the user's repository: keygate reads a repository another user owns like any other (it runs
  /// nothing from it), instead of falling back to a files-only scan.
  @Test(.enabled(if: getuid() == 0, "changing a folder's owner needs root (CI runs as root)"))
  func repositoryOwnedByAnotherUserIsScannedWithItsHistory() throws {
    let (repo, keys) = try Self.leakyRepository()
    #expect(try run("/bin/chown", ["-R", "54321:54321", repo.path]).status == 0)

    let result = try KeygateBinary.run(["scan", "--format", "json", repo.path])
    #expect(result.status == 1, "\(result.stderr)")
    let report = try Self.json(result.stdout)
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(findings.map { $0["path"] as? String } == [".env", "scratch.txt", "settings.py"])
    let history = try #require(findings.first { $0["path"] as? String == "settings.py" })
    #expect(history["redacted"] as? String == "sk-proj-…" + keys[0].suffix(4))
    #expect(history["commit"] is [String: Any])
    #expect(!result.stdout.contains("plain directory"))
  }
}
