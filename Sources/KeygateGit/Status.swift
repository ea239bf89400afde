import CLibgit2

/// A file whose content in the index or the work tree differs from HEAD.
public struct WorkingTreeChange: Sendable, Hashable {
  /// The path relative to the work tree root, with `/` separators, as a report shows it.
  public let path: String
  /// The path's bytes, which need not be UTF-8: what opens the file.
  public let pathBytes: [UInt8]
  /// The staged blob, when the index differs from HEAD for this path (staged but not committed).
  public let stagedBlob: ObjectID?
  /// True when the file in the work tree differs from the index, or is untracked: its current
  /// content must be read from disk.
  public let workTreeDiffers: Bool
  /// True for an untracked (and not ignored) file.
  public let isUntracked: Bool
}

extension Repository {
  /// The files whose staged or work-tree content differs from HEAD: staged changes, unstaged
  /// changes, and untracked files that are not ignored. Submodules are left out.
  ///
  /// - Throws: `GitError` when the index or the work tree cannot be read.
  /// The corresponding C function is `git_status_list_new`.
  public func workingTreeChanges() throws(GitError) -> [WorkingTreeChange] {
    var options = git_status_options()
    try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), function: "git_status_options_init")
    options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
    options.flags =
      GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
      | GIT_STATUS_OPT_EXCLUDE_SUBMODULES.rawValue | GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue
    var list: OpaquePointer?
    try check(git_status_list_new(&list, pointer, &options), function: "git_status_list_new")
    defer { git_status_list_free(list) }

    let stagedChange = GIT_STATUS_INDEX_NEW.rawValue | GIT_STATUS_INDEX_MODIFIED.rawValue
      | GIT_STATUS_INDEX_TYPECHANGE.rawValue | GIT_STATUS_INDEX_RENAMED.rawValue
    let workTreeChange = GIT_STATUS_WT_NEW.rawValue | GIT_STATUS_WT_MODIFIED.rawValue
      | GIT_STATUS_WT_TYPECHANGE.rawValue | GIT_STATUS_WT_RENAMED.rawValue

    var changes: [WorkingTreeChange] = []
    for index in 0..<git_status_list_entrycount(list) {
      guard let entry = git_status_byindex(list, index)?.pointee else { continue }
      let status = entry.status.rawValue
      var path: [UInt8]?
      var staged: ObjectID?
      if status & stagedChange != 0, let delta = entry.head_to_index?.pointee {
        staged = ObjectID(delta.new_file.id)
        path = delta.new_file.path.map(PathBytes.of)
      }
      let differs = status & workTreeChange != 0
      if differs, let delta = entry.index_to_workdir?.pointee {
        path = delta.new_file.path.map(PathBytes.of) ?? path
      }
      guard let path, staged != nil || differs else { continue }
      changes.append(
        WorkingTreeChange(
          path: PathBytes.shown(path), pathBytes: path, stagedBlob: staged, workTreeDiffers: differs,
          isUntracked: status & GIT_STATUS_WT_NEW.rawValue != 0))
    }
    return changes
  }
}

extension Repository {
  /// The blobs the index (the staging area) names: staged content, which no commit holds yet.
  /// - Throws: `GitError` when the index cannot be read.
  /// The corresponding C functions are `git_repository_index` and `git_index_get_byindex`.
  public func indexBlobIDs() throws(GitError) -> Set<ObjectID> {
    var index: OpaquePointer?
    try check(git_repository_index(&index, pointer), function: "git_repository_index")
    defer { git_index_free(index) }
    var ids = Set<ObjectID>()
    for position in 0..<git_index_entrycount(index) {
      if let entry = git_index_get_byindex(index, position) { ids.insert(ObjectID(entry.pointee.id)) }
    }
    return ids
  }
}

extension Repository {
  /// The paths of the files the index tracks, regular files and symbolic links, without
  /// submodules, with their staged blobs; in index (path) order.
  /// - Throws: `GitError` when the index cannot be read.
  /// The corresponding C functions are `git_repository_index` and `git_index_get_byindex`.
  /// `pathBytes` are the path's bytes, which need not be UTF-8; `path` is how a report shows it.
  public func indexEntries() throws(GitError) -> [(path: String, pathBytes: [UInt8], blob: ObjectID, isSymlink: Bool)] {
    var index: OpaquePointer?
    try check(git_repository_index(&index, pointer), function: "git_repository_index")
    defer { git_index_free(index) }
    var entries: [(path: String, pathBytes: [UInt8], blob: ObjectID, isSymlink: Bool)] = []
    for position in 0..<git_index_entrycount(index) {
      guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path else { continue }
      let mode = entry.mode & 0o170000
      guard mode == 0o100000 || mode == 0o120000 else { continue }  // leave submodules (0o160000) out
      let bytes = PathBytes.of(path)
      entries.append((PathBytes.shown(bytes), bytes, ObjectID(entry.id), mode == 0o120000))
    }
    return entries
  }
}
