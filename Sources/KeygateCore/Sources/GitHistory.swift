import KeygateGit

/// The blobs of a repository's history, each listed once, and the way back from a blob to the
/// commits and paths that hold it.
///
/// Listing walks every commit reachable from every reference, parents first, reading each
/// tree once; blobs are then read and scanned once each by the scanner's workers. Only blobs
/// with findings are traced back to commits and paths (`introductions(of:)`).
struct GitHistory {
  /// A blob to scan, with the first path and commit it was seen at (for messages).
  struct Blob: Sendable {
    let id: ObjectID
    let path: String
  }

  /// A commit of the walk and its root tree; the index in `commits` is its topological rank.
  struct CommitNode: Sendable {
    let id: ObjectID
    let treeID: ObjectID
    /// Indices in `commits` of the parents that were read (always lower than this commit's).
    var parents: [Int] = []
  }

  private(set) var commits: [CommitNode] = []
  private(set) var blobs: [Blob] = []
  private(set) var problems: [ReadProblem] = []
  private(set) var tips: [ReferenceTip] = []
  /// Trees reached from a tag without a commit (a tag of a tree), scanned like a commit's tree.
  private var looseTrees: [(name: String, tree: ObjectID)] = []

  /// Lists every commit and every unique blob reachable from `repository`'s references.
  /// - Throws: `GitError` when the references or the commit graph cannot be read at all.
  init(listing repository: Repository) throws(GitError) {
    let (tips, failures) = try repository.referenceTips()
    self.tips = tips
    for failure in failures {
      problems.append(ReadProblem(subject: failure.name, message: "cannot resolve reference: \(failure.error)"))
    }
    var seenBlobs = Set<ObjectID>()
    var seenTrees = Set<ObjectID>()
    var submodules = Set<String>()

    let commitTips = tips.filter { $0.kind == .commit }.map(\.target)
    let commitIDs = try repository.commitsParentsFirst(from: Array(Set(commitTips)).sorted())
    commits.reserveCapacity(commitIDs.count)
    var indexByID: [ObjectID: Int] = [:]
    for id in commitIDs {
      do {
        let commit = try repository.commit(id)
        indexByID[id] = commits.count
        commits.append(
          CommitNode(id: id, treeID: commit.treeID, parents: commit.parentIDs.compactMap { indexByID[$0] }))
      } catch {
        problems.append(ReadProblem(subject: "commit \(id)", message: "cannot read commit: \(error)"))
      }
    }
    for tip in tips where tip.kind == .tree { looseTrees.append((tip.name, tip.target)) }
    for tip in tips where tip.kind == .blob && seenBlobs.insert(tip.target).inserted {
      blobs.append(Blob(id: tip.target, path: tip.name))
    }

    let roots = commits.map { ("", $0.treeID) } + looseTrees.map { ("\($0.name):", $0.tree) }
    for (rootPrefix, rootTree) in roots {
      var stack = [(rootTree, rootPrefix)]
      while let (tree, prefix) = stack.popLast() {
        guard seenTrees.insert(tree).inserted else { continue }
        let entries: [TreeEntry]
        do {
          entries = try repository.treeEntries(tree)
        } catch {
          problems.append(
            ReadProblem(subject: "tree \(tree) (\(prefix.isEmpty ? "/" : prefix))", message: "cannot read tree: \(error)"))
          continue
        }
        for entry in entries {
          switch entry.kind {
          case .tree: stack.append((entry.id, prefix + entry.name + "/"))
          case .file, .symlink:
            if seenBlobs.insert(entry.id).inserted { blobs.append(Blob(id: entry.id, path: prefix + entry.name)) }
          case .submodule:
            let path = prefix + entry.name
            if submodules.insert(path).inserted {
              problems.append(
                ReadProblem(
                  subject: path, message: "submodule: its history lives in another repository; add --recurse-submodules to scan it (not scanned)",
                  isIncomplete: false))
            }
          }
        }
      }
    }
  }

