import CLibarchive

/// Why libarchive could not read an archive (corrupt data, an unsupported variant, a failed read).
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
  public let message: String
  public init(_ message: String) { self.message = message }
  public var description: String { message }
}

/// One archive read front to back with libarchive: its entries in order, and each entry's
/// content in chunks. Nothing is extracted to disk.
///
/// The formats are libarchive's (zip and its family, tar, ar, 7-Zip, cpio, ISO 9660, …) under
/// any of its filters (gzip, bzip2, xz, zstd, lz4, …); `raw` makes a lone compressed file (a
/// `.gz` of a single file) one entry named `data`. A reader must be used by one thread at a time.
public final class ArchiveReader {
  private let archive: OpaquePointer
  /// Keeps the client data of a streamed reader alive as long as libarchive may call it.
  private var stream: Unmanaged<EntryStream>?

  private init() throws(ArchiveError) {
    guard let archive = archive_read_new() else { throw ArchiveError("libarchive could not allocate a reader") }
    self.archive = archive
    archive_read_support_filter_all(archive)
    archive_read_support_format_all(archive)
    archive_read_support_format_raw(archive)
  }

  deinit {
    archive_read_free(archive)
    stream?.release()
  }

  /// Reads the archive in the file at `path` (seekable: zip's central directory is used).
  public convenience init(file path: String) throws(ArchiveError) {
    try self.init()
    try check(archive_read_open_filename(archive, path, 64 * 1024))
  }

  /// Reads the archive in `bytes`, which must stay valid and unchanged while the reader lives.
  public convenience init(memory bytes: UnsafeRawBufferPointer) throws(ArchiveError) {
    try self.init()
    try check(archive_read_open_memory(archive, bytes.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, bytes.count))
  }

  /// Reads the archive that is the current entry of `parent`, streamed through this reader
  /// without holding it in memory: `prefix` is what was already read of the entry (to tell
  /// that it is an archive), the rest comes from `parent` as this reader needs it. `parent`
  /// must not move to its next entry while this reader is in use.
  public convenience init(entryOf parent: ArchiveReader, prefix: [UInt8]) throws(ArchiveError) {
    try self.init()
    let stream = Unmanaged.passRetained(EntryStream(parent: parent, prefix: prefix))
    self.stream = stream
    try check(archive_read_open2(archive, stream.toOpaque(), nil, { EntryStream.read($0, $1, $2) }, { EntryStream.skip($0, $1, $2) }, nil))
  }

  /// The kind of an entry.
  public enum Kind: Sendable, Equatable {
    case regular, directory, symbolicLink, other
  }

  /// An entry's header.
  public struct Entry: Sendable {
    /// The path inside the archive, as stored (invalid UTF-8 replaced).
    public let path: String
    public let kind: Kind
    /// The content's size, when the archive says it before the content.
    public let size: Int?
    /// Encrypted content (a password-protected zip member) cannot be read.
    public let isEncrypted: Bool
  }

  /// The next entry's header, or nil after the last one. Moving on skips whatever of the
  /// previous entry's content was not read.
  public func next() throws(ArchiveError) -> Entry? {
    var entry: OpaquePointer?
    var status = archive_read_next_header(archive, &entry)
    var retries = 0
    while status == ARCHIVE_RETRY, retries < 3 {
      retries += 1
      status = archive_read_next_header(archive, &entry)
    }
    if status == ARCHIVE_EOF { return nil }
    guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let entry else { throw failure() }
    let path: String
    if let utf8 = archive_entry_pathname_utf8(entry) {
      path = String(cString: utf8)
    } else if let raw = archive_entry_pathname(entry) {
      path = String(decoding: UnsafeRawBufferPointer(start: raw, count: strlen(raw)), as: UTF8.self)
    } else {
      path = ""
    }
    let kind: Kind =
      CLibarchive_is_regular(entry) != 0 ? .regular
      : CLibarchive_is_directory(entry) != 0 ? .directory
      : CLibarchive_is_symlink(entry) != 0 ? .symbolicLink : .other
    let size = archive_entry_size_is_set(entry) != 0 ? Int(archive_entry_size(entry)) : nil
    return Entry(path: path, kind: kind, size: size, isEncrypted: archive_entry_is_encrypted(entry) != 0)
  }

  /// Reads the current entry's content into `buffer`.
  /// - Returns: The number of bytes read; 0 at the end of the entry.
  public func read(into buffer: UnsafeMutableRawBufferPointer) throws(ArchiveError) -> Int {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
    var count = archive_read_data(archive, base, buffer.count)
    var retries = 0
    while count == Int(ARCHIVE_RETRY), retries < 3 {
      retries += 1
      count = archive_read_data(archive, base, buffer.count)
    }
    if count < 0 { throw failure() }
    return count
  }

  /// libarchive's name of the format it recognised, e.g. "ZIP 2.0 (deflation)" or "GNU tar format".
  public var formatName: String {
    archive_format_name(archive).map { String(cString: $0) } ?? "unknown"
  }

  private func check(_ status: Int32) throws(ArchiveError) {
    if status != ARCHIVE_OK && status != ARCHIVE_WARN { throw failure() }
  }

  private func failure() -> ArchiveError {
    ArchiveError(archive_error_string(archive).map { String(cString: $0) } ?? "libarchive could not read the archive")
  }
}

/// The client data of a reader that streams its parent's current entry: the bytes already
/// read first, then the rest from the parent, one buffer at a time.
private final class EntryStream {
  let parent: ArchiveReader
  var prefix: [UInt8]
  var prefixSent = false
  let buffer: UnsafeMutableRawBufferPointer

  init(parent: ArchiveReader, prefix: [UInt8]) {
    self.parent = parent
    self.prefix = prefix
    buffer = .allocate(byteCount: max(256 * 1024, prefix.count), alignment: 16)
  }

  deinit { buffer.deallocate() }

  static func read(
    _ archive: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ pointer: UnsafeMutablePointer<UnsafeRawPointer?>?
  ) -> Int {
    guard let client, let pointer else { return -1 }
    let stream = Unmanaged<EntryStream>.fromOpaque(client).takeUnretainedValue()
    if !stream.prefixSent {
      stream.prefixSent = true
      if !stream.prefix.isEmpty {
        let count = stream.prefix.count
        stream.prefix.withUnsafeBytes { stream.buffer.copyMemory(from: $0) }
        stream.prefix = []
        pointer.pointee = UnsafeRawPointer(stream.buffer.baseAddress)
        return count
      }
    }
    do {
      let count = try stream.parent.read(into: stream.buffer)
      pointer.pointee = UnsafeRawPointer(stream.buffer.baseAddress)
      return count
    } catch {
      if let archive { CLibarchive_set_error(archive, "the enclosing archive: \(error)") }
      return -1
    }
  }

  /// Skipping reads and drops: the parent's entry can only be read forwards.
  static func skip(_: OpaquePointer?, _ client: UnsafeMutableRawPointer?, _ request: Int64) -> Int64 {
    guard let client, request > 0 else { return 0 }
    let stream = Unmanaged<EntryStream>.fromOpaque(client).takeUnretainedValue()
    var skipped: Int64 = 0
    while skipped < request {
      let want = Int(min(Int64(stream.buffer.count), request - skipped))
      guard let count = try? stream.parent.read(into: UnsafeMutableRawBufferPointer(rebasing: stream.buffer[..<want])),
        count > 0
      else { break }
      skipped += Int64(count)
    }
    return skipped
  }
}
