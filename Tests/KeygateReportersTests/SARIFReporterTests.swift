import Foundation
import Testing

@testable import KeygateCore
@testable import KeygateReporters

@Suite struct SARIFReporterTests {
  typealias T = PipelineFormatTesting

  /// What the schema's `format: uri` / `uri-reference` ask and jsonschema does not check here
  /// (GitHub's upload does): every URI parses, and those that must be absolute have a scheme.
  static func uriProblems(_ value: Any, key: String = "", path: String = "") -> [String] {
    if let object = value as? [String: Any] {
      return object.keys.sorted().flatMap { uriProblems(object[$0]!, key: $0, path: path + "/" + $0) }
    }
    if let array = value as? [Any] {
      return array.enumerated().flatMap { uriProblems($1, key: key, path: path + "/\($0)") }
    }
    guard let text = value as? String, ["uri", "repositoryUri", "helpUri", "informationUri"].contains(key) else {
      return []
    }
    guard let url = URL(string: text) else { return ["\(path): not a URI: \(text)"] }
    if key != "uri" && url.scheme == nil { return ["\(path): not an absolute URI: \(text)"] }
    return []
  }

  static func results(_ text: String, run: Int = 0) throws -> [[String: Any]] {
    let runs = try #require(try T.object(text)["runs"] as? [[String: Any]])
    return try #require(runs[run]["results"] as? [[String: Any]])
  }

  static func location(_ result: [String: Any]) -> (uri: String?, base: String?, region: [String: Any]?) {
    let locations = result["locations"] as? [[String: Any]]
    let physical = locations?.first?["physicalLocation"] as? [String: Any]
    let artifact = physical?["artifactLocation"] as? [String: Any]
    return (artifact?["uri"] as? String, artifact?["uriBaseId"] as? String, physical?["region"] as? [String: Any])
  }

  @Test func theReportIsValidSARIFAndMatchesItsGoldenFile() throws {
    let fixture = try ReportFixture()
    let text = SARIFReporter().render(fixture.report, context: fixture.context())
    #expect(try SchemaValidation.jsonErrors(text, schema: "sarif-2.1.0.json") == [])
    #expect(Self.uriProblems(try T.object(text)) == [])
    #expect(try expectNoSecrets(text, fixture.secrets))
    try expectGolden(text, "report.sarif.json")
    let log = try T.object(text)
    #expect(log["$schema"] as? String == "https://json.schemastore.org/sarif-2.1.0.json")
    #expect(log["version"] as? String == "2.1.0")
    #expect((log["runs"] as? [Any])?.count == 1)
  }

  @Test func everyFindingViolationAndSuppressedFindingIsAResultOfADescribedRule() throws {
    let fixture = try ReportFixture()
    let document = T.document(fixture)
    let text = SARIFReporter().render(document)
    let run = try #require((try T.object(text)["runs"] as? [[String: Any]])?.first)
    let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
    #expect(driver["name"] as? String == "keygate")
    #expect(driver["version"] as? String == KeygateVersion.current)
    #expect(driver["informationUri"] as? String == SARIFReporter.informationURI)
    let rules = try #require(driver["rules"] as? [[String: Any]])
    let ruleIDs = rules.compactMap { $0["id"] as? String }
    #expect(ruleIDs.count == rules.count)
    #expect(Set(ruleIDs).count == ruleIDs.count)
    // Every rule that ran, then every policy check that ran.
    #expect(Array(ruleIDs.prefix(document.rules.count)) == document.rules.map(\.id))
    #expect(Array(ruleIDs.dropFirst(document.rules.count)) == document.policy?.checks)

    let results = try Self.results(text)
    #expect(results.count == fixture.report.findings.count + 2 + fixture.report.suppressed.count)
    #expect(results.count == 7)
    for result in results {
      let index = try #require(result["ruleIndex"] as? Int)
      #expect(rules[index]["id"] as? String == result["ruleId"] as? String)
      let fingerprints = result["partialFingerprints"] as? [String: String]
      #expect(fingerprints?["keygate/v1"]?.count == 64)
    }

    let projectRule = try #require(rules.first { $0["id"] as? String == "openai-project-key" })
    #expect(projectRule["name"] as? String == "OpenaiProjectKey")
    #expect((projectRule["shortDescription"] as? [String: Any])?["text"] as? String == "OpenAI project API key")
    #expect((projectRule["help"] as? [String: Any])?["markdown"] as? String != nil)
    #expect((projectRule["defaultConfiguration"] as? [String: Any])?["level"] as? String == "error")
    let properties = try #require(projectRule["properties"] as? [String: Any])
    #expect(properties["security-severity"] as? String == "9.5")
    #expect((properties["tags"] as? [String])?.starts(with: ["security", "secret"]) == true)
    let policyRule = try #require(rules.first { $0["id"] as? String == "policy.allowed-models" })
    #expect(policyRule["name"] as? String == "PolicyAllowedModels")
    #expect(
      (policyRule["shortDescription"] as? [String: Any])?["text"] as? String == "Model not allowed in its environment")
    #expect((policyRule["properties"] as? [String: Any])?["tags"] as? [String] == ["policy"])

