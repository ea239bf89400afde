import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

#if canImport(Glibc)
  /// glibc's `malloc_trim`, which the Glibc module does not export.
  @_silgen_name("malloc_trim") func glibcMallocTrim(_ pad: Int) -> Int32
#endif

/// One process scanning 1,000 small repositories keeps its memory flat: every libgit2
/// repository, Hyperscan scratch and PCRE2 match data a scan opens is freed.
@Suite struct RepeatedScanMemoryTests {
  /// Resident memory in bytes (Linux /proc), after the allocator gave back what it holds free
  /// (keygate keeps large freed buffers for reuse: see CLibgit2's shim).
  static func residentBytes() -> Int {
    #if canImport(Glibc)
      _ = glibcMallocTrim(0)
    #endif
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8),
      let pages = Int(text.split(separator: " ")[1])
    else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
  }

  @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/self/statm"), "reads /proc/self/statm"))
  func aThousandScansKeepMemoryFlat() throws {
    let repositories = try (0..<4).map { index in
      let repo = try TemporaryGitRepository()
      try repo.commit("One", files: ["app.py": "print(\(index))\n", "keys.env": "OPENAI_API_KEY=\(TestKeys.openAIProject(seed: 2000 + UInt64(index)))\n"])
      try repo.commit("Two", files: ["app.py": "print('two')\n"])
      try repo.write("untracked.txt", "new\n")
      return repo
    }
    let scanner = Scanner(rules: try CompiledRules(RuleSet.builtin()))
    func scanAll(_ rounds: Int) throws {
      for round in 0..<rounds {
        var options = ScanOptions(path: repositories[round % repositories.count].path)
        options.workers = 2
        let report = try scanner.scan(options)
        #expect(report.findings.count == 1)
      }
    }
    try scanAll(200)  // warm-up: caches, allocator arenas, the runtime's own tables
    let before = Self.residentBytes()
    try scanAll(400)
    let middle = Self.residentBytes()
    try scanAll(400)
    let growth = Self.residentBytes() - before
    #expect(middle - before < 16 << 20, "resident memory grew \((middle - before) >> 20) MiB over the first 400 scans")
    #expect(growth < 24 << 20, "resident memory grew \(growth >> 20) MiB over 800 scans")
  }
}
