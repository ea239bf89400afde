import KeygateRegex

/// A validated detection rule: immutable, and safe to share between scanning tasks.
public struct Rule: Sendable, Identifiable {
  public let id: String
  public let name: String
  public let provider: String
  public let severity: Severity
  public let confidence: Confidence
  public let description: String
  /// What to do when the rule fires, with the provider's key-management page.
  public let remediation: String
  /// One pattern, read alike by Hyperscan (to find) and PCRE2 (to confirm and capture).
  public let pattern: String
  /// A looser pattern Hyperscan finds instead of `pattern`, when `pattern` is slow for it (a
  /// long look-back before a one-byte literal); PCRE2 still confirms `pattern` around each hit.
  /// Every match of `pattern` must contain a match of the prefilter.
  public let prefilter: String?
  public let caseInsensitive: Bool
  /// The capture group holding the secret; 0 is the whole match.
  public let secretGroup: Int
  public let keywords: [String]
  /// Prefixes that identify the key type and may be shown in reports, longest first.
  public let visiblePrefixes: [String]
  public let references: [String]
  /// Text the rule must match, written as templates (see `ExampleTemplate`).
  public let examples: [String]
  /// Text the rule must not match.
  public let negativeExamples: [String]
  /// Where each example and negative example is written.
  public let exampleLocations: [SourceLocation]
  public let negativeExampleLocations: [SourceLocation]
  /// The secret's minimum Shannon entropy, in bits per character.
  public let minEntropy: Double?
  /// A second pattern that must occur near each match.
  public let context: RuleContext?
  /// Globs of paths where the rule does not apply (lock files, bundles, …).
  public let skipPaths: [PathGlob]
  /// A rule that knows no provider (`key = "…"`): it defers to the specific rules, so a value
  /// one of them matched, or that starts with a prefix one of them claims, is not reported again.
  public let isGeneric: Bool
  /// Where the rule is defined.
  public let location: SourceLocation
  /// Where its pattern is written, for errors found when the rules are compiled together.
  public let patternLocation: SourceLocation

  static let idPattern = try! PCRE2Regex("^[a-z0-9][a-z0-9._-]*$")

