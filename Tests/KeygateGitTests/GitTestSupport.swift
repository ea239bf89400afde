import Foundation
import KeygateGit
import KeygateTestSupport
import Testing

/// Opens `repo` with keygate's wrapper, after the process-wide libgit2 set-up.
func openRepository(_ repo: TemporaryGitRepository) throws -> Repository {
  Libgit2.configure()
  return try #require(try Repository.open(at: repo.path))
}

extension TemporaryGitRepository {
  /// The object id git itself gives `revision`: the oracle the wrapper is checked against.
  func objectID(_ revision: String) throws -> ObjectID {
    let hex = try git(["rev-parse", "--verify", "-q", revision]).trimmingCharacters(in: .whitespacesAndNewlines)
    return try #require(ObjectID(hex: hex), "git rev-parse \(revision) gave \(hex)")
  }

  /// Writes raw bytes, for content that is not UTF-8 text.
  func write(_ relativePath: String, bytes: [UInt8]) throws {
    let url = URL(fileURLWithPath: path).appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: url)
  }
}