    #expect(run["columnKind"] as? String == "unicodeCodePoints")
    #expect(run["originalUriBaseIds"] as? [String: Any] != nil)
    // A relative target path names no repository URI: no provenance.
    #expect(run["versionControlProvenance"] == nil)
    #expect(
      (run["automationDetails"] as? [String: Any])?["id"] as? String
        == "keygate/./\(fixture.report.target.headCommit ?? "")")
    let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
    #expect(invocation["executionSuccessful"] as? Bool == true)
    #expect(invocation["startTimeUtc"] as? String == "2026-01-15T10:00:00Z")
    #expect(invocation["endTimeUtc"] as? String == "2026-01-15T10:00:00Z")
  }

  @Test func aHistoryFindingCarriesItsCommitAndItsPlace() throws {
    let fixture = try ReportFixture()
    let finding = try #require(fixture.report.findings.first { $0.path == "src/settings.py" })
    let commit = try #require(finding.commit)
    let results = try Self.results(SARIFReporter().render(fixture.report, context: fixture.context()))
    let result = try #require(results.first { Self.location($0).uri == "src/settings.py" })
    #expect(result["ruleId"] as? String == "openai-project-key")
    #expect(result["level"] as? String == "error")
    let properties = try #require(result["properties"] as? [String: Any])
    #expect(properties["source"] as? String == "history")
    #expect(properties["fingerprint"] as? String == finding.fingerprint)
    let commitProperties = try #require(properties["commit"] as? [String: String])
    #expect(
      commitProperties == [
        "sha": commit.sha, "author": commit.author, "date": commit.date, "subject": "Add the chat service",
      ])
    let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
    #expect(message.hasPrefix("OpenAI project API key: \(finding.redacted)"))
    let location = Self.location(result)
    #expect(location.base == "%SRCROOT%")
    let region = try #require(location.region)
    #expect(region["startLine"] as? Int == finding.line)
    #expect(region["startColumn"] as? Int == finding.column)
    #expect(region["endLine"] as? Int == finding.line)
    // The native report has no secret length: the end is start + the redacted form's length.
    #expect(region["endColumn"] as? Int == finding.column + finding.redacted.unicodeScalars.count)
  }

  @Test func theInventoryKeyIsNamedInTheMessage() throws {
    let fixture = try ReportFixture()
    let results = try Self.results(SARIFReporter().render(fixture.report, context: fixture.context()))
    let result = try #require(results.first { Self.location($0).uri == "deploy/prod/worker.env" })
    let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
    #expect(message.contains("Inventory key 25-10-AI-Chat-Prod (owner team-chat): rotate now: 1. Create key B"))
    #expect(message.contains("3. Roll out key B, canary first: `chat-api`."))
    let inventory = (result["properties"] as? [String: Any])?["inventory"] as? [String: Any]
    #expect(inventory?["name"] as? String == "25-10-AI-Chat-Prod")
  }

  @Test func aPolicyViolationIsAResultAtItsPlace() throws {
    let fixture = try ReportFixture()
    let results = try Self.results(SARIFReporter().render(fixture.report, context: fixture.context()))
    let result = try #require(results.first { $0["ruleId"] as? String == "policy.allowed-models" })
    #expect(result["level"] as? String == "error")
    let location = Self.location(result)
    #expect(location.uri == "deploy/prod/chat.yaml")
    #expect(location.base == "%SRCROOT%")
    #expect(location.region?["startLine"] as? Int == 1)
    #expect(location.region?["startColumn"] as? Int == 8)
    #expect(location.region?["endColumn"] as? Int == 9)
    let message = try #require((result["message"] as? [String: Any])?["text"] as? String)
    #expect(message.hasPrefix("`gpt-4o` is not allowed in environment `prod`"))
    #expect((result["properties"] as? [String: Any])?["subject"] as? String == "gpt-4o")
    #expect(result["suppressions"] == nil)
  }

  @Test func aSuppressedFindingIsAResultWithItsSuppression() throws {
    let fixture = try ReportFixture()
    let results = try Self.results(SARIFReporter().render(fixture.report, context: fixture.context()))
    let suppressed = results.filter { $0["suppressions"] != nil }
    #expect(suppressed.count == 1)
    let result = try #require(suppressed.first)
    #expect(Self.location(result).uri == "tests/fixture.py")
    let suppression = try #require((result["suppressions"] as? [[String: Any]])?.first)
    #expect(suppression["kind"] as? String == "inSource")
    #expect(suppression["status"] as? String == "accepted")
    #expect(suppression["justification"] as? String == "keygate:allow: test fixture, revoked")
  }

  @Test func levelsAndSecuritySeverityFollowTheSeverity() {
    #expect(
      ["critical", "high", "medium", "low", "info"].map(SARIFReporter.level(for:)) == [
        "error", "error", "warning", "note", "note",
      ])
    #expect(
      ["critical", "high", "medium", "low", "info"].map(SARIFReporter.securitySeverity) == [
        "9.5", "8.0", "5.5", "3.0", "1.0",
      ])
    #expect(SARIFReporter.pascalCase("openai-project-key") == "OpenaiProjectKey")
  }

  @Test func aPolicyWarningIsNeverAnError() throws {
    let fixture = try ReportFixture()
    let document = try T.edited(T.document(fixture)) { object in
      var policy = try #require(object["policy"] as? [String: Any])
      var violations = try #require(policy["violations"] as? [[String: Any]])
      violations[0]["level"] = "warning"
      violations[0]["severity"] = "critical"
      violations[1]["level"] = "warning"
      violations[1]["severity"] = "low"
      policy["violations"] = violations
      object["policy"] = policy
    }
    let results = try Self.results(SARIFReporter().render(document))
    let levels = results.filter { ($0["ruleId"] as? String)?.hasPrefix("policy.") == true }.map {
      $0["level"] as? String
    }
    #expect(levels == ["warning", "note"])
  }

  @Test func fingerprintsAreStableAndFollowThePath() throws {
    let fixture = try ReportFixture()
    let document = T.document(fixture)
    let first = SARIFReporter().render(document)
    #expect(SARIFReporter().render(try ReportFixture().report, context: fixture.context()) == first)
    let index = try T.findingIndex(document, path: "notes.txt")
    let moved = try T.edited(document) { try T.editFinding(&$0, at: index) { $0["path"] = "docs/old notes.txt" } }
    func fingerprint(_ text: String, _ path: String) throws -> String? {
      let result = try Self.results(text).first { Self.location($0).uri == path }
      return (result?["partialFingerprints"] as? [String: String])?["keygate/v1"]
    }
    let before = try #require(try fingerprint(first, "notes.txt"))
    let movedText = SARIFReporter().render(moved)
    #expect(Self.uriProblems(try T.object(movedText)) == [])
    // The URI is percent-encoded; the fingerprint hashes the path as keygate reports it.
    let after = try #require(try fingerprint(movedText, "docs/old%20notes.txt"))
    #expect(before != after)
    let finding = document.findings[index]
    #expect(before == SHA256.hexDigest("\(finding.ruleID):\(finding.fingerprint):notes.txt"))
  }

  @Test func withShowSecretsTheSecretsAreThereAndTheRegionIsExact() throws {
    let fixture = try ReportFixture()
    let text = SARIFReporter().render(fixture.report, context: fixture.context(showSecrets: true))
    for secret in fixture.secrets { #expect(text.contains(secret)) }
    #expect(try SchemaValidation.jsonErrors(text, schema: "sarif-2.1.0.json") == [])
    #expect(Self.uriProblems(try T.object(text)) == [])
    let finding = try #require(fixture.report.findings.first { $0.path == "notes.txt" })
    let result = try #require(try Self.results(text).first { Self.location($0).uri == "notes.txt" })
    #expect(Self.location(result).region?["endColumn"] as? Int == finding.column + finding.secret.unicodeScalars.count)
  }

  @Test func severalDocumentsAreSeveralRunsEachNamingItsRepository() throws {
    let fixture = try ReportFixture()
    let first = T.document(fixture)
    let second = try T.edited(first) { object in
      object["target"] = [
        "path": "/audit/repos/billing", "mode": "git", "head": String(repeating: "b", count: 40), "note": NSNull(),
      ]
    }
    let text = SARIFReporter().render([first, second])
    #expect(try SchemaValidation.jsonErrors(text, schema: "sarif-2.1.0.json") == [])
    #expect(Self.uriProblems(try T.object(text)) == [])
    #expect(try expectNoSecrets(text, fixture.secrets))
    let runs = try #require(try T.object(text)["runs"] as? [[String: Any]])
    #expect(runs.count == 2)
    let ids = runs.map { ($0["automationDetails"] as? [String: Any])?["id"] as? String }
    #expect(
      ids == [
        "keygate/./\(first.target.head ?? "")", "keygate/audit/repos/billing/\(String(repeating: "b", count: 40))",
      ])
    let provenance = (runs[1]["versionControlProvenance"] as? [[String: Any]])?.first
    #expect(provenance?["repositoryUri"] as? String == "file:///audit/repos/billing/")
    #expect(provenance?["revisionId"] as? String == String(repeating: "b", count: 40))
    #expect(try Self.results(text, run: 1).count == 7)
  }

  @Test func anIncompleteScanSaysSoAndAnUnreachableBlobHasALogicalLocation() throws {
    let fixture = try ReportFixture()
    let document = try T.edited(T.document(fixture)) { object in
      object["complete"] = false
      object["errors"] = [["subject": "object 1234abcd", "message": "missing from the object database"]]
      object["skipped"] = [["subject": "vendor/lib", "message": "a submodule"]]
      try T.editFinding(&object) { finding in
        finding["source"] = "unreachable"
        finding["path"] = "blob 9f2c3a"
        finding["commit"] = NSNull()
      }
    }
    let text = SARIFReporter().render(document)
    #expect(try SchemaValidation.jsonErrors(text, schema: "sarif-2.1.0.json") == [])
    #expect(Self.uriProblems(try T.object(text)) == [])
    let run = try #require((try T.object(text)["runs"] as? [[String: Any]])?.first)
    let invocation = try #require((run["invocations"] as? [[String: Any]])?.first)
    #expect(invocation["executionSuccessful"] as? Bool == false)
    let notifications = try #require(invocation["toolExecutionNotifications"] as? [[String: Any]])
    #expect(notifications.map { $0["level"] as? String } == ["error", "note"])
    #expect(
      (notifications[0]["message"] as? [String: Any])?["text"] as? String
        == "object 1234abcd: missing from the object database")
    let unreachable = try #require(
      try Self.results(text).first { ($0["properties"] as? [String: Any])?["source"] as? String == "unreachable" })
    let location = try #require((unreachable["locations"] as? [[String: Any]])?.first)
    #expect(location["physicalLocation"] == nil)
    let logical = (location["logicalLocations"] as? [[String: Any]])?.first
    #expect(logical?["fullyQualifiedName"] as? String == "blob 9f2c3a")
  }
}
