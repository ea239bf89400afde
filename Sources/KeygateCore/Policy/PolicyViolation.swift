/// A breach of the project's key or model policy (keygate.yaml and the key inventory), at a
/// place in a file: what the gate checks besides leaked secrets.
public struct PolicyViolation: Sendable, Hashable {
  /// Whether the violation fails the gate (`error`) or is only reported (`warning`).
  public enum Level: String, Sendable, Codable, Comparable {
    case warning, error

    public static func < (lhs: Level, rhs: Level) -> Bool { lhs == .warning && rhs == .error }
  }

  /// The check that found it, e.g. `policy.allowed-models`.
  public let ruleID: String
  public let level: Level
  public let severity: Severity
  /// What is wrong and what to change, in one or two sentences. Never holds a secret.
  public let message: String
  /// The file, relative to the scanned root with `/` separators (or the configuration or
  /// inventory file as given).
  public let path: String
  /// Line and column count from 1.
  public let line: Int
  public let column: Int
  /// What the violation is about (a model, a key's name, a variable), for grouping and for a
  /// stable identity.
  public let subject: String?

  public init(
    ruleID: String, level: Level, severity: Severity, message: String, path: String, line: Int, column: Int,
    subject: String? = nil
  ) {
    self.ruleID = ruleID
    self.level = level
    self.severity = severity
    self.message = message
    self.path = path
    self.line = line
    self.column = column
    self.subject = subject
  }

  /// Report order: path, line, column, rule.
  public static func reportOrder(_ a: PolicyViolation, _ b: PolicyViolation) -> Bool {
    (a.path, a.line, a.column, a.ruleID, a.subject ?? "") < (b.path, b.line, b.column, b.ruleID, b.subject ?? "")
  }
}

/// The policy checks keygate runs, by rule id.
public enum PolicyRule {
  public static let allowedModels = "policy.allowed-models"
  public static let unknownModel = "policy.unknown-model"
  public static let keyNaming = "policy.key-naming"
  public static let rotationAge = "policy.rotation-age"
  public static let inventory = "policy.inventory"
  public static let clientExposure = "policy.client-exposure"
  public static let hardcodedKey = "policy.hardcoded-key"
  public static let sharedKey = "policy.shared-key"
}
