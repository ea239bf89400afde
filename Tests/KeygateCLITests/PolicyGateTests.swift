import Foundation
import KeygateTestSupport
import Testing

/// End-to-end: `keygate scan` with a keygate.yaml runs the policy gate with the secret scan;
/// `keygate inventory` is the audit view. Real repositories, the real binary.
@Suite struct PolicyGateTests {
  static let config = """
    version: 1
    environments:
      prod:
        paths: ["deploy/prod/**"]
        allowed_models: [gpt-4o-mini, text-embedding-3-small]
        max_cost_tier: medium
      staging:
        paths: ["deploy/staging/**"]
        allowed_models: [gpt-4o-mini, gpt-4o]
    inventory: keys.yaml
    """

  /// A project with one problem of each kind the scan can see: a model not allowed in prod and
  /// one not allowed in staging, the prod key leaked in prod and staging files (linked to its
  /// active inventory entry), a revoked staging key leaked, a hard-coded literal, and a browser
  /// client that exposes its key.
  static func project() throws -> (repo: TemporaryGitRepository, prodKey: String, oldKey: String) {
    let repo = try TemporaryGitRepository()
    let prodKey = TestKeys.openAIProject(seed: 501)
    let oldKey = TestKeys.openAIProject(seed: 502)
    let keys = """
      version: 1
      keys:
        - {name: 25-10-AI-TicketNG-Prod, provider: openai, kind: service, owner: team-ticketng, environment: prod, created: 2025-10-02, rotated: 2025-12-01, secret_ref: "vault:secret/openai/prod#value", used_by: [ticket-api, ticket-worker], last4: "\(prodKey.suffix(4))"}
        - {name: 25-09-AI-TicketNG-Staging, provider: openai, kind: service, owner: team-ticketng, environment: staging, created: 2025-09-01, rotated: 2025-12-01, secret_ref: "vault:secret/openai/staging#value", used_by: [ticket-api], last4: "\(oldKey.suffix(4))", status: revoked}

      """
    try repo.commit(
      "A project with a policy",
      files: [
        "keygate.yaml": config,
        "keys.yaml": keys,
        "deploy/prod/app.yaml": "service: ticket-api\nmodel: gpt-4o\nembedding_model: text-embedding-3-small\nOPENAI_API_KEY: \(prodKey)\n",
        "deploy/staging/app.yaml": "service: ticket-api\nmodel: o1\nOPENAI_API_KEY: \(prodKey)\n",
        "deploy/staging/old.env": "OPENAI_API_KEY=\(oldKey)\n",
        "web/app.js": "const client = new OpenAI({\n  apiKey: import.meta.env.VITE_OPENAI_API_KEY,\n  dangerouslyAllowBrowser: true,\n});\n",
        "src/server.py": "import os\nOPENAI_API_KEY = \"localdevonly\"\nclient = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])\n",
      ])
    return (repo, prodKey, oldKey)
  }

  static func violations(_ report: [String: Any]) -> [String] {
    let policy = report["policy"] as? [String: Any]
    return (policy?["violations"] as? [[String: Any]] ?? []).map {
      "\($0["path"]!):\($0["line"]!):\($0["column"]!) \($0["rule_id"]!) \($0["level"]!) \($0["severity"]!)"
    }
  }

  @Test func theGateReportsEveryViolationWithTheSecrets() throws {
    let (repo, prodKey, oldKey) = try Self.project()
    let result = try KeygateBinary.run(["scan", repo.path, "--as-of", "2026-01-15", "--format", "json"])
    #expect(result.status == 1)
    let report = try ScanCommandTests.json(result.stdout)
    #expect(
      Self.violations(report) == [
        "deploy/prod/app.yaml:2:8 policy.allowed-models error high",
        "deploy/staging/app.yaml:2:8 policy.allowed-models error high",
        "deploy/staging/app.yaml:3:17 policy.shared-key error high",
        "deploy/staging/app.yaml:3:17 policy.shared-key error high",
        "src/server.py:2:19 policy.hardcoded-key error high",
        "web/app.js:1:16 policy.client-exposure error medium",
        "web/app.js:2:27 policy.client-exposure error high",
        "web/app.js:3:3 policy.client-exposure error high",
      ])
    let policy = try #require(report["policy"] as? [String: Any])
    #expect(policy["config"] as? String == "keygate.yaml")
    #expect(policy["inventory"] as? String == "keys.yaml")
    #expect(policy["as_of"] as? String == "2026-01-15")
    #expect(policy["errors"] as? Int == 8)

