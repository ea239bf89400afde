import Foundation
import KeygateCore

/// `keygate rules list`: the rules a scan would run, as a table for a person or JSON.
public struct RuleListReporter: Sendable {
  public init() {}

  /// One row per rule: id, provider, severity, confidence, name; names are cut to `width`.
  public func table(_ rules: [Rule], width: Int) -> String {
    let headers = ["ID", "PROVIDER", "SEVERITY", "CONFIDENCE", "NAME"]
    let rows = rules.map { [$0.id, $0.provider, $0.severity.rawValue, $0.confidence.rawValue, $0.name] }
    var widths = headers.map(\.count)
    for row in rows {
      for (column, cell) in row.enumerated() { widths[column] = max(widths[column], cell.count) }
    }
    let fixed = widths.dropLast().reduce(0, +) + 2 * (widths.count - 1)
    let nameWidth = max(12, width - fixed)
    var text = ""
    for row in [headers] + rows {
      var line = ""
      for (column, cell) in row.enumerated() {
        if column == row.count - 1 {
          line += cell.count > nameWidth ? String(cell.prefix(nameWidth - 1)) + "…" : cell
        } else {
          line += cell.padding(toLength: widths[column], withPad: " ", startingAt: 0) + "  "
        }
      }
      text += line + "\n"
    }
    let providers = Set(rules.map(\.provider)).count
    text += "\n\(rules.count) rule\(rules.count == 1 ? "" : "s") from \(providers) provider\(providers == 1 ? "" : "s").\n"
    return text
  }

  /// `{"rules": [...]}` with every field a rule file sets, examples as their templates.
  public func json(_ rules: [Rule]) -> String {
    struct Entry: Encodable {
      let id: String
      let name: String
      let provider: String
      let severity: String
      let confidence: String
      let description: String
      let remediation: String
      let pattern: String
      let keywords: [String]
      let minEntropy: Double?
      let context: String?
      let skipPaths: [String]
      let references: [String]
      let examples: [String]
      let negativeExamples: [String]
      let definedAt: String

      enum CodingKeys: String, CodingKey {
        case id, name, provider, severity, confidence, description, remediation, pattern, keywords, context
        case references, examples
        case minEntropy = "min_entropy"
        case skipPaths = "skip_paths"
        case negativeExamples = "negative_examples"
        case definedAt = "defined_at"
      }
    }
    struct Document: Encodable { let rules: [Entry] }
    let document = Document(
      rules: rules.map {
        Entry(
          id: $0.id, name: $0.name, provider: $0.provider, severity: $0.severity.rawValue,
          confidence: $0.confidence.rawValue, description: $0.description, remediation: $0.remediation,
          pattern: $0.pattern, keywords: $0.keywords, minEntropy: $0.minEntropy, context: $0.context?.pattern,
          skipPaths: $0.skipPaths.map(\.pattern), references: $0.references, examples: $0.examples,
          negativeExamples: $0.negativeExamples, definedAt: $0.location.description)
      })
    return JSONDocument.text(document)
  }
}
