#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CLibgit2

/// Every blob and tree the object database holds, each once, in the order reading them is
/// cheapest: each pack's objects in pack order, then loose objects.
///
/// Listing the object database costs next to nothing next to walking history (which reads every
/// commit and tree); it also finds blobs that no reference reaches, which are still in every
/// clone. The set of objects comes from libgit2 (`git_odb_foreach`), so nothing it can read is
/// missed; pack files are read directly only to learn each object's type and order.
public struct ObjectInventory: Sendable {
  public struct Blob: Sendable {
    public let id: ObjectID
    /// The exact size when the header says it without inflating (a whole object); nil for a
    /// delta, whose size `objectSize` reads.
    public let size: Int?
  }

  /// An object whose type could not be read: missing, corrupt or unreadable.
  public struct Unreadable: Sendable {
    public let id: ObjectID
    public let error: GitError
  }

  public internal(set) var blobs: [Blob] = []
  /// Every tree, in the same order (pack order, then loose).
  public internal(set) var trees: [ObjectID] = []
  public internal(set) var unreadable: [Unreadable] = []
  /// How many objects the database holds, of every type.
  public internal(set) var objectCount = 0
}

extension Repository {
  /// Lists every blob of the object database (packs, loose objects and alternates).
  /// - Throws: `GitError` when the object database cannot be listed at all.
  /// The corresponding C functions are `git_odb_foreach` and `git_odb_read_header`.
  public func objectInventory() throws(GitError) -> ObjectInventory {
    let odb = try odb()
    final class Collected { var ids = Set<ObjectID>() }
    let collected = Collected()
    let rc = withExtendedLifetime(collected) {
      git_odb_foreach(
        odb,
        { oid, payload in
          guard let oid, let payload else { return 0 }
          Unmanaged<Collected>.fromOpaque(payload).takeUnretainedValue().ids.insert(ObjectID(oid))
          return 0
        }, Unmanaged.passUnretained(collected).toOpaque())
    }
    try check(rc, function: "git_odb_foreach")
    var pending = collected.ids
    var inventory = ObjectInventory()
    inventory.objectCount = pending.count

    // Packs, in pack order: each object the pack holds and libgit2 listed is taken once.
    for directory in objectDirectories() {
      for indexPath in Self.files(in: directory + "/pack", endingWith: ".idx") {
        guard let layout = PackLayout(indexPath: indexPath) else { continue }
        for entry in layout.entries {
          guard let type = entry.type, pending.contains(entry.id) else { continue }
          pending.remove(entry.id)
          switch type {
          case .blob: inventory.blobs.append(.init(id: entry.id, size: entry.size))
          case .tree: inventory.trees.append(entry.id)
          case .commit, .tag: break
          }
        }
      }
    }
    // Whatever is left (loose objects, packs keygate could not read itself): ask libgit2.
    for id in pending.sorted() {
      var size = 0
      var type = GIT_OBJECT_ANY
      do {
        try id.withGitOID { oid throws(GitError) in
          try check(git_odb_read_header(&size, &type, odb, oid), function: "git_odb_read_header")
        }
        if type == GIT_OBJECT_BLOB { inventory.blobs.append(.init(id: id, size: size)) }
        if type == GIT_OBJECT_TREE { inventory.trees.append(id) }
      } catch {
        inventory.unreadable.append(.init(id: id, error: error))
      }
    }
    return inventory
  }

  /// The repository's object directory and, following `objects/info/alternates`, the
  /// directories it borrows objects from (as libgit2 does, five levels deep at most).
  func objectDirectories() -> [String] {
    let common = String(cString: git_repository_commondir(pointer))
    var directories: [String] = []
    var queue = [(path: (common.hasSuffix("/") ? common : common + "/") + "objects", depth: 0)]
    while !queue.isEmpty {
      let (path, depth) = queue.removeFirst()
      guard !directories.contains(path) else { continue }
      directories.append(path)
      guard depth < 5, let text = Self.contents(of: path + "/info/alternates") else { continue }
      for line in text.split(separator: "\n") where !line.isEmpty && !line.hasPrefix("#") {
        let alternate = line.hasPrefix("/") ? String(line) : path + "/" + line
        queue.append((alternate, depth + 1))
      }
    }
    return directories
  }

  /// The names in `directory` ending with `suffix`, as full paths, sorted.
  static func files(in directory: String, endingWith suffix: String) -> [String] {
    guard let stream = opendir(directory) else { return [] }
    defer { closedir(stream) }
    var names: [String] = []
    while let entry = readdir(stream) {
      let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
        String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
      }
      if name.hasSuffix(suffix) { names.append(directory + "/" + name) }
    }
    return names.sorted()
  }

  /// A small text file's contents, or nil when it cannot be read.
  static func contents(of path: String) -> String? {
    guard let file = fopen(path, "r") else { return nil }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 1 << 20 {
      let read = fread(&buffer, 1, buffer.count, file)
      if read <= 0 { break }
      bytes += buffer[0..<read]
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
