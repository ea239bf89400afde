import ArgumentParser
import Foundation
import KeygateCore

/// The git pre-commit hook keygate installs: where it goes, what it says, how it is recognised.
enum PreCommitHook {
  /// The line that marks a hook as keygate's own; install rewrites and uninstall removes only such a hook.
  static let marker = "# keygate pre-commit hook (installed by keygate install-hook)"
  static let name = "pre-commit"
  /// Where `--chain` moves the hook that was there; keygate's hook runs it first.
  static let chainedName = "pre-commit.keygate-chained"
  /// Where `--force` keeps the hook it replaces.
  static let backupName = "pre-commit.keygate-backup"

  struct Failure: Error {
    let message: String
    init(_ message: String) { self.message = message }
  }

  /// The hooks folder git uses for the repository at `path`: `git rev-parse --git-path hooks`,
  /// which honours `core.hooksPath` and worktrees; a relative answer is relative to `path`.
  static func hooksFolder(repository path: String) throws(Failure) -> URL {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw Failure("\(path) is not a folder, so there is no git repository to install a hook in")
    }
    let directory = URL(fileURLWithPath: path).standardizedFileURL
    let result: (status: Int32, stdout: String, stderr: String)
    do {
      result = try git(["rev-parse", "--git-path", "hooks"], in: directory)
    } catch {
      throw Failure("could not run git (\(error)); git must be installed to manage a pre-commit hook")
    }
    guard result.status == 0 else {
      let detail = result.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
      throw Failure("\(path) is not a git repository\(detail.isEmpty ? "" : " (git: \(detail))")")
    }
    let answer = result.stdout.trimmingCharacters(in: .newlines)
    guard !answer.isEmpty else { throw Failure("git gave no hooks folder for \(path)") }
    if answer.hasPrefix("/") { return URL(fileURLWithPath: answer).standardizedFileURL }
    return directory.appendingPathComponent(answer).standardizedFileURL
  }

  static func git(_ arguments: [String], in directory: URL) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git"] + arguments
    process.currentDirectoryURL = directory
    let output = Pipe()
    let error = Pipe()
    process.standardOutput = output
    process.standardError = error
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // The answers are short; read both to the end, then wait.
    let outData = output.fileHandleForReading.readDataToEndOfFile()
    let errData = error.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
  }

  /// The absolute path of the running keygate executable.
  static func executablePath() -> String {
    #if os(Linux)
      if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), resolved.hasPrefix("/") {
        return resolved
      }
    #endif
    let argument = CommandLine.arguments.first ?? "keygate"
    if argument.contains("/") {
      return URL(fileURLWithPath: argument).standardizedFileURL.resolvingSymlinksInPath().path
    }
    for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") where !folder.isEmpty {
      let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent(argument)
      if FileManager.default.isExecutableFile(atPath: candidate.path) {
        return candidate.standardizedFileURL.resolvingSymlinksInPath().path
      }
    }
    return argument
  }

  /// `text` as one POSIX sh word: single-quoted, with each `'` written as `'\''`.
  static func shellQuoted(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
  }

  /// The hook script.
  static func script(executable: String, failOn: Severity?) -> String {
    let failOnArgument = failOn.map { " --fail-on \(shellQuoted($0.rawValue))" } ?? ""
    return """
      #!/bin/sh
      \(marker)
      # Scans the staged changes for keys and policy violations before each commit.
      # Remove it with `keygate uninstall-hook`; bypass it once with `git commit --no-verify`.
      hooks=$(dirname -- "$0")
      if [ -x "$hooks/\(chainedName)" ]; then
        "$hooks/\(chainedName)" "$@" || exit $?
      fi
      keygate=\(shellQuoted(executable))
      "$keygate" scan --staged "$(git rev-parse --show-toplevel)"\(failOnArgument) 1>&2
      status=$?
      case $status in
        0) exit 0 ;;
        1)
          cat >&2 <<'KEYGATE_EOF'

      keygate: the commit was refused: keygate found a key or a policy violation in the staged
      changes (listed above with file, line and rule). Fix it: remove the key and load it from
      the environment or a secret manager instead. If it is a test value, mark it with a
      `keygate:allow` comment on its line. To bypass the check once, knowingly:
      git commit --no-verify
      KEYGATE_EOF
          exit 1 ;;
        *)
          cat >&2 <<KEYGATE_EOF

      keygate: could not scan the staged changes (exit status $status; see above), so the
      commit is refused. Is keygate still at $keygate?
      To bypass the check once, knowingly: git commit --no-verify
      KEYGATE_EOF
          exit 2 ;;
      esac

      """
  }

  static func isKeygateHook(_ url: URL) -> Bool {
    guard let data = try? Data(contentsOf: url) else { return false }
    return String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      .contains { $0.trimmingCharacters(in: .whitespaces) == marker }
  }

  static func exists(_ url: URL) -> Bool {
    // A dangling symlink still occupies the name.
    (try? FileManager.default.attributesOfItem(atPath: url.path)) != nil
  }
}

