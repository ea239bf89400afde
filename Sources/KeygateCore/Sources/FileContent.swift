import Foundation

/// Reading files from disk without following symbolic links out of the tree.
enum FileContent {
  enum Kind {
    case regular, symlink, directory, other
  }

  /// The kind of the file at `path`, not following a final symbolic link; nil when absent.
  static func kind(at path: String) -> Kind? {
    var info = stat()
    guard lstat(path, &info) == 0 else { return nil }
    switch info.st_mode & S_IFMT {
    case S_IFREG: return .regular
    case S_IFLNK: return .symlink
    case S_IFDIR: return .directory
    default: return .other
    }
  }

  /// The size in bytes of the regular file at `path` (not following a final symbolic link).
  static func size(at path: String) -> Int? {
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { return nil }
    return Int(info.st_size)
  }

  /// Calls `body` with the file's bytes (memory-mapped), or with a symbolic link's target text,
  /// as git stores links.
  /// - Throws: The reason the file cannot be read.
  static func withContents<R>(of path: String, _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    if kind(at: path) == .symlink {
      let target = try FileManager.default.destinationOfSymbolicLink(atPath: path)
      return try Array(target.utf8).withUnsafeBytes(body)
    }
    let data = try Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped)
    return try data.withUnsafeBytes(body)
  }

  /// A short reason for an error from reading a file.
  static func reason(_ error: any Error) -> String {
    if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code))
    {
      return String(cString: message)
    }
    return "\(error)"
  }
}
