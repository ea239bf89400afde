import Foundation

/// Reading files from disk without following symbolic links out of the tree.
enum FileContent {
  enum Kind {
    case regular, symlink, directory, other
  }

  /// The kind of the file at `path`, not following a final symbolic link; nil when absent.
  static func kind(at path: String) -> Kind? {
    kind(atBytes: Array(path.utf8))
  }

  /// The kind of the file at `path` (its bytes, which need not be UTF-8), not following a final
  /// symbolic link; nil when absent.
  static func kind(atBytes path: [UInt8]) -> Kind? {
    var info = stat()
    guard withCString(path, { lstat($0, &info) }) == 0 else { return nil }
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
    try withContents(ofBytes: Array(path.utf8), body)
  }

  /// Calls `body` with the bytes of the file at `path` (its bytes, which need not be UTF-8),
  /// memory-mapped, or with a symbolic link's target, as git stores links. A link is never
  /// followed and a FIFO is never waited on.
  /// - Throws: `FileReadError` with the reason the file cannot be read.
  static func withContents<R>(ofBytes path: [UInt8], _ body: (UnsafeRawBufferPointer) throws -> R) throws -> R {
    if kind(atBytes: path) == .symlink {
      var target = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
      let length = withCString(path) { link in
        target.withUnsafeMutableBytes { readlink(link, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
      }
      guard length >= 0 else { throw FileReadError(code: errno) }
      return try target[..<length].withUnsafeBytes(body)
    }
    let descriptor = withCString(path) { open($0, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC) }
    guard descriptor >= 0 else { throw FileReadError(code: errno) }
    defer { close(descriptor) }
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { throw FileReadError(code: errno) }
    guard info.st_mode & S_IFMT == S_IFREG else { throw FileReadError(code: EINVAL, message: "not a regular file") }
    let size = Int(info.st_size)
    guard size > 0 else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
    guard let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), mapped != MAP_FAILED else {
      throw FileReadError(code: errno)
    }
    defer { munmap(mapped, size) }
    return try body(UnsafeRawBufferPointer(start: mapped, count: size))
  }

  /// Calls `body` with `path` as a NUL-terminated C string.
  static func withCString<R>(_ path: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
    try (path + [0]).withUnsafeBufferPointer { bytes in
      try bytes.withMemoryRebound(to: CChar.self) { try body($0.baseAddress!) }
    }
  }

  /// The first `count` bytes of the regular file at `path` (fewer for a shorter file); nil
  /// when it is not a regular file or cannot be read. A final symbolic link is not followed.
  static func prefix(of path: String, count: Int) -> [UInt8]? {
    let descriptor = open(path, O_RDONLY | O_NOFOLLOW)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var bytes = [UInt8](repeating: 0, count: count)
    var filled = 0
    while filled < count {
      let read = bytes.withUnsafeMutableBytes { Foundation.read(descriptor, $0.baseAddress! + filled, count - filled) }
      if read <= 0 { break }
      filled += read
    }
    return Array(bytes[..<filled])
  }

  /// True when `path` is a regular file whose content is an archive keygate opens.
  static func isArchive(at path: String) -> Bool {
    guard kind(at: path) == .regular, let head = prefix(of: path, count: ArchiveContents.magicLength) else { return false }
    return head.withUnsafeBytes(ArchiveContents.isArchive)
  }

  /// A short reason for an error from reading a file.
  static func reason(_ error: any Error) -> String {
    if let error = error as? FileReadError { return error.description }
    if let cocoa = error as? CocoaError, let underlying = cocoa.userInfo[NSUnderlyingErrorKey] as? NSError,
      underlying.domain == NSPOSIXErrorDomain, let message = strerror(Int32(underlying.code))
    {
      return String(cString: message)
    }
    return "\(error)"
  }
}

/// Why a file or directory could not be read: the system's error.
struct FileReadError: Error, CustomStringConvertible {
  let code: Int32
  var message: String?

  init(code: Int32, message: String? = nil) {
    self.code = code
    self.message = message
  }

  var description: String { message ?? String(cString: strerror(code)) }
}
