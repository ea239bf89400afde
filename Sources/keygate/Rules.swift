import ArgumentParser
import KeygateCore

struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(
    abstract: "List the detection rules built into this keygate.")

  func run() throws {
    do {
      let rules = try RuleSet.builtin().rules
      let width = rules.map(\.id.count).max() ?? 0
      var text = ""
      for rule in rules {
        text += rule.id.padding(toLength: width, withPad: " ", startingAt: 0)
          + "  \(rule.severity.rawValue.padding(toLength: 8, withPad: " ", startingAt: 0))  \(rule.name)\n"
      }
      Terminal.writeStandardOutput(text)
    } catch {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
  }
}
