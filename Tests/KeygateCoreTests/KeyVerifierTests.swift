import Foundation
import KeygateTestSupport
import Testing

@testable import KeygateCore

/// The live check against a fake provider: a Python `http.server` on loopback that answers
/// according to the key it receives and records every request it gets.
@Suite struct KeyVerifierTests {
  // MARK: Which rules can be checked

  @Test(
    arguments: [
      ("openai-project-key", VerifiableProvider.openai),
      ("openai-service-account-key", .openai),
      ("openai-admin-key", .openai),
      ("openai-user-key", .openai),
      ("anthropic-api-key", .anthropic),
      ("anthropic-admin-key", .anthropic),
      ("github-personal-access-token", .github),
      ("github-fine-grained-personal-access-token", .github),
      ("github-oauth-access-token", .github),
      ("github-user-to-server-token", .github),
      ("gitlab-personal-access-token", .gitlab),
    ] as [(String, VerifiableProvider)])
  func ruleWithAProviderNamesIt(ruleID: String, provider: VerifiableProvider) {
    #expect(KeyVerifier.provider(forRuleID: ruleID) == provider)
  }

  @Test(
    arguments: [
      "anthropic-oauth-token", "azure-openai-api-key", "github-refresh-token", "github-server-to-server-token",
      "gitlab-deploy-token", "gitlab-ci-job-token", "aws-access-key", "openai", "",
    ])
  func ruleWithoutAProviderHasNone(ruleID: String) {
    #expect(KeyVerifier.provider(forRuleID: ruleID) == nil)
  }

  // MARK: Endpoints

  @Test func endpointsDefaultToThePublicAPIs() {
    var endpoints = VerificationEndpoints()
    #expect(endpoints[.openai].absoluteString == "https://api.openai.com")
    #expect(endpoints[.anthropic].absoluteString == "https://api.anthropic.com")
    #expect(endpoints[.github].absoluteString == "https://api.github.com")
    #expect(endpoints[.gitlab].absoluteString == "https://gitlab.com")
    endpoints[.gitlab] = URL(string: "https://gitlab.example.com")!
    #expect(endpoints[.gitlab].absoluteString == "https://gitlab.example.com")
    #expect(endpoints != VerificationEndpoints())
  }

  @Test(
    arguments: [
      ("https://api.openai.com", "https://api.openai.com/v1/models"),
      ("https://api.openai.com/", "https://api.openai.com/v1/models"),
      ("http://127.0.0.1:8080/openai", "http://127.0.0.1:8080/openai/v1/models"),
      ("http://127.0.0.1:8080/openai/", "http://127.0.0.1:8080/openai/v1/models"),
      ("http://127.0.0.1:8080/a/b//", "http://127.0.0.1:8080/a/b/v1/models"),
    ])
  func pathIsAppendedToTheBaseURL(base: String, expected: String) {
    #expect(KeyVerifier.url(base: URL(string: base)!, path: "/v1/models")?.absoluteString == expected)
  }

  // MARK: Each provider, active and revoked

  @Test(arguments: VerifiableProvider.allCases)
  func activeKeyIsAcceptedWithOneReadOnlyRequest(provider: VerifiableProvider) throws {
    let server = try FakeProvider()
    defer { server.stop() }
    let key = Self.key(provider, "active")

    let verification = KeyVerifier(endpoints: server.endpoints).verify(secret: key, provider: provider)

    #expect(verification.provider == provider)
    #expect(verification.status == .active)
    #expect(verification.httpStatus == 200)
    #expect(verification.method == "GET")
    #expect(verification.endpoint == "http://127.0.0.1:\(server.port)\(Self.path(provider))")
    #expect(verification.detail == "the provider accepted the key (HTTP 200)")
    #expect(verification.checkedAt.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/) != nil)
    Self.expectNoKey(in: verification, key: key)

    let onlyRequest = try server.onlyRequest()
    let request = try #require(onlyRequest)
    #expect(request.method == "GET")
    #expect(request.path == Self.path(provider))
    #expect(request.bodyLength == 0)
    #expect(request.headers["cookie"] == nil)
    switch provider {
    case .openai:
      #expect(request.headers["authorization"] == "Bearer " + key)
    case .anthropic:
      #expect(request.headers["x-api-key"] == key)
      #expect(request.headers["anthropic-version"] == "2023-06-01")
      #expect(request.headers["authorization"] == nil)
    case .github:
      #expect(request.headers["authorization"] == "Bearer " + key)
      #expect(request.headers["accept"] == "application/vnd.github+json")
      #expect(request.headers["user-agent"] == "keygate")
    case .gitlab:
      #expect(request.headers["private-token"] == key)
      #expect(request.headers["authorization"] == nil)
    }
  }

  @Test(arguments: VerifiableProvider.allCases)
  func revokedKeyIsInactive(provider: VerifiableProvider) throws {
    let server = try FakeProvider()
    defer { server.stop() }
    let key = Self.key(provider, "revoked")

    let verification = KeyVerifier(endpoints: server.endpoints).verify(secret: key, provider: provider)

    #expect(verification.status == .inactive)
    #expect(verification.httpStatus == 401)
    #expect(verification.detail == "rejected: HTTP 401")
    Self.expectNoKey(in: verification, key: key)
    #expect(try server.requests().count == 1)
  }