  /// Where blobs appear in history: for each blob in `flagged`, each path it is found at and
  /// the first commit (in topological order) holding it there.
  ///
  /// Each tree is read at most once; a tree's flagged paths are computed once and reused by
  /// every commit that holds it.
  /// - Returns: By blob, `(path, commit index)` pairs, and the `(path, blob)` pairs of HEAD.
  func introductions(
    of flagged: Set<ObjectID>, in repository: Repository, head: ObjectID?
  ) -> (
    introductions: [ObjectID: [(path: String, commitIndex: Int?)]], head: [(path: String, blob: ObjectID)],
    appearances: [ObjectID: [Int]]
  ) {
    var memo: [ObjectID: [(path: String, blob: ObjectID)]] = [:]
    func flaggedPaths(in tree: ObjectID) -> [(path: String, blob: ObjectID)] {
      if let cached = memo[tree] { return cached }
      var result: [(path: String, blob: ObjectID)] = []
      // Unreadable trees were reported when listing; here they just hold nothing.
      for entry in (try? repository.treeEntries(tree)) ?? [] {
        switch entry.kind {
        case .file where flagged.contains(entry.id), .symlink where flagged.contains(entry.id):
          result.append((entry.name, entry.id))
        case .tree: result += flaggedPaths(in: entry.id).map { (entry.name + "/" + $0.path, $0.blob) }
        default: break
        }
      }
      memo[tree] = result
      return result
    }

    var introductions: [ObjectID: [(path: String, commitIndex: Int?)]] = [:]
    var appearances: [ObjectID: [Int]] = [:]
    var seen = Set<String>()
    for (index, commit) in commits.enumerated() {
      var inThisCommit = Set<ObjectID>()
      for (path, blob) in flaggedPaths(in: commit.treeID) {
        if inThisCommit.insert(blob).inserted { appearances[blob, default: []].append(index) }
        if seen.insert("\(blob) \(path)").inserted { introductions[blob, default: []].append((path, index)) }
      }
    }
    for (name, tree) in looseTrees {
      for (path, blob) in flaggedPaths(in: tree) where seen.insert("\(blob) \(name):\(path)").inserted {
        introductions[blob, default: []].append(("\(name):\(path)", nil))
      }
    }
    for blob in blobs where flagged.contains(blob.id) && introductions[blob.id] == nil {
      introductions[blob.id] = [(blob.path, nil)]  // a tag of a blob
    }
    var headPaths: [(path: String, blob: ObjectID)] = []
    if let head, let node = commits.first(where: { $0.id == head }) {
      headPaths = flaggedPaths(in: node.treeID)
    }
    return (introductions, headPaths, appearances)
  }

  /// For each group of commits (the commits holding one secret), the references whose history
  /// reaches one of them: the branches and tags that still carry the secret.
  func referencesReaching(_ groups: [[Int]]) -> [[String]] {
    guard !groups.isEmpty else { return [] }
    let words = (groups.count + 63) / 64
    // reach[c]: which groups commit c or one of its ancestors holds, as a bitset.
    var reach = [[UInt64]](repeating: [UInt64](repeating: 0, count: words), count: commits.count)
    for (group, members) in groups.enumerated() {
      for commit in members where commit < commits.count { reach[commit][group / 64] |= 1 << UInt64(group % 64) }
    }
    for index in commits.indices {  // parents first: each parent is done before its children
      for parent in commits[index].parents {
        for word in 0..<words { reach[index][word] |= reach[parent][word] }
      }
    }
    let indexByID = Dictionary(commits.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
    var result = [[String]](repeating: [], count: groups.count)
    for tip in tips where tip.kind == .commit {
      guard let commit = indexByID[tip.target] else { continue }
      for group in groups.indices where reach[commit][group / 64] & (1 << UInt64(group % 64)) != 0 {
        result[group].append(Self.shortName(tip.name))
      }
    }
    return result.map { Array(Set($0)).sorted() }
  }

  /// `main` for `refs/heads/main`, `v1` for `refs/tags/v1`, `origin/main` for a remote branch.
  static func shortName(_ reference: String) -> String {
    for prefix in ["refs/heads/", "refs/tags/", "refs/remotes/"] where reference.hasPrefix(prefix) {
      return String(reference.dropFirst(prefix.count))
    }
    return reference
  }
}
