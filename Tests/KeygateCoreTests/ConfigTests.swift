import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// keygate.yaml, .keygateignore, baselines, and how they suppress findings.
@Suite struct ConfigTests {
  // MARK: - Helpers

  /// Two rules of our own: `acme-token` (`acme_` + 24) skips `*.lock`; `beta-token` (`beta_` + 24).
  static let ruleYAML = """
    version: 1
    rules:
      - id: acme-token
        name: Acme token
        provider: acme
        severity: high
        description: An Acme API token.
        remediation: Revoke it.
        pattern: '\\b(acme_[A-Za-z0-9]{24})\\b'
        skip_paths: ['*.lock']
        references: [https://acme.example.com/docs]
        examples: ['t = acme_${alnum:24}', 'acme_${alnum:24}']
        negative_examples: ['acme_short']
      - id: beta-token
        name: Beta token
        provider: beta
        severity: low
        description: A Beta API token.
        remediation: Revoke it.
        pattern: '\\b(beta_[A-Za-z0-9]{24})\\b'
        references: [https://beta.example.com/docs]
        examples: ['t = beta_${alnum:24}', 'beta_${alnum:24}']
        negative_examples: ['beta_short']
    """

  static let ruleSet = try! RuleSet.load([(path: "rules.yml", contents: ruleYAML)])
  static let compiled = try! CompiledRules(ruleSet)

  static func acme(_ seed: UInt64) -> String { "acme_" + TestKeys.random(24, seed: seed, urlSafe: false) }
  static func beta(_ seed: UInt64) -> String { "beta_" + TestKeys.random(24, seed: seed, urlSafe: false) }

  /// Writes `text` as `name` in a new temporary folder and loads it as a project config.
  static func loadConfig(_ text: String, name: String = "keygate.yaml") throws -> (folder: TemporaryGitRepository, path: String, result: Result<ProjectConfig, ConfigError>) {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write(name, text)
    let path = folder.path + "/" + name
    return (folder, path, Result { () throws(ConfigError) in try ProjectConfig.load(path: path) })
  }

  static func configError(_ text: String) throws -> (path: String, message: String) {
    let (folder, path, result) = try loadConfig(text)
    _ = folder
    guard case .failure(let error) = result else {
      Issue.record("expected an error for:\n\(text)")
      return (path, "")
    }
    return (path, error.description)
  }

  static func config(_ text: String) throws -> ProjectConfig { try ProjectConfig(text: text, path: "keygate.yaml") }

  /// Scans a plain folder of `files` with the two rules.
  static func scan(_ files: [String: String]) throws -> ScanReport {
    let folder = try TemporaryGitRepository(initialise: false)
    for (path, contents) in files { try folder.write(path, contents) }
    var options = ScanOptions(path: folder.path)
    options.workers = 1
    return try Scanner(rules: compiled).scan(options)
  }

  static func finding(
    _ secret: String, path: String, commit: String? = nil, source: FindingSource? = nil, rule: Int = 0
  ) -> Finding {
    let summary = commit.map {
      CommitSummary(sha: $0, author: "Ada Lovelace", email: "ada@example.com", date: "2023-11-14T22:13:20+00:00", subject: "s")
    }
    return Finding(
      rule: ruleSet.rules[rule], source: source ?? (commit == nil ? .worktree : .history), path: path, line: 1, column: 1,
      commit: summary, secret: secret)
  }

  static let shaA = String(repeating: "a1", count: 20)
  static let shaB = String(repeating: "b2", count: 20)

  // MARK: - ProjectConfig

