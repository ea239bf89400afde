import KeygateTestSupport
import Testing

@testable import KeygateCore

/// What an auditor needs for each secret: every commit holding it (counted, the oldest listed)
/// and the branches and tags that still reach it.
@Suite struct ProvenanceTests {
  static let rules = try! CompiledRules(RuleSet(rules: RuleSet.builtin().rules.filter { $0.provider == "openai" }))

  func scan(_ path: String) throws -> ScanReport {
    var options = ScanOptions(path: path)
    options.workers = 2
    return try Scanner(rules: Self.rules).scan(options)
  }

  @Test func commitsAndReferencesHoldingEachSecret() throws {
    let repo = try TemporaryGitRepository()
    let onMain = TestKeys.openAIProject(seed: 111)
    let onFeature = TestKeys.openAIAdmin(seed: 112)
    try repo.commit("Add key", files: ["a.env": "KEY=\(onMain)\n"])
    try repo.commit("Unrelated", files: ["README.md": "hello\n"])
    try repo.git(["tag", "v1"])
    try repo.commit("Remove key", files: ["a.env": "KEY=\n"])
    try repo.git(["checkout", "-q", "-b", "feature"])
    try repo.commit("Feature key", files: ["b.env": "ADMIN=\(onFeature)\n"])
    try repo.git(["checkout", "-q", "-"])

    let report = try scan(repo.path)
    let main = try #require(report.secrets.first { $0.ruleID == "openai-project-key" }?.provenance)
    #expect(main.commitCount == 2)
    #expect(main.commits.map(\.subject) == ["Add key", "Unrelated"])
    let defaultBranch = try repo.git(["rev-parse", "--abbrev-ref", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    #expect(main.references == [defaultBranch, "feature", "v1"].sorted())

    let feature = try #require(report.secrets.first { $0.ruleID == "openai-admin-key" }?.provenance)
    #expect(feature.commitCount == 1)
    #expect(feature.commits.map(\.subject) == ["Feature key"])
    #expect(feature.references == ["feature"])
  }

  @Test func theListIsBoundedAndTheTotalExact() throws {
    let repo = try TemporaryGitRepository()
    let key = TestKeys.openAIProject(seed: 113)
    try repo.commit("Add key", files: ["a.env": "KEY=\(key)\n"])
    for index in 1...(SecretProvenance.listLimit + 4) {
      try repo.commit("Change \(index)", files: ["n.txt": "\(index)\n"])
    }
    let provenance = try #require(try scan(repo.path).secrets.first?.provenance)
    #expect(provenance.commitCount == SecretProvenance.listLimit + 5)
    #expect(provenance.commits.count == SecretProvenance.listLimit)
    #expect(provenance.commits.first?.subject == "Add key")
  }
}
