/// How much a finding matters, from most to least.
public enum Severity: String, Sendable, CaseIterable, Comparable, Codable {
  case critical, high, medium, low, info

  private var rank: Int {
    switch self {
    case .critical: 4
    case .high: 3
    case .medium: 2
    case .low: 1
    case .info: 0
    }
  }

  public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}

/// How sure a rule is that what it matches is a real secret.
public enum Confidence: String, Sendable, CaseIterable, Codable {
  case high, medium, low
}
