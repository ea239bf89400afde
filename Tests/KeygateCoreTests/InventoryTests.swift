import Foundation
import Testing

@testable import KeygateCore

/// The key inventory: loading (every error at file:line:column) and its checks, naming,
/// rotation age and completeness, with the exact violations expected.
@Suite struct InventoryTests {
  static let config = try! ProjectConfig(text: PolicyConfigTests.full, path: "/project/keygate.yaml").policy

  /// One problem of each kind, as of 2026-01-15. The secret reference of the fifth key is a
  /// value, assembled here so that no key-like text is committed.
  static let inventoryText = """
    version: 1
    keys:
      - name: 25-10-AI-TicketNG-Prod
        provider: openai
        kind: service
        owner: team-ticketng
        environment: prod
        created: 2025-10-02
        rotated: 2025-12-01
        secret_ref: vault:secret/openai/prod#value
        used_by: [ticket-api]
        last4: "Ab3d"
        allowed_models: [gpt-4o-mini, gpt-4o]
      - name: ticket-prod-key
        provider: openai
        kind: service
        owner: team-ticketng
        environment: prod
        created: 2025-10-02
        used_by: [ticket-api]
        last4: "Zz99"
      - name: 25-09-AI-TicketNG-Staging
        provider: openai
        kind: service
        owner: team-ticketng
        environment: prod
        created: 2025-10-05
        rotated: 2025-11-10
        used_by: [ticket-worker]
        last4: "Qq11"
      - name: 25-11-JB-TicketNG-Laptop
        provider: openai
        kind: personal
        owner: jb
        environment: prod
        created: 2025-11-03
        last4: "Pp22"
      - name: 25-12-AI-Billing-Staging
        provider: anthropic
        kind: service
        owner: team-billing
        environment: staging
        created: 2025-12-01
        expires: 2026-01-10
        status: rotating
        successor: 26-01-AI-Billing-Staging
        rotation_started: 2026-01-01
        secret_ref: \(valueLike)
        last4: "Rr33"
      - name: 25-10-AI-TicketNG-Prod
        provider: openai
        kind: service
        owner: team-other
        environment: prod
        created: 2025-10-02
        rotated: 2025-12-01
        used_by: [x]
        status: revoked
    """
  static let valueLike = "abcd" + "EFGH1234ijkl5678mnop"

  static func engine(_ text: String = inventoryText, asOf: String = "2026-01-15") throws -> PolicyEngine {
    let inventory = try KeyInventory(text: text, path: "/project/keys.yaml")
    return PolicyEngine(
      config: config, catalog: try ModelCatalog.builtin(), inventory: inventory, today: CalendarDay(asOf)!, root: "/project")
  }

  static func loadError(_ text: String) -> String {
    do {
      _ = try KeyInventory(text: text, path: "keys.yaml")
      Issue.record("expected an error for:\n\(text)")
      return ""
    } catch {
      return error.description
    }
  }

