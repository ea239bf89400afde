import Foundation
import KeygateGit
import KeygateRegex

/// What to scan and how.
public struct ScanOptions: Sendable {
  /// A repository's work tree root, a bare repository, or a plain directory.
  public var path: String
  /// Whether libgit2 checks each object's hash as it reads it (slower; for forensics).
  public var verifyObjectHashes = false
  /// How many threads read and scan at once.
  public var workers = ProcessInfo.processInfo.activeProcessorCount
  /// Only what is staged in the index (for a pre-commit hook): no history, no unstaged files.
  public var stagedOnly = false
  /// Blobs and files larger than this many bytes are not read; the report lists them.
  public var maxFileSize: Int? = 50 * 1024 * 1024
  /// Updated as the scan goes, for a progress display.
  public var progress: ScanProgress?
  /// Only what these commits add (`--since`, `--range`, `--ci`); nil for the whole history.
  public var range: CommitRange?
  /// Scan checked-out submodules as repositories of their own (`--recurse-submodules`).
  public var recurseSubmodules = false
  /// How long the matcher may spend on one blob, file or archive member before it stops and
  /// lists the object as not fully scanned; nil for no bound (`--max-object-seconds`).
  public var objectTimeLimit: Duration? = .seconds(60)
  /// How far archives (zip, tar, images, …) in files and blobs are opened; nil opens none
  /// (`--no-archives`).
  public var archives: ArchiveLimits? = ArchiveLimits()

  /// The archive reader these options ask for.
  var archiveContents: ArchiveContents? {
    archives.map { ArchiveContents(limits: $0, maxMemberSize: maxFileSize) }
  }

  public init(path: String) { self.path = path }
}

/// Why a scan could not run at all.
public enum ScanError: Error, Sendable, CustomStringConvertible {
  case pathNotFound(path: String)
  case repository(path: String, underlying: GitError)
  case engine(message: String)
  case notARepository(path: String)
  case revision(path: String, revision: String, reason: String)

  public var description: String {
    switch self {
    case .pathNotFound(let path): "\(path): no such file or directory"
    case .repository(let path, let error):
      "\(path): cannot read the git repository: \(error.message) (libgit2 \(error.function)). "
        + "Check that the repository is not corrupt (`git fsck`) and readable by this user."
    case .engine(let message): "the matching engine failed: \(message)"
    case .revision(let path, let revision, let reason): "\(path): cannot use revision `\(revision)`: \(reason)"
    case .notARepository(let path):
      "\(path): not a git repository, so there is no index to scan; --staged needs a repository"
    }
  }
}

/// Runs every source of a target through the matcher and gathers findings: the one entry point
/// of a scan.
public struct Scanner: Sendable {
  public let rules: CompiledRules

  public init(rules: CompiledRules) { self.rules = rules }

  /// Scans `options.path`: a repository's whole history and its uncommitted changes, or a plain
  /// directory's files.
  /// - Throws: `ScanError` when the target cannot be scanned at all. Parts that cannot be read
  ///   are named in the report's problems instead.
  public func scan(_ options: ScanOptions) throws(ScanError) -> ScanReport {
    let started = ContinuousClock.now
    let startedAt = Date()
    guard FileContent.kind(at: options.path) != nil else { throw .pathNotFound(path: options.path) }
    Libgit2.configure(verifyObjectHashes: options.verifyObjectHashes)
    let repository: Repository?
    do {
      repository = try Repository.open(at: options.path)
    } catch {
      throw .repository(path: options.path, underlying: error)
    }
    var report: ScanReport
    if let repository, options.recurseSubmodules, !options.stagedOnly, options.range == nil,
      let workDirectory = repository.workingDirectory
    {
      report = try scanRepository(repository, options: options)
      report = scanSubmodules(of: repository, workDirectory: workDirectory, into: report, options: options)
    } else if let repository, let range = options.range {
      report = try scanRange(range, in: repository, options: options)
    } else if let repository, options.stagedOnly {
      report = try scanStaged(repository, options: options)
    } else if let repository {
      report = try scanRepository(repository, options: options)
    } else if options.stagedOnly || options.range != nil {
      throw .notARepository(path: options.path)
    } else {
      report = try scanDirectory(options)
    }
    var statistics = report.statistics
    let elapsed = ContinuousClock.now - started
    statistics.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    statistics.startedAt = startedAt
    report = ScanReport(
      target: report.target, findings: report.findings, secrets: report.secrets,
      problems: report.problems + [ScanCancellation.problem()].compactMap { $0 }, statistics: statistics,
      rules: report.rules)
    return report
  }

  // MARK: - Git repositories

