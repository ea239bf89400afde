import Dispatch
import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// What came of one HTTP request, copied out of Foundation's types.
enum RequestOutcome: Sendable, Equatable {
  /// The server answered (a redirect is an answer: it is never followed).
  /// Header names are lowercased.
  case answered(statusCode: Int, headers: [String: String], body: Data)
  /// No complete answer within the timeout.
  case timedOut
  /// No answer: `reason` says why, e.g. `could not connect to 127.0.0.1:8080`.
  case failed(reason: String)
}

/// Sends one request and waits for its answer: no cookies, no cache, no redirects, no retries.
enum SingleRequest {
  /// How long past the timeout to wait for URLSession to report its own timeout before giving up on it.
  private static let gracePeriodSeconds = 2.0

  /// Sends `request` once and blocks the calling thread until the answer, a failure or the
  /// timeout. Call it from synchronous code only, never from a task that holds up others.
  static func send(_ request: URLRequest, timeoutSeconds: Double) -> RequestOutcome {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = timeoutSeconds
    configuration.timeoutIntervalForResource = timeoutSeconds
    configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
    configuration.urlCache = nil
    configuration.httpCookieStorage = nil
    configuration.httpShouldSetCookies = false
    configuration.httpCookieAcceptPolicy = .never
    configuration.urlCredentialStorage = nil
    let session = URLSession(configuration: configuration, delegate: RedirectRefusal(), delegateQueue: nil)
    defer { session.invalidateAndCancel() }

    let slot = OutcomeSlot()
    let host = request.url.map { "\($0.host ?? "")\($0.port.map { ":\($0)" } ?? "")" } ?? ""
    let task = session.dataTask(with: request) { data, response, error in
      slot.fill(outcome(data: data, response: response, error: error, host: host))
    }
    task.resume()
    guard let outcome = slot.wait(seconds: timeoutSeconds + gracePeriodSeconds) else {
      task.cancel()
      return .timedOut
    }
    return outcome
  }

  private static func outcome(data: Data?, response: URLResponse?, error: (any Error)?, host: String)
    -> RequestOutcome
  {
    if let error {
      return failure(error, host: host)
    }
    guard let http = response as? HTTPURLResponse else {
      return .failed(reason: "the answer was not HTTP")
    }
    var headers: [String: String] = [:]
    for (name, value) in http.allHeaderFields {
      headers[String(describing: name).lowercased()] = String(describing: value)
    }
    return .answered(statusCode: http.statusCode, headers: headers, body: data ?? Data())
  }

  private static func failure(_ error: any Error, host: String) -> RequestOutcome {
    guard let urlError = error as? URLError else {
      return .failed(reason: "the request failed (\(type(of: error)))")
    }
    switch urlError.code {
    case .timedOut:
      return .timedOut
    case .cannotConnectToHost:
      return .failed(reason: "could not connect to \(host)")
    case .cannotFindHost, .dnsLookupFailed:
      return .failed(reason: "could not find the host \(host)")
    case .notConnectedToInternet:
      return .failed(reason: "no network connection")
    case .networkConnectionLost:
      return .failed(reason: "the connection to \(host) closed before the answer")
    case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate,
      .serverCertificateHasUnknownRoot, .serverCertificateNotYetValid, .clientCertificateRejected,
      .clientCertificateRequired:
      return .failed(reason: "the TLS connection to \(host) failed")
    case .badServerResponse:
      return .failed(reason: "the answer from \(host) was not valid HTTP")
    default:
      return .failed(reason: "the request to \(host) failed (URLError \(urlError.code.rawValue))")
    }
  }
}

/// Refuses every redirect, so that the answer to the one request is the redirect itself.
private final class RedirectRefusal: NSObject, URLSessionTaskDelegate, Sendable {
  func urlSession(
    _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
    newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
  ) {
    completionHandler(nil)
  }
}

/// Hands the outcome from URLSession's delegate queue to the thread that waits for it.
private final class OutcomeSlot: Sendable {
  private let outcome = Locked<RequestOutcome?>(nil)
  private let filled = DispatchSemaphore(value: 0)

  /// Keeps the first outcome; later ones are ignored.
  func fill(_ newOutcome: RequestOutcome) {
    let isFirst = outcome.withLock { current in
      guard current == nil else { return false }
      current = newOutcome
      return true
    }
    if isFirst {
      filled.signal()
    }
  }

  /// The outcome, or nil if none came within `seconds`.
  func wait(seconds: Double) -> RequestOutcome? {
    guard filled.wait(timeout: .now() + seconds) == .success else { return nil }
    return outcome.withLock { $0 }
  }
}
