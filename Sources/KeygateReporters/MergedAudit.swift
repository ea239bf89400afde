import Foundation
import KeygateCore

/// Native reports of many repositories combined into one audit (`keygate merge`), so that an
/// organisation-wide audit can run as parallel pipeline jobs, one repository each.
public struct MergedAudit: Codable, Sendable {
  /// Counts over every report.
  public struct Summary: Codable, Sendable {
    public let repositories: Int
    /// Reports whose verdict is `fail`.
    public let failing: Int
    /// Reports that could not read everything.
    public let incomplete: Int
    public let secrets: Int
    public let findings: Int
    public let violations: Int
  }

  /// Why a report file cannot be merged.
  public struct LoadError: Error, CustomStringConvertible {
    public let description: String
  }

  public static let currentVersion = 1

  public var auditVersion = MergedAudit.currentVersion
  public var tool = NativeReport.Tool()
  public let summary: Summary
  /// The reports, in the order given.
  public let reports: [NativeReport]

  enum CodingKeys: String, CodingKey {
    case auditVersion = "audit_version", tool, summary, reports
  }

  public init(reports: [NativeReport]) {
    self.reports = reports
    summary = Summary(
      repositories: reports.count, failing: reports.filter { $0.verdict == Verdict.fail.rawValue }.count,
      incomplete: reports.filter { !$0.complete }.count, secrets: reports.reduce(0) { $0 + $1.secrets.count },
      findings: reports.reduce(0) { $0 + $1.findings.count },
      violations: reports.reduce(0) { $0 + ($1.policy?.errors ?? 0) })
  }

  /// The combined verdict: fail when any report fails (a fail is a fail), incomplete when none
  /// fails but one could not read everything, else pass.
  public var verdict: Verdict {
    if summary.failing > 0 { return .fail }
    return summary.incomplete > 0 ? .incomplete : .pass
  }

  /// Reads a native report (`keygate scan -f json`) from `path`.
  /// - Throws: `LoadError` saying which file and what is wrong with it.
  public static func loadReport(path: String) throws(LoadError) -> NativeReport {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw LoadError(description: "\(path): cannot read the report (check that it exists and is readable)")
    }
    // The version first, so that a report from a newer keygate gets a clear message.
    struct Versioned: Decodable {
      let reportVersion: Int?
      enum CodingKeys: String, CodingKey { case reportVersion = "report_version" }
    }
    let version: Int?
    do {
      version = try JSONDecoder().decode(Versioned.self, from: data).reportVersion
    } catch {
      throw LoadError(description: "\(path): not a keygate JSON report (\(Self.reason(error)))")
    }
    guard let version else {
      throw LoadError(description: "\(path): no `report_version`: write reports with `keygate scan -f json` (keygate 0.1 or later)")
    }
    guard version <= NativeReport.currentVersion else {
      throw LoadError(
        description: "\(path): report version \(version) is newer than this keygate reads (\(NativeReport.currentVersion)); merge with a newer keygate")
    }
    do {
      return try JSONDecoder().decode(NativeReport.self, from: data)
    } catch {
      throw LoadError(description: "\(path): not a keygate JSON report: \(Self.reason(error))")
    }
  }

  /// Where in the document decoding failed, and why.
  static func reason(_ error: any Error) -> String {
    func path(_ context: DecodingError.Context) -> String {
      let keys = context.codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
      return keys.isEmpty ? "the top level" : "`\(keys.hasPrefix(".") ? String(keys.dropFirst()) : keys)`"
    }
    switch error as? DecodingError {
    case .keyNotFound(let key, let context)?: return "at \(path(context)): missing `\(key.stringValue)`"
    case .typeMismatch(_, let context)?, .valueNotFound(_, let context)?:
      return "at \(path(context)): \(context.debugDescription)"
    case .dataCorrupted(let context)?:
      return context.codingPath.isEmpty ? "invalid JSON" : "at \(path(context)): \(context.debugDescription)"
    default: return "\(error)"
    }
  }
}
