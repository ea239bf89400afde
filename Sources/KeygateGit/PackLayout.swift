#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A read-only memory map of a whole file, unmapped when released.
final class MappedFile {
  let bytes: UnsafeRawBufferPointer

  /// Maps `path`; nil when it cannot be opened or mapped (the caller falls back to libgit2).
  init?(path: String) {
    let descriptor = open(path, O_RDONLY | O_CLOEXEC)
    guard descriptor >= 0 else { return nil }
    defer { close(descriptor) }
    var status = stat()
    guard fstat(descriptor, &status) == 0, status.st_size > 0 else { return nil }
    let size = Int(status.st_size)
    guard let address = mmap(nil, size, PROT_READ, MAP_PRIVATE, descriptor, 0), address != MAP_FAILED else {
      return nil
    }
    bytes = UnsafeRawBufferPointer(start: address, count: size)
    _ = madvise(address, size, MADV_SEQUENTIAL)
  }

  deinit { munmap(UnsafeMutableRawPointer(mutating: bytes.baseAddress), bytes.count) }
}

/// What a pack file holds, read from its index and from each object's header, without
/// inflating anything: each object's id, type and (for whole objects) size, in pack order.
///
/// Git writes a pack so that objects that are read together lie together and each delta's base
/// comes before it: reading blobs in this order lets libgit2's delta base cache work, where
/// reading them in history order inflates the same bases again and again (DESIGN.md).
struct PackLayout {
  struct Entry {
    let id: ObjectID
    /// The object's type once deltas are followed to their base; nil when the base is outside
    /// this pack or the header is damaged (libgit2 then reads the header itself).
    let type: ObjectKind?
    /// The size of a whole (non-delta) object; nil for a delta, whose size needs inflating.
    let size: Int?
  }

  enum ObjectKind: UInt8 {
    case commit = 1, tree = 2, blob = 3, tag = 4
  }

  /// The pack's objects in the order they are stored.
  let entries: [Entry]

  /// Reads `indexPath` (a version 2 `.idx`) and the `.pack` beside it.
  /// - Returns: nil when either file is missing, of another version, or not well formed: the
  ///   caller then learns these objects from libgit2 instead.
  init?(indexPath: String) {
    guard indexPath.hasSuffix(".idx"), let index = MappedFile(path: indexPath),
      let pack = MappedFile(path: String(indexPath.dropLast(4)) + ".pack")
    else { return nil }
    guard let entries = Self.read(index: index.bytes, pack: pack.bytes) else { return nil }
    self.entries = entries
  }

