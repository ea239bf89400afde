import Foundation
import KeygateTestSupport
import Testing

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// End-to-end: `keygate redact` as a CI job runs it, the real binary between pipes.
@Suite struct RedactCommandTests {
  static var environment: [String: String] {
    var environment = TemporaryGitRepository.environment
    environment["NO_COLOR"] = "1"
    return environment
  }

  /// Runs `keygate redact arguments` with `input` on standard input (a file, or `stdinPath`).
  struct Result {
    let status: Int32
    let stdout: String
    let stderr: String
  }

  static func redact(_ arguments: [String], input: String = "", stdinPath: String? = nil) throws -> Result {
    let directory = FileManager.default.temporaryDirectory
    let inputURL = directory.appendingPathComponent("keygate-redact-in-\(UUID().uuidString)")
    let outputURL = directory.appendingPathComponent("keygate-redact-out-\(UUID().uuidString)")
    let errorURL = directory.appendingPathComponent("keygate-redact-err-\(UUID().uuidString)")
    try Data(input.utf8).write(to: inputURL)
    _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    defer {
      for url in [inputURL, outputURL, errorURL] { try? FileManager.default.removeItem(at: url) }
    }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: KeygateBinary.path)
    process.arguments = ["redact"] + arguments
    process.environment = environment
    process.standardInput = try FileHandle(forReadingFrom: URL(fileURLWithPath: stdinPath ?? inputURL.path))
    process.standardOutput = try FileHandle(forWritingTo: outputURL)
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    process.waitUntilExit()
    return Result(
      status: process.terminationStatus,
      stdout: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
      stderr: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
  }

  /// Writes all of `text` to `descriptor`; false when the reader has gone.
  @discardableResult
  static func send(_ text: String, to descriptor: Int32) -> Bool {
    var bytes = Array(text.utf8)[...]
    while !bytes.isEmpty {
      let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
      if written < 0 {
        if errno == EINTR { continue }
        return false
      }
      bytes = bytes.dropFirst(written)
    }
    return true
  }

  /// Reads from `descriptor` until `count` newlines have arrived, waiting at most `seconds`.
  static func readLines(_ count: Int, from descriptor: Int32, seconds: Int32 = 60) -> String {
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    let deadline = Date().addingTimeInterval(TimeInterval(seconds))
    while received.filter({ $0 == 0x0A }).count < count && Date() < deadline {
      var descriptors = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
      guard poll(&descriptors, 1, 500) > 0 else { continue }
      let count = buffer.withUnsafeMutableBytes { bytes -> Int in read(descriptor, bytes.baseAddress, bytes.count) }
      if count <= 0 { break }
      received += buffer[0..<count]
    }
    return String(decoding: received, as: UTF8.self)
  }

  @Test func masksStandardInputOntoStandardOutputAndCountsOnStandardError() throws {
    let key = TestKeys.openAIProject(seed: 1101)
    let input = "Step 1: export OPENAI_API_KEY=\(key)\n"
      + "curl -H \"Authorization: Bearer correcthorsebatterystaple\" https://api.example.com\nDone."
    let result = try Self.redact([], input: input)
    #expect(result.status == 0)
    #expect(
      result.stdout == "Step 1: export OPENAI_API_KEY=[REDACTED:openai-project-key]\n"
        + "curl -H \"Authorization: Bearer [REDACTED]\" https://api.example.com\nDone.")
    #expect(result.stderr == "keygate redact: masked 2 secrets in 3 lines\n")
  }

  @Test func quietWritesNothingToStandardError() throws {
    let result = try Self.redact(["--quiet"], input: "DB_PASSWORD=correcthorsebatterystaple\n")
    #expect(result.status == 0)
    #expect(result.stdout == "DB_PASSWORD=[REDACTED]\n")
    #expect(result.stderr.isEmpty)
  }

  @Test func keepLast4ShowsTheLastFourCharacters() throws {
    let key = TestKeys.openAIProject(seed: 1102)
    let result = try Self.redact(["--keep-last4", "--quiet"], input: "key: \(key)\n")
    #expect(result.stdout == "key: [REDACTED:openai-project-key]…\(key.suffix(4))\n")
  }

  @Test func theFirstLineComesOutBeforeTheInputEnds() throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: KeygateBinary.path)
    process.arguments = ["redact", "--quiet"]
    process.environment = Self.environment
    let input = Pipe()
    let output = Pipe()
    process.standardInput = input
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    try process.run()
    signal(SIGPIPE, SIG_IGN)

    let key = TestKeys.openAIAdmin(seed: 1103)
    Self.send("deploying with \(key)\n", to: input.fileHandleForWriting.fileDescriptor)
    // Standard input is still open: the line must come out anyway.
    let first = Self.readLines(1, from: output.fileHandleForReading.fileDescriptor)
    #expect(first == "deploying with [REDACTED:openai-admin-key]\n")
    Self.send("second line\n", to: input.fileHandleForWriting.fileDescriptor)
    #expect(Self.readLines(1, from: output.fileHandleForReading.fileDescriptor) == "second line\n")
    try input.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
  }

  @Test func aReaderThatGoesAwayEndsItQuietlyWithExitZero() throws {
    // `keygate redact | head -1`: the read end of standard output closes early.
    let process = Process()
    process.executableURL = URL(fileURLWithPath: KeygateBinary.path)
    process.arguments = ["redact"]
    process.environment = Self.environment
    let input = Pipe()
    let output = Pipe()
    let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-redact-err-\(UUID().uuidString)")
    _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorURL) }
    process.standardInput = input
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorURL)
    try process.run()
    signal(SIGPIPE, SIG_IGN)

    let writer = input.fileHandleForWriting.fileDescriptor
    Self.send("line 1\n", to: writer)
    #expect(Self.readLines(1, from: output.fileHandleForReading.fileDescriptor) == "line 1\n")
    try output.fileHandleForReading.close()
    // More log: keygate's next write fails with EPIPE and it stops; once it has gone, writing
    // here fails too.
    let line = String(repeating: "build output ", count: 80) + "\n"
    for _ in 0..<2000 where Self.send(line, to: writer) {}
    try? input.fileHandleForWriting.close()
    process.waitUntilExit()
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 0)
    #expect(String(decoding: try Data(contentsOf: errorURL), as: UTF8.self).isEmpty)
  }

  @Test func rulesThatCannotLoadExitTwo() throws {
    let noRules = try Self.redact(["--no-builtin"], input: "x\n")
    #expect(noRules.status == 2)
    #expect(noRules.stdout.isEmpty)
    #expect(noRules.stderr.contains("--no-builtin leaves no rules"))

    let missing = try Self.redact(["--rules", "/nonexistent/keygate-rules.yml"], input: "x\n")
    #expect(missing.status == 2)
    #expect(missing.stdout.isEmpty)
    #expect(missing.stderr.contains("/nonexistent/keygate-rules.yml"))
  }

  @Test func unreadableInputExitsTwo() throws {
    let directory = try TemporaryGitRepository(initialise: false)
    let result = try Self.redact([], stdinPath: directory.path)
    #expect(result.status == 2)
    #expect(result.stderr.contains("cannot read standard input"))
  }

  @Test func helpExplainsTheFilterWithAnExample() throws {
    let result = try KeygateBinary.run(["redact", "--help"])
    #expect(result.status == 0)
    for text in ["make deploy 2>&1 | keygate redact", "--keep-last4", "--quiet", "--rules", "--no-builtin",
                 "[REDACTED:<rule-id>]", "Authorization", "Exit codes"] {
      #expect(result.stdout.contains(text), "help lacks \(text)")
    }
  }
}
