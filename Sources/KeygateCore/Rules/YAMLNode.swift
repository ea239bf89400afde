import Yams

/// A YAML (or JSON) node that remembers its file, position and key path, so that every
/// validation error can say `file:line:column` and ``at `rules[2].pattern` ``.
struct YAMLNode {
  let node: Node
  let file: String
  /// Where the node sits in the document, e.g. `rules[2].pattern`.
  let keyPath: String

  /// Parses `text`, keeping every node's position.
  /// - Throws: `ConfigError` with the parser's position and problem.
  /// - Parameter resolvingTags: Whether plain scalars get YAML's implicit types (null, bool,
  ///   numbers); the built-in rules, which the tests check, skip it to start faster.
  static func parse(_ text: String, file: String, resolvingTags: Bool = true) throws(ConfigError) -> YAMLNode {
    do {
      guard let node = try Yams.compose(yaml: text, resolvingTags ? .default : .basic) else {
        throw ConfigError(at: SourceLocation(file: file, line: 1, column: 1), "the file is empty")
      }
      return YAMLNode(node: node, file: file, keyPath: "")
    } catch let error as ConfigError {
      throw error
    } catch let error as YamlError {
      throw Self.configError(from: error, file: file)
    } catch {
      throw ConfigError(at: SourceLocation(file: file, line: 1, column: 1), "cannot parse: \(error)")
    }
  }

  private static func configError(from error: YamlError, file: String) -> ConfigError {
    switch error {
    case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
      .composer(let context, let problem, let mark, _):
      let prefix = context.map { "\($0.text) (line \($0.mark.line)): " } ?? ""
      return ConfigError(
        at: SourceLocation(file: file, line: mark.line, column: mark.column), "invalid YAML: \(prefix)\(problem)")
    case .duplicatedKeysInMapping(let duplicates, let context):
      return ConfigError(
        at: SourceLocation(file: file, line: context.mark.line, column: context.mark.column),
        "duplicate key \(duplicates.map { "`\($0)`" }.joined(separator: ", "))")
    default:
      return ConfigError(at: SourceLocation(file: file, line: 1, column: 1), "invalid YAML: \(error)")
    }
  }

  var location: SourceLocation {
    let mark = node.mark
    return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
  }

  private var described: String { keyPath.isEmpty ? "the top level" : "`\(keyPath)`" }

  func error(_ message: String, ruleID: String? = nil) -> ConfigError {
    ConfigError(at: location, ruleID: ruleID, "at \(described): \(message)")
  }

  /// The node's mapping entries, by key; a key not in `allowed` is an error, so a typo cannot
  /// switch a check off unnoticed.
  func mapping(allowed: [String], ruleID: String? = nil) throws(ConfigError) -> [String: YAMLNode] {
    guard case .mapping(let mapping) = node else { throw error("expected a mapping", ruleID: ruleID) }
    var entries: [String: YAMLNode] = [:]
    for (key, value) in mapping {
      let keyNode = YAMLNode(node: key, file: file, keyPath: keyPath)
      guard case .scalar(let scalar) = key else { throw keyNode.error("expected a text key", ruleID: ruleID) }
      guard allowed.contains(scalar.string) else {
        throw ConfigError(
          at: keyNode.location, ruleID: ruleID,
          "at \(described): unknown key `\(scalar.string)`; expected one of \(allowed.joined(separator: ", "))")
      }
      entries[scalar.string] = YAMLNode(
        node: value, file: file, keyPath: keyPath.isEmpty ? scalar.string : "\(keyPath).\(scalar.string)")
    }
    return entries
  }

  func sequence(ruleID: String? = nil) throws(ConfigError) -> [YAMLNode] {
    guard case .sequence(let sequence) = node else { throw error("expected a list", ruleID: ruleID) }
    return sequence.enumerated().map { index, element in
      YAMLNode(node: element, file: file, keyPath: "\(keyPath)[\(index)]")
    }
  }

  func string(ruleID: String? = nil) throws(ConfigError) -> String {
    guard case .scalar(let scalar) = node, !isNull else { throw error("expected text", ruleID: ruleID) }
    return scalar.string
  }

  /// A null (`null`, `~`, or nothing), as YAML's tag resolution reads a plain scalar. The
  /// resolved tag is only on `Node.tag`: the scalar's own stays unresolved.
  var isNull: Bool { node.tag.rawValue == Tag.Name.null.rawValue }

  func int(ruleID: String? = nil) throws(ConfigError) -> Int {
    guard case .scalar(let scalar) = node, let value = Int(scalar.string) else {
      throw error("expected an integer", ruleID: ruleID)
    }
    return value
  }

  func strings(ruleID: String? = nil) throws(ConfigError) -> [String] {
    var result: [String] = []
    for element in try sequence(ruleID: ruleID) { result.append(try element.string(ruleID: ruleID)) }
    return result
  }

  func bool(ruleID: String? = nil) throws(ConfigError) -> Bool {
    let text = try string(ruleID: ruleID)
    guard text == "true" || text == "false" else { throw error("expected true or false", ruleID: ruleID) }
    return text == "true"
  }

  /// A mapping's entries in file order, keys as text.
  func orderedMapping(ruleID: String? = nil) throws(ConfigError) -> [(key: String, keyLocation: SourceLocation, value: YAMLNode)] {
    guard case .mapping(let mapping) = node else { throw error("expected a mapping", ruleID: ruleID) }
    var entries: [(key: String, keyLocation: SourceLocation, value: YAMLNode)] = []
    for (key, value) in mapping {
      let keyNode = YAMLNode(node: key, file: file, keyPath: keyPath)
      guard case .scalar(let scalar) = key else { throw keyNode.error("expected a text key", ruleID: ruleID) }
      entries.append(
        (scalar.string, keyNode.location, YAMLNode(node: value, file: file, keyPath: keyPath.isEmpty ? scalar.string : "\(keyPath).\(scalar.string)")))
    }
    return entries
  }
}
