import ArgumentParser
import KeygateCore

@main
struct Keygate: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "keygate",
    abstract: "Find leaked API keys in a repository's whole history and working tree, and gate on them.",
    discussion: """
      Exit codes: 0 the gate passes; 1 it fails (secrets found at or above the threshold); \
      2 keygate could not do its job (unreadable repository, invalid rules, part of the input \
      unreadable and nothing found); 64 usage error.
      """,
    version: KeygateVersion.current,
    subcommands: [Scan.self, Rules.self, BaselineCommand.self],
    defaultSubcommand: nil)
}
