import ArgumentParser
import Foundation
import KeygateCore
import KeygateReporters

struct AuditTrailCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "audit-trail",
    abstract: "List every key's creation, rotation, revocation and change of owner from the inventory's git history.",
    discussion: """
      The key inventory (keys.yaml, named by `inventory:` in keygate.yaml) lives in git, so its \
      history is the audit trail. keygate walks it through libgit2 (following renames of the \
      file) and lists, per key, each event: created, rotated (the `rotated` date changed), \
      rotation-started (a successor was set), revoked, status-changed, owner-changed, \
      environment-changed, deleted — with the commit, its author and date, and the date the \
      entry itself claims.

      An event whose claimed date is --backdate-days or more before the commit that recorded it \
      (a rotation written down weeks later), or after that commit, is flagged.

      Exit codes: 0 no event flagged; 1 an event is flagged; 2 the configuration, the \
      repository or the inventory cannot be read; 64 usage error.
      """)

  @Argument(help: "The project folder holding keygate.yaml (inside a git repository).", completion: .directory)
  var path: String = "."

  @Option(
    help: ArgumentHelp("Read this configuration file instead of keygate.yaml in the folder.", valueName: "file"),
    completion: .file())
  var config: String?

  @Option(help: ArgumentHelp("The inventory file, instead of the one keygate.yaml names.", valueName: "file"), completion: .file())
  var inventory: String?

  @Option(help: ArgumentHelp("Only this key's events (repeatable).", valueName: "name"))
  var key: [String] = []

  @Option(help: ArgumentHelp("Flag claimed dates this many days or more before their commit.", valueName: "days"))
  var backdateDays: Int = 14

  @Option(name: .shortAndLong, help: "Output format: text, json or markdown.")
  var format: Format = .text

  @Option(name: .shortAndLong, help: "Write to this file instead of standard output.", completion: .file())
  var output: String?

  enum Format: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
  }

  func validate() throws {
    if backdateDays < 1 { throw ValidationError("--backdate-days expects a number of days, 1 or more.") }
  }

  func run() throws {
    let inventoryFile: String
    do {
      var request = ScanSetup.Request(targetPath: path)
      request.configPath = config
      guard let found = try inventory ?? ScanSetup.inventoryPath(request) else {
        Terminal.diagnose(
          "no key inventory: \(config ?? "keygate.yaml in \(path)") names none. Add `inventory: keys.yaml` to "
            + "keygate.yaml, or give the file with --inventory FILE")
        throw ExitStatus.couldNotRun
      }
      inventoryFile = found
    } catch let error as ConfigError {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
    let trail: AuditTrail
    do {
      trail = try AuditTrailReader.read(inventoryFile: inventoryFile, backdateDays: backdateDays)
    } catch {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
    let unknown = key.filter { !trail.keys.contains($0) }
    if !unknown.isEmpty {
      Terminal.diagnose("no key named \(unknown.joined(separator: ", ")) in the history of \(trail.inventoryPath)")
      throw ExitStatus.couldNotRun
    }
    let keys = key.isEmpty ? trail.keys : key
    let reporter = AuditTrailReporter()
    let text =
      switch format {
      case .text: reporter.text(trail, keys: keys)
      case .json: reporter.json(trail, keys: keys)
      case .markdown: reporter.markdown(trail, keys: keys)
      }
    try Terminal.emit(text, to: output)
    throw trail.flagged.contains { keys.contains($0.key) } ? ExitStatus.fail : ExitStatus.pass
  }
}
