import KeygateArchive
import KeygateRegex

/// How far keygate opens archives (`--max-archive-depth`, `--max-archive-bytes`,
/// `--max-archive-members`); nil in `ScanOptions` (`--no-archives`) opens none.
public struct ArchiveLimits: Sendable, Equatable {
  /// An archive in a file or blob is depth 1; an archive inside it depth 2, and so on. Deeper
  /// archives are not opened, and the report says so.
  public var maxDepth = 3
  /// The content read out of one outermost archive, all levels together: a zip bomb stops here.
  public var maxExpandedBytes = 2 * 1024 * 1024 * 1024
  /// The entries read out of one outermost archive, all levels together.
  public var maxMembers = 1_000_000

  public init() {}
}

/// What scanning content found, inside archives or not: matches carry the chain of member paths
/// below the archive (`["app/config.py"]`, or `["sha256:…", "/app/.env"]` inside an image
/// layer), and so do the problems.
struct ArchiveMatches {
  /// True when the content was opened as an archive (the matches are its members').
  var isArchive = false
  var matches: [RawMatch] = []
  var problems: [(members: [String], message: String, isIncomplete: Bool)] = []
  /// Content bytes scanned.
  var bytes = 0

  /// The problems as the report names them: `subject`, then `!member` for each level.
  func readProblems(under subject: String) -> [ReadProblem] {
    problems.map { members, message, isIncomplete in
      ReadProblem(subject: ([subject] + members).joined(separator: "!"), message: message, isIncomplete: isIncomplete)
    }
  }
}

extension ArchiveContents {
  /// Scans `bytes` (a blob, a file's content, named `name`): an archive's members when `archives` is set and
  /// the bytes are an archive, else the bytes themselves.
  static func scan(
    _ bytes: UnsafeRawBufferPointer, named name: String, archives: ArchiveContents?, matcher: inout Matcher
  ) throws(RegexError) -> ArchiveMatches {
    if let archives, isArchive(bytes) { return archives.scan(bytes: bytes, named: name, matcher: &matcher) }
    var found = ArchiveMatches(matches: try matcher.matches(in: bytes), bytes: bytes.count)
    if let unfinished = matcher.unfinished { found.problems.append(([], unfinished, true)) }
    return found
  }

  /// How the report names a file that is an archive, and whether it is an image layer: a layer
  /// blob of an OCI layout (`image/blobs/sha256/<digest>`) is `image!sha256:<digest>`.
  static func name(ofFile shown: String) -> (name: String, isLayer: Bool) {
    guard let digest = layerDigest(shown), shown.hasSuffix("blobs/sha256/" + digest) else { return (shown, false) }
    var layout = String(shown.dropLast(("blobs/sha256/" + digest).count))
    if layout.hasSuffix("/") { layout.removeLast() }
    return ((layout.isEmpty ? "." : layout) + "!sha256:" + digest, true)
  }
}

/// Opens archives and scans their members with the matcher: zip and its family, tar (plain or
/// compressed), a lone gzip/bzip2/xz/zstd file, `.deb` (ar), 7-Zip; recursively up to
/// `maxDepth`; streamed, with at most one member's content (bounded by the file-size limit) in
/// memory per level.
///
/// Container images need nothing special: `docker save`/`podman save` tarballs and OCI layouts
/// hold each layer as a tar (often gzipped), so each layer is a nested archive, named by its
/// digest (`sha256:…`) and its paths shown from the root (`/app/.env`). A file a later layer
/// deletes is still in its own layer, so it is still found.
struct ArchiveContents {
  let limits: ArchiveLimits
  /// Members larger than this are not read (`--max-file-size`); the report lists them.
  let maxMemberSize: Int?

  /// What the first bytes of content say: true for the archive and compression formats keygate
  /// opens. Content is recognised by its magic number, never by its name.
  static func isArchive(_ bytes: UnsafeRawBufferPointer) -> Bool {
    func starts(_ magic: [UInt8], at offset: Int = 0) -> Bool {
      bytes.count >= offset + magic.count && zip(bytes[offset..<offset + magic.count], magic).allSatisfy { $0 == $1 }
    }
    return starts([0x50, 0x4B, 0x03, 0x04])  // zip (jar, war, whl, apk, nupkg, docx, …)
      || starts([0x50, 0x4B, 0x05, 0x06])  // an empty zip
      || starts([0x1F, 0x8B])  // gzip
      || starts(Array("BZh".utf8)) && bytes.count > 3 && (0x31...0x39).contains(bytes[3])  // bzip2
      || starts([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00])  // xz
      || starts([0x28, 0xB5, 0x2F, 0xFD])  // zstd
      || starts(Array("!<arch>\n".utf8))  // ar: .deb
      || starts([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C])  // 7-Zip
      || starts(Array("ustar".utf8), at: 257)  // tar (POSIX and GNU)
  }

