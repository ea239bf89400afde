import Foundation
import KeygateTestSupport
import Testing

/// `keygate audit-trail` on a repository whose keys.yaml history holds every kind of event, a
/// rename of the file, a broken version, a backdated rotation and a date in the future.
@Suite struct AuditTrailTests {
  struct Key {
    var name: String
    var kind = "service"
    var owner: String
    var environment: String
    var created: String
    var rotated: String?
    var status = "active"
    var successor: String?
    var rotationStarted: String?

    var yaml: String {
      var lines = [
        "  - name: \(name)", "    provider: openai", "    kind: \(kind)", "    owner: \(owner)",
        "    environment: \(environment)", "    created: \(created)", "    status: \(status)",
        "    secret_ref: vault:secret/\(name)", "    used_by: [api]", "    last4: \"Zz9q\"",
      ]
      if let rotated { lines.append("    rotated: \(rotated)") }
      if let successor { lines.append("    successor: \(successor)") }
      if let rotationStarted { lines.append("    rotation_started: \(rotationStarted)") }
      return lines.joined(separator: "\n")
    }
  }

  static func inventory(_ keys: [Key]) -> String {
    "version: 1\nkeys:\n" + keys.map(\.yaml).joined(separator: "\n") + "\n"
  }

  /// Commits everything in the work tree with author and committer date `day` (noon UTC).
  @discardableResult
  static func commit(_ repo: TemporaryGitRepository, on day: String, _ message: String, files: [String: String] = [:])
    throws -> String
  {
    for (path, contents) in files { try repo.write(path, contents) }
    try repo.git(["add", "-A"])
    let date = "\(day)T12:00:00+00:00"
    try repo.git(["commit", "-q", "-m", message], environment: ["GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date])
    return try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }

  /// The fixture: eleven events on three keys over ten commits.
  static func fixture() throws -> (repo: TemporaryGitRepository, commits: [String: String]) {
    let repo = try TemporaryGitRepository()
    var commits: [String: String] = [:]
    var chat = Key(name: "26-01-Acme-Chat-Prod", owner: "team-a", environment: "prod", created: "2026-01-05")
    var laptop = Key(name: "26-01-Alice-Chat-Laptop", kind: "personal", owner: "alice", environment: "staging", created: "2026-01-04")
    try repo.write("keygate.yaml", "version: 1\ninventory: keys.yaml\n")
    commits["created"] = try commit(repo, on: "2026-01-05", "Add the key inventory", files: ["security/keys.yaml": inventory([chat, laptop])])
    try repo.git(["mv", "security/keys.yaml", "keys.yaml"])
    try commit(repo, on: "2026-02-01", "Move the inventory to the root")
    chat.rotated = "2026-03-09"
    commits["rotated"] = try commit(repo, on: "2026-03-10", "Rotate the chat key", files: ["keys.yaml": inventory([chat, laptop])])
    chat.rotated = "2026-03-25"
    commits["backdated"] = try commit(repo, on: "2026-04-20", "Record the March rotation", files: ["keys.yaml": inventory([chat, laptop])])
    chat.owner = "team-b"
    laptop.environment = "prod"
    commits["owner"] = try commit(repo, on: "2026-05-01", "Hand the chat key to team B", files: ["keys.yaml": inventory([chat, laptop])])
    chat.successor = "26-05-Acme-Chat-Prod"
    chat.status = "rotating"
    chat.rotationStarted = "2026-05-15"
    let next = Key(name: "26-05-Acme-Chat-Prod", owner: "team-b", environment: "prod", created: "2026-05-15")
    commits["started"] = try commit(repo, on: "2026-05-15", "Start rotating the chat key", files: ["keys.yaml": inventory([chat, laptop, next])])
    chat.status = "revoked"
    commits["revoked"] = try commit(repo, on: "2026-06-01", "Revoke the old chat key", files: ["keys.yaml": inventory([chat, laptop, next])])
    commits["deleted"] = try commit(repo, on: "2026-06-10", "Alice left", files: ["keys.yaml": inventory([chat, next])])
    commits["broken"] = try commit(repo, on: "2026-06-20", "WIP", files: ["keys.yaml": inventory([chat, next]) + "  - name: [unclosed\n"])
    let future = Key(name: "26-07-Acme-Search-Prod", owner: "team-b", environment: "prod", created: "2026-07-30")
    commits["future"] = try commit(repo, on: "2026-06-21", "Add the search key", files: ["keys.yaml": inventory([chat, next, future])])
    return (repo, commits)
  }

  @Test func everyEventKindIsListedWithItsCommitAndFlaggedDates() throws {
    let (repo, commits) = try Self.fixture()
    let result = try KeygateBinary.run(["audit-trail", repo.path, "--format", "json"])
    #expect(result.status == 1, "two events are flagged: \(result.stderr)")
    let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
    #expect(document["inventory"] as? String == "keys.yaml")
    #expect(document["commits"] as? Int == 9, "the rename alone changes nothing")
    let events = try #require(document["events"] as? [[String: Any]])
    let summary = events.map { "\($0["key"] as? String ?? "") \($0["event"] as? String ?? "")" }
    #expect(
      summary == [
        "26-01-Acme-Chat-Prod created", "26-01-Alice-Chat-Laptop created",
        "26-01-Acme-Chat-Prod rotated", "26-01-Acme-Chat-Prod rotated",
        "26-01-Acme-Chat-Prod owner-changed", "26-01-Alice-Chat-Laptop environment-changed",
        "26-01-Acme-Chat-Prod rotation-started", "26-05-Acme-Chat-Prod created",
        "26-01-Acme-Chat-Prod revoked", "26-01-Alice-Chat-Laptop deleted", "26-07-Acme-Search-Prod created",
      ])
    func event(_ index: Int) -> [String: Any] { events[index] }
    #expect((event(0)["commit"] as? [String: Any])?["sha"] as? String == commits["created"])
    #expect((event(0)["commit"] as? [String: Any])?["author"] as? String == "Ada Lovelace")
    #expect(event(0)["path"] as? String == "security/keys.yaml", "the trail follows the rename")
    #expect(event(0)["claimed"] as? String == "2026-01-05")
    #expect(event(0)["flag"] is NSNull)
    #expect(event(2)["detail"] as? String == "rotated on 2026-03-09")
    #expect(event(3)["detail"] as? String == "rotated 2026-03-09 → 2026-03-25")
    #expect((event(3)["commit"] as? [String: Any])?["sha"] as? String == commits["backdated"])
    #expect((event(3)["flag"] as? String)?.contains("26 days before the commit that recorded it (2026-04-20)") == true)
    #expect(event(4)["detail"] as? String == "owner team-a → team-b")
    #expect(event(5)["detail"] as? String == "environment staging → prod")
    #expect(event(6)["detail"] as? String == "rotation started: successor 26-05-Acme-Chat-Prod")
    #expect(event(6)["claimed"] as? String == "2026-05-15")
    #expect(event(8)["detail"] as? String == "revoked (was rotating)")
    #expect((event(9)["commit"] as? [String: Any])?["sha"] as? String == commits["deleted"])
    #expect((event(10)["commit"] as? [String: Any])?["sha"] as? String == commits["future"], "after the broken version")
    #expect((event(10)["flag"] as? String)?.contains("after the commit that recorded it") == true)
    #expect(document["flagged"] as? Int == 2)
    let problems = try #require(document["problems"] as? [[String: String]])
    #expect(problems.count == 1)
    #expect(problems.first?["subject"]?.hasPrefix("keys.yaml at \(commits["broken"]!.prefix(12))") == true)
  }

  @Test func textAndMarkdownShowTheTrailPerKey() throws {
    let (repo, _) = try Self.fixture()
    let text = try KeygateBinary.run(["audit-trail", repo.path, "--key", "26-01-Acme-Chat-Prod"])
    #expect(text.status == 1)
    #expect(text.stdout.contains("26-01-Acme-Chat-Prod\n"))
    #expect(!text.stdout.contains("26-01-Alice-Chat-Laptop"))
    #expect(text.stdout.contains("2026-04-20"))
    #expect(text.stdout.contains("! claims 2026-03-25, 26 days before the commit"))
    #expect(text.stdout.contains("by Ada Lovelace <ada@example.com>"))

    let laptop = try KeygateBinary.run(["audit-trail", repo.path, "--key", "26-01-Alice-Chat-Laptop"])
    #expect(laptop.status == 0, "no flagged event for this key")
    #expect(laptop.stdout.contains("no claimed date disagrees with its commit"))

    let markdown = try KeygateBinary.run(["audit-trail", repo.path, "-f", "markdown"])
    #expect(markdown.stdout.contains("# Key audit trail"))
    #expect(markdown.stdout.contains("| 2026-04-20 | rotated |"))
    #expect(markdown.stdout.contains("**2 flagged events**"))
  }

  @Test func missingInventoryHistoryIsAClearError() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["keygate.yaml": "version: 1\ninventory: keys.yaml\n"])
    try repo.write("keys.yaml", "version: 1\nkeys: []\n")
    let uncommitted = try KeygateBinary.run(["audit-trail", repo.path])
    #expect(uncommitted.status == 2)
    #expect(uncommitted.stderr.contains("keys.yaml is not committed"))

    let plain = try TemporaryGitRepository(initialise: false)
    try plain.write("keygate.yaml", "version: 1\ninventory: keys.yaml\n")
    try plain.write("keys.yaml", "version: 1\nkeys: []\n")
    let notGit = try KeygateBinary.run(["audit-trail", plain.path])
    #expect(notGit.status == 2)
    #expect(notGit.stderr.contains("is not in a git repository"))

    try plain.write("keygate.yaml", "version: 1\n")
    let noInventory = try KeygateBinary.run(["audit-trail", plain.path])
    #expect(noInventory.status == 2)
    #expect(noInventory.stderr.contains("names none. Add `inventory: keys.yaml`"))

    let (fixture, _) = try Self.fixture()
    let unknownKey = try KeygateBinary.run(["audit-trail", fixture.path, "--key", "nope"])
    #expect(unknownKey.status == 2)
    #expect(unknownKey.stderr.contains("no key named nope"))
  }
}
