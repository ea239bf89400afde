import KeygateCore

/// The report for a person: findings grouped by secret, each with where it is, who introduced
/// it and when, whether it is still live, and what to do.
public struct TextReporter: Reporter {
  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    var style = Style(color: context.color)
    var out = ""
    out += header(report) + "\n"
    if let note = report.target.note { out += style.dim(wrap("note: \(note)", width: context.width, indent: "")) + "\n" }
    if let live = report.liveCheckSummary { out += wrap("note: \(live)", width: context.width, indent: "") + "\n" }
    out += "\n"

    for secret in report.secrets {
      let severity = secret.severity.rawValue.uppercased()
      out += "\(style.severity(severity, secret.severity))  \(style.bold(secret.ruleName))  \(shown(secret, context))\n"
      out += "  rule         \(secret.ruleID)\n"
      out += "  fingerprint  sha256:\(secret.fingerprint.prefix(16))…\n"
      if let commit = secret.introducedBy {
        out += "  introduced   \(commit.sha.prefix(10)) \(commit.date.prefix(10)) by \(commit.author) <\(commit.email)>\n"
        out += "               \"\(truncate(commit.subject, to: max(20, context.width - 16)))\"\n"
      }
      if let provenance = secret.provenance {
        let commits = "\(provenance.commitCount) commit\(provenance.commitCount == 1 ? "" : "s")"
        out += "  in history   \(commits)"
        if provenance.commitCount == 0, secret.findings.allSatisfy({ $0.source == .unreachable }) {
          out += ": only in blobs no branch, tag or stash reaches (a deleted branch, rewritten history); "
            + "still in this clone and in clones made before"
        } else if !provenance.references.isEmpty {
          let shown = provenance.references.prefix(6).joined(separator: ", ")
          out += "; reachable from \(shown)\(provenance.references.count > 6 ? ", … (\(provenance.references.count) refs)" : "")"
        } else {
          out += "; no branch or tag reaches them any more (the stash or reflog may)"
        }
        out += "\n"
      }
      var live: [String] = []
      if let inHead = secret.inHead { live.append("HEAD: \(inHead ? "yes" : "no")") }
      live.append("working tree: \(secret.inWorkingTree ? "yes" : "no")")
      out += "  still in     \(live.joined(separator: ", "))\n"
      if let link = report.policy?.links[secret.fingerprint] {
        out += "  inventory    \(link.name) (owner \(link.owner)\(link.environment.map { ", environment \($0)" } ?? ""), "
          + "status \(link.status.rawValue))\n"
        let action = RotationPlan.action(for: link.status)
        let headline = RotationPlan.headline(action: action, successor: link.successor)
        out += "               " + (action == "clean-up" ? headline : style.red(headline)) + "\n"
        let steps = RotationPlan.steps(name: link.name, action: action, usedBy: link.usedBy, successor: link.successor)
        for (number, step) in steps.enumerated() { out += "                 \(number + 1). \(step)\n" }
      }
      if let verification = report.verifications?[secret.fingerprint] {
        let phrase = LiveStatus.phrase(verification)
        out += "  live         " + (verification.status == .active ? style.red(phrase) : phrase) + "\n"
      }
      out += "  found at\n"
      for finding in secret.findings {
        let encoded = finding.encodings.isEmpty ? "" : ", inside \(finding.encodings.joined(separator: " inside "))"
        out += "    \(finding.path):\(finding.line):\(finding.column)  \(style.dim(origin(finding) + encoded))\n"
      }
      out += wrap(secret.remediation, width: context.width, indent: "               ", first: "  what to do  ") + "\n\n"
    }

    if let policy = report.policy { out += policySection(policy, context: context, style: style) }

