#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import CHyperscan

/// One pattern of a `PatternDatabase`.
public struct PatternSpec: Sendable, Hashable {
  public let expression: String
  public let caseInsensitive: Bool
  /// Report only the first match of this pattern in each scan (a cheap "does it occur" trigger).
  public let singleMatch: Bool

  public init(expression: String, caseInsensitive: Bool = false, singleMatch: Bool = false) {
    self.expression = expression
    self.caseInsensitive = caseInsensitive
    self.singleMatch = singleMatch
  }

  var flags: UInt32 {
    // Hyperscan pattern semantics close to PCRE2's defaults, so one pattern means the same in both.
    var flags: UInt32 = 0
    if caseInsensitive { flags |= UInt32(HS_FLAG_CASELESS) }
    if singleMatch { flags |= UInt32(HS_FLAG_SINGLEMATCH) }
    return flags
  }
}

/// The widths a pattern can match, from Hyperscan's analysis.
public struct PatternWidth: Sendable, Equatable, Codable {
  public let minimum: Int
  /// nil when unbounded.
  public let maximum: Int?

  public init(minimum: Int, maximum: Int?) {
    self.minimum = minimum
    self.maximum = maximum
  }
}

/// Many patterns compiled into one Hyperscan block-mode database, scanned in one pass.
///
/// The PatternDatabase assumes ownership of the `hs_database_t` and frees it in `deinit`.
/// Hyperscan databases are immutable after compilation and may be used from many threads at
/// once, each with its own `Scratch` (Hyperscan developer reference, "Scratch space").
public final class PatternDatabase: @unchecked Sendable {
  let database: OpaquePointer
  /// Each pattern's match widths, by pattern index.
  public let widths: [PatternWidth]

  /// Compiles `patterns`; each pattern's Hyperscan id is its index in the array.
  /// - Throws: `RegexError.hyperscanCompile` naming the failing pattern's index.
  /// The corresponding C function is `hs_compile_multi`.
  public init(patterns: [PatternSpec]) throws(RegexError) {
    precondition(!patterns.isEmpty, "a pattern database needs at least one pattern")
    var widths: [PatternWidth] = []
    widths.reserveCapacity(patterns.count)
    for (index, spec) in patterns.enumerated() {
      do {
        widths.append(try Self.width(of: spec))
      } catch .hyperscanCompile(let message, _) {
        throw .hyperscanCompile(message: message, index: index)
      }
    }
    self.widths = widths
    let cStrings = patterns.map { strdup($0.expression) }
    defer { cStrings.forEach { free($0) } }
    var expressions = cStrings.map { UnsafePointer<CChar>($0) }
    var flags = patterns.map(\.flags)
    var ids = (0..<patterns.count).map { UInt32($0) }
    var database: OpaquePointer?
    var error: UnsafeMutablePointer<hs_compile_error_t>?
    let rc = hs_compile_multi(
      &expressions, &flags, &ids, UInt32(patterns.count), UInt32(HS_MODE_BLOCK), nil, &database, &error)
    if rc != HS_SUCCESS {
      let message = error.map { String(cString: $0.pointee.message) } ?? "error \(rc)"
      let index = error.map { Int($0.pointee.expression) }
      hs_free_compile_error(error)
      throw .hyperscanCompile(message: message, index: index.flatMap { $0 >= 0 ? $0 : nil })
    }
    self.database = database!
  }

  deinit { hs_free_database(database) }

  private init(database: OpaquePointer, widths: [PatternWidth]) {
    self.database = database
    self.widths = widths
  }

  /// The Hyperscan library's version, e.g. `5.4.0 2023-01-01`: a serialized database is only
  /// valid for the library that wrote it.
  /// The corresponding C function is `hs_version`.
  public static var libraryVersion: String { String(cString: hs_version()) }

  /// The compiled database as bytes, to cache on disk.
  /// - Throws: `RegexError.hyperscan` when Hyperscan cannot serialize it.
  /// The corresponding C function is `hs_serialize_database`.
  public func serialized() throws(RegexError) -> [UInt8] {
    var bytes: UnsafeMutablePointer<CChar>?
    var length = 0
    let rc = hs_serialize_database(database, &bytes, &length)
    guard rc == HS_SUCCESS, let bytes else { throw .hyperscan(code: rc, function: "hs_serialize_database") }
    defer { free(bytes) }
    return Array(UnsafeRawBufferPointer(start: bytes, count: length))
  }

