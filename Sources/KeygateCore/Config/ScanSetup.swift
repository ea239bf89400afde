import Foundation

/// Everything a scan needs besides its target, assembled from the command line and the
/// project's keygate.yaml: the compiled rules, and what suppresses findings.
public struct ScanSetup: Sendable {
  public let config: ProjectConfig
  public let rules: CompiledRules
  public let suppression: Suppression
  /// The policy checks, when keygate.yaml is present and they are not switched off.
  public let policy: PolicyEngine?

  /// What the command line says; each value overrides or adds to keygate.yaml.
  public struct Request: Sendable {
    /// The scan target; keygate.yaml, .keygateignore are looked for in it.
    public var targetPath: String
    /// `--config`: this file instead of the one in the target.
    public var configPath: String?
    /// `--rules`: more rule files or directories.
    public var rulePaths: [String] = []
    /// `--no-builtin`.
    public var noBuiltin = false
    /// `--baseline`: overrides keygate.yaml's `baseline`.
    public var baselinePath: String?
    /// Leave the baseline out even when keygate.yaml names one (for `baseline create`).
    public var ignoreBaseline = false
    /// `--secrets-only`: no policy checks even with a keygate.yaml.
    public var secretsOnly = false
    /// `--policy-only`: no secret scan, so a configuration without rules is fine.
    public var policyOnly = false
    /// `--as-of`: the day rotation ages and expiry are computed against (default: today, UTC).
    public var asOf: CalendarDay?

    public init(targetPath: String) { self.targetPath = targetPath }
  }

  /// - Throws: `ConfigError` (file:line:column) for a broken config, rule, ignore or baseline file.
  public init(_ request: Request) throws(ConfigError) {
    let folder = FileContent.kind(at: request.targetPath) == .directory ? request.targetPath : nil
    config = try Self.projectConfig(request) ?? ProjectConfig()
    let useBuiltin = config.useBuiltinRules && !request.noBuiltin
    let paths = config.rulePaths + request.rulePaths
    guard useBuiltin || !paths.isEmpty else {
      throw ConfigError(at: nil, "no rules left: the built-in rules are off and no rule files are given (--rules PATH)")
    }
    var ruleSet = useBuiltin ? try RuleSet.builtin() : RuleSet(rules: [])
    if !paths.isEmpty { ruleSet = try ruleSet.adding(RuleSet.load(paths: paths)) }
    try config.validate(against: ruleSet)
    ruleSet = config.selecting(ruleSet)
    if ruleSet.rules.isEmpty, request.policyOnly {
      // No secret scan runs; the built-in rules only stand in for the policy's own uses of them.
      ruleSet = try RuleSet.builtin()
    } else if ruleSet.rules.isEmpty {
      throw ConfigError(
        at: config.disabledRules.first?.location ?? config.path.map { SourceLocation(file: $0, line: 1, column: 1) },
        "`rules.disable` turns off every rule, which would turn the secret scan off; to check only the policy, "
          + "run `keygate scan --policy-only`")
    }
    rules = try CompiledRules(ruleSet, cache: DatabaseCache.userDefault())

    var ignoreFile: IgnoreFile?
    if let folder {
      let path = (folder as NSString).appendingPathComponent(IgnoreFile.defaultName)
      if FileManager.default.fileExists(atPath: path) { ignoreFile = try IgnoreFile.load(path: path) }
    }
    var baseline: Baseline?
    if !request.ignoreBaseline, let path = request.baselinePath ?? config.baselinePath {
      baseline = try Baseline.load(path: path)
    }
    suppression = Suppression(rules: ruleSet.rules, config: config, ignoreFile: ignoreFile, baseline: baseline)
    policy = try Self.policyEngine(config: config, request: request)
  }

  /// The policy engine for the configuration `request` names or the target holds, without
  /// the rules (for `keygate inventory`); nil when there is no keygate.yaml or its checks are off.
  public static func policyEngine(_ request: Request) throws(ConfigError) -> PolicyEngine? {
    guard let config = try projectConfig(request) else { return nil }
    return try policyEngine(config: config, request: request)
  }

  /// The inventory file the configuration `request` names or the target holds names
  /// (`inventory:`), without reading it; nil when there is no configuration or it names none.
  public static func inventoryPath(_ request: Request) throws(ConfigError) -> String? {
    try projectConfig(request)?.policy.inventoryPath
  }

  /// The file `--config` names, else keygate.yaml in the target folder; nil when there is none.
  static func projectConfig(_ request: Request) throws(ConfigError) -> ProjectConfig? {
    if let path = request.configPath { return try ProjectConfig.load(path: path) }
    guard FileContent.kind(at: request.targetPath) == .directory,
      let found = ProjectConfig.discover(in: request.targetPath)
    else { return nil }
    return try ProjectConfig.load(path: found)
  }

  /// The policy engine for `config`, or nil when there is no keygate.yaml or its checks are off.
  static func policyEngine(config: ProjectConfig, request: Request) throws(ConfigError) -> PolicyEngine? {
    guard config.path != nil, config.policy.enabled, !request.secretsOnly else { return nil }
    var catalog = try ModelCatalog.builtin()
    if !config.policy.modelCatalogPaths.isEmpty {
      catalog = catalog.adding(try ModelCatalog.load(paths: config.policy.modelCatalogPaths))
    }
    let inventory = try config.policy.inventoryPath.map { path throws(ConfigError) in try KeyInventory.load(path: path) }
    let root = FileContent.kind(at: request.targetPath) == .directory
      ? request.targetPath : (request.targetPath as NSString).deletingLastPathComponent
    return PolicyEngine(
      config: config.policy, catalog: catalog, inventory: inventory, today: request.asOf ?? .today(), root: root)
  }
}
