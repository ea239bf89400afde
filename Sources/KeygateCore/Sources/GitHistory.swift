import KeygateGit

/// A repository's commits, parents first, and the way back from a blob to the commits and
/// paths that hold it.
///
/// Blobs are not listed here: the scanner reads them from the object database in pack order
/// (`ObjectInventory`). Trees are read only to trace the few blobs with findings back to commits
/// and paths (`introductions(of:)`), each tree once.
struct GitHistory {
  /// A commit of the walk and its root tree; the index in `commits` is its topological rank.
  struct CommitNode: Sendable {
    let id: ObjectID
    let treeID: ObjectID
    /// Indices in `commits` of the parents that were read (always lower than this commit's).
    var parents: [Int] = []
  }

  private(set) var commits: [CommitNode] = []
  private(set) var problems: [ReadProblem] = []
  private(set) var tips: [ReferenceTip] = []
  /// Trees reached from a tag without a commit (a tag of a tree), traced like a commit's tree.
  private var looseTrees: [(name: String, tree: ObjectID)] = []
  /// Blobs a reference points at directly (a tag of a blob).
  private var taggedBlobs: [(name: String, blob: ObjectID)] = []

  /// Lists every commit reachable from `repository`'s references, parents first.
  /// - Throws: `GitError` when the references or the commit graph cannot be read at all.
  init(walking repository: Repository) throws(GitError) {
    let (tips, failures) = try repository.referenceTips()
    self.tips = tips
    for failure in failures {
      problems.append(ReadProblem(subject: failure.name, message: "cannot resolve reference: \(failure.error)"))
    }
    let commitTips = tips.filter { $0.kind == .commit }.map(\.target)
    let commitIDs: [ObjectID]
    do {
      commitIDs = try repository.commitsParentsFirst(from: Array(Set(commitTips)).sorted())
    } catch {
      // A damaged repository: walk around the commits that cannot be read, and name them.
      let walk = repository.commitsParentsFirstSkippingUnreadable(from: Array(Set(commitTips)).sorted())
      commitIDs = walk.commits
      for (id, failure) in walk.unreadable {
        problems.append(
          ReadProblem(
            subject: "commit \(id)",
            message: "cannot read commit (\(failure.message)): it, and history reachable only through it, is not scanned"))
      }
    }
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
    for tip in tips where tip.kind == .blob { taggedBlobs.append((tip.name, tip.target)) }
  }

  /// The root trees of every commit, and trees tagged directly.
  var rootTrees: [ObjectID] { commits.map(\.treeID) + looseTrees.map(\.tree) }

  /// The submodules (gitlinks) in the trees the references point at, by path: their history
  /// lives in other repositories.
  func submodulePaths(in repository: Repository) -> [String] {
    var seen = Set<ObjectID>()
    var paths = Set<String>()
    let indexByID = Dictionary(commits.enumerated().map { ($0.element.id, $0.offset) }, uniquingKeysWith: { a, _ in a })
    let roots = tips.compactMap { tip in tip.kind == .commit ? indexByID[tip.target].map { commits[$0].treeID } : nil }
    var stack = (roots + looseTrees.map(\.tree)).map { ($0, "") }
    while let (tree, prefix) = stack.popLast() {
      guard seen.insert(tree).inserted else { continue }
      for entry in (try? repository.treeEntries(tree, where: { kind, _ in kind == .tree || kind == .submodule })) ?? [] {
        switch entry.kind {
        case .tree: stack.append((entry.id, prefix + entry.name + "/"))
        case .submodule: paths.insert(prefix + entry.name)
        case .file, .symlink: break
        }
      }
    }
    return paths.sorted()
  }

  /// How deep tracing follows nested trees; real paths are far shallower.
  static let maximumTreeDepth = 4096

  /// Where flagged blobs appear in history.
  struct Trace {
    /// By blob: each path it is found at, and the first commit (its index in `commits`, in
    /// topological order) holding it there; no commit for a tag of a tree or a blob.
    var introductions: [ObjectID: [(path: String, commitIndex: Int?)]]
    /// The flagged blobs in HEAD's tree, with their paths.
    var head: [(path: String, blob: ObjectID)]
    /// By blob: the commits whose tree holds it.
    var appearances: [ObjectID: [Int]]
    /// Trees that could not be read on the way.
    var problems: [ReadProblem]
  }

  /// Where blobs appear in history: for each blob in `flagged`, each path it is found at and
  /// the first commit (in topological order) holding it there.
  ///
  /// Each tree is read at most once; a tree's flagged paths are computed once and reused by
  /// every commit that holds it.
  /// - Returns: By blob, `(path, commit index)` pairs, and the `(path, blob)` pairs of HEAD.
  /// - Parameter mayHold: Whether a tree may hold a flagged blob; trees that cannot are not read.
  func introductions(
    of flagged: Set<ObjectID>, in repository: Repository, head: ObjectID?, mayHold: (ObjectID) -> Bool = { _ in true }
  ) -> Trace {
    var problems: [ReadProblem] = []
    var memo: [ObjectID: [(path: String, blob: ObjectID)]] = [:]
    func flaggedPaths(in tree: ObjectID, depth: Int = 0) -> [(path: String, blob: ObjectID)] {
      if let cached = memo[tree] { return cached }
      guard mayHold(tree) else { return [] }
      // Deeper than any real path (a crafted repository): said, not followed.
      guard depth < Self.maximumTreeDepth else {
        problems.append(
          ReadProblem(
            subject: "tree \(tree)", message: "trees nested more than \(Self.maximumTreeDepth) deep: not traced further"))
        return []
      }
      var result: [(path: String, blob: ObjectID)] = []
      do {
        try repository.visitTree(tree) { kind, id, name in
          switch kind {
          case .file where flagged.contains(id), .symlink where flagged.contains(id):
            result.append((PathBytes.shown(name), id))
          case .tree:
            let below = flaggedPaths(in: id, depth: depth + 1)
            if !below.isEmpty {
              let prefix = PathBytes.shown(name) + "/"
              result += below.map { (prefix + $0.path, $0.blob) }
            }
          default: break
          }
        }
      } catch {
        problems.append(ReadProblem(subject: "tree \(tree)", message: "cannot read tree: \(error)"))
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
    for (name, blob) in taggedBlobs where flagged.contains(blob) && introductions[blob] == nil {
      introductions[blob] = [(name, nil)]
    }
    var headPaths: [(path: String, blob: ObjectID)] = []
    if let head, let node = commits.first(where: { $0.id == head }) {
      headPaths = flaggedPaths(in: node.treeID)
    }
    return Trace(introductions: introductions, head: headPaths, appearances: appearances, problems: problems)
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
