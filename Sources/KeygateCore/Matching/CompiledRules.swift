import Foundation
import KeygateRegex

/// A rule set compiled for scanning: one Hyperscan database over every rule, and one PCRE2
/// pattern per rule to confirm each hit and capture the secret.
///
/// Immutable after creation and shared by every scanning task.
public final class CompiledRules: Sendable {
  public let rules: [Rule]
  let database: PatternDatabase
  let confirmers: [PCRE2Regex]
  /// How far before a match end (and after it) the confirming search looks, per rule.
  let windows: [Int]
  let largestGroupCount: Int
  /// Where the Hyperscan database came from, and how long that took (for `--verbose` and benchmarks).
  public let databaseSource: DatabaseSource
  public let databaseDuration: Duration

  public enum DatabaseSource: String, Sendable {
    case compiled, cache
  }
  /// Per rule, what a confirmed match must also pass.
  let checks: [RuleChecks]
  /// The specific rules' `visible_prefixes`: a generic rule leaves values starting with one alone.
  let claimedPrefixes: [[UInt8]]

  /// The confirm window for patterns Hyperscan cannot bound (e.g. `.*`).
  static let unboundedWindow = 64 * 1024

  /// Compiles `ruleSet`.
  /// - Throws: `ConfigError` naming the rule when its pattern cannot be compiled; the combined
  ///   database is compiled rule by rule on failure so the error names the rule.
  public init(_ ruleSet: RuleSet, cache: DatabaseCache? = nil) throws(ConfigError) {
    rules = ruleSet.rules
    guard !rules.isEmpty else { throw ConfigError(at: nil, "no rules to scan with") }
    let ruleSpecs = rules.map { PatternSpec(expression: $0.prefilter ?? $0.pattern, caseInsensitive: $0.caseInsensitive) }
    let specs = ruleSpecs + Decoding.triggers.map(\.spec)
    let started = ContinuousClock.now
    if let cached = cache?.load(specs) {
      database = cached
      databaseSource = .cache
    } else {
      do {
        database = try PatternDatabase(patterns: specs)
      } catch {
        for (rule, spec) in zip(rules, ruleSpecs) {
          do { _ = try PatternDatabase(patterns: [spec]) } catch {
            throw ConfigError(at: rule.patternLocation, ruleID: rule.id, "\(error)")
          }
        }
        throw ConfigError(at: nil, "the rules compile one by one but not together: \(error)")
      }
      databaseSource = .compiled
      cache?.store(database, for: specs)
    }
    databaseDuration = ContinuousClock.now - started
    var confirmers: [PCRE2Regex] = []
    for rule in rules {
      do {
        confirmers.append(try PCRE2Regex(rule.pattern, caseInsensitive: rule.caseInsensitive))
      } catch {
        throw ConfigError(at: rule.location, ruleID: rule.id, "\(error)")
      }
    }
    self.confirmers = confirmers
    var checks: [RuleChecks] = []
    for rule in rules {
      var context: PCRE2Regex?
      if let ruleContext = rule.context {
        do {
          context = try PCRE2Regex(ruleContext.pattern, caseInsensitive: ruleContext.caseInsensitive)
        } catch {
          throw ConfigError(at: rule.location, ruleID: rule.id, "context pattern: \(error)")
        }
      }
      checks.append(
        RuleChecks(
          keywords: rule.keywords.map { Array($0.lowercased().utf8) }, minEntropy: rule.minEntropy,
          context: context, contextLines: rule.context?.withinLines ?? 0))
    }
    self.checks = checks
    // Prefixes the specific rules own; three characters at least, so `AC` or `pk` claim nothing.
    claimedPrefixes = Array(
      Set(rules.filter { !$0.isGeneric }.flatMap(\.visiblePrefixes).filter { $0.utf8.count >= 3 })
    ).map { Array($0.utf8) }
    // A prefiltered rule's hit may end anywhere inside the full match: the window is the full
    // pattern's width, on both sides of the hit.
    var widths = Array(database.widths.prefix(rules.count))
    for (index, rule) in rules.enumerated() where rule.prefilter != nil {
      widths[index] = (try? PatternDatabase.width(of: PatternSpec(expression: rule.pattern, caseInsensitive: rule.caseInsensitive)))
        ?? PatternWidth(minimum: 0, maximum: nil)
    }
    windows = widths.map { $0.maximum.map { max($0, 1) } ?? Self.unboundedWindow }
    largestGroupCount = (confirmers + checks.compactMap(\.context)).map(\.captureCount).max() ?? 0
  }
}

/// A rule's checks beyond its pattern, ready for the hot path.
struct RuleChecks: Sendable {
  /// Lowercased; one must occur on the match's lines.
  let keywords: [[UInt8]]
  let minEntropy: Double?
  let context: PCRE2Regex?
  let contextLines: Int
}
