import Foundation
import KeygateTestSupport
import Testing

/// Keys inside build artifacts: archives built at test time, scanned by the real binary.
@Suite struct ArchiveScanTests {
  static func json(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  /// Scans `path` to JSON; returns the exit status, the findings' paths and the report.
  static func scan(_ path: String, _ options: [String] = []) throws -> (status: Int32, paths: [String], report: [String: Any]) {
    let result = try KeygateBinary.run(["scan", path, "--format", "json", "--quiet"] + options)
    let report = try json(result.stdout)
    let findings = report["findings"] as? [[String: Any]] ?? []
    return (result.status, findings.compactMap { $0["path"] as? String }.sorted(), report)
  }

  static func problems(_ report: [String: Any], _ key: String) -> [(subject: String, message: String)] {
    (report[key] as? [[String: Any]] ?? []).map { ($0["subject"] as? String ?? "", $0["message"] as? String ?? "") }
  }

  @Test func everyArchiveFormatIsOpened() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    let line = { (seed: UInt64) in "OPENAI_API_KEY = \"\(TestKeys.openAIProject(seed: seed))\"\n" }
    let formats: [(String, [String: Any])] = [
      ("dist/app.whl", ["kind": "zip", "members": ["app/__init__.py": "", "app/config.py": "# settings\n" + line(901)]]),
      ("dist/app.jar", ["kind": "zip", "members": ["META-INF/MANIFEST.MF": "Manifest-Version: 1.0\n", "application.properties": line(902)]]),
      ("dist/report.docx", ["kind": "zip", "members": ["word/document.xml": "<w:t>\(TestKeys.openAIProject(seed: 903))</w:t>"]]),
      ("dist/site.tar", ["kind": "tar", "members": ["site/.env": line(904)]]),
      ("dist/site.tgz", ["kind": "tgz", "members": ["site/.env": line(905)]]),
      ("dist/site.tar.bz2", ["kind": "tbz2", "members": ["site/.env": line(906)]]),
      ("dist/site.tar.xz", ["kind": "txz", "members": ["site/.env": line(907)]]),
      ("dist/settings.json.gz", ["kind": "gz", "content": line(908)]),
      ("dist/demo_1.0_amd64.deb", ["kind": "deb", "members": ["./etc/demo/demo.conf": line(909)]]),
    ]
    for (path, spec) in formats { try ArchiveFixtures.write(spec, to: folder.path + "/" + path) }

    let (status, paths, report) = try Self.scan(folder.path)
    #expect(status == 1)
    #expect(
      paths == [
        "dist/app.jar!application.properties", "dist/app.whl!app/config.py", "dist/demo_1.0_amd64.deb!data.tar.xz!etc/demo/demo.conf",
        "dist/report.docx!word/document.xml", "dist/settings.json.gz!settings.json", "dist/site.tar!site/.env",
        "dist/site.tar.bz2!site/.env", "dist/site.tar.xz!site/.env", "dist/site.tgz!site/.env",
      ])
    let findings = try #require(report["findings"] as? [[String: Any]])
    let wheel = try #require(findings.first { $0["path"] as? String == "dist/app.whl!app/config.py" })
    #expect(wheel["line"] as? Int == 2)
    #expect(wheel["column"] as? Int == 19)
    #expect(wheel["archive_chain"] as? [String] == ["dist/app.whl", "app/config.py"])
    #expect(Self.problems(report, "errors").isEmpty)
  }

  /// The text report and every pipeline format name the member: `archive!member:line`.
  @Test func reportsNameTheMember() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    let key = TestKeys.openAIProject(seed: 911)
    try ArchiveFixtures.write(["kind": "zip", "members": ["app/config.py": "\nKEY = '\(key)'\n"]], to: folder.path + "/app.whl")
    let text = try KeygateBinary.run(["scan", folder.path, "--quiet"])
    #expect(text.status == 1)
    #expect(text.stdout.contains("app.whl!app/config.py:2:8"))
    #expect(!text.stdout.contains(key))
    for format in ["sarif", "gitlab", "codequality", "junit", "markdown"] {
      let result = try KeygateBinary.run(["scan", folder.path, "--quiet", "--format", format])
      #expect(result.stdout.contains("app.whl!app/config.py"), "\(format)")
      #expect(!result.stdout.contains(key), "\(format)")
    }
  }

  @Test func nestedArchivesOpenUpToTheDepthLimitAndSaySoBeyondIt() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    func nest(_ depth: Int, key: String) -> [String: Any] {
      depth == 1
        ? ["kind": "zip", "members": ["secrets.env": "OPENAI_API_KEY=\(key)\n"]]
        : ["kind": depth % 2 == 0 ? "tgz" : "zip", "members": ["level\(depth - 1).bin": nest(depth - 1, key: key)]]
    }
    try ArchiveFixtures.write(nest(3, key: TestKeys.openAIProject(seed: 921)), to: folder.path + "/three.zip")
    try ArchiveFixtures.write(nest(4, key: TestKeys.openAIProject(seed: 922)), to: folder.path + "/four.tgz")

    let (status, paths, report) = try Self.scan(folder.path)
    #expect(status == 1)
    #expect(paths == ["three.zip!level2.bin!level1.bin!secrets.env"])
    let skipped = Self.problems(report, "skipped")
    #expect(skipped.map(\.subject) == ["four.tgz!level3.bin!level2.bin!level1.bin"])
    #expect(skipped.first?.message.contains("an archive nested 4 deep: not opened (--max-archive-depth 3)") == true)

    let deeper = try Self.scan(folder.path, ["--max-archive-depth", "4"])
    #expect(deeper.paths.contains("four.tgz!level3.bin!level2.bin!level1.bin!secrets.env"))
    #expect(Self.problems(deeper.report, "skipped").isEmpty)
  }

  @Test func aCorruptArchiveIsReportedAndTheScanGoesOn() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    try ArchiveFixtures.write(
      ["kind": "tgz", "members": ["a.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 931))\n", "b.bin": (0..<40_000).map { String($0 &* 7919 % 100_003) }.joined(separator: ",")]],
      to: folder.path + "/broken.tgz")
    let whole = try Data(contentsOf: URL(fileURLWithPath: folder.path + "/broken.tgz"))
    try whole.prefix(whole.count * 4 / 5).write(to: URL(fileURLWithPath: folder.path + "/broken.tgz"))
    try folder.write("app.env", "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 932))\n")

    let (status, paths, report) = try Self.scan(folder.path)
    #expect(status == 1, "a fail is a fail, even with part of the input unreadable")
    #expect(paths.contains("app.env"))
    #expect(paths.contains("broken.tgz!a.env"), "what precedes the damage is still scanned")
    let errors = Self.problems(report, "errors")
    #expect(errors.contains { $0.subject.hasPrefix("broken.tgz") })
    #expect(report["complete"] as? Bool == false)

    // Nothing found and an unreadable archive: a pass keygate cannot vouch for.
    try folder.remove("app.env")
    try Data("PK\u{3}\u{4}garbage that is not a zip".utf8).write(to: URL(fileURLWithPath: folder.path + "/app.zip"))
    try FileManager.default.removeItem(atPath: folder.path + "/broken.tgz")
    let unreadable = try Self.scan(folder.path)
    #expect(unreadable.status == 2)
    #expect(Self.problems(unreadable.report, "errors").contains { $0.subject.hasPrefix("app.zip") })
  }

  @Test func anArchiveBombStopsAtTheLimit() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    // 40 members of 1 MiB of zeros: a few KiB compressed; the key is in the last member.
    var members: [String: Any] = [:]
    for index in 0..<40 { members[String(format: "zeros/%02d.bin", index)] = String(repeating: "0", count: 1 << 20) }
    members["zz.env"] = "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 941))\n"
    try ArchiveFixtures.write(["kind": "zip", "members": members], to: folder.path + "/bomb.zip")

    let stopped = try Self.scan(folder.path, ["--max-archive-bytes", "8MB"])
    #expect(stopped.paths.isEmpty)
    let skipped = Self.problems(stopped.report, "skipped")
    #expect(skipped.contains { $0.subject == "bomb.zip" && $0.message.contains("stopped after 8 MiB of content (--max-archive-bytes)") })
    #expect(stopped.status == 0, "a deliberate, listed skip, as --max-file-size is")

    let counted = try Self.scan(folder.path, ["--max-archive-members", "5"])
    #expect(Self.problems(counted.report, "skipped").contains { $0.message.contains("stopped after 5 members (--max-archive-members)") })

    let whole = try Self.scan(folder.path)
    #expect(whole.paths == ["bomb.zip!zz.env"])
  }

  /// A container image: each layer is named by its digest and its paths from the root; a key a
  /// later layer deletes is still reported, since it is still in the image.
  @Test(arguments: ["oci", "docker", "podman", "docker-legacy"]) func containerImageLayers(_ kind: String) throws {
    let folder = try TemporaryGitRepository(initialise: false)
    let key = TestKeys.openAIProject(seed: 951)
    let layers: [[String: String]] = [
      ["app/main.py": "print('hello')\n", "app/.env": "OPENAI_API_KEY=\(key)\n"],
      ["app/.wh..env": ""],  // the second layer deletes /app/.env
    ]
    let target = folder.path + (kind == "oci" ? "/image" : "/image.tar")
    try ArchiveFixtures.write(["kind": kind, "layers": layers], to: target)

    let (status, paths, report) = try Self.scan(folder.path)
    #expect(status == 1)
    #expect(paths.count == 1)
    let path = try #require(paths.first)
    #expect(path.hasSuffix("!/app/.env"), "\(path)")
    if kind == "docker-legacy" {
      // Before Docker 25 a layer is `<id>/layer.tar`; its paths are still shown from the root.
      #expect(path.hasPrefix("image.tar!") && path.contains("/layer.tar!/app/.env"), "\(path)")
    } else {
      let prefix = kind == "oci" ? "image!sha256:" : "image.tar!sha256:"
      #expect(path.hasPrefix(prefix), "\(path)")
      let digest = path.dropFirst(prefix.count).prefix { $0 != "!" }
      #expect(digest.count == 64)
    }
    let finding = try #require((report["findings"] as? [[String: Any]])?.first)
    #expect((finding["archive_chain"] as? [String])?.last == "/app/.env")
    #expect(Self.problems(report, "errors").isEmpty)
  }

  /// Archives committed to the repository are opened in history too; --no-archives turns it off.
  @Test func archivesInGitHistoryAreOpened() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Initial", files: ["README.md": "# app\n"])
    try ArchiveFixtures.write(
      ["kind": "zip", "members": ["fixtures/settings.py": "OPENAI_API_KEY = '\(TestKeys.openAIProject(seed: 961))'\n"]],
      to: repo.path + "/tests/data/fixture.zip")
    try repo.git(["add", "."])
    try repo.git(["commit", "-q", "-m", "Add a test fixture"])
    let added = try repo.git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
    try repo.git(["rm", "-q", "tests/data/fixture.zip"])
    try repo.git(["commit", "-q", "-m", "Remove the fixture"])

    let (status, paths, report) = try Self.scan(repo.path)
    #expect(status == 1)
    #expect(paths == ["tests/data/fixture.zip!fixtures/settings.py"])
    let finding = try #require((report["findings"] as? [[String: Any]])?.first)
    #expect((finding["commit"] as? [String: Any])?["sha"] as? String == added)
    #expect(finding["source"] as? String == "history")

    let off = try Self.scan(repo.path, ["--no-archives"])
    #expect(off.status == 0)
    #expect(off.paths.isEmpty)
  }

  @Test func archiveLimitsAreValidated() throws {
    for options in [["--max-archive-depth", "0"], ["--max-archive-bytes", "0"], ["--max-archive-members", "-1"]] {
      let result = try KeygateBinary.run(["scan", "."] + options)
      #expect(result.status == 64, "\(options)")
    }
  }
}
