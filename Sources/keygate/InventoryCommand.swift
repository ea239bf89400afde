import ArgumentParser
import Foundation
import KeygateCore
import KeygateReporters

struct InventoryCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "inventory",
    abstract: "Show the key inventory: every key's owner, environment, age, next rotation and violations.",
    discussion: """
      Reads the inventory that keygate.yaml names (`inventory: keys.yaml`) and checks it as \
      `keygate scan` does: naming conventions, rotation age (`rotation:` in keygate.yaml; by \
      default a warning after 60 days, a failure after 90), expiry, successors of rotating \
      keys, and secret values where references belong. The inventory holds references, never \
      values.

      --due-within DAYS lists only the keys whose rotation (or expiry) is due within DAYS, for a \
      scheduled pipeline that reminds owners.

      Exit codes: 0 nothing overdue and no errors; 1 a key is overdue or expired (with \
      --due-within), or the inventory has errors (without it); 2 the configuration or \
      inventory cannot be read (with file:line:column); 64 usage error.
      """)

  @Argument(help: "The project folder holding keygate.yaml.", completion: .directory)
  var path: String = "."

  @Option(
    help: ArgumentHelp("Read this configuration file instead of keygate.yaml in the folder.", valueName: "file"),
    completion: .file())
  var config: String?

  @Option(help: ArgumentHelp("List only keys due for rotation within this many days (or overdue).", valueName: "days"))
  var dueWithin: Int?

  @Option(help: ArgumentHelp("Compute ages as of this day (YYYY-MM-DD) instead of today.", valueName: "date"))
  var asOf: CalendarDay?

  @Option(name: .shortAndLong, help: "Output format: text (a table) or json.")
  var format: ListFormat = .text

  @Option(name: .shortAndLong, help: "Write to this file instead of standard output.", completion: .file())
  var output: String?

  func validate() throws {
    if let dueWithin, dueWithin < 0 { throw ValidationError("--due-within expects a number of days, 0 or more.") }
  }

  func run() throws {
    let status: InventoryStatus
    do {
      var request = ScanSetup.Request(targetPath: path)
      request.configPath = config
      request.asOf = asOf
      let engine = try ScanSetup.policyEngine(request)
      guard let engine, let found = InventoryStatus(engine: engine) else {
        Terminal.diagnose(
          "no key inventory: \(config ?? "keygate.yaml in \(path)") names none. Add `inventory: keys.yaml` to keygate.yaml "
            + "(format: policies/schema/keys.schema.json)")
        throw ExitStatus.couldNotRun
      }
      status = found
    } catch let error as ConfigError {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
    let rows = dueWithin.map { status.due(within: $0) } ?? status.rows
    let reporter = InventoryReporter()
    let text =
      switch format {
      case .text: reporter.table(status, rows: rows, width: output == nil ? Terminal.width(STDOUT_FILENO) : 100)
      case .json: reporter.json(status, rows: rows, dueWithin: dueWithin)
      }
    try Terminal.emit(text, to: output)
    let failed =
      dueWithin != nil
      ? rows.contains(where: \.isOverdue)
      : status.rows.contains { $0.isOverdue || $0.violations.contains { $0.level == .error } }
    throw failed ? ExitStatus.fail : ExitStatus.pass
  }
}
