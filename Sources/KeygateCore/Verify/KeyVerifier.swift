import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// Asks a provider whether a leaked key still works: the opt-in live check.
///
/// Each check is one read-only `GET` (list models, or who am I), sent once with no retries,
/// no cookies, no cache, and no redirects followed. The key goes in a request header only,
/// never in the URL, and never into the ``Verification`` that comes back.
///
/// ```swift
/// let verifier = KeyVerifier()
/// if let provider = KeyVerifier.provider(forRuleID: finding.rule.id) {
///   let verification = verifier.verify(secret: finding.secret, provider: provider)
///   print(verification.status, verification.detail)
/// }
/// ```
public struct KeyVerifier: Sendable {
  /// Where each provider is asked.
  public let endpoints: VerificationEndpoints
  /// How long to wait for an answer.
  public let timeoutSeconds: Double

  /// A verifier that asks `endpoints` and waits `timeoutSeconds` for each answer.
  public init(endpoints: VerificationEndpoints = .init(), timeoutSeconds: Double = 10) {
    self.endpoints = endpoints
    self.timeoutSeconds = timeoutSeconds
  }

  /// The provider that can check keys found by the rule `ruleID`; nil when no provider is
  /// known for this rule id.
  public static func provider(forRuleID ruleID: String) -> VerifiableProvider? {
    if ruleID.hasPrefix("openai-") {
      return .openai
    }
    switch ruleID {
    case "anthropic-api-key", "anthropic-admin-key":
      return .anthropic
    case "github-personal-access-token", "github-fine-grained-personal-access-token", "github-oauth-access-token",
      "github-user-to-server-token":
      return .github
    case "gitlab-personal-access-token":
      return .gitlab
    default:
      return nil
    }
  }

  /// Sends exactly one read-only request, no retries, and says what the answer means.
  ///
  /// Blocks the calling thread for up to about `timeoutSeconds`.
  public func verify(secret: String, provider: VerifiableProvider) -> Verification {
    let call = ProviderCall(provider)
    let url = Self.url(base: endpoints[provider], path: call.path)
    let endpoint = Self.scrub(url?.absoluteString ?? endpoints[provider].absoluteString + call.path, secret: secret)

    func verification(_ status: VerificationStatus, httpStatus: Int? = nil, detail: String) -> Verification {
      Verification(
        provider: provider, status: status, method: "GET", endpoint: endpoint, httpStatus: httpStatus,
        checkedAt: ISO8601.utc(Date()), detail: Self.scrub(detail, secret: secret))
    }

    guard let url, let scheme = url.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
      return verification(.unknown, detail: "the endpoint is not an http or https URL: not checked")
    }
    guard scheme == "https" || Self.isLoopback(host: url.host) else {
      return verification(.unknown, detail: "the key would cross the network unencrypted over plain http: not checked")
    }
    guard Self.fitsInHeader(secret) else {
      return verification(.unknown, detail: "the key has characters an HTTP header cannot carry: not checked")
    }

