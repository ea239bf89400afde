import Foundation

/// How expensive a model is relative to the rest of the catalog (policies/models/FORMAT.md):
/// `low` < `medium` < `high` < `premium`.
public enum CostTier: String, Sendable, CaseIterable, Comparable, Codable {
  case low, medium, high, premium

  private var rank: Int {
    switch self {
    case .low: 0
    case .medium: 1
    case .high: 2
    case .premium: 3
    }
  }

  public static func < (lhs: CostTier, rhs: CostTier) -> Bool { lhs.rank < rhs.rank }
}

/// One model of the catalog, with every name that refers to it.
public struct CatalogModel: Sendable, Hashable {
  /// The canonical name, e.g. `gpt-4o`.
  public let id: String
  /// Lowercase slug of the provider, e.g. `openai`.
  public let provider: String
  /// The model family, e.g. `gpt-4o`, `o1`, `embedding`, `claude-3.5-sonnet`.
  public let family: String
  public let costTier: CostTier
  public let deprecated: Bool
  /// The id, then the aliases, then the dated snapshots, as written in the catalog file.
  public let names: [String]
  public let description: String?
  /// Where the entry is defined (`<builtin>/policies/models/…` for the built-ins).
  public let location: SourceLocation?

  public init(
    id: String, provider: String, family: String, costTier: CostTier, deprecated: Bool = false,
    names: [String] = [], description: String? = nil, location: SourceLocation? = nil
  ) {
    self.id = id
    self.provider = provider
    self.family = family
    self.costTier = costTier
    self.deprecated = deprecated
    self.names = names.first == id ? names : [id] + names.filter { $0 != id }
    self.description = description
    self.location = location
  }
}

/// The models keygate knows: the built-in catalog (policies/models/) plus the user's files.
public struct ModelCatalog: Sendable {
  /// The highest model-file `version` this keygate reads.
  public static let highestSupportedVersion = 1

  public let models: [CatalogModel]
  /// Lowercased name → index in `models`.
  private let index: [String: Int]
  /// Lowercased provider prefixes `lookup` strips (`openai/`, `azure:`, `models/`, …).
  private let prefixes: Set<String>
  /// Lowercased leading words of every name (`gpt`, `o1`, `claude`, …) and of the prefixes:
  /// a cheap test before a full `lookup` (see `mightName`).
  let leadingWords: Set<String>

  /// Prefixes that route a name to a provider in LiteLLM, pydantic-ai, Vercel's AI SDK, the
  /// Gemini API (`models/`) and similar; the catalog's own providers are added.
  static let providerPrefixes: Set<String> = [
    "openai", "azure", "azure_ai", "azure-openai", "anthropic", "google", "gemini", "google-gla", "google-vertex",
    "vertex_ai", "vertexai", "vertex", "mistral", "mistralai", "models", "openrouter", "litellm",
  ]

  /// A catalog of `models`; when two models claim a name, the later one keeps it.
  public init(models: [CatalogModel]) {
    self.models = models
    var index: [String: Int] = [:]
    var words: Set<String> = []
    for (position, model) in models.enumerated() {
      for name in model.names {
        let lowered = name.lowercased()
        index[lowered] = position
        words.insert(Self.leadingWord(of: lowered))
      }
    }
    let prefixes = Self.providerPrefixes.union(models.map { $0.provider.lowercased() })
    words.formUnion(prefixes.map { Self.leadingWord(of: $0) })
    words.insert("ft")  // fine-tuned models: ft:gpt-4o-mini-2024-07-18:org::id
    for bedrock in ["us", "eu", "apac", "global"] { words.insert(bedrock) }  // us.anthropic.claude-…
    self.index = index
    self.prefixes = prefixes
    self.leadingWords = words
  }

  /// The letters and digits a name starts with, e.g. `gpt` for `gpt-4o`, `o1` for `o1-mini`.
  static func leadingWord(of lowered: String) -> String {
    String(lowered.prefix { $0.isASCII && ($0.isLetter || $0.isNumber) })
  }

  // MARK: Lookup

