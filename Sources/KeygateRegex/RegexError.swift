/// An error from Hyperscan or PCRE2.
public enum RegexError: Error, Sendable, Equatable, CustomStringConvertible {
  /// Hyperscan rejected a pattern; `index` is the pattern's position in the compiled set, when known.
  case hyperscanCompile(message: String, index: Int?)
  /// PCRE2 rejected a pattern at byte `offset` of the pattern.
  case pcre2Compile(message: String, offset: Int)
  /// A Hyperscan call failed at run time (out of memory, …) with the given `hs_error_t`.
  case hyperscan(code: Int32, function: String)
  /// A PCRE2 match failed with an error rather than "no match" (match limit, …).
  case pcre2Match(code: Int32, message: String)
  /// The input is larger than the engine accepts in one call.
  case inputTooLarge(bytes: Int, limit: Int)

  public var description: String {
    switch self {
    case .hyperscanCompile(let message, _): "Hyperscan cannot compile the pattern: \(message)"
    case .pcre2Compile(let message, let offset): "PCRE2 cannot compile the pattern at offset \(offset): \(message)"
    case .hyperscan(let code, let function): "\(function) failed with Hyperscan error \(code)"
    case .pcre2Match(let code, let message): "PCRE2 match failed (\(code)): \(message)"
    case .inputTooLarge(let bytes, let limit): "input of \(bytes) bytes exceeds the scanner's limit of \(limit) bytes"
    }
  }
}
