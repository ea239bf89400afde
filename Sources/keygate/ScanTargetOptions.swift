import ArgumentParser
import Foundation
import KeygateCore

/// What to scan and with which rules and configuration: shared by `scan` and `baseline create`.
struct ScanTargetOptions: ParsableArguments {
  @Argument(help: "The repository or directory to scan.", completion: .directory)
  var path: String = "."

  @Option(
    help: ArgumentHelp("Read this configuration file instead of keygate.yaml in the scanned folder.", valueName: "file"),
    completion: .file())
  var config: String?

  @OptionGroup var selection: RuleSelection

  @Flag(help: "Scan only what is staged in the index (for a pre-commit hook): no history, no unstaged files.")
  var staged = false

  @Flag(help: "Verify every git object's hash as it is read (slower; for forensic audits).")
  var verifyObjects = false

  @Option(
    name: [.customShort("j"), .customLong("jobs"), .customLong("workers")],
    help: "Threads that read and scan at once (default: all cores).")
  var jobs: Int?

  @Option(
    help: ArgumentHelp(
      "Skip blobs and files larger than this (e.g. 50MB, 1GiB, 500K; 0 for no limit); the report lists them.",
      valueName: "size"))
  var maxFileSize: FileSize = FileSize(bytes: 50 * 1024 * 1024)

  @Flag(name: .shortAndLong, help: "No progress line and no summary on standard error; errors are still printed.")
  var quiet = false

  func validate() throws {
    if let jobs, !(1...256).contains(jobs) {
      throw ValidationError("--jobs must be between 1 and 256.")
    }
  }

  var setupRequest: ScanSetup.Request {
    var request = ScanSetup.Request(targetPath: path)
    request.configPath = config
    request.rulePaths = selection.rulePaths
    request.noBuiltin = selection.noBuiltin
    return request
  }

  /// Loads the configuration and rules, scans, and applies suppressions; any failure is
  /// diagnosed on standard error and becomes exit 2.
  func scan(_ request: ScanSetup.Request) throws -> ScanReport {
    let setup: ScanSetup
    do {
      setup = try ScanSetup(request)
    } catch {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
    var options = ScanOptions(path: path)
    options.verifyObjectHashes = verifyObjects
    options.stagedOnly = staged
    if let jobs { options.workers = jobs }
    options.maxFileSize = maxFileSize.bytes == 0 ? nil : maxFileSize.bytes
    let line = quiet ? nil : ProgressLine.startIfTerminal()
    options.progress = line?.progress
    defer { line?.stop() }
    do {
      return setup.suppression.apply(to: try Scanner(rules: setup.rules).scan(options))
    } catch {
      line?.stop()
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
  }
}