  struct BlobResult: Sendable {
    var matches: [(blob: Int, matches: [RawMatch])] = []
    /// By index in the blobs scanned; nil for a worker that could not start.
    var problems: [(blob: Int?, problem: ReadProblem, pathOnly: Bool)] = []
    var treeChildren: [(tree: Int, children: [Int32]?)] = []
    var treeMissing: [(tree: Int, missing: [(id: ObjectID, isTree: Bool)])] = []
    var bytes = 0
  }

  private func scanRepository(_ repository: Repository, options: ScanOptions) throws(ScanError) -> ScanReport {
    let path = options.path
    let history: GitHistory
    let inventory: ObjectInventory
    let head: ObjectID?
    do {
      head = try repository.headCommitID()
      history = try GitHistory(walking: repository)
      inventory = try repository.objectInventory()
    } catch {
      throw .repository(path: path, underlying: error)
    }
    var problems = history.problems
    problems += history.submodulePaths(in: repository).map {
      ReadProblem(
        subject: $0,
        message: "submodule: its history lives in another repository; add --recurse-submodules to scan it (not scanned)",
        isIncomplete: false)
    }
    var statistics = ScanStatistics()
    statistics.commits = history.commits.count
    statistics.blobs = inventory.blobs.count

    // Read and scan every blob of the object database once, in pack order, each worker with its
    // own repository and scratch. Blobs no reference reaches are scanned too: they are in every clone.
    let treeGraph = TreeGraph(trees: inventory.trees, blobs: inventory.blobs.map(\.id))
    let scanned = scanBlobs(
      inventory.blobs.map { BlobToScan(id: $0.id, path: nil, size: $0.size) }, treeGraph: treeGraph, options: options)
    statistics.bytes += scanned.bytes
    let blobMatches = scanned.matches

    // What could not be scanned: unreadable blobs, objects whose header cannot be read, and
    // blobs that reachable trees name but the database does not hold.
    let missing = TreeGraph.missing(
      from: history.rootTrees, graph: treeGraph, children: scanned.treeChildren, missing: scanned.treeMissing)
    var unscannable = scanned.problems
    for object in inventory.unreadable {
      unscannable.append((object.id, ReadProblem(subject: "", message: "cannot read the object's header: \(object.error)"), false))
    }
    for blob in missing.blobs.sorted() {
      unscannable.append(
        (blob, ReadProblem(
          subject: "",
          message: "missing from the object database (a partial clone, or a corrupt repository: `git fsck` says more): not scanned"),
        false))
    }

    // Trace the blobs with findings, or that could not be scanned, back to commits and paths,
    // reading only the trees that lead to them.
    var traced: GitHistory.Trace?
    let flagged = Set(blobMatches.keys).union(unscannable.map(\.blob))
    if !flagged.isEmpty || missing.anyTree {
      let flaggedIndices = Set(flagged.compactMap { treeGraph.blobIndex[$0] })
      let holding = TreeGraph.holding(flaggedIndices, children: scanned.treeChildren, holders: missing.holders)
      let found = history.introductions(of: flagged, in: repository, head: head) { tree in
        treeGraph.treeIndex[tree].map { holding[Int($0)] } ?? true
      }
      problems += found.problems
      traced = found
    }
    problems += scanned.workers
    for (blob, problem, pathOnly) in unscannable {
      let path = traced?.introductions[blob]?.first?.path
      let subject =
        if let path { pathOnly ? path : "\(path) (blob \(blob))" } else { "blob \(blob) (no reference reaches it)" }
      problems.append(ReadProblem(subject: subject, message: problem.message, isIncomplete: problem.isIncomplete))
    }
    let stagedBlobs = repository.isBare ? [] : (try? repository.indexBlobIDs()) ?? []

    // Trace the blobs with findings back to the commits and paths that introduced them.
    var findings: [Finding] = []
    var firstIntroductions: [String: CommitSummary] = [:]
    var headLocations: [(path: String, blob: ObjectID)] = []
    var provenance: [String: SecretProvenance] = [:]
    if !blobMatches.isEmpty, let traced {
      headLocations = traced.head
      (findings, firstIntroductions) = historyFindings(
        blobMatches, introductions: traced.introductions, staged: stagedBlobs, history: history, repository: repository)
      provenance = Self.provenance(
        of: blobMatches, appearances: traced.appearances, history: history, repository: repository)
    }

    // Uncommitted changes: staged content, and files that differ from the index or are untracked.
    var changedPaths = Set<String>()
    if !repository.isBare, let workDirectory = repository.workingDirectory {
      do {
        let changes = try repository.workingTreeChanges()
        changedPaths = Set(changes.map(\.path))
        let uncommitted = scanChanges(
          changes, in: repository, workDirectory: workDirectory, problems: &problems, statistics: &statistics,
          options: options)
        findings += uncommitted
      } catch {
        problems.append(ReadProblem(subject: "working tree", message: "cannot read the index or the working tree: \(error)"))
      }
    }

    var inWorkingTree = Set(findings.filter { $0.source == .index || $0.source == .worktree }.map(\.fingerprint))
    var inHead = Set<String>()
    for location in headLocations {
      for match in blobMatches[location.blob] ?? [] {
        let fingerprint = SHA256.hexDigest(match.secret)
        inHead.insert(fingerprint)
        if !changedPaths.contains(location.path), let root = repository.workingDirectory,
          FileContent.kind(at: root + location.path) != nil
        {
          inWorkingTree.insert(fingerprint)
        }
      }
    }
    findings.sort(by: Finding.reportOrder)
    let target = ScanTarget(
      path: path, mode: .gitRepository, headCommit: head?.hex,
      note: Self.repositoryNote(repository, commits: statistics.commits))
    return ScanReport(
      target: target, findings: findings,
      secrets: Self.summaries(
        of: findings, rules: rules.rules, introducedBy: firstIntroductions, inHead: head == nil ? nil : inHead,
        inWorkingTree: inWorkingTree, provenance: provenance),
      problems: problems.sorted { ($0.subject, $0.message) < ($1.subject, $1.message) }, statistics: statistics,
      rules: rules.rules)
  }

