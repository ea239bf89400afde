/// The gate's verdict on a scan.
public enum Verdict: String, Sendable, Codable {
  /// No finding at or above the threshold, and everything was read.
  case pass
  /// A finding at or above the threshold; a fail is a fail even when part of the input was unreadable.
  case fail
  /// No finding, but part of the input could not be read: not a pass keygate can vouch for.
  case incomplete
}

/// Decides pass or fail from a report.
public struct Gate: Sendable {
  /// The lowest severity that fails the gate.
  public let threshold: Severity

  public init(threshold: Severity = .info) { self.threshold = threshold }

  /// The findings at or above the threshold.
  public func failing(_ report: ScanReport) -> [Finding] {
    report.findings.filter { $0.severity >= threshold }
  }

  /// The policy violations that fail the gate: errors at or above the threshold (warnings are
  /// reported, never failing).
  public func failingViolations(_ report: ScanReport) -> [PolicyViolation] {
    report.policy?.violations.filter { $0.level == .error && $0.severity >= threshold } ?? []
  }

  public func verdict(for report: ScanReport) -> Verdict {
    if !failing(report).isEmpty || !failingViolations(report).isEmpty { return .fail }
    return report.isIncomplete ? .incomplete : .pass
  }
}
