import Foundation
import KeygateGit

/// The regular files of a directory that is not a git repository, found without following
/// symbolic links.
///
/// Names are read as bytes (`readdir`), because a file name on Linux need not be UTF-8: each file
/// is opened by its path's bytes and shown with each byte that is not UTF-8 written as `\xNN`.
struct DirectoryTree {
  /// The regular files, sorted by `shown`: the path relative to the root as the report shows it,
  /// and the absolute path's bytes, which open the file.
  private(set) var files: [(shown: String, path: [UInt8])] = []
  private(set) var problems: [ReadProblem] = []

  init(listing root: String) {
    let rootBytes = Array(root.utf8)
    var stack: [[UInt8]] = [[]]
    while let relative = stack.popLast() {
      let absolute = relative.isEmpty ? rootBytes : rootBytes + [UInt8(ascii: "/")] + relative
      let names: [[UInt8]]
      do {
        names = try Self.names(in: absolute)
      } catch {
        problems.append(
          ReadProblem(subject: relative.isEmpty ? "." : PathBytes.shown(relative), message: "cannot list directory: \(error)"))
        continue
      }
      for name in names.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
        let path = relative.isEmpty ? name : relative + [UInt8(ascii: "/")] + name
        let file = rootBytes + [UInt8(ascii: "/")] + path
        switch FileContent.kind(atBytes: file) {
        case .regular: files.append((PathBytes.shown(path), file))
        case .directory: stack.append(path)
        case .symlink:
          problems.append(ReadProblem(subject: PathBytes.shown(path), message: "symbolic link not followed", isIncomplete: false))
        case .other:
          problems.append(ReadProblem(subject: PathBytes.shown(path), message: "not a regular file; skipped", isIncomplete: false))
        case nil:
          let code = errno
          // Gone between the listing and the look: nothing to scan.
          if code == ENOENT { continue }
          problems.append(ReadProblem(subject: PathBytes.shown(path), message: "cannot read: \(FileReadError(code: code))"))
        }
      }
    }
    files.sort { $0.shown < $1.shown }
  }

  /// The entries of the directory at `path` (bytes), without `.` and `..`.
  private static func names(in path: [UInt8]) throws(FileReadError) -> [[UInt8]] {
    let directory = FileContent.withCString(path) { opendir($0) }
    guard let directory else { throw FileReadError(code: errno) }
    defer { closedir(directory) }
    var names: [[UInt8]] = []
    while let entry = readdir(directory) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        Array(raw.prefix { $0 != 0 })
      }
      if name == [0x2E] || name == [0x2E, 0x2E] { continue }
      names.append(name)
    }
    return names
  }
}
