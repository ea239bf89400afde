import Foundation
import Testing

@testable import KeygateCore
@testable import KeygateReporters

@Suite struct MarkdownReporterTests {
  let fixture: ReportFixture
  let document: NativeReport

  init() throws {
    fixture = try ReportFixture()
    document = NativeReport(report: fixture.report, context: fixture.context())
  }

  /// The lines of the section of `markdown` that starts with the line `heading`, up to the next heading.
  private func section(_ markdown: String, _ heading: String) -> [String] {
    let lines = markdown.components(separatedBy: "\n")
    guard let start = lines.firstIndex(of: heading) else { return [] }
    let end = lines[(start + 1)...].firstIndex { $0.hasPrefix("#") } ?? lines.endIndex
    return Array(lines[start..<end])
  }

  /// A passing report of another repository.
  private func passing(path: String) throws -> NativeReport {
    try PipelineFormatTesting.edited(document) { object in
      object["verdict"] = "pass"
      object["findings"] = [Any]()
      object["secrets"] = [Any]()
      object["suppressed"] = [Any]()
      var policy = try #require(object["policy"] as? [String: Any])
      policy["violations"] = [Any]()
      policy["errors"] = 0
      object["policy"] = policy
      object["target"] = ["path": path, "mode": "git", "head": NSNull(), "note": NSNull()]
    }
  }

  @Test func matchesItsGoldenFileWithoutSecrets() throws {
    let markdown = MarkdownReporter().render(fixture.report, context: fixture.context())
    try expectGolden(markdown, "report.md")
    #expect(try expectNoSecrets(markdown, fixture.secrets))
    #expect(markdown == MarkdownReporter().render(document))
  }

  @Test func startsWithTheVerdictAndASummaryLine() throws {
    let lines = MarkdownReporter().render(document).components(separatedBy: "\n")
    #expect(lines[0] == "## ❌ keygate: fail")
    #expect(lines[2] == "**4 secrets** in 4 locations, **2 policy violations**, 1 suppressed.")
    let pass = MarkdownReporter().render(try passing(path: "."))
    #expect(pass.hasPrefix("## ✅ keygate: pass\n\n**0 secrets** in 0 locations, **0 policy violations**.\n"))
    #expect(!pass.contains("Leaked keys"))
  }

