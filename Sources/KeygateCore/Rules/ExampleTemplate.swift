/// A rule example written as a template, so that no real-looking key is ever committed.
///
/// Text is copied as written, except placeholders:
/// - `${alnum:N}`: N letters and digits;
/// - `${urlsafe:N}`: N characters of `[A-Za-z0-9_-]`;
/// - `${b64:N}`: N characters of `[A-Za-z0-9+/]`;
/// - `${hex:N}` / `${HEX:N}`: N lowercase / uppercase hexadecimal digits;
/// - `${lower:N}`, `${upper:N}`, `${lowernum:N}`, `${uppernum:N}`, `${digits:N}`: N of `a-z`,
///   `A-Z`, `a-z0-9`, `A-Z0-9`, `0-9`;
/// - `${base64:TEXT}`: the base64 form of TEXT (OpenAI's `T3BlbkFJ` marker is `${base64:OpenAI}`).
///
/// `$${` writes a literal `${` (a shell or CI variable in an example).
///
/// Random characters come from a generator seeded by the template, so an example always
/// expands to the same text.
public struct ExampleTemplate: Sendable {
  public let template: String

  public init(_ template: String) { self.template = template }

  static let kinds = "alnum, urlsafe, b64, hex, HEX, lower, upper, lowernum, uppernum, digits or base64"

  /// An example the template cannot expand.
  public struct Error: Swift.Error, CustomStringConvertible {
    public let description: String
  }

  /// The example with every placeholder replaced.
  public func expanded() throws(Error) -> String {
    var generator = SplitMix64(seed: template.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 })
    var output = ""
    var rest = Substring(template)
    while let open = rest.range(of: "${") {
      // `$${` is a literal `${`, for examples such as `token: $${API_TOKEN}`.
      if open.lowerBound > rest.startIndex, rest[rest.index(before: open.lowerBound)] == "$" {
        output += rest[..<rest.index(before: open.lowerBound)] + "${"
        rest = rest[open.upperBound...]
        continue
      }
      output += rest[..<open.lowerBound]
      guard let close = rest[open.upperBound...].firstIndex(of: "}") else {
        throw Error(description: "unclosed `${` in example template")
      }
      let placeholder = rest[open.upperBound..<close]
      rest = rest[rest.index(after: close)...]
      guard let colon = placeholder.firstIndex(of: ":") else {
        throw Error(description: "placeholder `${\(placeholder)}` needs a kind and an argument, e.g. `${alnum:20}`")
      }
      let kind = placeholder[..<colon]
      let argument = String(placeholder[placeholder.index(after: colon)...])
      if kind == "base64" {
        output += Base64.encode(Array(argument.utf8))
        continue
      }
      let alphabets: [Substring: String] = [
        "alnum": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        "urlsafe": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-",
        "b64": "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/",
        "hex": "0123456789abcdef",
        "HEX": "0123456789ABCDEF",
        "lower": "abcdefghijklmnopqrstuvwxyz",
        "upper": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        "lowernum": "abcdefghijklmnopqrstuvwxyz0123456789",
        "uppernum": "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        "digits": "0123456789",
      ]
      guard let alphabet = alphabets[kind].map(Array.init) else {
        throw Error(description: "unknown placeholder kind `\(kind)`; expected one of \(Self.kinds)")
      }
      guard let count = Int(argument), (1...4096).contains(count) else {
        throw Error(description: "placeholder `${\(placeholder)}` needs a length from 1 to 4096")
      }
      for _ in 0..<count { output.append(alphabet[Int(generator.next() % UInt64(alphabet.count))]) }
    }
    return output + rest
  }
}

/// A small deterministic generator (SplitMix64); not for anything secret.
struct SplitMix64 {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9e37_79b9_7f4a_7c15
    var z = state
    z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
    z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
    return z ^ (z >> 31)
  }
}

/// Standard base64 (RFC 4648), with padding.
enum Base64 {
  static func encode(_ bytes: [UInt8]) -> String {
    let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    var output = ""
    for start in stride(from: 0, to: bytes.count, by: 3) {
      let chunk = bytes[start..<min(start + 3, bytes.count)]
      let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
      for index in 0..<4 {
        output.append(index <= chunk.count ? table[Int(value >> (18 - 6 * UInt32(index)) & 0x3f)] : "=")
      }
    }
    return output
  }
}
