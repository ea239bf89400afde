import CLibgit2

extension Repository {
  /// The paths (relative to the work tree) of the submodules `.gitmodules` and the index name.
  /// - Throws: `GitError` when `.gitmodules` cannot be read.
  /// The corresponding C functions are `git_submodule_foreach` and `git_submodule_path`.
  public func submodulePaths() throws(GitError) -> [String] {
    final class Paths { var values: [String] = [] }
    let paths = Paths()
    let rc = withExtendedLifetime(paths) {
      git_submodule_foreach(
        pointer,
        { submodule, _, payload in
          let paths = Unmanaged<Paths>.fromOpaque(payload!).takeUnretainedValue()
          if let path = git_submodule_path(submodule) { paths.values.append(String(cString: path)) }
          return 0
        }, Unmanaged.passUnretained(paths).toOpaque())
    }
    try check(rc, function: "git_submodule_foreach")
    return paths.values.sorted()
  }
}
