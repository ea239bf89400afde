import Foundation
import KeygateGit

/// The project's files as they stand, for the policy checks: the working tree's tracked and
/// untracked (not ignored) files, the staged index for a pre-commit check, HEAD's tree in a
/// bare repository, or a plain directory's files. Symbolic links are not followed; binary
/// files and files over `sizeLimit` are left out (keys and models are not written there).
public enum ProjectFiles {
  /// Files larger than this are not read for policy checks.
  public static let sizeLimit = 2 * 1024 * 1024

  /// Calls `body` with each file, one at a time; what could not be read goes to `problems`.
  public static func forEach(
    at root: String, stagedOnly: Bool, problems: inout [ReadProblem], _ body: (ProjectFile) -> Void
  ) {
    let repository: Repository?
    do {
      repository = try Repository.open(at: root)
    } catch {
      problems.append(ReadProblem(subject: root, message: "policy checks: cannot open the repository: \(error.message)"))
      return
    }
    guard let repository else {
      let single = FileContent.kind(at: root) != .directory
      let tree = single ? nil : DirectoryTree(listing: root)
      for path in tree?.files ?? [""] {
        let absolute = single ? root : root + "/" + path
        let shown = single ? (root as NSString).lastPathComponent : path
        if let text = read(absolute, shown: shown, problems: &problems) {
          body(ProjectFile(path: shown, text: text, isTracked: false))
        }
      }
      return
    }
    do {
      if stagedOnly {
        let headTree = try repository.headCommitID().map { id throws(GitError) in try repository.commit(id).treeID }
        for change in try repository.stagedContent(comparedTo: headTree) {
          if let text = try repository.withBlobContents(change.blob, { decode($0) }) {
            body(ProjectFile(path: change.path, text: text, isTracked: true, addedLines: change.lines))
          }
        }
      } else if let workDirectory = repository.workingDirectory {
        let tracked = try repository.indexEntries().filter { !$0.isSymlink }.map(\.path)
        let untracked = try repository.workingTreeChanges().filter(\.isUntracked).map(\.path)
        for (path, isTracked) in tracked.map({ ($0, true) }) + untracked.map({ ($0, false) }) {
          let absolute = workDirectory + path
          guard FileContent.kind(at: absolute) == .regular else { continue }  // deleted, a link, a nested repository
          if let text = read(absolute, shown: path, problems: &problems) {
            body(ProjectFile(path: path, text: text, isTracked: isTracked))
          }
        }
      } else if let head = try repository.headCommitID() {
        try visit(tree: try repository.commit(head).treeID, prefix: "", in: repository, body)
      }
    } catch {
      problems.append(ReadProblem(subject: root, message: "policy checks: cannot read the files: \(error.message)"))
    }
  }

  private static func visit(
    tree: ObjectID, prefix: String, in repository: Repository, _ body: (ProjectFile) -> Void
  ) throws(GitError) {
    for entry in try repository.treeEntries(tree) {
      let path = prefix + entry.name
      switch entry.kind {
      case .tree: try visit(tree: entry.id, prefix: path + "/", in: repository, body)
      case .file:
        if try repository.objectSize(entry.id) <= sizeLimit,
          let text = try repository.withBlobContents(entry.id, { decode($0) })
        {
          body(ProjectFile(path: path, text: text, isTracked: true))
        }
      case .symlink, .submodule: continue
      }
    }
  }

  private static func read(_ path: String, shown: String, problems: inout [ReadProblem]) -> String? {
    guard let size = FileContent.size(at: path), size <= sizeLimit else { return nil }
    do {
      return try FileContent.withContents(of: path) { decode($0) }
    } catch {
      problems.append(ReadProblem(subject: shown, message: "policy checks: cannot read: \(FileContent.reason(error))"))
      return nil
    }
  }

  /// The bytes as text, or nil for binary content (a NUL in the first 8 KB, git's own test)
  /// and content over the size limit.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> String? {
    guard bytes.count <= sizeLimit, !bytes.prefix(8192).contains(0) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}
