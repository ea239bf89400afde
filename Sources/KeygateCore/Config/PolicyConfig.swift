import Foundation
import KeygateRegex

/// The key and model policy sections of keygate.yaml: environments and their allowed models,
/// the key inventory, naming conventions, rotation ages, client-side paths.
///
/// ```yaml
/// environments:
///   prod:
///     paths: ["deploy/prod/**", ".env.production"]
///     allowed_models: [gpt-4o-mini]
///     max_cost_tier: medium
/// inventory: keys.yaml
/// naming: {service: '^…$', personal: '^…$'}
/// rotation: {warn_after_days: 60, max_age_days: 90, rotating_grace_days: 7}
/// client_paths: ["public/**"]
/// policy: {enabled: true, disable: [policy.unknown-model]}
/// ```
public struct PolicyConfig: Sendable {
  /// A name written in the file, with where it was written.
  public struct Located<Value: Sendable>: Sendable {
    public let value: Value
    public let location: SourceLocation
  }

  /// Files that belong to one deployment environment, and what they may use.
  public struct Environment: Sendable {
    public let name: String
    public let location: SourceLocation
    public let paths: [PathGlob]
    /// nil: no list, any model the catalog knows is allowed (up to `maxCostTier`).
    public let allowedModels: [Located<String>]?
    public let maxCostTier: CostTier?
  }

  /// A naming convention: a regular expression with named groups (`yy`, `mm`, `env` are
  /// checked against the entry's dates and environment).
  public struct NamingConvention: Sendable {
    public let source: String
    public let location: SourceLocation?
    /// Compiled with PCRE2 (Foundation's NSRegularExpression leaks on patterns it rejects,
    /// found by fuzzing the policy loader); immutable, so safe to share between threads.
    public let regex: PCRE2Regex

    /// The named groups the checks read.
    static let groupNames = ["yy", "mm", "env", "customer", "project", "person", "device"]

    init(_ source: String, location: SourceLocation?) throws(ConfigError) {
      self.source = source
      self.location = location
      do {
        regex = try PCRE2Regex(source)
      } catch {
        throw ConfigError(at: location, "invalid regular expression `\(source)`: \(error)")
      }
    }

    /// The named groups of `name`'s match, or nil when it does not match as a whole.
    public func match(_ name: String) -> [String: String]? {
      var matchData = MatchData(for: regex)
      let bytes = Array(name.utf8)
      let groups: [Range<Int>?]? = bytes.withUnsafeBytes { raw in
        (try? regex.firstMatch(in: raw, from: 0, using: &matchData)) ?? nil
      }
      guard let groups, let whole = groups.first ?? nil, whole == 0..<bytes.count else { return nil }
      var result: [String: String] = [:]
      for group in Self.groupNames {
        guard let number = regex.groupNumber(named: group), number < groups.count, let range = groups[number] else { continue }
        result[group] = String(decoding: bytes[range], as: UTF8.self)
      }
      return result
    }
  }

  public struct Rotation: Sendable, Equatable {
    public var warnAfterDays: Int
    public var maxAgeDays: Int
    public var rotatingGraceDays: Int

    public init(warnAfterDays: Int, maxAgeDays: Int, rotatingGraceDays: Int) {
      self.warnAfterDays = warnAfterDays
      self.maxAgeDays = maxAgeDays
      self.rotatingGraceDays = rotatingGraceDays
    }

    /// The built-in default (`policies/defaults/keygate.yaml`).
    public init() { self = PolicyConfig.defaultRotation }
  }

  public let environments: [Environment]
  /// For files in no environment; nil: no list.
  public let allowedModels: [Located<String>]?
  public let maxCostTier: CostTier?
  /// More model catalog files or folders, resolved against the config file's folder.
  public let modelCatalogPaths: [String]
  /// The key inventory, resolved against the config file's folder.
  public let inventoryPath: String?
  public let serviceNaming: NamingConvention
  public let personalNaming: NamingConvention
  public let rotation: Rotation
  public let clientPaths: [PathGlob]
  /// False when `policy.enabled: false`: only the secret scan runs.
  public let enabled: Bool
  public let disabledChecks: Set<String>

