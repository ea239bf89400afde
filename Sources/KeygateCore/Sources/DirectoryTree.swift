import Foundation

/// The regular files of a directory that is not a git repository, found without following
/// symbolic links.
struct DirectoryTree {
  /// Paths relative to the root, sorted.
  private(set) var files: [String] = []
  private(set) var problems: [ReadProblem] = []

  init(listing root: String) {
    var stack = [""]
    while let relative = stack.popLast() {
      let absolute = relative.isEmpty ? root : root + "/" + relative
      let names: [String]
      do {
        names = try FileManager.default.contentsOfDirectory(atPath: absolute)
      } catch {
        problems.append(ReadProblem(subject: relative.isEmpty ? "." : relative, message: "cannot list directory: \(FileContent.reason(error))"))
        continue
      }
      for name in names.sorted() {
        let path = relative.isEmpty ? name : relative + "/" + name
        switch FileContent.kind(at: root + "/" + path) {
        case .regular: files.append(path)
        case .directory: stack.append(path)
        case .symlink:
          problems.append(ReadProblem(subject: path, message: "symbolic link not followed", isIncomplete: false))
        case nil where name.contains("\u{FFFD}"):
          // Foundation lists a name that is not UTF-8 with replacement characters, which name
          // no file: it cannot be opened, so the scan cannot vouch for it.
          problems.append(
            ReadProblem(
              subject: path,
              message: "the file name is not valid UTF-8, so it cannot be opened: not scanned (rename it; "
                + "committed, the file is read from git history)"))
        case .other, nil:
          problems.append(ReadProblem(subject: path, message: "not a regular file; skipped", isIncomplete: false))
        }
      }
    }
    files.sort()
  }
}
