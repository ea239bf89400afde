import Foundation
import Testing

@testable import KeygateCore
@testable import KeygateReporters

#if canImport(FoundationXML)
  import FoundationXML
#endif

@Suite struct JUnitReporterTests {
  let fixture: ReportFixture
  let document: NativeReport

  init() throws {
    fixture = try ReportFixture()
    document = NativeReport(report: fixture.report, context: fixture.context())
  }

  private func parse(_ xml: String) throws -> XMLDocument { try XMLDocument(xmlString: xml, options: []) }

  private func strings(_ xml: XMLDocument, _ xpath: String) throws -> [String] {
    try xml.nodes(forXPath: xpath).map { $0.stringValue ?? "" }
  }

  @Test func validatesAgainstTheSchemaAndMatchesItsGoldenFile() throws {
    let xml = JUnitReporter().render(fixture.report, context: fixture.context())
    #expect(try SchemaValidation.xmlErrors(xml, xsd: "junit.xsd") == [])
    try expectGolden(xml, "report.junit.xml")
    #expect(try expectNoSecrets(xml, fixture.secrets))
    #expect(xml == JUnitReporter().render(document))
  }

  @Test func oneTestCasePerRuleAndPolicyCheckWithUniqueNames() throws {
    let xml = try parse(JUnitReporter().render(document))
    let checks = try #require(document.policy?.checks)
    #expect(checks.count == 9)
    let classnames = try strings(xml, "//testcase/@classname")
    let names = try strings(xml, "//testcase/@name")
    #expect(names.count == document.rules.count + checks.count)
    let pairs = zip(classnames, names).map { "\($0) \($1)" }
    #expect(Set(pairs).count == pairs.count)
    #expect(pairs.contains("keygate.secrets.openai openai-project-key"))
    #expect(pairs.contains("keygate.policy policy.allowed-models"))
    #expect(try strings(xml, "/testsuites/testsuite/@name") == ["keygate.secrets", "keygate.policy"])
    #expect(try strings(xml, "/testsuites/testsuite/@id") == ["0", "1"])
    #expect(try strings(xml, "/testsuites/testsuite/@tests") == [String(document.rules.count), "9"])
    #expect(try strings(xml, "/testsuites/testsuite/@failures") == ["3", "2"])
    #expect(try strings(xml, "/testsuites/testsuite/@errors") == ["0", "0"])
    #expect(try strings(xml, "/testsuites/testsuite/@timestamp") == ["2026-01-15T10:00:00", "2026-01-15T10:00:00"])
    #expect(try strings(xml, "/testsuites/testsuite[1]/@time") == ["0.250"])
    // No test case of the scan itself when everything could be read.
    #expect(try xml.nodes(forXPath: "//testcase[@classname='keygate.scan']").isEmpty)
  }

