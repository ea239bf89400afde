import KeygateRegex

/// Runs rules' examples and negative examples through the whole matching pipeline (Hyperscan,
/// PCRE2, keywords, entropy, context, the placeholder check): `keygate rules test`.
public struct RuleExampleTest: Sendable {
  /// An example a rule misses, or a negative example it finds.
  public struct Failure: Sendable, CustomStringConvertible {
    public let ruleID: String
    public let location: SourceLocation
    /// `examples[0]` or `negative_examples[2]`.
    public let item: String
    public let message: String
    /// The example as expanded, to show what was scanned.
    public let text: String

    public var description: String {
      "\(location): error: \(ruleID): \(item): \(message)\n    \(text.replacingNewlines)"
    }
  }

  public struct Outcome: Sendable {
    public let rulesTested: Int
    public let examplesRun: Int
    public let failures: [Failure]
  }

  public let rules: CompiledRules

  public init(rules: CompiledRules) { self.rules = rules }

  /// Tests the rules whose ids are in `only` (all when nil).
  /// - Throws: `RegexError` when the engines fail.
  public func run(only: Set<String>? = nil) throws(RegexError) -> Outcome {
    var matcher = try Matcher(rules: rules)
    var failures: [Failure] = []
    var tested = 0
    var examplesRun = 0
    for (index, rule) in rules.rules.enumerated() where only?.contains(rule.id) ?? true {
      tested += 1
      for (kind, templates, locations, wanted) in [
        ("examples", rule.examples, rule.exampleLocations, true),
        ("negative_examples", rule.negativeExamples, rule.negativeExampleLocations, false),
      ] {
        for (position, template) in templates.enumerated() {
          examplesRun += 1
          let location = locations.indices.contains(position) ? locations[position] : rule.location
          let item = "\(kind)[\(position)]"
          guard let text = try? ExampleTemplate(template).expanded() else {
            failures.append(Failure(ruleID: rule.id, location: location, item: item, message: "cannot expand the template", text: template))
            continue
          }
          let bytes = Array(text.utf8)
          let result = bytes.withUnsafeBytes { raw in
            Result { () throws(RegexError) in try matcher.matches(in: raw) }
          }
          let matches = try result.get()
          // A generic rule defers to the specific ones: its example is found when any rule finds it.
          let found = matches.contains { $0.ruleIndex == index } || (rule.isGeneric && wanted && !matches.isEmpty)
          if found != wanted {
            failures.append(
              Failure(
                ruleID: rule.id, location: location, item: item,
                message: wanted
                  ? "not found (the pattern, keywords, entropy, context or placeholder check rejects it)"
                  : "found, but it is a negative example", text: text))
          }
        }
      }
    }
    return Outcome(rulesTested: tested, examplesRun: examplesRun, failures: failures)
  }
}

extension String {
  fileprivate var replacingNewlines: String {
    split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n    ")
  }
}
