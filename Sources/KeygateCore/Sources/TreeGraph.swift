import KeygateGit

/// Which blobs and subtrees each tree of the object database holds, by index, without names:
/// built while the blobs are scanned (each tree read once, in pack order, by the same workers),
/// so that tracing the few blobs with findings back to paths only reads the trees that lead to
/// them.
final class TreeGraph: Sendable {
  /// Position of each tree in `trees`, and of each blob in the blobs scanned.
  let treeIndex: [ObjectID: Int32]
  let blobIndex: [ObjectID: Int32]
  let trees: [ObjectID]

  init(trees: [ObjectID], blobs: [ObjectID]) {
    self.trees = trees
    var treeIndex: [ObjectID: Int32] = [:]
    treeIndex.reserveCapacity(trees.count)
    for (index, tree) in trees.enumerated() { treeIndex[tree] = Int32(index) }
    var blobIndex: [ObjectID: Int32] = [:]
    blobIndex.reserveCapacity(blobs.count)
    for (index, blob) in blobs.enumerated() { blobIndex[blob] = Int32(index) }
    self.treeIndex = treeIndex
    self.blobIndex = blobIndex
  }

  /// A tree's children: a blob as its index (≥ 0), a subtree as `~index` (< 0); and the ids
  /// of entries the object database does not hold (submodules aside, which live elsewhere).
  func children(
    of tree: ObjectID, in repository: Repository
  ) throws(GitError) -> (children: [Int32], missing: [(id: ObjectID, isTree: Bool)]) {
    var children: [Int32] = []
    var missing: [(id: ObjectID, isTree: Bool)] = []
    try repository.visitTree(tree) { kind, id, _ in
      switch kind {
      case .tree:
        if let index = treeIndex[id] { children.append(~index) } else { missing.append((id, true)) }
      case .file, .symlink:
        if let index = blobIndex[id] { children.append(index) } else { missing.append((id, false)) }
      case .submodule: break
      }
    }
    return (children, missing)
  }

  /// What trees reachable from `roots` name but the database does not hold (a partial clone,
  /// or a corrupt repository): the missing blobs, the trees naming a missing object (by index),
  /// and whether a tree is missing (tracing then reads its way to it and reports it).
  static func missing(
    from roots: [ObjectID], graph: TreeGraph, children: [[Int32]?], missing: [Int: [(id: ObjectID, isTree: Bool)]]
  ) -> (blobs: Set<ObjectID>, holders: Set<Int>, anyTree: Bool) {
    var blobs = Set<ObjectID>()
    var holders = Set<Int>()
    var anyTree = false
    var seen = [Bool](repeating: false, count: children.count)
    var stack: [Int] = []
    for root in roots {
      guard let index = graph.treeIndex[root] else {
        anyTree = true
        continue
      }
      stack.append(Int(index))
    }
    while let tree = stack.popLast() {
      guard !seen[tree] else { continue }
      seen[tree] = true
      if let absent = missing[tree], !absent.isEmpty {
        for object in absent {
          if object.isTree { anyTree = true } else { blobs.insert(object.id) }
        }
        holders.insert(tree)
      }
      for child in children[tree] ?? [] where child < 0 { stack.append(Int(~child)) }
    }
    return (blobs, holders, anyTree)
  }

  /// For each tree, whether it holds one of `flagged` (blob indices) at any depth.
  /// - Parameter children: Per tree, as `children(of:in:)` returns; nil for a tree that could
  ///   not be read, which is then assumed to hold one (tracing reads it and reports it).
  ///   `holders` are trees known to hold one already (they name a missing object).
  static func holding(_ flagged: Set<Int32>, children: [[Int32]?], holders: Set<Int> = []) -> [Bool] {
    enum State: UInt8 { case unknown, visiting, no, yes }
    var state = [State](repeating: .unknown, count: children.count)
    func holds(_ tree: Int, depth: Int) -> Bool {
      // Deeper than any real path: assumed to hold one, so tracing reads it.
      guard depth < GitHistory.maximumTreeDepth else { return true }
      switch state[tree] {
      case .yes: return true
      case .no, .visiting: return false  // a cycle only in a corrupt database
      case .unknown: break
      }
      state[tree] = .visiting
      var result = children[tree] == nil || holders.contains(tree)
      for child in children[tree] ?? [] where !result {
        result = child >= 0 ? flagged.contains(child) : holds(Int(~child), depth: depth + 1)
      }
      state[tree] = result ? .yes : .no
      return result
    }
    return children.indices.map { holds($0, depth: 0) }
  }
}
