import CLibgit2

/// An open git repository.
///
/// The Repository assumes ownership of the `git_repository` object and frees it in `deinit`.
/// libgit2 objects are single-thread-at-a-time: a Repository must not be shared between
/// threads; give each worker its own (DESIGN.md).
public final class Repository {
  let pointer: OpaquePointer
  private var cachedODB: OpaquePointer?

  private init(pointer: OpaquePointer) {
    self.pointer = pointer
  }

  deinit {
    if let cachedODB { git_odb_free(cachedODB) }
    git_repository_free(pointer)
  }

  /// Opens the repository whose work tree root (or git directory) is `path`.
  ///
  /// Parent directories are not searched: a folder inside a repository is not that repository.
  /// - Parameter path: The work tree root, a `.git` directory, or a bare repository.
  /// - Returns: nil when `path` is not a git repository at all.
  /// - Throws: `GitError` when `path` is a repository that libgit2 cannot open (a corrupt
  ///   config, a missing object directory, …). A corrupt HEAD surfaces later, from `headCommitID()`.
  /// The corresponding C function is `git_repository_open_ext`.
  public static func open(at path: String) throws(GitError) -> Repository? {
    Libgit2.initialise()
    var repo: OpaquePointer?
    let rc = git_repository_open_ext(&repo, path, GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue, nil)
    if rc == GIT_ENOTFOUND.rawValue { return nil }
    try check(rc, function: "git_repository_open_ext")
    return Repository(pointer: repo!)
  }

  /// The root of the repository that contains `path`, searching parent directories.
  /// - Returns: nil when no parent is a repository.
  /// The corresponding C function is `git_repository_discover`.
  public static func discoverRoot(containing path: String) -> String? {
    Libgit2.initialise()
    var buffer = git_buf()
    defer { git_buf_dispose(&buffer) }
    guard git_repository_discover(&buffer, path, 0, nil) == 0, let raw = buffer.ptr else { return nil }
    var gitDir = String(cString: raw)
    if gitDir.hasSuffix("/") { gitDir.removeLast() }
    if gitDir.hasSuffix("/.git") { return String(gitDir.dropLast(5)) }
    return gitDir
  }

  /// True when the repository has no work tree.
  public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

  /// The work tree root, with a trailing slash, or nil for a bare repository.
  public var workingDirectory: String? {
    git_repository_workdir(pointer).map { String(cString: $0) }
  }

  /// The `.git` directory (or the bare repository itself), with a trailing slash.
  public var gitDirectory: String { String(cString: git_repository_path(pointer)) }

  /// The commit HEAD points at, or nil when HEAD is unborn (no commit yet).
  /// - Throws: `GitError` when HEAD exists but cannot be resolved.
  /// The corresponding C function is `git_reference_name_to_id`.
  public func headCommitID() throws(GitError) -> ObjectID? {
    var oid = git_oid()
    let rc = git_reference_name_to_id(&oid, pointer, "HEAD")
    if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue { return nil }
    try check(rc, function: "git_reference_name_to_id")
    return ObjectID(oid)
  }

  func odb() throws(GitError) -> OpaquePointer {
    if let cachedODB { return cachedODB }
    var odb: OpaquePointer?
    try check(git_repository_odb(&odb, pointer), function: "git_repository_odb")
    cachedODB = odb
    return odb!
  }
}

extension Repository {
  /// True for a shallow clone, whose history stops at some depth.
  /// The corresponding C function is `git_repository_is_shallow`.
  public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }
}

extension Repository {
  /// True for a partial clone (`git clone --filter=…`): objects the filter left out were never
  /// fetched, and a promisor remote is configured to fetch them on demand.
  /// The corresponding C functions are `git_repository_config_snapshot` and
  /// `git_config_iterator_new`.
  public var isPartialClone: Bool {
    var config: OpaquePointer?
    guard git_repository_config_snapshot(&config, pointer) == 0 else { return false }
    defer { git_config_free(config) }
    // Every entry, matched here: `git_config_foreach_match` leaks its compiled pattern in
    // libgit2 1.5 (measured: 48 KB a call; RepeatedScanMemoryTests).
    var iterator: OpaquePointer?
    guard git_config_iterator_new(&iterator, config) == 0 else { return false }
    defer { git_config_iterator_free(iterator) }
    var entry: UnsafeMutablePointer<git_config_entry>?
    while git_config_next(&entry, iterator) == 0 {
      guard let entry, let rawName = entry.pointee.name, let rawValue = entry.pointee.value else { continue }
      let name = String(cString: rawName).lowercased()
      guard name == "extensions.partialclone" || (name.hasPrefix("remote.") && name.hasSuffix(".promisor")) else {
        continue
      }
      let value = String(cString: rawValue).lowercased()
      if !value.isEmpty, !["false", "0", "no", "off"].contains(value) { return true }
    }
    return false
  }
}