  /// How many leading bytes `isArchive` looks at.
  static let magicLength = 512

  /// Scans the archive in the file at `path`; `isLayer` for an image layer's blob in an OCI
  /// layout (its paths are shown from the root).
  func scan(file path: String, isLayer: Bool = false, matcher: inout Matcher) -> ArchiveMatches {
    scan(named: String(path.split(separator: "/").last ?? ""), isLayer: isLayer, matcher: &matcher) {
      () throws(ArchiveError) in try ArchiveReader(file: path)
    }
  }

  /// Scans the archive in `bytes` (a blob, a file's content) whose file name is `name`.
  func scan(bytes: UnsafeRawBufferPointer, named name: String, matcher: inout Matcher) -> ArchiveMatches {
    scan(named: name, isLayer: false, matcher: &matcher) { () throws(ArchiveError) in try ArchiveReader(memory: bytes) }
  }

  /// Scans the outermost archive `open` gives, with a budget of its own.
  private func scan(
    named name: String, isLayer: Bool, matcher: inout Matcher, open: () throws(ArchiveError) -> ArchiveReader
  ) -> ArchiveMatches {
    var result = ArchiveMatches(isArchive: true)
    var budget = Budget()
    do {
      walk(
        try open(), named: name, chain: [], depth: 1, isLayer: isLayer, matcher: &matcher, budget: &budget,
        into: &result)
    } catch {
      result.problems.append(([], "cannot open as an archive: \(error)", true))
    }
    return result
  }

  /// What one outermost archive has used of the limits.
  private struct Budget {
    var bytes = 0
    var members = 0
    var exhausted = false
  }

  private static let chunkSize = 256 * 1024

