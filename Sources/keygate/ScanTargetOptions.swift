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

  @Option(
    help: ArgumentHelp(
      """
      Stop matching one blob, file or archive member after this many seconds (fractions allowed; 0 for \
      no bound). The report lists the object as not fully scanned and the verdict as incomplete, so a \
      pathological input cannot hold a pipeline.
      """,
      valueName: "seconds"))
  var maxObjectSeconds: Double = 60

  @Flag(
    help: """
      Do not open archives. By default zip (jar, war, whl, apk, nupkg, docx, …), tar, tar.gz/tgz, \
      tar.bz2, tar.xz, tar.zst, gzip, .deb and container images (docker/podman save, OCI layouts) are \
      opened and their members scanned, in files and in git history alike.
      """)
  var noArchives = false

  @Option(help: ArgumentHelp("Open archives nested up to this deep (an archive in a file is depth 1).", valueName: "n"))
  var maxArchiveDepth: Int = ArchiveLimits().maxDepth

  @Option(
    help: ArgumentHelp(
      "Stop reading one archive (all its levels) after this much content, e.g. 2GB (a zip bomb stops here); the report says so.",
      valueName: "size"))
  var maxArchiveBytes: FileSize = FileSize(bytes: ArchiveLimits().maxExpandedBytes)

  @Option(
    help: ArgumentHelp("Stop reading one archive (all its levels) after this many members; the report says so.", valueName: "n"))
  var maxArchiveMembers: Int = ArchiveLimits().maxMembers

  @Flag(
    help: """
      Ask each leaked key's provider whether the key still works (OpenAI, Anthropic, GitHub, \
      GitLab): one read-only request per key (e.g. GET /v1/models), no retries. Off by default; \
      never with --staged. This sends the leaked keys to their providers' APIs.
      """)
  var verify = false

  @Option(
    help: ArgumentHelp(
      "Where --verify asks a provider, instead of its public API (repeatable), e.g. openai=https://llm-gateway.example.com.",
      valueName: "provider=url"))
  var verifyEndpoint: [VerifyEndpoint] = []

  @Option(help: ArgumentHelp("How long --verify waits for each answer, in seconds.", valueName: "seconds"))
  var verifyTimeout: Double = 10

  @Flag(name: .shortAndLong, help: "No progress line and no summary on standard error; errors are still printed.")
  var quiet = false

  @Flag(help: "Only the policy checks of keygate.yaml (models, inventory, naming, rotation, exposure): no secret scan.")
  var policyOnly = false

  @Flag(help: "Only the secret scan, even when a keygate.yaml defines policies.")
  var secretsOnly = false

  @Option(
    help: ArgumentHelp(
      "Compute key ages, rotation and expiry as of this day (YYYY-MM-DD) instead of today, for reproducible runs.",
      valueName: "date"))
  var asOf: CalendarDay?

  func validate() throws {
    if let jobs, !(1...256).contains(jobs) {
      throw ValidationError("--jobs must be between 1 and 256.")
    }
    let scopes = [since != nil, range != nil, ci, staged].filter { $0 }.count
    if scopes > 1 { throw ValidationError("--since, --range, --ci and --staged choose what to scan: give one of them.") }
    if !(maxObjectSeconds >= 0 && maxObjectSeconds <= 86_400) {
      throw ValidationError("--max-object-seconds must be between 0 (no bound) and 86400.")
    }
    if !(1...32).contains(maxArchiveDepth) { throw ValidationError("--max-archive-depth must be between 1 and 32.") }
    if maxArchiveBytes.bytes <= 0 { throw ValidationError("--max-archive-bytes must be more than 0.") }
    if maxArchiveMembers <= 0 { throw ValidationError("--max-archive-members must be more than 0.") }
    if verify && staged {
      throw ValidationError("--verify sends leaked keys to their providers; it never runs on staged changes (the pre-commit path).")
    }
    if verify && policyOnly { throw ValidationError("--verify checks leaked keys; --policy-only finds none.") }
    if !verify && (!verifyEndpoint.isEmpty || verifyTimeout != 10) {
      throw ValidationError("--verify-endpoint and --verify-timeout apply to --verify: add --verify.")
    }
    if !(verifyTimeout > 0 && verifyTimeout <= 120) { throw ValidationError("--verify-timeout must be between 0 and 120 seconds.") }
    if policyOnly && secretsOnly { throw ValidationError("--policy-only and --secrets-only exclude each other: give one.") }
    if let range, CommitRange(parsing: range) == nil || !range.contains("..") {
      throw ValidationError("--range expects A..B (or A.. for A..HEAD), e.g. --range origin/main..HEAD.")
    }
  }

  var setupRequest: ScanSetup.Request {
    var request = ScanSetup.Request(targetPath: path)
    request.configPath = config
    request.rulePaths = selection.rulePaths
    request.noBuiltin = selection.noBuiltin
    request.secretsOnly = secretsOnly
    request.policyOnly = policyOnly
    request.asOf = asOf
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
    if policyOnly && setup.policy == nil {
      Terminal.diagnose(
        "--policy-only: no policy to check: there is no keygate.yaml in \(path) (or `policy.enabled` is false); "
          + "give one with --config FILE")
      throw ExitStatus.couldNotRun
    }
    var report = policyOnly ? ScanReport.policyOnly(path: path) : try secretScan(setup)
    if verify {
      var endpoints = VerificationEndpoints()
      for endpoint in verifyEndpoint { endpoints[endpoint.provider] = endpoint.url }
      report = report.verifyingSecrets(with: KeyVerifier(endpoints: endpoints, timeoutSeconds: verifyTimeout))
    }
    if let policy = setup.policy {
      report = policy.review(
        report, stagedOnly: staged, configPath: setup.config.path,
        workers: jobs ?? ProcessInfo.processInfo.activeProcessorCount)
    }
    return report
  }

  private func secretScan(_ setup: ScanSetup) throws -> ScanReport {
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
    options.objectTimeLimit = maxObjectSeconds == 0 ? nil : .nanoseconds(Int64(maxObjectSeconds * 1e9))
    if noArchives {
      options.archives = nil
    } else {
      options.archives?.maxDepth = maxArchiveDepth
      options.archives?.maxExpandedBytes = maxArchiveBytes.bytes
      options.archives?.maxMembers = maxArchiveMembers
    }
    // SIGINT or SIGTERM (Ctrl-C, a CI job's timeout): finish the blob in hand, write the report
    // marked incomplete, exit 2 (or 1 when keys were already found). A second signal ends at once.
    // The signals are unblocked too: a parent may have blocked them, and the workers started
    // below inherit this thread's mask.
    var stopSignals = sigset_t()
    sigemptyset(&stopSignals)
    for stop in [SIGINT, SIGTERM] {
      signal(stop) { received in
        ScanCancellation.request(signal: received)
        signal(received, SIG_DFL)
      }
      sigaddset(&stopSignals, stop)
    }
    pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
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

extension CalendarDay: ExpressibleByArgument {
  public init?(argument: String) { self.init(argument) }
}

/// `--verify-endpoint PROVIDER=URL`.
struct VerifyEndpoint: ExpressibleByArgument {
  let provider: VerifiableProvider
  let url: URL

  init?(argument: String) {
    guard let (provider, text) = formatAndPath(argument, as: VerifiableProvider.self), let url = URL(string: text),
      ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil
    else { return nil }
    self.provider = provider
    self.url = url
  }

  static var defaultValueDescription: String { "PROVIDER=URL" }
}
