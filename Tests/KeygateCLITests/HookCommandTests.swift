import Foundation
import KeygateTestSupport
import Testing

/// `keygate install-hook` / `uninstall-hook`, exercised with real `git commit`s.
@Suite struct HookCommandTests {
  static let marker = "# keygate pre-commit hook (installed by keygate install-hook)"

  /// Runs git in `directory` without throwing on failure (a refused commit is the point).
  static func git(_ arguments: [String], in directory: String) throws -> ProcessResult {
    try run(
      "/usr/bin/env", ["git", "-c", "commit.gpgsign=false"] + arguments, in: directory,
      environment: TemporaryGitRepository.environment)
  }

  static func hooksFolder(_ repo: TemporaryGitRepository) -> String { repo.path + "/.git/hooks" }

  static func read(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
  }

  static func writeHook(_ path: String, _ script: String) throws {
    try FileManager.default.createDirectory(
      atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
    try Data(script.utf8).write(to: URL(fileURLWithPath: path))
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
  }

  @Test func aCommitAddingAKeyIsRefusedAndACleanOneGoesThrough() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("init", files: ["README.md": "hello\n"])
    let install = try KeygateBinary.run(["install-hook", repo.path])
    #expect(install.status == 0, "\(install.stderr)")
    let hook = Self.hooksFolder(repo) + "/pre-commit"
    let script = try Self.read(hook)
    #expect(script.hasPrefix("#!/bin/sh\n"))
    #expect(script.contains(Self.marker))
    #expect(script.contains(KeygateBinary.path) || script.contains("/keygate'"))
    let permissions = try FileManager.default.attributesOfItem(atPath: hook)[.posixPermissions] as? Int
    #expect(permissions == 0o755)

    let key = TestKeys.openAIProject(seed: 71)
    try repo.write("config.env", "# settings\nOPENAI_API_KEY=\(key)\n")
    try repo.git(["add", "config.env"])
    let refused = try Self.git(["commit", "-q", "-m", "add key"], in: repo.path)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("config.env"))
    #expect(refused.stderr.contains("config.env:2"), "\(refused.stderr)")
    #expect(refused.stderr.contains("openai-project-key"), "\(refused.stderr)")
    #expect(refused.stderr.contains("keygate:allow"))
    #expect(refused.stderr.contains("--no-verify"))
    #expect(!refused.stderr.contains(key) && !refused.stdout.contains(key))
    #expect(try repo.git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) == "1")

    // Bypass, knowingly.
    let bypassed = try Self.git(["commit", "-q", "--no-verify", "-m", "bypass"], in: repo.path)
    #expect(bypassed.status == 0, "\(bypassed.stderr)")