  @Test func forbiddenKeyIsInactive() throws {
    let (verification, server) = try Self.verify(.openai, "forbidden")
    defer { server.stop() }
    #expect(verification.status == .inactive)
    #expect(verification.httpStatus == 403)
    #expect(verification.detail == "rejected: HTTP 403")
  }

  @Test(
    arguments: [
      ("gitlabrevoked", "the provider says the key is revoked (HTTP 200)"),
      ("gitlabexpired", "the provider says the key is not active (HTTP 200)"),
    ])
  func gitLabTokenThatItSaysIsNotActiveIsInactive(behaviour: String, detail: String) throws {
    let (verification, server) = try Self.verify(.gitlab, behaviour)
    defer { server.stop() }
    #expect(verification.status == .inactive)
    #expect(verification.httpStatus == 200)
    #expect(verification.detail == detail)
  }

  // MARK: Answers that say nothing about the key

  @Test func rateLimitedAnswerSaysWhenToRetry() throws {
    let (verification, server) = try Self.verify(.openai, "ratelimited")
    defer { server.stop() }
    #expect(verification.status == .rateLimited)
    #expect(verification.httpStatus == 429)
    #expect(verification.detail == "rate limited (HTTP 429), retry after 30 s: status unknown")
    #expect(try server.requests().count == 1)
  }

  @Test func rateLimitedAnswerWithoutRetryAfter() throws {
    let (verification, server) = try Self.verify(.openai, "ratelimitednoretry")
    defer { server.stop() }
    #expect(verification.status == .rateLimited)
    #expect(verification.detail == "rate limited (HTTP 429): status unknown")
  }

  @Test func gitHubForbiddenForRateLimitIsNotARevokedKey() throws {
    let (verification, server) = try Self.verify(.github, "githubratelimit")
    defer { server.stop() }
    #expect(verification.status == .rateLimited)
    #expect(verification.httpStatus == 403)
    #expect(verification.detail == "rate limited (HTTP 403): status unknown")
  }

  @Test func slowServerTimesOutQuickly() throws {
    let server = try FakeProvider()
    defer { server.stop() }
    let key = Self.key(.openai, "slow")
    let start = Date()

    let verification = KeyVerifier(endpoints: server.endpoints, timeoutSeconds: 1).verify(secret: key, provider: .openai)

    #expect(Date().timeIntervalSince(start) < 5)
    #expect(verification.status == .unknown)
    #expect(verification.httpStatus == nil)
    #expect(verification.detail == "no answer within 1 s: status unknown")
    #expect(try server.requests().count == 1)
  }

  @Test(
    arguments: [
      ("notjson", "the answer was not the JSON the provider sends: status unknown"),
      ("nodata", "the answer was not the JSON the provider sends (no \"data\" list): status unknown"),
    ])
  func successThatIsNotTheProvidersJSONIsUnknown(behaviour: String, detail: String) throws {
    let (verification, server) = try Self.verify(.openai, behaviour)
    defer { server.stop() }
    #expect(verification.status == .unknown)
    #expect(verification.httpStatus == 200)
    #expect(verification.detail == detail)
  }

  @Test func gitHubSuccessThatIsNotJSONIsUnknown() throws {
    let (verification, server) = try Self.verify(.github, "notjson")
    defer { server.stop() }
    #expect(verification.status == .unknown)
    #expect(verification.detail == "the answer was not the JSON the provider sends: status unknown")
  }

  @Test func serverErrorIsUnknown() throws {
    let (verification, server) = try Self.verify(.openai, "servererror")
    defer { server.stop() }
    #expect(verification.status == .unknown)
    #expect(verification.httpStatus == 500)
    #expect(verification.detail == "unexpected answer HTTP 500: status unknown")
  }

