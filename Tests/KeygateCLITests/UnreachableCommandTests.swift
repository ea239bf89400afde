import Foundation
import KeygateTestSupport
import Testing

/// The built binary on a key that only an unreachable blob holds.
@Suite struct UnreachableCommandTests {
  @Test func theTextReportSaysNoReferenceReachesTheKey() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "hello\n"])
    try repo.write("dropped.env", "OPENAI_API_KEY=\(TestKeys.openAIProject())\n")
    let blob = try repo.git(["hash-object", "-w", "dropped.env"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.remove("dropped.env")

    let text = try KeygateBinary.run(["scan", repo.path, "--no-color"])
    #expect(text.status == 1)
    #expect(text.stdout.contains("only in blobs no branch, tag or stash reaches"))
    #expect(text.stdout.contains("blob \(blob):1:16"))
    #expect(text.stdout.contains("working tree: no"))

    let json = try KeygateBinary.run(["scan", repo.path, "-f", "json"])
    let findings = try #require(try ScanCommandTests.json(json.stdout)["findings"] as? [[String: Any]])
    #expect(findings.map { $0["source"] as? String } == ["unreachable"])
    #expect(findings.first?["commit"] is NSNull)
  }
}
