/// A file of the project as it stands (the working tree, or the staged index), for the
/// policy checks that read content.
public struct ProjectFile: Sendable {
  /// Relative to the scanned root, `/`-separated.
  public let path: String
  public let text: String
  /// Whether git tracks the file (a committed `.env` is a warning; an untracked one is not).
  public let isTracked: Bool
  /// Only violations on these lines count (a staged change); nil: the whole file.
  public let addedLines: [ClosedRange<Int>]?

  public init(path: String, text: String, isTracked: Bool, addedLines: [ClosedRange<Int>]? = nil) {
    self.path = path
    self.text = text
    self.isTracked = isTracked
    self.addedLines = addedLines
  }
}

/// A leaked secret matched to its key inventory entry by provider and last four characters.
public struct InventoryLink: Sendable, Hashable {
  public let name: String
  public let owner: String
  public let environment: String?
  public let status: InventoryKey.Status
  public let usedBy: [String]
  /// The key replacing it, for a key being rotated.
  public let successor: String?
}

/// Runs the policy checks: the key inventory, every project file's models, client-side
/// exposure and hard-coded keys, and the scan's secrets against the inventory and the
/// environments.
public struct PolicyEngine: Sendable {
  public let config: PolicyConfig
  public let catalog: ModelCatalog
  public let inventory: KeyInventory?
  public let today: CalendarDay
  /// The scanned root, for showing configuration and inventory paths relative to it.
  public let root: String

  public init(config: PolicyConfig, catalog: ModelCatalog, inventory: KeyInventory?, today: CalendarDay, root: String) {
    self.config = config
    self.catalog = catalog
    self.inventory = inventory
    self.today = today
    self.root = root
  }

  /// `file` as reports show it: relative to the scanned root when inside it.
  public func shown(_ file: String) -> String {
    var prefix = root.hasSuffix("/") ? root : root + "/"
    if prefix == "./" { prefix = "" }
    var path = file
    if path.hasPrefix("./") { path.removeFirst(2) }
    if !prefix.isEmpty, path.hasPrefix(prefix) { path.removeFirst(prefix.count) }
    return path
  }

  /// The inventory's own violations (naming, rotation, completeness) and each key's
  /// `allowed_models` against its environment's.
  public func inventoryViolations() -> [PolicyViolation] {
    guard let inventory else { return [] }
    var violations = InventoryChecks(config: config, inventory: inventory, today: today, shown: shown).violations()
    guard config.runs(PolicyRule.allowedModels) else { return violations }
    for key in inventory.keys where key.status != .revoked {
      guard let models = key.allowedModels, let environment = key.environment,
        let allowed = config.environments.first(where: { $0.name == environment })?.allowedModels
      else { continue }
      for model in models where !Self.isAllowed(model.value, by: allowed.map(\.value), catalog: catalog) {
        violations.append(
          PolicyViolation(
            ruleID: PolicyRule.allowedModels, level: .error, severity: .medium,
            message:
              "`\(key.name)` allows `\(model.value)`, which environment `\(environment)` does not (allowed: \(allowed.map(\.value).joined(separator: ", "))): a key cannot widen its environment's list",
            path: shown(model.location.file), line: model.location.line, column: model.location.column,
            subject: key.name))
      }
    }
    return violations
  }

  /// The violations in one file: models, client-side exposure, hard-coded keys.
  public func violations(in file: ProjectFile) -> [PolicyViolation] {
    var violations: [PolicyViolation] = []
    if config.runs(PolicyRule.allowedModels) || config.runs(PolicyRule.unknownModel) {
      violations += modelViolations(in: file)
    }
    if config.runs(PolicyRule.clientExposure) {
      violations += ClientExposure.violations(in: file.text, path: file.path, isClientPath: config.isClientPath(file.path))
    }
    if config.runs(PolicyRule.hardcodedKey) {
      violations += HardcodedKeys.violations(in: file.text, path: file.path).filter {
        // A committed .env is the warning; an untracked one is the developer's own.
        $0.level == .error || file.isTracked
      }
    }
    if let added = file.addedLines {
      violations = violations.filter { violation in added.contains { $0.contains(violation.line) } }
    }
    return violations
  }