    let errors = report.problems.filter(\.isIncomplete)
    let skipped = report.problems.filter { !$0.isIncomplete }
    if !errors.isEmpty {
      out += style.bold("Could not read \(errors.count) item\(errors.count == 1 ? "" : "s"); the verdict does not cover them:") + "\n"
      for problem in errors.prefix(20) { out += "  \(problem.subject): \(problem.message)\n" }
      if errors.count > 20 { out += "  … and \(errors.count - 20) more (see --format json)\n" }
      out += "\n"
    }
    if !skipped.isEmpty {
      out += style.dim("Skipped on purpose: \(skipped.count) (\(skipped.prefix(3).map(\.subject).joined(separator: ", "))\(skipped.count > 3 ? ", …" : ""); see --format json)") + "\n\n"
    }
    if !report.suppressed.isEmpty {
      out += suppressedSummary(report.suppressed, style: style) + "\n\n"
    }
    out += verdictLine(report, context: context, style: &style)
    return out
  }

  private func header(_ report: ScanReport) -> String {
    if report.rules.isEmpty, report.policy != nil {
      return "keygate \(KeygateVersion.current): checked the policy of \(report.target.path) (no secret scan)"
    }
    let statistics = report.statistics
    let scope: String
    switch report.target.mode {
    case .gitRepository:
      scope = "\(statistics.commits) commit\(statistics.commits == 1 ? "" : "s"), \(statistics.blobs) unique blobs"
        + (statistics.files > 0 ? ", \(statistics.files) uncommitted files" : "")
    case .directory:
      scope = "\(statistics.files) file\(statistics.files == 1 ? "" : "s")"
    }
    return "keygate \(KeygateVersion.current): scanned \(report.target.path) (\(scope), "
      + "\(formatBytes(statistics.bytes)), \(report.rules.count) rules) in \(formatSeconds(statistics.seconds))"
  }

  /// One line per kind of suppression, so accepted findings stay visible.
  private func suppressedSummary(_ suppressed: [SuppressedFinding], style: Style) -> String {
    var counts: [SuppressionKind: Int] = [:]
    for entry in suppressed { counts[entry.kind, default: 0] += 1 }
    let parts = SuppressionKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
    let total = suppressed.count
    return style.dim(
      "Suppressed: \(total) finding\(total == 1 ? "" : "s") (\(parts.joined(separator: ", "))), not counted in the "
        + "verdict; listed with their reasons in --format json.")
  }

  private func shown(_ secret: SecretSummary, _ context: ReportContext) -> String {
    context.showSecrets ? secret.findings[0].secret : secret.redacted
  }

  private func origin(_ finding: Finding) -> String {
    switch finding.source {
    case .history:
      if let commit = finding.commit { return "committed in \(commit.sha.prefix(10))" }
      return "in history (reachable from a tag of a tree or blob)"
    case .index: return "staged, not committed"
    case .worktree: return "uncommitted change in the working tree"
    case .file: return "file"
    case .unreachable: return "unreachable: in the object database, but no branch, tag or stash reaches it"
    }
  }

  /// The policy checks: what was checked, then each violation with what to change.
  private func policySection(_ policy: PolicyOutcome, context: ReportContext, style: Style) -> String {
    var sources: [String] = []
    if let config = policy.configPath { sources.append(config) }
    if let inventory = policy.inventoryPath { sources.append("inventory \(inventory)") }
    let errors = policy.errors.count
    let warnings = policy.warnings.count
    var out = style.bold(
      "Policy (\(sources.joined(separator: ", ")), as of \(policy.asOf), \(policy.files) files): "
        + "\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")") + "\n"
    for violation in policy.violations {
      let label = violation.level == .error ? violation.severity.rawValue.uppercased() : "WARNING"
      let tag = violation.level == .error ? style.severity(label, violation.severity) : style.dim(label)
      out += "\(tag)  \(violation.ruleID)  \(violation.path):\(violation.line):\(violation.column)\n"
      out += wrap(violation.message, width: context.width, indent: "  ", first: "  ") + "\n"
    }
    if !policy.suppressed.isEmpty {
      out += style.dim("Suppressed: \(policy.suppressed.count) policy violation(s) by keygate:allow comments; listed in --format json.") + "\n"
    }
    return out + "\n"
  }

  private func verdictLine(_ report: ScanReport, context: ReportContext, style: inout Style) -> String {
    let failing = report.findings.filter { $0.severity >= context.threshold }
    let secrets = Set(failing.map(\.fingerprint)).count
    let violations = Gate(threshold: context.threshold).failingViolations(report).count
    let warnings = report.policy?.warnings.count ?? 0
    let warned = warnings > 0 ? " \(warnings) policy warning\(warnings == 1 ? "" : "s") (not failing)." : ""
    switch context.verdict {
    case .pass:
      let below = report.findings.count - failing.count
      let checked = report.policy == nil ? "no secrets found" : "no secrets found, no policy violations"
      return style.green("PASS")
        + (below > 0 ? ": \(below) finding\(below == 1 ? "" : "s") below the \(context.threshold.rawValue) threshold." : ": \(checked).")
        + warned + "\n"
    case .fail where failing.isEmpty:
      return style.red("FAIL") + ": \(violations) policy violation\(violations == 1 ? "" : "s") (listed above; each says what to change)."
        + warned + "\n"
    case .incomplete:
      return style.red("INCOMPLETE") + ": no secrets found, but part of the input could not be read (listed above); "
        + "this is not a pass. Fix access to those objects or files and scan again.\n"
    case .fail:
      let advice = """
        What to do, for each key above: (1) revoke it and create a replacement at the provider (zero downtime: \
        create key B, store it in your secret manager, roll it out, check it works, then revoke key A); \
        (2) remove it from the code and load it from an environment variable or a secret manager; \
        (3) once a key was pushed it is in every clone: rotation is what protects you, rewriting history \
        (git filter-repo) only tidies up afterwards.
        """
      return style.red("FAIL") + ": \(secrets) secret\(secrets == 1 ? "" : "s") in \(failing.count) "
        + "location\(failing.count == 1 ? "" : "s")"
        + (violations > 0 ? " and \(violations) policy violation\(violations == 1 ? "" : "s")" : "")
        + "\(report.isIncomplete ? " (and part of the input could not be read)" : "").\n"
        + wrap(advice, width: context.width, indent: "") + "\n"
    }
  }
}

