import CLibgit2

/// A commit that changed one file, with the file's blob before and after.
public struct FileChange: Sendable {
  public let commit: Commit
  /// The file's path in this commit.
  public let path: String
  /// Its path in the first parent, when it was there (another path: the commit renamed it).
  public let previousPath: String?
  /// The blob in the first parent; nil when the commit created the file.
  public let before: ObjectID?
  /// The blob in this commit; nil when the commit deleted the file.
  public let after: ObjectID?
}

extension Repository {
  /// The commits that changed the file at `path` in `tip`, oldest first, following renames as
  /// `git log --follow` does: going back from `tip`, a commit that renamed the file hands its
  /// old path on to its parents.
  ///
  /// Each commit is compared with its first parent. A merge counts only when the file differs
  /// from every parent (a conflict resolution, an edit made while merging): what it merges in
  /// is reported at the commits that made it.
  /// - Throws: `GitError` when a commit or tree on the way cannot be read.
  /// The corresponding C functions are `git_tree_entry_bypath` and, for renames,
  /// `git_diff_tree_to_tree` with `git_diff_find_similar`.
  public func fileHistory(of path: String, from tip: ObjectID) throws(GitError) -> [FileChange] {
    let commits = try commitsParentsFirst(from: [tip])
    var paths: [ObjectID: String] = [tip: path]
    var loaded: [ObjectID: Commit] = [:]
    // Each commit is read once, in either pass.
    func read(_ id: ObjectID) throws(GitError) -> Commit {
      if let known = loaded[id] { return known }
      let commit = try self.commit(id)
      loaded[id] = commit
      return commit
    }
    // Newest first: each commit's path decides its parents'.
    for id in commits.reversed() {
      guard let current = paths[id] else { continue }
      let commit = try read(id)
      for parentID in commit.parentIDs where paths[parentID] == nil {
        let parent = try read(parentID)
        if try blobID(at: current, inTree: parent.treeID) != nil {
          paths[parentID] = current
        } else if let source = try renameSource(of: current, from: parent.treeID, to: commit.treeID) {
          paths[parentID] = source
        }
      }
    }
    var changes: [FileChange] = []
    for id in commits {
      guard let current = paths[id], let commit = loaded[id] else { continue }
      let after = try blobID(at: current, inTree: commit.treeID)
      var befores: [(path: String?, blob: ObjectID?)] = []
      for parentID in commit.parentIDs {
        let parentPath = paths[parentID]
        let parentTree = try read(parentID).treeID
        befores.append((parentPath, try parentPath.map { path throws(GitError) in try blobID(at: path, inTree: parentTree) } ?? nil))
      }
      if commit.parentIDs.count > 1, befores.contains(where: { $0.blob == after }) { continue }
      let before = befores.first ?? (nil, nil)
      if before.blob == after { continue }
      changes.append(
        FileChange(commit: commit, path: current, previousPath: before.path, before: before.blob, after: after))
    }
    return changes
  }

  /// The blob at `path` (slash-separated) in the tree `tree`, or nil when there is none there.
  /// The corresponding C function is `git_tree_entry_bypath`.
  public func blobID(at path: String, inTree tree: ObjectID) throws(GitError) -> ObjectID? {
    let root = try lookupTree(tree)
    defer { git_tree_free(root) }
    var entry: OpaquePointer?
    let rc = git_tree_entry_bypath(&entry, root, path)
    if rc == GIT_ENOTFOUND.rawValue { return nil }
    try check(rc, function: "git_tree_entry_bypath")
    defer { git_tree_entry_free(entry) }
    guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
    return ObjectID(git_tree_entry_id(entry))
  }

  /// The path `newTree`'s file at `path` had in `oldTree`, when the change between them renamed
  /// it (git's rename detection: 50 % similar or more).
  func renameSource(of path: String, from oldTree: ObjectID, to newTree: ObjectID) throws(GitError) -> String? {
    let old = try lookupTree(oldTree)
    defer { git_tree_free(old) }
    let new = try lookupTree(newTree)
    defer { git_tree_free(new) }
    var options = git_diff_options()
    try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), function: "git_diff_options_init")
    var diff: OpaquePointer?
    try check(git_diff_tree_to_tree(&diff, pointer, old, new, &options), function: "git_diff_tree_to_tree")
    defer { git_diff_free(diff) }
    var find = git_diff_find_options()
    try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), function: "git_diff_find_options_init")
    find.flags = GIT_DIFF_FIND_RENAMES.rawValue
    try check(git_diff_find_similar(diff, &find), function: "git_diff_find_similar")
    for index in 0..<git_diff_num_deltas(diff) {
      guard let delta = git_diff_get_delta(diff, index)?.pointee, delta.status == GIT_DELTA_RENAMED,
        let newPath = delta.new_file.path, String(cString: newPath) == path, let oldPath = delta.old_file.path
      else { continue }
      return String(cString: oldPath)
    }
    return nil
  }
}
