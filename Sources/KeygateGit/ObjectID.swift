import CLibgit2

/// A git object id (SHA-1), as a hashable Swift value.
public struct ObjectID: Hashable, Sendable, Comparable, CustomStringConvertible {
  // 20 bytes as three words: hashing and comparing these is far cheaper than a byte array.
  let high: UInt64
  let middle: UInt64
  let low: UInt32

  init(_ oid: git_oid) {
    var copy = oid
    (high, middle, low) = withUnsafeBytes(of: &copy.id) { raw in
      (
        UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
        UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)),
        UInt32(bigEndian: raw.loadUnaligned(fromByteOffset: 16, as: UInt32.self))
      )
    }
  }

  init(_ pointer: UnsafePointer<git_oid>) { self.init(pointer.pointee) }

  /// The 20 raw id bytes at `bytes[offset]` (as stored in pack indexes and trees).
  init(bytes: UnsafeRawBufferPointer, at offset: Int) {
    high = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    middle = UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 8, as: UInt64.self))
    low = UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset + 16, as: UInt32.self))
  }

  /// Parses a 40-character hexadecimal object id.
  /// - Returns: nil when `hex` is not 40 hexadecimal digits.
  public init?(hex: String) {
    // Checked here first: on bad input libgit2 records an error in thread-local state, which
    // crashes a process that has not initialised libgit2 yet.
    guard hex.utf8.count == 40, hex.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x41...0x46).contains($0) || (0x61...0x66).contains($0) })
    else { return nil }
    var oid = git_oid()
    guard git_oid_fromstrn(&oid, hex, 40) == 0 else { return nil }
    self.init(oid)
  }

  /// The libgit2 representation.
  var gitOID: git_oid {
    var oid = git_oid()
    withUnsafeMutableBytes(of: &oid.id) { raw in
      raw.storeBytes(of: high.bigEndian, toByteOffset: 0, as: UInt64.self)
      raw.storeBytes(of: middle.bigEndian, toByteOffset: 8, as: UInt64.self)
      raw.storeBytes(of: low.bigEndian, toByteOffset: 16, as: UInt32.self)
    }
    return oid
  }

  /// Calls `body` with a pointer to the libgit2 form of this id.
  func withGitOID<R>(_ body: (UnsafePointer<git_oid>) throws(GitError) -> R) throws(GitError) -> R {
    var oid = gitOID
    return try body(&oid)
  }

  /// The 40-character lowercase hexadecimal form.
  public var hex: String {
    let digits = Array("0123456789abcdef".utf8)
    var bytes = [UInt8]()
    bytes.reserveCapacity(40)
    for word in [high >> 32, high & 0xffff_ffff, middle >> 32, middle & 0xffff_ffff, UInt64(low)] {
      for shift in stride(from: 28, through: 0, by: -4) {
        bytes.append(digits[Int((word >> UInt64(shift)) & 0xf)])
      }
    }
    return String(decoding: bytes, as: UTF8.self)
  }

  public var description: String { hex }

  /// An object id is already a uniformly random hash: its first eight bytes are plenty to hash
  /// (sets and maps of hundreds of thousands of ids are on the scan's path). Equality still
  /// compares all twenty.
  public func hash(into hasher: inout Hasher) { hasher.combine(high) }

  public static func == (lhs: ObjectID, rhs: ObjectID) -> Bool {
    lhs.high == rhs.high && lhs.middle == rhs.middle && lhs.low == rhs.low
  }

  public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool {
    (lhs.high, lhs.middle, lhs.low) < (rhs.high, rhs.middle, rhs.low)
  }
}