/// `keygate install-hook`: install keygate's pre-commit hook in a repository.
struct InstallHookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "install-hook",
    abstract: "Install a git pre-commit hook that runs `keygate scan --staged` before each commit.",
    discussion: """
      The hook goes in the folder git uses for hooks (`git rev-parse --git-path hooks`, which \
      honours core.hooksPath and worktrees) and is a POSIX sh script that runs this keygate \
      binary, by its absolute path, as `keygate scan --staged` on the repository's top level. \
      When keygate finds a key or a policy violation the commit is refused, with the findings \
      and how to fix them; when keygate cannot scan, the commit is refused too. \
      `git commit --no-verify` bypasses the hook once.

      An existing keygate hook (recognised by its marker line) is rewritten. Any other \
      pre-commit hook is left alone unless you choose:
        --force  replaces it; the old hook is kept as pre-commit.keygate-backup (uninstall-hook \
      does not restore it).
        --chain  keeps it as pre-commit.keygate-chained; keygate's hook runs it first, with the \
      same arguments, and refuses the commit if it fails. uninstall-hook puts it back.

      Exit codes: 0 installed; 2 not a git repository, a foreign hook is in the way, or the \
      hook could not be written; 64 usage error.
      """)

  @Argument(help: "The repository (any folder inside its working tree).", completion: .directory)
  var path: String = "."

  @Option(
    help: ArgumentHelp(
      "Passed to `keygate scan --staged`: the lowest severity that refuses the commit.", valueName: "severity"))
  var failOn: Severity?

  @Flag(help: "Replace a pre-commit hook that is not keygate's (kept as pre-commit.keygate-backup).")
  var force = false

  @Flag(help: "Keep a pre-commit hook that is not keygate's as pre-commit.keygate-chained, and run it first.")
  var chain = false

  func validate() throws {
    if force && chain { throw ValidationError("--force and --chain cannot be combined: choose one.") }
  }

  func run() throws {
    do {
      try install()
    } catch let failure as PreCommitHook.Failure {
      Terminal.diagnose(failure.message)
      throw ExitStatus.couldNotRun
    } catch let exit as ExitCode {
      throw exit
    } catch {
      Terminal.diagnose("could not install the pre-commit hook: \(error.localizedDescription)")
      throw ExitStatus.couldNotRun
    }
  }

  private func install() throws {
    let fileManager = FileManager.default
    let hooks = try PreCommitHook.hooksFolder(repository: path)
    try fileManager.createDirectory(at: hooks, withIntermediateDirectories: true)
    let hook = hooks.appendingPathComponent(PreCommitHook.name)
    var note = ""
    if PreCommitHook.exists(hook) && !PreCommitHook.isKeygateHook(hook) {
      if chain {
        let chained = hooks.appendingPathComponent(PreCommitHook.chainedName)
        if PreCommitHook.exists(chained) {
          throw PreCommitHook.Failure(
            "\(chained.path) already exists; move it away before chaining \(hook.path)")
        }
        try fileManager.moveItem(at: hook, to: chained)
        note = " (the existing hook was moved to \(chained.path) and runs first)"
      } else if force {
        let backup = hooks.appendingPathComponent(PreCommitHook.backupName)
        if PreCommitHook.exists(backup) { try fileManager.removeItem(at: backup) }
        try fileManager.moveItem(at: hook, to: backup)
        note = " (the existing hook was kept as \(backup.path))"
      } else {
        throw PreCommitHook.Failure(
          "\(hook.path) already exists and is not keygate's hook; --force replaces it "
            + "(keeping it as \(PreCommitHook.backupName)), --chain keeps it and runs it first")
      }
    }
    let script = PreCommitHook.script(executable: PreCommitHook.executablePath(), failOn: failOn)
    // Write beside the hook and rename, so a commit never sees half a hook.
    let temporary = hooks.appendingPathComponent(".\(PreCommitHook.name).keygate-\(UUID().uuidString)")
    try Data(script.utf8).write(to: temporary)
    try fileManager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: temporary.path)
    if PreCommitHook.exists(hook) { try fileManager.removeItem(at: hook) }
    try fileManager.moveItem(at: temporary, to: hook)
    print("keygate: installed the pre-commit hook at \(hook.path)\(note)")
  }
}

/// `keygate uninstall-hook`: remove keygate's pre-commit hook.
struct UninstallHookCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "uninstall-hook",
    abstract: "Remove the pre-commit hook `keygate install-hook` installed.",
    discussion: """
      Only a hook with keygate's marker line is removed. A hook chained by `install-hook \
      --chain` (pre-commit.keygate-chained) is put back as pre-commit. A backup left by \
      `--force` (pre-commit.keygate-backup) is not touched.

      Exit codes: 0 removed, or there was no hook; 2 not a git repository, the pre-commit \
      hook is not keygate's, or it could not be removed; 64 usage error.
      """)

  @Argument(help: "The repository (any folder inside its working tree).", completion: .directory)
  var path: String = "."

  func run() throws {
    do {
      try uninstall()
    } catch let failure as PreCommitHook.Failure {
      Terminal.diagnose(failure.message)
      throw ExitStatus.couldNotRun
    } catch {
      Terminal.diagnose("could not remove the pre-commit hook: \(error.localizedDescription)")
      throw ExitStatus.couldNotRun
    }
  }

  private func uninstall() throws {
    let fileManager = FileManager.default
    let hooks = try PreCommitHook.hooksFolder(repository: path)
    let hook = hooks.appendingPathComponent(PreCommitHook.name)
    let chained = hooks.appendingPathComponent(PreCommitHook.chainedName)
    if PreCommitHook.exists(hook) {
      guard PreCommitHook.isKeygateHook(hook) else {
        throw PreCommitHook.Failure(
          "\(hook.path) is not keygate's pre-commit hook (it lacks keygate's marker line); left it as it is")
      }
      try fileManager.removeItem(at: hook)
    } else if !PreCommitHook.exists(chained) {
      print("keygate: there is no pre-commit hook at \(hook.path); nothing to remove")
      return
    }
    if PreCommitHook.exists(chained) {
      try fileManager.moveItem(at: chained, to: hook)
      print("keygate: removed keygate's pre-commit hook and restored the chained hook at \(hook.path)")
    } else {
      print("keygate: removed the pre-commit hook at \(hook.path)")
    }
  }
}
