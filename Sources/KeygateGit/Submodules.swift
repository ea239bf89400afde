import CLibgit2

extension Repository {
  /// The paths (relative to the work tree) of the submodules the index names: its gitlink entries
  /// (mode 160000), shown as `PathBytes.shown` writes them.
  ///
  /// Read from the index rather than through `git_submodule_foreach`: libgit2 1.5 matches the
  /// configuration against a regular expression there and leaks PCRE2 match data for every entry
  /// (found with LeakSanitizer), and a submodule without a gitlink has nothing checked out to scan.
  /// - Throws: `GitError` when the index cannot be read.
  /// The corresponding C functions are `git_repository_index` and `git_index_get_byindex`.
  public func submodulePaths() throws(GitError) -> [String] {
    var index: OpaquePointer?
    try check(git_repository_index(&index, pointer), function: "git_repository_index")
    defer { git_index_free(index) }
    var paths: [String] = []
    for position in 0..<git_index_entrycount(index) {
      guard let entry = git_index_get_byindex(index, position)?.pointee, let path = entry.path,
        entry.mode & 0o170000 == 0o160000
      else { continue }
      paths.append(PathBytes.shown(PathBytes.of(path)))
    }
    return paths.sorted()
  }
}
