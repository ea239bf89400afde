import Foundation

/// One request as the fake provider saw it.
public struct RecordedRequest: Decodable, Sendable {
  public let method: String
  public let path: String
  /// Lowercased names.
  public let headers: [String: String]
  public let bodyLength: Int

  enum CodingKeys: String, CodingKey {
    case method, path, headers
    case bodyLength = "body_length"
  }
}

/// A loopback HTTP server, run with `python3 -c`, that answers as the providers (OpenAI,
/// Anthropic, GitHub, GitLab) do according to the word in the key it receives (`active`,
/// `revoked`, `ratelimited`, `slow`, `notjson`, …), and appends every request to a log file.
public final class FakeProvider {
  public let port: Int
  private let process = Process()
  private let logURL: URL

  public init() throws {
    logURL = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-verify-\(UUID().uuidString).jsonl")
    _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
    let output = Pipe()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", Self.script, logURL.path]
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    var firstLine = Data()
    while !firstLine.contains(UInt8(ascii: "\n")) {
      let chunk = output.fileHandleForReading.availableData
      guard !chunk.isEmpty else { break }
      firstLine.append(chunk)
    }
    guard let port = Int(String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    else {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
      throw FakeProviderError(description: "the fake provider did not print its port (is python3 installed?)")
    }
    self.port = port
  }

  /// The server's base URL, for any provider.
  public var baseURL: String { "http://127.0.0.1:\(port)" }

  deinit {
    stop()
    try? FileManager.default.removeItem(at: logURL)
  }

  /// Every request so far, in order.
  public func requests() throws -> [RecordedRequest] {
    let lines = String(decoding: try Data(contentsOf: logURL), as: UTF8.self).split(separator: "\n")
    return try lines.map { try JSONDecoder().decode(RecordedRequest.self, from: Data($0.utf8)) }
  }

  /// Stops the server and waits for it to exit. The log stays readable until deinit.
  ///
  /// SIGKILL rather than `terminate()`: the child inherits the test runner's signal mask, in
  /// which SIGTERM may be blocked.
  public func stop() {
    if process.isRunning {
      kill(process.processIdentifier, SIGKILL)
    }
    process.waitUntilExit()
  }

  private static let script = #"""
    import http.server, json, signal, sys, time

    signal.pthread_sigmask(signal.SIG_SETMASK, set())
    log_path = sys.argv[1]
    DATA = {"object": "list", "data": [{"id": "model-1", "object": "model"}]}
    GITHUB_USER = {"login": "octocat", "id": 1}
    GITLAB_TOKEN = {"id": 1, "name": "ci", "revoked": False, "active": True, "scopes": ["read_api"]}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def handle_any(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            with open(log_path, "a") as log:
                log.write(json.dumps({
                    "method": self.command, "path": self.path,
                    "headers": {name.lower(): value for name, value in self.headers.items()},
                    "body_length": len(body)}) + "\n")
            auth = self.headers.get("Authorization", "")
            key = auth[len("Bearer "):] if auth.startswith("Bearer ") else (
                self.headers.get("x-api-key") or self.headers.get("PRIVATE-TOKEN") or "")
            status, headers, payload = self.answer(key)
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def answer(self, key):
            def js(value):
                return [("Content-Type", "application/json")], json.dumps(value).encode()
            if "slow" in key:
                time.sleep(10)
                return (200, *js(DATA))
            if "ratelimitednoretry" in key:
                return (429, *js({"error": "rate limited"}))
            if "ratelimited" in key:
                headers, payload = js({"error": "rate limited"})
                return 429, headers + [("Retry-After", "30")], payload
            if "githubratelimit" in key:
                headers, payload = js({"message": "API rate limit exceeded"})
                return 403, headers + [("x-ratelimit-remaining", "0")], payload
            if "forbidden" in key:
                return (403, *js({"error": "forbidden"}))
            if "notjson" in key:
                return 200, [("Content-Type", "text/html")], b"<html><body>Sign in</body></html>"
            if "nodata" in key:
                return (200, *js({"object": "list"}))
            if "servererror" in key:
                return (500, *js({"error": "internal"}))
            if "redirect" in key:
                port = self.server.server_address[1]
                return 302, [("Location", "http://127.0.0.1:%d/elsewhere?token=%s" % (port, key))], b""
            if "gitlabrevoked" in key:
                return (200, *js(dict(GITLAB_TOKEN, revoked=True, active=False)))
            if "gitlabexpired" in key:
                return (200, *js(dict(GITLAB_TOKEN, active=False)))
            if "revoked" in key:
                return (401, *js({"error": {"message": "Incorrect API key provided: " + key}}))
            if "active" in key:
                if self.path.endswith("/v1/models"):
                    return (200, *js(DATA))
                if self.path.endswith("/user"):
                    return (200, *js(GITHUB_USER))
                if self.path.endswith("/personal_access_tokens/self"):
                    return (200, *js(GITLAB_TOKEN))
            return (404, *js({"error": "not found"}))

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = handle_any

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """#
}

public struct FakeProviderError: Error, CustomStringConvertible {
  public let description: String
}