  /// What a file in `environment` (nil: in none) may use: the allowed names and the highest
  /// cost tier, narrowed by the environment's inventory keys that list models.
  func allowance(for environment: PolicyConfig.Environment?) -> (names: [String]?, tier: CostTier?, scope: String) {
    guard let environment else {
      return (config.allowedModels?.map(\.value), config.maxCostTier, "files in no environment")
    }
    var names = environment.allowedModels?.map(\.value)
    if let inventory {
      let keys = inventory.keys.filter { $0.environment == environment.name && $0.status != .revoked }
      // Narrowed only when every key of the environment lists its models: a call may use any of them.
      if !keys.isEmpty, keys.allSatisfy({ $0.allowedModels != nil }) {
        let keyModels = keys.flatMap { $0.allowedModels!.map(\.value) }
        names = (names ?? keyModels).filter { name in Self.isAllowed(name, by: keyModels, catalog: catalog) }
      }
    }
    return (names, environment.maxCostTier, "environment `\(environment.name)`")
  }

  private func modelViolations(in file: ProjectFile) -> [PolicyViolation] {
    let environment = config.environment(of: file.path)
    let allowance = allowance(for: environment)
    guard allowance.names != nil || allowance.tier != nil else { return [] }
    var violations: [PolicyViolation] = []
    for reference in ModelReferences.find(in: file.text, path: file.path, catalog: catalog) {
      func add(_ rule: String, _ level: PolicyViolation.Level, _ severity: Severity, _ message: String) {
        guard config.runs(rule) else { return }
        violations.append(
          PolicyViolation(
            ruleID: rule, level: level, severity: severity, message: message, path: file.path, line: reference.line,
            column: reference.column, subject: reference.name))
      }
      let listed = allowance.names.map { names in names.contains { $0.lowercased() == reference.name.lowercased() } }
      guard let model = catalog.lookup(reference.name) else {
        if listed != true {
          add(
            PolicyRule.unknownModel, .warning, .low,
            "`\(reference.name)` is not a model keygate's catalog knows, so its cost and allowance in \(allowance.scope) cannot be checked: "
              + "fix the name, or add it to a catalog (`model_catalogs` in keygate.yaml) or to the allowed list")
        }
        continue
      }
      if let names = allowance.names, !Self.isAllowed(reference.name, by: names, catalog: catalog) {
        let where_ = environment.map { "`environments.\($0.name).allowed_models`" } ?? "`allowed_models`"
        add(
          PolicyRule.allowedModels, .error, .high,
          "`\(reference.name)` is not allowed in \(allowance.scope) (allowed: \(names.isEmpty ? "none" : names.joined(separator: ", "))): "
            + "use an allowed model, or add it to \(where_) in keygate.yaml after review")
      } else if let tier = allowance.tier, model.costTier > tier {
        add(
          PolicyRule.allowedModels, .error, .high,
          "`\(reference.name)` (\(model.id)) is cost tier \(model.costTier.rawValue); \(allowance.scope) allows up to \(tier.rawValue): "
            + "use a cheaper model, or raise `max_cost_tier` in keygate.yaml after review")
      }
    }
    return violations
  }

  /// Whether `name` is allowed by a list: written the same, or the list names the catalog
  /// model it resolves to (`gpt-4o` allows `gpt-4o-2024-08-06`; a dated entry allows only itself).
  static func isAllowed(_ name: String, by list: [String], catalog: ModelCatalog) -> Bool {
    let lowered = name.lowercased()
    if list.contains(where: { $0.lowercased() == lowered }) { return true }
    guard let model = catalog.lookup(name) else { return false }
    return list.contains { entry in
      entry.lowercased() == model.id.lowercased()
    }
  }

  // MARK: - The scan's secrets

