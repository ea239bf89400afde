import Foundation
import Testing

@testable import KeygateCore

/// Every malformed keygate.yaml, keys.yaml and rule file a mutation harness makes out of valid
/// ones is either still valid or an error that says file:line:column — never a crash, never an
/// error without a place.
@Suite struct ConfigMutationTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardized.path

  static func text(_ relative: String) throws -> String {
    try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
  }

  /// The built-in rule file of Anthropic's keys: the first three rules, a few dozen lines.
  static func ruleFile() throws -> String {
    let lines = try text("policies/rules/ai-providers.yml").split(separator: "\n", omittingEmptySubsequences: false)
    let fourth = lines.indices.filter { lines[$0].hasPrefix("  - id:") }.dropFirst(3).first ?? lines.count
    return lines[..<fourth].joined(separator: "\n") + "\n"
  }

  /// Line-level mutations of `text`: each line deleted, doubled, indented, de-indented, its
  /// colon dropped, a bracket or a tab put in, a value emptied; the file cut in the middle of
  /// each line.
  static func mutations(of text: String) -> [String] {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var result: [String] = []
    func with(_ index: Int, _ replacement: [String]) -> String {
      (Array(lines[..<index]) + replacement + Array(lines[(index + 1)...])).joined(separator: "\n")
    }
    for (index, line) in lines.enumerated() {
      result.append(with(index, []))
      result.append(with(index, [line, line]))
      result.append(with(index, [" " + line]))
      result.append(with(index, [String(line.drop { $0 == " " })]))
      result.append(with(index, [line.replacingOccurrences(of: ":", with: "")]))
      result.append(with(index, [line + " ["]))
      result.append(with(index, ["\t" + line]))
      if let colon = line.firstIndex(of: ":") { result.append(with(index, [String(line[...colon]) + " {"])) }
      let cut = lines[..<index].joined(separator: "\n") + "\n" + line.prefix(line.count / 2)
      result.append(cut)
    }
    return result
  }

  static func expectLocated(_ load: () throws(ConfigError) -> Void, file: String, lineCount: Int) {
    do {
      try load()
    } catch {
      guard let location = error.location else {
        Issue.record("an error without file:line:column: \(error)")
        return
      }
      #expect(location.file.hasSuffix(file), "\(error)")
      #expect((1...lineCount + 1).contains(location.line), "\(error)")
      #expect(location.column >= 1, "\(error)")
    }
  }

  @Test func mutatedPolicyFiles() throws {
    let original = try Self.text("ci-examples/policy-demo/keygate.yaml")
    let mutations = Self.mutations(of: original)
    #expect(mutations.count > 100)
    for text in mutations {
      Self.expectLocated({ () throws(ConfigError) in _ = try ProjectConfig(text: text, path: "/project/keygate.yaml") },
        file: "keygate.yaml", lineCount: text.split(separator: "\n", omittingEmptySubsequences: false).count)
    }
  }

  @Test func mutatedInventories() throws {
    let original = try Self.text("ci-examples/policy-demo/keys.yaml")
    for text in Self.mutations(of: original) {
      Self.expectLocated({ () throws(ConfigError) in _ = try KeyInventory(text: text, path: "keys.yaml") },
        file: "keys.yaml", lineCount: text.split(separator: "\n", omittingEmptySubsequences: false).count)
    }
  }

  @Test func mutatedRuleFiles() throws {
    let original = try Self.ruleFile()
    _ = try RuleSet.load([(path: "rules.yml", contents: original)])
    for text in Self.mutations(of: original) {
      Self.expectLocated({ () throws(ConfigError) in _ = try RuleSet.load([(path: "rules.yml", contents: text)]) },
        file: "rules.yml", lineCount: text.split(separator: "\n", omittingEmptySubsequences: false).count)
    }
  }

  /// A configuration that would switch the secret scan off without saying so is refused.
  @Test func aPolicyThatWouldDisableTheSecretScanIsRefused() throws {
    for glob in ["**", "**/*", "/**"] {
      do {
        _ = try ProjectConfig(text: "version: 1\nallowlist:\n  paths: [\"tests/**\", \"\(glob)\"]\n", path: "keygate.yaml")
        Issue.record("`\(glob)` was accepted")
      } catch {
        #expect(error.location?.line == 3, "\(error)")
        #expect(error.message.contains("would turn the secret scan off"))
      }
    }
    #expect(throws: Never.self) { try ProjectConfig(text: "version: 1\nallowlist:\n  paths: [\"tests/**\"]\n", path: "k.yaml") }
  }
}
