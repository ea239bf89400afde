import Foundation

/// How keygate writes the JSON documents people and pipelines read (reports, rule lists,
/// baselines): pretty-printed, keys sorted so that files diff well, slashes unescaped, with a
/// final newline.
public enum JSONDocument {
  /// `document` as text.
  ///
  /// keygate's documents hold strings, numbers, booleans, arrays and null only, which always
  /// encode: a failure here is a programming error.
  public static func text(_ document: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    do {
      return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    } catch {
      preconditionFailure("a keygate JSON document failed to encode: \(error)")
    }
  }
}