  /// A blob to read and scan: its path when the caller knows it (for messages), its size when
  /// the pack says it without inflating.
  struct BlobToScan: Sendable {
    let id: ObjectID
    let path: String?
    let size: Int?
  }

  /// What scanning blobs found: matches by blob, and what could not be scanned, by blob.
  struct ScannedBlobs {
    var matches: [ObjectID: [RawMatch]] = [:]
    /// `pathOnly`: the subject is the blob's path alone (a note, not a failure to read).
    var problems: [(blob: ObjectID, problem: ReadProblem, pathOnly: Bool)] = []
    /// Workers that could not start (the others took their share).
    var workers: [ReadProblem] = []
    /// With a tree graph: each tree's children (nil when it could not be read), and the
    /// objects trees name that the database does not hold, by tree.
    var treeChildren: [[Int32]?] = []
    var treeMissing: [Int: [(id: ObjectID, isTree: Bool)]] = [:]
    var bytes = 0

    /// The problems, each named by the blob's id and, when known, its path.
    func namedProblems(_ blobs: [BlobToScan]) -> [ReadProblem] {
      let paths = Dictionary(blobs.compactMap { blob in blob.path.map { (blob.id, $0) } }, uniquingKeysWith: { a, _ in a })
      return workers + problems.map { blob, problem, pathOnly in
        // Inside an archive, the subject is the member chain (`!member…`) the blob's name goes before.
        let members = problem.subject
        let subject = paths[blob].map { pathOnly ? $0 + members : "blob \(blob) (\($0)\(members))" } ?? "blob \(blob)\(members)"
        return ReadProblem(subject: subject, message: problem.message, isIncomplete: problem.isIncomplete)
      }
    }
  }

  /// How many consecutive blobs a worker takes at once: blobs that lie together in a pack share
  /// delta bases, which libgit2 then inflates once.
  static let blobsPerClaim = 32