  static let keys = [
    "environments", "allowed_models", "max_cost_tier", "model_catalogs", "inventory", "naming", "rotation",
    "client_paths", "policy",
  ]
  static let environmentKeys = ["paths", "allowed_models", "max_cost_tier", "description"]
  static let namingKeys = ["service", "personal"]
  static let rotationKeys = ["warn_after_days", "max_age_days", "rotating_grace_days"]
  static let policyKeys = ["enabled", "disable"]
  public static let checks = [
    PolicyRule.allowedModels, PolicyRule.unknownModel, PolicyRule.keyNaming, PolicyRule.rotationAge,
    PolicyRule.inventory, PolicyRule.clientExposure, PolicyRule.hardcodedKey, PolicyRule.sharedKey,
    PolicyRule.rotateAfterDeparture,
  ]
  /// The built-in defaults, from `policies/defaults/keygate.yaml` (built into the binary).
  static let builtinDefaults = BuiltinDefaults.load()
  public static var defaultServiceNaming: String { builtinDefaults.service }
  public static var defaultPersonalNaming: String { builtinDefaults.personal }
  public static var defaultClientPaths: [String] { builtinDefaults.clientPaths }
  public static var defaultRotation: Rotation { builtinDefaults.rotation }

  struct BuiltinDefaults {
    static let path = "policies/defaults/keygate.yaml"
    let service: String
    let personal: String
    let rotation: Rotation
    let clientPaths: [String]

    /// The embedded file; a test checks it loads, so the `try!` cannot fire in a build that passed.
    static func load() -> BuiltinDefaults {
      let text = EmbeddedPolicies.files.first { $0.path == path }!.contents
      return try! BuiltinDefaults(text: text)
    }

    init(text: String) throws(ConfigError) {
      let root = try YAMLNode.parse(text, file: Self.path)
      let top = try root.mapping(allowed: ["version", "naming", "rotation", "client_paths"])
      let naming = try (top["naming"] ?? root).mapping(allowed: PolicyConfig.namingKeys)
      guard let service = naming["service"], let personal = naming["personal"], let rotationNode = top["rotation"],
        let clientPaths = top["client_paths"]
      else { throw root.error("the defaults must set naming.service, naming.personal, rotation and client_paths") }
      self.service = try service.string()
      self.personal = try personal.string()
      let days = try rotationNode.mapping(allowed: PolicyConfig.rotationKeys)
      var rotation = Rotation(warnAfterDays: 0, maxAgeDays: 0, rotatingGraceDays: 0)
      for (key, path) in [
        ("warn_after_days", \Rotation.warnAfterDays), ("max_age_days", \Rotation.maxAgeDays),
        ("rotating_grace_days", \Rotation.rotatingGraceDays),
      ] {
        guard let node = days[key] else { throw rotationNode.error("missing `\(key)`") }
        rotation[keyPath: path] = try node.int()
      }
      self.rotation = rotation
      self.clientPaths = try clientPaths.strings()
    }
  }

  /// The defaults: no environments, no inventory, the guide's naming and rotation.
  public init() {
    environments = []
    allowedModels = nil
    maxCostTier = nil
    modelCatalogPaths = []
    inventoryPath = nil
    // The defaults are known-good patterns.
    serviceNaming = try! NamingConvention(Self.defaultServiceNaming, location: nil)
    personalNaming = try! NamingConvention(Self.defaultPersonalNaming, location: nil)
    rotation = Rotation()
    clientPaths = Self.defaultClientPaths.map { try! PathGlob($0) }
    enabled = true
    disabledChecks = []
  }