  @Test func describesEachKeyWithItsInventoryEntryAndARotationChecklist() throws {
    let markdown = MarkdownReporter().render(document)
    let key = section(markdown, "#### 2. OpenAI project API key `sk-proj-…JuqN`")
    #expect(
      key.joined(separator: "\n") == """
        #### 2. OpenAI project API key `sk-proj-…JuqN`

        **critical** · rule `openai-project-key` · fingerprint `sha256:5c47ee04a5ea438e`

        | Location | Source | Commit |
        | --- | --- | --- |
        | `deploy/prod/worker.env:1` | history | c1d6b3921e |

        - **Since:** c1d6b3921e on 2023-11-15 by Ada Lovelace (“Add the worker”)
        - **Still reachable:** in HEAD: **yes** · in the working tree: **yes** · history: **1 commit**, reachable from `main`
        - **Inventory:** `25-10-AI-Chat-Prod` (owner team-chat, environment prod, status active): **rotate now**

        **Rotate without downtime:**

        - [ ] Create key B at the provider with the same scope (project, permissions, environment) as key A (`25-10-AI-Chat-Prod`)
        - [ ] Store key B in the secret manager
        - [ ] Remove key A from the code: load the key from an environment variable or the secret manager
        - [ ] Roll out key B, canary first: `chat-api`
        - [ ] Validate: requests with key B succeed, and key A's usage at the provider drops to zero
        - [ ] Revoke key A, and record the rotation in the inventory (`rotated:`, and the new key's entry)
        - [ ] If required, clean history (git filter-repo, then force-push): every clone still has the key, so rotation is what protects you

        > Revoke the key at https://platform.openai.com/api-keys and create a new one for the same project (zero downtime: create key B, store it in your secret manager, roll it out, check it works, then revoke key A). Load keys from environment variables or a secret manager, never from the repository. If the key was pushed, it is in every clone: rotating it is required; rewriting history is optional.

        """)
    // The staged key: not committed, nothing to rewrite.
    let staged = section(markdown, "#### 1. OpenAI admin API key `sk-admin-…Ub19`")
    #expect(staged.contains("- **Since:** not committed (staged)"))
    #expect(staged.contains("- **Inventory:** no entry in `keys.yaml` matches this key: find its owner and add it"))
    #expect(staged.contains("- [ ] It is not committed: remove it before the next commit (no history to clean)"))
    // The key only in history.
    let history = section(markdown, "#### 4. OpenAI project API key `sk-proj-…CGbC`")
    #expect(
      history.contains(
        "- **Still reachable:** in HEAD: no · in the working tree: no · history: **1 commit**, reachable from `main`"))
  }

  @Test func aRevokedInventoryKeyIsToCleanUp() throws {
    let revoked = try PipelineFormatTesting.edited(document) { object in
      var secrets = try #require(object["secrets"] as? [[String: Any]])
      var inventory = try #require(secrets[1]["inventory"] as? [String: Any])
      inventory["status"] = "revoked"
      inventory["action"] = "clean-up"
      secrets[1]["inventory"] = inventory
      object["secrets"] = secrets
    }
    let key = section(MarkdownReporter().render(revoked), "#### 2. OpenAI project API key `sk-proj-…JuqN`")
    #expect(
      key.contains(
        "- **Inventory:** `25-10-AI-Chat-Prod` (owner team-chat, environment prod, status revoked): "
          + "**revoked: lower urgency, but clean it from the code**"))
    #expect(key.contains("**Clean up** (the key is revoked):"))
    #expect(key.contains("- [ ] Confirm key A (`25-10-AI-Chat-Prod`) is revoked at the provider: a request with it fails"))
    #expect(!key.contains { $0.contains("Create key B") })
  }

  /// A key that leaks while it is being rotated: finish the rotation now, to its successor.
  @Test func aRotatingInventoryKeyFinishesItsRotation() throws {
    let rotating = try PipelineFormatTesting.edited(document) { object in
      var secrets = try #require(object["secrets"] as? [[String: Any]])
      var inventory = try #require(secrets[1]["inventory"] as? [String: Any])
      inventory["status"] = "rotating"
      inventory["action"] = "finish-rotation"
      inventory["successor"] = "26-01-AI-Chat-Prod"
      secrets[1]["inventory"] = inventory
      object["secrets"] = secrets
    }
    let key = section(MarkdownReporter().render(rotating), "#### 2. OpenAI project API key `sk-proj-…JuqN`")
    #expect(key.contains { $0.hasSuffix("**finish the rotation now (successor 26-01-AI-Chat-Prod)**") })
    #expect(key.contains("**Finish the rotation now** (the key leaked while being replaced):"))
    #expect(key.contains("- [ ] Roll out key B (`26-01-AI-Chat-Prod`) wherever key A (`25-10-AI-Chat-Prod`) is still used, canary first: `chat-api`"))
    #expect(key.contains("- [ ] Revoke key A now: it has leaked, so the rotation cannot wait for its grace period"))
    let rendered = [
      SARIFReporter().render(rotating), GitLabSecretDetectionReporter().render(rotating), JUnitReporter().render(rotating),
    ]
    for text in rendered { #expect(text.contains("finish the rotation now") || text.contains("Finish the rotation now")) }
  }

  @Test func policyViolationsSuppressedFindingsAndUnreadableInput() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      var policy = try #require(object["policy"] as? [String: Any])
      var violations = try #require(policy["violations"] as? [[String: Any]])
      violations[1]["level"] = "warning"
      policy["violations"] = violations
      object["policy"] = policy
      object["complete"] = false
      object["errors"] = [["subject": "object 1f2e3d4c", "message": "missing from the object database"]]
    }
    let markdown = MarkdownReporter().render(edited)
    #expect(
      section(markdown, "### Policy violations") == [
        "### Policy violations", "",
        "`keygate.yaml`, inventory `keys.yaml`, as of 2026-01-15, 8 files, 9 checks: 1 error, 1 warning.", "",
        "| Severity | Rule | Location | Message |", "| --- | --- | --- | --- |",
        "| high | `policy.allowed-models` | `deploy/prod/chat.yaml:1` | `gpt-4o` is not allowed in environment `prod` "
          + "(allowed: gpt-4o-mini): use an allowed model, or add it to `environments.prod.allowed_models` in keygate.yaml after review |",
        "",
      ])
    let warnings = section(markdown, "#### Policy warnings (not failing)")
    #expect(warnings.count == 6)
    #expect(
      warnings[4].hasPrefix("| high | `policy.rotation-age` | `keys.yaml:3` | `25-10-AI-Chat-Prod` was last rotated"))
    #expect(
      markdown.contains(
        "\n**4 secrets** in 4 locations, **1 policy violation**, 1 policy warning (not failing), 1 suppressed.\n"))
    #expect(
      markdown.contains(
        "\n⚠️ **Incomplete:** part of the input could not be read (listed below); the verdict does not cover it.\n"))
    #expect(
      section(markdown, "### ⚠️ Could not read 1 item") == [
        "### ⚠️ Could not read 1 item", "",
        "The verdict does not cover them; fix access to these objects or files and scan again.", "",
        "- `object 1f2e3d4c`: missing from the object database", "",
        "<details>", "<summary>1 suppressed finding (1 inline-comment), not counted in the verdict</summary>", "",
        "| Location | Rule | Key | Reason |", "| --- | --- | --- | --- |",
        "| `tests/fixture.py:1` | OpenAI service account key | `sk-svcacct-…Qz-v` | inline-comment: keygate:allow: test fixture, revoked |",
        "", "</details>", "", "",
      ])
    let incomplete = MarkdownReporter().render(
      try PipelineFormatTesting.edited(try passing(path: ".")) { object in
        object["verdict"] = "incomplete"
        object["complete"] = false
        object["errors"] = [["subject": "vendor/archive.zip", "message": "corrupt archive"]]
      })
    #expect(incomplete.hasPrefix("## ⚠️ keygate: incomplete\n"))
    #expect(incomplete.contains("the verdict does not cover it, and this is not a pass.\n"))
  }

  @Test func capsTheLocationTableAtTenRows() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      var findings = try #require(object["findings"] as? [[String: Any]])
      let user = try #require(findings.first { $0["rule_id"] as? String == "openai-user-key" })
      for line in 2...13 {
        var copy = user
        copy["line"] = line
        findings.append(copy)
      }
      object["findings"] = findings
    }
    let key = section(MarkdownReporter().render(edited), "#### 3. OpenAI user API key (legacy) `sk-…pdZv`")
    let rows = key.filter { $0.hasPrefix("| `notes.txt:") }
    #expect(rows.count == MarkdownReporter.locationRows)
    #expect(rows.first == "| `notes.txt:1` | working tree |  |")
    #expect(rows.last == "| `notes.txt:10` | working tree |  |")
    #expect(key.contains("| … and 3 more |  |  |"))
  }

  @Test func escapesTableCellsAndRepositoryText() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      var findings = try #require(object["findings"] as? [[String: Any]])
      let index = try #require(findings.firstIndex { $0["path"] as? String == "notes.txt" })
      findings[index]["path"] = "a|b`c\nd\u{1}.txt"
      object["findings"] = findings
      var secrets = try #require(object["secrets"] as? [[String: Any]])
      var commit = try #require(secrets[3]["introduced_by"] as? [String: Any])
      commit["author"] = "*Eve* <eve@example.com>"
      commit["subject"] = "Fix [link](http://x) #12 @team"
      secrets[3]["introduced_by"] = commit
      object["secrets"] = secrets
    }
    let markdown = MarkdownReporter().render(edited)
    #expect(markdown.contains("\n| ``a\\|b`c d\u{FFFD}.txt:1`` | working tree |  |\n"))
    #expect(
      markdown.contains(
        "- **Since:** e6076a49c4 on 2023-11-15 by \\*Eve\\* \\<eve\\@example.com\\> (“Fix \\[link\\](http://x) \\#12 \\@team”)\n"
      ))
    #expect(!markdown.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" })

    #expect(MarkdownReporter.code("`tick`") == "`` `tick` ``")
    #expect(MarkdownReporter.code("a``b") == "```a``b```")
    #expect(MarkdownReporter.row(["x|y", "`p|q`", "line\nbreak"]) == "| x\\|y | `p\\|q` | line break |\n")
  }

  @Test func showsSecretsOnlyWhenTheDocumentCarriesThem() throws {
    let markdown = MarkdownReporter().render(fixture.report, context: fixture.context(showSecrets: true))
    for secret in fixture.secrets { #expect(markdown.contains(secret)) }
    #expect(markdown.contains("#### 2. OpenAI project API key `\(fixture.secrets[1])`"))
  }

  @Test func rendersAnAuditOfSeveralRepositories() throws {
    let api = try PipelineFormatTesting.edited(document) { object in
      object["target"] = [
        "path": "team/api", "mode": "git", "head": "c1d6b3921e76566c1302c23816b0ba2474f1dd88", "note": NSNull(),
      ]
    }
    let web = try passing(path: "team/web")
    let markdown = MarkdownReporter().render([api, web])
    let lines = markdown.components(separatedBy: "\n")
    #expect(
      Array(lines.prefix(8)) == [
        "## ❌ keygate audit: fail", "",
        "2 repositories: 1 failing, 0 incomplete; 4 secrets, 2 policy violations.", "",
        "| Repository | Verdict | Secrets | Violations | Complete |", "| --- | --- | ---: | ---: | --- |",
        "| `team/api` | ❌ fail | 4 | 2 | yes |", "| `team/web` | ✅ pass | 0 | 0 | yes |",
      ])
    // Each repository's report, one heading level down.
    let single = MarkdownReporter().render(api)
    let nested = single.components(separatedBy: "\n").map { $0.hasPrefix("#") ? "#" + $0 : $0 }
      .joined(separator: "\n").replacingOccurrences(of: "### ❌ keygate: fail", with: "### ❌ `team/api`: fail")
    #expect(markdown.contains("\n" + nested))
    #expect(markdown.contains("\n##### 2. OpenAI project API key `sk-proj-…JuqN`\n"))
    #expect(markdown.contains("\n### ✅ `team/web`: pass\n\n**0 secrets** in 0 locations, **0 policy violations**.\n"))
    #expect(try expectNoSecrets(markdown, fixture.secrets))
  }
}