  /// Reads and scans each blob once, on `options.workers` threads, each with its own repository
  /// and scratch space. Problems are recorded with an empty subject; `namedProblems` names them.
  /// With `treeGraph`, the same workers then read every tree of the graph once (in pack order)
  /// and record its children in `treeChildren`.
  func scanBlobs(_ blobs: [BlobToScan], treeGraph: TreeGraph? = nil, options: ScanOptions) -> ScannedBlobs {
    let path = options.path
    let rules = self.rules
    let archives = options.archiveContents
    let maxFileSize = options.maxFileSize
    let progress = options.progress
    let objectTimeLimit = options.objectTimeLimit
    progress?.total.store(blobs.count, ordering: .relaxed)
    let blobClaims = (blobs.count + Self.blobsPerClaim - 1) / Self.blobsPerClaim
    let trees = treeGraph?.trees ?? []
    let treesPerClaim = 256
    let claims = blobClaims + (trees.count + treesPerClaim - 1) / treesPerClaim
    let results = runWorkers(min(options.workers, max(1, claims))) { nextClaim in
      var result = BlobResult()
      let workerRepository: Repository
      var matcher: Matcher
      do {
        guard let opened = try Repository.open(at: path) else { throw GitError(code: -1, message: "repository vanished", function: "open") }
        workerRepository = opened
        matcher = try Matcher(rules: rules, timeLimit: objectTimeLimit)
      } catch {
        result.problems.append((nil, ReadProblem(subject: path, message: "a scanning worker could not start: \(error)"), false))
        return result
      }
      while case let claim = nextClaim(), claim < claims, !ScanCancellation.isRequested {
        if claim >= blobClaims, let treeGraph {
          let first = (claim - blobClaims) * treesPerClaim
          for index in first..<min(trees.count, first + treesPerClaim) {
            let read = try? treeGraph.children(of: trees[index], in: workerRepository)
            result.treeChildren.append((index, read?.children))
            if let missing = read?.missing, !missing.isEmpty { result.treeMissing.append((index, missing)) }
          }
          continue
        }
        for index in claim * Self.blobsPerClaim..<min(blobs.count, (claim + 1) * Self.blobsPerClaim) {
          let blob = blobs[index]
          do {
            if let maxFileSize, case let size = try blob.size ?? workerRepository.objectSize(blob.id), size > maxFileSize {
              result.problems.append((index, Self.tooLarge("", size: size, limit: maxFileSize), false))
              progress?.record(bytes: 0, matches: 0)
              continue
            }
            let scanned = try workerRepository.withBlobContents(blob.id) { bytes in
              // A Git LFS pointer names content kept outside the repository: say so, scan nothing.
              LFSPointer.matches(bytes)
                ? (count: bytes.count, matches: .success(ArchiveMatches()), isLFSPointer: true)
                : (
                  count: bytes.count,
                  matches: Result { () throws(RegexError) in
                    try ArchiveContents.scan(
                      bytes, named: Self.fileName(blob.path ?? ""), archives: archives, matcher: &matcher)
                  }, isLFSPointer: false
                )
            }
            if scanned.isLFSPointer {
              result.problems.append(
                (index, ReadProblem(
                  subject: "", message: "Git LFS pointer: the content is in LFS storage, not in git, and was not scanned",
                  isIncomplete: false), true))
            }
            result.bytes += scanned.count
            let found = try scanned.matches.get()
            progress?.record(bytes: scanned.count, matches: found.matches.count)
            if !found.matches.isEmpty { result.matches.append((index, found.matches)) }
            for problem in found.readProblems(under: "") {
              result.problems.append((index, problem, false))
            }
          } catch {
            result.problems.append((index, ReadProblem(subject: "", message: "\(error)"), false))
          }
        }
      }
      return result
    }
    var scanned = ScannedBlobs()
    for result in results {
      scanned.bytes += result.bytes
      for (index, problem, pathOnly) in result.problems {
        if let index {
          scanned.problems.append((blobs[index].id, problem, pathOnly))
        } else {
          scanned.workers.append(problem)
        }
      }
      for entry in result.matches { scanned.matches[blobs[entry.blob].id] = entry.matches }
    }
    if !trees.isEmpty {
      scanned.treeChildren = [[Int32]?](repeating: nil, count: trees.count)
      for result in results {
        for (index, children) in result.treeChildren { scanned.treeChildren[index] = children }
        for (index, missing) in result.treeMissing { scanned.treeMissing[index] = missing }
      }
    }
    return scanned
  }

  /// For each secret: the commits whose tree holds it (counted; the oldest few described) and
  /// the references that reach one of them.
  static func provenance(
    of blobMatches: [ObjectID: [RawMatch]], appearances: [ObjectID: [Int]], history: GitHistory,
    repository: Repository
  ) -> [String: SecretProvenance] {
    var commitsBySecret: [String: Set<Int>] = [:]
    for (blob, matches) in blobMatches {
      let holding = appearances[blob] ?? []
      for match in matches { commitsBySecret[SHA256.hexDigest(match.secret), default: []].formUnion(holding) }
    }
    let fingerprints = commitsBySecret.keys.sorted()
    let groups = fingerprints.map { commitsBySecret[$0]!.sorted() }
    let references = history.referencesReaching(groups)
    var result: [String: SecretProvenance] = [:]
    for (index, fingerprint) in fingerprints.enumerated() {
      let listed = groups[index].prefix(SecretProvenance.listLimit).compactMap { commitIndex -> CommitSummary? in
        guard let commit = try? repository.commit(history.commits[commitIndex].id) else { return nil }
        return CommitSummary(commit)
      }
      result[fingerprint] = SecretProvenance(
        commitCount: groups[index].count, commits: listed, references: references[index])
    }
    return result
  }

