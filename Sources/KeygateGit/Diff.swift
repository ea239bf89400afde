import CLibgit2

/// A file a change adds or modifies, with the lines it adds (1-based, in the new file).
public struct AddedContent: Sendable, Hashable {
  public let path: String
  /// The file's blob after the change.
  public let blob: ObjectID
  /// The added lines as ranges of line numbers; nil when git cannot tell lines apart (a binary
  /// file): all of it counts as added.
  public let lines: [ClosedRange<Int>]?

  public init(path: String, blob: ObjectID, lines: [ClosedRange<Int>]?) {
    self.path = path
    self.blob = blob
    self.lines = lines
  }
}

extension Repository {
  /// The commit a revision names (`main`, `v1.2`, `HEAD~3`, a sha), peeled through tags.
  /// - Throws: `GitError` when the revision does not exist or does not name a commit.
  /// The corresponding C functions are `git_revparse_single` and `git_object_peel`.
  public func resolveCommit(_ revision: String) throws(GitError) -> ObjectID {
    var object: OpaquePointer?
    try check(git_revparse_single(&object, pointer, revision), function: "git_revparse_single")
    defer { git_object_free(object) }
    var commit: OpaquePointer?
    try check(git_object_peel(&commit, object, GIT_OBJECT_COMMIT), function: "git_object_peel")
    defer { git_object_free(commit) }
    return ObjectID(git_object_id(commit))
  }

  /// The commits reachable from `include` but from none of `exclude`, parents first — what
  /// `git log exclude..include` lists.
  /// The corresponding C functions are `git_revwalk_push` and `git_revwalk_hide`.
  public func commits(reachableFrom include: [ObjectID], notFrom exclude: [ObjectID]) throws(GitError) -> [ObjectID] {
    if isShallow { return try shallowWalk(from: include, notFrom: exclude) }
    var walk: OpaquePointer?
    try check(git_revwalk_new(&walk, pointer), function: "git_revwalk_new")
    defer { git_revwalk_free(walk) }
    try check(
      git_revwalk_sorting(walk, GIT_SORT_TOPOLOGICAL.rawValue | GIT_SORT_REVERSE.rawValue),
      function: "git_revwalk_sorting")
    for id in include {
      try id.withGitOID { oid throws(GitError) in try check(git_revwalk_push(walk, oid), function: "git_revwalk_push") }
    }
    for id in exclude {
      try id.withGitOID { oid throws(GitError) in try check(git_revwalk_hide(walk, oid), function: "git_revwalk_hide") }
    }
    var result: [ObjectID] = []
    var oid = git_oid()
    while true {
      let rc = git_revwalk_next(&oid, walk)
      if rc == GIT_ITEROVER.rawValue { break }
      try check(rc, function: "git_revwalk_next")
      result.append(ObjectID(oid))
    }
    return result
  }

  /// What changes `newTree` makes to `oldTree` (nil: the empty tree, for a root commit): each
  /// added or modified file with the lines it adds. Renames are detected, so a file that only
  /// moved adds nothing; deletions add nothing.
  /// The corresponding C functions are `git_diff_tree_to_tree`, `git_diff_find_similar`,
  /// `git_patch_from_diff` and `git_patch_get_hunk`.
  public func addedContent(from oldTree: ObjectID?, to newTree: ObjectID) throws(GitError) -> [AddedContent] {
    let old = try oldTree.map { id throws(GitError) in try lookupTree(id) } ?? nil
    defer { git_tree_free(old) }
    let new = try lookupTree(newTree)
    defer { git_tree_free(new) }
    var options = try Self.addedLinesOptions()
    var diff: OpaquePointer?
    try check(git_diff_tree_to_tree(&diff, pointer, old, new, &options), function: "git_diff_tree_to_tree")
    defer { git_diff_free(diff) }
    return try addedContent(of: diff)
  }

  /// What the index (the staged content) adds to `headTree` (nil: no commit yet, everything
  /// staged is added), as `addedContent(from:to:)` reports it.
  /// The corresponding C functions are `git_repository_index` and `git_diff_tree_to_index`.
  public func stagedContent(comparedTo headTree: ObjectID?) throws(GitError) -> [AddedContent] {
    let head = try headTree.map { id throws(GitError) in try lookupTree(id) } ?? nil
    defer { git_tree_free(head) }
    var index: OpaquePointer?
    try check(git_repository_index(&index, pointer), function: "git_repository_index")
    defer { git_index_free(index) }
    var options = try Self.addedLinesOptions()
    var diff: OpaquePointer?
    try check(git_diff_tree_to_index(&diff, pointer, head, index, &options), function: "git_diff_tree_to_index")
    defer { git_diff_free(diff) }
    return try addedContent(of: diff)
  }

  func lookupTree(_ id: ObjectID) throws(GitError) -> OpaquePointer? {
    var tree: OpaquePointer?
    try id.withGitOID { oid throws(GitError) in try check(git_tree_lookup(&tree, pointer, oid), function: "git_tree_lookup") }
    return tree
  }

  /// Hunks without context, so that each hunk's new side is exactly the lines it adds.
  private static func addedLinesOptions() throws(GitError) -> git_diff_options {
    var options = git_diff_options()
    try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), function: "git_diff_options_init")
    options.context_lines = 0
    options.interhunk_lines = 0
    return options
  }

  private func addedContent(of diff: OpaquePointer?) throws(GitError) -> [AddedContent] {
    var findOptions = git_diff_find_options()
    try check(
      git_diff_find_options_init(&findOptions, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), function: "git_diff_find_options_init")
    findOptions.flags = GIT_DIFF_FIND_RENAMES.rawValue
    try check(git_diff_find_similar(diff, &findOptions), function: "git_diff_find_similar")

    var result: [AddedContent] = []
    for index in 0..<git_diff_num_deltas(diff) {
      guard let delta = git_diff_get_delta(diff, index)?.pointee else { continue }
      // Only a file with content on the new side adds anything; submodules (commits) add no text.
      guard delta.status != GIT_DELTA_DELETED, delta.status != GIT_DELTA_UNMODIFIED,
        delta.new_file.mode != UInt16(GIT_FILEMODE_COMMIT.rawValue), let rawPath = delta.new_file.path
      else { continue }
      let path = PathBytes.shown(PathBytes.of(rawPath))
      let blob = ObjectID(delta.new_file.id)
      var patch: OpaquePointer?
      try check(git_patch_from_diff(&patch, diff, index), function: "git_patch_from_diff")
      defer { git_patch_free(patch) }
      // The patch loads both sides, so only its delta knows whether the file is binary.
      let flags = git_patch_get_delta(patch)?.pointee.flags ?? delta.flags
      if patch == nil || (flags & GIT_DIFF_FLAG_BINARY.rawValue) != 0 {
        result.append(AddedContent(path: path, blob: blob, lines: nil))
        continue
      }
      var lines: [ClosedRange<Int>] = []
      for hunkIndex in 0..<git_patch_num_hunks(patch) {
        var hunk: UnsafePointer<git_diff_hunk>?
        var count = 0
        try check(git_patch_get_hunk(&hunk, &count, patch, hunkIndex), function: "git_patch_get_hunk")
        guard let hunk = hunk?.pointee, hunk.new_lines > 0 else { continue }
        lines.append(Int(hunk.new_start)...Int(hunk.new_start + hunk.new_lines - 1))
      }
      if !lines.isEmpty { result.append(AddedContent(path: path, blob: blob, lines: lines)) }
    }
    return result
  }
}
