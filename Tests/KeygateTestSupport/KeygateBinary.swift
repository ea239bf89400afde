import Foundation

/// The built `keygate` executable, for end-to-end tests.
///
/// `KEYGATE_TEST_PROGRAM` points the suite at another build (a release binary, say); otherwise
/// the binary beside the test bundle in the build folder is used.
public enum KeygateBinary {
  public static var path: String {
    if let override = ProcessInfo.processInfo.environment["KEYGATE_TEST_PROGRAM"], !override.isEmpty { return override }
    // The test bundle lives in the same products folder as the executable.
    var directory = Bundle.main.bundleURL
    for _ in 0..<3 {
      let candidate = directory.appendingPathComponent("keygate").path
      if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
      directory.deleteLastPathComponent()
    }
    return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent(".build/debug/keygate").path
  }

  /// Runs keygate with `arguments` in `directory`, with `extra` added to its environment.
  public static func run(
    _ arguments: [String], in directory: String? = nil, environment extra: [String: String] = [:]
  ) throws -> ProcessResult {
    var environment = TemporaryGitRepository.environment
    environment["NO_COLOR"] = "1"
    environment.merge(extra) { _, new in new }
    return try KeygateTestSupport.run(path, arguments, in: directory, environment: environment)
  }
}
