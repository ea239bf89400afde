import Foundation
import KeygateGit

/// What the policy gate found, carried in the scan report.
public struct PolicyOutcome: Sendable {
  /// In report order.
  public var violations: [PolicyViolation] = []
  /// Violations a `keygate:allow` comment on their line leaves out of the verdict: counted,
  /// never dropped.
  public var suppressed: [(violation: PolicyViolation, reason: String)] = []
  /// Leaked secrets matched to their inventory entry, by fingerprint.
  public var links: [String: InventoryLink] = [:]
  /// keygate.yaml and the inventory, as reports show them.
  public var configPath: String?
  public var inventoryPath: String?
  /// The day ages and expiry were computed against.
  public var asOf: CalendarDay
  /// The checks that ran.
  public var checks: [String]
  /// How many files the content checks read.
  public var files = 0

  public init(asOf: CalendarDay, checks: [String]) {
    self.asOf = asOf
    self.checks = checks
  }

  public var errors: [PolicyViolation] { violations.filter { $0.level == .error } }
  public var warnings: [PolicyViolation] { violations.filter { $0.level == .warning } }
}

extension ScanReport {
  /// The report of a `--policy-only` run, before the policy checks add to it: no secret scan.
  public static func policyOnly(path: String) -> ScanReport {
    let repository = try? Repository.open(at: path)
    var statistics = ScanStatistics()
    statistics.startedAt = Date()
    return ScanReport(
      target: ScanTarget(
        path: path, mode: repository == nil ? .directory : .gitRepository,
        headCommit: (try? repository?.headCommitID())??.hex, note: "policy checks only (--policy-only): no secret scan"),
      findings: [], secrets: [], problems: [], statistics: statistics, rules: [])
  }
}

extension PolicyEngine {
  /// Runs every policy check on the project at `root` and adds the outcome to `report`: the
  /// violations, and the leaked secrets linked to their inventory entries (an active key's
  /// leak becomes critical; a revoked key's, low).
  /// - Parameter stagedOnly: Check the staged files' added lines only (a pre-commit hook).
  /// - Parameter workers: Threads that read and check the files.
  public func review(
    _ report: ScanReport, stagedOnly: Bool, configPath: String?,
    workers: Int = ProcessInfo.processInfo.activeProcessorCount
  ) -> ScanReport {
    var outcome = PolicyOutcome(asOf: today, checks: PolicyConfig.checks.filter(config.runs))
    outcome.configPath = configPath.map(shown)
    outcome.inventoryPath = inventory.map { shown($0.path) }
    var violations = inventoryViolations()
    var problems = report.problems
    // keygate.yaml, the inventory and model catalogs name models as policy, not as use.
    let policyFiles = Set(([configPath, inventory?.path].compactMap { $0 } + config.modelCatalogPaths).map(shown))
    let files = ProjectFiles(at: root, stagedOnly: stagedOnly)
    let engine = self
    let checked = files.map(workers: workers) { file in
      var found = engine.violations(in: file)
      if policyFiles.contains(file.path) {
        found.removeAll { $0.ruleID == PolicyRule.allowedModels || $0.ruleID == PolicyRule.unknownModel }
      }
      var kept: [PolicyViolation] = []
      var suppressed: [(violation: PolicyViolation, reason: String)] = []
      guard !found.isEmpty else { return (kept, suppressed) }
      let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false)
      for violation in found {
        if violation.line <= lines.count, let allow = Self.inlineAllow(in: lines[violation.line - 1]),
          allow.ruleID == nil || allow.ruleID == violation.ruleID
        {
          suppressed.append((violation, allow.reason.map { "keygate:allow: \($0)" } ?? "keygate:allow comment on the line"))
        } else {
          kept.append(violation)
        }
      }
      return (kept, suppressed)
    }
    outcome.files = checked.results.count
    for (kept, suppressed) in checked.results {
      violations += kept
      outcome.suppressed += suppressed
    }
    outcome.suppressed.sort { PolicyViolation.reportOrder($0.violation, $1.violation) }
    problems += files.problems + checked.problems
    if !stagedOnly { violations += secretViolations(report.secrets) }
    // A literal the secret scan already reports as a key is that finding, not a second one.
    let findingLines = Set(report.findings.map { "\($0.path):\($0.line)" })
    violations.removeAll { $0.ruleID == PolicyRule.hardcodedKey && findingLines.contains("\($0.path):\($0.line)") }
    outcome.violations = violations.sorted(by: PolicyViolation.reportOrder)

    var findings = report.findings
    var secrets = report.secrets
    for (index, secret) in secrets.enumerated() {
      guard let first = secret.findings.first, let link = link(provider: first.provider, secret: first.secret) else {
        continue
      }
      outcome.links[secret.fingerprint] = link
      let severity: Severity = link.status == .revoked ? .low : .critical
      secrets[index] = secret.with(severity: severity)
      for position in findings.indices where findings[position].fingerprint == secret.fingerprint {
        findings[position].severity = severity
      }
    }
    var reviewed = ScanReport(
      target: report.target, findings: findings, secrets: secrets, problems: problems, statistics: report.statistics,
      rules: report.rules, suppressed: report.suppressed)
    reviewed.policy = outcome
    return reviewed
  }

  private static func inlineAllow(in line: Substring) -> InlineAllow? {
    guard line.contains("keygate:allow") else { return nil }
    var text = String(line)
    return text.withUTF8 { InlineAllow.parse(UnsafeRawBufferPointer($0)) }
  }
}
