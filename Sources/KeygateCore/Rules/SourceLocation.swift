/// A position in a configuration or rule file; line and column count from 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
  public let file: String
  public let line: Int
  public let column: Int

  public init(file: String, line: Int, column: Int) {
    self.file = file
    self.line = line
    self.column = column
  }

  public var description: String { "\(file):\(line):\(column)" }
}

/// A rule or configuration file that keygate cannot use, with where and why.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
  public let location: SourceLocation?
  /// The rule the error is about, when known.
  public let ruleID: String?
  public let message: String

  public init(at location: SourceLocation?, ruleID: String? = nil, _ message: String) {
    self.location = location
    self.ruleID = ruleID
    self.message = message
  }

  /// `path:line:column: error: rule-id: message`, the format editors and CI logs link.
  public var description: String {
    var text = location.map { "\($0): " } ?? ""
    text += "error: "
    if let ruleID { text += "\(ruleID): " }
    return text + message
  }
}
