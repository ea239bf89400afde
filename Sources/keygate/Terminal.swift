#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Foundation

/// What keygate needs to know of its terminal, and where it writes.
enum Terminal {
  static func isTTY(_ descriptor: Int32) -> Bool { isatty(descriptor) == 1 }

  /// Colour only on a terminal, and never when `NO_COLOR` is set (no-color.org).
  static func wantsColor(_ descriptor: Int32) -> Bool {
    isTTY(descriptor) && ProcessInfo.processInfo.environment["NO_COLOR"].map(\.isEmpty) ?? true
      && ProcessInfo.processInfo.environment["TERM"] != "dumb"
  }

  /// The width to wrap prose at: the terminal's, `COLUMNS`, or 100.
  static func width(_ descriptor: Int32) -> Int {
    var size = winsize()
    if isTTY(descriptor), ioctl(descriptor, UInt(TIOCGWINSZ), &size) == 0, size.ws_col >= 40 {
      return min(Int(size.ws_col), 140)
    }
    if let columns = ProcessInfo.processInfo.environment["COLUMNS"].flatMap(Int.init), columns >= 40 {
      return min(columns, 140)
    }
    return 100
  }

  /// Writes a diagnostic line to standard error.
  static func diagnose(_ message: String) {
    // A configuration error already reads `file:line:column: error: …`, as compilers print it.
    if message.contains(": error: ") || message.hasPrefix("error: ") {
      FileHandle.standardError.write(Data("keygate: \(message)\n".utf8))
      return
    }
    let prefix = wantsColor(STDERR_FILENO) ? "\u{1B}[1;31merror:\u{1B}[0m" : "error:"
    FileHandle.standardError.write(Data("keygate: \(prefix) \(message)\n".utf8))
  }

  static func warn(_ message: String) {
    let prefix = wantsColor(STDERR_FILENO) ? "\u{1B}[1;33mwarning:\u{1B}[0m" : "warning:"
    FileHandle.standardError.write(Data("keygate: \(prefix) \(message)\n".utf8))
  }

  /// Writes the report to standard output; a closed pipe (`| head`) ends keygate quietly.
  static func writeStandardOutput(_ text: String) {
    signal(SIGPIPE, SIG_IGN)
    _ = writeAll(text, to: STDOUT_FILENO)
  }

  /// Writes all of `text` to `descriptor`, retrying interrupted writes; false on an error.
  private static func writeAll(_ text: String, to descriptor: Int32) -> Bool {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      bytes = bytes.dropFirst(written)
    }
    return true
  }

  /// Writes a report or baseline to `path`. A new or regular file is replaced atomically (a
  /// reader never sees half a report); anything else — `/dev/null`, a FIFO, `/dev/stdout`, a
  /// symbolic link — is written through, so it is never replaced by a regular file.
  static func save(_ text: String, to path: String) throws {
    var status = stat()
    let exists = lstat(path, &status) == 0
    if !exists || (status.st_mode & S_IFMT) == S_IFREG {
      try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
      return
    }
    let descriptor = open(path, O_WRONLY | O_TRUNC)
    guard descriptor >= 0 else {
      throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
    }
    defer { close(descriptor) }
    guard writeAll(text, to: descriptor) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
    }
  }
}
