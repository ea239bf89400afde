import Foundation
import KeygateFuzzTargets
import Testing

/// The fuzz corpora (Fuzz/corpus/TARGET, grown by scripts/fuzz.sh and kept in the repository)
/// replayed through the same checks the libFuzzer driver traps on: every input that ever made
/// a target crash, or found new code, stays a test.
@Suite struct FuzzCorpusReplayTests {
  static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../Fuzz/corpus").standardized.path

  @Test(arguments: FuzzTarget.allCases) func corpusReplaysCleanly(_ target: FuzzTarget) throws {
    let folder = Self.corpus + "/" + target.rawValue
    let inputs = try FileManager.default.contentsOfDirectory(atPath: folder).sorted()
    #expect(!inputs.isEmpty, "no corpus for \(target.rawValue): run scripts/fuzz.sh \(target.rawValue)")
    for input in inputs {
      let bytes = try Data(contentsOf: URL(fileURLWithPath: folder + "/" + input))
      let violation = bytes.withUnsafeBytes { target.run($0) }
      #expect(violation == nil, "\(target.rawValue)/\(input): \(violation ?? "")")
    }
  }
}
