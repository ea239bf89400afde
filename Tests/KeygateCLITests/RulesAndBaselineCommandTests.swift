import Foundation
import KeygateTestSupport
import Testing

/// End-to-end: `keygate rules list|test`, `keygate baseline create`, and scans with user rule files,
/// keygate.yaml, .keygateignore, baselines and `keygate:allow` comments, with the built binary.
@Suite struct RulesAndBaselineCommandTests {
  // MARK: - Helpers

  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not JSON:\n\(text)")
  }

  static func objects(_ value: Any?) throws -> [[String: Any]] { try #require(value as? [[String: Any]]) }

  /// A rule file with `acme-token` (`acme_` + 24 alphanumerics) and `beta-token` (`beta_` + 24).
  /// Line 17 is acme-token's second negative example.
  static func ruleFile(acmeNegatives: [String] = ["acme_short"]) -> String {
    var lines = [
      "version: 1",
      "rules:",
      "  - id: acme-token",
      "    name: Acme token",
      "    provider: acme",
      "    severity: high",
      "    description: An Acme API token.",
      "    remediation: Revoke it at https://acme.example.com/tokens.",
      "    pattern: '\\b(acme_[A-Za-z0-9]{24})\\b'",
      "    visible_prefixes: [acme_]",
      "    references: [https://acme.example.com/docs/tokens]",
      "    examples:",
      "      - 'ACME_TOKEN=acme_${alnum:24}'",
      "      - 'token: acme_${alnum:24}'",
      "    negative_examples:",
    ]
    lines += acmeNegatives.map { "      - '\($0)'" }
    lines += [
      "  - id: beta-token",
      "    name: Beta token",
      "    provider: beta",
      "    severity: medium",
      "    confidence: medium",
      "    description: A Beta API token.",
      "    remediation: Revoke it.",
      "    pattern: '\\b(beta_[A-Za-z0-9]{24})\\b'",
      "    references: [https://beta.example.com/docs]",
      "    examples: ['t = beta_${alnum:24}', 'beta_${alnum:24}']",
      "    negative_examples: ['beta_short']",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  static func acme(_ seed: UInt64) -> String { "acme_" + TestKeys.random(24, seed: seed, urlSafe: false) }
  static func beta(_ seed: UInt64) -> String { "beta_" + TestKeys.random(24, seed: seed, urlSafe: false) }

  /// A folder outside the scanned one, holding rule files, baselines and reports.
  final class Workspace: @unchecked Sendable {
    let folder: TemporaryGitRepository
    var path: String { folder.path }
    init() throws { folder = try TemporaryGitRepository(initialise: false) }

    /// Writes `contents` to `name` in the workspace and returns its full path.
    func file(_ name: String, _ contents: String) throws -> String {
      try folder.write(name, contents)
      return path + "/" + name
    }

    func read(_ name: String) throws -> String { try String(contentsOfFile: path + "/" + name, encoding: .utf8) }
  }

  static func findings(_ report: [String: Any]) throws -> [[String: Any]] { try objects(report["findings"]) }
  static func suppressed(_ report: [String: Any]) throws -> [[String: Any]] { try objects(report["suppressed"]) }
  static func summary(_ report: [String: Any]) throws -> [String: Any] {
    try #require(report["summary"] as? [String: Any])
  }

  // MARK: - rules list

  @Test func rulesListPrintsATableWithTheOpenAIRules() throws {
    let result = try KeygateBinary.run(["rules", "list"])
    #expect(result.status == 0)
    #expect(result.stderr.isEmpty)
    let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let header = try #require(lines.first)
    #expect(header.range(of: #"^ID +PROVIDER +SEVERITY +CONFIDENCE +NAME$"#, options: .regularExpression) != nil, "\(header)")
    let project = try #require(lines.first { $0.hasPrefix("openai-project-key ") })
    #expect(
      // The name column may be cut to the width, but keeps at least 11 characters.
      project.range(of: #"^openai-project-key +openai +critical +high +OpenAI proj"#, options: .regularExpression)
        != nil, "\(project)")
    for id in ["openai-service-account-key", "openai-admin-key", "openai-user-key"] {
      #expect(lines.contains { $0.hasPrefix(id + " ") }, "\(id)")
    }

    // The footer counts the rules and providers the JSON listing has.
    let listing = try Self.objects(Self.json(try KeygateBinary.run(["rules", "list", "--format", "json"]).stdout)["rules"])
    let providers = Set(listing.compactMap { $0["provider"] as? String }).count
    let footer = "\(listing.count) rule\(listing.count == 1 ? "" : "s") from \(providers) provider\(providers == 1 ? "" : "s")."
    #expect(result.stdout.hasSuffix("\n\n\(footer)\n"))
    #expect(lines.count == 1 + listing.count + 3)
  }

  @Test func rulesListJSONHasEveryRulesIdentity() throws {
    let result = try KeygateBinary.run(["rules", "list", "--format", "json"])
    #expect(result.status == 0)
    let rules = try Self.objects(Self.json(result.stdout)["rules"])
    #expect(rules.count >= 4)
    let ids = rules.compactMap { $0["id"] as? String }
    #expect(ids.count == rules.count)
    #expect(Set(ids).count == ids.count)
    for rule in rules {
      let id = rule["id"] as? String ?? "?"
      #expect(!((rule["provider"] as? String) ?? "").isEmpty, "\(id)")
      #expect(["critical", "high", "medium", "low", "info"].contains(rule["severity"] as? String ?? ""), "\(id)")
      #expect(["high", "medium", "low"].contains(rule["confidence"] as? String ?? ""), "\(id)")
    }
    let project = try #require(rules.first { $0["id"] as? String == "openai-project-key" })
    #expect(project["provider"] as? String == "openai")
    #expect(project["severity"] as? String == "critical")
    #expect(project["confidence"] as? String == "high")
    #expect(project["name"] as? String == "OpenAI project API key")
    #expect(project["keywords"] as? [String] == ["sk-proj-"])
    #expect((project["defined_at"] as? String)?.hasPrefix("<builtin>/policies/rules/openai.yml:") == true)
  }

  @Test func rulesListWithOnlyAUserFile() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let text = try KeygateBinary.run(["rules", "list", "--no-builtin", "--rules", rules])
    #expect(text.status == 0)
    #expect(
      text.stdout == """
        ID          PROVIDER  SEVERITY  CONFIDENCE  NAME
        acme-token  acme      high      high        Acme token
        beta-token  beta      medium    medium      Beta token

        2 rules from 2 providers.

        """)

    let json = try KeygateBinary.run(["rules", "list", "--no-builtin", "--rules", rules, "-f", "json"])
    #expect(json.status == 0)
    let listed = try Self.objects(Self.json(json.stdout)["rules"])
    #expect(listed.map { $0["id"] as? String } == ["acme-token", "beta-token"])
    #expect(listed.map { $0["defined_at"] as? String } == ["\(rules):3:5", "\(rules):17:5"])
    #expect(listed[0]["examples"] as? [String] == ["ACME_TOKEN=acme_${alnum:24}", "token: acme_${alnum:24}"])
  }

  // MARK: - rules test

  /// NOTE: the built-in rule files are being written; a failure here names the rule and example.
  @Test func rulesTestPassesForTheBuiltins() throws {
    let result = try KeygateBinary.run(["rules", "test"])
    #expect(result.status == 0, Comment(rawValue: result.stdout + result.stderr))
    #expect(result.stdout.hasSuffix(" examples and negative examples: all pass.\n"))
    let count = try Self.objects(Self.json(try KeygateBinary.run(["rules", "list", "-f", "json"]).stdout)["rules"]).count
    #expect(result.stdout.hasPrefix("\(count) rules, "))
  }

  @Test func rulesTestPassesForAGoodUserFile() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let result = try KeygateBinary.run(["rules", "test", "--no-builtin", rules])
    #expect(result.status == 0, Comment(rawValue: result.stdout + result.stderr))
    #expect(result.stdout == "2 rules, 6 examples and negative examples: all pass.\n")
    #expect(result.stderr.isEmpty)
    // A folder of rule files works the same.
    let folder = try KeygateBinary.run(["rules", "test", "--no-builtin", workspace.path])
    #expect(folder.status == 0)
    #expect(folder.stdout == result.stdout)
  }

  @Test func rulesTestFailsWithExitOneNamingTheExample() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile(acmeNegatives: ["acme_short", "leaked: acme_${alnum:24}"]))
    let result = try KeygateBinary.run(["rules", "test", "--no-builtin", rules])
    #expect(result.status == 1)
    #expect(
      result.stdout.contains(
        "\(rules):17:9: error: acme-token: negative_examples[1]: found, but it is a negative example\n    leaked: acme_"))
    #expect(result.stdout.hasSuffix("2 rules, 7 examples and negative examples: 1 failed in 1 rule.\n"))
    #expect(!result.stdout.contains("beta-token"))
  }

  @Test func rulesTestOfABrokenFileExitsTwoWithItsLocation() throws {
    let workspace = try Workspace()
    let broken = Self.ruleFile().replacingOccurrences(of: "    severity: high\n", with: "    severity: severe\n")
    let rules = try workspace.file("rules.yml", broken)
    let result = try KeygateBinary.run(["rules", "test", "--no-builtin", rules])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr
        == "keygate: \(rules):6:15: error: acme-token: at `rules[0].severity`: expected one of critical, high, medium, low, info\n")
  }

  @Test func rulesTestWithNoBuiltinAndNoFilesExitsTwo() throws {
    let result = try KeygateBinary.run(["rules", "test", "--no-builtin"])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(result.stderr == "keygate: error: --no-builtin leaves no rules: add rule files with --rules PATH\n")
  }

  @Test func rulesTestOfAMissingFileExitsTwo() throws {
    let result = try KeygateBinary.run(["rules", "test", "--no-builtin", "/nonexistent/rules.yml"])
    #expect(result.status == 2)
    #expect(result.stderr.contains("/nonexistent/rules.yml"))
  }

  // MARK: - scan with a user rule file

  @Test func scanWithAUserRuleFileFindsItsKey() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let folder = try TemporaryGitRepository(initialise: false)
    let key = Self.acme(1)
    try folder.write("config/app.env", "# app\nACME_TOKEN=\(key)\n")

    let only = try KeygateBinary.run(["scan", "-f", "json", "--no-builtin", "--rules", rules, folder.path])
    #expect(only.status == 1)
    let report = try Self.json(only.stdout)
    let findings = try Self.findings(report)
    #expect(findings.count == 1)
    let finding = try #require(findings.first)
    #expect(finding["rule_id"] as? String == "acme-token")
    #expect(finding["severity"] as? String == "high")
    #expect(finding["path"] as? String == "config/app.env")
    #expect(finding["line"] as? Int == 2)
    #expect(finding["column"] as? Int == 12)
    #expect(finding["redacted"] as? String == "acme_…" + key.suffix(4))
    #expect(((report["secrets"] as? [[String: Any]])?.first?["remediation"] as? String)?.contains("acme.example.com") == true)

    // With the built-ins too, the user's rule still finds it.
    let both = try KeygateBinary.run(["scan", "-f", "json", "--rules", rules, folder.path])
    #expect(both.status == 1)
    let acme = try Self.findings(Self.json(both.stdout)).filter { $0["rule_id"] as? String == "acme-token" }
    #expect(acme.map { $0["path"] as? String } == ["config/app.env"])
  }

  @Test func userRuleReusingABuiltinIdIsRefused() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile().replacingOccurrences(of: "id: acme-token", with: "id: openai-project-key"))
    let folder = try TemporaryGitRepository(initialise: false)
    let result = try KeygateBinary.run(["scan", "--rules", rules, folder.path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("\(rules):3:5: error: openai-project-key: duplicate rule id; first defined at <builtin>/policies/rules/openai.yml:"))
  }

  // MARK: - keygate.yaml

  @Test func keygateYAMLInTheScannedFolderIsHonoured() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("security/rules/custom.yml", Self.ruleFile())
    try folder.write(
      "keygate.yaml",
      """
      version: 1
      rules:
        builtin: false
        paths: [security/rules]
        disable: [beta-token]
      allowlist:
        paths: ['docs/**']

      """)
    let (allowed, counted, disabled) = (Self.acme(10), Self.acme(11), Self.beta(12))
    try folder.write("docs/setup.md", "Set ACME_TOKEN=\(allowed)\n")
    try folder.write("src/app.txt", "token = \(counted)\n")
    try folder.write("src/beta.txt", "token = \(disabled)\n")

    let result = try KeygateBinary.run(["scan", "-f", "json", folder.path])
    #expect(result.status == 1, Comment(rawValue: result.stderr))
    let report = try Self.json(result.stdout)
    #expect(try Self.findings(report).map { $0["path"] as? String } == ["src/app.txt"])
    let suppressed = try Self.suppressed(report)
    #expect(suppressed.map { $0["path"] as? String } == ["docs/setup.md"])
    let suppression = try #require(suppressed.first?["suppression"] as? [String: Any])
    #expect(suppression["kind"] as? String == "allowlist")
    #expect(suppression["reason"] as? String == "allowlist: path matches `docs/**`")
    #expect(try Self.summary(report)["suppressed"] as? Int == 1)
    #expect(try Self.summary(report)["findings"] as? Int == 1)
    // The disabled rule did not run: its key is nowhere in the report.
    #expect(!result.stdout.contains("beta-token"))
  }

  @Test func brokenKeygateYAMLExitsTwoWithItsLocation() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("keygate.yaml", "version: 1\nallowlists:\n  paths: ['docs/**']\n")
    try folder.write("a.txt", "token = \(Self.acme(20))\n")
    let result = try KeygateBinary.run(["scan", folder.path])
    #expect(result.status == 2)
    #expect(result.stdout.isEmpty)
    #expect(
      result.stderr
        == "keygate: \(folder.path)/keygate.yaml:2:1: error: at the top level: unknown key `allowlists`; "
        + "expected one of version, rules, allowlist, rule_allowlists, baseline, environments, allowed_models, "
        + "max_cost_tier, model_catalogs, inventory, naming, rotation, client_paths, policy\n")
  }

  @Test func keygateYAMLDisablingAnUnknownRuleExitsTwo() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("keygate.yaml", "version: 1\nrules:\n  disable: [no-such-rule]\n")
    let result = try KeygateBinary.run(["scan", folder.path])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "keygate: \(folder.path)/keygate.yaml:3:13: error: `rules.disable` names unknown rule `no-such-rule` "
        + "(see `keygate rules list`)\n")
  }

  // MARK: - .keygateignore

  @Test func keygateIgnoreSuppressesByFingerprint() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let folder = try TemporaryGitRepository(initialise: false)
    let (ignored, kept) = (Self.acme(30), Self.acme(31))
    try folder.write("fixtures/token.txt", "token = \(ignored)\n")
    try folder.write("src/token.txt", "token = \(kept)\n")
    let arguments = ["scan", "-f", "json", "--no-builtin", "--rules", rules, folder.path]

    let before = try Self.json(try KeygateBinary.run(arguments).stdout)
    let fingerprints = try Self.findings(before).compactMap { $0["fingerprint"] as? String }
    #expect(fingerprints.count == 2)
    let fingerprint = try #require(try Self.findings(before).first { $0["path"] as? String == "fixtures/token.txt" }?["fingerprint"] as? String)
    #expect(fingerprint.count == 64)

    try folder.write(".keygateignore", "# rotated 2025-01-01, kept for the tests\n\(fingerprint)\n")
    let after = try KeygateBinary.run(arguments)
    #expect(after.status == 1)
    let report = try Self.json(after.stdout)
    #expect(try Self.findings(report).map { $0["path"] as? String } == ["src/token.txt"])
    let suppressed = try Self.suppressed(report)
    #expect(suppressed.map { $0["path"] as? String } == ["fixtures/token.txt"])
    let suppression = try #require(suppressed.first?["suppression"] as? [String: Any])
    #expect(suppression["kind"] as? String == "ignore-file")
    #expect(suppression["reason"] as? String == "\(folder.path)/.keygateignore:2:1: rotated 2025-01-01, kept for the tests")

    // Both ignored: the gate passes.
    try folder.write(".keygateignore", fingerprints.joined(separator: "\n") + "\n")
    let all = try KeygateBinary.run(arguments)
    #expect(all.status == 0)
    #expect(try Self.summary(Self.json(all.stdout))["suppressed"] as? Int == 2)
  }

  @Test func brokenKeygateIgnoreExitsTwoWithItsLocation() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write(".keygateignore", "# reviewed\nnot-a-fingerprint\n")
    let result = try KeygateBinary.run(["scan", "--no-builtin", "--rules", rules, folder.path])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "keygate: \(folder.path)/.keygateignore:2:1: error: expected a secret fingerprint (64 hexadecimal digits, "
        + "as in keygate's reports), found `not-a-fingerprint`\n")
  }

  // MARK: - Baselines

  @Test func baselineCreateThenScanReportsOnlyNewFindings() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let baselinePath = workspace.path + "/baseline.json"
    let repo = try TemporaryGitRepository()
    let (old, untracked, new) = (Self.acme(40), Self.acme(41), Self.acme(42))
    let sha = try repo.commit("Add config", files: ["config.env": "ACME_TOKEN=\(old)\n"])
    try repo.write("notes.txt", "temporary \(untracked)\n")
    let ruleArguments = ["--no-builtin", "--rules", rules]

    let create = try KeygateBinary.run(["baseline", "create"] + ruleArguments + [repo.path, "-o", baselinePath])
    #expect(create.status == 0, Comment(rawValue: create.stderr))
    #expect(create.stdout.isEmpty)
    #expect(create.stderr == "keygate: wrote 2 findings to \(baselinePath)\n")
    let baselineText = try workspace.read("baseline.json")
    let baseline = try Self.json(baselineText)
    #expect(baseline["version"] as? Int == 1)
    #expect(baseline["tool"] as? String == "keygate")
    let entries = try Self.objects(baseline["findings"])
    #expect(entries.count == 2)
    let committed = try #require(entries.first { $0["path"] as? String == "config.env" })
    #expect(committed["rule_id"] as? String == "acme-token")
    #expect(committed["commit"] as? String == sha)
    #expect(committed["redacted"] as? String == "acme_…" + old.suffix(4))
    let loose = try #require(entries.first { $0["path"] as? String == "notes.txt" })
    #expect(loose["commit"] is NSNull)

    let scan = ["scan", "-f", "json"] + ruleArguments + ["--baseline", baselinePath, repo.path]
    let clean = try KeygateBinary.run(scan)
    #expect(clean.status == 0, Comment(rawValue: clean.stdout + clean.stderr))
    let cleanReport = try Self.json(clean.stdout)
    #expect(cleanReport["verdict"] as? String == "pass")
    #expect(try Self.summary(cleanReport)["suppressed"] as? Int == 2)
    #expect(try Self.summary(cleanReport)["findings"] as? Int == 0)
    #expect(try Self.findings(cleanReport).isEmpty)
    let suppressed = try Self.suppressed(cleanReport)
    #expect(suppressed.count == 2)
    for entry in suppressed {
      let suppression = try #require(entry["suppression"] as? [String: Any])
      #expect(suppression["kind"] as? String == "baseline")
      #expect(suppression["reason"] as? String == "in the baseline")
    }

    // A new key fails the gate again, and it is the only finding.
    try repo.commit("Add service", files: ["service.env": "ACME_TOKEN=\(new)\n"])
    let again = try KeygateBinary.run(scan)
    #expect(again.status == 1)
    let againReport = try Self.json(again.stdout)
    let findings = try Self.findings(againReport)
    #expect(findings.map { $0["path"] as? String } == ["service.env"])
    #expect(findings.first?["redacted"] as? String == "acme_…" + new.suffix(4))
    #expect(try Self.summary(againReport)["suppressed"] as? Int == 2)

    // The text report says how many were suppressed and why.
    let text = try KeygateBinary.run(["scan"] + ruleArguments + ["--baseline", baselinePath, repo.path])
    #expect(text.status == 1)
    #expect(text.stdout.contains("Suppressed: 2 findings (2 baseline), not counted in the verdict"))
  }

  @Test func baselineNamedInKeygateYAMLIsUsed() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("rules/custom.yml", Self.ruleFile())
    try folder.write("keygate.yaml", "version: 1\nrules:\n  builtin: false\n  paths: [rules]\nbaseline: .keygate-baseline.json\n")
    try folder.write("a.txt", "token = \(Self.acme(50))\n")
    // Without a baseline file yet, the configured one cannot be read.
    let missing = try KeygateBinary.run(["scan", folder.path])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read the baseline file"))

    let create = try KeygateBinary.run(["baseline", "create", folder.path, "-o", folder.path + "/.keygate-baseline.json"])
    #expect(create.status == 0, Comment(rawValue: create.stderr))
    #expect(create.stderr == "keygate: wrote 1 finding to \(folder.path)/.keygate-baseline.json\n")
    let scan = try KeygateBinary.run(["scan", "-f", "json", folder.path])
    #expect(scan.status == 0, Comment(rawValue: scan.stdout + scan.stderr))
    #expect(try Self.summary(Self.json(scan.stdout))["suppressed"] as? Int == 1)
  }

  @Test func brokenBaselineExitsTwoWithItsLocation() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let baseline = try workspace.file("baseline.json", "{\"version\": 3, \"findings\": []}\n")
    let folder = try TemporaryGitRepository(initialise: false)
    let result = try KeygateBinary.run(["scan", "--no-builtin", "--rules", rules, "--baseline", baseline, folder.path])
    #expect(result.status == 2)
    #expect(
      result.stderr
        == "keygate: \(baseline):1:13: error: at `version`: baseline version 3 is not supported; this keygate reads version 1\n")
  }

  // MARK: - keygate:allow

  @Test func allowCommentSuppressesTheFindingOnItsLine() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write(
      "tests/fixture.py",
      """
      ACME = "\(Self.acme(60))"  # keygate:allow test fixture, revoked
      BETA = "\(Self.beta(61))"  # keygate:allow:acme-token wrong rule

      """)
    let result = try KeygateBinary.run(["scan", "-f", "json", "--no-builtin", "--rules", rules, folder.path])
    #expect(result.status == 1)
    let report = try Self.json(result.stdout)
    let findings = try Self.findings(report)
    #expect(findings.map { $0["rule_id"] as? String } == ["beta-token"])
    #expect(findings.map { $0["line"] as? Int } == [2])
    let suppressed = try Self.suppressed(report)
    #expect(suppressed.map { $0["rule_id"] as? String } == ["acme-token"])
    let suppression = try #require(suppressed.first?["suppression"] as? [String: Any])
    #expect(suppression["kind"] as? String == "inline-comment")
    #expect(suppression["reason"] as? String == "keygate:allow: test fixture, revoked")

    // With only the allowed line, the gate passes.
    try folder.write("tests/fixture.py", "ACME = \"\(Self.acme(60))\"  # keygate:allow test fixture, revoked\n")
    let pass = try KeygateBinary.run(["scan", "--no-builtin", "--rules", rules, folder.path])
    #expect(pass.status == 0)
    #expect(pass.stdout.contains("Suppressed: 1 finding (1 inline-comment), not counted in the verdict"))
  }

  // MARK: - No secret in any output

  @Test func noOutputCarriesAFullSecretUnlessAsked() throws {
    let workspace = try Workspace()
    let rules = try workspace.file("rules.yml", Self.ruleFile())
    let repo = try TemporaryGitRepository()
    let keys = [Self.acme(70), Self.beta(71), TestKeys.openAIProject(seed: 72), Self.acme(73)]
    let encoded = Data(keys[2].utf8).base64EncodedString()
    let manifest = "data:\n  key: \(encoded)\n"
    try repo.commit("Add keys", files: ["a.env": "ACME=\(keys[0])\n", "k8s/secret.yaml": manifest])
    try repo.write("b.txt", "BETA=\(keys[1])\n")
    try repo.write("c.txt", "ACME=\(keys[3])  # keygate:allow fixture\n")
    let report = workspace.path + "/report.json"
    let baseline = workspace.path + "/baseline.json"

    let runs: [[String]] = [
      ["scan", "--rules", rules, repo.path],
      ["scan", "-f", "json", "--rules", rules, repo.path],
      ["scan", "-f", "json", "-o", report, "--rules", rules, repo.path],
      ["baseline", "create", "--rules", rules, repo.path, "-o", baseline],
      ["scan", "-f", "json", "--rules", rules, "--baseline", baseline, repo.path],
      ["scan", "--rules", rules, "--baseline", baseline, repo.path],
      ["rules", "test", "--rules", rules],
      ["rules", "list", "-f", "json", "--rules", rules],
    ]
    var statuses: [Int32] = []
    for arguments in runs {
      let result = try KeygateBinary.run(arguments)
      statuses.append(result.status)
      let files = [report, baseline].compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }
      // The base64 form of a key is the key too.
      for key in keys + [encoded] {
        #expect(!result.stdout.contains(key), "stdout of \(arguments)")
        #expect(!result.stderr.contains(key), "stderr of \(arguments)")
        for file in files { #expect(!file.contains(key), "a file after \(arguments)") }
      }
    }
    #expect(Array(statuses.prefix(6)) == [1, 1, 1, 0, 0, 0])
    #expect(FileManager.default.fileExists(atPath: report))
    #expect(FileManager.default.fileExists(atPath: baseline))

    // Asked for, they are shown (the allowed one among the suppressed).
    let shown = try KeygateBinary.run(["scan", "-f", "json", "--show-secrets", "--rules", rules, repo.path])
    #expect(shown.status == 1)
    for key in keys { #expect(shown.stdout.contains(key)) }
  }

  // MARK: - Encoded keys in history

  @Test func keyInABase64KubernetesSecretIsFoundInHistoryWithItsCommit() throws {
    let repo = try TemporaryGitRepository()
    let key = TestKeys.openAIProject(seed: 80)
    let encoded = Data(key.utf8).base64EncodedString()
    let manifest = """
      apiVersion: v1
      kind: Secret
      metadata:
        name: openai
        namespace: llm
      type: Opaque
      data:
        OPENAI_API_KEY: \(encoded)

      """
    try repo.commit("Initial", files: ["README.md": "# cluster\n"])
    let sha = try repo.commit("Add the OpenAI secret", files: ["k8s/openai-secret.yaml": manifest], author: "Grace Hopper")
    try repo.remove("k8s/openai-secret.yaml")
    try repo.commit("Move secrets to the vault")

    let result = try KeygateBinary.run(["scan", "-f", "json", repo.path])
    #expect(result.status == 1)
    #expect(!result.stdout.contains(key))
    #expect(!result.stdout.contains(encoded))
    let findings = try Self.findings(Self.json(result.stdout)).filter { $0["rule_id"] as? String == "openai-project-key" }
    let finding = try #require(findings.first)
    #expect(findings.count == 1)
    #expect(finding["path"] as? String == "k8s/openai-secret.yaml")
    #expect(finding["source"] as? String == "history")
    #expect(finding["line"] as? Int == 8)
    #expect(finding["column"] as? Int == 19)
    #expect(finding["encodings"] as? [String] == ["base64"])
    #expect(finding["redacted"] as? String == "sk-proj-…" + key.suffix(4))
    let commit = try #require(finding["commit"] as? [String: Any])
    #expect(commit["sha"] as? String == sha)
    #expect(commit["author"] as? String == "Grace Hopper")
    #expect(commit["subject"] as? String == "Add the OpenAI secret")

    let text = try KeygateBinary.run(["scan", repo.path])
    #expect(text.status == 1)
    #expect(text.stdout.contains("k8s/openai-secret.yaml:8:19  committed in \(sha.prefix(10)), inside base64"))
  }
}
