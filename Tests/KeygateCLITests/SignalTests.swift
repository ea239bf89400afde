import Foundation
import KeygateTestSupport
import Testing

/// A gate that is interrupted must say so, and a reader that goes away must not crash it.
@Suite(.serialized) struct SignalTests {
  /// A plain directory large enough that a scan is still running when the signal comes.
  static func largeFolder() throws -> TemporaryGitRepository {
    let folder = try TemporaryGitRepository(initialise: false)
    var line = ""
    for index in 0..<1_000 { line += "value_\(index) = compute(\(index * 7919 % 100_003)) # plain text\n" }
    let block = Data(String(repeating: line, count: 20).utf8)  // ~1 MB
    // 600 files: a debug build needs about 1.5 s of CPU for them on one thread.
    for index in 0..<600 {
      try block.write(to: URL(fileURLWithPath: folder.path + "/file-\(index).txt"))
    }
    return folder
  }

  /// CPU seconds the process has used so far (Linux /proc: utime + stime, in clock ticks).
  static func cpuSeconds(_ pid: Int32) -> Double {
    guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let end = text.lastIndex(of: ")")
    else { return 0 }
    let fields = text[text.index(after: end)...].split(separator: " ")
    // After the command: state is field 3, utime 14 and stime 15 (1-based over the whole line).
    guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
    return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
  }

  @Test(
    .enabled(if: FileManager.default.fileExists(atPath: "/proc/self/stat"), "reads /proc/PID/stat to know the scan has begun"),
    arguments: [SIGINT, SIGTERM])
  func aSignalStopsTheScanWithAnIncompleteReport(_ stop: Int32) throws {
    let folder = try Self.largeFolder()
    let report = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-signal-\(UUID().uuidString).json")
    defer { try? FileManager.default.removeItem(at: report) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: KeygateBinary.path)
    process.arguments = ["scan", folder.path, "--format", "json", "--output", report.path, "--jobs", "1"]
    process.standardOutput = FileHandle.nullDevice
    process.standardError = FileHandle.nullDevice
    try process.run()
    let deadline = Date().addingTimeInterval(30)
    // Rules loaded and files being read: half a second of work done, a second left.
    while Self.cpuSeconds(process.processIdentifier) < 0.5, process.isRunning, Date() < deadline {
      usleep(10_000)
    }
    try #require(process.isRunning, "the scan ended before it could be interrupted")
    let signalled = Date()
    kill(process.processIdentifier, stop)
    process.waitUntilExit()
    let stopping = Date().timeIntervalSince(signalled)
    #expect(process.terminationReason == .exit)
    #expect(process.terminationStatus == 2, "nothing found and the scan incomplete: a pass keygate cannot vouch for")
    #expect(stopping < 10, "stopped \(stopping) s after the signal")
    let json = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: report)) as? [String: Any])
    #expect(json["complete"] as? Bool == false)
    let errors = try #require(json["errors"] as? [[String: String]])
    #expect(errors.contains { $0["message"]?.hasPrefix("interrupted by \(stop == SIGINT ? "SIGINT" : "SIGTERM")") == true })
  }

  /// `keygate scan | head -1`: the reader closes the pipe; keygate ends with its verdict, no
  /// crash (SIGPIPE), no error message.
  @Test func aClosedStandardOutputEndsQuietly() throws {
    let (repo, _) = try ScanCommandTests.leakyRepository()
    let script = "set -o pipefail; \"$1\" scan \"$2\" --format json | head -c 1 >/dev/null; echo \"status ${PIPESTATUS[0]}\" >&2"
    let result = try run("/bin/bash", ["-c", script, "bash", KeygateBinary.path, repo.path])
    #expect(result.stderr.contains("status 1"), "\(result.stderr)")
    #expect(!result.stderr.contains("rror"), "\(result.stderr)")
  }
}
