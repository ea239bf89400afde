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

  @Option(help: ArgumentHelp("Only what the commits not reachable from REV add (`REV..HEAD`).", valueName: "rev"))
  var since: String?

  @Option(help: ArgumentHelp("Only what the commits of A..B add (B defaults to HEAD).", valueName: "A..B"))
  var range: String?

  @Flag(
    help: """
      In a GitLab CI job: a merge request's new commits, a push's new commits (a new branch's \
      commits not on the default branch), or the whole history in a scheduled pipeline.
      """)
  var ci = false

  @Flag(help: "Scan checked-out submodules too, each as a repository of its own (off: they are listed as skipped).")
  var recurseSubmodules = false

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
    let scopes = [since != nil, range != nil, ci, staged].filter { $0 }.count
    if scopes > 1 { throw ValidationError("--since, --range, --ci and --staged choose what to scan: give one of them.") }
    if let range, CommitRange(parsing: range) == nil || !range.contains("..") {
      throw ValidationError("--range expects A..B (or A.. for A..HEAD), e.g. --range origin/main..HEAD.")
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
    options.recurseSubmodules = recurseSubmodules
    if let since { options.range = CommitRange(exclude: [since], include: ["HEAD"], description: "\(since)..HEAD") }
    if let range { options.range = CommitRange(parsing: range) }
    if ci {
      do {
        if case .commits(let commits) = try GitLabCI.scope(environment: ProcessInfo.processInfo.environment) {
          options.range = commits
        }
      } catch {
        Terminal.diagnose("\(error)")
        throw ExitStatus.couldNotRun
      }
    }
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
