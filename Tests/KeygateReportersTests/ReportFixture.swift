import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore
@testable import KeygateReporters

/// One scan report with everything a report format must carry, the same on every run: a key
/// in history only, a key still in HEAD that the inventory lists (active, so critical), a
/// staged key, an untracked file's key, a finding a `keygate:allow` comment suppresses, and
/// policy violations (a model not allowed in prod, an overdue key). Every report format's tests
/// and golden files use it.
struct ReportFixture {
  let repository: TemporaryGitRepository
  let report: ScanReport
  /// The secrets in full, to check that no report leaks them.
  let secrets: [String]

  /// The day ages are computed against, and the scan's fixed start time.
  static let asOf = "2026-01-15"
  static let startedAt = Date(timeIntervalSince1970: 1_768_471_200)  // 2026-01-15T10:00:00Z

  init() throws {
    let repo = try TemporaryGitRepository()
    let historyKey = TestKeys.openAIProject(seed: 701)
    let headKey = TestKeys.openAIProject(seed: 702)
    let stagedKey = TestKeys.openAIAdmin(seed: 703)
    let untrackedKey = TestKeys.openAILegacy(seed: 704)
    let allowedKey = TestKeys.openAIServiceAccount(seed: 705)
    try repo.commit(
      "Add the chat service",
      files: [
        "keygate.yaml": """
          version: 1
          environments:
            prod:
              paths: ["deploy/prod/**"]
              allowed_models: [gpt-4o-mini]
          inventory: keys.yaml

          """,
        "keys.yaml": """
          version: 1
          keys:
            - {name: 25-10-AI-Chat-Prod, provider: openai, kind: service, owner: team-chat, environment: prod, created: 2025-10-02, secret_ref: "vault:secret/openai/prod#value", used_by: [chat-api], last4: "\(headKey.suffix(4))"}

          """,
        "src/settings.py": "OPENAI_API_KEY = \"\(historyKey)\"\n",
        "deploy/prod/chat.yaml": "model: gpt-4o\n",
      ])
    try repo.commit(
      "Read the key from the environment",
      files: ["src/settings.py": "import os\nOPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n"])
    try repo.commit(
      "Add the worker",
      files: [
        "deploy/prod/worker.env": "OPENAI_API_KEY=\(headKey)\n",
        "tests/fixture.py": "SAMPLE = \"\(allowedKey)\"  # keygate:allow test fixture, revoked\n",
      ])
    try repo.write("config/admin.env", "OPENAI_ADMIN_KEY=\(stagedKey)\n")
    try repo.git(["add", "config/admin.env"])
    try repo.write("notes.txt", "old key: \(untrackedKey)\n")

    var request = ScanSetup.Request(targetPath: repo.path)
    request.asOf = CalendarDay(Self.asOf)
    let setup = try ScanSetup(request)
    var options = ScanOptions(path: repo.path)
    options.workers = 2
    var report = setup.suppression.apply(to: try Scanner(rules: setup.rules).scan(options))
    report = try #require(setup.policy).review(report, stagedOnly: false, configPath: setup.config.path, workers: 2)
    // What varies between runs: the temporary folder and the time taken.
    var statistics = report.statistics
    statistics.seconds = 0.25
    statistics.startedAt = Self.startedAt
    var fixed = ScanReport(
      target: ScanTarget(path: ".", mode: report.target.mode, headCommit: report.target.headCommit, note: report.target.note),
      findings: report.findings, secrets: report.secrets, problems: report.problems, statistics: statistics,
      rules: report.rules, suppressed: report.suppressed)
    fixed.policy = report.policy
    self.repository = repo
    self.report = fixed
    secrets = [historyKey, headKey, stagedKey, untrackedKey, allowedKey]
  }

  /// The context of a failing gate at the default threshold.
  func context(showSecrets: Bool = false) -> ReportContext {
    ReportContext(verdict: Gate().verdict(for: report), threshold: .info, showSecrets: showSecrets, width: 100)
  }
}

/// Compares `text` with the golden file `name` in Tests/KeygateReportersTests/Golden; with
/// `KEYGATE_UPDATE_GOLDEN=1` in the environment it rewrites the file instead (review the diff).
func expectGolden(_ text: String, _ name: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
  let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(name)").path
  if ProcessInfo.processInfo.environment["KEYGATE_UPDATE_GOLDEN"] == "1" {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    return
  }
  guard let golden = FileManager.default.contents(atPath: path).map({ String(decoding: $0, as: UTF8.self) }) else {
    Issue.record("no golden file \(name): run the tests with KEYGATE_UPDATE_GOLDEN=1 and review it", sourceLocation: sourceLocation)
    return
  }
  if golden != text {
    let got = path + ".actual"
    try? Data(text.utf8).write(to: URL(fileURLWithPath: got))
    Issue.record("\(name) differs from its golden file; this run's output is in \(got) (diff them)", sourceLocation: sourceLocation)
  }
}

/// What the report formats' tests share: the fixture's native report, its output as JSON
/// objects, and edited copies of the report (a path changed, an error added) for the cases the
/// fixture does not hold.
enum PipelineFormatTesting {
  static func document(_ fixture: ReportFixture, showSecrets: Bool = false) -> NativeReport {
    NativeReport(report: fixture.report, context: fixture.context(showSecrets: showSecrets))
  }

  static func object(_ text: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
  }

  static func array(_ text: String) throws -> [[String: Any]] {
    try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
  }

  /// `document` with its JSON form changed by `edit`, read back.
  static func edited(_ document: NativeReport, _ edit: (inout [String: Any]) throws -> Void) throws -> NativeReport {
    var object = try self.object(JSONDocument.text(document))
    try edit(&object)
    let data = try JSONSerialization.data(withJSONObject: object)
    return try JSONDecoder().decode(NativeReport.self, from: data)
  }

  /// Applies `change` to the first finding (`findings[index]`) of a native report's JSON form.
  static func editFinding(_ object: inout [String: Any], at index: Int = 0, _ change: (inout [String: Any]) -> Void)
    throws
  {
    var findings = try #require(object["findings"] as? [[String: Any]])
    change(&findings[index])
    object["findings"] = findings
  }

  /// The index of the fixture's finding at `path`.
  static func findingIndex(_ document: NativeReport, path: String) throws -> Int {
    try #require(document.findings.firstIndex { $0.path == path })
  }
}

@Suite struct ReportFixtureTests {
  @Test func theFixtureHoldsEveryKindOfResult() throws {
    let fixture = try ReportFixture()
    let report = fixture.report
    #expect(Set(report.findings.map(\.source)) == [.history, .index, .worktree])
    #expect(report.suppressed.count == 1)
    #expect(report.policy?.violations.map(\.ruleID) == ["policy.allowed-models", "policy.rotation-age"])
    #expect(report.policy?.links.values.map(\.name) == ["25-10-AI-Chat-Prod"])
    #expect(try expectNoSecrets(JSONReporter().render(report, context: fixture.context()), fixture.secrets))
  }
}

/// True when none of `secrets` appears in `text` (each is also checked on its own line).
func expectNoSecrets(_ text: String, _ secrets: [String], sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> Bool {
  let leaked = secrets.filter { text.contains($0) }
  if !leaked.isEmpty { Issue.record("\(leaked.count) secret(s) in full in the output", sourceLocation: sourceLocation) }
  return leaked.isEmpty
}
