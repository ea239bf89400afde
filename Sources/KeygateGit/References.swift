import CLibgit2
#if canImport(Glibc)
  import Glibc
#else
  import Darwin
#endif

/// A reference and the object it leads to once annotated tags are peeled.
public struct ReferenceTip: Sendable, Hashable {
  /// The full reference name, e.g. `refs/heads/main`, `refs/tags/v1`, `refs/stash@{1}`, `HEAD`.
  public let name: String
  /// The peeled target: a commit for branches, usually a commit for tags.
  public let target: ObjectID
  /// The kind of the peeled target.
  public let kind: ObjectKind
}

/// The kinds of git object keygate distinguishes.
public enum ObjectKind: Sendable, Hashable {
  case commit, tree, blob, tag, other
}

extension ObjectKind {
  init(_ type: git_object_t) {
    switch type {
    case GIT_OBJECT_COMMIT: self = .commit
    case GIT_OBJECT_TREE: self = .tree
    case GIT_OBJECT_BLOB: self = .blob
    case GIT_OBJECT_TAG: self = .tag
    default: self = .other
    }
  }
}

extension Repository {
  /// Every reference (branches, tags, remote-tracking refs, notes, stash), each older stash
  /// entry from the stash's reflog, and a detached HEAD, peeled to the object they lead to.
  ///
  /// - Returns: The tips, and the references that could not be resolved (a dangling or
  ///   corrupt reference does not hide the others).
  /// - Throws: `GitError` when the references cannot be listed at all.
  /// The corresponding C functions are `git_reference_iterator_new`, `git_reference_peel`
  /// and `git_reflog_read`.
  public func referenceTips() throws(GitError) -> (tips: [ReferenceTip], failures: [(name: String, error: GitError)]) {
    var tips: [ReferenceTip] = []
    var failures: [(name: String, error: GitError)] = []
    var iterator: OpaquePointer?
    try check(git_reference_iterator_new(&iterator, pointer), function: "git_reference_iterator_new")
    defer { git_reference_iterator_free(iterator) }
    while true {
      var reference: OpaquePointer?
      let rc = git_reference_next(&reference, iterator)
      if rc == GIT_ITEROVER.rawValue { break }
      if rc < 0 {
        failures.append((name: "(reference list)", error: lastError(code: rc, function: "git_reference_next")))
        break
      }
      defer { git_reference_free(reference) }
      let name = String(cString: git_reference_name(reference))
      do {
        tips.append(try peel(reference!, name: name))
      } catch {
        failures.append((name: name, error: error))
      }
    }
    if git_repository_head_detached(pointer) == 1, let head = try? headCommitID() {
      tips.append(ReferenceTip(name: "HEAD", target: head, kind: .commit))
    }
    tips.append(contentsOf: olderStashEntries())
    return (tips, failures)
  }

  private func peel(_ reference: OpaquePointer, name: String) throws(GitError) -> ReferenceTip {
    var object: OpaquePointer?
    try check(git_reference_peel(&object, reference, GIT_OBJECT_ANY), function: "git_reference_peel")
    defer { git_object_free(object) }
    return ReferenceTip(
      name: name, target: ObjectID(git_object_id(object)), kind: ObjectKind(git_object_type(object)))
  }

  /// stash@{1} and older live only in the reflog of refs/stash.
  private func olderStashEntries() -> [ReferenceTip] {
    // libgit2 creates an empty reflog file when asked to read one that does not exist: read
    // it only when it is there, so that scanning never writes into the repository.
    var logExists = stat()
    guard lstat(gitDirectory + "logs/refs/stash", &logExists) == 0 else { return [] }
    var reflog: OpaquePointer?
    guard git_reflog_read(&reflog, pointer, "refs/stash") == 0 else { return [] }
    defer { git_reflog_free(reflog) }
    let count = git_reflog_entrycount(reflog)
    guard count > 1 else { return [] }
    return (1..<count).compactMap { index in
      guard let entry = git_reflog_entry_byindex(reflog, index) else { return nil }
      return ReferenceTip(
        name: "refs/stash@{\(index)}", target: ObjectID(git_reflog_entry_id_new(entry)), kind: .commit)
    }
  }
}