  /// Validates a rule as written.
  /// - Throws: `ConfigError` pointing at the offending key.
  /// - Parameter strictValidation: Whether to ask Hyperscan about the pattern now and match the
  ///   examples; the built-in rules skip both at run time (the tests run them, and the combined
  ///   database is compiled, or read from the cache, later).
  init(_ syntax: RuleSyntax, strictValidation: Bool = true) throws(ConfigError) {
    let id = syntax.id
    guard (try? Self.idPattern.matches(id)) == true else {
      throw syntax.fields["id"]!.error("a rule id uses lowercase letters, digits, `.`, `_` and `-`", ruleID: id)
    }
    self.id = id
    name = try syntax.string("name")
    provider = try syntax.string("provider")
    let severityNode = try syntax.required("severity")
    guard let severity = Severity(rawValue: try severityNode.string(ruleID: id)) else {
      throw severityNode.error(
        "expected one of \(Severity.allCases.map(\.rawValue).joined(separator: ", "))", ruleID: id)
    }
    self.severity = severity
    if let node = syntax.fields["confidence"] {
      guard let confidence = Confidence(rawValue: try node.string(ruleID: id)) else {
        throw node.error("expected one of high, medium, low", ruleID: id)
      }
      self.confidence = confidence
    } else {
      confidence = .high
    }
    description = try syntax.string("description")
    remediation = try syntax.string("remediation")
    if let node = syntax.fields["case_insensitive"] {
      let text = try node.string(ruleID: id)
      guard text == "true" || text == "false" else { throw node.error("expected true or false", ruleID: id) }
      caseInsensitive = text == "true"
    } else {
      caseInsensitive = false
    }

    let patternNode = try syntax.required("pattern")
    pattern = try patternNode.string(ruleID: id)
    let prefilterNode = syntax.fields["prefilter"]
    prefilter = try prefilterNode?.string(ruleID: id)
    patternLocation = patternNode.location
    let regex: PCRE2Regex
    do {
      regex = try PCRE2Regex(pattern, caseInsensitive: caseInsensitive)
    } catch {
      throw patternNode.error("\(error)", ruleID: id)
    }
    if strictValidation, let prefilter, let prefilterNode {
      do {
        _ = try PatternDatabase.width(of: PatternSpec(expression: prefilter, caseInsensitive: caseInsensitive))
      } catch {
        throw prefilterNode.error("\(error)", ruleID: id)
      }
    }
    if strictValidation {
      do {
        _ = try PatternDatabase.width(of: PatternSpec(expression: pattern, caseInsensitive: caseInsensitive))
      } catch {
        throw patternNode.error("\(error)", ruleID: id)
      }
    }
    if let node = syntax.fields["secret_group"] {
      secretGroup = try node.int(ruleID: id)
      guard (0...regex.captureCount).contains(secretGroup) else {
        throw node.error(
          "secret group \(secretGroup) must be between 0 and \(regex.captureCount), "
            + "the number of capture groups in the pattern", ruleID: id)
      }
    } else {
      secretGroup = regex.captureCount >= 1 ? 1 : 0
    }
    keywords = try syntax.optionalStrings("keywords")
    visiblePrefixes = try syntax.optionalStrings("visible_prefixes").sorted { $0.count > $1.count }
    if let node = syntax.fields["min_entropy"] {
      guard let value = Double(try node.string(ruleID: id)), (0...8).contains(value) else {
        throw node.error("expected a number of bits per character from 0 to 8", ruleID: id)
      }
      minEntropy = value
    } else {
      minEntropy = nil
    }
    context = try syntax.fields["context"].map { node throws(ConfigError) in try RuleContext(node, ruleID: id) }
    var skipPaths: [PathGlob] = []
    if let node = syntax.fields["skip_paths"] {
      for element in try node.sequence(ruleID: id) {
        do {
          skipPaths.append(try PathGlob(try element.string(ruleID: id)))
        } catch let error as PathGlob.Error {
          throw element.error(error.description, ruleID: id)
        } catch let error as ConfigError {
          throw error
        } catch {
          throw element.error("\(error)", ruleID: id)
        }
      }
    }
    self.skipPaths = skipPaths
    isGeneric = try syntax.fields["generic"]?.bool(ruleID: id) ?? false
    location = syntax.node.location

    let examplesNode = try syntax.required("examples")
    examples = try examplesNode.strings(ruleID: id)
    guard examples.count >= 2 else { throw examplesNode.error("a rule needs at least 2 examples", ruleID: id) }
    let negativeNode = try syntax.required("negative_examples")
    negativeExamples = try negativeNode.strings(ruleID: id)
    guard !negativeExamples.isEmpty else {
      throw negativeNode.error("a rule needs at least 1 negative example", ruleID: id)
    }
    exampleLocations = try examplesNode.sequence(ruleID: id).map(\.location)
    negativeExampleLocations = try negativeNode.sequence(ruleID: id).map(\.location)
    // A pattern that misses its own examples is broken; say so where the example is written.
    // (`keygate rules test` then runs them through every check, not just the pattern.)
    for (index, element) in try examplesNode.sequence(ruleID: id).enumerated() where strictValidation {
      let text = try Self.expand(examples[index], at: element, ruleID: id)
      guard (try? regex.matches(text)) == true else {
        throw element.error("the pattern does not match this example", ruleID: id)
      }
    }
    // A negative example may match the pattern alone (the placeholder, entropy or context check
    // is what rejects it), so only `keygate rules test` can judge it; here it must expand.
    for (index, element) in try negativeNode.sequence(ruleID: id).enumerated() where strictValidation {
      _ = try Self.expand(negativeExamples[index], at: element, ruleID: id)
    }
    // Last, so that a rule's other errors show first.
    let referencesNode = try syntax.required("references")
    references = try referencesNode.strings(ruleID: id)
    guard !references.isEmpty else {
      throw referencesNode.error("name at least one source of the format facts (the provider's documentation)", ruleID: id)
    }
  }

  private static func expand(_ template: String, at node: YAMLNode, ruleID: String) throws(ConfigError) -> String {
    do {
      return try ExampleTemplate(template).expanded()
    } catch {
      throw node.error("\(error)", ruleID: ruleID)
    }
  }
}
