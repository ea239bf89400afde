import Foundation
import KeygateCore

/// `keygate inventory`: every key with its age, next rotation and violations, as a table for a
/// person or JSON for a pipeline.
public struct InventoryReporter: Sendable {
  public init() {}

  /// One row per key; the violations follow the table, each with what to change.
  public func table(_ status: InventoryStatus, rows: [InventoryStatus.Row], width: Int) -> String {
    let headers = ["NAME", "PROVIDER", "KIND", "OWNER", "ENV", "AGE", "ROTATE BY", "STATUS", "VIOLATIONS"]
    let cells = rows.map { row -> [String] in
      let due = row.due.map { due in
        let left = row.daysLeft ?? 0
        return "\(due) (" + (left < 0 ? "\(-left)d overdue" : "in \(left)d") + ")"
      }
      let errors = row.violations.filter { $0.level == .error }.count
      let warnings = row.violations.count - errors
      var flagged: [String] = []
      if errors > 0 { flagged.append("\(errors) error\(errors == 1 ? "" : "s")") }
      if warnings > 0 { flagged.append("\(warnings) warning\(warnings == 1 ? "" : "s")") }
      return [
        row.key.name, row.key.provider, row.key.kind.rawValue, row.key.owner, row.key.environment ?? "-",
        "\(row.ageDays)d", due ?? "-", row.key.status.rawValue, flagged.isEmpty ? "ok" : flagged.joined(separator: ", "),
      ]
    }
    var widths = headers.map(\.count)
    for row in cells {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    var text = "Key inventory \(status.inventoryPath), as of \(status.asOf): \(rows.count) of \(status.rows.count) key\(status.rows.count == 1 ? "" : "s")\n\n"
    for row in [headers] + cells {
      text += row.enumerated().map { column, cell in
        column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
      }.joined(separator: "  ") + "\n"
    }
    let violations = rows.flatMap(\.violations) + status.otherViolations
    if !violations.isEmpty {
      text += "\n"
      for violation in violations {
        let label = violation.level == .error ? violation.severity.rawValue.uppercased() : "WARNING"
        text += "\(label)  \(violation.ruleID)  \(violation.path):\(violation.line):\(violation.column)\n"
        text += wrap(violation.message, width: width, indent: "  ", first: "  ") + "\n"
      }
    }
    return text
  }

  public func json(_ status: InventoryStatus, rows: [InventoryStatus.Row], dueWithin: Int?) -> String {
    struct Violation: Encodable {
      let ruleID: String
      let level: String
      let severity: String
      let message: String
      let path: String
      let line: Int
      let column: Int
      enum CodingKeys: String, CodingKey { case ruleID = "rule_id", level, severity, message, path, line, column }
    }
    struct Key: Encodable {
      let name: String
      let provider: String
      let kind: String
      let owner: String
      let environment: String?
      let project: String?
      let status: String
      let created: String
      let rotated: String?
      let expires: String?
      let ageDays: Int
      let rotateBy: String?
      let daysLeft: Int?
      let overdue: Bool
      let usedBy: [String]
      let secretRef: String?
      let last4: String?
      let successor: String?
      let violations: [Violation]
      enum CodingKeys: String, CodingKey {
        case name, provider, kind, owner, environment, project, status, created, rotated, expires
        case ageDays = "age_days", rotateBy = "rotate_by", daysLeft = "days_left", overdue, usedBy = "used_by"
        case secretRef = "secret_ref", last4, successor, violations
      }
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(name, forKey: .name)
        try container.encode(provider, forKey: .provider)
        try container.encode(kind, forKey: .kind)
        try container.encode(owner, forKey: .owner)
        try container.encode(environment, forKey: .environment)
        try container.encode(project, forKey: .project)
        try container.encode(status, forKey: .status)
        try container.encode(created, forKey: .created)
        try container.encode(rotated, forKey: .rotated)
        try container.encode(expires, forKey: .expires)
        try container.encode(ageDays, forKey: .ageDays)
        try container.encode(rotateBy, forKey: .rotateBy)
        try container.encode(daysLeft, forKey: .daysLeft)
        try container.encode(overdue, forKey: .overdue)
        try container.encode(usedBy, forKey: .usedBy)
        try container.encode(secretRef, forKey: .secretRef)
        try container.encode(last4, forKey: .last4)
        try container.encode(successor, forKey: .successor)
        try container.encode(violations, forKey: .violations)
      }
    }
    struct Document: Encodable {
      let inventory: String
      let asOf: String
      let dueWithinDays: Int?
      let keys: [Key]
      enum CodingKeys: String, CodingKey { case inventory, asOf = "as_of", dueWithinDays = "due_within_days", keys }
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(inventory, forKey: .inventory)
        try container.encode(asOf, forKey: .asOf)
        try container.encode(dueWithinDays, forKey: .dueWithinDays)
        try container.encode(keys, forKey: .keys)
      }
    }
    let keys = rows.map { row in
      Key(
        name: row.key.name, provider: row.key.provider, kind: row.key.kind.rawValue, owner: row.key.owner,
        environment: row.key.environment, project: row.key.project, status: row.key.status.rawValue,
        created: row.key.created.description, rotated: row.key.rotated?.description,
        expires: row.key.expires?.description, ageDays: row.ageDays, rotateBy: row.due?.description,
        daysLeft: row.daysLeft, overdue: row.isOverdue, usedBy: row.key.usedBy ?? [], secretRef: row.key.secretRef,
        last4: row.key.last4, successor: row.key.successor,
        violations: row.violations.map {
          Violation(
            ruleID: $0.ruleID, level: $0.level.rawValue, severity: $0.severity.rawValue, message: $0.message,
            path: $0.path, line: $0.line, column: $0.column)
        })
    }
    return JSONDocument.text(
      Document(inventory: status.inventoryPath, asOf: status.asOf.description, dueWithinDays: dueWithin, keys: keys))
  }
}
