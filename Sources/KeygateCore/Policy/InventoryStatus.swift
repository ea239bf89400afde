/// The audit view of the key inventory: per key, its age, when its next rotation is due, and
/// its violations (`keygate inventory`).
public struct InventoryStatus: Sendable {
  public struct Row: Sendable {
    public let key: InventoryKey
    /// Days since the last rotation (or creation).
    public let ageDays: Int
    /// The day the key must be rotated by; nil for a revoked key.
    public let due: CalendarDay?
    /// Days until `due` (negative: overdue); nil for a revoked key.
    public let daysLeft: Int?
    /// The inventory's violations about this key.
    public let violations: [PolicyViolation]

    /// Past its maximum age or its expiry, and not revoked.
    public var isOverdue: Bool { (daysLeft ?? 0) < 0 }
  }

  public let inventoryPath: String
  public let asOf: CalendarDay
  public let rows: [Row]
  /// Violations not about one key (none today; kept for completeness of the view).
  public let otherViolations: [PolicyViolation]

  /// The status of every key of `engine`'s inventory.
  public init?(engine: PolicyEngine) {
    guard let inventory = engine.inventory else { return nil }
    let violations = engine.inventoryViolations()
    let maxAge = engine.config.rotation.maxAgeDays
    var rows: [Row] = []
    for key in inventory.keys {
      var due: CalendarDay?
      if key.status != .revoked {
        let byAge = key.lastRotated.adding(days: maxAge)
        due = key.expires.map { min($0, byAge) } ?? byAge
      }
      rows.append(
        Row(
          key: key, ageDays: key.lastRotated.days(until: engine.today), due: due,
          daysLeft: due.map { engine.today.days(until: $0) },
          violations: violations.filter { $0.subject == key.name }))
    }
    inventoryPath = engine.shown(inventory.path)
    asOf = engine.today
    self.rows = rows
    otherViolations = violations.filter { violation in !inventory.keys.contains { $0.name == violation.subject } }
  }

  /// The keys due within `days` (or overdue), soonest first.
  public func due(within days: Int) -> [Row] {
    rows.filter { row in row.daysLeft.map { $0 <= days } ?? false }.sorted { ($0.daysLeft ?? 0) < ($1.daysLeft ?? 0) }
  }
}