  @Test func oneFailurePerFailingRuleOrCheckWithItsFindingsInTheMessage() throws {
    let xml = try parse(JUnitReporter().render(document))
    var messages: [String: String] = [:]
    for node in try xml.nodes(forXPath: "//testcase[failure]") {
      let element = try #require(node as? XMLElement)
      let key =
        "\(element.attribute(forName: "classname")?.stringValue ?? "").\(element.attribute(forName: "name")?.stringValue ?? "")"
      #expect(element.elements(forName: "failure").count == 1, "\(key)")
      messages[key] = element.elements(forName: "failure").first?.attribute(forName: "message")?.stringValue
    }
    #expect(
      messages == [
        "keygate.secrets.openai.openai-project-key":
          "2 findings: deploy/prod/worker.env:1: OpenAI project API key (sk-proj-…JuqN); "
          + "src/settings.py:1: OpenAI project API key (sk-proj-…CGbC)",
        "keygate.secrets.openai.openai-admin-key": "config/admin.env:1: OpenAI admin API key (sk-admin-…Ub19)",
        "keygate.secrets.openai.openai-user-key": "notes.txt:1: OpenAI user API key (legacy) (sk-…pdZv)",
        "keygate.policy.policy.allowed-models":
          "deploy/prod/chat.yaml:1: Model not allowed in its environment (gpt-4o)",
        "keygate.policy.policy.rotation-age": "keys.yaml:3: Key due for rotation (25-10-AI-Chat-Prod)",
      ])
    #expect(
      try strings(xml, "//failure/@type").sorted() == [
        "keygate.policy", "keygate.policy", "keygate.secret", "keygate.secret", "keygate.secret",
      ])

    // The text lists every finding with file, line, column, commit and what to do.
    let text = try #require(try strings(xml, "//testcase[@name='openai-project-key']/failure").first)
    #expect(text.hasPrefix("OpenAI project API key (openai-project-key), severity critical: 2 findings\n"))
    #expect(
      text.contains(
        "\n[1/2] deploy/prod/worker.env:1:16\n  file:        deploy/prod/worker.env\n  line:        1\n  column:      16\n"
      ))
    #expect(
      text.contains(
        "\n  commit:      c1d6b3921e76566c1302c23816b0ba2474f1dd88 2023-11-15T07:13:20+00:00 by Ada Lovelace <ada@example.com>: Add the worker\n"
      ))
    #expect(
      text.contains(
        "\n  inventory:   25-10-AI-Chat-Prod (owner team-chat, environment prod, status active): rotate now\n"
          + "    1. Create key B at the provider with the same scope (project, permissions, environment) as key A (`25-10-AI-Chat-Prod`)\n"
      ))
    #expect(text.contains("\n    3. Roll out key B, canary first: `chat-api`\n"))
    #expect(text.contains("\n[2/2] src/settings.py:1:19\n"))
    #expect(text.contains("\nWhat to do:\n- Revoke the key at https://platform.openai.com/api-keys"))
    #expect(text.contains("rotation is what protects you"))
    let policy = try #require(try strings(xml, "//testcase[@name='policy.rotation-age']/failure").first)
    #expect(policy.contains("\n  problem:     `25-10-AI-Chat-Prod` was last rotated 105 days ago"))
    #expect(
      policy.hasSuffix(
        "\nWhat to do: Rotate without downtime: create key B, store it in the secret manager, roll it out, validate, revoke key A; then set `rotated:`.\n"
      ))

    // The suppressed finding is a note, not a failure.
    let out = try strings(xml, "/testsuites/testsuite[1]/system-out")
    #expect(
      out.first?.contains(
        "suppressed (inline-comment: keygate:allow: test fixture, revoked): keygate.secrets.openai.openai-service-account-key: "
          + "tests/fixture.py:1: OpenAI service account key (sk-svcacct-…Qz-v)\n") == true)
    #expect(try xml.nodes(forXPath: "//testcase[@name='openai-service-account-key']/failure").isEmpty)
  }

  @Test func manyFindingsOfOneRuleAreOneFailureWithACount() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      var findings = try #require(object["findings"] as? [[String: Any]])
      let user = try #require(findings.first { $0["rule_id"] as? String == "openai-user-key" })
      for line in 2...6 {
        var copy = user
        copy["line"] = line
        findings.append(copy)
      }
      object["findings"] = findings
    }
    let rendered = JUnitReporter().render(edited)
    #expect(try SchemaValidation.xmlErrors(rendered, xsd: "junit.xsd") == [])
    let xml = try parse(rendered)
    #expect(
      try strings(xml, "//testcase[@name='openai-user-key']/failure/@message") == [
        "6 findings: notes.txt:1: OpenAI user API key (legacy) (sk-…pdZv); notes.txt:2: OpenAI user API key (legacy) (sk-…pdZv); "
          + "notes.txt:3: OpenAI user API key (legacy) (sk-…pdZv); … and 3 more"
      ])
    let text = try #require(try strings(xml, "//testcase[@name='openai-user-key']/failure").first)
    #expect(text.contains("[6/6] notes.txt:6:10\n"))
  }

  @Test func policyWarningsAndSuppressedViolationsAreNotesNotFailures() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      var policy = try #require(object["policy"] as? [String: Any])
      var violations = try #require(policy["violations"] as? [[String: Any]])
      violations[1]["level"] = "warning"
      var suppressed = violations[0]
      suppressed["suppression"] = "keygate:allow: migration in progress"
      suppressed["path"] = "deploy/prod/batch.yaml"
      policy["violations"] = violations
      policy["suppressed"] = [suppressed]
      object["policy"] = policy
    }
    let rendered = JUnitReporter().render(edited)
    #expect(try SchemaValidation.xmlErrors(rendered, xsd: "junit.xsd") == [])
    let xml = try parse(rendered)
    #expect(try strings(xml, "/testsuites/testsuite[2]/@failures") == ["1"])
    #expect(try xml.nodes(forXPath: "//testcase[@name='policy.rotation-age']/failure").isEmpty)
    let out = try #require(try strings(xml, "/testsuites/testsuite[2]/system-out").first)
    #expect(
      out.contains("\nwarning: keygate.policy.policy.rotation-age: keys.yaml:3: `25-10-AI-Chat-Prod` was last rotated"))
    #expect(
      out.contains(
        "\nsuppressed (keygate:allow: migration in progress): keygate.policy.policy.allowed-models: deploy/prod/batch.yaml:1: "
      ))
  }

  @Test func unreadableInputIsAnErroredScanTestCase() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      object["complete"] = false
      object["errors"] = [
        ["subject": "object 1f2e3d4c", "message": "missing from the object database"],
        ["subject": "vendor/archive.zip", "message": "corrupt archive"],
      ]
    }
    let rendered = JUnitReporter().render(edited)
    #expect(try SchemaValidation.xmlErrors(rendered, xsd: "junit.xsd") == [])
    let xml = try parse(rendered)
    #expect(try strings(xml, "/testsuites/testsuite/@name") == ["keygate.secrets", "keygate.policy", "keygate.scan"])
    #expect(try strings(xml, "/testsuites/testsuite[3]/@id") == ["2"])
    #expect(try strings(xml, "/testsuites/testsuite[3]/@errors") == ["1"])
    #expect(try strings(xml, "//testcase[@classname='keygate.scan']/@name") == ["complete"])
    #expect(
      try strings(xml, "//testcase[@name='complete']/error/@message") == [
        "could not read 2 items: object 1f2e3d4c, vendor/archive.zip"
      ])
    let text = try #require(try strings(xml, "//testcase[@name='complete']/error").first)
    #expect(
      text.contains("- object 1f2e3d4c: missing from the object database\n- vendor/archive.zip: corrupt archive\n"))
  }

  @Test func escapesMarkupAndReplacesCharactersXMLForbids() throws {
    let path = "odd/<&\"'>\u{1}\u{B}\tname.txt"
    let edited = try PipelineFormatTesting.edited(document) { object in
      var findings = try #require(object["findings"] as? [[String: Any]])
      let index = try #require(findings.firstIndex { $0["path"] as? String == "notes.txt" })
      findings[index]["path"] = path
      let history = try #require(findings.firstIndex { $0["path"] as? String == "src/settings.py" })
      var commit = try #require(findings[history]["commit"] as? [String: Any])
      commit["subject"] = "Fix ]]> & <b>\u{7}bell"
      findings[history]["commit"] = commit
      object["findings"] = findings
      object["target"] = ["path": "repo \"x\" & <y>", "mode": "git", "head": NSNull(), "note": NSNull()]
    }
    let rendered = JUnitReporter().render(edited)
    #expect(try SchemaValidation.xmlErrors(rendered, xsd: "junit.xsd") == [])
    // Tab and line feed are the only characters below U+0020 XML allows (carriage returns are references).
    #expect(!rendered.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" && $0 != "\t" })
    #expect(
      rendered.contains(
        "message=\"odd/&lt;&amp;&quot;&apos;&gt;\u{FFFD}\u{FFFD}&#9;name.txt:1: OpenAI user API key (legacy) (sk-…pdZv)\""
      ))
    #expect(rendered.contains("Fix ]]&gt; &amp; &lt;b&gt;\u{FFFD}bell"))
    #expect(rendered.contains("<property name=\"target.path\" value=\"repo &quot;x&quot; &amp; &lt;y&gt;\"/>"))

    // What a reader gets back: the text, with the forbidden characters replaced.
    let xml = try parse(rendered)
    #expect(
      try strings(xml, "//testcase[@name='openai-user-key']/failure/@message") == [
        "odd/<&\"'>\u{FFFD}\u{FFFD}\tname.txt:1: OpenAI user API key (legacy) (sk-…pdZv)"
      ])
    let text = try #require(try strings(xml, "//testcase[@name='openai-project-key']/failure").first)
    #expect(text.contains(": Fix ]]> & <b>\u{FFFD}bell\n"))
  }

  @Test func aPolicyOnlyRunHasOnlyThePolicySuite() throws {
    let edited = try PipelineFormatTesting.edited(document) { object in
      object["rules"] = [Any]()
      object["findings"] = [Any]()
      object["secrets"] = [Any]()
      object["suppressed"] = [Any]()
    }
    let rendered = JUnitReporter().render(edited)
    #expect(try SchemaValidation.xmlErrors(rendered, xsd: "junit.xsd") == [])
    let xml = try parse(rendered)
    #expect(try strings(xml, "/testsuites/testsuite/@name") == ["keygate.policy"])
    #expect(try strings(xml, "/testsuites/testsuite/@id") == ["0"])
    #expect(try strings(xml, "//testcase/@name").count == 9)
  }

  @Test func aFindingOfAnUnlistedRuleStillFails() throws {
    // A hand-edited or merged report whose rule list lacks a finding's rule.
    let edited = try PipelineFormatTesting.edited(document) { object in
      let rules = try #require(object["rules"] as? [[String: Any]])
      object["rules"] = rules.filter { $0["id"] as? String != "openai-user-key" }
    }
    let rendered = JUnitReporter().render(edited)
    #expect(try SchemaValidation.xmlErrors(rendered, xsd: "junit.xsd") == [])
    let xml = try parse(rendered)
    #expect(try strings(xml, "//testcase/@name").count == document.rules.count + 9)
    #expect(
      try strings(xml, "//testcase[@classname='keygate.secrets.openai'][@name='openai-user-key']/failure/@message") == [
        "notes.txt:1: OpenAI user API key (legacy) (sk-…pdZv)"
      ])
  }

  @Test func showsSecretsOnlyWhenTheDocumentCarriesThem() throws {
    let xml = JUnitReporter().render(fixture.report, context: fixture.context(showSecrets: true))
    #expect(try SchemaValidation.xmlErrors(xml, xsd: "junit.xsd") == [])
    for secret in fixture.secrets.prefix(4) { #expect(xml.contains(secret)) }
  }

  @Test func xmlHelpers() {
    #expect(JUnitReporter.decimal(0.25) == "0.250")
    #expect(JUnitReporter.decimal(0.00001) == "0.000")
    #expect(JUnitReporter.decimal(12.3456) == "12.346")
    #expect(JUnitReporter.timestamp("2026-01-15T10:00:00Z") == "2026-01-15T10:00:00")
    #expect(JUnitReporter.timestamp(nil).count == 19)
    #expect(JUnitReporter.escapeAttribute("a\r\nb\u{0}") == "a&#13;&#10;b\u{FFFD}")
    #expect(JUnitReporter.escapeText("a\r\nb\u{FFFE}\u{1F600}") == "a&#13;\nb\u{FFFD}\u{1F600}")
  }
}
