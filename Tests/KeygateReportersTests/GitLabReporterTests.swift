import Foundation
import Testing

@testable import KeygateCore
@testable import KeygateReporters

@Suite struct GitLabReporterTests {
  typealias T = PipelineFormatTesting

  static func vulnerabilities(_ text: String) throws -> [[String: Any]] {
    try #require(try T.object(text)["vulnerabilities"] as? [[String: Any]])
  }

  static func location(_ vulnerability: [String: Any]) -> [String: Any]? { vulnerability["location"] as? [String: Any] }
  static func commit(_ vulnerability: [String: Any]) -> [String: Any]? {
    location(vulnerability)?["commit"] as? [String: Any]
  }

  /// The schema errors of `text` against both schema versions (the second with the version
  /// rewritten to 15.0.7, as that schema's reports must say).
  static func schemaErrors(_ text: String) throws -> [String] {
    var errors = try SchemaValidation.jsonErrors(text, schema: "gitlab-secret-detection-report-15.2.1.json")
    let older = text.replacingOccurrences(of: "\"version\" : \"15.2.1\"", with: "\"version\" : \"15.0.7\"")
    #expect(older != text)
    errors += try SchemaValidation.jsonErrors(older, schema: "gitlab-secret-detection-report-15.0.7.json").map {
      "15.0.7: " + $0
    }
    return errors
  }

  @Test func theReportIsValidAgainstBothSchemasAndMatchesItsGoldenFile() throws {
    let fixture = try ReportFixture()
    let text = GitLabSecretDetectionReporter().render(fixture.report, context: fixture.context())
    #expect(try Self.schemaErrors(text) == [])
    #expect(try expectNoSecrets(text, fixture.secrets))
    try expectGolden(text, "gl-secret-detection-report.json")
    let report = try T.object(text)
    #expect(report["version"] as? String == "15.2.1")
    let scan = try #require(report["scan"] as? [String: Any])
    #expect(scan["type"] as? String == "secret_detection")
    #expect(scan["status"] as? String == "success")
    #expect(scan["start_time"] as? String == "2026-01-15T10:00:00")
    #expect(scan["end_time"] as? String == "2026-01-15T10:00:00")
    for key in ["analyzer", "scanner"] {
      let tool = try #require(scan[key] as? [String: Any])
      #expect(tool["id"] as? String == "keygate")
      #expect(tool["name"] as? String == "keygate")
      #expect(tool["version"] as? String == KeygateVersion.current)
      #expect((tool["vendor"] as? [String: Any])?["name"] as? String == "keygate")
      #expect(tool["url"] as? String == SARIFReporter.informationURI)
    }
  }

  @Test func oneVulnerabilityPerFindingAndPolicyError() throws {
    let fixture = try ReportFixture()
    let vulnerabilities = try Self.vulnerabilities(
      GitLabSecretDetectionReporter().render(fixture.report, context: fixture.context()))
    // Four findings and two policy errors; not the suppressed finding.
    #expect(vulnerabilities.count == 6)
    #expect(!vulnerabilities.contains { Self.location($0)?["file"] as? String == "tests/fixture.py" })
    let ids = vulnerabilities.compactMap { $0["id"] as? String }
    #expect(Set(ids).count == 6)
    let uuid = try Regex("^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")
    #expect(ids.allSatisfy { $0.wholeMatch(of: uuid) != nil })
    for vulnerability in vulnerabilities {
      #expect(vulnerability["category"] as? String == "secret_detection")
      #expect(["Critical", "High", "Medium", "Low", "Info"].contains(vulnerability["severity"] as? String ?? ""))
      #expect(vulnerability["confidence"] == nil)
    }

    let history = try #require(vulnerabilities.first { Self.location($0)?["file"] as? String == "src/settings.py" })
    #expect(history["name"] as? String == "OpenAI project API key")
    #expect(history["severity"] as? String == "Critical")
    let identifier = try #require((history["identifiers"] as? [[String: Any]])?.first)
    #expect(identifier["type"] as? String == "keygate_rule_id")
    #expect(identifier["name"] as? String == "keygate rule openai-project-key")
    #expect(identifier["value"] as? String == "openai-project-key")
    let finding = try #require(fixture.report.findings.first { $0.path == "src/settings.py" })
    let commit = try #require(finding.commit)
    #expect(Self.location(history)?["start_line"] as? Int == finding.line)
    #expect(
      Self.commit(history) as? [String: String]
        == ["sha": commit.sha, "author": commit.author, "date": commit.date, "message": "Add the chat service"])
    #expect(history["raw_source_code_extract"] as? String == finding.redacted)
    let description = try #require(history["description"] as? String)
    #expect(description.contains("committed in \(commit.sha)"))
    #expect(description.contains(finding.fingerprint))
    #expect((history["solution"] as? String)?.isEmpty == false)

