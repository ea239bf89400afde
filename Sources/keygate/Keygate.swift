import ArgumentParser
import KeygateCore

@main
struct Keygate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keygate",
    abstract: "Find leaked API keys in a repository's whole history and working tree, check the project's key and model policy, and gate on both.",
    discussion: """
      Exit codes: 0 the gate passes; 1 it fails (secrets found at or above the threshold, or \
      policy violations); \
      2 keygate could not do its job (unreadable repository, invalid rules, part of the input \
      unreadable and nothing found); 64 usage error.
      """,
    version: KeygateVersion.current,
    subcommands: [Scan.self, InventoryCommand.self, MergeCommand.self, Rules.self, BaselineCommand.self, RedactCommand.self, InstallHookCommand.self, UninstallHookCommand.self],
    defaultSubcommand: nil)
}
