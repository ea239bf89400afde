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
    var tree: OpaquePointer?
    try id.withGitOID { oid throws(GitError) in
      try check(git_tree_lookup(&tree, pointer, oid), function: "git_tree_lookup")
    }
    defer { git_tree_free(tree) }
    let count = git_tree_entrycount(tree)
    var entries: [TreeEntry] = []
    entries.reserveCapacity(count)
    for index in 0..<count {
      guard let entry = git_tree_entry_byindex(tree, index) else { continue }
      let kind: TreeEntry.Kind
      switch git_tree_entry_filemode(entry) {
      case GIT_FILEMODE_TREE: kind = .tree
      case GIT_FILEMODE_LINK: kind = .symlink
      case GIT_FILEMODE_COMMIT: kind = .submodule
      default: kind = .file
      }
      entries.append(
        TreeEntry(
          name: String(decodingCString: git_tree_entry_name(entry)),
          id: ObjectID(git_tree_entry_id(entry)), kind: kind))
    }
    return entries
  }
}

extension String {
  /// Decodes a C string as UTF-8, replacing invalid bytes, as git paths may hold any bytes.
  init(decodingCString pointer: UnsafePointer<CChar>) {
    self = String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
  }
}
