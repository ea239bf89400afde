import Foundation

/// Which providers can be asked whether a key works, and where.
public enum VerifiableProvider: String, Sendable, Codable, CaseIterable {
  case openai
  case anthropic
  case github
  case gitlab
}

/// The base URL of each provider's API, e.g. to point at a self-managed GitLab or a test server.
///
/// A base URL may carry a path prefix (`https://proxy.example/openai`) and may end in a slash
/// or not: the provider's path is appended to it either way.
public struct VerificationEndpoints: Sendable, Equatable {
  private var baseURLs: [VerifiableProvider: URL]

  /// The providers' public APIs: `https://api.openai.com`, `https://api.anthropic.com`,
  /// `https://api.github.com` and `https://gitlab.com`.
  public init() {
    baseURLs = [
      .openai: URL(string: "https://api.openai.com")!,
      .anthropic: URL(string: "https://api.anthropic.com")!,
      .github: URL(string: "https://api.github.com")!,
      .gitlab: URL(string: "https://gitlab.com")!,
    ]
  }

  /// The base URL that `provider`'s request is sent under.
  public subscript(provider: VerifiableProvider) -> URL {
    get { baseURLs[provider]! }
    set { baseURLs[provider] = newValue }
  }
}

/// What the provider's answer says about a key.
public enum VerificationStatus: String, Sendable, Codable {
  /// The provider accepted the key: it works now and must be revoked.
  case active
  /// The provider rejected the key, or said it is revoked or not active.
  case inactive
  /// The provider refused to answer because of rate limiting: the key's status is unknown.
  case rateLimited = "rate-limited"
  /// No answer, or an answer that says nothing about the key.
  case unknown
}

/// The result of asking one provider whether one key works.
///
/// It never holds the key itself: `endpoint` and `detail` are safe to print and to store.
public struct Verification: Sendable, Codable, Hashable {
  public let provider: VerifiableProvider
  public let status: VerificationStatus
  /// The HTTP method of the request, always `GET`.
  public let method: String
  /// The full URL requested, e.g. `https://api.openai.com/v1/models`.
  public let endpoint: String
  /// The status code of the answer; nil when there was no answer.
  public let httpStatus: Int?
  /// When the check was made, ISO 8601 in UTC, e.g. `2026-11-27T08:15:02Z`.
  public let checkedAt: String
  /// One sentence a person reads, e.g. `rejected: HTTP 401`.
  public let detail: String

  enum CodingKeys: String, CodingKey {
    case provider, status, method, endpoint
    case httpStatus = "http_status"
    case checkedAt = "checked_at"
    case detail
  }

  public init(
    provider: VerifiableProvider, status: VerificationStatus, method: String, endpoint: String, httpStatus: Int?,
    checkedAt: String, detail: String
  ) {
    self.provider = provider
    self.status = status
    self.method = method
    self.endpoint = endpoint
    self.httpStatus = httpStatus
    self.checkedAt = checkedAt
    self.detail = detail
  }
}