  /// Reads the policy sections of keygate.yaml's top-level mapping.
  init(_ top: [String: YAMLNode], resolve: (String) -> String) throws(ConfigError) {
    var environments: [Environment] = []
    if let node = top["environments"] {
      for (name, location, value) in try node.orderedMapping() {
        guard name.first.map({ $0.isLetter || $0.isNumber }) == true,
          name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" })
        else {
          throw ConfigError(at: location, "environment name `\(name)` must be letters, digits, `_` and `-`")
        }
        let fields = try value.mapping(allowed: Self.environmentKeys)
        guard let pathsNode = fields["paths"] else {
          throw value.error("missing required key `paths` (the files of this environment, e.g. `[\"deploy/\(name)/**\"]`)")
        }
        let paths = try Self.globs(pathsNode)
        if paths.isEmpty { throw pathsNode.error("list at least one path pattern for environment `\(name)`") }
        _ = try fields["description"]?.string()
        environments.append(
          Environment(
            name: name, location: location, paths: paths, allowedModels: try fields["allowed_models"].map(Self.names),
            maxCostTier: try fields["max_cost_tier"].map(Self.tier)))
      }
    }
    self.environments = environments
    allowedModels = try top["allowed_models"].map(Self.names)
    maxCostTier = try top["max_cost_tier"].map(Self.tier)
    modelCatalogPaths = try (top["model_catalogs"]?.strings() ?? []).map(resolve)
    inventoryPath = try top["inventory"].map { node throws(ConfigError) in resolve(try node.string()) }

    var service = try NamingConvention(Self.defaultServiceNaming, location: nil)
    var personal = try NamingConvention(Self.defaultPersonalNaming, location: nil)
    if let node = top["naming"] {
      let fields = try node.mapping(allowed: Self.namingKeys)
      if let value = fields["service"] { service = try NamingConvention(try value.string(), location: value.location) }
      if let value = fields["personal"] { personal = try NamingConvention(try value.string(), location: value.location) }
    }
    serviceNaming = service
    personalNaming = personal

    var rotation = Rotation()
    if let node = top["rotation"] {
      let fields = try node.mapping(allowed: Self.rotationKeys)
      func days(_ key: String, minimum: Int) throws(ConfigError) -> Int? {
        guard let value = fields[key] else { return nil }
        let number = try value.int()
        guard number >= minimum else { throw value.error("expected a number of days of at least \(minimum)") }
        return number
      }
      rotation.warnAfterDays = try days("warn_after_days", minimum: 1) ?? rotation.warnAfterDays
      rotation.maxAgeDays = try days("max_age_days", minimum: 1) ?? rotation.maxAgeDays
      rotation.rotatingGraceDays = try days("rotating_grace_days", minimum: 0) ?? rotation.rotatingGraceDays
      if rotation.warnAfterDays > rotation.maxAgeDays {
        throw node.error(
          "`warn_after_days` (\(rotation.warnAfterDays)) is after `max_age_days` (\(rotation.maxAgeDays)): "
            + "the warning would never come first")
      }
    }
    self.rotation = rotation
    clientPaths = try top["client_paths"].map(Self.globs) ?? Self.defaultClientPaths.map { try! PathGlob($0) }

    var enabled = true
    var disabled = Set<String>()
    if let node = top["policy"] {
      let fields = try node.mapping(allowed: Self.policyKeys)
      if let value = fields["enabled"] { enabled = try value.bool() }
      for element in try fields["disable"]?.sequence() ?? [] {
        let id = try element.string()
        guard Self.checks.contains(id) else {
          throw element.error("unknown policy check `\(id)`; expected one of \(Self.checks.joined(separator: ", "))")
        }
        disabled.insert(id)
      }
    }
    self.enabled = enabled
    disabledChecks = disabled
  }

  /// Whether `check` runs.
  public func runs(_ check: String) -> Bool { enabled && !disabledChecks.contains(check) }

  /// The environment whose paths match `path` (the first listed wins), or nil.
  public func environment(of path: String) -> Environment? {
    environments.first { $0.paths.contains { $0.matches(path) } }
  }

  public func isClientPath(_ path: String) -> Bool { clientPaths.contains { $0.matches(path) } }

  private static func globs(_ node: YAMLNode) throws(ConfigError) -> [PathGlob] {
    var globs: [PathGlob] = []
    for element in try node.sequence() {
      do {
        globs.append(try PathGlob(try element.string()))
      } catch let error as PathGlob.Error {
        throw element.error(error.description)
      } catch {
        throw element.error("\(error)")
      }
    }
    return globs
  }

  private static func names(_ node: YAMLNode) throws(ConfigError) -> [Located<String>] {
    var names: [Located<String>] = []
    for element in try node.sequence() {
      let name = try element.string()
      guard !name.isEmpty else { throw element.error("a model name cannot be empty") }
      names.append(Located(value: name, location: element.location))
    }
    return names
  }

  private static func tier(_ node: YAMLNode) throws(ConfigError) -> CostTier {
    let text = try node.string()
    guard let tier = CostTier(rawValue: text) else {
      throw node.error("unknown cost tier `\(text)`; expected one of \(CostTier.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return tier
  }
}
