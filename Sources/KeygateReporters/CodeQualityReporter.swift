import Foundation
import KeygateCore

/// GitLab's Code Quality report (`artifacts: reports: codequality`): the subset of the Code
/// Climate issue format GitLab documents, which it shows in the merge request widget and diff.
///
/// Choices a reader of the output may want to know:
/// - One issue per finding the gate counts and per policy violation, warnings included;
///   suppressed findings and violations are left out.
/// - A finding in an object no ref reaches (`blob <id>`) has no file for GitLab to point at:
///   it is left out here (the native, SARIF and secret detection reports carry it).
/// - Severity: Code Climate has five levels as keygate does, mapped in order — critical →
///   `blocker` (a live key blocks the merge), high → `critical`, medium → `major`, low → `minor`,
///   info → `info`. A policy warning does not fail the gate, so it is at most `minor`.
/// - `fingerprint` is SHA-256 (hex) of the issue's identity — rule id, secret fingerprint, path
///   and commit for a secret; rule id, path and subject for a policy violation — so GitLab can
///   tell new issues from old ones across pipelines; a repeat of the same identity in one report
///   gets `#2` added, keeping every fingerprint unique.
/// - The description shows the redacted secret only, even with `--show-secrets`: the widget is
///   shown to everyone who can read the merge request.
public struct CodeQualityReporter: Reporter {
  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    render(NativeReport(report: report, context: context))
  }

  public func render(_ document: NativeReport) -> String {
    JSONDocument.text(issues(document))
  }

  func issues(_ document: NativeReport) -> [Issue] {
    var fingerprints = StableFingerprints()
    func fingerprint(_ identity: String) -> String { fingerprints.next(identity) }
    let secrets = document.secretsByFingerprint
    var issues: [Issue] = []
    for finding in document.findings where finding.source != "unreachable" {
      var description = "\(finding.ruleName) \(finding.redacted)"
      switch finding.source {
      case "history":
        if let commit = finding.commit { description += " committed in \(commit.sha.prefix(12)) (\(commit.subject))" }
      case "index": description += " staged for the next commit"
      case "worktree": description += " in the working tree"
      default: break
      }
      let inventory = secrets[finding.fingerprint]?.inventory
      if let inventory {
        description += " — inventory key \(inventory.name): " + RotationPlan.headline(inventory)
      } else {
        description += ": revoke and rotate the key"
      }
      if let verification = secrets[finding.fingerprint]?.verification {
        description += " (live check: \(verification.status.rawValue))"
      }
      issues.append(
        Issue(
          description: description, checkName: finding.ruleID,
          fingerprint: fingerprint(
            "secret:\(finding.ruleID):\(finding.fingerprint):\(finding.path):\(finding.commit?.sha ?? "")"),
          severity: Self.severity(finding.severity),
          location: Location(path: finding.path, lines: Lines(begin: max(1, finding.line)))))
    }
    for violation in document.policy?.violations ?? [] {
      var severity = Self.severity(violation.severity)
      if violation.level == "warning" { severity = ["info", "minor"].contains(severity) ? severity : "minor" }
      issues.append(
        Issue(
          description: violation.message, checkName: violation.ruleID,
          fingerprint: fingerprint("policy:\(violation.ruleID):\(violation.path):\(violation.subject ?? "")"),
          severity: severity, location: Location(path: violation.path, lines: Lines(begin: max(1, violation.line)))))
    }
    return issues
  }

  /// Code Climate's severity for a keygate severity.
  public static func severity(_ severity: String) -> String {
    switch severity {
    case "critical": "blocker"
    case "high": "critical"
    case "medium": "major"
    case "low": "minor"
    default: "info"
    }
  }

  struct Issue: Encodable {
    let type = "issue"
    let description: String
    let checkName: String
    let fingerprint: String
    let severity: String
    let location: Location
    let categories = ["Security"]
    let engineName = "keygate"
    enum CodingKeys: String, CodingKey {
      case type, description, checkName = "check_name", fingerprint, severity, location, categories
      case engineName = "engine_name"
    }
  }
  struct Location: Encodable {
    let path: String
    let lines: Lines
  }
  struct Lines: Encodable { let begin: Int }
}
