import Foundation
import KeygateCore
import KeygateReporters

/// What keygate's fuzz targets feed an input to, and what they require of the result: no crash,
/// a configuration error that says file:line:column, matches inside the content, JSON that
/// parses and XML without forbidden control characters. The libFuzzer driver (`keygate-fuzz`)
/// traps on a violation; `FuzzCorpusReplayTests` replays the saved corpora through the same
/// checks in the test suite.
public enum FuzzTarget: String, CaseIterable, Sendable {
  case rules, policy, inventory, matcher, decoders, reports

  /// Runs one input; returns what went wrong, or nil.
  public func run(_ bytes: UnsafeRawBufferPointer) -> String? {
    let text = String(decoding: bytes, as: UTF8.self)
    switch self {
    case .rules:
      do { _ = try RuleSet.load([(path: "fuzz-rules.yml", contents: text)]) } catch { return Self.unlocated(error) }
    case .policy:
      do { _ = try ProjectConfig(text: text, path: "keygate.yaml") } catch { return Self.unlocated(error) }
    case .inventory:
      do { _ = try KeyInventory(text: text, path: "keys.yaml") } catch { return Self.unlocated(error) }
    case .matcher:
      return FuzzState.shared.withMatcher { matcher in
        guard let matches = try? matcher.matches(in: bytes) else { return "the matcher threw" }
        for match in matches where match.encodings.isEmpty && match.secretRange.upperBound > bytes.count {
          return "a match beyond the content: \(match.secretRange) of \(bytes.count)"
        }
        return nil
      }
    case .decoders:
      for end in Decoding.base64TriggerEnds(in: bytes) where end > bytes.count {
        return "a base64 trigger ends at \(end), beyond \(bytes.count) bytes"
      }
      _ = Decoding.decodeBase64(bytes)
    case .reports:
      return Self.reportWriters(bytes)
    }
    return nil
  }

  /// A configuration error must say where: file:line:column.
  static func unlocated(_ error: ConfigError) -> String? {
    error.location == nil ? "a configuration error without file:line:column: \(error)" : nil
  }

  /// Every report format over a report whose paths, messages and commit fields come from the
  /// input (control characters, invalid UTF-8, very long lines; fields split at 0xFF).
  static func reportWriters(_ bytes: UnsafeRawBufferPointer) -> String? {
    let parts = bytes.split(separator: 0xFF, maxSplits: 6, omittingEmptySubsequences: false).map {
      String(decoding: $0, as: UTF8.self)
    }
    func part(_ index: Int) -> String { index < parts.count ? parts[index] : "" }
    let rule = FuzzState.shared.rules.rules[0]
    let commit = CommitSummary(
      sha: String(repeating: "a", count: 40), author: part(2), email: part(3), date: part(4), subject: part(5))
    let findings = [
      Finding(
        rule: rule, source: .history, path: part(0), line: 1, column: 1, commit: commit, secret: "sk-" + part(1) + "0000"),
      Finding(
        rule: rule, source: .worktree, path: part(6), line: 3, column: 9, commit: nil, secret: part(1) + "wxyz",
        archiveMembers: [part(5)]),
    ]
    let fingerprints = Set(findings.map(\.fingerprint))
    let report = ScanReport(
      target: ScanTarget(path: part(0), mode: .gitRepository, headCommit: commit.sha, note: part(5)), findings: findings,
      secrets: Scanner.summaries(
        of: findings, rules: [rule], introducedBy: [:], inHead: fingerprints, inWorkingTree: fingerprints),
      problems: [ReadProblem(subject: part(3), message: part(4))], statistics: ScanStatistics(), rules: [rule])
    let context = ReportContext(verdict: .fail, threshold: .info)
    let reporters: [(String, any Reporter)] = [
      ("text", TextReporter()), ("json", JSONReporter()), ("sarif", SARIFReporter()),
      ("gitlab", GitLabSecretDetectionReporter()), ("codequality", CodeQualityReporter()), ("junit", JUnitReporter()),
      ("markdown", MarkdownReporter()),
    ]
    for (name, reporter) in reporters {
      let output = reporter.render(report, context: context)
      if ["json", "sarif", "gitlab", "codequality"].contains(name),
        (try? JSONSerialization.jsonObject(with: Data(output.utf8))) == nil
      {
        return "\(name): the output is not JSON"
      }
      if name == "junit" {
        for scalar in output.unicodeScalars where scalar.value < 0x20 && ![0x09, 0x0A, 0x0D].contains(scalar.value) {
          return "junit: control character U+\(String(scalar.value, radix: 16)) in the XML"
        }
      }
    }
    return nil
  }
}

/// The compiled built-in rules and a matcher, made once per process.
final class FuzzState: @unchecked Sendable {
  static let shared = FuzzState()
  let rules: CompiledRules
  private var matcher: Matcher?
  private let lock = NSLock()

  private init() { rules = try! CompiledRules(RuleSet.builtin()) }

  func withMatcher(_ body: (inout Matcher) -> String?) -> String? {
    lock.lock()
    defer { lock.unlock() }
    if matcher == nil { matcher = try! Matcher(rules: rules) }
    return body(&matcher!)
  }
}
