import KeygateCore

/// What to do about a leaked key that the inventory names: one wording for every report format.
///
/// An active key is rotated now, without downtime (create key B with the same scope, store it,
/// roll it out canary first to the services in `used_by`, validate, revoke key A); a key already
/// rotating has its rotation finished now; a revoked key is only cleaned from the code.
enum RotationPlan {
  /// `rotate-now`, `finish-rotation` or `clean-up`, from the entry's status.
  static func action(for status: InventoryKey.Status) -> String {
    switch status {
    case .active: "rotate-now"
    case .rotating: "finish-rotation"
    case .revoked: "clean-up"
    }
  }

  /// A few words for the action: "rotate now", "finish the rotation now", "revoked: clean up".
  static func headline(_ inventory: NativeReport.Secret.Inventory) -> String {
    headline(action: inventory.action, successor: inventory.successor)
  }

  static func headline(action: String, successor: String?) -> String {
    switch action {
    case "clean-up": "revoked: lower urgency, but clean it from the code"
    case "finish-rotation": "finish the rotation now" + (successor.map { " (successor \($0))" } ?? "")
    default: "rotate now"
    }
  }

  /// The headline and the numbered steps as one paragraph: "Rotate now: 1. … 2. …".
  static func paragraph(_ inventory: NativeReport.Secret.Inventory) -> String {
    let headline = headline(inventory)
    return headline.prefix(1).uppercased() + headline.dropFirst() + ": " + numbered(inventory.rotationSteps)
  }

  /// The steps, in order, naming the key, its successor and the services to roll.
  static func steps(name: String, action: String, usedBy: [String], successor: String?) -> [String] {
    let services = usedBy.isEmpty ? "" : ": " + usedBy.map { "`\($0)`" }.joined(separator: ", ")
    switch action {
    case "clean-up":
      return [
        "Confirm key A (`\(name)`) is revoked at the provider: a request with it fails",
        "Remove key A from the code: load keys from an environment variable or the secret manager",
      ]
    case "finish-rotation":
      let next = successor.map { "key B (`\($0)`)" } ?? "key B"
      return [
        "Roll out \(next) wherever key A (`\(name)`) is still used, canary first\(services)",
        "Validate: requests with key B succeed, and key A's usage at the provider drops to zero",
        "Revoke key A now: it has leaked, so the rotation cannot wait for its grace period",
        "Record it in the inventory: key A `status: revoked`, key B `rotated:`",
      ]
    default:
      return [
        "Create key B at the provider with the same scope (project, permissions, environment) as key A (`\(name)`)",
        "Store key B in the secret manager",
        "Roll out key B, canary first\(services)",
        "Validate: requests with key B succeed, and key A's usage at the provider drops to zero",
        "Revoke key A, and record the rotation in the inventory (`rotated:`, and the new key's entry)",
      ]
    }
  }

  /// The steps as one paragraph: "1. … 2. …".
  static func numbered(_ steps: [String]) -> String {
    steps.enumerated().map { "\($0.offset + 1). \($0.element)." }.joined(separator: " ")
  }
}

/// How every format words what `--verify` found of a key.
enum LiveStatus {
  /// "active: the provider accepted the key (HTTP 200); GET https://…/v1/models at 2026-…Z".
  static func phrase(_ verification: Verification) -> String {
    "\(verification.status.rawValue): \(verification.detail); \(verification.method) \(verification.endpoint) at "
      + verification.checkedAt
  }
}