    try repo.write("notes.txt", "nothing secret\n")
    try repo.git(["add", "notes.txt"])
    let clean = try Self.git(["commit", "-q", "-m", "clean"], in: repo.path)
    #expect(clean.status == 0, "\(clean.stderr)")
    #expect(try repo.git(["rev-list", "--count", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines) == "3")
  }

  @Test func refusedLineIsReported() throws {
    let repo = try TemporaryGitRepository()
    #expect(try KeygateBinary.run(["install-hook", repo.path]).status == 0)
    try repo.write("app/settings.py", "import os\n\nTOKEN = \"\(TestKeys.openAIAdmin(seed: 72))\"\n")
    try repo.git(["add", "-A"])
    let refused = try Self.git(["commit", "-q", "-m", "first"], in: repo.path)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("app/settings.py:3") || refused.stderr.contains("line 3"), "\(refused.stderr)")
    #expect(refused.stderr.contains("openai-admin-key"))
  }

  @Test func worksFromASubdirectoryAndInAPathWithSpaces() throws {
    let base = try TemporaryGitRepository(initialise: false)
    let path = base.path + "/my repo's \"dir\""
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    #expect(try Self.git(["init", "-q", "-b", "main"], in: path).status == 0)
    try FileManager.default.createDirectory(atPath: path + "/sub dir", withIntermediateDirectories: true)
    // Installed from the subdirectory.
    let install = try KeygateBinary.run(["install-hook", "sub dir"], in: path)
    #expect(install.status == 0, "\(install.stderr)")
    #expect(FileManager.default.fileExists(atPath: path + "/.git/hooks/pre-commit"))

    try Data("fine\n".utf8).write(to: URL(fileURLWithPath: path + "/sub dir/ok.txt"))
    #expect(try Self.git(["add", "ok.txt"], in: path + "/sub dir").status == 0)
    let clean = try Self.git(["commit", "-q", "-m", "ok"], in: path + "/sub dir")
    #expect(clean.status == 0, "\(clean.stderr)")

    try Data("KEY=\(TestKeys.openAIProject(seed: 73))\n".utf8).write(to: URL(fileURLWithPath: path + "/sub dir/k.env"))
    #expect(try Self.git(["add", "k.env"], in: path + "/sub dir").status == 0)
    let refused = try Self.git(["commit", "-q", "-m", "key"], in: path + "/sub dir")
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("k.env"), "\(refused.stderr)")
    #expect(refused.stderr.contains("--no-verify"))
  }

  @Test func coreHooksPathIsRespected() throws {
    let repo = try TemporaryGitRepository()
    try repo.git(["config", "core.hooksPath", "custom-hooks"])
    let install = try KeygateBinary.run(["install-hook", repo.path])
    #expect(install.status == 0, "\(install.stderr)")
    #expect(FileManager.default.fileExists(atPath: repo.path + "/custom-hooks/pre-commit"))
    #expect(!FileManager.default.fileExists(atPath: Self.hooksFolder(repo) + "/pre-commit"))
    try repo.write("k.env", "KEY=\(TestKeys.openAIProject(seed: 74))\n")
    try repo.git(["add", "k.env"])
    let refused = try Self.git(["commit", "-q", "-m", "key"], in: repo.path)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("keygate:allow"))
  }

  @Test func aForeignHookIsRefusedWithoutForce() throws {
    let repo = try TemporaryGitRepository()
    let hook = Self.hooksFolder(repo) + "/pre-commit"
    let foreign = "#!/bin/sh\necho foreign\n"
    try Self.writeHook(hook, foreign)
    let refused = try KeygateBinary.run(["install-hook", repo.path])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains(hook))
    #expect(refused.stderr.contains("--force") && refused.stderr.contains("--chain"))
    #expect(try Self.read(hook) == foreign)

    let forced = try KeygateBinary.run(["install-hook", "--force", repo.path])
    #expect(forced.status == 0, "\(forced.stderr)")
    #expect(try Self.read(hook).contains(Self.marker))
    #expect(try Self.read(Self.hooksFolder(repo) + "/pre-commit.keygate-backup") == foreign)

    // Reinstalling keygate's own hook is idempotent and passes options through.
    let again = try KeygateBinary.run(["install-hook", "--fail-on", "high", repo.path])
    #expect(again.status == 0, "\(again.stderr)")
    #expect(try Self.read(hook).contains("--fail-on 'high'"))
  }

  @Test func chainRunsTheOldHookAndUninstallRestoresIt() throws {
    let repo = try TemporaryGitRepository()
    let hooks = Self.hooksFolder(repo)
    let foreign = "#!/bin/sh\ntouch \"$(git rev-parse --show-toplevel)/.git/chained-ran\"\n"
    try Self.writeHook(hooks + "/pre-commit", foreign)
    let install = try KeygateBinary.run(["install-hook", "--chain", repo.path])
    #expect(install.status == 0, "\(install.stderr)")
    #expect(try Self.read(hooks + "/pre-commit.keygate-chained") == foreign)
    #expect(try Self.read(hooks + "/pre-commit").contains(Self.marker))

    try repo.write("a.txt", "a\n")
    try repo.git(["add", "a.txt"])
    let commit = try Self.git(["commit", "-q", "-m", "a"], in: repo.path)
    #expect(commit.status == 0, "\(commit.stderr)")
    #expect(FileManager.default.fileExists(atPath: repo.path + "/.git/chained-ran"))

    // A failing chained hook refuses the commit before keygate runs.
    try Self.writeHook(hooks + "/pre-commit.keygate-chained", "#!/bin/sh\necho chained says no >&2\nexit 3\n")
    try repo.write("b.txt", "b\n")
    try repo.git(["add", "b.txt"])
    let refused = try Self.git(["commit", "-q", "-m", "b"], in: repo.path)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("chained says no"))
    try Self.writeHook(hooks + "/pre-commit.keygate-chained", foreign)

    let uninstall = try KeygateBinary.run(["uninstall-hook", repo.path])
    #expect(uninstall.status == 0, "\(uninstall.stderr)")
    #expect(try Self.read(hooks + "/pre-commit") == foreign)
    #expect(!FileManager.default.fileExists(atPath: hooks + "/pre-commit.keygate-chained"))
  }

  @Test func uninstallRemovesOnlyKeygatesHook() throws {
    let repo = try TemporaryGitRepository()
    let hook = Self.hooksFolder(repo) + "/pre-commit"
    #expect(try KeygateBinary.run(["install-hook", repo.path]).status == 0)
    let removed = try KeygateBinary.run(["uninstall-hook", repo.path])
    #expect(removed.status == 0, "\(removed.stderr)")
    #expect(!FileManager.default.fileExists(atPath: hook))

    try Self.writeHook(hook, "#!/bin/sh\nexit 0\n")
    let refused = try KeygateBinary.run(["uninstall-hook", repo.path])
    #expect(refused.status == 2)
    #expect(refused.stderr.contains(hook))
    #expect(FileManager.default.fileExists(atPath: hook))
  }

  /// The hook names the binary that installed it, quoted for sh: spaces and quotes survive; a
  /// binary that is gone refuses the commit (keygate could not scan).
  @Test func binaryPathWithSpacesAndQuotesAndAMissingBinary() throws {
    let repo = try TemporaryGitRepository()
    let folder = repo.path + "/.git/bin dir 'q' \"$x\""
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let binary = folder + "/keygate"
    try FileManager.default.copyItem(atPath: KeygateBinary.path, toPath: binary)
    let install = try run(binary, ["install-hook", repo.path], environment: TemporaryGitRepository.environment)
    #expect(install.status == 0, "\(install.stderr)")

    try repo.write("a.txt", "a\n")
    try repo.git(["add", "a.txt"])
    let clean = try Self.git(["commit", "-q", "-m", "a"], in: repo.path)
    #expect(clean.status == 0, "\(clean.stderr)")

    try repo.write("k.env", "KEY=\(TestKeys.openAIProject(seed: 75))\n")
    try repo.git(["add", "k.env"])
    let refused = try Self.git(["commit", "-q", "-m", "key"], in: repo.path)
    #expect(refused.status != 0)
    #expect(refused.stderr.contains("k.env:1"), "\(refused.stderr)")

    try FileManager.default.removeItem(atPath: binary)
    try repo.write("b.txt", "b\n")
    try repo.git(["add", "b.txt"])
    let broken = try Self.git(["commit", "-q", "-m", "b"], in: repo.path)
    #expect(broken.status != 0)
    #expect(broken.stderr.contains("could not scan"), "\(broken.stderr)")
    #expect(broken.stderr.contains("commit is refused"))
  }

  @Test func notARepository() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    for command in ["install-hook", "uninstall-hook"] {
      let result = try KeygateBinary.run([command, folder.path])
      #expect(result.status == 2)
      #expect(result.stderr.contains("is not a git repository"), "\(result.stderr)")
    }
  }
}
