import Foundation
import Testing

@testable import KeygateCore

/// The binary carries a copy of policies/; this fails when the copy drifts from the files.
@Suite struct EmbeddedPoliciesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

  @Test func embeddedCopyMatchesPoliciesFolder() throws {
    let policies = Self.root.appendingPathComponent("policies")
    let enumerator = try #require(FileManager.default.enumerator(atPath: policies.path))
    var onDisk: [String: String] = [:]
    while let relative = enumerator.nextObject() as? String {
      guard ["yml", "yaml", "json"].contains((relative as NSString).pathExtension) else { continue }
      onDisk["policies/" + relative] = try String(contentsOf: policies.appendingPathComponent(relative), encoding: .utf8)
    }
    let embedded = Dictionary(uniqueKeysWithValues: EmbeddedPolicies.files.map { ($0.path, $0.contents) })
    let hint = "Sources/KeygateCore/Rules/EmbeddedPolicies.swift is out of date: run `make embed`"
    #expect(Set(embedded.keys) == Set(onDisk.keys), Comment(rawValue: hint))
    for (path, contents) in onDisk {
      #expect(embedded[path] == contents, Comment(rawValue: "\(path) differs. \(hint)"))
    }
  }

  @Test func builtinRulesLoad() throws {
    let rules = try RuleSet.builtin().rules
    #expect(rules.map(\.id).contains("openai-project-key"))
    #expect(rules.allSatisfy { $0.location.file.hasPrefix("<builtin>/policies/rules/") })
  }
}