  @Test func redirectIsNotFollowedAndTheKeyInItsLocationIsNotRepeated() throws {
    let (verification, server) = try Self.verify(.openai, "redirect")
    defer { server.stop() }
    let key = Self.key(.openai, "redirect")
    #expect(verification.status == .unknown)
    #expect(verification.httpStatus == 302)
    #expect(
      verification.detail
        == "redirected to http://127.0.0.1:\(server.port)/elsewhere?token=[key] (HTTP 302): not followed, status unknown")
    Self.expectNoKey(in: verification, key: key)
    let requests = try server.requests()
    #expect(requests.count == 1)
    #expect(requests.first?.path == "/v1/models")
  }

  @Test func closedPortIsUnknown() throws {
    let server = try FakeProvider()
    server.stop()
    let key = Self.key(.openai, "active")

    let verification = KeyVerifier(endpoints: server.endpoints, timeoutSeconds: 2).verify(secret: key, provider: .openai)

    #expect(verification.status == .unknown)
    #expect(verification.httpStatus == nil)
    #expect(verification.detail == "could not connect to 127.0.0.1:\(server.port): status unknown")
    Self.expectNoKey(in: verification, key: key)
  }

  // MARK: Base URLs and keys that are not sent

  @Test(arguments: ["/openai", "/openai/"])
  func baseURLWithAPathPrefix(prefix: String) throws {
    let server = try FakeProvider()
    defer { server.stop() }
    var endpoints = VerificationEndpoints()
    endpoints[.openai] = URL(string: "http://127.0.0.1:\(server.port)\(prefix)")!
    let key = Self.key(.openai, "active")

    let verification = KeyVerifier(endpoints: endpoints).verify(secret: key, provider: .openai)

    #expect(verification.status == .active)
    #expect(verification.endpoint == "http://127.0.0.1:\(server.port)/openai/v1/models")
    #expect(try server.onlyRequest()?.path == "/openai/v1/models")
  }

  @Test func keyIsNotSentOverPlainHTTPBeyondLoopback() {
    var endpoints = VerificationEndpoints()
    endpoints[.openai] = URL(string: "http://api.example.invalid")!
    let key = Self.key(.openai, "active")

    let verification = KeyVerifier(endpoints: endpoints).verify(secret: key, provider: .openai)

    #expect(verification.status == .unknown)
    #expect(verification.httpStatus == nil)
    #expect(verification.endpoint == "http://api.example.invalid/v1/models")
    #expect(verification.detail.hasSuffix(": not checked"))
  }

  @Test func keyThatWouldBreakTheHeaderIsNotSent() throws {
    let server = try FakeProvider()
    defer { server.stop() }
    let key = Self.key(.openai, "active") + "\r\nX-Injected: 1"

    let verification = KeyVerifier(endpoints: server.endpoints).verify(secret: key, provider: .openai)

    #expect(verification.status == .unknown)
    #expect(verification.detail == "the key has characters an HTTP header cannot carry: not checked")
    #expect(try server.requests().isEmpty)
  }

  // MARK: Encoding

  @Test func encodesWithSnakeCaseKeys() throws {
    let verification = Verification(
      provider: .github, status: .rateLimited, method: "GET", endpoint: "https://api.github.com/user",
      httpStatus: 429, checkedAt: "2026-11-27T08:15:02Z", detail: "rate limited (HTTP 429): status unknown")
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let json = String(decoding: try encoder.encode(verification), as: UTF8.self)
    #expect(
      json
        == #"{"checked_at":"2026-11-27T08:15:02Z","detail":"rate limited (HTTP 429): status unknown","#
        + #""endpoint":"https://api.github.com/user","http_status":429,"method":"GET","provider":"github","#
        + #""status":"rate-limited"}"#)
    #expect(try JSONDecoder().decode(Verification.self, from: Data(json.utf8)) == verification)
  }

  // MARK: Helpers

  /// A fake key for `provider`, built at run time, that tells the fake provider how to answer.
  static func key(_ provider: VerifiableProvider, _ behaviour: String) -> String {
    switch provider {
    case .openai: "sk-" + "proj-" + behaviour + String(repeating: "a", count: 40)
    case .anthropic: "sk-" + "ant-" + "api03-" + behaviour + String(repeating: "b", count: 80)
    case .github: "gh" + "p_" + behaviour + String(repeating: "c", count: 30)
    case .gitlab: "gl" + "pat-" + behaviour + String(repeating: "d", count: 20)
    }
  }

  static func path(_ provider: VerifiableProvider) -> String {
    switch provider {
    case .openai, .anthropic: "/v1/models"
    case .github: "/user"
    case .gitlab: "/api/v4/personal_access_tokens/self"
    }
  }

  /// Starts a fake provider and checks the `behaviour` key of `provider` against it.
  static func verify(_ provider: VerifiableProvider, _ behaviour: String) throws -> (Verification, FakeProvider) {
    let server = try FakeProvider()
    let key = key(provider, behaviour)
    let verification = KeyVerifier(endpoints: server.endpoints, timeoutSeconds: 5).verify(secret: key, provider: provider)
    expectNoKey(in: verification, key: key)
    return (verification, server)
  }

  static func expectNoKey(in verification: Verification, key: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    #expect(!verification.endpoint.contains(key), sourceLocation: sourceLocation)
    #expect(!verification.detail.contains(key), sourceLocation: sourceLocation)
    let encoded = String(decoding: (try? JSONEncoder().encode(verification)) ?? Data(), as: UTF8.self)
    #expect(!encoded.contains(key), sourceLocation: sourceLocation)
  }
}

extension FakeProvider {
  /// Every provider pointed at this server.
  var endpoints: VerificationEndpoints {
    var endpoints = VerificationEndpoints()
    for provider in VerifiableProvider.allCases {
      endpoints[provider] = URL(string: "http://127.0.0.1:\(port)")!
    }
    return endpoints
  }

  /// The one request, after checking there was exactly one.
  func onlyRequest(sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> RecordedRequest? {
    let requests = try requests()
    #expect(requests.count == 1, "expected exactly one request", sourceLocation: sourceLocation)
    return requests.count == 1 ? requests[0] : nil
  }
}
