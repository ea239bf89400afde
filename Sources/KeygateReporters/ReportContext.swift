import KeygateCore

/// What every reporter needs besides the scan itself.
public struct ReportContext: Sendable {
  public let verdict: Verdict
  /// The gate's threshold, to say which findings failed it.
  public let threshold: Severity
  /// Print secrets in full; only when the user asked with `--show-secrets`.
  public let showSecrets: Bool
  /// ANSI colour, only when writing to a terminal.
  public let color: Bool
  /// The width to wrap prose at.
  public let width: Int

  public init(verdict: Verdict, threshold: Severity, showSecrets: Bool = false, color: Bool = false, width: Int = 100) {
    self.verdict = verdict
    self.threshold = threshold
    self.showSecrets = showSecrets
    self.color = color
    self.width = width
  }
}

/// Turns a scan report into one output format.
public protocol Reporter: Sendable {
  /// The report's text.
  func render(_ report: ScanReport, context: ReportContext) -> String
}

extension Finding {
  /// The secret as a report may show it: redacted unless the user asked for secrets.
  func shown(_ context: ReportContext) -> String { context.showSecrets ? secret : redacted }
}