    // Leaks linked to the inventory: the active key is critical and says what to roll; the
    // revoked one is low.
    let secrets = try #require(report["secrets"] as? [[String: Any]])
    let linked = secrets.compactMap { $0["inventory"] as? [String: Any] }.map {
      "\($0["name"]!) \($0["status"]!) \($0["action"]!) \(($0["used_by"] as? [String]) ?? [])"
    }
    #expect(
      linked == [
        "25-10-AI-TicketNG-Prod active rotate-now [\"ticket-api\", \"ticket-worker\"]",
        "25-09-AI-TicketNG-Staging revoked clean-up [\"ticket-api\"]",
      ])
    #expect(secrets.map { $0["severity"] as? String } == ["critical", "low"])
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(Set(findings.map { $0["severity"] as! String }) == ["critical", "low"])
    for key in [prodKey, oldKey] { #expect(!result.stdout.contains(key) && !result.stderr.contains(key)) }

    // The text report says the same, and names the inventory entry.
    let text = try KeygateBinary.run(["scan", repo.path, "--as-of", "2026-01-15", "--no-color"])
    #expect(text.status == 1)
    #expect(text.stdout.contains("inventory    25-10-AI-TicketNG-Prod (owner team-ticketng, environment prod, status active)"))
    #expect(text.stdout.contains("               rotate now\n"))
    #expect(text.stdout.contains("3. Roll out key B, canary first: `ticket-api`, `ticket-worker`"))
    #expect(text.stdout.contains("Policy (keygate.yaml, inventory keys.yaml, as of 2026-01-15, 7 files): 8 errors, 0 warnings"))
    #expect(text.stdout.contains("FAIL: 2 secrets in 3 locations and 8 policy violations."))
  }

  @Test func policyOnlyAndSecretsOnly() throws {
    let (repo, _, _) = try Self.project()
    let policyOnly = try KeygateBinary.run(["scan", repo.path, "--as-of", "2026-01-15", "--policy-only", "-f", "json"])
    #expect(policyOnly.status == 1)
    let report = try ScanCommandTests.json(policyOnly.stdout)
    #expect((report["findings"] as? [Any])?.isEmpty == true)
    // Without the secret scan no leak is linked and no key is shared; the keys' assignments are
    // hard-coded literals instead (the scan would report them as the keys they are).
    #expect(
      Self.violations(report) == [
        "deploy/prod/app.yaml:2:8 policy.allowed-models error high",
        "deploy/prod/app.yaml:4:17 policy.hardcoded-key error high",
        "deploy/staging/app.yaml:2:8 policy.allowed-models error high",
        "deploy/staging/app.yaml:3:17 policy.hardcoded-key error high",
        "deploy/staging/old.env:1:16 policy.hardcoded-key error high",
        "src/server.py:2:19 policy.hardcoded-key error high",
        "web/app.js:1:16 policy.client-exposure error medium",
        "web/app.js:2:27 policy.client-exposure error high",
        "web/app.js:3:3 policy.client-exposure error high",
      ])

    let secretsOnly = try KeygateBinary.run(["scan", repo.path, "--secrets-only", "-f", "json"])
    #expect(secretsOnly.status == 1)
    let secrets = try ScanCommandTests.json(secretsOnly.stdout)
    #expect(secrets["policy"] == nil)
    #expect((secrets["secrets"] as? [[String: Any]])?.map { $0["severity"] as? String } == ["critical", "critical"])

    let both = try KeygateBinary.run(["scan", repo.path, "--secrets-only", "--policy-only"])
    #expect(both.status == 64)
    let none = try TemporaryGitRepository()
    try none.commit("No policy", files: ["a.txt": "nothing\n"])
    let missing = try KeygateBinary.run(["scan", none.path, "--policy-only"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("--policy-only: no policy to check: there is no keygate.yaml"))
  }

  @Test func aCleanProjectPassesAndWarningsDoNotFail() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit(
      "Clean",
      files: [
        "keygate.yaml": Self.config,
        "keys.yaml": """
          version: 1
          keys:
            - {name: 25-10-AI-TicketNG-Prod, provider: openai, kind: service, owner: team-ticketng, environment: prod, created: 2025-10-02, secret_ref: "vault:secret/openai/prod#value", used_by: [ticket-api], last4: "Ab3d"}

          """,
        "deploy/prod/app.yaml": "model: gpt-4o-mini-2024-07-18\n",
        "deploy/staging/app.yaml": "model: gpt-4o\n",
        "src/server.py": "import os\nclient = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])\n",
      ])
    // 61 days after creation: a rotation warning, which is reported and does not fail.
    let warned = try KeygateBinary.run(["scan", repo.path, "--as-of", "2025-12-02", "--no-color"])
    #expect(warned.status == 0)
    #expect(warned.stdout.contains("WARNING  policy.rotation-age  keys.yaml:3:"))
    #expect(warned.stdout.contains("PASS: no secrets found, no policy violations. 1 policy warning (not failing)."))
    // 91 days: an error.
    let overdue = try KeygateBinary.run(["scan", repo.path, "--as-of", "2026-01-01", "--no-color"])
    #expect(overdue.status == 1)
    #expect(overdue.stdout.contains("FAIL: 1 policy violation"))
    // Below the threshold, a violation does not fail either.
    let critical = try KeygateBinary.run(["scan", repo.path, "--as-of", "2026-01-01", "--fail-on", "critical"])
    #expect(critical.status == 0)
  }

  @Test func stagedChecksOnlyTheAddedLines() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit(
      "Old model in prod",
      files: ["keygate.yaml": Self.config.replacingOccurrences(of: "inventory: keys.yaml", with: ""),
              "deploy/prod/app.yaml": "model: gpt-4o\n"])
    try repo.write("deploy/prod/app.yaml", "model: gpt-4o\nfallback_model: o1-pro\n")
    try repo.git(["add", "deploy/prod/app.yaml"])
    let result = try KeygateBinary.run(["scan", "--staged", repo.path, "-f", "json"])
    #expect(result.status == 1)
    // The model HEAD already had is the full scan's to report; the commit adds o1-pro.
    #expect(Self.violations(try ScanCommandTests.json(result.stdout)) == ["deploy/prod/app.yaml:2:17 policy.allowed-models error high"])
  }

  @Test func inlineCommentsSuppressViolationsAndAreCounted() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit(
      "Reviewed exception",
      files: ["keygate.yaml": Self.config.replacingOccurrences(of: "inventory: keys.yaml", with: ""),
              "deploy/prod/app.yaml": "model: gpt-4o  # keygate:allow:policy.allowed-models approved in SEC-12\n"])
    let result = try KeygateBinary.run(["scan", repo.path, "-f", "json"])
    #expect(result.status == 0)
    let policy = try #require(try ScanCommandTests.json(result.stdout)["policy"] as? [String: Any])
    let suppressed = try #require(policy["suppressed"] as? [[String: Any]])
    #expect(suppressed.count == 1)
    #expect(suppressed.first?["suppression"] as? String == "keygate:allow: approved in SEC-12")
  }

  @Test func badPolicyFilesExitTwoWithTheirPosition() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit(
      "Typo",
      files: ["keygate.yaml": "version: 1\nenvironments:\n  prod:\n    path: [deploy/**]\n"])
    let result = try KeygateBinary.run(["scan", repo.path])
    #expect(result.status == 2)
    #expect(result.stderr.contains("keygate.yaml:4:5: error: at `environments.prod`: unknown key `path`; expected one of paths"))

    try repo.write("keygate.yaml", Self.config)
    try repo.write("keys.yaml", "version: 1\nkeys:\n  - {name: a, provider: openai, kind: robot, owner: o, created: 2025-10-02}\n")
    let inventory = try KeygateBinary.run(["scan", repo.path])
    #expect(inventory.status == 2)
    #expect(inventory.stderr.contains("keys.yaml:3:39: error: at `keys[0].kind`: expected `service` or `personal`"))

    try repo.remove("keys.yaml")
    let missing = try KeygateBinary.run(["inventory", repo.path])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("cannot read the key inventory (check the `inventory:` path in keygate.yaml)"))
  }

  @Test func inventoryCommandListsKeysAndDueRotations() throws {
    let (repo, _, _) = try Self.project()
    let table = try KeygateBinary.run(["inventory", repo.path, "--as-of", "2026-01-15"])
    #expect(table.status == 0)
    #expect(table.stdout.contains("Key inventory keys.yaml, as of 2026-01-15: 2 of 2 keys"))
    #expect(table.stdout.contains("25-10-AI-TicketNG-Prod"))
    #expect(table.stdout.contains("2026-03-01 (in 45d)"))

    let soon = try KeygateBinary.run(["inventory", repo.path, "--as-of", "2026-02-20", "--due-within", "14", "-f", "json"])
    #expect(soon.status == 0)
    let keys = try #require(try ScanCommandTests.json(soon.stdout)["keys"] as? [[String: Any]])
    #expect(keys.map { "\($0["name"]!) \($0["days_left"]!) \($0["overdue"]!)" } == ["25-10-AI-TicketNG-Prod 9 0"])

    let overdue = try KeygateBinary.run(["inventory", repo.path, "--as-of", "2026-03-05", "--due-within", "14"])
    #expect(overdue.status == 1)
    #expect(overdue.stdout.contains("4d overdue"))

    let none = try KeygateBinary.run(["inventory", repo.path, "--as-of", "2026-01-15", "--due-within", "7", "-f", "json"])
    #expect(none.status == 0)
    #expect((try ScanCommandTests.json(none.stdout)["keys"] as? [Any])?.isEmpty == true)
  }
}
