import Foundation
import ArgumentParser
import KeygateCore
import KeygateReporters

/// Which rules a command runs: the built-ins, users' rule files, or both.
struct RuleSelection: ParsableArguments {
  @Option(
    name: .customLong("rules"),
    help: ArgumentHelp(
      "A rule file, or a directory of rule files, to add (repeatable).", valueName: "path"),
    completion: .file())
  var rulePaths: [String] = []

  @Flag(help: "Leave out the built-in rules; use only the rule files given.")
  var noBuiltin = false

  /// Loads the selected rules. Built-ins come first; a user rule may not reuse a built-in id.
  /// - Throws: `ConfigError` with file:line:column.
  func load(extraPaths: [String] = []) throws(ConfigError) -> RuleSet {
    let paths = rulePaths + extraPaths
    guard !(noBuiltin && paths.isEmpty) else {
      throw ConfigError(at: nil, "--no-builtin leaves no rules: add rule files with --rules PATH")
    }
    var rules = noBuiltin ? RuleSet(rules: []) : try RuleSet.builtin()
    if !paths.isEmpty { rules = try rules.adding(RuleSet.load(paths: paths)) }
    return rules
  }
}

struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List and test detection rules.",
    subcommands: [List.self, Test.self],
    defaultSubcommand: List.self)

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the rules a scan runs: id, provider, severity, confidence and name.")

    @OptionGroup var selection: RuleSelection

    @Option(name: .shortAndLong, help: "Output format: text (a table) or json (every field of every rule).")
    var format: ListFormat = .text

    func run() throws {
      let rules: RuleSet
      do {
        rules = try selection.load()
      } catch {
        Terminal.diagnose("\(error)")
        throw ExitStatus.couldNotRun
      }
      let reporter = RuleListReporter()
      switch format {
      case .text: Terminal.writeStandardOutput(reporter.table(rules.rules, width: Terminal.width(STDOUT_FILENO)))
      case .json: Terminal.writeStandardOutput(reporter.json(rules.rules))
      }
    }
  }

  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Run every rule's examples and negative examples through the whole matching pipeline.",
      discussion: """
        Each example must be found by its rule, and no negative example may be; the pipeline is \
        the scan's own (Hyperscan, PCRE2, keywords, entropy, context and the placeholder check). \
        With PATHs, the rule files there are tested together with the built-ins (duplicate ids \
        are an error); add --no-builtin to test only them.

        Exit codes: 0 every example passes; 1 some example fails; 2 a rule file is invalid.
        """)

    @Argument(help: "Rule files or directories of rule files to test.", completion: .file())
    var paths: [String] = []

    @OptionGroup var selection: RuleSelection

    func run() throws {
      let outcome: RuleExampleTest.Outcome
      do {
        let rules = try selection.load(extraPaths: paths)
        outcome = try RuleExampleTest(rules: CompiledRules(rules)).run()
      } catch {
        Terminal.diagnose("\(error)")
        throw ExitStatus.couldNotRun
      }
      var text = outcome.failures.map { "\($0)\n" }.joined()
      let failed = Set(outcome.failures.map(\.ruleID)).count
      text += "\(outcome.rulesTested) rule\(outcome.rulesTested == 1 ? "" : "s"), "
        + "\(outcome.examplesRun) examples and negative examples: "
      text += outcome.failures.isEmpty ? "all pass.\n" : "\(outcome.failures.count) failed in \(failed) rule\(failed == 1 ? "" : "s").\n"
      Terminal.writeStandardOutput(text)
      if !outcome.failures.isEmpty { throw ExitStatus.fail }
    }
  }
}
