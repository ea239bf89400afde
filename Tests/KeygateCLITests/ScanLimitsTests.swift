import Foundation
import KeygateTestSupport
import Testing

/// `--max-file-size`, binary content, `--jobs` and `--quiet`, end to end.
@Suite struct ScanLimitsTests {
  static func folder(_ files: [String: [UInt8]]) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-limits-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    for (name, bytes) in files { try Data(bytes).write(to: folder.appendingPathComponent(name)) }
    return folder
  }

  @Test func filesOverTheLimitAreListedNotScanned() throws {
    let key = TestKeys.openAIProject(seed: 91)
    let big = Array("KEY=\(key)\n".utf8) + [UInt8](repeating: 0x61, count: 2 * 1024 * 1024)
    let folder = try Self.folder(["big.txt": big, "small.txt": Array("hello\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }

    let limited = try KeygateBinary.run(["scan", folder.path, "--max-file-size", "1MB", "-f", "json"])
    #expect(limited.status == 0)
    let report = try ScanCommandTests.json(limited.stdout)
    let skipped = try #require(report["skipped"] as? [[String: Any]])
    #expect(skipped.map { $0["subject"] as? String } == ["big.txt"])
    #expect((skipped.first?["message"] as? String)?.contains("over --max-file-size (1 MiB)") == true)
    #expect(report["complete"] as? Bool == true)

    let unlimited = try KeygateBinary.run(["scan", folder.path, "--max-file-size", "0", "-f", "json"])
    #expect(unlimited.status == 1)
  }

  @Test(arguments: ["12", "1x", "MB", "-5", "99999999999999999999G"])
  func badSizesAreUsageErrors(size: String) throws {
    let result = try KeygateBinary.run(["scan", ".", "--max-file-size", size])
    if size == "12" {
      #expect(result.status != 64)
    } else {
      #expect(result.status == 64)
      #expect(result.stderr.contains("--max-file-size"))
    }
  }

  @Test func binaryContentIsScannedBySpecificRulesOnly() throws {
    let key = TestKeys.openAIProject(seed: 92)
    let generic = "password = \"" + TestKeys.random(24, seed: 93, urlSafe: false) + "9x\""
    var bytes: [UInt8] = [0x00, 0x01, 0x02]
    bytes += Array("\n\(generic)\nKEY=\(key)\n".utf8)
    let folder = try Self.folder(["blob.bin": bytes, "text.cfg": Array("\(generic)\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }

    let result = try KeygateBinary.run(["scan", folder.path, "-f", "json"])
    #expect(result.status == 1)
    let findings = try #require(try ScanCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
    let found = findings.map { "\($0["path"] as? String ?? ""):\($0["rule_id"] as? String ?? "")" }.sorted()
    #expect(found == ["blob.bin:openai-project-key", "text.cfg:generic-secret-assignment"])
  }

  @Test func quietLeavesStandardErrorEmptyAndJobsIsChecked() throws {
    let folder = try Self.folder(["a.env": Array("KEY=\(TestKeys.openAIProject(seed: 94))\n".utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let loud = try KeygateBinary.run(["scan", folder.path, "-f", "json", "--jobs", "1"])
    #expect(loud.status == 1)
    #expect(loud.stderr.contains("keygate: fail: 1 secret(s), 1 finding(s)"))
    let quiet = try KeygateBinary.run(["scan", folder.path, "-f", "json", "-j", "2", "--quiet"])
    #expect(quiet.status == 1)
    #expect(quiet.stderr.isEmpty)
    let bad = try KeygateBinary.run(["scan", folder.path, "--jobs", "0"])
    #expect(bad.status == 64)
    #expect(bad.stderr.contains("--jobs must be between 1 and 256"))
  }

  /// `--max-object-seconds`: an object that takes longer is stopped, listed as not fully scanned,
  /// and the verdict is incomplete (exit 2); the other objects are still scanned.
  @Test func anObjectOverTheTimeLimitIsStoppedAndNamed() throws {
    let many = (0..<2000).map { "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 7000 + UInt64($0)))\n" }.joined()
    let repo = try TemporaryGitRepository()
    try repo.commit("Add", files: ["many.env": many, "notes.txt": "plain notes\n"])

    let normal = try KeygateBinary.run(["scan", repo.path, "-f", "json"])
    #expect(normal.status == 1)
    let all = try ScanCommandTests.json(normal.stdout)
    #expect((all["findings"] as? [[String: Any]])?.count == 2000)
    #expect(all["complete"] as? Bool == true)

    // A bound of one microsecond has passed before the first candidate is confirmed.
    let stopped = try KeygateBinary.run(["scan", repo.path, "-f", "json", "--max-object-seconds", "0.000001"])
    #expect(stopped.status == 2, "\(stopped.stderr)")
    let report = try ScanCommandTests.json(stopped.stdout)
    #expect(report["complete"] as? Bool == false)
    let errors = try #require(report["errors"] as? [[String: Any]])
    #expect(errors.contains {
      ($0["subject"] as? String)?.contains("many.env") == true
        && ($0["message"] as? String)?.contains("--max-object-seconds") == true
    })
    let text = try KeygateBinary.run(["scan", repo.path, "--max-object-seconds", "0.000001"])
    #expect(text.status == 2)
    #expect(text.stdout.contains("many.env") && text.stdout.contains("1e-06 s (--max-object-seconds)"))

    // 0 turns the bound off.
    let unbounded = try KeygateBinary.run(["scan", repo.path, "-f", "json", "--max-object-seconds", "0"])
    #expect(unbounded.status == 1)
    #expect((try ScanCommandTests.json(unbounded.stdout)["findings"] as? [[String: Any]])?.count == 2000)

    // The same in a plain folder.
    let folder = try Self.folder(["many.env": Array(many.utf8)])
    defer { try? FileManager.default.removeItem(at: folder) }
    let plain = try KeygateBinary.run(["scan", folder.path, "-f", "json", "--max-object-seconds", "0.000001"])
    #expect(plain.status == 2)
    let plainErrors = try #require(ScanCommandTests.json(plain.stdout)["errors"] as? [[String: Any]])
    #expect(plainErrors.map { $0["subject"] as? String } == ["many.env"])
  }

  @Test func theTimeLimitIsValidated() throws {
    for bad in ["-1", "nan", "100000"] {
      let result = try KeygateBinary.run(["scan", ".", "--max-object-seconds", bad])
      #expect(result.status == 64, "\(bad)")
      #expect(result.stderr.contains("--max-object-seconds"), "\(bad): \(result.stderr)")
    }
  }
}

/// Git LFS pointers and shallow clones are named in the report.
@Suite struct RepositoryShapeTests {
  /// A `git clone` of `repo` over file:// (so that --depth and --filter apply) into a new
  /// temporary folder, which the caller removes.
  static func clone(_ repo: TemporaryGitRepository, _ options: [String]) throws -> String {
    let clone = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-clone-\(UUID().uuidString)").path
    _ = try run(
      "/usr/bin/git", ["clone", "-q"] + options + ["file://\(repo.path)", clone],
      environment: TemporaryGitRepository.environment)
    return clone
  }

  @Test func anLFSPointerIsListedAsSkipped() throws {
    let repo = try TemporaryGitRepository()
    let pointer = "version https://git-lfs.github.com/spec/v1\noid sha256:" + String(repeating: "ab", count: 32)
      + "\nsize 12345\n"
    try repo.commit("Add model", files: ["model.bin": pointer])
    let result = try KeygateBinary.run(["scan", repo.path, "-f", "json"])
    #expect(result.status == 0)
    let skipped = try #require(try ScanCommandTests.json(result.stdout)["skipped"] as? [[String: Any]])
    #expect(skipped.contains {
      $0["subject"] as? String == "model.bin" && ($0["message"] as? String)?.hasPrefix("Git LFS pointer") == true
    })
  }

  @Test func aShallowCloneSaysHowFarHistoryGoes() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("One", files: ["a.txt": "1\n"])
    try repo.commit("Two", files: ["a.txt": "2\n"])
    try repo.commit("Three", files: ["a.txt": "3\n"])
    let clone = try Self.clone(repo, ["--depth", "2"])
    defer { try? FileManager.default.removeItem(atPath: clone) }
    let result = try KeygateBinary.run(["scan", clone, "-f", "json"])
    #expect(result.status == 0)
    let target = try #require(try ScanCommandTests.json(result.stdout)["target"] as? [String: Any])
    #expect((target["note"] as? String)?.hasPrefix("shallow clone: history stops after the 2 commits fetched") == true)
  }

  @Test func aPartialCloneIsIncompleteAndSaysWhy() throws {
    let repo = try TemporaryGitRepository()
    try repo.git(["config", "uploadpack.allowFilter", "true"])
    try repo.commit("One", files: ["a.txt": "1\n"])
    try repo.commit("Two", files: ["b.txt": "2\n"])
    let clone = try Self.clone(repo, ["--no-checkout", "--filter=blob:none"])
    defer { try? FileManager.default.removeItem(atPath: clone) }
    let result = try KeygateBinary.run(["scan", clone, "-f", "json"])
    #expect(result.status == 2)
    let report = try ScanCommandTests.json(result.stdout)
    let target = try #require(report["target"] as? [String: Any])
    #expect((target["note"] as? String)?.contains("partial clone (git clone --filter)") == true)
    let errors = try #require(report["errors"] as? [[String: Any]])
    #expect(Set(errors.compactMap { ($0["subject"] as? String)?.components(separatedBy: " ").first }) == ["a.txt", "b.txt"])
  }

  @Test func aLinkedWorktreeIsScannedWithItsRepositorysHistory() throws {
    let repo = try TemporaryGitRepository()
    try repo.commit("Key", files: ["a.env": "KEY=\(TestKeys.openAIProject(seed: 121))\n"])
    try repo.commit("Remove", files: ["a.env": "KEY=\n"])
    let worktree = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-worktree-\(UUID().uuidString)").path
    defer { try? FileManager.default.removeItem(atPath: worktree) }
    try repo.git(["worktree", "add", "-q", "--detach", worktree])
    try "KEY=\(TestKeys.openAIAdmin(seed: 122))\n".write(toFile: worktree + "/new.env", atomically: true, encoding: .utf8)

    let result = try KeygateBinary.run(["scan", worktree, "-f", "json"])
    #expect(result.status == 1)
    let findings = try #require(try ScanCommandTests.json(result.stdout)["findings"] as? [[String: Any]])
    let found = findings.map { "\($0["source"] as? String ?? ""):\($0["path"] as? String ?? "")" }.sorted()
    #expect(found == ["history:a.env", "worktree:new.env"])
  }
}

/// `--recurse-submodules`: a checked-out submodule is scanned as a repository of its own.
@Suite struct SubmoduleTests {
  @Test func submodulesAreSkippedAndSaidSoUnlessAsked() throws {
    let library = try TemporaryGitRepository()
    try library.commit("Library", files: ["s.env": "KEY=\(TestKeys.openAIProject(seed: 131))\n"])
    let app = try TemporaryGitRepository()
    try app.commit("App", files: ["r.txt": "hi\n"])
    try app.git(["-c", "protocol.file.allow=always", "submodule", "-q", "add", "file://\(library.path)", "lib/sub"])
    try app.git(["commit", "-q", "-m", "Add library"])

    let plain = try KeygateBinary.run(["scan", app.path, "-f", "json"])
    #expect(plain.status == 0)
    let skipped = try #require(try ScanCommandTests.json(plain.stdout)["skipped"] as? [[String: Any]])
    #expect(skipped.contains {
      $0["subject"] as? String == "lib/sub" && ($0["message"] as? String)?.contains("--recurse-submodules") == true
    })

    let recursive = try KeygateBinary.run(["scan", app.path, "-f", "json", "--recurse-submodules"])
    #expect(recursive.status == 1)
    let report = try ScanCommandTests.json(recursive.stdout)
    let findings = try #require(report["findings"] as? [[String: Any]])
    #expect(findings.map { $0["path"] as? String } == ["lib/sub/s.env"])
    #expect(((report["target"] as? [String: Any])?["note"] as? String)?.contains("submodules scanned: lib/sub") == true)
  }

}
