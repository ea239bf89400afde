import Foundation
import KeygateTestSupport
import Testing

/// keygate reads repositories nobody checked: it must never run what a repository configures
/// (hooks, filters, fsmonitor, textconv, external diff), and never write into it.
@Suite struct HostileRepositoryTests {
  /// A repository whose config and attributes name a program for every hook git offers; each
  /// program would leave a file in `markers` if it ran.
  static func hostileRepository(markers: String) throws -> TemporaryGitRepository {
    let repo = try TemporaryGitRepository()
    // History, an inventory, staged and unstaged changes, made before the hostile config.
    try repo.commit(
      "Initial",
      files: [
        "README.md": "# app\n", "app.py": "print('hi')\n", "keygate.yaml": "version: 1\ninventory: keys.yaml\n",
        "keys.yaml": "version: 1\nkeys: []\n",
      ])
    try repo.commit(
      "Key", files: ["settings.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 981))\n", ".gitattributes": "* filter=evil diff=evil\n"])
    try repo.write("staged.txt", "staged\n")
    try repo.git(["add", "staged.txt"])
    try repo.write("app.py", "print('changed')\n")
    try repo.write("untracked.txt", "new\n")

    func program(_ name: String) -> String { "sh -c 'touch \(markers)/\(name)'" }
    let hooks = markers + "/../hooks"
    let settings: [(String, String)] = [
      ("core.fsmonitor", program("fsmonitor")),
      ("core.hooksPath", hooks),
      ("filter.evil.clean", program("clean")),
      ("filter.evil.smudge", program("smudge")),
      ("filter.evil.process", program("process")),
      ("filter.evil.required", "true"),
      ("diff.evil.textconv", program("textconv")),
      ("diff.evil.command", program("diff-command")),
      ("diff.external", program("diff-external")),
      ("core.pager", program("pager")),
      ("core.askPass", program("askpass")),
      ("credential.helper", "!" + program("credential")),
      ("core.sshCommand", program("ssh")),
      ("uploadpack.packObjectsHook", program("pack-objects")),
    ]
    for (key, value) in settings { try repo.git(["config", key, value]) }
    // Every hook, in the folder core.hooksPath names and in .git/hooks.
    try FileManager.default.createDirectory(atPath: hooks, withIntermediateDirectories: true)
    for hook in [
      "pre-commit", "post-checkout", "post-merge", "pre-push", "reference-transaction", "post-index-change",
      "fsmonitor-watchman", "post-rewrite", "pre-auto-gc",
    ] {
      for folder in [hooks, repo.path + "/.git/hooks"] {
        let path = folder + "/" + hook
        try "#!/bin/sh\ntouch '\(markers)/hook-\(hook)'\n".write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o755)
      }
    }
    return repo
  }

  /// Every file under `path` (the .git folder included) with its size, mode and content hash.
  static func snapshot(_ path: String) throws -> [String: String] {
    var result: [String: String] = [:]
    let enumerator = FileManager.default.enumerator(atPath: path)
    while let relative = enumerator?.nextObject() as? String {
      let full = path + "/" + relative
      let attributes = try FileManager.default.attributesOfItem(atPath: full)
      let content = (try? Data(contentsOf: URL(fileURLWithPath: full))) ?? Data()
      result[relative] =
        "\(attributes[.type] ?? "") \(attributes[.size] ?? 0) \(attributes[.posixPermissions] ?? 0) \(content.hashValue)"
        + " \((attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }
    return result
  }

  @Test func nothingTheRepositoryConfiguresRunsAndNothingIsWritten() throws {
    let sandbox = try TemporaryGitRepository(initialise: false)
    let markers = sandbox.path + "/markers"
    try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
    let repo = try Self.hostileRepository(markers: markers)
    #expect(try FileManager.default.contentsOfDirectory(atPath: markers).isEmpty, "the set-up ran no hostile program")
    let before = try Self.snapshot(repo.path)

    let runs: [[String]] = [
      ["scan", repo.path], ["scan", repo.path, "--staged"], ["scan", repo.path, "--since", "HEAD~1"],
      ["scan", repo.path, "--range", "HEAD~1..HEAD"], ["scan", repo.path, "--policy-only"],
      ["scan", repo.path, "--format", "sarif"], ["inventory", repo.path], ["audit-trail", repo.path],
      ["baseline", "create", repo.path, "--output", sandbox.path + "/baseline.json"],
    ]
    for arguments in runs {
      let result = try KeygateBinary.run(arguments)
      #expect([0, 1].contains(result.status), "keygate \(arguments.joined(separator: " ")) → \(result.status): \(result.stderr)")
    }
    let ran = try FileManager.default.contentsOfDirectory(atPath: markers)
    #expect(ran.isEmpty, "programs the repository configures ran: \(ran)")
    let after = try Self.snapshot(repo.path)
    let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
    #expect(changed.isEmpty, "keygate wrote into the scanned repository: \(changed)")
  }
}
