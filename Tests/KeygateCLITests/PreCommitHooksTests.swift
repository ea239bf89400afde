import Foundation
import KeygateTestSupport
import Testing
import Yams

/// `.pre-commit-hooks.yaml` and the users' example are what the pre-commit framework expects,
/// and their keygate command lines run.
@Suite struct PreCommitHooksTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardized.path

  static func yaml(_ relative: String) throws -> Any? {
    try Yams.load(yaml: String(contentsOfFile: root + "/" + relative, encoding: .utf8))
  }

  @Test func theHooksFileDeclaresBothStages() throws {
    let hooks = try #require(try Self.yaml(".pre-commit-hooks.yaml") as? [[String: Any]])
    #expect(hooks.map { $0["id"] as? String } == ["keygate", "keygate-pre-push"])
    for hook in hooks {
      #expect(hook["language"] as? String == "swift")
      #expect(hook["pass_filenames"] as? Bool == false)
      #expect(Set(hook.keys).isSubset(of: [
        "id", "name", "description", "entry", "language", "pass_filenames", "always_run", "stages",
      ]))
    }
    #expect(hooks[0]["entry"] as? String == "keygate scan --staged --quiet")
    #expect(hooks[0]["stages"] as? [String] == ["pre-commit"])
    #expect(hooks[1]["stages"] as? [String] == ["pre-push"])
    let example = try #require(try Self.yaml("ci-examples/pre-commit-config.yaml") as? [String: Any])
    let repos = try #require(example["repos"] as? [[String: Any]])
    #expect((repos.first?["hooks"] as? [[String: Any]])?.map { $0["id"] as? String } == ["keygate", "keygate-pre-push"])
  }

  /// The entries run with the real binary first on PATH, as pre-commit runs them.
  @Test func theEntriesRunAndRefuseAKey() throws {
    let hooks = try #require(try Self.yaml(".pre-commit-hooks.yaml") as? [[String: Any]])
    let repo = try TemporaryGitRepository()
    let base = try repo.commit("Clean", files: ["README.md": "# app\n"])
    let pushed = try repo.commit("Add a key", files: ["app.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 951))\n"])
    try repo.write("staged.env", "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 952))\n")
    try repo.git(["add", "staged.env"])
    let bin = URL(fileURLWithPath: KeygateBinary.path).deletingLastPathComponent().path
    var environment = TemporaryGitRepository.environment
    environment["PATH"] = bin + ":" + (environment["PATH"] ?? "/usr/bin:/bin")
    environment["PRE_COMMIT_FROM_REF"] = base
    environment["PRE_COMMIT_TO_REF"] = pushed
    for hook in hooks {
      let entry = try #require(hook["entry"] as? String)
      let result = try run("/bin/sh", ["-c", entry], in: repo.path, environment: environment)
      #expect(result.status == 1, "\(hook["id"] ?? ""): \(result.stderr)")
    }
    // With nothing new to push, the push hook passes.
    environment["PRE_COMMIT_FROM_REF"] = pushed
    let entry = try #require(hooks[1]["entry"] as? String)
    #expect(try run("/bin/sh", ["-c", entry], in: repo.path, environment: environment).status == 0)
  }
}