  /// One finding per secret and path, at the commit that first introduced it there; and, by
  /// fingerprint, the first commit (in topological order) that introduced the secret anywhere.
  private func historyFindings(
    _ blobMatches: [ObjectID: [RawMatch]], introductions: [ObjectID: [(path: String, commitIndex: Int?)]],
    staged: Set<ObjectID>, history: GitHistory, repository: Repository
  ) -> (findings: [Finding], firstIntroductions: [String: CommitSummary]) {
    struct Key: Hashable {
      let rule: Int
      let secret: String
      let path: String
    }
    // For each (rule, secret, path): the earliest introducing commit and the blob it was in.
    var earliest: [Key: (rank: Int, commitIndex: Int?, blob: ObjectID)] = [:]
    for (blob, matches) in blobMatches {
      for (path, commitIndex) in introductions[blob] ?? [] {
        let rank = commitIndex ?? Int.max
        for match in matches {
          let key = Key(rule: match.ruleIndex, secret: match.secret, path: path)
          if let current = earliest[key], (current.rank, current.blob) <= (rank, blob) { continue }
          earliest[key] = (rank, commitIndex, blob)
        }
      }
    }
    var commitSummaries: [Int: CommitSummary] = [:]
    func summary(_ index: Int) -> CommitSummary? {
      if let cached = commitSummaries[index] { return cached }
      guard let commit = try? repository.commit(history.commits[index].id) else { return nil }
      let summary = CommitSummary(commit)
      commitSummaries[index] = summary
      return summary
    }
    var findings: [Finding] = []
    var first: [String: (rank: Int, commit: CommitSummary)] = [:]
    for (key, origin) in earliest {
      let commit = origin.commitIndex.flatMap(summary)
      let fingerprint = SHA256.hexDigest(key.secret)
      if let commit, origin.rank < first[fingerprint]?.rank ?? Int.max { first[fingerprint] = (origin.rank, commit) }
      for match in blobMatches[origin.blob]! where match.ruleIndex == key.rule && match.secret == key.secret {
        findings.append(Finding(match: match, rule: rules.rules[key.rule], source: .history, path: key.path, commit: commit))
      }
    }
    // A blob no reference reaches has no path: it is named by its id. Staged content is not
    // reached from a reference either; the working-tree scan reports it, at its path.
    for (blob, matches) in blobMatches where introductions[blob] == nil && !staged.contains(blob) {
      for match in matches {
        findings.append(
          Finding(match: match, rule: rules.rules[match.ruleIndex], source: .unreachable, path: "blob \(blob)", commit: nil))
      }
    }
    return (findings, first.mapValues(\.commit))
  }

  /// The staged content only: the lines the next commit would add to HEAD (everything staged
  /// when there is no commit yet). A key HEAD already holds in a file the commit touches is not
  /// this commit's doing; the full scan reports that one.
  private func scanStaged(_ repository: Repository, options: ScanOptions) throws(ScanError) -> ScanReport {
    let head: ObjectID?
    let staged: [AddedContent]
    do {
      head = try repository.headCommitID()
      let headTree = try head.map { id throws(GitError) in try repository.commit(id).treeID }
      staged = try repository.stagedContent(comparedTo: headTree)
    } catch {
      throw .repository(path: options.path, underlying: error)
    }
    var seen = Set<ObjectID>()
    let blobs = staged.filter { seen.insert($0.blob).inserted }.map { BlobToScan(id: $0.blob, path: $0.path, size: nil) }
    let scanned = scanBlobs(blobs, options: options)
    var statistics = ScanStatistics()
    statistics.files = staged.count
    statistics.bytes = scanned.bytes
    var findings: [Finding] = []
    for content in staged {
      for match in scanned.matches[content.blob] ?? []
      where content.lines?.contains(where: { $0.contains(match.line) }) ?? true {
        findings.append(makeFinding(match, source: .index, path: content.path))
      }
    }
    findings.sort(by: Finding.reportOrder)
    let files = "\(staged.count) file\(staged.count == 1 ? "" : "s")"
    let target = ScanTarget(
      path: options.path, mode: .gitRepository, headCommit: head?.hex,
      note: "staged changes only (\(files) staged, \(head == nil ? "no commit yet" : "against HEAD")): "
        + "only the lines they add; no history, no unstaged files")
    return ScanReport(
      target: target, findings: findings,
      secrets: Self.summaries(
        of: findings, rules: rules.rules, introducedBy: [:], inHead: nil, inWorkingTree: Set(findings.map(\.fingerprint))),
      problems: scanned.namedProblems(blobs).sorted { ($0.subject, $0.message) < ($1.subject, $1.message) },
      statistics: statistics, rules: rules.rules)
  }

