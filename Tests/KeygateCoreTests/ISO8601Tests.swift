import Foundation
import Testing

@testable import KeygateCore

@Suite struct ISO8601Tests {
  @Test(
    arguments: [
      (0, 0, "1970-01-01T00:00:00+00:00"),
      (0, 60, "1970-01-01T01:00:00+01:00"),
      (0, -300, "1969-12-31T19:00:00-05:00"),
      (0, -210, "1969-12-31T20:30:00-03:30"),
      (0, 345, "1970-01-01T05:45:00+05:45"),
      (1_709_208_000, 0, "2024-02-29T12:00:00+00:00"),
      (1_709_249_400, 60, "2024-03-01T00:30:00+01:00"),
      (1_709_251_199, -480, "2024-02-29T15:59:59-08:00"),
      (951_782_400, 0, "2000-02-29T00:00:00+00:00"),
      (4_107_542_400, 0, "2100-03-01T00:00:00+00:00"),
      (1_700_003_600, 0, "2023-11-14T23:13:20+00:00"),
      (-1, 0, "1969-12-31T23:59:59+00:00"),
      (-86_400, 0, "1969-12-31T00:00:00+00:00"),
      (-86_401, 0, "1969-12-30T23:59:59+00:00"),
      (-2_208_988_800, 0, "1900-01-01T00:00:00+00:00"),
      (-2_203_891_200, 0, "1900-03-01T00:00:00+00:00"),
      (-14_182_940, -300, "1969-07-20T15:17:40-05:00"),
      (-12_219_292_800, 0, "1582-10-15T00:00:00+00:00"),
      (253_402_300_799, 0, "9999-12-31T23:59:59+00:00"),
      (-62_135_596_800, 0, "0001-01-01T00:00:00+00:00"),
    ] as [(Int64, Int32, String)])
  func format(seconds: Int64, offsetMinutes: Int32, expected: String) {
    #expect(ISO8601.format(seconds: seconds, offsetMinutes: offsetMinutes) == expected)
  }

  /// Foundation's Gregorian calendar as an independent oracle over a seeded spread of dates.
  @Test func agreesWithFoundationsCalendar() {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    var state: UInt64 = 0x5eed
    for _ in 0..<500 {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      // 1901 to 2099, and offsets from -12:00 to +14:00 in quarter hours.
      let seconds = -2_177_452_800 + Int64(state >> 33) % 6_311_347_200
      let offset = Int32(Int64(state & 0xffff) % 105) * 15 - 720
      let local = Date(timeIntervalSince1970: TimeInterval(seconds + Int64(offset) * 60))
      let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: local)
      let sign = offset < 0 ? "-" : "+"
      let expected = String(
        format: "%04d-%02d-%02dT%02d:%02d:%02d%@%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!,
        parts.minute!, parts.second!, sign, abs(offset) / 60, abs(offset) % 60)
      #expect(
        ISO8601.format(seconds: seconds, offsetMinutes: offset) == expected, "seconds \(seconds), offset \(offset)")
    }
  }
}