  /// A database read back from `serialized()`'s bytes, with the widths measured when it was
  /// compiled.
  /// - Throws: `RegexError.hyperscan` when the bytes are not a database this library can load
  ///   (corrupt, truncated, another version or platform).
  /// The corresponding C functions are `hs_serialized_database_info` and `hs_deserialize_database`.
  public convenience init(serialized bytes: [UInt8], widths: [PatternWidth]) throws(RegexError) {
    var database: OpaquePointer?
    let rc = bytes.withUnsafeBufferPointer { buffer in
      buffer.withMemoryRebound(to: CChar.self) { chars in
        hs_deserialize_database(chars.baseAddress, chars.count, &database)
      }
    }
    guard rc == HS_SUCCESS, let database else { throw .hyperscan(code: rc, function: "hs_deserialize_database") }
    self.init(database: database, widths: widths)
  }

  /// Checks that Hyperscan accepts `spec` on its own and measures its match widths.
  /// - Throws: `RegexError.hyperscanCompile` with Hyperscan's message.
  /// The corresponding C function is `hs_expression_info`.
  public static func width(of spec: PatternSpec) throws(RegexError) -> PatternWidth {
    var info: UnsafeMutablePointer<hs_expr_info_t>?
    var error: UnsafeMutablePointer<hs_compile_error_t>?
    let rc = hs_expression_info(spec.expression, spec.flags, &info, &error)
    if rc != HS_SUCCESS {
      let message = error.map { String(cString: $0.pointee.message) } ?? "error \(rc)"
      hs_free_compile_error(error)
      throw .hyperscanCompile(message: message, index: nil)
    }
    defer { free(info) }
    let maximum = info!.pointee.max_width
    return PatternWidth(
      minimum: Int(info!.pointee.min_width), maximum: maximum == UInt32.max ? nil : Int(maximum))
  }
}

/// Hyperscan's per-thread working memory for one database.
///
/// Create one in each task that scans and keep it there; it cannot be copied or shared.
/// The corresponding C functions are `hs_alloc_scratch` and `hs_free_scratch`.
public struct Scratch: ~Copyable {
  let scratch: OpaquePointer
  let database: PatternDatabase

  /// Allocates scratch space for `database`.
  /// - Throws: `RegexError.hyperscan` when Hyperscan cannot allocate it.
  public init(for database: PatternDatabase) throws(RegexError) {
    var scratch: OpaquePointer?
    let rc = hs_alloc_scratch(database.database, &scratch)
    guard rc == HS_SUCCESS, let scratch else { throw .hyperscan(code: rc, function: "hs_alloc_scratch") }
    self.scratch = scratch
    self.database = database
  }

  deinit { hs_free_scratch(scratch) }

  /// The largest input one `scan` call accepts (Hyperscan takes an `unsigned int` length).
  public static let maximumInputLength = Int(UInt32.max)

  /// Scans `bytes` for every pattern of the database and reports each match end.
  ///
  /// Hyperscan reports where a match ends, not where it starts, and may report several ends for
  /// one occurrence of a pattern with a variable-length tail.
  /// - Parameters:
  ///   - bytes: The input.
  ///   - onMatch: Called with the pattern index and the end offset (exclusive) of each match.
  /// - Throws: `RegexError` when the input is too large or Hyperscan fails.
  /// The corresponding C function is `hs_scan`.
  public mutating func scan(
    _ bytes: UnsafeRawBufferPointer, onMatch: (_ pattern: Int, _ end: Int) -> Void
  ) throws(RegexError) {
    _ = try scan(bytes, continuingWhile: { pattern, end in
      onMatch(pattern, end)
      return true
    })
  }

  /// Scans `bytes` like `scan(_:onMatch:)`, stopping as soon as `onMatch` returns false.
  /// - Returns: True when the whole input was scanned, false when `onMatch` stopped the scan.
  /// - Throws: `RegexError` when the input is too large or Hyperscan fails.
  /// The corresponding C function is `hs_scan`; a callback's non-zero return stops it with
  /// `HS_SCAN_TERMINATED`.
  public mutating func scan(
    _ bytes: UnsafeRawBufferPointer, continuingWhile onMatch: (_ pattern: Int, _ end: Int) -> Bool
  ) throws(RegexError) -> Bool {
    guard bytes.count <= Self.maximumInputLength else {
      throw .inputTooLarge(bytes: bytes.count, limit: Self.maximumInputLength)
    }
    guard let base = bytes.baseAddress, bytes.count > 0 else { return true }
    let rc = withoutActuallyEscaping(onMatch) { onMatch in
      var callback = onMatch
      return withUnsafeMutablePointer(to: &callback) { context in
        hs_scan(
          database.database, base.assumingMemoryBound(to: CChar.self), UInt32(bytes.count), 0, scratch,
          { id, _, to, _, context in
            let callback = context!.assumingMemoryBound(to: ((Int, Int) -> Bool).self)
            return callback.pointee(Int(id), Int(to)) ? 0 : 1
          }, context)
      }
    }
    if rc == HS_SCAN_TERMINATED { return false }
    guard rc == HS_SUCCESS else { throw .hyperscan(code: rc, function: "hs_scan") }
    return true
  }
}