    var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeoutSeconds)
    request.httpMethod = "GET"
    request.httpShouldHandleCookies = false
    for (name, value) in call.headers(secret: secret) {
      request.setValue(value, forHTTPHeaderField: name)
    }

    switch SingleRequest.send(request, timeoutSeconds: timeoutSeconds) {
    case .timedOut:
      return verification(.unknown, detail: "no answer within \(Self.seconds(timeoutSeconds)) s: status unknown")
    case .failed(let reason):
      return verification(.unknown, detail: "\(reason): status unknown")
    case .answered(let statusCode, let headers, let body):
      let (status, detail) = Self.meaning(of: statusCode, headers: headers, body: body, call: call)
      return verification(status, httpStatus: statusCode, detail: detail)
    }
  }

  /// What an answer says about the key, and the sentence that says so.
  static func meaning(of statusCode: Int, headers: [String: String], body: Data, call: ProviderCall)
    -> (VerificationStatus, String)
  {
    switch statusCode {
    case 200:
      return call.meaningOfSuccess(body: body)
    case 401, 403:
      if statusCode == 403, headers["retry-after"] != nil || headers["x-ratelimit-remaining"] == "0" {
        return (.rateLimited, rateLimitSentence(statusCode, headers: headers))
      }
      return (.inactive, "rejected: HTTP \(statusCode)")
    case 429:
      return (.rateLimited, rateLimitSentence(statusCode, headers: headers))
    case 300..<400 where headers["location"] != nil:
      let location = printable(headers["location"] ?? "")
      return (.unknown, "redirected to \(location) (HTTP \(statusCode)): not followed, status unknown")
    default:
      return (.unknown, "unexpected answer HTTP \(statusCode): status unknown")
    }
  }

  private static func rateLimitSentence(_ statusCode: Int, headers: [String: String]) -> String {
    guard let retryAfter = headers["retry-after"].map(printable), !retryAfter.isEmpty else {
      return "rate limited (HTTP \(statusCode)): status unknown"
    }
    let delay = retryAfter.allSatisfy(\.isASCII) && Int(retryAfter) != nil ? "\(retryAfter) s" : retryAfter
    return "rate limited (HTTP \(statusCode)), retry after \(delay): status unknown"
  }

  /// `base` with `path` appended to its own path, with or without a trailing slash.
  static func url(base: URL, path: String) -> URL? {
    guard var components = URLComponents(url: base, resolvingAgainstBaseURL: true) else { return nil }
    var prefix = components.percentEncodedPath
    while prefix.hasSuffix("/") {
      prefix.removeLast()
    }
    components.percentEncodedPath = prefix + path
    components.percentEncodedQuery = nil
    components.percentEncodedFragment = nil
    return components.url
  }

  private static func isLoopback(host: String?) -> Bool {
    guard let host = host?.lowercased() else { return false }
    return host == "localhost" || host == "::1" || host == "[::1]" || host.hasPrefix("127.")
  }

  /// Visible ASCII only: no spaces, no line breaks that could add a header of their own.
  private static func fitsInHeader(_ secret: String) -> Bool {
    !secret.isEmpty && secret.utf8.allSatisfy { (0x21...0x7E).contains($0) }
  }

  /// A value the server chose, made fit for one line of a report.
  private static func printable(_ text: String) -> String {
    let line = String(String.UnicodeScalarView(text.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
    return line.count > 200 ? String(line.prefix(200)) + "…" : line
  }

  /// `text` with every copy of the key (as is, or percent-encoded) taken out.
  private static func scrub(_ text: String, secret: String) -> String {
    guard !secret.isEmpty else { return text }
    var scrubbed = text.replacingOccurrences(of: secret, with: "[key]")
    if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
      scrubbed = scrubbed.replacingOccurrences(of: encoded, with: "[key]")
    }
    return scrubbed
  }

  /// `10`, `1.5`: the timeout as a person writes it.
  private static func seconds(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e9 ? String(Int(value)) : String(value)
  }
}

/// The one request that checks a key with a provider, and how to read its success.
struct ProviderCall: Sendable {
  let provider: VerifiableProvider

  init(_ provider: VerifiableProvider) {
    self.provider = provider
  }

  /// The path under the provider's base URL.
  var path: String {
    switch provider {
    case .openai, .anthropic: "/v1/models"
    case .github: "/user"
    case .gitlab: "/api/v4/personal_access_tokens/self"
    }
  }

  /// The headers that carry `secret`, and those the provider requires.
  func headers(secret: String) -> [(name: String, value: String)] {
    switch provider {
    case .openai:
      [("Authorization", "Bearer \(secret)")]
    case .anthropic:
      [("x-api-key", secret), ("anthropic-version", "2023-06-01")]
    case .github:
      [("Authorization", "Bearer \(secret)"), ("Accept", "application/vnd.github+json"), ("User-Agent", "keygate")]
    case .gitlab:
      [("PRIVATE-TOKEN", secret)]
    }
  }

  /// What an HTTP 200 with `body` says: the key works only if the body is what the provider sends.
  func meaningOfSuccess(body: Data) -> (VerificationStatus, String) {
    let accepted = (VerificationStatus.active, "the provider accepted the key (HTTP 200)")
    guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
      return (.unknown, "the answer was not the JSON the provider sends: status unknown")
    }
    switch provider {
    case .openai, .anthropic:
      guard object["data"] is [Any] else {
        return (.unknown, "the answer was not the JSON the provider sends (no \"data\" list): status unknown")
      }
      return accepted
    case .github:
      return accepted
    case .gitlab:
      if (object["revoked"] as? Bool) == true {
        return (.inactive, "the provider says the key is revoked (HTTP 200)")
      }
      if (object["active"] as? Bool) == false {
        return (.inactive, "the provider says the key is not active (HTTP 200)")
      }
      return accepted
    }
  }
}
