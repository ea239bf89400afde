/// Masks secrets the way provider dashboards do: the key-type prefix and the last four characters.
public enum Redaction {
  /// Secrets shorter than this show no characters at all: four characters of a short secret
  /// are too large a share of it.
  static let minimumLengthToShowSuffix = 16

  /// The redacted form of `secret`, e.g. `sk-proj-…wxyz`.
  /// - Parameters:
  ///   - secret: The full secret.
  ///   - visiblePrefixes: The rule's key-type prefixes, longest first; the first that starts the
  ///     secret is shown.
  public static func redact(_ secret: String, visiblePrefixes: [String]) -> String {
    let characters = Array(secret)
    guard characters.count >= minimumLengthToShowSuffix else { return "…" }
    let prefix = visiblePrefixes.first { secret.hasPrefix($0) && $0.count + 8 <= characters.count } ?? ""
    return prefix + "…" + String(characters.suffix(4))
  }
}
