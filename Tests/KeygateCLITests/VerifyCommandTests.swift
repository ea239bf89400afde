import Foundation
import KeygateTestSupport
import Testing

/// `keygate scan --verify` end to end: the real binary asks a fake provider on loopback about
/// each leaked key, once, and every report says what was checked, when, and what it answered.
@Suite struct VerifyCommandTests {
  /// OpenAI keys the scanner finds whose random part carries the word the fake provider answers by.
  static func key(_ behaviour: String, seed: UInt64) -> String {
    "sk-" + "proj-" + behaviour + TestKeys.random(74 - behaviour.count, seed: seed, urlSafe: false) + TestKeys.openAIMarker
      + TestKeys.random(74, seed: seed + 1, urlSafe: false)
  }

  static func repository() throws -> (TemporaryGitRepository, active: String, revoked: String) {
    let repo = try TemporaryGitRepository()
    let active = key("active", seed: 971)
    let revoked = key("revoked", seed: 973)
    try repo.commit("Add keys", files: ["app.env": "OPENAI_API_KEY=\(active)\n", "old.env": "OPENAI_API_KEY=\(revoked)\n"])
    return (repo, active, revoked)
  }

  @Test func eachLeakedKeyIsAskedOnceAndTheAnswerIsInEveryReport() throws {
    let (repo, active, revoked) = try Self.repository()
    let server = try FakeProvider()
    let endpoint = ["--verify", "--verify-endpoint", "openai=\(server.baseURL)"]

    let result = try KeygateBinary.run(["scan", repo.path, "--format", "json"] + endpoint)
    #expect(result.status == 1)
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let secrets = try #require(report["secrets"] as? [[String: Any]])
    let statuses = Dictionary(uniqueKeysWithValues: secrets.map {
      ($0["redacted"] as? String ?? "", ($0["verification"] as? [String: Any])?["status"] as? String ?? "none")
    })
    #expect(statuses == ["sk-proj-…\(active.suffix(4))": "active", "sk-proj-…\(revoked.suffix(4))": "inactive"])
    let verification = try #require(secrets.first?["verification"] as? [String: Any])
    #expect(verification["endpoint"] as? String == "\(server.baseURL)/v1/models")
    #expect(verification["method"] as? String == "GET")
    #expect((verification["checked_at"] as? String)?.hasSuffix("Z") == true)
    let summary = try #require(report["live_check"] as? String)
    #expect(summary.contains("2 keys asked of their providers"))
    #expect(summary.contains("one read-only request each: 1 active, 1 inactive"))
    let requests = try server.requests()
    #expect(requests.count == 2, "one request per key, no retries")
    #expect(requests.allSatisfy { $0.method == "GET" && $0.path == "/v1/models" && $0.bodyLength == 0 })
    for key in [active, revoked] { #expect(!result.stdout.contains(key) && !result.stderr.contains(key)) }

    let text = try KeygateBinary.run(["scan", repo.path, "--no-color"] + endpoint)
    #expect(text.stdout.contains("note: live check (--verify): 2 keys asked"))
    #expect(text.stdout.contains("  live         active: the provider accepted the key"))
    #expect(text.stdout.contains("  live         inactive: "))
    for format in ["sarif", "gitlab", "junit", "markdown", "codequality"] {
      let rendered = try KeygateBinary.run(["scan", repo.path, "--format", format] + endpoint)
      #expect(rendered.stdout.contains("active"), "\(format)")
      for key in [active, revoked] { #expect(!rendered.stdout.contains(key), "\(format)") }
    }
  }

  @Test func nothingIsSentWithoutVerifyAndNeverOnStagedChanges() throws {
    let (repo, _, _) = try Self.repository()
    let server = try FakeProvider()
    let plain = try KeygateBinary.run(["scan", repo.path, "--format", "json"])
    #expect(!plain.stdout.contains("\"verification\"") && !plain.stdout.contains("live_check"))

    let staged = try KeygateBinary.run(["scan", repo.path, "--staged", "--verify"])
    #expect(staged.status == 64)
    #expect(staged.stderr.contains("never runs on staged changes"))
    let endpointOnly = try KeygateBinary.run(["scan", repo.path, "--verify-endpoint", "openai=\(server.baseURL)"])
    #expect(endpointOnly.status == 64)
    let badEndpoint = try KeygateBinary.run(["scan", repo.path, "--verify", "--verify-endpoint", "aws=http://127.0.0.1:1"])
    #expect(badEndpoint.status == 64)
    #expect(try server.requests().isEmpty)
  }

  @Test func anUnreachableProviderLeavesTheStatusUnknownAndTheGateUnchanged() throws {
    let (repo, _, _) = try Self.repository()
    let server = try FakeProvider()
    let closed = server.baseURL
    server.stop()
    let result = try KeygateBinary.run(
      ["scan", repo.path, "--format", "json", "--verify", "--verify-timeout", "2", "--verify-endpoint", "openai=\(closed)"])
    #expect(result.status == 1, "a leaked key fails the gate whatever the provider says")
    let report = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    let secrets = try #require(report["secrets"] as? [[String: Any]])
    #expect(secrets.allSatisfy { ($0["verification"] as? [String: Any])?["status"] as? String == "unknown" })
  }
}