  @Test func fullValidFileIsRead() throws {
    let text = """
      version: 1
      rules:
        builtin: false
        paths: [security/rules, /opt/keygate/rules]
        disable: [acme-token]
      allowlist:
        paths: ['docs/**', '*.md']
        patterns: ['^acme_0000']
        stopwords: [Sandbox, TEST]
      rule_allowlists:
        beta-token: {paths: ['**/fixtures/**'], stopwords: [local]}
      baseline: .keygate-baseline.json
      """
    let (folder, path, result) = try Self.loadConfig(text)
    let config = try result.get()
    #expect(config.path == path)
    #expect(config.useBuiltinRules == false)
    #expect(config.rulePaths == [folder.path + "/security/rules", "/opt/keygate/rules"])
    #expect(config.disabledRules.map(\.id) == ["acme-token"])
    #expect(config.disabledRules.map(\.location) == [SourceLocation(file: path, line: 5, column: 13)])
    #expect(config.allowlist.paths.map(\.pattern) == ["docs/**", "*.md"])
    #expect(config.allowlist.patterns.map(\.source) == ["^acme_0000"])
    #expect(config.allowlist.stopwords == ["sandbox", "test"])
    #expect(config.ruleAllowlists.map(\.id) == ["beta-token"])
    #expect(config.ruleAllowlists.first?.allowlist.paths.map(\.pattern) == ["**/fixtures/**"])
    #expect(config.ruleAllowlists.first?.allowlist.stopwords == ["local"])
    #expect(config.baselinePath == folder.path + "/.keygate-baseline.json")
  }

  @Test func minimalFileIsTheDefaults() throws {
    let config = try Self.config("version: 1\n")
    #expect(config.path == "keygate.yaml")
    #expect(config.useBuiltinRules)
    #expect(config.rulePaths.isEmpty)
    #expect(config.disabledRules.isEmpty)
    #expect(config.allowlist.isEmpty)
    #expect(config.ruleAllowlists.isEmpty)
    #expect(config.baselinePath == nil)
    let none = ProjectConfig()
    #expect(none.path == nil && none.useBuiltinRules && none.allowlist.isEmpty && none.baselinePath == nil)
  }

  @Test func pathsAreResolvedRelativeToTheConfigFile() throws {
    let nested = try ProjectConfig(
      text: "version: 1\nrules:\n  paths: [rules, ../shared/rules.yml, /abs/r.yml]\nbaseline: ci/base.json\n",
      path: "/work/project/config/keygate.yaml")
    #expect(nested.rulePaths == ["/work/project/config/rules", "/work/project/config/../shared/rules.yml", "/abs/r.yml"])
    #expect(nested.baselinePath == "/work/project/config/ci/base.json")
    // A config in the current folder (no folder part) keeps paths as written.
    let here = try ProjectConfig(text: "version: 1\nrules:\n  paths: [rules]\nbaseline: b.json\n", path: "keygate.yaml")
    #expect(here.rulePaths == ["rules"])
    #expect(here.baselinePath == "b.json")
  }