  private func scanChanges(
    _ changes: [WorkingTreeChange], in repository: Repository, workDirectory: String, problems: inout [ReadProblem],
    statistics: inout ScanStatistics, options: ScanOptions
  ) -> [Finding] {
    let maxFileSize = options.maxFileSize
    let archives = options.archiveContents
    var matcher: Matcher
    do {
      matcher = try Matcher(rules: rules, timeLimit: options.objectTimeLimit)
    } catch {
      problems.append(ReadProblem(subject: "working tree", message: "\(error)"))
      return []
    }
    var findings: [Finding] = []
    var staged = Set<String>()
    for change in changes where !ScanCancellation.isRequested {
      if let blob = change.stagedBlob {
        if let maxFileSize, let size = try? repository.objectSize(blob), size > maxFileSize {
          problems.append(Self.tooLarge("\(change.path) (staged)", size: size, limit: maxFileSize))
        } else {
        do {
          let found = try repository.withBlobContents(blob) { bytes in
            statistics.bytes += bytes.count
            return Result { () throws(RegexError) in
              try ArchiveContents.scan(bytes, named: Self.fileName(change.path), archives: archives, matcher: &matcher)
            }
          }.get()
          statistics.files += 1
          problems += found.readProblems(under: "\(change.path) (staged)")
          for match in found.matches {
            let finding = makeFinding(match, source: .index, path: change.path)
            staged.insert("\(finding.path) \(finding.line) \(finding.column) \(finding.fingerprint)")
            findings.append(finding)
          }
        } catch {
          problems.append(ReadProblem(subject: change.path, message: "cannot read the staged content: \(error)"))
        }
        }
      }
      guard change.workTreeDiffers else { continue }
      let absolute = Array(workDirectory.utf8) + change.pathBytes
      switch FileContent.kind(atBytes: absolute) {
      case nil:
        // Deleted in the work tree: nothing on disk to scan. Any other reason is named.
        if errno != ENOENT { problems.append(ReadProblem(subject: change.path, message: "cannot read: \(FileReadError(code: errno))")) }
        continue
      case .directory:
        problems.append(
          ReadProblem(
            subject: change.path, message: "nested git repository: not part of this one; scan it separately",
            isIncomplete: false))
        continue
      default: break
      }
      do {
        let scanned = try Self.scanFile(at: absolute, shown: change.path, maxFileSize: maxFileSize, archives: archives, matcher: &matcher)
        guard let found = scanned.found else {
          problems.append(Self.tooLarge(change.path, size: scanned.size, limit: maxFileSize ?? 0))
          continue
        }
        statistics.bytes += found.bytes
        statistics.files += 1
        problems += found.readProblems(under: change.path)
        for match in found.matches {
          let finding = makeFinding(match, source: .worktree, path: change.path)
          // The same secret at the same place in the staged copy is already reported.
          if !staged.contains("\(finding.path) \(finding.line) \(finding.column) \(finding.fingerprint)") {
            findings.append(finding)
          }
        }
      } catch {
        problems.append(ReadProblem(subject: change.path, message: "cannot read: \(FileContent.reason(error))"))
      }
    }
    return findings
  }

  /// Each checked-out submodule scanned as a repository of its own (recursively), its findings
  /// placed under its path; a submodule that is not checked out is listed as skipped.
  private func scanSubmodules(
    of repository: Repository, workDirectory: String, into report: ScanReport, options: ScanOptions
  ) -> ScanReport {
    var findings = report.findings
    var problems = report.problems.filter { !($0.message.hasPrefix("submodule:") && !$0.isIncomplete) }
    var statistics = report.statistics
    var introducedBy: [String: CommitSummary] = [:]
    var inHead: Set<String> = []
    var inWorkingTree: Set<String> = []
    var provenance: [String: SecretProvenance] = [:]
    for secret in report.secrets {
      introducedBy[secret.fingerprint] = secret.introducedBy
      if secret.inHead == true { inHead.insert(secret.fingerprint) }
      if secret.inWorkingTree { inWorkingTree.insert(secret.fingerprint) }
      provenance[secret.fingerprint] = secret.provenance
    }
    let paths: [String]
    do {
      paths = try repository.submodulePaths()
    } catch {
      problems.append(ReadProblem(subject: "index", message: "cannot list the submodules: \(error)"))
      paths = []
    }
    for path in paths {
      var subOptions = options
      subOptions.path = workDirectory + path
      guard (try? Repository.open(at: subOptions.path)) != nil else {
        problems.append(
          ReadProblem(
            subject: path, message: "submodule not checked out (run `git submodule update --init`): not scanned",
            isIncomplete: false))
        continue
      }
      do {
        let sub = try scan(subOptions)
        findings += sub.findings.map { $0.relocated(under: path) }
        problems += sub.problems.map { ReadProblem(subject: "\(path)/\($0.subject)", message: $0.message, isIncomplete: $0.isIncomplete) }
        statistics.commits += sub.statistics.commits
        statistics.blobs += sub.statistics.blobs
        statistics.files += sub.statistics.files
        statistics.bytes += sub.statistics.bytes
        for secret in sub.secrets {
          if introducedBy[secret.fingerprint] == nil { introducedBy[secret.fingerprint] = secret.introducedBy }
          if secret.inHead == true { inHead.insert(secret.fingerprint) }
          if secret.inWorkingTree { inWorkingTree.insert(secret.fingerprint) }
          if provenance[secret.fingerprint] == nil { provenance[secret.fingerprint] = secret.provenance }
        }
      } catch {
        problems.append(ReadProblem(subject: path, message: "cannot scan the submodule: \(error)"))
      }
    }
    findings.sort(by: Finding.reportOrder)
    let note = [report.target.note, paths.isEmpty ? nil : "submodules scanned: \(paths.joined(separator: ", "))"]
      .compactMap { $0 }.joined(separator: "; ")
    return ScanReport(
      target: ScanTarget(path: report.target.path, mode: report.target.mode, headCommit: report.target.headCommit, note: note.isEmpty ? nil : note),
      findings: findings,
      secrets: Self.summaries(
        of: findings, rules: rules.rules, introducedBy: introducedBy, inHead: report.secrets.isEmpty && inHead.isEmpty ? nil : inHead,
        inWorkingTree: inWorkingTree, provenance: provenance),
      problems: problems.sorted { ($0.subject, $0.message) < ($1.subject, $1.message) }, statistics: statistics,
      rules: rules.rules)
  }

