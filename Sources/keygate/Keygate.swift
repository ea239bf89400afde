import ArgumentParser
import Foundation
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

      With KEYGATE_CHECK_COMMAND_LINE=1 in the environment, keygate only parses and validates \
      its command line, says so and exits 0 (or 64 with the usage error): nothing is read \
      or written. CI templates are linted that way.
      """,
    version: KeygateVersion.current,
    subcommands: [Scan.self, InventoryCommand.self, AuditTrailCommand.self, MergeCommand.self, Rules.self, BaselineCommand.self, RedactCommand.self, InstallHookCommand.self, UninstallHookCommand.self],
    defaultSubcommand: nil)

  /// The environment variable that turns a run into a check of the command line.
  static let checkCommandLineVariable = "KEYGATE_CHECK_COMMAND_LINE"

  static func main() {
    guard ProcessInfo.processInfo.environment[checkCommandLineVariable] == "1" else {
      main(nil)
      return
    }
    do {
      _ = try parseAsRoot()
      print("keygate: the command line is valid (\(checkCommandLineVariable)=1: nothing was run).")
      exit(withError: nil)
    } catch {
      exit(withError: error)
    }
  }
}