  private static func read(index: UnsafeRawBufferPointer, pack: UnsafeRawBufferPointer) -> [Entry]? {
    // .idx version 2: magic, version, 256 fan-out counts, ids, CRCs, 31-bit offsets, 64-bit offsets.
    let header = 8
    let fanout = 256 * 4
    guard index.count >= header + fanout + 40, be32(index, 0) == 0xff74_4f63, be32(index, 4) == 2 else { return nil }
    let count = Int(be32(index, header + 255 * 4))
    let idsAt = header + fanout
    let offsetsAt = idsAt + count * 20 + count * 4
    let largeAt = offsetsAt + count * 4
    guard index.count >= largeAt + 40 else { return nil }
    // The pack: "PACK", version 2 or 3, object count; a 20-byte checksum at the end.
    guard pack.count >= 32, be32(pack, 0) == 0x5041_434b, [2, 3].contains(be32(pack, 4)),
      Int(be32(pack, 8)) == count
    else { return nil }
    let packEnd = pack.count - 20

    var offsets = [Int](repeating: 0, count: count)
    for position in 0..<count {
      let small = be32(index, offsetsAt + position * 4)
      if small & 0x8000_0000 == 0 {
        offsets[position] = Int(small)
      } else {
        let slot = largeAt + Int(small & 0x7fff_ffff) * 8
        guard slot + 8 <= index.count - 40 else { return nil }
        offsets[position] = Int(UInt64(be32(index, slot)) << 32 | UInt64(be32(index, slot + 4)))
      }
      guard offsets[position] >= 12, offsets[position] < packEnd else { return nil }
    }
    // Index positions (id order) sorted by offset: pack order.
    let order = (0..<count).sorted { offsets[$0] < offsets[$1] }
    var rankOfPosition = [Int](repeating: 0, count: count)
    for (rank, position) in order.enumerated() { rankOfPosition[position] = rank }
    let sortedOffsets = order.map { offsets[$0] }

    func id(at position: Int) -> ObjectID { ObjectID(bytes: index, at: idsAt + position * 20) }
    /// The rank of the object stored at exactly `offset`, by binary search.
    func rankAt(offset: Int) -> Int? {
      var low = 0
      var high = count
      while low < high {
        let middle = (low + high) / 2
        if sortedOffsets[middle] < offset { low = middle + 1 } else { high = middle }
      }
      return low < count && sortedOffsets[low] == offset ? low : nil
    }
    /// The rank of the object with the 20 id bytes at `pack[at]`, by binary search in the index.
    func rankOf(idAt at: Int) -> Int? {
      let wanted = ObjectID(bytes: pack, at: at)
      let first = Int(pack[at])
      var low = first == 0 ? 0 : Int(be32(index, header + (first - 1) * 4))
      var high = min(count, Int(be32(index, header + first * 4)))
      while low < high {
        let middle = (low + high) / 2
        if id(at: middle) < wanted { low = middle + 1 } else { high = middle }
      }
      return low < count && id(at: low) == wanted ? rankOfPosition[low] : nil
    }

    // Each object's header: its stored type, its size, and for a delta where its base is.
    var storedType = [UInt8](repeating: 0, count: count)
    var wholeSize = [Int](repeating: -1, count: count)
    var base = [Int](repeating: -1, count: count)
    for rank in 0..<count {
      var at = sortedOffsets[rank]
      let start = at
      var byte = pack[at]
      at += 1
      let type = (byte >> 4) & 7
      var size = Int(byte & 0x0f)
      var shift = 4
      while byte & 0x80 != 0, at < packEnd, shift < 57 {
        byte = pack[at]
        at += 1
        size |= Int(byte & 0x7f) << shift
        shift += 7
      }
      storedType[rank] = type
      switch type {
      case 1, 2, 3, 4: wholeSize[rank] = size
      case 6:  // a delta against the object `distance` bytes before this one
        guard at < packEnd else { continue }
        byte = pack[at]
        at += 1
        var distance = Int(byte & 0x7f)
        while byte & 0x80 != 0, at < packEnd, distance < Int.max >> 8 {
          byte = pack[at]
          at += 1
          distance = ((distance + 1) << 7) | Int(byte & 0x7f)
        }
        if distance > 0, distance <= start, let found = rankAt(offset: start - distance) { base[rank] = found }
      case 7:  // a delta against an object named by id
        if at + 20 <= packEnd, let found = rankOf(idAt: at) { base[rank] = found }
      default: continue
      }
    }

    // Follow each delta to its base to learn its type; chains are bounded by the object count.
    var resolved = [UInt8](repeating: 0, count: count)
    for rank in 0..<count where resolved[rank] == 0 {
      var chain: [Int] = []
      var current = rank
      var type: UInt8 = 0
      while chain.count <= count {
        if resolved[current] != 0 {
          type = resolved[current]
          break
        }
        chain.append(current)
        if (1...4).contains(storedType[current]) {
          type = storedType[current]
          break
        }
        guard base[current] >= 0 else { break }
        current = base[current]
      }
      for member in chain { resolved[member] = type == 0 ? 0xff : type }
    }

    return order.enumerated().map { rank, position in
      Entry(
        id: id(at: position), type: ObjectKind(rawValue: resolved[rank]),
        size: wholeSize[rank] >= 0 ? wholeSize[rank] : nil)
    }
  }

  private static func be32(_ bytes: UnsafeRawBufferPointer, _ at: Int) -> UInt32 {
    UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: at, as: UInt32.self))
  }
}