  /// Scans every member of `reader`; nested archives recursively.
  private func walk(
    _ reader: ArchiveReader, named archiveName: String, chain: [String], depth: Int, isLayer: Bool,
    matcher: inout Matcher, budget: inout Budget, into result: inout ArchiveMatches
  ) {
    var chunk = [UInt8](repeating: 0, count: Self.chunkSize)
    while !budget.exhausted, !ScanCancellation.isRequested {
      let entry: ArchiveReader.Entry
      do {
        guard let next = try reader.next() else { return }
        entry = next
      } catch {
        result.problems.append((chain, "the archive is corrupt or truncated after \(budget.members) members: \(error)", true))
        return
      }
      guard entry.kind == .regular else { continue }  // directories, links and devices hold no content
      budget.members += 1
      let name =
        reader.formatName == "raw" && entry.path == "data"
        ? Self.decompressedName(of: archiveName) : Self.memberName(entry.path, inLayer: isLayer)
      let members = chain + [name]
      if budget.members > limits.maxMembers {
        budget.exhausted = true
        result.problems.append((chain, "stopped after \(limits.maxMembers) members (--max-archive-members): the rest of this archive was not scanned", false))
        return
      }
      if entry.isEncrypted {
        result.problems.append((members, "encrypted: cannot be read without its password, not scanned", false))
        continue
      }
      if let size = entry.size, let maxMemberSize, size > maxMemberSize, depth >= limits.maxDepth {
        result.problems.append((members, Self.tooLarge(size, limit: maxMemberSize), false))
        continue
      }
      // The first bytes say whether the member is an archive itself.
      var head: [UInt8] = []
      do {
        while head.count < Self.magicLength {
          let count = try chunk.withUnsafeMutableBytes { buffer throws(ArchiveError) in
            try reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<(Self.magicLength - head.count)]))
          }
          if count == 0 { break }
          head += chunk[..<count]
        }
      } catch {
        result.problems.append((members, "cannot read: \(error)", true))
        continue
      }
      if head.withUnsafeBytes(Self.isArchive) {
        guard depth < limits.maxDepth else {
          result.problems.append((members, "an archive nested \(depth + 1) deep: not opened (--max-archive-depth \(limits.maxDepth))", false))
          continue
        }
        do {
          let nested = try ArchiveReader(entryOf: reader, prefix: head)
          walk(
            nested, named: String(entry.path.split(separator: "/").last ?? ""), chain: members, depth: depth + 1,
            isLayer: Self.isLayer(members.last!), matcher: &matcher, budget: &budget, into: &result)
        } catch {
          result.problems.append((members, "cannot open as an archive: \(error)", true))
        }
        continue
      }
      if let size = entry.size, let maxMemberSize, size > maxMemberSize {
        result.problems.append((members, Self.tooLarge(size, limit: maxMemberSize), false))
        continue
      }
      // The whole member, then the matcher over it.
      var content = head
      do {
        while true {
          let count = try chunk.withUnsafeMutableBytes { buffer throws(ArchiveError) in try reader.read(into: buffer) }
          if count == 0 { break }
          content += chunk[..<count]
          if let maxMemberSize, content.count > maxMemberSize { break }
          if budget.bytes + content.count > limits.maxExpandedBytes { break }
        }
      } catch {
        result.problems.append((members, "cannot read: \(error)", true))
        continue
      }
      if let maxMemberSize, content.count > maxMemberSize {
        result.problems.append((members, Self.tooLarge(content.count, limit: maxMemberSize), false))
        continue
      }
      budget.bytes += content.count
      if budget.bytes > limits.maxExpandedBytes {
        budget.exhausted = true
        result.problems.append((
          chain,
          "stopped after \(limits.maxExpandedBytes / (1024 * 1024)) MiB of content (--max-archive-bytes), an archive "
            + "bomb or a very large archive: the rest was not scanned", false
        ))
        return
      }
      result.bytes += content.count
      do {
        let found = try content.withUnsafeBytes { bytes throws(RegexError) in try matcher.matches(in: bytes) }
        result.matches += found.map { match in
          var match = match
          match.archiveMembers = members
          return match
        }
        if let unfinished = matcher.unfinished { result.problems.append((members, unfinished, true)) }
      } catch {
        result.problems.append((members, "the matching engine failed: \(error)", true))
      }
    }
  }

  /// A lone compressed file's content is named after it, its compression suffix dropped
  /// (`settings.json.gz` holds `settings.json`) when the file does not store the name itself.
  static func decompressedName(of archiveName: String) -> String {
    for suffix in [".gz", ".gzip", ".bz2", ".xz", ".zst", ".lz4", ".z", ".Z"] where archiveName.hasSuffix(suffix) {
      let name = String(archiveName.dropLast(suffix.count))
      if !name.isEmpty { return name }
    }
    return archiveName.isEmpty ? "data" : archiveName + " (decompressed)"
  }

  static func tooLarge(_ size: Int, limit: Int) -> String {
    "\(size / (1024 * 1024)) MiB, over --max-file-size (\(limit / (1024 * 1024)) MiB): not scanned; raise the limit to scan it"
  }

  /// An image layer's name: its digest. OCI layouts and recent `docker save` keep layers as
  /// `blobs/sha256/<digest>`, `podman save` as `<digest>.tar`.
  static func memberName(_ path: String, inLayer: Bool) -> String {
    var path = path
    while path.hasPrefix("./") { path.removeFirst(2) }
    if inLayer { return path.hasPrefix("/") ? path : "/" + path }
    return layerDigest(path).map { "sha256:" + $0 } ?? path
  }

  /// True for a member that is an image layer: named by its digest (`sha256:…`), or a layer of
  /// the `docker save` format before Docker 25 (`<id>/layer.tar`). Its own members are shown
  /// from the root.
  static func isLayer(_ name: String) -> Bool {
    if name.hasPrefix("sha256:") { return true }
    let parts = name.split(separator: "/")
    return parts.count == 2 && parts[1] == "layer.tar" && isDigest(parts[0])
  }

  static func isDigest(_ text: Substring) -> Bool {
    text.count == 64 && text.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
  }

  /// The hex digest in a layer's path, or nil when the path does not name a layer blob.
  static func layerDigest(_ path: String) -> String? {
    let parts = path.split(separator: "/")
    if parts.count >= 3, parts[parts.count - 3] == "blobs", parts[parts.count - 2] == "sha256", isDigest(parts.last!) {
      return String(parts.last!)
    }
    if parts.count == 1, parts[0].hasSuffix(".tar"), isDigest(parts[0].dropLast(4)) { return String(parts[0].dropLast(4)) }
    return nil
  }
}
