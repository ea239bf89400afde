/// Why a finding was left out of the verdict.
public enum SuppressionKind: String, Sendable, Codable, CaseIterable {
  /// The rule does not apply to this path (`skip_paths`: lock files, minified bundles, …).
  case ruleSkipsPath = "rule-skips-path"
  /// keygate.yaml's `allowlist` or `rule_allowlists`.
  case allowlist
  /// A `keygate:allow` comment on the line.
  case inlineComment = "inline-comment"
  /// An entry of `.keygateignore`.
  case ignoreFile = "ignore-file"
  /// In the baseline given with `--baseline`.
  case baseline
}

/// A finding the gate does not count, and why.
public struct SuppressedFinding: Sendable {
  public let finding: Finding
  public let kind: SuppressionKind
  public let reason: String
}

/// Separates accepted findings from the ones the verdict counts. Nothing is dropped: every
/// suppressed finding stays in the report with its reason.
public struct Suppression: Sendable {
  public let rules: [Rule]
  public let config: ProjectConfig
  public let ignoreFile: IgnoreFile?
  public let baseline: Baseline?

  public init(rules: [Rule], config: ProjectConfig, ignoreFile: IgnoreFile?, baseline: Baseline?) {
    self.rules = rules
    self.config = config
    self.ignoreFile = ignoreFile
    self.baseline = baseline
  }

  /// Why `finding` is suppressed, or nil when it counts.
  public func suppression(of finding: Finding) -> (kind: SuppressionKind, reason: String)? {
    if let rule = rules.first(where: { $0.id == finding.ruleID }),
      let glob = rule.skipPaths.first(where: { $0.matches(finding.path) })
    {
      return (.ruleSkipsPath, "rule \(rule.id) skips paths matching `\(glob.pattern)`")
    }
    if let reason = config.allowlist.reason(path: finding.path, secret: finding.secret) {
      return (.allowlist, "allowlist: \(reason)")
    }
    for entry in config.ruleAllowlists where entry.id == finding.ruleID {
      if let reason = entry.allowlist.reason(path: finding.path, secret: finding.secret) {
        return (.allowlist, "allowlist of \(entry.id): \(reason)")
      }
    }
    if let allow = finding.inlineAllow, allow.allows(ruleID: finding.ruleID) {
      return (.inlineComment, allow.reason.map { "keygate:allow: \($0)" } ?? "keygate:allow comment on the line")
    }
    if let entry = ignoreFile?.entry(fingerprint: finding.fingerprint, path: finding.path) {
      return (.ignoreFile, "\(entry.location)" + (entry.reason.map { ": \($0)" } ?? ""))
    }
    if let baseline, baseline.contains(finding) { return (.baseline, "in the baseline") }
    return nil
  }

  /// `report` with suppressed findings moved out of `findings` and `secrets`.
  public func apply(to report: ScanReport) -> ScanReport {
    var kept: [Finding] = []
    var suppressed = report.suppressed
    for finding in report.findings {
      if let (kind, reason) = suppression(of: finding) {
        suppressed.append(SuppressedFinding(finding: finding, kind: kind, reason: reason))
      } else {
        kept.append(finding)
      }
    }
    guard kept.count != report.findings.count else { return report }
    let keptSet = Set(kept)
    let secrets = report.secrets.compactMap { summary -> SecretSummary? in
      let remaining = summary.findings.filter { keptSet.contains($0) }
      guard !remaining.isEmpty else { return nil }
      return SecretSummary(
        fingerprint: summary.fingerprint, redacted: summary.redacted, ruleID: remaining[0].ruleID,
        ruleName: remaining[0].ruleName, severity: remaining.map(\.severity).max()!, remediation: summary.remediation,
        findings: remaining, introducedBy: summary.introducedBy, inHead: summary.inHead,
        inWorkingTree: summary.inWorkingTree, provenance: summary.provenance)
    }
    return ScanReport(
      target: report.target, findings: kept, secrets: secrets, problems: report.problems,
      statistics: report.statistics, rules: report.rules, suppressed: suppressed)
  }
}
