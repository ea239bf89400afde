import ArgumentParser

/// A size on the command line: a number of bytes with an optional unit (K, M, G; KB = KiB).
struct FileSize: ExpressibleByArgument, Sendable {
  let bytes: Int

  init(bytes: Int) { self.bytes = bytes }

  init?(argument: String) {
    let text = argument.trimmingCharacters(in: .whitespaces).lowercased()
    let digits = text.prefix { $0.isNumber }
    guard !digits.isEmpty, let value = Int(digits) else { return nil }
    let units: [String: Int] = [
      "": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10, "m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20,
      "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
    ]
    guard let multiplier = units[String(text.dropFirst(digits.count))] else { return nil }
    let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
    guard !overflow else { return nil }
    bytes = product
  }

  var defaultValueDescription: String { bytes % (1 << 20) == 0 ? "\(bytes >> 20)MB" : "\(bytes)" }
}
