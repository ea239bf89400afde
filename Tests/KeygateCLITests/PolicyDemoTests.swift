import Foundation
import KeygateTestSupport
import Testing

/// `ci-examples/policy-demo/` does what its README says: it fails with the seven violations
/// listed there, and passes once `policy-demo-fix.patch` is applied.
@Suite struct PolicyDemoTests {
  static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../ci-examples").standardized.path

  @Test func theWalkThroughGoesFromFailToPass() throws {
    let repo = try TemporaryGitRepository()
    let demo = Self.examples + "/policy-demo"
    for file in try FileManager.default.subpathsOfDirectory(atPath: demo) {
      var isDirectory: ObjCBool = false
      guard FileManager.default.fileExists(atPath: demo + "/" + file, isDirectory: &isDirectory), !isDirectory.boolValue
      else { continue }
      try repo.write(file, String(contentsOfFile: demo + "/" + file, encoding: .utf8))
    }
    try repo.git(["add", "-A"])
    try repo.git(["commit", "-qm", "Chat demo"])

    let failing = try KeygateBinary.run(["scan", "--as-of", "2026-01-15", "--no-color", repo.path])
    #expect(failing.status == 1)
    let listed = failing.stdout.split(separator: "\n").filter { $0.contains("  policy.") }.map(String.init)
    #expect(
      listed == [
        "HIGH  policy.allowed-models  deploy/prod/chat-api.yaml:5:10",
        "HIGH  policy.allowed-models  deploy/staging/chat-api.yaml:6:20",
        "HIGH  policy.rotation-age  keys.yaml:11:14",
        "LOW  policy.key-naming  keys.yaml:16:11",
        "MEDIUM  policy.client-exposure  web/chat.js:4:16",
        "HIGH  policy.client-exposure  web/chat.js:5:27",
        "HIGH  policy.client-exposure  web/chat.js:6:3",
      ])
    #expect(failing.stdout.contains("FAIL: 7 policy violations"))
    // The README quotes the same lines.
    let readme = try String(contentsOfFile: demo + "/README.md", encoding: .utf8)
    for line in listed { #expect(readme.contains(line)) }

    try repo.git(["apply", Self.examples + "/policy-demo-fix.patch"])
    let passing = try KeygateBinary.run(["scan", "--as-of", "2026-01-15", repo.path])
    #expect(passing.status == 0)
    #expect(passing.stdout.contains("PASS: no secrets found, no policy violations."))

    let reminder = try KeygateBinary.run(["inventory", "--as-of", "2026-02-20", "--due-within", "14", repo.path])
    #expect(reminder.status == 0)
    #expect(reminder.stdout.contains("25-12-Demo-Chat-Staging"))
    #expect(!reminder.stdout.contains("25-10-Demo-Chat-Prod"))
    let overdue = try KeygateBinary.run(["inventory", "--as-of", "2026-03-20", "--due-within", "14", repo.path])
    #expect(overdue.status == 1)
  }
}
