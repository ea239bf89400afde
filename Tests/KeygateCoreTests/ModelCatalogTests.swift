import Foundation
import Testing

@testable import KeygateCore

/// The model catalog: the built-in files, name resolution, user files, and loading errors.
@Suite struct ModelCatalogTests {
  static let builtin: ModelCatalog = {
    do { return try ModelCatalog.builtin() } catch { fatalError("the built-in catalog does not load: \(error)") }
  }()

  @Test func builtinLoadsEveryProvider() throws {
    let catalog = try ModelCatalog.builtin()
    #expect(Set(catalog.models.map(\.provider)) == ["openai", "anthropic", "google", "mistral"])
    #expect(catalog.models.count >= 80)
    #expect(catalog.models.allSatisfy { $0.location?.file.hasPrefix("<builtin>/policies/models/") == true })
    #expect(catalog.models.allSatisfy { $0.names.first == $0.id })
  }

  @Test func builtinCoversTheModelsTeamsUse() {
    let expected = [
      "gpt-3.5-turbo", "gpt-4", "gpt-4-turbo", "gpt-4o", "gpt-4o-mini", "gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano",
      "gpt-4.5-preview", "o1", "o1-mini", "o1-pro", "o3", "o3-mini", "o3-pro", "o4-mini", "gpt-5", "gpt-5-mini",
      "gpt-5-nano", "gpt-5-chat-latest", "gpt-realtime", "gpt-4o-realtime-preview", "gpt-4o-transcribe",
      "gpt-4o-mini-tts", "tts-1", "tts-1-hd", "whisper-1", "text-embedding-3-small", "text-embedding-3-large",
      "text-embedding-ada-002", "dall-e-2", "dall-e-3", "gpt-image-1", "omni-moderation-latest", "claude-3-haiku",
      "claude-3-sonnet", "claude-3-opus", "claude-3-5-sonnet", "claude-3-5-haiku", "claude-3-7-sonnet",
      "claude-sonnet-4", "claude-opus-4", "claude-opus-4-1", "gemini-2.5-pro", "gemini-2.5-flash", "mistral-large",
    ]
    let ids = Set(Self.builtin.models.map(\.id))
    for id in expected { #expect(ids.contains(id), "\(id) missing") }
  }

  @Test(arguments: [
    ("gpt-4o", "gpt-4o"),
    ("gpt-4o-2024-08-06", "gpt-4o"),
    ("GPT-4o", "gpt-4o"),
    ("  gpt-4o-mini ", "gpt-4o-mini"),
    ("openai/gpt-4o-mini", "gpt-4o-mini"),
    ("openai:gpt-4o-mini", "gpt-4o-mini"),
    ("azure/gpt-4o", "gpt-4o"),
    ("openrouter/openai/gpt-4o", "gpt-4o"),
    ("models/gemini-2.5-flash", "gemini-2.5-flash"),
    ("gpt-4o-2031-01-01", "gpt-4o"),
    ("gpt-4o-mini-2031-01-01", "gpt-4o-mini"),
    ("gpt-4-0613", "gpt-4"),
    ("gpt-4-0125-preview", "gpt-4-turbo-preview"),
    ("gpt-35-turbo", "gpt-3.5-turbo"),
    ("gpt-35-turbo-0613", "gpt-3.5-turbo"),
    ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
    ("claude-3-5-sonnet-latest", "claude-3-5-sonnet"),
    ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"),
    ("claude-sonnet-4-20250514", "claude-sonnet-4"),
    ("claude-sonnet-4-0", "claude-sonnet-4"),
    ("claude-opus-4-1-20990101", "claude-opus-4-1"),
    ("anthropic/claude-3-7-sonnet-latest", "claude-3-7-sonnet"),
    ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
    ("ft:gpt-4o-mini-2024-07-18:acme::abc123", "gpt-4o-mini"),
    ("mistral-large-2411", "mistral-large"),
    ("mistral-large-latest", "mistral-large"),
    ("o3-mini-2025-01-31", "o3-mini"),
    ("text-embedding-3-small", "text-embedding-3-small"),
  ])
  func lookupResolves(name: String, id: String) {
    #expect(Self.builtin.lookup(name)?.id == id)
  }

  @Test(arguments: [
    "gpt-4o-minix", "gpt-4o-mini-", "gpt-4o-2024-08", "gpt-9", "acme/gpt-4o", "openai", "", "gpt 4o",
    "claude-3-5-sonnet-2024102", "models/", "ft:", "my-gpt-4o-deployment",
  ])
  func lookupRejects(name: String) {
    #expect(Self.builtin.lookup(name) == nil)
  }

  @Test func entriesCarryTheirFields() throws {
    let gpt4o = try #require(Self.builtin.lookup("gpt-4o"))
    #expect(gpt4o.provider == "openai")
    #expect(gpt4o.family == "gpt-4o")
    #expect(gpt4o.costTier == .medium)
    #expect(gpt4o.deprecated == false)
    #expect(gpt4o.names == ["gpt-4o", "gpt-4o-2024-05-13", "gpt-4o-2024-08-06", "gpt-4o-2024-11-20"])
    #expect(Self.builtin.lookup("gpt-4o-mini")?.costTier == .low)
    #expect(Self.builtin.lookup("o1")?.costTier == .high)
    #expect(Self.builtin.lookup("o1-pro")?.costTier == .premium)
    #expect(Self.builtin.lookup("gpt-4.5-preview")?.costTier == .premium)
    #expect(Self.builtin.lookup("gpt-4.5-preview")?.deprecated == true)
    #expect(Self.builtin.lookup("claude-3-5-sonnet-20240620")?.family == "claude-3.5-sonnet")
  }

  @Test func costTiersAreOrdered() {
    #expect(CostTier.allCases == [.low, .medium, .high, .premium])
    #expect(CostTier.low < .medium && CostTier.medium < .high && CostTier.high < .premium)
    #expect(!(CostTier.premium < .high))
    #expect(CostTier.allCases.filter { $0 <= .medium } == [.low, .medium])
    #expect(CostTier(rawValue: "premium") == .premium)
  }

  // MARK: User files

  static func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-models-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  static func write(_ contents: String, _ name: String, in directory: URL) throws -> String {
    let url = directory.appendingPathComponent(name)
    try contents.write(to: url, atomically: true, encoding: .utf8)
    return url.path
  }

  @Test func userFilesOverrideAndAdd() throws {
    let directory = try Self.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    _ = try Self.write(
      """
      version: 1
      models:
        - id: gpt-4o
          provider: openai
          family: gpt-4o
          cost_tier: high
          aliases: [chatgpt-4o-latest]
        - id: acme-llm
          provider: acme
          cost_tier: low
          snapshots: [acme-llm-v2]
      """, "a.yaml", in: directory)
    _ = try Self.write(
      #"{"version": 1, "models": [{"id": "acme-embed", "provider": "acme", "cost_tier": "low", "deprecated": true}]}"#,
      "b.json", in: directory)
    _ = try Self.write("not a catalog", "notes.md", in: directory)
    let user = try ModelCatalog.load(paths: [directory.path])
    #expect(user.models.map(\.id) == ["gpt-4o", "acme-llm", "acme-embed"])
    let combined = Self.builtin.adding(user)
    #expect(combined.lookup("gpt-4o")?.costTier == .high)
    // The user's entry lists no snapshots; a dated name still resolves to it.
    #expect(combined.lookup("gpt-4o-2024-08-06")?.costTier == .high)
    #expect(combined.lookup("gpt-4o")?.names == ["gpt-4o", "chatgpt-4o-latest"])
    #expect(combined.lookup("gpt-4o-2099-01-01")?.costTier == .high)
    #expect(combined.lookup("chatgpt-4o-latest")?.id == "gpt-4o")  // claimed by the user's model
    #expect(combined.lookup("acme-llm-v2")?.id == "acme-llm")
    #expect(combined.lookup("acme/acme-llm")?.id == "acme-llm")
    #expect(combined.lookup("acme-embed")?.deprecated == true)
    #expect(combined.lookup("acme-llm")?.family == "acme-llm")
    #expect(combined.lookup("gpt-4o-mini")?.costTier == .low)
    #expect(combined.models.filter { $0.id == "gpt-4o" }.count == 1)
    #expect(!combined.models.contains { $0.id == "chatgpt-4o-latest" })
  }

  // MARK: Loading errors

  static let entryKeys = "id, provider, family, cost_tier, aliases, snapshots, deprecated, description"

  static func loadingError(_ files: [(name: String, contents: String)]) throws -> String {
    let directory = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: directory) }
    for file in files { _ = try write(file.contents, file.name, in: directory) }
    do {
      _ = try ModelCatalog.load(paths: [directory.path])
      return "loaded"
    } catch {
      return error.description.replacingOccurrences(of: directory.path + "/", with: "")
    }
  }

  @Test func unknownKeyIsAnError() throws {
    let message = try Self.loadingError([
      (
        "m.yaml",
        """
        version: 1
        models:
          - id: acme-llm
            provider: acme
            cost_teir: low
        """
      )
    ])
    #expect(message == "m.yaml:5:5: error: at `models[0]`: unknown key `cost_teir`; expected one of \(Self.entryKeys)")
  }

  @Test func unknownTopLevelKeyIsAnError() throws {
    let message = try Self.loadingError([("m.yaml", "version: 1\nmodel: []\n")])
    #expect(message == "m.yaml:2:1: error: at the top level: unknown key `model`; expected one of version, models")
  }

  @Test func badCostTierNamesTheAllowedValues() throws {
    let message = try Self.loadingError([
      (
        "m.yaml",
        """
        version: 1
        models:
          - id: acme-llm
            provider: acme
            cost_tier: cheap
        """
      )
    ])
    #expect(message == "m.yaml:5:16: error: at `models[0].cost_tier`: expected one of low, medium, high, premium")
  }

  @Test func nameClaimedByTwoModelsInTwoFilesIsAnError() throws {
    let message = try Self.loadingError([
      ("a.yaml", "version: 1\nmodels:\n  - id: acme-llm\n    provider: acme\n    cost_tier: low\n"),
      (
        "b.yaml",
        """
        version: 1
        models:
          - id: acme-llm-2
            provider: acme
            cost_tier: medium
            aliases: [acme-x, ACME-LLM]
        """
      ),
    ])
    #expect(
      message
        == "b.yaml:6:23: error: at `models[0].aliases[1]`: the name `ACME-LLM` is claimed by two models: `acme-llm` "
        + "(at a.yaml:3:9) and `acme-llm-2`")
  }

  @Test func missingVersionIsAnError() throws {
    let message = try Self.loadingError([("m.yaml", "models:\n  - id: acme-llm\n    provider: acme\n    cost_tier: low\n")])
    #expect(message == "m.yaml:1:1: error: at the top level: missing required key `version`")
  }

  @Test(arguments: [
    ("id", "m.yaml:3:5: error: at `models[0]`: missing required key `id`"),
    ("provider", "m.yaml:3:5: error: at `models[0]`: missing required key `provider`"),
    ("cost_tier", "m.yaml:3:5: error: at `models[0]`: missing required key `cost_tier`"),
  ])
  func missingRequiredKeyIsAnError(key: String, expected: String) throws {
    let lines = ["id: acme-llm", "provider: acme", "cost_tier: low"].filter { !$0.hasPrefix(key + ":") }
    let body = "version: 1\nmodels:\n  - " + lines.joined(separator: "\n    ") + "\n"
    #expect(try Self.loadingError([("m.yaml", body)]) == expected)
  }

  @Test func nameListedTwiceForOneModelIsAnError() throws {
    let message = try Self.loadingError([
      ("m.yaml", "version: 1\nmodels:\n  - id: acme-llm\n    provider: acme\n    cost_tier: low\n    snapshots: [acme-llm]\n")
    ])
    #expect(message.hasPrefix("m.yaml:6:17: error: at `models[0].snapshots[0]`: the name `acme-llm` is listed twice"))
  }

  @Test func unsupportedVersionIsAnError() throws {
    let message = try Self.loadingError([("m.yaml", "version: 2\nmodels: []\n")])
    #expect(message == "m.yaml:1:10: error: at `version`: model catalog version 2 is not supported; this keygate supports up to 1")
  }
}
