import Foundation
import Testing

@testable import KeygateCore
@testable import KeygateReporters

@Suite struct CodeQualityReporterTests {
  typealias T = PipelineFormatTesting

  /// GitLab publishes no schema for Code Quality; its documentation lists the fields it reads.
  /// Every issue must have exactly these keys, of these types; fingerprints must be unique.
  static func problems(_ text: String) -> [String] {
    guard let issues = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
      return ["not a JSON array of objects"]
    }
    var problems: [String] = []
    var fingerprints: Set<String> = []
    let keys: Set = [
      "type", "description", "check_name", "fingerprint", "severity", "location", "categories", "engine_name",
    ]
    for (index, issue) in issues.enumerated() {
      func problem(_ text: String) { problems.append("[\(index)] \(text)") }
      if Set(issue.keys) != keys { problem("keys \(issue.keys.sorted())") }
      if issue["type"] as? String != "issue" { problem("type") }
      if (issue["description"] as? String)?.isEmpty != false { problem("description") }
      if (issue["check_name"] as? String)?.isEmpty != false { problem("check_name") }
      if issue["engine_name"] as? String != "keygate" { problem("engine_name") }
      if issue["categories"] as? [String] != ["Security"] { problem("categories") }
      if !["info", "minor", "major", "critical", "blocker"].contains(issue["severity"] as? String ?? "") {
        problem("severity")
      }
      if let fingerprint = issue["fingerprint"] as? String, fingerprint.count == 64,
        fingerprint.allSatisfy({ $0.isHexDigit && !$0.isUppercase })
      {
        if !fingerprints.insert(fingerprint).inserted { problem("duplicate fingerprint") }
      } else {
        problem("fingerprint")
      }
      let location = issue["location"] as? [String: Any]
      if location.map({ Set($0.keys) }) != ["path", "lines"] { problem("location keys") }
      if (location?["path"] as? String)?.isEmpty != false { problem("location.path") }
      let lines = location?["lines"] as? [String: Any]
      if lines.map({ Set($0.keys) }) != ["begin"] { problem("location.lines keys") }
      if lines?["begin"] == nil { problem("location.lines.begin") }
    }
    // JSONSerialization reads 1 and true alike: JSONDecoder tells an integer from a bool or 1.5.
    if problems.isEmpty, let begins = try? JSONDecoder().decode([Begin].self, from: Data(text.utf8)) {
      for (index, begin) in begins.enumerated() where begin.location.lines.begin < 1 {
        problems.append("[\(index)] location.lines.begin")
      }
    } else if problems.isEmpty {
      problems.append("location.lines.begin is not an integer")
    }
    return problems
  }

  struct Begin: Decodable {
    struct Location: Decodable { let lines: Lines }
    struct Lines: Decodable { let begin: Int }
    let location: Location
  }

  @Test func theReportHasGitLabsFieldsAndMatchesItsGoldenFile() throws {
    let fixture = try ReportFixture()
    let text = CodeQualityReporter().render(fixture.report, context: fixture.context())
    #expect(Self.problems(text) == [])
    #expect(try expectNoSecrets(text, fixture.secrets))
    try expectGolden(text, "gl-code-quality-report.json")
    let issues = try T.array(text)
    // Four findings and two policy violations; not the suppressed finding.
    #expect(issues.count == 6)
    #expect(!issues.contains { ($0["location"] as? [String: Any])?["path"] as? String == "tests/fixture.py" })
    let policy = try #require(issues.first { $0["check_name"] as? String == "policy.allowed-models" })
    #expect(policy["severity"] as? String == "critical")
    #expect((policy["location"] as? [String: Any])?["path"] as? String == "deploy/prod/chat.yaml")
    #expect(((policy["location"] as? [String: Any])?["lines"] as? [String: Any])?["begin"] as? Int == 1)
    let history = try #require(
      issues.first { ($0["location"] as? [String: Any])?["path"] as? String == "src/settings.py" })
    #expect(history["check_name"] as? String == "openai-project-key")
    #expect(history["severity"] as? String == "blocker")
    #expect((history["description"] as? String)?.hasPrefix("OpenAI project API key sk-proj-…") == true)
  }

  @Test func theValidationCatchesBrokenIssues() {
    #expect(!Self.problems("{}").isEmpty)
    let issue =
      #"{"type":"issue","description":"d","check_name":"c","fingerprint":"\#(String(repeating: "a", count: 64))","#
      + #""severity":"major","location":{"path":"p","lines":{"begin":1}},"categories":["Security"],"engine_name":"keygate"}"#
    #expect(Self.problems("[\(issue)]") == [])
    #expect(Self.problems("[\(issue),\(issue)]") == ["[1] duplicate fingerprint"])
    #expect(Self.problems("[\(issue.replacingOccurrences(of: "\"major\"", with: "\"high\""))]") == ["[0] severity"])
    #expect(
      Self.problems("[\(issue.replacingOccurrences(of: "\"begin\":1", with: "\"begin\":true"))]") == [
        "location.lines.begin is not an integer"
      ])
    #expect(!Self.problems("[\(issue.replacingOccurrences(of: "\"type\":\"issue\",", with: ""))]").isEmpty)
  }

  @Test func severitiesMapInOrderAndWarningsStayMinor() throws {
    #expect(
      ["critical", "high", "medium", "low", "info"].map(CodeQualityReporter.severity)
        == ["blocker", "critical", "major", "minor", "info"])
    let fixture = try ReportFixture()
    let document = try T.edited(T.document(fixture)) { object in
      var policy = try #require(object["policy"] as? [String: Any])
      var violations = try #require(policy["violations"] as? [[String: Any]])
      violations[0]["level"] = "warning"
      violations[0]["severity"] = "critical"
      violations[1]["level"] = "warning"
      violations[1]["severity"] = "info"
      policy["violations"] = violations
      object["policy"] = policy
    }
    let text = CodeQualityReporter().render(document)
    #expect(Self.problems(text) == [])
    let issues = try T.array(text)
    let severities = issues.filter { ($0["check_name"] as? String)?.hasPrefix("policy.") == true }.map {
      $0["severity"] as? String
    }
    #expect(severities == ["minor", "info"])
  }

  @Test func fingerprintsAreStableUniqueAndFollowThePath() throws {
    let fixture = try ReportFixture()
    let document = T.document(fixture)
    let text = CodeQualityReporter().render(document)
    #expect(CodeQualityReporter().render(try ReportFixture().report, context: fixture.context()) == text)
    let index = try T.findingIndex(document, path: "notes.txt")
    let moved = try T.edited(document) { try T.editFinding(&$0, at: index) { $0["path"] = "docs/notes.txt" } }
    func fingerprint(_ text: String, _ path: String) throws -> String? {
      try T.array(text).first { ($0["location"] as? [String: Any])?["path"] as? String == path }?["fingerprint"]
        as? String
    }
    let before = try #require(try fingerprint(text, "notes.txt"))
    let after = try #require(try fingerprint(CodeQualityReporter().render(moved), "docs/notes.txt"))
    #expect(before != after)

    let doubled = try T.edited(document) { object in
      var findings = try #require(object["findings"] as? [[String: Any]])
      var again = findings[index]
      again["line"] = 7
      findings.append(again)
      object["findings"] = findings
    }
    let doubledText = CodeQualityReporter().render(doubled)
    #expect(Self.problems(doubledText) == [])
    #expect(try T.array(doubledText).count == 7)
  }

  @Test func unreachableFindingsAreLeftOutAndSecretsNeverShown() throws {
    let fixture = try ReportFixture()
    let document = try T.edited(T.document(fixture, showSecrets: true)) { object in
      try T.editFinding(&object) { finding in
        finding["source"] = "unreachable"
        finding["path"] = "blob 9f2c3a"
        finding["commit"] = NSNull()
      }
    }
    let text = CodeQualityReporter().render(document)
    #expect(Self.problems(text) == [])
    #expect(try T.array(text).count == 5)
    #expect(!text.contains("blob 9f2c3a"))
    // Even with --show-secrets: the widget is shown to everyone who reads the merge request.
    #expect(document.findings.allSatisfy { $0.secret != nil })
    #expect(try expectNoSecrets(text, fixture.secrets))
  }
}
