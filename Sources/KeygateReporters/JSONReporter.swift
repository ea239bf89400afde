import Foundation
import KeygateCore

/// keygate's native JSON report: one finding per location, plus findings grouped by secret.
public struct JSONReporter: Reporter {
  public init() {}

  public func render(_ report: ScanReport, context: ReportContext) -> String {
    JSONDocument.text(NativeReport(report: report, context: context))
  }
}
