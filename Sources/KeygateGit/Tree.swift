#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CLibgit2

/// One entry of a tree, copied out of libgit2.
public struct TreeEntry: Sendable, Hashable {
  /// The entry's file name within its tree; git allows any bytes but `/` and NUL.
  public let name: String
  public let id: ObjectID
  public let kind: Kind

  public enum Kind: Sendable, Hashable {
    /// A regular or executable file.
    case file
    /// A symbolic link; its blob holds the link's target.
    case symlink
    case tree
    /// A submodule: a commit of another repository, not stored here.
    case submodule
  }
}

extension Repository {
  /// The entries of a tree.
  /// - Throws: `GitError` when the tree is missing or corrupt.
  /// The corresponding C functions are `git_tree_lookup` and `git_tree_entry_byindex`.
  public func treeEntries(_ id: ObjectID) throws(GitError) -> [TreeEntry] {
    try treeEntries(id, where: { _, _ in true })
  }

  /// The entries of a tree that `include` keeps; only those are named (decoding every name of
  /// every tree of a long history costs more than reading the trees).
  /// - Throws: `GitError` when the tree is missing or corrupt.
  /// The corresponding C functions are `git_tree_lookup` and `git_tree_entry_byindex`.
  public func treeEntries(
    _ id: ObjectID, where include: (TreeEntry.Kind, ObjectID) -> Bool
  ) throws(GitError) -> [TreeEntry] {
    var tree: OpaquePointer?
    try id.withGitOID { oid throws(GitError) in
      try check(git_tree_lookup(&tree, pointer, oid), function: "git_tree_lookup")
    }
    defer { git_tree_free(tree) }
    let count = git_tree_entrycount(tree)
    var entries: [TreeEntry] = []
    for index in 0..<count {
      guard let entry = git_tree_entry_byindex(tree, index) else { continue }
      let kind: TreeEntry.Kind
      switch git_tree_entry_filemode(entry) {
      case GIT_FILEMODE_TREE: kind = .tree
      case GIT_FILEMODE_LINK: kind = .symlink
      case GIT_FILEMODE_COMMIT: kind = .submodule
      default: kind = .file
      }
      let entryID = ObjectID(git_tree_entry_id(entry))
      guard include(kind, entryID) else { continue }
      entries.append(TreeEntry(name: String(decodingCString: git_tree_entry_name(entry)), id: entryID, kind: kind))
    }
    return entries
  }
}

extension String {
  /// A git path as a report shows it: git paths may hold any bytes, and those that are not
  /// UTF-8 are written as `\xNN` (`PathBytes.shown`).
  init(decodingCString pointer: UnsafePointer<CChar>) {
    self = PathBytes.shown(PathBytes.of(pointer))
  }
}

extension Repository {
  /// Calls `visit` with each entry of a tree, parsed straight from the object's bytes: its kind,
  /// its id and its name's bytes (valid only during the call). Nothing is allocated per entry,
  /// which matters when tracing through every tree of a long history.
  /// - Throws: `GitError` when the tree is missing, corrupt, or not a tree.
  /// The corresponding C function is `git_odb_read`.
  public func visitTree(
    _ id: ObjectID, _ visit: (TreeEntry.Kind, ObjectID, UnsafeRawBufferPointer) -> Void
  ) throws(GitError) {
    try withObjectContents(id, type: GIT_OBJECT_TREE, named: "tree") { bytes throws(GitError) in
      // Each entry: the mode in octal ASCII, a space, the name, a NUL, the 20-byte id.
      var at = 0
      while at < bytes.count {
        var mode = 0
        while at < bytes.count, bytes[at] != 0x20 {
          mode = mode << 3 | Int(bytes[at] &- 0x30) & 7
          at += 1
        }
        let nameStart = at + 1
        var nameEnd = nameStart
        while nameEnd < bytes.count, bytes[nameEnd] != 0 { nameEnd += 1 }
        guard nameEnd + 21 <= bytes.count else {
          throw GitError(code: -1, message: "tree \(id) is truncated", function: "visitTree")
        }
        let kind: TreeEntry.Kind
        switch mode & 0o170000 {
        case 0o040000: kind = .tree
        case 0o120000: kind = .symlink
        case 0o160000: kind = .submodule
        default: kind = .file
        }
        visit(kind, ObjectID(bytes: bytes, at: nameEnd + 1), UnsafeRawBufferPointer(rebasing: bytes[nameStart..<nameEnd]))
        at = nameEnd + 21
      }
    }
  }
}
