import KeygateGit

/// The commits an incremental scan covers: those reachable from `include` and from none of
/// `exclude` (`git log exclude..include`).
public struct CommitRange: Sendable, Hashable {
  public var exclude: [String]
  public var include: [String]
  /// How the report names the range, e.g. `origin/main..HEAD`.
  public var description: String

  public init(exclude: [String], include: [String], description: String) {
    self.exclude = exclude
    self.include = include
    self.description = description
  }

  /// `A..B` (B defaults to HEAD), or `REV` alone for `REV..HEAD`.
  public init?(parsing text: String) {
    let parts = text.components(separatedBy: "..")
    switch parts.count {
    case 1 where !text.isEmpty: self.init(exclude: [text], include: ["HEAD"], description: "\(text)..HEAD")
    case 2 where !parts[0].isEmpty && !parts[1].hasPrefix("."):
      let include = parts[1].isEmpty ? "HEAD" : parts[1]
      self.init(exclude: [parts[0]], include: [include], description: "\(parts[0])..\(include)")
    default: return nil
    }
  }
}

extension Scanner {
  /// What the commits of `range` add: each commit diffed against its parent (a merge against
  /// each of its parents, keeping only the lines new to all of them), each new blob scanned
  /// once, and only matches on added lines reported, at the commit that added them.
  func scanRange(_ range: CommitRange, in repository: Repository, options: ScanOptions) throws(ScanError) -> ScanReport {
    let path = options.path
    func resolve(_ revision: String) throws(ScanError) -> ObjectID {
      do {
        return try repository.resolveCommit(revision)
      } catch {
        let advice =
          repository.isShallow
          ? "this is a shallow clone and the commit is not in it; fetch more history "
            + "(in GitLab CI set the variable GIT_DEPTH: 0, or a depth that reaches the base commit)"
          : "no such commit in this repository (\(error.message))"
        throw .revision(path: path, revision: revision, reason: advice)
      }
    }
    var exclude: [ObjectID] = []
    for revision in range.exclude { exclude.append(try resolve(revision)) }
    var include: [ObjectID] = []
    for revision in range.include { include.append(try resolve(revision)) }

    var commits: [Commit] = []
    var added: [(commit: Int, content: AddedContent)] = []
    var merges = 0
    do {
      for id in try repository.commits(reachableFrom: include, notFrom: exclude) {
        let commit = try repository.commit(id)
        if commit.parentIDs.count > 1 {
          // A merge adds only what no parent has: conflict resolutions and edits made while
          // merging. What it merges in comes from commits of their own.
          merges += 1
          var perParent: [[AddedContent]] = []
          for parent in commit.parentIDs {
            perParent.append(try repository.addedContent(from: try repository.commit(parent).treeID, to: commit.treeID))
          }
          let index = commits.count
          commits.append(commit)
          for content in Self.addedBeyondEveryParent(perParent) { added.append((index, content)) }
          continue
        }
        let parentTree = try commit.parentIDs.first.map { parent throws(GitError) in try repository.commit(parent).treeID }
        let index = commits.count
        commits.append(commit)
        for content in try repository.addedContent(from: parentTree, to: commit.treeID) { added.append((index, content)) }
      }
    } catch {
      throw .repository(path: path, underlying: error)
    }

    // Each new blob once, however many commits and paths add it.
    var seen = Set<ObjectID>()
    var blobs: [BlobToScan] = []
    for entry in added where seen.insert(entry.content.blob).inserted {
      blobs.append(BlobToScan(id: entry.content.blob, path: entry.content.path, size: nil))
    }
    let scanned = scanBlobs(blobs, options: options)
    var statistics = ScanStatistics()
    statistics.commits = commits.count + merges
    statistics.blobs = blobs.count
    statistics.bytes = scanned.bytes

    // `added` runs parents first, so the first finding of a secret is at its oldest commit.
    var findings: [Finding] = []
    var summaries: [Int: CommitSummary] = [:]
    var firstCommit: [String: CommitSummary] = [:]
    for entry in added {
      guard let matches = scanned.matches[entry.content.blob] else { continue }
      let summary = summaries[entry.commit] ?? CommitSummary(commits[entry.commit])
      summaries[entry.commit] = summary
      for match in matches where entry.content.lines?.contains(where: { $0.contains(match.line) }) ?? true {
        let finding = Finding(
          match: match, rule: rules.rules[match.ruleIndex], source: .history, path: entry.content.path, commit: summary)
        if firstCommit[finding.fingerprint] == nil { firstCommit[finding.fingerprint] = summary }
        findings.append(finding)
      }
    }
    findings.sort(by: Finding.reportOrder)
    let count = commits.count + merges
    var note = "commits \(range.description): \(count) commit\(count == 1 ? "" : "s"); only the lines they add"
    if merges > 0 {
      note += " (\(merges) merge commit\(merges == 1 ? "" : "s"): only the lines new to every parent, such as conflict resolutions)"
    }
    if repository.isShallow { note += "; shallow clone" }
    let head = try? repository.headCommitID()
    return ScanReport(
      target: ScanTarget(path: path, mode: .gitRepository, headCommit: head.flatMap { $0 }?.hex, note: note), findings: findings,
      secrets: Self.summaries(
        of: findings, rules: rules.rules, introducedBy: firstCommit, inHead: nil, inWorkingTree: []),
      problems: scanned.namedProblems(blobs).sorted { ($0.subject, $0.message) < ($1.subject, $1.message) },
      statistics: statistics, rules: rules.rules)
  }

  /// A merge's own additions: for each path changed relative to every parent, the lines added
  /// relative to every parent. A file equal to one parent's adds nothing.
  /// - Parameter perParent: The merge diffed against each parent, in parent order.
  static func addedBeyondEveryParent(_ perParent: [[AddedContent]]) -> [AddedContent] {
    guard let first = perParent.first else { return [] }
    let others = perParent.dropFirst().map { diff in
      Dictionary(diff.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
    }
    var result: [AddedContent] = []
    next: for content in first {
      var lines = content.lines
      for other in others {
        guard let same = other[content.path], same.blob == content.blob else { continue next }
        switch (lines, same.lines) {
        case (nil, let theirs): lines = theirs
        case (let ours?, let theirs?): lines = intersection(ours, theirs)
        case (_, nil): break
        }
      }
      if let lines, lines.isEmpty { continue }
      result.append(AddedContent(path: content.path, blob: content.blob, lines: lines))
    }
    return result
  }

  /// The line numbers in both sorted, disjoint range lists.
  static func intersection(_ a: [ClosedRange<Int>], _ b: [ClosedRange<Int>]) -> [ClosedRange<Int>] {
    var result: [ClosedRange<Int>] = []
    var i = 0
    var j = 0
    while i < a.count, j < b.count {
      let low = max(a[i].lowerBound, b[j].lowerBound)
      let high = min(a[i].upperBound, b[j].upperBound)
      if low <= high { result.append(low...high) }
      if a[i].upperBound < b[j].upperBound { i += 1 } else { j += 1 }
    }
    return result
  }
}
