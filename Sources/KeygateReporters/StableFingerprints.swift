import KeygateCore

/// Fingerprints that stay the same across runs, so that a pipeline tells new issues from old
/// ones: SHA-256 (hex) of `keygate/v1:` and an issue's identity (rule, secret fingerprint,
/// path, commit; or a policy violation's rule, path, subject). A second issue with the same
/// identity in one report (the same key twice in one file) gets `#2` added, and so on, so that
/// every fingerprint of a report is unique.
struct StableFingerprints {
  private var seen: [String: Int] = [:]

  mutating func next(_ identity: String) -> String {
    let count = (seen[identity] ?? 0) + 1
    seen[identity] = count
    return SHA256.hexDigest("keygate/v1:" + identity + (count == 1 ? "" : "#\(count)"))
  }
}
