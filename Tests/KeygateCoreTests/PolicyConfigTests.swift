import Foundation
import Testing

@testable import KeygateCore

/// The policy sections of keygate.yaml: every error says file:line:column and what to write.
@Suite struct PolicyConfigTests {
  static let full = """
    version: 1
    environments:
      prod:
        paths: ["deploy/prod/**", "config/production.*", ".env.production"]
        allowed_models: [gpt-4o-mini, text-embedding-3-small]
        max_cost_tier: medium
      staging:
        paths: ["deploy/staging/**", "config/staging.*", ".env.staging"]
        allowed_models: [gpt-4o-mini, gpt-4o]
    inventory: keys.yaml
    naming:
      service: '^(?<yy>\\d{2})-(?<mm>\\d{2})-(?<customer>[A-Za-z0-9]+)-(?<project>[A-Za-z0-9]+)-(?<env>Prod|Staging)$'
      personal: '^(?<yy>\\d{2})-(?<mm>\\d{2})-(?<person>[A-Za-z]+)-(?<project>[A-Za-z0-9]+)-(?<device>[A-Za-z0-9]+)$'
    rotation: { warn_after_days: 60, max_age_days: 90, rotating_grace_days: 7 }
    client_paths: ["public/**", "static/**", "web/**", "frontend/**", "**/*.html"]
    """

  static func parse(_ text: String) throws(ConfigError) -> ProjectConfig {
    try ProjectConfig(text: text, path: "/project/keygate.yaml")
  }

  static func error(_ text: String) -> String {
    do {
      _ = try parse(text)
      Issue.record("expected an error for:\n\(text)")
      return ""
    } catch {
      return error.description
    }
  }

  @Test func theIssuesExampleLoads() throws {
    let policy = try Self.parse(Self.full).policy
    #expect(policy.environments.map(\.name) == ["prod", "staging"])
    #expect(policy.environments[0].allowedModels?.map(\.value) == ["gpt-4o-mini", "text-embedding-3-small"])
    #expect(policy.environments[0].maxCostTier == .medium)
    #expect(policy.environments[1].maxCostTier == nil)
    #expect(policy.inventoryPath == "/project/keys.yaml")
    #expect(policy.rotation == PolicyConfig.Rotation())
    #expect(policy.environment(of: "deploy/prod/app.yaml")?.name == "prod")
    #expect(policy.environment(of: ".env.production")?.name == "prod")
    #expect(policy.environment(of: "config/staging.json")?.name == "staging")
    #expect(policy.environment(of: "src/app.py") == nil)
    #expect(policy.isClientPath("web/src/main.ts"))
    #expect(policy.isClientPath("templates/index.html"))
    #expect(!policy.isClientPath("server/main.ts"))
    #expect(policy.serviceNaming.match("25-10-AI-TicketNG-Prod")?["env"] == "Prod")
    #expect(policy.personalNaming.match("25-10-JB-TicketNG-Apfel")?["mm"] == "10")
    #expect(policy.serviceNaming.match("25-10-AI-TicketNG-Dev") == nil)
    #expect(PolicyConfig.checks.allSatisfy(policy.runs))
  }

  @Test func defaultsWithoutPolicySections() throws {
    let policy = try Self.parse("version: 1\n").policy
    #expect(policy.environments.isEmpty)
    #expect(policy.inventoryPath == nil)
    #expect(policy.clientPaths.map(\.pattern) == PolicyConfig.defaultClientPaths)
    #expect(policy.serviceNaming.source == PolicyConfig.defaultServiceNaming)
  }

  @Test func theBuiltinDefaultsComeFromPolicies() throws {
    let defaults = PolicyConfig.BuiltinDefaults.load()
    #expect(defaults.rotation == PolicyConfig.Rotation(warnAfterDays: 60, maxAgeDays: 90, rotatingGraceDays: 7))
    #expect(defaults.clientPaths == ["public/**", "static/**", "web/**", "frontend/**", "**/*.html"])
    #expect(defaults.service.hasPrefix("^(?<yy>"))
    // A broken defaults file is an error, never silently empty.
    #expect(throws: ConfigError.self) { try PolicyConfig.BuiltinDefaults(text: "version: 1\nnaming: {service: x, personal: y}\n") }
  }

