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

  @Option(help: "Threads that read and scan at once (default: the number of cores).")
  var workers: Int?

  func validate() throws {
    if let workers, !(1...256).contains(workers) {
      throw ValidationError("--workers must be between 1 and 256.")
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
    if let workers { options.workers = workers }
    do {
      return setup.suppression.apply(to: try Scanner(rules: setup.rules).scan(options))
    } catch {
      Terminal.diagnose("\(error)")
      throw ExitStatus.couldNotRun
    }
  }
}