  /// Resolves a name as written in code or configuration, case-insensitively: an id, an alias or
  /// a listed snapshot; an unlisted dated snapshot of a known name (`<name>-YYYY-MM-DD`,
  /// `<name>-YYYYMMDD`, `<name>-NNNN` such as `gpt-4-0613` or Mistral's `-2411`, and Vertex AI's
  /// `<name>@YYYYMMDD`); after stripping provider prefixes such as `openai/`, `openai:`,
  /// `azure/`, `models/` (LiteLLM, pydantic-ai, the Gemini API); an OpenAI fine-tune
  /// `ft:<base>:<org>::<id>` resolves to its base model; an Amazon Bedrock id
  /// (`us.anthropic.claude-3-5-sonnet-20241022-v2:0`) to the Claude model. Azure deployment names
  /// are chosen by their owner and are not resolved.
  public func lookup(_ name: String) -> CatalogModel? {
    var text = name.trimmingCharacters(in: .whitespaces).lowercased()
    guard !text.isEmpty, text.utf8.count <= 200 else { return nil }
    if let hit = resolve(text) { return hit }
    // Fine-tuned model: ft:<base>:<org>[:<suffix>]:<id>
    if text.hasPrefix("ft:") {
      let base = text.dropFirst(3).prefix { $0 != ":" }
      return base.isEmpty ? nil : resolve(String(base))
    }
    // Provider prefixes, possibly nested (openrouter/openai/gpt-4o).
    var stripped = false
    for _ in 0..<3 {
      guard let separator = text.firstIndex(where: { $0 == "/" || $0 == ":" }),
        prefixes.contains(String(text[..<separator]))
      else { break }
      text = String(text[text.index(after: separator)...])
      stripped = true
      if let hit = resolve(text) { return hit }
    }
    if stripped, text.hasPrefix("ft:") { return lookup(text) }
    // Amazon Bedrock: [region.]anthropic.<id>[-vN[:M]]
    if let range = text.range(of: "anthropic.") {
      var rest = Substring(text[range.upperBound...])
      if let colon = rest.lastIndex(of: ":"), rest[rest.index(after: colon)...].allSatisfy(\.isNumber) {
        rest = rest[..<colon]
      }
      if let dash = rest.range(of: "-v", options: .backwards),
        !rest[dash.upperBound...].isEmpty, rest[dash.upperBound...].allSatisfy(\.isNumber)
      {
        rest = rest[..<dash.lowerBound]
      }
      return resolve(String(rest))
    }
    return nil
  }

  /// A listed name, or an unlisted dated snapshot of one.
  private func resolve(_ lowered: String) -> CatalogModel? {
    if let position = index[lowered] { return models[position] }
    guard let base = Self.withoutDateSuffix(lowered), let position = index[base] else { return nil }
    return models[position]
  }

  /// `name` without a trailing `-YYYY-MM-DD`, `-YYYYMMDD`, `-NNNN` or `@YYYYMMDD`, or nil.
  static func withoutDateSuffix(_ name: String) -> String? {
    let bytes = Array(name.utf8)
    func digits(_ range: Range<Int>) -> Bool {
      range.lowerBound >= 0 && range.allSatisfy { bytes[$0] >= UInt8(ascii: "0") && bytes[$0] <= UInt8(ascii: "9") }
    }
    let count = bytes.count
    let dash = UInt8(ascii: "-")
    // -YYYY-MM-DD
    if count > 11, bytes[count - 11] == dash, digits(count - 10..<count - 6), bytes[count - 6] == dash,
      digits(count - 5..<count - 3), bytes[count - 3] == dash, digits(count - 2..<count)
    {
      return String(decoding: bytes[..<(count - 11)], as: UTF8.self)
    }
    // -YYYYMMDD or @YYYYMMDD
    if count > 9, bytes[count - 9] == dash || bytes[count - 9] == UInt8(ascii: "@"), digits(count - 8..<count) {
      return String(decoding: bytes[..<(count - 9)], as: UTF8.self)
    }
    // -MMDD (gpt-4-0613) or -YYMM (mistral-large-2411)
    if count > 5, bytes[count - 5] == dash, digits(count - 4..<count) {
      return String(decoding: bytes[..<(count - 5)], as: UTF8.self)
    }
    return nil
  }

  /// Whether `lowercasedLeadingWord` (the letters and digits a quoted text starts with) could
  /// begin a name `lookup` resolves: the reference scanner's cheap test.
  func mightName(leadingWord lowercasedLeadingWord: String) -> Bool {
    leadingWords.contains(lowercasedLeadingWord)
  }

  // MARK: Combining

  /// This catalog with `other`'s models: a model of `other` with the same id replaces this
  /// catalog's model, and a name `other` claims is taken from this catalog's models.
  public func adding(_ other: ModelCatalog) -> ModelCatalog {
    let replaced = Set(other.models.map { $0.id.lowercased() })
    let claimed = Set(other.models.flatMap { $0.names.map { $0.lowercased() } })
    var kept: [CatalogModel] = []
    for model in models where !replaced.contains(model.id.lowercased()) {
      guard !claimed.contains(model.id.lowercased()) else { continue }
      let names = model.names.filter { !claimed.contains($0.lowercased()) }
      kept.append(
        CatalogModel(
          id: model.id, provider: model.provider, family: model.family, costTier: model.costTier,
          deprecated: model.deprecated, names: names, description: model.description, location: model.location))
    }
    return ModelCatalog(models: kept + other.models)
  }

  // MARK: Loading

  /// The catalog built into the binary: the `.yaml`/`.yml` files under `policies/models/`.
  /// - Throws: `ConfigError` only if the embedded files are broken, which the tests rule out.
  public static func builtin() throws(ConfigError) -> ModelCatalog {
    let files = EmbeddedPolicies.files.filter {
      $0.path.hasPrefix("policies/models/") && ($0.path.hasSuffix(".yaml") || $0.path.hasSuffix(".yml"))
    }
    return try load(files.map { (path: "<builtin>/\($0.path)", contents: $0.contents) })
  }