  @Test func jsonIsAcceptedToo() throws {
    let policy = try Self.parse(#"{"version": 1, "environments": {"prod": {"paths": ["prod/**"], "max_cost_tier": "low"}}}"#).policy
    #expect(policy.environments.first?.maxCostTier == .low)
  }

  @Test func errorsSayWhereAndWhat() {
    #expect(
      Self.error("version: 1\nenvironments:\n  prod:\n    paths: [a/**]\n    allowed_model: [x]\n")
        == "/project/keygate.yaml:5:5: error: at `environments.prod`: unknown key `allowed_model`; expected one of paths, allowed_models, max_cost_tier, description")
    #expect(
      Self.error("version: 1\nenvironments:\n  prod:\n    allowed_models: [x]\n")
        == "/project/keygate.yaml:4:5: error: at `environments.prod`: missing required key `paths` (the files of this environment, e.g. `[\"deploy/prod/**\"]`)")
    #expect(
      Self.error("version: 1\nmax_cost_tier: cheap\n")
        == "/project/keygate.yaml:2:16: error: at `max_cost_tier`: unknown cost tier `cheap`; expected one of low, medium, high, premium")
    #expect(
      Self.error("version: 1\nrotation: {warn_after_days: 100, max_age_days: 90}\n")
        == "/project/keygate.yaml:2:11: error: at `rotation`: `warn_after_days` (100) is after `max_age_days` (90): the warning would never come first")
    #expect(
      Self.error("version: 1\nrotation:\n  max_age_days: 0\n")
        == "/project/keygate.yaml:3:17: error: at `rotation.max_age_days`: expected a number of days of at least 1")
    #expect(
      Self.error("version: 1\npolicy:\n  disable: [policy.nope]\n")
        == "/project/keygate.yaml:3:13: error: at `policy.disable[0]`: unknown policy check `policy.nope`; expected one of \(PolicyConfig.checks.joined(separator: ", "))")
    #expect(Self.error("version: 1\nnaming:\n  service: '^(unclosed'\n").hasPrefix("/project/keygate.yaml:3:12: error: invalid regular expression `^(unclosed`"))
    #expect(
      Self.error("version: 1\nenvironments:\n  'pro d':\n    paths: [a]\n")
        == "/project/keygate.yaml:3:3: error: environment name `pro d` must be letters, digits, `_` and `-`")
    #expect(
      Self.error("version: 1\nclient_paths: ['']\n")
        == "/project/keygate.yaml:2:16: error: at `client_paths[0]`: an empty path pattern matches nothing")
  }

  @Test func everyCheckIsDescribed() {
    #expect(PolicyCheckDescription.all.map(\.id) == PolicyConfig.checks)
  }

  @Test func disabledChecksDoNotRun() throws {
    let policy = try Self.parse("version: 1\npolicy:\n  disable: [policy.unknown-model]\n").policy
    #expect(!policy.runs(PolicyRule.unknownModel))
    #expect(policy.runs(PolicyRule.allowedModels))
    let off = try Self.parse("version: 1\npolicy: {enabled: false}\n").policy
    #expect(!off.runs(PolicyRule.allowedModels))
  }

  @Test func calendarDays() {
    #expect(CalendarDay("2025-10-02")?.description == "2025-10-02")
    #expect(CalendarDay("2024-02-29") != nil)
    #expect(CalendarDay("2025-02-29") == nil)
    #expect(CalendarDay("2025-13-01") == nil)
    #expect(CalendarDay("25-10-02") == nil)
    #expect(CalendarDay("2025-10-02T00:00") == nil)
    let day = CalendarDay("2025-10-02")!
    #expect(day.days(until: CalendarDay("2026-01-01")!) == 91)
    #expect(day.adding(days: 90).description == "2025-12-31")
    #expect(CalendarDay(daysSinceEpoch: 0).description == "1970-01-01")
    #expect(CalendarDay("2000-03-01")!.daysSinceEpoch == 11_017)
  }
}