  @Test func unknownTopLevelKeyIsAnErrorAtTheKey() throws {
    let (path, message) = try Self.configError("version: 1\nallowlists:\n  paths: []\n")
    #expect(
      message
        == "\(path):2:1: error: at the top level: unknown key `allowlists`; "
        + "expected one of version, rules, allowlist, rule_allowlists, baseline, environments, allowed_models, "
        + "max_cost_tier, model_catalogs, inventory, naming, rotation, client_paths, policy")
  }

  @Test func unknownNestedKeysAreErrorsAtTheKey() throws {
    let (path, rules) = try Self.configError("version: 1\nrules:\n  builtins: false\n")
    #expect(rules == "\(path):3:3: error: at `rules`: unknown key `builtins`; expected one of builtin, paths, disable")
    let (path2, allowlist) = try Self.configError("version: 1\nallowlist:\n  path: ['docs/**']\n")
    #expect(
      allowlist == "\(path2):3:3: error: at `allowlist`: unknown key `path`; expected one of paths, patterns, stopwords")
  }

  @Test func missingVersionIsAnError() throws {
    let (path, message) = try Self.configError("rules:\n  builtin: true\n")
    #expect(message == "\(path):1:1: error: at the top level: missing required key `version` (write `version: 1`)")
  }

  @Test(arguments: ["2", "0"])
  func wrongVersionIsAnErrorAtTheVersion(version: String) throws {
    let (path, message) = try Self.configError("version: \(version)\n")
    #expect(
      message
        == "\(path):1:10: error: at `version`: configuration version \(version) is not supported; this keygate reads version 1")
  }

  @Test func builtinFalseWithoutPathsIsAnError() throws {
    let (path, message) = try Self.configError("version: 1\nrules:\n  builtin: false\n")
    #expect(message == "\(path):3:3: error: at `rules`: `builtin: false` with no `paths` leaves no rules to scan with")
  }

  @Test func builtinMustBeABoolean() throws {
    let (path, message) = try Self.configError("version: 1\nrules:\n  builtin: no\n")
    #expect(message == "\(path):3:12: error: at `rules.builtin`: expected true or false")
  }

  @Test func badAllowlistPatternIsAnErrorAtThePattern() throws {
    let (path, message) = try Self.configError("version: 1\nallowlist:\n  patterns: ['ok', '(open']\n")
    #expect(message.hasPrefix("\(path):3:20: error: at `allowlist.patterns[1]`: "))
    #expect(message.contains("missing closing parenthesis"))
  }

  @Test func invalidYAMLIsAnErrorWithItsPosition() throws {
    let (path, message) = try Self.configError("version: 1\nallowlist: [unclosed\n")
    #expect(message.hasPrefix("\(path):3:1: error: invalid YAML: "))
  }

  @Test func missingFileIsAnError() throws {
    let error = try #require(throws: ConfigError.self) { try ProjectConfig.load(path: "/nonexistent/keygate.yaml") }
    #expect(
      error.description
        == "error: /nonexistent/keygate.yaml: cannot read the configuration file (check that it exists and is readable)")
  }

  @Test func disablingAnUnknownRuleIsAnErrorAtThatEntry() throws {
    let (_, path, result) = try Self.loadConfig("version: 1\nrules:\n  disable: [acme-token, nope]\n")
    let config = try result.get()
    let error = try #require(throws: ConfigError.self) { try config.validate(against: Self.ruleSet) }
    #expect(error.location == SourceLocation(file: path, line: 3, column: 25))
    #expect(error.description == "\(path):3:25: error: `rules.disable` names unknown rule `nope` (see `keygate rules list`)")
    // Known ids pass.
    try ProjectConfig(text: "version: 1\nrules:\n  disable: [beta-token]\n", path: "k.yaml").validate(against: Self.ruleSet)
  }

  @Test func ruleAllowlistForAnUnknownRuleIsAnErrorOnItsLine() throws {
    let (_, path, result) = try Self.loadConfig(
      "version: 1\nrule_allowlists:\n  acme-token: {paths: ['a/**']}\n  nope: {paths: ['b/**']}\n")
    let error = try #require(throws: ConfigError.self) { try result.get().validate(against: Self.ruleSet) }
    #expect(error.location?.line == 4)
    #expect(error.description.hasSuffix("error: `rule_allowlists` names unknown rule `nope` (see `keygate rules list`)"))
    #expect(error.description.hasPrefix("\(path):4:"))
  }

  /// The entry is the key `nope:`; a block mapping under it starts on the next line.
  @Test
  func ruleAllowlistForAnUnknownRuleInBlockStylePointsAtTheKey() throws {
    let (_, path, result) = try Self.loadConfig(
      "version: 1\nrule_allowlists:\n  nope:\n    paths: ['b/**']\n")
    let error = try #require(throws: ConfigError.self) { try result.get().validate(against: Self.ruleSet) }
    #expect(error.location == SourceLocation(file: path, line: 3, column: 3))
  }

  @Test func selectingLeavesOutTheDisabledRules() throws {
    let config = try Self.config("version: 1\nrules:\n  disable: [acme-token]\n")
    #expect(config.selecting(Self.ruleSet).rules.map(\.id) == ["beta-token"])
    #expect(try Self.config("version: 1\n").selecting(Self.ruleSet).rules.map(\.id) == ["acme-token", "beta-token"])
  }

  @Test func discoverFindsTheFirstNameInOrder() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    #expect(ProjectConfig.discover(in: folder.path) == nil)
    try folder.write(".keygate.yml", "version: 1\n")
    #expect(ProjectConfig.discover(in: folder.path) == folder.path + "/.keygate.yml")
    try folder.write("keygate.yaml", "version: 1\n")
    #expect(ProjectConfig.discover(in: folder.path) == folder.path + "/keygate.yaml")
  }

  // MARK: - IgnoreFile

  static let fp1 = SHA256.hexDigest("first")
  static let fp2 = SHA256.hexDigest("second")
  static let fp3 = SHA256.hexDigest("third")

  @Test func ignoreFileEntriesWithGlobsAndReasons() throws {
    let text = """
      # Test fixtures, reviewed 2025-01-10
      \(Self.fp1)
      \(Self.fp2.uppercased())  test/fixtures/**   # rotated, kept for the parser tests

      \(Self.fp3)
        \(Self.fp1)\tdocs/*.md
      """
    let file = try IgnoreFile(text: text, path: ".keygateignore")
    #expect(file.entries.map(\.fingerprint) == [Self.fp1, Self.fp2, Self.fp3, Self.fp1])
    #expect(file.entries.map { $0.path?.pattern } == [nil, "test/fixtures/**", nil, "docs/*.md"])
    #expect(
      file.entries.map(\.reason) == [
        "Test fixtures, reviewed 2025-01-10", "rotated, kept for the parser tests", nil, nil,
      ])
    #expect(
      file.entries.map(\.location) == [
        SourceLocation(file: ".keygateignore", line: 2, column: 1),
        SourceLocation(file: ".keygateignore", line: 3, column: 1),
        SourceLocation(file: ".keygateignore", line: 5, column: 1),
        SourceLocation(file: ".keygateignore", line: 6, column: 3),
      ])
  }

  @Test func ignoreFileEntryMatchesByFingerprintAndGlob() throws {
    let text = "\(Self.fp1)\n\(Self.fp2) test/fixtures/**\n"
    let file = try IgnoreFile(text: text, path: ".keygateignore")
    #expect(file.entry(fingerprint: Self.fp1, path: "anywhere/at/all.txt")?.location.line == 1)
    #expect(file.entry(fingerprint: Self.fp2, path: "test/fixtures/a.txt")?.location.line == 2)
    #expect(file.entry(fingerprint: Self.fp2, path: "src/a.txt") == nil)
    #expect(file.entry(fingerprint: Self.fp3, path: "test/fixtures/a.txt") == nil)
  }

  @Test(arguments: ["abc123", String(repeating: "g", count: 64), String(repeating: "a", count: 63), String(repeating: "a", count: 65)])
  func badFingerprintIsAnErrorAtItsPosition(fingerprint: String) throws {
    let text = "# ok\n\(Self.fp1)\n   \(fingerprint) src/**\n"
    let error = try #require(throws: ConfigError.self) { try IgnoreFile(text: text, path: "repo/.keygateignore") }
    #expect(
      error.description
        == "repo/.keygateignore:3:4: error: expected a secret fingerprint (64 hexadecimal digits, as in keygate's reports), "
        + "found `\(fingerprint)`")
  }

  @Test func reasonWithoutHashIsAnErrorAtTheExtraWord() throws {
    let text = "\(Self.fp1) src/** rotated already\n"
    let error = try #require(throws: ConfigError.self) { try IgnoreFile(text: text, path: ".keygateignore") }
    #expect(
      error.description
        == ".keygateignore:1:73: error: expected at most a fingerprint and a path glob; start a reason with `#`")
  }

  @Test func ignoreFileIsLoadedFromDisk() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write(".keygateignore", "\(Self.fp1) # accepted\n")
    let file = try IgnoreFile.load(path: folder.path + "/.keygateignore")
    #expect(file.path == folder.path + "/.keygateignore")
    #expect(file.entries.map(\.reason) == ["accepted"])
    let error = try #require(throws: ConfigError.self) { try IgnoreFile.load(path: folder.path + "/missing") }
    #expect(error.description == "error: \(folder.path)/missing: cannot read the ignore file")
  }

  @Test
  func crlfIgnoreFileReadsLikeLF() throws {
    let text = "# reviewed\r\n\(Self.fp1)\r\n\r\n\(Self.fp2)\r\n"
    let file = try IgnoreFile(text: text, path: ".keygateignore")
    #expect(file.entries.map(\.fingerprint) == [Self.fp1, Self.fp2])
    #expect(file.entries.map(\.reason) == ["reviewed", nil])
  }

  // MARK: - Baseline

  static let baselineEntries = [
    Baseline.Entry(ruleID: "acme-token", fingerprint: fp1, path: "src/a.txt", commit: shaA, redacted: "…wxyz"),
    Baseline.Entry(ruleID: "beta-token", fingerprint: fp2, path: "b.txt", commit: nil, redacted: nil),
  ]

  @Test func baselineRoundTripsThroughItsFile() throws {
    let baseline = Baseline(entries: Self.baselineEntries)
    let text = baseline.serialized(created: Date(timeIntervalSince1970: 1_700_000_000))
    let document = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    #expect(document["version"] as? Int == 1)
    #expect(document["tool"] as? String == "keygate")
    #expect(document["created"] as? String == "2023-11-14T22:13:20+00:00")
    let findings = try #require(document["findings"] as? [[String: Any]])
    #expect(findings.count == 2)
    #expect(findings[0]["rule_id"] as? String == "acme-token")
    #expect(findings[0]["commit"] as? String == Self.shaA)
    #expect(findings[0]["redacted"] as? String == "…wxyz")
    #expect(findings[1]["commit"] is NSNull)
    #expect(findings[1]["redacted"] == nil)

    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("base.json", text)
    let loaded = try Baseline.load(path: folder.path + "/base.json")
    #expect(loaded.entries == Self.baselineEntries)
  }

  @Test func entryWithACommitMatchesOnlyThatCommit() throws {
    let baseline = Baseline(entries: [Self.baselineEntries[0]])
    let secret = "first"
    #expect(SHA256.hexDigest(secret) == Self.fp1)
    #expect(baseline.contains(Self.finding(secret, path: "src/a.txt", commit: Self.shaA)))
    #expect(!baseline.contains(Self.finding(secret, path: "src/a.txt", commit: Self.shaB)))
    #expect(!baseline.contains(Self.finding(secret, path: "src/a.txt", source: .worktree)))
    #expect(!baseline.contains(Self.finding(secret, path: "src/other.txt", commit: Self.shaA)))
    #expect(!baseline.contains(Self.finding(secret, path: "src/a.txt", commit: Self.shaA, rule: 1)))
    #expect(!baseline.contains(Self.finding("another", path: "src/a.txt", commit: Self.shaA)))
  }

  @Test func entryWithoutACommitMatchesAnySource() throws {
    let baseline = Baseline(entries: [Self.baselineEntries[1]])
    let secret = "second"
    #expect(baseline.contains(Self.finding(secret, path: "b.txt", commit: Self.shaA, rule: 1)))
    #expect(baseline.contains(Self.finding(secret, path: "b.txt", commit: Self.shaB, rule: 1)))
    #expect(baseline.contains(Self.finding(secret, path: "b.txt", source: .worktree, rule: 1)))
    #expect(baseline.contains(Self.finding(secret, path: "b.txt", source: .index, rule: 1)))
    #expect(baseline.contains(Self.finding(secret, path: "b.txt", source: .file, rule: 1)))
    #expect(!baseline.contains(Self.finding(secret, path: "c.txt", source: .file, rule: 1)))
    #expect(!baseline.contains(Self.finding(secret, path: "b.txt", source: .file, rule: 0)))
  }

  @Test func baselineOfFindingsHasOneEntryPerIdentity() throws {
    let findings = [
      Self.finding("first", path: "a.txt", commit: Self.shaA), Self.finding("first", path: "a.txt", commit: Self.shaA),
      Self.finding("first", path: "a.txt", commit: Self.shaB), Self.finding("first", path: "a.txt"),
    ]
    let baseline = Baseline(findings: findings)
    #expect(baseline.entries.map(\.commit) == [Self.shaA, Self.shaB, nil])
    #expect(baseline.entries.allSatisfy { $0.fingerprint == Self.fp1 && $0.ruleID == "acme-token" && $0.path == "a.txt" })
    #expect(!baseline.serialized().contains("\"first\""))
  }

  @Test func badJSONIsAnErrorWithItsPosition() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try folder.write("base.json", "{\n  \"version\": 1,\n  \"findings\": [\n    {\"rule_id\": \"a\",\n")
    let error = try #require(throws: ConfigError.self) { try Baseline.load(path: folder.path + "/base.json") }
    let location = try #require(error.location)
    #expect(location.file == folder.path + "/base.json")
    #expect(location.line == 5)
    #expect(error.description.hasPrefix("\(folder.path)/base.json:5:\(location.column): error: invalid YAML: "))
  }

  @Test func baselineErrorsPointAtTheEntry() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    let path = folder.path + "/base.json"
    try folder.write("base.json", "{\"version\": 2, \"findings\": []}\n")
    #expect(
      try #require(throws: ConfigError.self) { try Baseline.load(path: path) }.description
        == "\(path):1:13: error: at `version`: baseline version 2 is not supported; this keygate reads version 1")
    try folder.write("base.json", "{\"version\": 1, \"findings\": [\n  {\"rule_id\": \"a\", \"path\": \"p\"}\n]}\n")
    #expect(
      try #require(throws: ConfigError.self) { try Baseline.load(path: path) }.description
        == "\(path):2:3: error: at `findings[0]`: missing required key `fingerprint`")
    try folder.write("base.json", "{\"version\": 1, \"findings\": [{\"rule_id\": \"a\", \"fingerprint\": \"f\", \"path\": \"p\", \"line\": 3}]}\n")
    #expect(
      try #require(throws: ConfigError.self) { try Baseline.load(path: path) }.description
        == "\(path):1:79: error: at `findings[0]`: unknown key `line`; expected one of rule_id, fingerprint, path, commit, redacted")
  }

  @Test func missingBaselineFileIsAnError() throws {
    let error = try #require(throws: ConfigError.self) { try Baseline.load(path: "/nonexistent/base.json") }
    #expect(
      error.description
        == "error: /nonexistent/base.json: cannot read the baseline file (create one with "
        + "`keygate baseline create --output /nonexistent/base.json`)")
  }

  // MARK: - Suppression

  @Test func eachKindOfSuppressionIsAppliedAndKept() throws {
    let keys = (1...12).map { Self.acme(UInt64(200 + $0)) }
    let patterned = "acme_0000" + TestKeys.random(20, seed: 250, urlSafe: false)
    let stopword = "acme_Sandbox" + TestKeys.random(17, seed: 251, urlSafe: false)
    let otherRule = Self.beta(252)
    let files = [
      "deps/yarn.lock": "integrity \(keys[0])\n",
      "docs/guide.md": "token: \(keys[1])\n",
      "src/patterned.txt": "token: \(patterned)\n",
      "src/stopword.txt": "token: \(stopword)\n",
      "test/fixtures/acme.txt": "token: \(keys[2])\n",
      "src/inline.txt": "token: \(keys[3])  # keygate:allow reviewed by security\n",
      "src/inline-bare.txt": "token: \(keys[4])  # keygate:allow\n",
      "src/inline-rule.txt": "token: \(keys[5])  # keygate:allow:acme-token\n",
      "src/inline-other-rule.txt": "token: \(otherRule)  # keygate:allow:acme-token\n",
      "src/ignored.txt": "token: \(keys[6])\n",
      "src/old.txt": "token: \(keys[7])\n",
      "src/new.txt": "token: \(keys[8])\n",
    ]
    let raw = try Self.scan(files)
    #expect(raw.findings.count == 12)
    #expect(raw.secrets.count == 12)

    let config = try Self.config(
      """
      version: 1
      allowlist:
        paths: ['docs/**']
        patterns: ['^acme_0000']
        stopwords: [SANDBOX]
      rule_allowlists:
        acme-token: {paths: ['**/fixtures/**']}
      """)
    let ignore = try IgnoreFile(text: "# accepted fixture\n\(SHA256.hexDigest(keys[6])) src/*.txt\n", path: ".keygateignore")
    let baseline = Baseline(entries: [
      Baseline.Entry(ruleID: "acme-token", fingerprint: SHA256.hexDigest(keys[7]), path: "src/old.txt", commit: nil, redacted: nil)
    ])
    let suppression = Suppression(rules: Self.ruleSet.rules, config: config, ignoreFile: ignore, baseline: baseline)
    let report = suppression.apply(to: raw)

    #expect(report.findings.map(\.path) == ["src/inline-other-rule.txt", "src/new.txt"])
    #expect(report.findings.map(\.ruleID) == ["beta-token", "acme-token"])
    #expect(Set(report.secrets.map(\.fingerprint)) == [SHA256.hexDigest(otherRule), SHA256.hexDigest(keys[8])])
    #expect(report.secrets.allSatisfy { $0.findings.count == 1 })

    let suppressed = Dictionary(uniqueKeysWithValues: report.suppressed.map { ($0.finding.path, ($0.kind, $0.reason)) })
    #expect(report.suppressed.count == 10)
    #expect(suppressed["deps/yarn.lock"]! == (.ruleSkipsPath, "rule acme-token skips paths matching `*.lock`"))
    #expect(suppressed["docs/guide.md"]! == (.allowlist, "allowlist: path matches `docs/**`"))
    #expect(suppressed["src/patterned.txt"]! == (.allowlist, "allowlist: secret matches pattern `^acme_0000`"))
    #expect(suppressed["src/stopword.txt"]! == (.allowlist, "allowlist: secret contains stopword `sandbox`"))
    #expect(
      suppressed["test/fixtures/acme.txt"]! == (.allowlist, "allowlist of acme-token: path matches `**/fixtures/**`"))
    #expect(suppressed["src/inline.txt"]! == (.inlineComment, "keygate:allow: reviewed by security"))
    #expect(suppressed["src/inline-bare.txt"]! == (.inlineComment, "keygate:allow comment on the line"))
    #expect(suppressed["src/inline-rule.txt"]! == (.inlineComment, "keygate:allow comment on the line"))
    #expect(suppressed["src/ignored.txt"]! == (.ignoreFile, ".keygateignore:2:1: accepted fixture"))
    #expect(suppressed["src/old.txt"]! == (.baseline, "in the baseline"))
    #expect(suppressed["src/inline-other-rule.txt"] == nil)
    // The suppressed findings are the scan's own, unchanged.
    #expect(Set(report.suppressed.map(\.finding)).isSubset(of: Set(raw.findings)))
    #expect(Gate().verdict(for: report) == .fail)
  }

  @Test func verdictPassesWhenEverythingIsSuppressed() throws {
    let key = Self.acme(300)
    let raw = try Self.scan([
      "docs/a.md": "token: \(key)\n", "src/b.txt": "token: \(Self.acme(301))  # keygate:allow\n",
    ])
    #expect(raw.findings.count == 2)
    #expect(Gate().verdict(for: raw) == .fail)
    let config = try Self.config("version: 1\nallowlist:\n  paths: ['docs/**']\n")
    let report = Suppression(rules: Self.ruleSet.rules, config: config, ignoreFile: nil, baseline: nil).apply(to: raw)
    #expect(report.findings.isEmpty)
    #expect(report.secrets.isEmpty)
    #expect(report.suppressed.map(\.kind) == [.allowlist, .inlineComment])
    #expect(Gate().verdict(for: report) == .pass)
  }

  @Test func aSecretSuppressedInOnePlaceStillCountsElsewhere() throws {
    let key = Self.acme(310)
    let raw = try Self.scan(["docs/a.md": "token: \(key)\n", "src/b.txt": "token: \(key)\n"])
    #expect(raw.secrets.count == 1)
    #expect(raw.secrets.first?.findings.count == 2)
    let config = try Self.config("version: 1\nallowlist:\n  paths: ['docs/**']\n")
    let report = Suppression(rules: Self.ruleSet.rules, config: config, ignoreFile: nil, baseline: nil).apply(to: raw)
    #expect(report.secrets.count == 1)
    #expect(report.secrets.first?.findings.map(\.path) == ["src/b.txt"])
    #expect(report.suppressed.map(\.finding.path) == ["docs/a.md"])
  }

  @Test func nothingToSuppressLeavesTheReportAsItWas() throws {
    let raw = try Self.scan(["a.txt": "token: \(Self.acme(320))\n"])
    let report = Suppression(rules: Self.ruleSet.rules, config: ProjectConfig(), ignoreFile: nil, baseline: nil).apply(to: raw)
    #expect(report.findings == raw.findings)
    #expect(report.secrets == raw.secrets)
    #expect(report.suppressed.isEmpty)
  }
}