  /// Reads catalog files from disk: each path is a file, or a directory whose `.yml`, `.yaml`
  /// and `.json` files are read in name order.
  /// - Throws: `ConfigError` naming the path when it cannot be read, or the catalog error.
  public static func load(paths: [String]) throws(ConfigError) -> ModelCatalog {
    var files: [(path: String, contents: String)] = []
    for path in paths {
      for file in try RuleFiles.list(path) {
        files.append((file, try RuleFiles.read(file)))
      }
    }
    return try load(files)
  }

  /// Parses and validates catalog files (YAML, or JSON, which the YAML parser reads too).
  /// - Parameter files: Each file's path (for messages) and contents.
  /// - Throws: `ConfigError` with `file:line:column`: an unknown key, a missing `version`, `id`,
  ///   `provider` or `cost_tier`, an unknown cost tier, a name two models claim.
  public static func load(_ files: [(path: String, contents: String)]) throws(ConfigError) -> ModelCatalog {
    var models: [CatalogModel] = []
    var claimed: [String: (model: String, location: SourceLocation)] = [:]
    for file in files {
      for (model, nameNodes) in try parseFile(file.contents, path: file.path) {
        for (name, node) in zip(model.names, nameNodes) {
          let key = name.lowercased()
          if let first = claimed[key] {
            let message =
              first.model == model.id
              ? "the name `\(name)` is listed twice for model `\(model.id)`; first at \(first.location)"
              : "the name `\(name)` is claimed by two models: `\(first.model)` (at \(first.location)) and `\(model.id)`"
            throw node.error(message)
          }
          claimed[key] = (model.id, node.location)
        }
        models.append(model)
      }
    }
    return ModelCatalog(models: models)
  }

  static let entryKeys = ["id", "provider", "family", "cost_tier", "aliases", "snapshots", "deprecated", "description"]

  /// The file's models, each with the nodes of its names (id, aliases, snapshots) for messages.
  static func parseFile(_ contents: String, path: String) throws(ConfigError) -> [(CatalogModel, [YAMLNode])] {
    let root = try YAMLNode.parse(contents, file: path)
    let top = try root.mapping(allowed: ["version", "models"])
    guard let versionNode = top["version"] else { throw root.error("missing required key `version`") }
    let version = try versionNode.int()
    guard (1...highestSupportedVersion).contains(version) else {
      throw versionNode.error(
        "model catalog version \(version) is not supported; this keygate supports up to \(highestSupportedVersion)")
    }
    guard let modelsNode = top["models"] else { throw root.error("missing required key `models`") }
    var result: [(CatalogModel, [YAMLNode])] = []
    for element in try modelsNode.sequence() {
      let entry = try element.mapping(allowed: entryKeys)
      func required(_ key: String) throws(ConfigError) -> YAMLNode {
        guard let node = entry[key] else { throw element.error("missing required key `\(key)`") }
        return node
      }
      let idNode = try required("id")
      let id = try name(idNode)
      let providerNode = try required("provider")
      let provider = try providerNode.string()
      guard isSlug(provider) else {
        throw providerNode.error("a provider is a lowercase slug (letters, digits, `_`, `-`), e.g. `openai`")
      }
      let tierNode = try required("cost_tier")
      guard let tier = CostTier(rawValue: try tierNode.string()) else {
        throw tierNode.error("expected one of \(CostTier.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      var family = id
      if let node = entry["family"] { family = try node.string() }
      var nameNodes = [idNode]
      var names = [id]
      for key in ["aliases", "snapshots"] {
        guard let listNode = entry[key] else { continue }
        for node in try listNode.sequence() {
          names.append(try name(node))
          nameNodes.append(node)
        }
      }
      var deprecated = false
      if let node = entry["deprecated"] { deprecated = try node.bool() }
      var description: String?
      if let node = entry["description"] { description = try node.string() }
      let model = CatalogModel(
        id: id, provider: provider, family: family, costTier: tier, deprecated: deprecated, names: names,
        description: description, location: element.location)
      result.append((model, nameNodes))
    }
    return result
  }

  /// A model name: letters, digits and `.`, `_`, `-`, `:`, `/`, `@`, `+`; no spaces.
  private static func name(_ node: YAMLNode) throws(ConfigError) -> String {
    let text = try node.string()
    guard !text.isEmpty, text.utf8.allSatisfy({ ModelName.isNameByte($0) }) else {
      throw node.error("a model name uses letters, digits, `.`, `_`, `-`, `:`, `/`, `@` and `+`, without spaces")
    }
    return text
  }

  private static func isSlug(_ text: String) -> Bool {
    !text.isEmpty
      && text.utf8.allSatisfy {
        ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
          || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
      }
  }
}

/// The bytes a model name is made of.
enum ModelName {
  static func isNameByte(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"),
      UInt8(ascii: ":"), UInt8(ascii: "/"), UInt8(ascii: "@"), UInt8(ascii: "+"):
      true
    default: false
    }
  }
}
