import Foundation

/// A real git repository in a temporary folder, built with the git CLI (an oracle independent
/// of keygate's libgit2 wrapper), with fixed identities and dates so SHAs are stable.
/// The folder is deleted when the value is deinitialised.
public final class TemporaryGitRepository: @unchecked Sendable {
  public let path: String
  private var tick = 0

  /// Creates an empty folder and, unless `initialise` is false, `git init` in it.
  public init(initialise: Bool = true, bare: Bool = false) throws {
    let template = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-test-XXXXXX").path
    var buffer = Array(template.utf8CString)
    guard mkdtemp(&buffer) != nil else { throw TestSupportError("mkdtemp failed for \(template)") }
    path = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    if initialise {
      try git(bare ? ["init", "-q", "--bare", "-b", "main"] : ["init", "-q", "-b", "main"])
    }
  }

  deinit { try? FileManager.default.removeItem(atPath: path) }

  /// The environment every git command runs with: no user or system config, fixed identity.
  public static var environment: [String: String] {
    var environment = ProcessInfo.processInfo.environment
    environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
    environment["GIT_CONFIG_NOSYSTEM"] = "1"
    environment["GIT_AUTHOR_NAME"] = "Ada Lovelace"
    environment["GIT_AUTHOR_EMAIL"] = "ada@example.com"
    environment["GIT_COMMITTER_NAME"] = "Ada Lovelace"
    environment["GIT_COMMITTER_EMAIL"] = "ada@example.com"
    return environment
  }

  /// Runs git in the repository and returns its standard output.
  @discardableResult
  public func git(_ arguments: [String], environment extra: [String: String] = [:]) throws -> String {
    var environment = Self.environment.merging(extra) { _, new in new }
    // Each call gets a later fixed date, so history is ordered and SHAs are stable.
    tick += 1
    let date = "\(1_700_000_000 + tick * 3600) +0000"
    environment["GIT_AUTHOR_DATE"] = environment["GIT_AUTHOR_DATE"] ?? date
    environment["GIT_COMMITTER_DATE"] = environment["GIT_COMMITTER_DATE"] ?? date
    let result = try run(
      "/usr/bin/env", ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"] + arguments,
      in: path, environment: environment)
    guard result.status == 0 else {
      throw TestSupportError("git \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }
    return result.stdout
  }

  /// Writes `contents` to `relativePath`, creating folders.
  public func write(_ relativePath: String, _ contents: String) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(contents.utf8).write(to: url)
  }

  public func remove(_ relativePath: String) throws {
    try FileManager.default.removeItem(atPath: path + "/" + relativePath)
  }

  /// Writes files, stages everything and commits; returns the new commit's SHA.
  @discardableResult
  public func commit(_ message: String, files: [String: String] = [:], author: String? = nil) throws -> String {
    for (file, contents) in files.sorted(by: { $0.key < $1.key }) { try write(file, contents) }
    try git(["add", "-A"])
    var environment: [String: String] = [:]
    if let author { environment["GIT_AUTHOR_NAME"] = author }
    try git(["commit", "-q", "--allow-empty", "-m", message], environment: environment)
    return try git(["rev-parse", "HEAD"]).trimmingCharacters(in: .whitespacesAndNewlines)
  }
}

/// The result of running a program.
public struct ProcessResult: Sendable {
  public let status: Int32
  public let stdout: String
  public let stderr: String
}

/// Runs a program to completion, capturing its output.
public func run(
  _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String]? = nil
) throws -> ProcessResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: executable)
  process.arguments = arguments
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  if let environment { process.environment = environment }
  let outputURL = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-out-\(UUID().uuidString)")
  let errorURL = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-err-\(UUID().uuidString)")
  _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
  _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
  defer {
    try? FileManager.default.removeItem(at: outputURL)
    try? FileManager.default.removeItem(at: errorURL)
  }
  // Files rather than pipes: a large report cannot fill a pipe buffer and block the child.
  process.standardOutput = try FileHandle(forWritingTo: outputURL)
  process.standardError = try FileHandle(forWritingTo: errorURL)
  process.standardInput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  return ProcessResult(
    status: process.terminationStatus,
    stdout: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
    stderr: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
}

public struct TestSupportError: Error, CustomStringConvertible {
  public let description: String
  public init(_ description: String) { self.description = description }
}
