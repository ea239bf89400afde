/// The key inventory against the project's conventions: naming (`policy.key-naming`), rotation
/// age and expiry (`policy.rotation-age`), completeness (`policy.inventory`), and rotation after
/// someone with access left (`policy.rotate-after-departure`).
struct InventoryChecks {
  let config: PolicyConfig
  let inventory: KeyInventory
  let today: CalendarDay
  /// The path reports show for a file keygate read (relative to the scanned root).
  let shown: (String) -> String

  /// Environment names that mean production: personal keys are never allowed there.
  static let productionNames: Set<String> = ["prod", "production", "prd", "live"]

  func violations() -> [PolicyViolation] {
    var violations: [PolicyViolation] = []
    var seen: [String: SourceLocation] = [:]
    let names = Set(inventory.keys.map(\.name))
    let environments = Set(config.environments.map(\.name))
    for key in inventory.keys {
      func add(
        _ rule: String, _ level: PolicyViolation.Level, _ severity: Severity, at field: String, _ message: String
      ) {
        guard config.runs(rule) else { return }
        let location = key.location(of: field)
        violations.append(
          PolicyViolation(
            ruleID: rule, level: level, severity: severity, message: message, path: shown(location.file),
            line: location.line, column: location.column, subject: key.name))
      }
      if let first = seen[key.name] {
        add(
          PolicyRule.inventory, .error, .medium, at: "name",
          "`\(key.name)` is listed twice (first at line \(first.line)): one entry per key, so that each key has one owner and one rotation date")
      } else {
        seen[key.name] = key.location(of: "name")
      }
      checkNaming(key, add: add)
      checkCompleteness(key, names: names, environments: environments, add: add)
      checkRotation(key, add: add)
      checkDepartures(key, add: add)
    }
    return violations
  }

  /// The event trigger of rotation: someone who owned the key, or had access to its value, has
  /// left (`people:` with `left:` on or before today).
  private func checkDepartures(_ key: InventoryKey, add: Add) {
    guard key.status != .revoked else { return }
    let departed = inventory.people.filter { $0.left.map { $0 <= today } ?? false }
    func person(named reference: String) -> KeyInventory.Person? {
      let wanted = reference.lowercased()
      return departed.first { $0.name.lowercased() == wanted || $0.email?.lowercased() == wanted }
    }
    if let owner = person(named: key.owner), let left = owner.left {
      add(
        PolicyRule.rotateAfterDeparture, .error, .high, "owner",
        key.kind == .personal
          ? "`\(key.name)` is the personal key of \(owner.name), who left on \(left): revoke it"
          : "`\(key.name)` is owned by \(owner.name), who left on \(left): rotate it and give it a new owner")
    }
    for reference in key.access {
      guard let person = person(named: reference), let left = person.left, key.lastRotated < left,
        key.owner.lowercased() != reference.lowercased()
      else { continue }
      add(
        PolicyRule.rotateAfterDeparture, .error, .high, "access",
        "\(person.name) had access to `\(key.name)` and left on \(left); the key was last rotated on "
          + "\(key.lastRotated), before that: rotate it now")
    }
  }

  private typealias Add = (String, PolicyViolation.Level, Severity, String, String) -> Void

  private func checkNaming(_ key: InventoryKey, add: Add) {
    let convention = key.kind == .service ? config.serviceNaming : config.personalNaming
    guard let groups = convention.match(key.name) else {
      let example =
        key.kind == .service
        ? "YY-MM-Customer-Project-Prod|Staging, e.g. 25-10-AI-TicketNG-Prod"
        : "YY-MM-Employee-Project-Device, e.g. 25-10-JB-TicketNG-Apfel"
      let isDefault =
        convention.source
        == (key.kind == .service ? PolicyConfig.defaultServiceNaming : PolicyConfig.defaultPersonalNaming)
      add(
        PolicyRule.keyNaming, .error, .low, "name",
        "`\(key.name)` does not follow the \(key.kind.rawValue) key naming convention "
          + (isDefault ? "(\(example))" : "`\(convention.source)` (keygate.yaml `naming.\(key.kind.rawValue)`)")
          + ": rename the key at the provider and here")
      return
    }
    if let yy = groups["yy"], let mm = groups["mm"] {
      let expected = String(format: "%02d-%02d", key.created.year % 100, key.created.month)
      if "\(yy)-\(mm)" != expected {
        add(
          PolicyRule.keyNaming, .error, .low, "name",
          "`\(key.name)` says it was created in \(yy)-\(mm) but `created` is \(key.created): correct the date or the name")
      }
    }
    if let tag = groups["env"] {
      if let environment = key.environment {
        if !Self.sameEnvironment(tag, environment) {
          add(
            PolicyRule.keyNaming, .error, .medium, "environment",
            "`\(key.name)` is named for \(tag) but its `environment` is `\(environment)`: a key serves one environment; create a key for \(environment) instead")
        }
      } else {
        add(
          PolicyRule.inventory, .error, .low, "name",
          "`\(key.name)` is named for \(tag) but has no `environment`: add `environment:`")
      }
    }
  }

