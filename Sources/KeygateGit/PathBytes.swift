#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Paths as git and the file system hold them: bytes, which need not be UTF-8.
public enum PathBytes {
  /// How a report shows the path `bytes`: UTF-8 as is, each byte that is not part of a valid
  /// UTF-8 sequence as `\xNN` (as git quotes such names).
  public static func shown(_ bytes: some Collection<UInt8>) -> String {
    let bytes = Array(bytes)
    if let text = String(validating: bytes, as: UTF8.self) { return text }
    var shown = ""
    var index = 0
    while index < bytes.count {
      let length = sequenceLength(bytes[index])
      if length > 0, index + length <= bytes.count,
        let scalar = String(validating: bytes[index..<index + length], as: UTF8.self)
      {
        shown += scalar
        index += length
      } else {
        let hex = String(bytes[index], radix: 16, uppercase: true)
        shown += "\\x" + (hex.count < 2 ? "0" : "") + hex
        index += 1
      }
    }
    return shown
  }

  /// The bytes of the C string at `pointer`, without its terminating NUL.
  public static func of(_ pointer: UnsafePointer<CChar>) -> [UInt8] {
    Array(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)))
  }

  /// How many bytes a UTF-8 sequence starting with `lead` has; 0 for a byte no sequence starts with.
  private static func sequenceLength(_ lead: UInt8) -> Int {
    switch lead {
    case 0x00...0x7F: 1
    case 0xC2...0xDF: 2
    case 0xE0...0xEF: 3
    case 0xF0...0xF4: 4
    default: 0
    }
  }
}
