import Foundation
import KeygateTestSupport
import Testing

/// Redaction everywhere: every report format, written by the real binary, is scanned with
/// keygate's own rules and holds no secret in full, unless `--show-secrets` was given.
@Suite struct ReportRedactionTests {
  static let formats = ["text", "json", "sarif", "gitlab", "codequality", "junit", "markdown"]

  /// A repository whose history, index and working tree each hold a key.
  static func leakyRepository() throws -> (repo: TemporaryGitRepository, keys: [String]) {
    let repo = try TemporaryGitRepository()
    let keys = [TestKeys.openAIProject(seed: 801), TestKeys.openAIAdmin(seed: 802), TestKeys.openAILegacy(seed: 803)]
    try repo.commit("Add settings", files: ["settings.py": "OPENAI_API_KEY = \"\(keys[0])\"\n"])
    try repo.commit("Use env vars", files: ["settings.py": "import os\nOPENAI_API_KEY = os.environ['OPENAI_API_KEY']\n"])
    try repo.write(".env", "OPENAI_ADMIN_KEY=\(keys[1])\n")
    try repo.git(["add", ".env"])
    try repo.write("scratch.txt", "old key \(keys[2])\n")
    return (repo, keys)
  }

  /// Writes every format with one scan (`--report FORMAT=PATH`, repeated), then scans the
  /// folder of reports as a plain directory.
  static func scanReports(showSecrets: Bool) throws -> (findings: [[String: Any]], keys: [String], reports: [String: String]) {
    let (repo, keys) = try leakyRepository()
    let out = try TemporaryGitRepository(initialise: false)
    var arguments = ["scan", repo.path, "-q"]
    for format in formats { arguments += ["--report", "\(format)=\(out.path)/report.\(format)"] }
    if showSecrets { arguments.append("--show-secrets") }
    let result = try KeygateBinary.run(arguments)
    #expect(result.status == 1)
    var reports: [String: String] = [:]
    for format in formats {
      reports[format] = try String(contentsOfFile: "\(out.path)/report.\(format)", encoding: .utf8)
    }
    let scan = try KeygateBinary.run(["scan", out.path, "-f", "json", "-q"])
    let report = try ScanCommandTests.json(scan.stdout)
    return (report["findings"] as? [[String: Any]] ?? [], keys, reports)
  }

  @Test func noFormatHoldsASecretInFull() throws {
    let (findings, keys, reports) = try Self.scanReports(showSecrets: false)
    #expect(findings.isEmpty, "keygate found secrets in its own reports: \(findings.map { $0["path"] ?? "" })")
    for (format, text) in reports {
      #expect(!text.isEmpty, "\(format) is empty")
      for key in keys { #expect(!text.contains(key), "\(format) holds a key in full") }
    }
  }

  @Test func showSecretsIsTheOnlyWayAKeyGetsOut() throws {
    let (findings, keys, _) = try Self.scanReports(showSecrets: true)
    // The check above can fail: with --show-secrets the reports hold the keys, and the scan finds them.
    let found = Set(findings.compactMap { $0["fingerprint"] as? String })
    #expect(found.count == keys.count)
  }
}
