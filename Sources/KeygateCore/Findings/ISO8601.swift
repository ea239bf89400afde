import Foundation

/// Formats git's (seconds, UTC offset) author dates without Foundation's date formatters.
public enum ISO8601 {
  /// `date` in UTC, e.g. `2026-01-15T10:00:00Z`.
  public static func utc(_ date: Date) -> String {
    String(format(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), offsetMinutes: 0).dropLast(6)) + "Z"
  }

  /// E.g. `2025-10-01T09:30:00+02:00`.
  static func format(seconds: Int64, offsetMinutes: Int32) -> String {
    let local = seconds + Int64(offsetMinutes) * 60
    let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
    let secondsOfDay = local - days * 86_400
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468
    let era = (z >= 0 ? z : z - 146_096) / 146_097
    let dayOfEra = z - era * 146_097
    let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
    let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
    let mp = (5 * dayOfYear + 2) / 153
    let day = dayOfYear - (153 * mp + 2) / 5 + 1
    let month = mp < 10 ? mp + 3 : mp - 9
    let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
    let sign = offsetMinutes < 0 ? "-" : "+"
    let offset = abs(Int(offsetMinutes))
    return "\(pad(year, 4))-\(pad(month))-\(pad(day))T\(pad(secondsOfDay / 3600)):\(pad(secondsOfDay / 60 % 60)):"
      + "\(pad(secondsOfDay % 60))\(sign)\(pad(offset / 60)):\(pad(offset % 60))"
  }

  private static func pad<T: BinaryInteger>(_ value: T, _ width: Int = 2) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
  }
}
