/// `--verify`: each leaked key the report holds, asked once of its provider whether it still
/// works. Opt-in, never on staged changes (the pre-commit path), one read-only request per key.
extension ScanReport {
  /// The report with `verifications` filled in: a request for each secret whose rule names a
  /// provider with a live check (OpenAI, Anthropic, GitHub, GitLab), one at a time.
  public func verifyingSecrets(with verifier: KeyVerifier) -> ScanReport {
    var results: [String: Verification] = [:]
    for secret in secrets {
      guard let provider = KeyVerifier.provider(forRuleID: secret.ruleID), let value = secret.findings.first?.secret
      else { continue }
      results[secret.fingerprint] = verifier.verify(secret: value, provider: provider)
    }
    var copy = self
    copy.verifications = results
    return copy
  }

  /// What `--verify` did, in one sentence for the report, or nil when it was not asked for.
  public var liveCheckSummary: String? {
    guard let verifications else { return nil }
    let unchecked = secrets.count - verifications.count
    if verifications.isEmpty {
      return "live check (--verify): none of the \(secrets.count) key\(secrets.count == 1 ? "" : "s") found has a provider "
        + "keygate can ask (OpenAI, Anthropic, GitHub, GitLab); nothing was sent"
    }
    var counts: [VerificationStatus: Int] = [:]
    for verification in verifications.values { counts[verification.status, default: 0] += 1 }
    let order: [VerificationStatus] = [.active, .inactive, .rateLimited, .unknown]
    let tally = order.compactMap { status in counts[status].map { "\($0) \(status.rawValue)" } }.joined(separator: ", ")
    let times = verifications.values.map(\.checkedAt).sorted()
    let when = times.first == times.last ? "at \(times.first!)" : "from \(times.first!) to \(times.last!)"
    return "live check (--verify): \(verifications.count) key\(verifications.count == 1 ? "" : "s") asked of "
      + "\(verifications.count == 1 ? "its provider" : "their providers") \(when), one read-only request each: \(tally)"
      + (unchecked > 0 ? "; \(unchecked) other\(unchecked == 1 ? "" : "s") not checked (no live check for that provider)" : "")
  }
}