    // A staged or working-tree finding names HEAD, as GitLab's own analyzer does.
    for path in ["config/admin.env", "notes.txt"] {
      let vulnerability = try #require(vulnerabilities.first { Self.location($0)?["file"] as? String == path })
      #expect(
        Self.commit(vulnerability) as? [String: String] == ["sha": try #require(fixture.report.target.headCommit)])
    }
    let linked = try #require(
      vulnerabilities.first { Self.location($0)?["file"] as? String == "deploy/prod/worker.env" })
    #expect((linked["description"] as? String)?.contains("inventory key 25-10-AI-Chat-Prod (owner team-chat") == true)

    let policy = try #require(
      vulnerabilities.first { Self.location($0)?["file"] as? String == "deploy/prod/chat.yaml" })
    #expect(policy["name"] as? String == "Model not allowed in its environment")
    #expect(policy["severity"] as? String == "High")
    #expect(
      (policy["identifiers"] as? [[String: String]])
        == [
          ["type": "keygate_policy", "name": "keygate policy policy.allowed-models", "value": "policy.allowed-models"]
        ])
    #expect(Self.location(policy)?["start_line"] as? Int == 1)
    #expect((policy["description"] as? String)?.hasPrefix("`gpt-4o` is not allowed") == true)
    #expect(policy["raw_source_code_extract"] == nil)
  }

  @Test func idsAreStableAndFollowThePath() throws {
    let fixture = try ReportFixture()
    let document = T.document(fixture)
    let reporter = GitLabSecretDetectionReporter()
    let text = reporter.render(document)
    #expect(GitLabSecretDetectionReporter().render(try ReportFixture().report, context: fixture.context()) == text)
    let index = try T.findingIndex(document, path: "notes.txt")
    let moved = try T.edited(document) { try T.editFinding(&$0, at: index) { $0["path"] = "docs/notes.txt" } }
    func id(_ text: String, _ path: String) throws -> String? {
      try Self.vulnerabilities(text).first { Self.location($0)?["file"] as? String == path }?["id"] as? String
    }
    let before = try #require(try id(text, "notes.txt"))
    let after = try #require(try id(reporter.render(moved), "docs/notes.txt"))
    #expect(before != after)

    // The same key twice in one file: two ids.
    let doubled = try T.edited(document) { object in
      var findings = try #require(object["findings"] as? [[String: Any]])
      var again = findings[index]
      again["line"] = 7
      findings.append(again)
      object["findings"] = findings
    }
    let ids = try Self.vulnerabilities(reporter.render(doubled)).compactMap { $0["id"] as? String }
    #expect(ids.count == 7)
    #expect(Set(ids).count == 7)
  }

  @Test func withShowSecretsTheExtractIsTheSecret() throws {
    let fixture = try ReportFixture()
    let text = GitLabSecretDetectionReporter().render(fixture.report, context: fixture.context(showSecrets: true))
    #expect(try Self.schemaErrors(text) == [])
    let extracts = try Self.vulnerabilities(text).compactMap { $0["raw_source_code_extract"] as? String }
    // Every finding's secret; the suppressed one is not a vulnerability.
    let counted = fixture.report.findings.map(\.secret)
    #expect(Set(extracts) == Set(counted))
    for secret in counted { #expect(text.contains(secret)) }
  }

  @Test func anIncompleteScanFailsAndSaysWhatWasNotRead() throws {
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
    let text = GitLabSecretDetectionReporter().render(document)
    #expect(try Self.schemaErrors(text) == [])
    let scan = try #require(try T.object(text)["scan"] as? [String: Any])
    #expect(scan["status"] as? String == "failure")
    let messages = try #require(scan["messages"] as? [[String: String]])
    #expect(
      messages == [
        ["level": "warn", "value": "could not read object 1234abcd: missing from the object database"],
        ["level": "info", "value": "skipped vendor/lib: a submodule"],
      ])
    let unreachable = try #require(
      try Self.vulnerabilities(text).first { Self.location($0)?["file"] as? String == "blob 9f2c3a" })
    #expect((unreachable["description"] as? String)?.contains("no branch or tag reaches") == true)
  }

  @Test func withoutHeadOrStartTime() throws {
    let fixture = try ReportFixture()
    let document = try T.edited(T.document(fixture)) { object in
      var target = try #require(object["target"] as? [String: Any])
      target["head"] = NSNull()
      object["target"] = target
      object["started_at"] = NSNull()
    }
    // 2026-02-01T12:00:00Z, the scan took 0.25 s.
    let text = GitLabSecretDetectionReporter().render(document, now: Date(timeIntervalSince1970: 1_769_947_200))
    #expect(try Self.schemaErrors(text) == [])
    let scan = try #require(try T.object(text)["scan"] as? [String: Any])
    #expect(scan["start_time"] as? String == "2026-02-01T11:59:59")
    #expect(scan["end_time"] as? String == "2026-02-01T12:00:00")
    let staged = try #require(
      try Self.vulnerabilities(text).first { Self.location($0)?["file"] as? String == "config/admin.env" })
    #expect(Self.commit(staged)?["sha"] as? String == String(repeating: "0", count: 40))
  }

  @Test func severitiesAreCapitalised() {
    #expect(
      ["critical", "high", "medium", "low", "info"].map(GitLabSecretDetectionReporter.severity)
        == ["Critical", "High", "Medium", "Low", "Info"])
  }
}