  /// `Prod` and `prod`, `production`; `Staging` and `staging`, `stage`.
  static func sameEnvironment(_ tag: String, _ environment: String) -> Bool {
    let a = tag.lowercased()
    let b = environment.lowercased()
    return a == b || a.hasPrefix(b) || b.hasPrefix(a)
      || (productionNames.contains(a) && productionNames.contains(b))
  }

  private func checkCompleteness(_ key: InventoryKey, names: Set<String>, environments: Set<String>, add: Add) {
    if key.created > today {
      add(
        PolicyRule.inventory, .error, .low, "created",
        "`\(key.name)` was created on \(key.created), after today (\(today)): correct the date")
    }
    if let environment = key.environment, !environments.isEmpty, !environments.contains(environment) {
      add(
        PolicyRule.inventory, .error, .medium, "environment",
        "`\(key.name)` names environment `\(environment)`, which keygate.yaml does not define (defined: \(environments.sorted().joined(separator: ", ")))")
    }
    if key.kind == .personal, let environment = key.environment,
      Self.productionNames.contains(environment.lowercased())
    {
      add(
        PolicyRule.inventory, .error, .high, "kind",
        "`\(key.name)` is a personal key in production: production uses service keys owned by a team; create a service key and revoke this one")
    }
    if key.kind == .service, key.status != .revoked, key.usedBy?.isEmpty ?? true {
      add(
        PolicyRule.inventory, .error, .low, key.usedBy == nil ? "name" : "used_by",
        "service key `\(key.name)` lists no `used_by`: name the services that use it, so a rotation knows what to roll out")
    }
    if key.status == .rotating {
      if let successor = key.successor {
        if !names.contains(successor) {
          add(
            PolicyRule.inventory, .error, .high, "successor",
            "`\(key.name)` is rotating to `\(successor)`, which is not in the inventory: add the new key's entry before rolling it out")
        }
      } else {
        add(
          PolicyRule.inventory, .error, .high, "status",
          "`\(key.name)` is rotating but names no `successor`: create key B, add it to the inventory and set `successor:`")
      }
    }
    if let reference = key.secretRef, Self.looksLikeSecretValue(reference) {
      add(
        PolicyRule.inventory, .error, .critical, "secret_ref",
        "`secret_ref` of `\(key.name)` looks like a secret value, not a reference: the inventory holds references only "
          + "(e.g. vault:secret/openai/prod#value). Treat the value as leaked: rotate the key, then remove it from the file and its history")
    }
    if key.status != .revoked, key.last4 == nil {
      add(
        PolicyRule.inventory, .warning, .low, "name",
        "`\(key.name)` has no `last4`: add the last four characters the provider's dashboard shows, so that a leaked key can be matched to this entry")
    }
  }

  private func checkRotation(_ key: InventoryKey, add: Add) {
    guard key.status != .revoked else { return }
    let rotation = config.rotation
    if let expires = key.expires, expires <= today {
      add(
        PolicyRule.rotationAge, .error, .high, "expires",
        "`\(key.name)` expired on \(expires): rotate it (create key B, roll out, validate, revoke A) or mark it revoked")
    }
    let age = key.lastRotated.days(until: today)
    let field = key.rotated == nil ? "created" : "rotated"
    if age > rotation.maxAgeDays {
      add(
        PolicyRule.rotationAge, .error, .high, field,
        "`\(key.name)` was last rotated \(age) days ago (\(key.lastRotated)); the limit is \(rotation.maxAgeDays): "
          + "rotate it now (create key B, roll out, validate, revoke A) and set `rotated:`")
    } else if age > rotation.warnAfterDays {
      let due = key.lastRotated.adding(days: rotation.maxAgeDays)
      add(
        PolicyRule.rotationAge, .warning, .medium, field,
        "`\(key.name)` was last rotated \(age) days ago (\(key.lastRotated)): rotation is due by \(due) (limit \(rotation.maxAgeDays) days)")
    }
    if key.status == .rotating {
      if let started = key.rotationStarted {
        let days = started.days(until: today)
        if days > rotation.rotatingGraceDays {
          add(
            PolicyRule.rotationAge, .warning, .medium, "rotation_started",
            "`\(key.name)` has been rotating for \(days) days (grace \(rotation.rotatingGraceDays)): finish the rollout of `\(key.successor ?? "its successor")` and revoke this key")
        }
      } else {
        add(
          PolicyRule.rotationAge, .warning, .low, "status",
          "`\(key.name)` is rotating but has no `rotation_started`: add the day the rotation began, so its grace period can be checked")
      }
    }
  }

  /// A `secret_ref` that is no reference: no scheme (`vault:`, `op://`, `arn:…`), no variable
  /// (`$NAME`), no spaces, and long enough to be a key.
  static func looksLikeSecretValue(_ text: String) -> Bool {
    if text.hasPrefix("$") || text.contains("://") { return false }
    if let colon = text.firstIndex(of: ":"), colon != text.startIndex,
      text[..<colon].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+.-_".contains($0)) }),
      text[text.startIndex].isLetter
    {
      return false
    }
    return text.count >= 16 && !text.contains(where: \.isWhitespace)
  }
}
