import Foundation
import KeygateTestSupport
import Testing

/// `keygate merge`: native reports of several repositories become one audit.
@Suite struct MergeCommandTests {
  static func report(of repo: TemporaryGitRepository, to path: String) throws -> Int32 {
    try KeygateBinary.run(["scan", repo.path, "-q", "-f", "json", "-o", path]).status
  }

  @Test func reportsOfSeveralRepositoriesBecomeOneAudit() throws {
    let leaky = try TemporaryGitRepository()
    let key = TestKeys.openAIProject(seed: 901)
    try leaky.commit("Key", files: ["app.env": "OPENAI_API_KEY=\(key)\n"])
    let clean = try TemporaryGitRepository()
    try clean.commit("Clean", files: ["README.md": "# clean\n"])
    let out = try TemporaryGitRepository(initialise: false)
    #expect(try Self.report(of: leaky, to: out.path + "/a.json") == 1)
    #expect(try Self.report(of: clean, to: out.path + "/b.json") == 0)

    let merged = try KeygateBinary.run([
      "merge", out.path + "/a.json", out.path + "/b.json", "-o", out.path + "/audit.json",
      "--report", "markdown=\(out.path)/audit.md", "--report", "sarif=\(out.path)/audit.sarif",
    ])
    #expect(merged.status == 1)
    #expect(merged.stderr.contains("keygate merge: fail: 2 repositories, 1 failing, 0 incomplete, 1 secrets"))
    let audit = try ScanCommandTests.json(String(contentsOfFile: out.path + "/audit.json", encoding: .utf8))
    let summary = try #require(audit["summary"] as? [String: Any])
    #expect(summary["repositories"] as? Int == 2)
    #expect(summary["failing"] as? Int == 1)
    #expect(summary["secrets"] as? Int == 1)
    #expect((audit["reports"] as? [[String: Any]])?.map { ($0["target"] as? [String: Any])?["path"] as? String } == [leaky.path, clean.path])
    let sarif = try ScanCommandTests.json(String(contentsOfFile: out.path + "/audit.sarif", encoding: .utf8))
    #expect((sarif["runs"] as? [Any])?.count == 2)
    let markdown = try String(contentsOfFile: out.path + "/audit.md", encoding: .utf8)
    #expect(markdown.contains(leaky.path) && markdown.contains(clean.path))
    for text in [merged.stdout, merged.stderr, markdown] { #expect(!text.contains(key)) }

    let passing = try KeygateBinary.run(["merge", out.path + "/b.json", "-f", "markdown"])
    #expect(passing.status == 0)
  }

  @Test func aBrokenReportIsNamedAndExitsTwo() throws {
    let out = try TemporaryGitRepository(initialise: false)
    try out.write("not-json.json", "{ this is not json")
    let broken = try KeygateBinary.run(["merge", out.path + "/not-json.json"])
    #expect(broken.status == 2)
    #expect(broken.stderr.contains("not-json.json: not a keygate JSON report (invalid JSON)"))

    try out.write("old.json", "{\"verdict\": \"pass\"}")
    let old = try KeygateBinary.run(["merge", out.path + "/old.json"])
    #expect(old.status == 2)
    #expect(old.stderr.contains("old.json: no `report_version`"))

    try out.write("newer.json", "{\"report_version\": 99}")
    let newer = try KeygateBinary.run(["merge", out.path + "/newer.json"])
    #expect(newer.status == 2)
    #expect(newer.stderr.contains("report version 99 is newer than this keygate reads (1)"))

    try out.write("truncated.json", "{\"report_version\": 1, \"verdict\": \"pass\"}")
    let truncated = try KeygateBinary.run(["merge", out.path + "/truncated.json"])
    #expect(truncated.status == 2)
    #expect(truncated.stderr.contains("truncated.json: not a keygate JSON report: at the top level: missing `"))

    let missing = try KeygateBinary.run(["merge", out.path + "/nope.json"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("nope.json: cannot read the report"))
    #expect(try KeygateBinary.run(["merge"]).status == 64)
  }
}
