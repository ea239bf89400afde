import KeygateCore

/// GitHub/GitLab-flavoured Markdown, for a merge-request comment and an incident summary: the
/// verdict, then per leaked key where it is, since when and by whom, whether it is still
/// reachable, which inventory key it is, and a zero-downtime rotation checklist; then policy
/// violations, suppressed findings and what could not be read. `render(_: [NativeReport])`
/// renders an organisation-wide audit (`keygate merge`).
///
/// Text that comes from the scanned repository (paths, commit subjects, author names) is
/// escaped: in code spans with a long enough fence, or with backslashes; table cells escape
/// `|` and lose line breaks; characters that are not printable are replaced by U+FFFD.
/// Secrets appear only redacted, unless the document carries them (`--show-secrets`).
public struct MarkdownReporter: Reporter {
  /// Rows of a key's location table before "… and N more".
  public static let locationRows = 10

  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    render(NativeReport(report: report, context: context))
  }

  public func render(_ document: NativeReport) -> String {
    render(document, level: 2, title: "keygate")
  }

  /// An organisation-wide audit: a summary table of every repository, then each repository's
  /// report with headings one level down.
  public func render(_ documents: [NativeReport]) -> String {
    let failing = documents.filter { $0.verdict == "fail" }.count
    let incomplete = documents.filter { !$0.complete }.count
    let verdict = failing > 0 ? "fail" : incomplete > 0 ? "incomplete" : "pass"
    let secrets = documents.reduce(0) { $0 + $1.secrets.count }
    let violations = documents.reduce(0) { $0 + Self.errors($1).count }
    var out = "## \(Self.icon(verdict)) keygate audit: \(verdict)\n\n"
    out +=
      "\(Self.count(documents.count, "repository", "repositories")): \(failing) failing, \(incomplete) incomplete; "
      + "\(Self.count(secrets, "secret")), \(Self.count(violations, "policy violation")).\n\n"
    out += "| Repository | Verdict | Secrets | Violations | Complete |\n| --- | --- | ---: | ---: | --- |\n"
    for document in documents {
      out += Self.row([
        Self.code(document.target.path), "\(Self.icon(document.verdict)) \(Self.escape(document.verdict))",
        String(document.secrets.count), String(Self.errors(document).count), document.complete ? "yes" : "**no**",
      ])
    }
    for document in documents {
      out += "\n" + render(document, level: 3, title: Self.code(document.target.path))
    }
    return out
  }

  // MARK: - One report

  private func render(_ document: NativeReport, level: Int, title: String) -> String {
    let heading = String(repeating: "#", count: level)
    var out = "\(heading) \(Self.icon(document.verdict)) \(title): \(Self.escape(document.verdict))\n\n"
    out += summary(document) + "\n\n"
    out += "<sub>" + scope(document) + "</sub>\n\n"
    if !document.complete {
      out +=
        "⚠️ **Incomplete:** part of the input could not be read (listed below); the verdict does not cover it"
        + (document.verdict == "incomplete" ? ", and this is not a pass." : ".") + "\n\n"
    }
    if !document.secrets.isEmpty {
      out += "\(heading)# Leaked keys\n\n"
      for (index, secret) in document.secrets.enumerated() {
        out += key(secret, number: index + 1, document, heading: heading + "##")
      }
    }
    if let policy = document.policy { out += policySection(policy, heading: heading + "#") }
    if !document.errors.isEmpty {
      out += "\(heading)# ⚠️ Could not read \(Self.count(document.errors.count, "item"))\n\n"
      out += "The verdict does not cover them; fix access to these objects or files and scan again.\n\n"
      for problem in document.errors.prefix(20) {
        out += "- \(Self.code(problem.subject)): \(Self.escape(problem.message))\n"
      }
      if document.errors.count > 20 { out += "- … and \(document.errors.count - 20) more (see the JSON report)\n" }
      out += "\n"
    }
    if !document.skipped.isEmpty {
      let shown = document.skipped.prefix(5).map { Self.code($0.subject) }.joined(separator: ", ")
      out +=
        "<sub>Skipped on purpose: \(document.skipped.count) (\(shown)\(document.skipped.count > 5 ? ", …" : "")).</sub>\n\n"
    }
    out += suppressedSection(document)
    return out
  }

  /// `N secrets in M locations, K policy violations`, and what does not fail.
  private func summary(_ document: NativeReport) -> String {
    var parts = [
      "**\(Self.count(document.secrets.count, "secret"))** in \(Self.count(document.findings.count, "location"))",
      "**\(Self.count(Self.errors(document).count, "policy violation"))**",
    ]
    let warnings = document.policy?.violations.filter { $0.level != "error" }.count ?? 0
    if warnings > 0 { parts.append(Self.count(warnings, "policy warning") + " (not failing)") }
    let threshold = Severity(rawValue: document.threshold) ?? .info
    let below = document.findings.filter { (Severity(rawValue: $0.severity) ?? .critical) < threshold }.count
    if below > 0 { parts.append("\(below) below the \(Self.escape(document.threshold)) threshold (not failing)") }
    let suppressed = document.suppressed.count + (document.policy?.suppressed.count ?? 0)
    if suppressed > 0 { parts.append("\(suppressed) suppressed") }
    return parts.joined(separator: ", ") + "."
  }

  /// What was scanned, small print.
  private func scope(_ document: NativeReport) -> String {
    var parts = ["keygate \(Self.escape(document.tool.version))", Self.code(document.target.path)]
    if let head = document.target.head { parts[1] += " at \(Self.escape(String(head.prefix(10))))" }
    let summary = document.summary
    if !document.rules.isEmpty {
      if document.target.mode == "git" {
        parts.append(
          "\(Self.count(summary.commits, "commit")), \(summary.blobs) unique blobs"
            + (summary.files > 0 ? ", \(summary.files) uncommitted files" : ""))
      } else {
        parts.append(Self.count(summary.files, "file"))
      }
      parts.append("\(formatBytes(summary.bytes)), \(document.rules.count) rules")
    }
    if let policy = document.policy { parts.append("policy as of \(Self.escape(policy.asOf))") }
    parts.append("threshold \(Self.escape(document.threshold))")
    if let startedAt = document.startedAt { parts.append("started \(Self.escape(startedAt))") }
    if let note = document.target.note { parts.append(Self.escape(note)) }
    if let live = document.liveCheck { parts.append(Self.escape(live)) }
    return parts.joined(separator: " · ")
  }

  // MARK: - A leaked key

  private func key(_ secret: NativeReport.Secret, number: Int, _ document: NativeReport, heading: String) -> String {
    let locations = document.findings.filter { $0.fingerprint == secret.fingerprint }
    let ruleName =
      locations.first?.ruleName ?? document.rules.first { $0.id == secret.ruleID }?.name ?? secret.ruleID
    let shown = locations.lazy.compactMap(\.secret).first ?? secret.redacted
    var out = "\(heading) \(number). \(Self.escape(ruleName)) \(Self.code(shown))\n\n"
    out +=
      "**\(Self.escape(secret.severity))** · rule \(Self.code(secret.ruleID)) · fingerprint "
      + Self.code("sha256:\(secret.fingerprint.prefix(16))") + "\n\n"

    out += "| Location | Source | Commit |\n| --- | --- | --- |\n"
    for finding in locations.prefix(Self.locationRows) {
      let encoded = finding.encodings.map { $0.isEmpty ? "" : " (inside \($0.joined(separator: " inside ")))" } ?? ""
      out += Self.row([
        Self.code("\(finding.path):\(finding.line)"), Self.source(finding.source) + Self.escape(encoded),
        finding.commit.map { Self.shortSHA($0.sha) } ?? "",
      ])
    }
    if locations.count > Self.locationRows {
      out += Self.row(["… and \(locations.count - Self.locationRows) more", "", ""])
    }
    out += "\n"

    if let commit = secret.introducedBy {
      out +=
        "- **Since:** \(Self.shortSHA(commit.sha)) on \(Self.escape(String(commit.date.prefix(10)))) by "
        + "\(Self.escape(commit.author)) (“\(Self.escape(truncate(commit.subject, to: 72)))”)\n"
    } else {
      let sources = Set(locations.map(\.source))
      let staged = sources.contains("index")
      let worktree = sources.contains("worktree")
      let where_ =
        staged && worktree
        ? "staged and in the working tree" : staged ? "staged" : worktree ? "in the working tree" : "in no commit"
      out += "- **Since:** not committed (\(where_))\n"
    }
    out += "- **Still reachable:** " + reachability(secret, locations) + "\n"
    if let verification = secret.verification {
      out += "- **Live (`--verify`):** **\(verification.status.rawValue)**: \(Self.escape(verification.detail)) "
        + "(\(Self.code(verification.method + " " + verification.endpoint)) at \(Self.escape(verification.checkedAt)))\n"
    }
    if let link = secret.inventory {
      let details =
        ["owner \(Self.escape(link.owner))"] + (link.environment.map { ["environment \(Self.escape($0))"] } ?? [])
        + ["status \(Self.escape(link.status))"]
      out +=
        "- **Inventory:** \(Self.code(link.name)) (\(details.joined(separator: ", "))): "
        + "**\(Self.escape(RotationPlan.headline(link)))**"
        + "\n"
    } else if let inventory = document.policy?.inventory {
      out += "- **Inventory:** no entry in \(Self.code(inventory)) matches this key: find its owner and add it\n"
    }
    out += "\n"
    out += checklist(secret, locations) + "\n"
    let remediation = Self.oneLine(secret.remediation)
    if !remediation.isEmpty { out += "> \(remediation)\n\n" }
    return out
  }

  /// HEAD, working tree, history: where the key can still be read.
  private func reachability(_ secret: NativeReport.Secret, _ locations: [NativeReport.Location]) -> String {
    var parts: [String] = []
    if let inHead = secret.inHead { parts.append("in HEAD: \(inHead ? "**yes**" : "no")") }
    parts.append("in the working tree: \(secret.inWorkingTree ? "**yes**" : "no")")
    if let history = secret.history {
      if history.commitCount == 0, !locations.isEmpty, locations.allSatisfy({ $0.source == "unreachable" }) {
        parts.append(
          "history: **only in objects no branch, tag or stash reaches** (still in this clone and in clones made before)"
        )
      } else if history.commitCount == 0 {
        parts.append("history: in no commit")
      } else {
        let references = history.references
        let reach =
          references.isEmpty
          ? "no branch or tag reaches them any more (the stash or reflog may)"
          : "reachable from " + references.prefix(6).map(Self.code).joined(separator: ", ")
            + (references.count > 6 ? ", … (\(references.count) refs)" : "")
        parts.append("history: **\(Self.count(history.commitCount, "commit"))**, \(reach)")
      }
    }
    return parts.joined(separator: " · ")
  }

  /// The zero-downtime rotation as a task list; for a revoked key, the clean-up.
  private func checklist(_ secret: NativeReport.Secret, _ locations: [NativeReport.Location]) -> String {
    let committed =
      (secret.history?.commitCount ?? 0) > 0 || secret.introducedBy != nil
      || locations.contains { $0.source == "history" || $0.source == "unreachable" }
    let history =
      committed
      ? "If required, clean history (git filter-repo, then force-push): every clone still has the key, so rotation is what protects you"
      : "It is not committed: remove it before the next commit (no history to clean)"
    var steps: [String]
    if let inventory = secret.inventory {
      // The inventory's plan (the same steps every format gives), plus the code and history.
      steps = inventory.rotationSteps
      if inventory.action != "clean-up" {
        steps.insert("Remove key A from the code: load the key from an environment variable or the secret manager", at: 2)
      }
      steps.append(history)
    } else {
      steps = [
        "Create key B at the provider with the same scope (project, permissions, environment) as key A",
        "Store key B in the secret manager",
        "Remove key A from the code: load the key from an environment variable or the secret manager",
        "Roll out key B, canary first",
        "Validate: requests with key B succeed, and key A's usage at the provider drops to zero",
        "Revoke key A",
        history,
      ]
    }
    let title =
      switch secret.inventory?.action {
      case "clean-up": "**Clean up** (the key is revoked):"
      case "finish-rotation": "**Finish the rotation now** (the key leaked while being replaced):"
      default: "**Rotate without downtime:**"
      }
    return title + "\n\n" + steps.map { "- [ ] \($0)\n" }.joined()
  }

  // MARK: - Policy, suppressed

  private func policySection(_ policy: NativeReport.Policy, heading: String) -> String {
    let errors = policy.violations.filter { $0.level == "error" }
    let warnings = policy.violations.filter { $0.level != "error" }
    var sources: [String] = []
    if let config = policy.config { sources.append(Self.code(config)) }
    if let inventory = policy.inventory { sources.append("inventory \(Self.code(inventory))") }
    var out = "\(heading) Policy violations\n\n"
    out +=
      "\(sources.isEmpty ? "" : sources.joined(separator: ", ") + ", ")as of \(Self.escape(policy.asOf)), "
      + "\(Self.count(policy.files, "file")), \(Self.count(policy.checks.count, "check")): "
      + "\(Self.count(errors.count, "error")), \(Self.count(warnings.count, "warning")).\n\n"
    if !errors.isEmpty { out += violationTable(errors) + "\n" }
    if !warnings.isEmpty {
      out += "\(heading)# Policy warnings (not failing)\n\n" + violationTable(warnings) + "\n"
    }
    return out
  }

  private func violationTable(_ violations: [NativeReport.Violation]) -> String {
    var out = "| Severity | Rule | Location | Message |\n| --- | --- | --- | --- |\n"
    for violation in violations {
      out += Self.row([
        Self.escape(violation.severity), Self.code(violation.ruleID), Self.code("\(violation.path):\(violation.line)"),
        Self.oneLine(violation.message),
      ])
    }
    return out
  }

  private func suppressedSection(_ document: NativeReport) -> String {
    let violations = document.policy?.suppressed ?? []
    let total = document.suppressed.count + violations.count
    guard total > 0 else { return "" }
    var kinds: [String: Int] = [:]
    var order: [String] = []
    for finding in document.suppressed {
      let kind = finding.suppression?.kind ?? "suppressed"
      if kinds[kind] == nil { order.append(kind) }
      kinds[kind, default: 0] += 1
    }
    if !violations.isEmpty {
      order.append("policy violations")
      kinds["policy violations"] = violations.count
    }
    let counts = order.map { "\(kinds[$0] ?? 0) \($0)" }.joined(separator: ", ")
    var out =
      "<details>\n<summary>\(Self.count(total, "suppressed finding")) (\(Self.escape(counts))), "
      + "not counted in the verdict</summary>\n\n"
    if !document.suppressed.isEmpty {
      out += "| Location | Rule | Key | Reason |\n| --- | --- | --- | --- |\n"
      for finding in document.suppressed {
        let reason = finding.suppression.map { "\($0.kind): \($0.reason)" } ?? ""
        out += Self.row([
          Self.code("\(finding.path):\(finding.line)"), Self.escape(finding.ruleName),
          Self.code(finding.secret ?? finding.redacted), Self.escape(reason),
        ])
      }
      out += "\n"
    }
    if !violations.isEmpty {
      out += "| Rule | Location | Message | Reason |\n| --- | --- | --- | --- |\n"
      for violation in violations {
        out += Self.row([
          Self.code(violation.ruleID), Self.code("\(violation.path):\(violation.line)"),
          Self.oneLine(violation.message),
          Self.escape(violation.suppression ?? ""),
        ])
      }
      out += "\n"
    }
    return out + "</details>\n\n"
  }

  // MARK: - Wording

  private static func errors(_ document: NativeReport) -> [NativeReport.Violation] {
    document.policy?.violations.filter { $0.level == "error" } ?? []
  }

  private static func icon(_ verdict: String) -> String {
    switch verdict {
    case "pass": "✅"
    case "fail": "❌"
    default: "⚠️"
    }
  }

  private static func source(_ source: String) -> String {
    switch source {
    case "history": "history"
    case "index": "staged"
    case "worktree": "working tree"
    case "file": "file"
    case "unreachable": "unreachable object"
    default: escape(source)
    }
  }

  /// A commit's short id, bare so that GitHub and GitLab link it (escaped in case it is not hex).
  private static func shortSHA(_ sha: String) -> String { escape(String(sha.prefix(10))) }

  static func count(_ n: Int, _ singular: String, _ plural: String? = nil) -> String {
    "\(n) \(n == 1 ? singular : plural ?? singular + "s")"
  }

  // MARK: - Markdown

  /// A table row; each cell loses its line breaks and escapes `|` (also inside code spans,
  /// as GFM tables want).
  static func row(_ cells: [String]) -> String {
    "| " + cells.map { oneLine($0).replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |\n"
  }

  /// `text` on one line, with characters that are not printable replaced by U+FFFD.
  static func oneLine(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    var previousWasBreak = false
    for scalar in text.unicodeScalars {
      if scalar == "\n" || scalar == "\r" || scalar == "\u{2028}" || scalar == "\u{2029}" {
        if !previousWasBreak { out += " " }
        previousWasBreak = true
        continue
      }
      previousWasBreak = false
      if scalar == "\t" {
        out += " "
      } else if scalar.properties.generalCategory == .control || scalar.value == 0xFFFE || scalar.value == 0xFFFF {
        out += "\u{FFFD}"
      } else {
        out.unicodeScalars.append(scalar)
      }
    }
    return out
  }

  /// Text from the repository as literal Markdown: on one line, with the characters that
  /// start emphasis, links, HTML, entities, code, mentions and references escaped.
  static func escape(_ text: String) -> String {
    var out = ""
    for character in oneLine(text) {
      if "\\`*_[]<>#@~&".contains(character) { out += "\\" }
      out.append(character)
    }
    return out
  }

  /// `text` as a code span whose fence is longer than any run of backticks in it.
  static func code(_ text: String) -> String {
    let content = oneLine(text)
    var longest = 0
    var run = 0
    for character in content {
      run = character == "`" ? run + 1 : 0
      longest = max(longest, run)
    }
    let fence = String(repeating: "`", count: longest + 1)
    let pad =
      content.hasPrefix("`") || content.hasSuffix("`") || (content.hasPrefix(" ") && content.hasSuffix(" ")) ? " " : ""
    return content.isEmpty ? "` `" : fence + pad + content + pad + fence
  }
}
