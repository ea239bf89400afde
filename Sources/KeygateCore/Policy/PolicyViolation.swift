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
  public static let rotateAfterDeparture = "policy.rotate-after-departure"
}

/// What each policy check is, for reports that list the checks that ran (SARIF rules, JUnit
/// test cases, documentation).
public struct PolicyCheckDescription: Sendable, Hashable {
  public let id: String
  /// A short name, e.g. "Model not allowed in its environment".
  public let name: String
  /// One or two sentences: what the check looks for.
  public let description: String
  /// What to do about a violation.
  public let help: String

  /// Every policy check, in `PolicyConfig.checks` order.
  public static let all: [PolicyCheckDescription] = [
    PolicyCheckDescription(
      id: PolicyRule.allowedModels, name: "Model not allowed in its environment",
      description:
        "A model used in a file of an environment is not in that environment's `allowed_models` in keygate.yaml, "
        + "or is above its `max_cost_tier`; or an inventory key allows a model its environment does not.",
      help: "Use an allowed model, or add the model to the environment's `allowed_models` in keygate.yaml after review."),
    PolicyCheckDescription(
      id: PolicyRule.unknownModel, name: "Model not in the catalog",
      description: "A model name keygate's model catalog does not know, so its cost and allowance cannot be checked.",
      help: "Fix the name, or describe the model in a catalog file listed under `model_catalogs` in keygate.yaml."),
    PolicyCheckDescription(
      id: PolicyRule.keyNaming, name: "Key name breaks the naming convention",
      description:
        "An inventory key's name does not follow the service (YY-MM-Customer-Project-Prod|Staging) or personal "
        + "(YY-MM-Employee-Project-Device) convention, or its date or environment part disagrees with the entry.",
      help: "Rename the key at the provider and in the inventory, or correct the entry's `created` or `environment`."),
    PolicyCheckDescription(
      id: PolicyRule.rotationAge, name: "Key due for rotation",
      description:
        "An inventory key was last rotated longer ago than `rotation.max_age_days` (a warning after "
        + "`warn_after_days`), has expired, or has been rotating longer than the grace period.",
      help: "Rotate without downtime: create key B, store it in the secret manager, roll it out, validate, revoke key A; then set `rotated:`."),
    PolicyCheckDescription(
      id: PolicyRule.inventory, name: "Key inventory incomplete or holding a secret",
      description:
        "The key inventory has a duplicate name, a personal key in production, a service key without `used_by`, "
        + "a rotating key without its successor, an undefined environment, or a secret value instead of a reference.",
      help: "Correct the inventory entry; a secret value in it is leaked: rotate the key and keep only its `secret_ref`."),
    PolicyCheckDescription(
      id: PolicyRule.clientExposure, name: "Key exposed to client-side code",
      description:
        "A provider key, or a variable holding one, in code that runs in the browser: a public env prefix "
        + "(NEXT_PUBLIC_, VITE_, …), `dangerouslyAllowBrowser: true`, or a direct provider API call from `client_paths`.",
      help: "Keep the key on the server and let the browser call your own API route."),
    PolicyCheckDescription(
      id: PolicyRule.hardcodedKey, name: "Key hard-coded in code or configuration",
      description:
        "A literal assigned to a key variable (OPENAI_API_KEY = \"…\", api_key=\"…\" in a client constructor), "
        + "even when it does not look like a known key; a committed .env file.",
      help: "Read the key from an environment variable or a secret manager; commit a .env.example with placeholders."),
    PolicyCheckDescription(
      id: PolicyRule.sharedKey, name: "One key used in several environments",
      description:
        "The same secret in files of two environments, or an inventory key found in another environment's files.",
      help: "Give each environment (and each person and service) its own key, so one can be rotated without the others."),
    PolicyCheckDescription(
      id: PolicyRule.rotateAfterDeparture, name: "Key to rotate after someone left",
      description:
        "A key owned by (or personal to) someone the inventory's `people` lists as having left, or a key last rotated "
        + "before the departure of someone listed in its `access`: that person may still hold the value.",
      help: "Rotate the key now (create key B, roll it out, revoke key A), set `rotated:`, and give it a new owner; "
        + "revoke a departed person's personal keys."),
  ]

  public static func named(_ id: String) -> PolicyCheckDescription? { all.first { $0.id == id } }
}