  /// The inventory entry a secret found by `provider`'s rule, ending in `secret`'s last four
  /// characters, belongs to.
  public func link(provider: String, secret: String) -> InventoryLink? {
    guard let inventory, secret.count >= 4 else { return nil }
    let last4 = String(secret.suffix(4))
    let provider = provider.lowercased()
    let matches = inventory.keys.filter { key in
      key.last4 == last4 && Self.sameProvider(key.provider, provider)
    }
    // Two entries with the same provider and last four cannot be told apart: no link.
    guard matches.count == 1, let key = matches.first else { return nil }
    return InventoryLink(
      name: key.name, owner: key.owner, environment: key.environment, status: key.status, usedBy: key.usedBy ?? [],
      successor: key.successor)
  }

  static func sameProvider(_ a: String, _ b: String) -> Bool {
    let normalise = { (text: String) in text.lowercased().filter { $0.isLetter || $0.isNumber } }
    return normalise(a) == normalise(b)
  }

  /// Violations that need the scan's secrets: one key used in several environments, and keys
  /// in client-side code.
  public func secretViolations(_ secrets: [SecretSummary]) -> [PolicyViolation] {
    var violations: [PolicyViolation] = []
    for secret in secrets {
      let current = secret.findings.filter { $0.source != .unreachable && ($0.source != .history || secret.inHead != false) }
      if config.runs(PolicyRule.sharedKey) {
        var byEnvironment: [String: Finding] = [:]
        for finding in current {
          if let environment = config.environment(of: finding.path), byEnvironment[environment.name] == nil {
            byEnvironment[environment.name] = finding
          }
        }
        let link = link(provider: secret.findings[0].provider, secret: secret.findings[0].secret)
        if byEnvironment.count > 1 {
          let names = byEnvironment.keys.sorted()
          for name in names.dropFirst() {
            let finding = byEnvironment[name]!
            violations.append(
              PolicyViolation(
                ruleID: PolicyRule.sharedKey, level: .error, severity: .high,
                message:
                  "the same \(secret.ruleName) (\(secret.redacted)) is used in environments \(names.joined(separator: " and ")): "
                  + "one key per context — give each environment its own key, so one can be rotated or revoked without the other",
                path: finding.path, line: finding.line, column: finding.column, subject: secret.fingerprint))
          }
        }
        if let link, let home = link.environment {
          for (name, finding) in byEnvironment.sorted(by: { $0.key < $1.key })
          where !InventoryChecks.sameEnvironment(home, name) {
            violations.append(
              PolicyViolation(
                ruleID: PolicyRule.sharedKey, level: .error, severity: .high,
                message:
                  "inventory key `\(link.name)` belongs to environment `\(home)` but is used in `\(name)` files: "
                  + "create a key for \(name) and use it there",
                path: finding.path, line: finding.line, column: finding.column, subject: link.name))
          }
        }
      }
      if config.runs(PolicyRule.clientExposure) {
        for finding in current where config.isClientPath(finding.path) {
          violations.append(
            PolicyViolation(
              ruleID: PolicyRule.clientExposure, level: .error, severity: .critical,
              message:
                "a \(finding.ruleName) in client-side code (\(finding.redacted)): everything here ships to the browser. "
                + "Rotate the key, and call the provider from a server-side route that keeps the key",
              path: finding.path, line: finding.line, column: finding.column, subject: finding.fingerprint))
        }
      }
      if config.runs(PolicyRule.inventory), let inventory, !current.isEmpty,
        let finding = current.first(where: { shown($0.path) == shown(inventory.path) })
      {
        violations.append(
          PolicyViolation(
            ruleID: PolicyRule.inventory, level: .error, severity: .critical,
            message:
              "the key inventory holds a secret value (\(finding.redacted)): it must hold references only. "
              + "Rotate the key, replace the value with its `secret_ref`, and clean it from history",
            path: finding.path, line: finding.line, column: finding.column, subject: finding.fingerprint))
      }
    }
    return violations
  }
}