  /// What the report says of how the repository was read: bare (no working tree), shallow
  /// (history stops at the clone's depth).
  static func repositoryNote(_ repository: Repository, commits: Int) -> String? {
    var parts: [String] = []
    if repository.isBare { parts.append("bare repository: history only, no working tree") }
    if repository.isPartialClone {
      parts.append(
        "partial clone (git clone --filter): objects the filter left out were never fetched and cannot be scanned; "
          + "clone without --filter for a complete audit")
    }
    if repository.isShallow {
      parts.append(
        "shallow clone: history stops after the \(commits) commit\(commits == 1 ? "" : "s") fetched; "
          + "fetch the whole history (GIT_DEPTH: 0 in GitLab CI) for a complete audit")
    }
    return parts.isEmpty ? nil : parts.joined(separator: "; ")
  }

  /// The last component of a slash-separated path.
  static func fileName(_ path: String) -> String { String(path.split(separator: "/").last ?? "") }

  /// A deliberate skip of content over `--max-file-size`, listed in the report.
  /// Scans one file on disk, found by its path's bytes (which need not be UTF-8). An archive is
  /// streamed member by member from the file, whatever its size; other content is memory-mapped,
  /// and left unread when it is over `maxFileSize` (`found` is nil, `size` says how large).
  /// - Throws: The reason the file cannot be read.
  private static func scanFile(
    at path: [UInt8], shown: String, isLayer: Bool = false, maxFileSize: Int?, archives: ArchiveContents?,
    matcher: inout Matcher
  ) throws -> (found: ArchiveMatches?, size: Int) {
    if let archives, let streamable = String(validating: path, as: UTF8.self), FileContent.isArchive(at: streamable) {
      let found = archives.scan(file: streamable, isLayer: isLayer, matcher: &matcher)
      return (found, found.bytes)
    }
    // An archive that reaches the mapping has a name that is not UTF-8: it is read from memory.
    return try FileContent.withContents(ofBytes: path) { bytes in
      let isArchive = archives != nil && ArchiveContents.isArchive(bytes)
      if !isArchive, let maxFileSize, bytes.count > maxFileSize { return (nil, bytes.count) }
      let name = shown.split(separator: "/").last.map(String.init) ?? shown
      return (try ArchiveContents.scan(bytes, named: name, archives: archives, matcher: &matcher), bytes.count)
    }
  }

  static func tooLarge(_ subject: String, size: Int, limit: Int) -> ReadProblem {
    ReadProblem(
      subject: subject,
      message: "\(size / (1024 * 1024)) MiB, over --max-file-size (\(limit / (1024 * 1024)) MiB): not scanned; "
        + "raise the limit to scan it", isIncomplete: false)
  }

  private func makeFinding(_ match: RawMatch, source: FindingSource, path: String) -> Finding {
    Finding(match: match, rule: rules.rules[match.ruleIndex], source: source, path: path, commit: nil)
  }

  // MARK: - Plain directories

