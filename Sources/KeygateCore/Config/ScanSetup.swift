import Foundation

/// Everything a scan needs besides its target, assembled from the command line and the
/// project's keygate.yaml: the compiled rules, and what suppresses findings.
public struct ScanSetup: Sendable {
  public let config: ProjectConfig
  public let rules: CompiledRules
  public let suppression: Suppression

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

    public init(targetPath: String) { self.targetPath = targetPath }
  }

  /// - Throws: `ConfigError` (file:line:column) for a broken config, rule, ignore or baseline file.
  public init(_ request: Request) throws(ConfigError) {
    let folder = FileContent.kind(at: request.targetPath) == .directory ? request.targetPath : nil
    if let path = request.configPath {
      config = try ProjectConfig.load(path: path)
    } else if let folder, let found = ProjectConfig.discover(in: folder) {
      config = try ProjectConfig.load(path: found)
    } else {
      config = ProjectConfig()
    }
    let useBuiltin = config.useBuiltinRules && !request.noBuiltin
    let paths = config.rulePaths + request.rulePaths
    guard useBuiltin || !paths.isEmpty else {
      throw ConfigError(at: nil, "no rules left: the built-in rules are off and no rule files are given (--rules PATH)")
    }
    var ruleSet = useBuiltin ? try RuleSet.builtin() : RuleSet(rules: [])
    if !paths.isEmpty { ruleSet = try ruleSet.adding(RuleSet.load(paths: paths)) }
    try config.validate(against: ruleSet)
    ruleSet = config.selecting(ruleSet)
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
  }
}