/// ANSI styling that does nothing without colour.
struct Style {
  let color: Bool
  private func wrap(_ text: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
  func bold(_ text: String) -> String { wrap(text, "1") }
  func dim(_ text: String) -> String { wrap(text, "2") }
  func red(_ text: String) -> String { wrap(text, "1;31") }
  func green(_ text: String) -> String { wrap(text, "1;32") }
  func severity(_ text: String, _ severity: Severity) -> String {
    severity >= .high ? red(text) : severity == .medium ? wrap(text, "1;33") : bold(text)
  }
}

/// Wraps prose at `width` columns; later lines start with `indent`.
func wrap(_ text: String, width: Int, indent: String, first: String = "") -> String {
  var lines: [String] = []
  var line = first
  for word in text.split(separator: " ", omittingEmptySubsequences: true) {
    let prefixLength = lines.isEmpty ? first.count : indent.count
    if line.count > prefixLength, line.count + 1 + word.count > width {
      lines.append(line)
      line = indent + word
    } else {
      line += (line.count > prefixLength ? " " : "") + word
    }
  }
  lines.append(line)
  return lines.joined(separator: "\n")
}

func truncate(_ text: String, to length: Int) -> String {
  text.count <= length ? text : String(text.prefix(length - 1)) + "…"
}

func formatBytes(_ bytes: Int) -> String {
  let units = ["B", "KiB", "MiB", "GiB", "TiB"]
  var value = Double(bytes)
  var unit = 0
  while value >= 1024, unit < units.count - 1 {
    value /= 1024
    unit += 1
  }
  return unit == 0 ? "\(bytes) B" : "\((value * 10).rounded() / 10) \(units[unit])"
}

func formatSeconds(_ seconds: Double) -> String {
  seconds < 1 ? "\(Int((seconds * 1000).rounded())) ms" : "\((seconds * 100).rounded() / 100) s"
}