  private struct FileResult: Sendable {
    var findings: [Finding] = []
    var problems: [ReadProblem] = []
    var bytes = 0
    var files = 0
  }

  private func scanDirectory(_ options: ScanOptions) throws(ScanError) -> ScanReport {
    let root = options.path
    var note = "not a git repository: scanned as a plain directory (files only, no history)"
    if let enclosing = Repository.discoverRoot(containing: root) {
      note = "inside the git repository at \(enclosing): scanned as a plain directory (files only); "
        + "run `keygate scan \(enclosing)` for its history"
    }
    let isSingleFile = FileContent.kind(at: root) != .directory
    let tree = isSingleFile ? nil : DirectoryTree(listing: root)
    // What the report shows, and the path's bytes (a name need not be UTF-8).
    let files = tree?.files ?? [((root as NSString).lastPathComponent, Array(root.utf8))]
    let rules = self.rules
    let maxFileSize = options.maxFileSize
    let archives = options.archiveContents
    let progress = options.progress
    let objectTimeLimit = options.objectTimeLimit
    progress?.total.store(files.count, ordering: .relaxed)
    let results = runWorkers(min(options.workers, max(1, files.count))) { nextIndex in
      var result = FileResult()
      var matcher: Matcher
      do {
        matcher = try Matcher(rules: rules, timeLimit: objectTimeLimit)
      } catch {
        result.problems.append(ReadProblem(subject: root, message: "a scanning worker could not start: \(error)"))
        return result
      }
      while case let index = nextIndex(), index < files.count, !ScanCancellation.isRequested {
        let (shown, pathBytes) = files[index]
        let (name, isLayer) = ArchiveContents.name(ofFile: shown)
        do {
          let scanned = try Self.scanFile(
            at: pathBytes, shown: shown, isLayer: isLayer, maxFileSize: maxFileSize, archives: archives, matcher: &matcher)
          guard let found = scanned.found else {
            result.problems.append(Self.tooLarge(shown, size: scanned.size, limit: maxFileSize ?? 0))
            progress?.record(bytes: 0, matches: 0)
            continue
          }
          result.bytes += found.bytes
          result.problems += found.readProblems(under: found.isArchive ? name : shown)
          result.files += 1
          progress?.record(bytes: 0, matches: found.matches.count)
          result.findings += found.matches.map {
            Finding(match: $0, rule: rules.rules[$0.ruleIndex], source: .file, path: found.isArchive ? name : shown, commit: nil)
          }
        } catch {
          result.problems.append(ReadProblem(subject: shown, message: "cannot read: \(FileContent.reason(error))"))
        }
      }
      return result
    }
    var statistics = ScanStatistics()
    var findings: [Finding] = []
    var problems = tree?.problems ?? []
    for result in results {
      findings += result.findings
      problems += result.problems
      statistics.bytes += result.bytes
      statistics.files += result.files
    }
    findings.sort(by: Finding.reportOrder)
    return ScanReport(
      target: ScanTarget(path: root, mode: .directory, headCommit: nil, note: note), findings: findings,
      secrets: Self.summaries(
        of: findings, rules: rules.rules, introducedBy: [:], inHead: nil, inWorkingTree: Set(findings.map(\.fingerprint))),
      problems: problems.sorted { ($0.subject, $0.message) < ($1.subject, $1.message) }, statistics: statistics,
      rules: rules.rules)
  }

  // MARK: - Grouping

  public static func summaries(
    of findings: [Finding], rules: [Rule], introducedBy: [String: CommitSummary], inHead: Set<String>?,
    inWorkingTree: Set<String>, provenance: [String: SecretProvenance] = [:]
  ) -> [SecretSummary] {
    let ruleByID = Dictionary(rules.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    var order: [String] = []
    var groups: [String: [Finding]] = [:]
    for finding in findings {
      if groups[finding.fingerprint] == nil { order.append(finding.fingerprint) }
      groups[finding.fingerprint, default: []].append(finding)
    }
    let summaries = order.map { fingerprint in
      let group = groups[fingerprint]!
      let first = group[0]
      return SecretSummary(
        fingerprint: fingerprint, redacted: first.redacted, ruleID: first.ruleID, ruleName: first.ruleName,
        severity: group.map(\.severity).max()!, remediation: ruleByID[first.ruleID]?.remediation ?? "",
        findings: group, introducedBy: introducedBy[fingerprint], inHead: inHead.map { $0.contains(fingerprint) },
        inWorkingTree: inWorkingTree.contains(fingerprint), provenance: provenance[fingerprint])
    }
    return summaries.enumerated().sorted { a, b in
      (a.element.severity, b.offset) > (b.element.severity, a.offset)
    }.map(\.element)
  }
}
