import Foundation
import KeygateGit

/// The project's files as they stand, for the policy checks: the working tree's tracked and
/// untracked (not ignored) files, the staged index for a pre-commit check, HEAD's tree in a
/// bare repository, or a plain directory's files. Symbolic links are not followed; binary
/// files and files over `sizeLimit` are left out (keys and models are not written there).
public struct ProjectFiles: Sendable {
  /// Files larger than this are not read for policy checks.
  public static let sizeLimit = 2 * 1024 * 1024

  enum Item: Sendable {
    /// A file on disk.
    case disk(absolute: [UInt8], path: String, isTracked: Bool)
    /// A blob of the repository: staged content (with the lines it adds) or HEAD's tree.
    case blob(ObjectID, path: String, addedLines: [ClosedRange<Int>]?)
  }

  let root: String
  let items: [Item]
  /// What could not be listed.
  public let problems: [ReadProblem]

  /// Lists the files of the project at `root`; `stagedOnly`: the staged changes only.
  public init(at root: String, stagedOnly: Bool) {
    self.root = root
    (items, problems) = Self.list(at: root, stagedOnly: stagedOnly)
  }

  private static func list(at root: String, stagedOnly: Bool) -> ([Item], [ReadProblem]) {
    var items: [Item] = []
    var problems: [ReadProblem] = []
    let repository: Repository?
    do {
      repository = try Repository.open(at: root)
    } catch {
      problems.append(ReadProblem(subject: root, message: "policy checks: cannot open the repository: \(error.message)"))
      return (items, problems)
    }
    guard let repository else {
      if FileContent.kind(at: root) == .directory {
        let tree = DirectoryTree(listing: root)
        items = tree.files.map { .disk(absolute: $0.path, path: $0.shown, isTracked: false) }
        problems = tree.problems.filter(\.isIncomplete)
      } else {
        items = [.disk(absolute: Array(root.utf8), path: (root as NSString).lastPathComponent, isTracked: false)]
      }
      return (items, problems)
    }
    do {
      if stagedOnly {
        let headTree = try repository.headCommitID().map { id throws(GitError) in try repository.commit(id).treeID }
        items = try repository.stagedContent(comparedTo: headTree).map {
          .blob($0.blob, path: $0.path, addedLines: $0.lines)
        }
      } else if let workDirectory = repository.workingDirectory {
        let root = Array(workDirectory.utf8)
        let tracked = try repository.indexEntries().filter { !$0.isSymlink }.map { ($0.path, $0.pathBytes) }
        let untracked = try repository.workingTreeChanges().filter(\.isUntracked).map { ($0.path, $0.pathBytes) }
        items =
          tracked.map { .disk(absolute: root + $0.1, path: $0.0, isTracked: true) }
          + untracked.map { .disk(absolute: root + $0.1, path: $0.0, isTracked: false) }
      } else if let head = try repository.headCommitID() {
        try Self.list(tree: try repository.commit(head).treeID, prefix: "", in: repository, into: &items)
      }
    } catch {
      problems.append(ReadProblem(subject: root, message: "policy checks: cannot list the files: \(error.message)"))
    }
    return (items, problems)
  }

  private static func list(tree: ObjectID, prefix: String, in repository: Repository, into items: inout [Item]) throws(GitError) {
    for entry in try repository.treeEntries(tree) {
      switch entry.kind {
      case .tree: try list(tree: entry.id, prefix: prefix + entry.name + "/", in: repository, into: &items)
      case .file: items.append(.blob(entry.id, path: prefix + entry.name, addedLines: nil))
      case .symlink, .submodule: continue
      }
    }
  }

  /// How many files were listed.
  public var count: Int { items.count }

  /// `transform` of every readable text file, on `workers` threads; the results in no
  /// particular order, and what could not be read.
  public func map<Result: Sendable>(
    workers: Int, _ transform: @escaping @Sendable (ProjectFile) -> Result
  ) -> (results: [Result], problems: [ReadProblem]) {
    let items = self.items
    let root = self.root
    let needsRepository = items.contains { if case .blob = $0 { true } else { false } }
    let perWorker = runWorkers(min(max(1, workers), max(1, items.count))) { nextIndex in
      var results: [Result] = []
      var problems: [ReadProblem] = []
      var repository: Repository?
      if needsRepository {
        do throws(GitError) {
          repository = try Repository.open(at: root)
        } catch {
          problems.append(ReadProblem(subject: root, message: "policy checks: cannot open the repository: \(error.message)"))
          return (results, problems)
        }
      }
      while case let index = nextIndex(), index < items.count {
        switch items[index] {
        case .disk(let absolute, let path, let isTracked):
          // Deleted since it was indexed, a link, a nested repository: nothing to read.
          guard FileContent.kind(atBytes: absolute) == .regular else { continue }
          do {
            if let text = try FileContent.withContents(ofBytes: absolute, { Self.decode($0) }) {
              results.append(transform(ProjectFile(path: path, text: text, isTracked: isTracked)))
            }
          } catch {
            problems.append(ReadProblem(subject: path, message: "policy checks: cannot read: \(FileContent.reason(error))"))
          }
        case .blob(let id, let path, let addedLines):
          guard let repository else { continue }
          do throws(GitError) {
            if try repository.objectSize(id) <= Self.sizeLimit,
              let text = try repository.withBlobContents(id, { Self.decode($0) })
            {
              results.append(transform(ProjectFile(path: path, text: text, isTracked: true, addedLines: addedLines)))
            }
          } catch {
            problems.append(ReadProblem(subject: path, message: "policy checks: cannot read the blob: \(error.message)"))
          }
        }
      }
      return (results, problems)
    }
    return (perWorker.flatMap { $0.0 }, perWorker.flatMap { $0.1 })
  }

  /// The bytes as text, or nil for binary content (a NUL in the first 8 KB, git's own test)
  /// and content over the size limit.
  static func decode(_ bytes: UnsafeRawBufferPointer) -> String? {
    guard bytes.count <= sizeLimit, !bytes.prefix(8192).contains(0) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
  }
}