  @Test func everyCheckWithTheExactViolations() throws {
    let violations = try Self.engine().inventoryViolations().sorted(by: PolicyViolation.reportOrder)
    let summary = violations.map { "\($0.path):\($0.line):\($0.column) \($0.ruleID) \($0.level.rawValue) \($0.severity.rawValue)" }
    #expect(
      summary == [
        "keys.yaml:13:35 policy.allowed-models error medium",
        "keys.yaml:14:11 policy.key-naming error low",
        "keys.yaml:19:14 policy.rotation-age error high",
        "keys.yaml:22:11 policy.key-naming error low",
        "keys.yaml:26:18 policy.key-naming error medium",
        "keys.yaml:28:14 policy.rotation-age warning medium",
        "keys.yaml:33:11 policy.inventory error high",
        "keys.yaml:36:14 policy.rotation-age warning medium",
        "keys.yaml:38:11 policy.inventory error low",
        "keys.yaml:44:14 policy.rotation-age error high",
        "keys.yaml:46:16 policy.inventory error high",
        "keys.yaml:47:23 policy.rotation-age warning medium",
        "keys.yaml:48:17 policy.inventory error critical",
        "keys.yaml:50:11 policy.inventory error medium",
      ])
    let messages = violations.map(\.message)
    #expect(messages[1].contains("does not follow the service key naming convention (YY-MM-Customer-Project-Prod|Staging, e.g. 25-10-AI-TicketNG-Prod)"))
    #expect(messages[2].contains("last rotated 105 days ago (2025-10-02); the limit is 90"))
    #expect(messages[3].contains("says it was created in 25-09 but `created` is 2025-10-05"))
    #expect(messages[4].contains("is named for Staging but its `environment` is `prod`"))
    #expect(messages[5].contains("rotation is due by 2026-02-08"))
    #expect(messages[6].contains("personal key in production"))
    #expect(messages[11].contains("rotating for 14 days (grace 7)"))
    // The value itself is never repeated in a message.
    #expect(!messages.contains { $0.contains(Self.valueLike) })
  }

  /// The event trigger: a key owned by, personal to, or accessible to someone who left.
  @Test func departuresRequireRotation() throws {
    let text = """
      version: 1
      people:
        - name: Alice Example
          email: alice@example.com
          left: 2026-01-10
        - name: Bob Example
          left: 2026-03-01
        - name: Carol Example
      keys:
        - name: 25-10-AI-TicketNG-Prod
          provider: openai
          kind: service
          owner: team-ticketng
          environment: prod
          created: 2025-10-02
          rotated: 2025-12-20
          secret_ref: vault:a
          used_by: [api]
          last4: "Aa11"
          access: [alice@example.com, Bob Example, Carol Example]
        - name: 25-12-AI-Search-Prod
          provider: openai
          kind: service
          owner: team-search
          environment: prod
          created: 2025-12-01
          rotated: 2026-01-12
          secret_ref: vault:b
          used_by: [search]
          last4: "Bb22"
          access: [Alice Example]
        - name: 25-11-Alice-Chat-Laptop
          provider: openai
          kind: personal
          owner: Alice Example
          environment: staging
          created: 2025-11-01
          secret_ref: vault:c
          last4: "Cc33"
        - name: 25-11-AI-Billing-Prod
          provider: openai
          kind: service
          owner: alice@example.com
          environment: prod
          created: 2025-11-01
          secret_ref: vault:d
          used_by: [billing]
          last4: "Dd44"
        - name: 25-09-AI-Old-Prod
          provider: openai
          kind: service
          owner: alice@example.com
          environment: prod
          created: 2025-09-01
          secret_ref: vault:e
          used_by: [old]
          last4: "Ee55"
          status: revoked
          access: [Alice Example]
      """
    let violations = try Self.engine(text, asOf: "2026-01-15").inventoryViolations()
      .filter { $0.ruleID == PolicyRule.rotateAfterDeparture }.sorted(by: PolicyViolation.reportOrder)
    #expect(violations.map { "\($0.subject ?? "") \($0.line) \($0.level.rawValue) \($0.severity.rawValue)" } == [
      "25-10-AI-TicketNG-Prod 20 error high",
      "25-11-Alice-Chat-Laptop 35 error high",
      "25-11-AI-Billing-Prod 43 error high",
    ])
    #expect(violations[0].message == "Alice Example had access to `25-10-AI-TicketNG-Prod` and left on 2026-01-10; the key was last rotated on 2025-12-20, before that: rotate it now")
    #expect(violations[1].message.hasSuffix("is the personal key of Alice Example, who left on 2026-01-10: revoke it"))
    #expect(violations[2].message.hasSuffix("is owned by Alice Example, who left on 2026-01-10: rotate it and give it a new owner"))
    // Bob leaves later (not yet as of 2026-01-15); the search key was rotated after Alice left;
    // the revoked key needs nothing; Carol has not left.
    let later = try Self.engine(text, asOf: "2026-03-02").inventoryViolations()
      .filter { $0.ruleID == PolicyRule.rotateAfterDeparture }
    #expect(later.filter { $0.message.hasPrefix("Bob Example had access") }.count == 1)
    #expect(!later.contains { $0.subject == "25-12-AI-Search-Prod" || $0.subject == "25-09-AI-Old-Prod" })
  }

  @Test func aCleanInventoryHasNoViolations() throws {
    let text = """
      version: 1
      keys:
        - name: 25-10-AI-TicketNG-Prod
          provider: openai
          kind: service
          owner: team-ticketng
          environment: prod
          created: 2025-10-02
          rotated: 2025-12-01
          expires: 2026-06-01
          secret_ref: vault:secret/openai/prod#value
          used_by: [ticket-api, ticket-worker]
          allowed_models: [gpt-4o-mini]
          last4: "Ab3d"
          status: active
          successor: null
        - name: 25-12-JB-TicketNG-Apfel
          provider: openai
          kind: personal
          owner: jb
          environment: staging
          created: 2025-12-20
          secret_ref: op://Private/openai-jb/credential
          last4: "Xy12"
      """
    #expect(try Self.engine(text).inventoryViolations().isEmpty)
  }

  @Test func rotationAgeIsCountedFromTheDayGiven() throws {
    let text = """
      version: 1
      keys:
        - {name: 25-10-AI-TicketNG-Prod, provider: openai, kind: service, owner: t, environment: prod, created: 2025-10-02, used_by: [a], last4: "Ab3d"}
      """
    func rules(_ day: String) throws -> [String] {
      try Self.engine(text, asOf: day).inventoryViolations().map { "\($0.ruleID) \($0.level.rawValue)" }
    }
    #expect(try rules("2025-12-01") == [])  // 60 days: not yet
    #expect(try rules("2025-12-02") == ["policy.rotation-age warning"])  // 61
    #expect(try rules("2025-12-31") == ["policy.rotation-age warning"])  // 90
    #expect(try rules("2026-01-01") == ["policy.rotation-age error"])  // 91
  }

  @Test func inventoryStatusListsDueKeys() throws {
    let status = try #require(InventoryStatus(engine: try Self.engine()))
    #expect(status.rows.count == 6)
    let due = status.due(within: 14).map { "\($0.key.name) \($0.daysLeft!)" }
    // Overdue first: the expired key (5 days), the 105-day-old key (15 days past 90).
    #expect(due == ["ticket-prod-key -15", "25-12-AI-Billing-Staging -5"])
    #expect(status.due(within: 60).map(\.key.name).contains("25-10-AI-TicketNG-Prod"))
    #expect(status.rows[5].due == nil)  // revoked
    #expect(status.rows[1].isOverdue)
  }

  @Test func loadingErrorsSayWhereAndWhat() {
    #expect(Self.loadError("version: 1\n") == "keys.yaml:1:1: error: at the top level: missing required key `keys` (a list of keys; `keys: []` for none)")
    #expect(
      Self.loadError("version: 1\nkeys:\n  - {name: a, provider: openai, kind: service, owner: o, created: 2025-10-02, value: x}\n")
        .hasPrefix("keys.yaml:3:79: error: at `keys[0]`: unknown key `value`; expected one of name, provider"))
    #expect(
      Self.loadError("version: 1\nkeys:\n  - {name: a, provider: openai, kind: team, owner: o, created: 2025-10-02}\n")
        == "keys.yaml:3:39: error: at `keys[0].kind`: expected `service` or `personal`")
    #expect(
      Self.loadError("version: 1\nkeys:\n  - {name: a, provider: openai, kind: service, owner: o, created: 02.10.2025}\n")
        == "keys.yaml:3:67: error: at `keys[0].created`: expected a date YYYY-MM-DD, found `02.10.2025`")
    #expect(
      Self.loadError("version: 1\nkeys:\n  - {provider: openai, kind: service, owner: o, created: 2025-10-02}\n")
        == "keys.yaml:3:5: error: at `keys[0]`: missing required key `name` (the key's name, e.g. 25-10-AI-TicketNG-Prod)")
    #expect(
      Self.loadError("version: 1\nkeys:\n  - {name: a, provider: openai, kind: service, owner: o, created: 2025-10-02, last4: abcde}\n")
        == "keys.yaml:3:86: error: at `keys[0].last4`: expected the key's last four characters, as the provider's dashboard shows them")
    #expect(
      Self.loadError("version: 1\nkeys:\n  - {name: a, provider: openai, kind: service, owner: o, created: 2025-10-02, status: paused}\n")
        == "keys.yaml:3:87: error: at `keys[0].status`: expected one of active, rotating, revoked")
    #expect(Self.loadError("version: 2\nkeys: []\n") == "keys.yaml:1:10: error: at `version`: inventory version 2 is not supported; this keygate reads version 1")
  }

  @Test func secretReferencesAndValues() {
    for reference in [
      "vault:secret/openai/prod#value", "op://vault/item/field", "arn:aws:secretsmanager:eu-west-1:1:secret:x",
      "$OPENAI_API_KEY", "kept in the team vault", "gcp-secret:projects/p/secrets/s",
    ] {
      #expect(!InventoryChecks.looksLikeSecretValue(reference), "\(reference)")
    }
    #expect(InventoryChecks.looksLikeSecretValue("abcd" + "EFGH1234ijkl5678mnop"))
  }
}
