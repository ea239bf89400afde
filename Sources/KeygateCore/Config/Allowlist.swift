import KeygateRegex

/// What a team has decided is not a secret: paths, patterns of the secret text, stopwords.
public struct Allowlist: Sendable {
  public let paths: [PathGlob]
  /// Regular expressions (PCRE2) searched in the secret's text.
  public let patterns: [(source: String, regex: PCRE2Regex)]
  /// Lowercased words; a secret containing one (case-insensitive) is allowed.
  public let stopwords: [String]

  static let keys = ["paths", "patterns", "stopwords"]

  public init() {
    paths = []
    patterns = []
    stopwords = []
  }

  init(_ node: YAMLNode) throws(ConfigError) {
    let fields = try node.mapping(allowed: Self.keys)
    var paths: [PathGlob] = []
    for element in try fields["paths"]?.sequence() ?? [] {
      let glob: PathGlob
      do {
        glob = try PathGlob(try element.string())
      } catch let error as PathGlob.Error {
        throw element.error(error.description)
      } catch {
        throw element.error("\(error)")
      }
      // An allowlist that accepts every file switches the secret scan off without saying so.
      if Self.everyPathSample.allSatisfy(glob.matches) {
        throw element.error(
          "`\(glob.pattern)` allows every file, which would turn the secret scan off; allow the folders that hold "
            + "test data instead, or run `keygate scan --policy-only` to check only the policy")
      }
      paths.append(glob)
    }
    var patterns: [(source: String, regex: PCRE2Regex)] = []
    for element in try fields["patterns"]?.sequence() ?? [] {
      let source = try element.string()
      do {
        patterns.append((source, try PCRE2Regex(source)))
      } catch {
        throw element.error("\(error)")
      }
    }
    self.paths = paths
    self.patterns = patterns
    stopwords = try (fields["stopwords"]?.strings() ?? []).map { $0.lowercased() }
  }

  /// Paths of every shape: a glob that matches all of them matches every file.
  static let everyPathSample = ["a", "b.env", "src/app.py", "deploy/prod/.env", "x/y/z/w.json", ".hidden"]

  public var isEmpty: Bool { paths.isEmpty && patterns.isEmpty && stopwords.isEmpty }

  /// Why `path` and `secret` are allowed, or nil when they are not.
  public func reason(path: String, secret: String) -> String? {
    if let glob = paths.first(where: { $0.matches(path) }) { return "path matches `\(glob.pattern)`" }
    if let pattern = patterns.first(where: { (try? $0.regex.matches(secret)) == true }) {
      return "secret matches pattern `\(pattern.source)`"
    }
    let lowered = secret.lowercased()
    if let word = stopwords.first(where: { lowered.contains($0) }) { return "secret contains stopword `\(word)`" }
    return nil
  }
}
