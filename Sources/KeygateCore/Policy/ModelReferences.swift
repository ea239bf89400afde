/// A model name a project's file uses, as written, for the `policy.allowed-models` check.
public struct ModelReference: Sendable, Hashable {
  /// The name exactly as written (without its quotes).
  public let name: String
  /// 1-based line of the name.
  public let line: Int
  /// 1-based column of the name's first character, counted in Swift `Character`s (extended
  /// grapheme clusters) from the start of the line, like an editor shows it.
  public let column: Int
  /// The key, variable, argument label or called function the literal is assigned or passed to
  /// (`model`, `OPENAI_MODEL`, `models`, `setModel`, `GetChatClient`), as written; nil when the
  /// name was found only because the catalog knows it and it is not directly a key's value.
  public let key: String?

  public init(name: String, line: Int, column: Int, key: String?) {
    self.name = name
    self.line = line
    self.column = column
    self.key = key
  }
}

/// Finds the model names a file uses. Literal values only: a variable, `${…}`, `$VAR`,
/// `os.environ[…]`, `process.env.X`, a constant such as `openai.GPT4o`, template syntax or an
/// empty string is not a reference. The rules, by file kind:
///
/// - **Keys.** A value assigned to a *model key* is a reference whether or not the catalog knows
///   it: `model`, `models`, `model_name`/`modelName`, `model_id`/`modelId`, any key ending in
///   `_model`, `-model` or `Model` (`OPENAI_MODEL`, `default_model`, `embeddingModel`), or in
///   `_model_name`/`ModelName`/`_model_id`/`ModelId`; `deployment_name`/`deploymentName`,
///   `azure_deployment`. `engine`, `deployment` and keys ending in `_deployment`,
///   `_deployment_name` or `DeploymentName` without `openai`/`azure` in them are *weak*: their
///   value counts only when the catalog resolves it (so Django's `'ENGINE': 'django.db…'` is
///   not a model). A dotted key (`spring.ai.openai.chat.options.model`) is judged by its last
///   segment. A value must look like a model name: letters, digits, `.`, `_`, `-`, `:`, `/`, `@`,
///   `+`; not `true`/`false`/`null`…, not a path (`/…`, `./…`), not a URL.
///   - YAML (`.yml`, `.yaml`): `key: value` (plain, quoted, flow list `[a, b]`, flow mapping),
///     a block list `- a` under a model key, `- KEY=value` items (docker-compose environment).
///   - `.env` files (`.env`, `.env.*`, `*.env`): `KEY=value`, `export KEY="value"`.
///   - `.ini`, `.properties`, `.cfg`: `key = value`, `key: value`.
///   - JSON, TOML and code (Python, JS/TS, Go, Java, Kotlin, C#, Ruby, Swift, PHP): a string
///     literal after `key =`, `key:`, `key :=`, `key =>`, `"key":`, `env["KEY"] =`, `name: Type =`
///     (type annotations), as a list element after `models = [`, `listOf(`, `List.of(`,
///     `[]string{`; the first argument of `.model("…")`, `setModel("…")`, `WithModel("…")`,
///     `modelName("…")`, a `…Model("…")` constructor (`GenerativeModel`, `OpenAIModel`,
///     `openai.ChatModel`), and of `ChatClient("…")`/`GetChatClient("…")` and the other OpenAI
///     .NET `…Client` types (the key is then the function's name). A comparison (`==`) is not
///     an assignment.
/// - **Catalog names.** In every file except Markdown, `.txt`, `.rst` and `.adoc`, a quoted
///   string whose whole content `ModelCatalog.lookup` resolves is a reference too (a dict of
///   choices, a default after `??`); unquoted prose is not.
/// - **Comments.** Comments are skipped: in code, JSON and TOML every comment the language has
///   (`#`, `//`, `/* */`), elsewhere lines whose first non-blank characters are `#` or `//`
///   (and `;`, `!` in `.ini`/`.properties`). Python docstrings and other triple-quoted or
///   multi-line strings are not read.
/// - Files over 2 MB, or with a NUL byte in the first 8 KB, give no references. One reference
///   per position; a key rule's reference wins over a catalog-name one.
public enum ModelReferences {
  /// Larger files are skipped (generated or data files).
  public static let maximumFileSize = 2 * 1024 * 1024

  /// The model names `text` (the content of the file at `path`, relative, `/`-separated) uses,
  /// in file order.
  public static func find(in text: String, path: String, catalog: ModelCatalog) -> [ModelReference] {
    let kind = FileKind(path: path)
    if case .skipped = kind { return [] }
    var contiguous = text
    contiguous.makeContiguousUTF8()
    if let result = contiguous.utf8.withContiguousStorageIfAvailable({ scan($0, kind: kind, catalog: catalog) }) {
      return result
    }
    return Array(text.utf8).withUnsafeBufferPointer { scan($0, kind: kind, catalog: catalog) }
  }

  private static func scan(
    _ bytes: UnsafeBufferPointer<UInt8>, kind: FileKind, catalog: ModelCatalog
  ) -> [ModelReference] {
    guard bytes.count <= maximumFileSize, !bytes.prefix(8192).contains(0) else { return [] }
    var scanner = ReferenceScanner(bytes: bytes, catalog: catalog)
    switch kind {
    case .skipped: return []
    case .code(let syntax): scanner.scanCode(syntax)
    case .yaml:
      scanner.scanYAML()
      scanner.scanQuotedLines(commentPrefixes: ["#"])
    case .env:
      scanner.scanAssignmentLines(separators: [UInt8(ascii: "=")], commentBytes: [UInt8(ascii: "#")])
      scanner.scanQuotedLines(commentPrefixes: ["#"])
    case .ini:
      scanner.scanAssignmentLines(
        separators: [UInt8(ascii: "="), UInt8(ascii: ":")],
        commentBytes: [UInt8(ascii: "#"), UInt8(ascii: ";"), UInt8(ascii: "!"), UInt8(ascii: "[")])
      scanner.scanQuotedLines(commentPrefixes: ["#", ";", "!"])
    case .other: scanner.scanQuotedLines(commentPrefixes: ["#", "//"])
    }
    return scanner.references()
  }
}

// MARK: - File kinds

/// How a language writes comments, strings and names.
struct CodeSyntax: Sendable {
  var hashComments = false
  var slashComments = false
  /// `"""…"""` (and `'''…'''` in Python and TOML).
  var tripleQuotes = false
  /// `` `…` `` strings (JavaScript templates, Go raw strings).
  var backticks = false
  /// `$` may be part of a name (`$model` in PHP, `$el` in JavaScript).
  var dollarNames = false
  /// `-` may be part of a name (TOML bare keys).
  var hyphenNames = false
  /// `@"…"` and `$"…"` string prefixes (C#).
  var prefixedStrings = false
}

enum FileKind {
  case skipped, yaml, env, ini, other
  case code(CodeSyntax)

  init(path: String) {
    let name = String(path.split(separator: "/").last ?? Substring(path)).lowercased()
    if name == ".env" || name.hasPrefix(".env.") || name.hasSuffix(".env") {
      self = .env
      return
    }
    let ext = name.contains(".") ? String(name.split(separator: ".").last ?? "") : ""
    switch ext {
    case "md", "markdown", "mdx", "txt", "rst", "adoc": self = .skipped
    case "yml", "yaml": self = .yaml
    case "ini", "properties", "cfg": self = .ini
    case "json", "jsonc", "json5": self = .code(CodeSyntax(slashComments: true))
    case "toml": self = .code(CodeSyntax(hashComments: true, tripleQuotes: true, hyphenNames: true))
    case "py", "pyi": self = .code(CodeSyntax(hashComments: true, tripleQuotes: true))
    case "rb": self = .code(CodeSyntax(hashComments: true))
    case "js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts", "vue", "svelte":
      self = .code(CodeSyntax(slashComments: true, backticks: true, dollarNames: true))
    case "go": self = .code(CodeSyntax(slashComments: true, backticks: true))
    case "java", "kt", "kts", "swift": self = .code(CodeSyntax(slashComments: true, tripleQuotes: true))
    case "cs": self = .code(CodeSyntax(slashComments: true, prefixedStrings: true))
    case "php": self = .code(CodeSyntax(hashComments: true, slashComments: true, dollarNames: true))
    default: self = .other
    }
  }
}

// MARK: - Keys

/// Whether a key's value is a model name.
enum KeyStrength {
  /// Any literal value counts.
  case strong
  /// Only a value the catalog resolves counts (`engine`, `deployment`).
  case weak

  /// The strength of `key` (as written, possibly dotted or `$`-prefixed), nil for other keys.
  static func of(_ key: String) -> KeyStrength? {
    var key = Substring(key)
    if let dot = key.lastIndex(of: ".") { key = key[key.index(after: dot)...] }
    while let first = key.first, first == "$" || first == "@" || first == ":" { key = key.dropFirst() }
    guard !key.isEmpty, key.utf8.count <= 80 else { return nil }
    let lower = key.lowercased()
    let normalized = lower.filter { $0 != "_" && $0 != "-" }
    switch normalized {
    case "model", "models", "modelname", "modelid", "deploymentname", "azuredeployment": return .strong
    case "deployment", "engine": return .weak
    default: break
    }
    for suffix in ["_model", "-model", "_model_name", "-model-name", "_model_id", "-model-id"] where lower.hasSuffix(suffix) {
      return .strong
    }
    for suffix in ["Model", "ModelName", "ModelId", "ModelID"] where key.hasSuffix(suffix) && key.count > suffix.count {
      return .strong
    }
    let deploymentKey =
      ["_deployment", "-deployment", "_deployment_name", "-deployment-name"].contains { lower.hasSuffix($0) }
      || key.hasSuffix("Deployment") || key.hasSuffix("DeploymentName")
    if deploymentKey { return lower.contains("openai") || lower.contains("azure") ? .strong : .weak }
    return nil
  }

  /// Functions whose first literal argument is a model: `model("…")`, `setModel`, `WithModel`,
  /// `modelName`, a `…Model` type (`GenerativeModel("…")`), the OpenAI .NET clients.
  static func ofCall(_ function: String) -> KeyStrength? {
    let name = function.hasPrefix("$") ? String(function.dropFirst()) : function
    let normalized = name.lowercased().filter { $0 != "_" }
    let direct: Set<String> = [
      "model", "modelname", "modelid", "setmodel", "withmodel", "setmodelname", "withmodelname", "setmodelid",
      "withmodelid", "deploymentname", "setdeploymentname", "withdeploymentname", "initchatmodel",
    ]
    if direct.contains(normalized) { return .strong }
    if let first = name.first, first.isUppercase, name.count > 5, name.hasSuffix("Model") || name.hasSuffix("ModelId") {
      return .strong
    }
    for client in ["ChatClient", "EmbeddingClient", "ImageClient", "AudioClient", "ModerationClient", "ResponsesClient"]
    where name.hasSuffix(client) {
      return .strong
    }
    return nil
  }

  /// Calls that wrap a model or a list of them after `key =`: `ModelId("…")`, `.init("…")`,
  /// `listOf(…)`, `List.of(…)`, `tuple(…)`.
  static func isWrapper(_ function: String) -> Bool {
    let wrappers: Set<String> = [
      "init", "of", "listOf", "arrayOf", "setOf", "mutableListOf", "asList", "list", "tuple", "set", "frozenset",
      "Set", "Array",
    ]
    if wrappers.contains(function) { return true }
    guard let first = function.first, first.isUppercase else { return false }
    return ["Model", "ModelId", "ModelID", "ModelName"].contains { function.hasSuffix($0) }
  }
}

// MARK: - Scanner

private let quote = UInt8(ascii: "\"")
private let apostrophe = UInt8(ascii: "'")
private let backtick = UInt8(ascii: "`")
private let backslash = UInt8(ascii: "\\")
private let newline = UInt8(ascii: "\n")
private let carriageReturn = UInt8(ascii: "\r")
private let space = UInt8(ascii: " ")
private let tab = UInt8(ascii: "\t")
private let hash = UInt8(ascii: "#")

private func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
private func isLetter(_ byte: UInt8) -> Bool {
  (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
}
private func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

struct ReferenceScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let catalog: ModelCatalog
  /// Found references by byte offset of the name; a keyed one replaces a catalog-only one.
  private var found: [Int: (reference: ModelReference, keyed: Bool)] = [:]

  init(bytes: UnsafeBufferPointer<UInt8>, catalog: ModelCatalog) {
    self.bytes = bytes
    self.catalog = catalog
  }

  func references() -> [ModelReference] {
    found.sorted { $0.key < $1.key }.map(\.value.reference)
  }

  // MARK: Values

  func text(_ range: Range<Int>) -> String { String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self) }

  /// Whether the bytes look like a model name (see `ModelReferences`).
  func isNameLike(_ range: Range<Int>) -> Bool {
    guard !range.isEmpty, range.count <= 200 else { return false }
    var hasLetter = false
    for offset in range {
      let byte = bytes[offset]
      guard ModelName.isNameByte(byte) else { return false }
      if isLetter(byte) { hasLetter = true }
    }
    guard hasLetter else { return false }
    let first = bytes[range.lowerBound]
    if first == UInt8(ascii: "/") || first == UInt8(ascii: ".") || first == UInt8(ascii: "-") { return false }
    if range.count <= 9 {
      let word = text(range).lowercased()
      if ["true", "false", "null", "none", "nil", "yes", "no", "on", "off", "undefined"].contains(word) { return false }
    }
    var offset = range.lowerBound
    while offset + 2 < range.upperBound {
      if bytes[offset] == UInt8(ascii: ":") && bytes[offset + 1] == UInt8(ascii: "/") && bytes[offset + 2] == UInt8(ascii: "/") {
        return false
      }
      offset += 1
    }
    return true
  }

  /// Whether the catalog resolves the bytes, after a cheap test of their leading word.
  func isCatalogName(_ range: Range<Int>) -> Bool {
    guard isNameLike(range) else { return false }
    var word = ""
    for offset in range {
      let byte = bytes[offset]
      guard isLetter(byte) || isDigit(byte) else { break }
      word.unicodeScalars.append(Unicode.Scalar(byte >= 65 && byte <= 90 ? byte + 32 : byte))
    }
    guard catalog.mightName(leadingWord: word) else { return false }
    return catalog.lookup(text(range)) != nil
  }

  /// Records the value at `range` when `key`'s rule or the catalog makes it a reference.
  mutating func consider(_ range: Range<Int>, line: Int, lineStart: Int, key: String?, strength: KeyStrength?) {
    switch strength {
    case .strong?:
      guard isNameLike(range) else { return }
      add(range, line: line, lineStart: lineStart, key: key, keyed: true)
    case .weak?:
      guard isCatalogName(range) else { return }
      add(range, line: line, lineStart: lineStart, key: key, keyed: true)
    case nil:
      guard isCatalogName(range) else { return }
      add(range, line: line, lineStart: lineStart, key: key, keyed: key != nil)
    }
  }

  mutating func consider(_ range: Range<Int>, line: Int, lineStart: Int, key: String?) {
    consider(range, line: line, lineStart: lineStart, key: key, strength: key.flatMap { KeyStrength.of($0) })
  }

  /// A configuration value: a plain (unquoted) one only for a model key.
  mutating func consider(_ value: (range: Range<Int>, quoted: Bool), line: Int, lineStart: Int, key: String?) {
    let strength = key.flatMap { KeyStrength.of($0) }
    guard value.quoted || strength != nil else { return }
    consider(value.range, line: line, lineStart: lineStart, key: key, strength: strength)
  }

  private mutating func add(_ range: Range<Int>, line: Int, lineStart: Int, key: String?, keyed: Bool) {
    if let existing = found[range.lowerBound], existing.keyed || !keyed { return }
    let reference = ModelReference(
      name: text(range), line: line, column: column(of: range.lowerBound, lineStart: lineStart), key: key)
    found[range.lowerBound] = (reference, keyed)
  }

  /// The 1-based column, in characters, of the byte at `offset`.
  func column(of offset: Int, lineStart: Int) -> Int {
    if !bytes[lineStart..<offset].contains(where: { $0 >= 0x80 }) { return offset - lineStart + 1 }
    return text(lineStart..<offset).count + 1
  }

  // MARK: Lines

  /// Calls `body(lineNumber, start, end)` for each line, `end` before `\n` or `\r\n`.
  func forEachLine(_ body: (Int, Int, Int) -> Void) {
    var line = 1
    var start = 0
    var offset = 0
    let count = bytes.count
    while start <= count {
      offset = start
      while offset < count && bytes[offset] != newline { offset += 1 }
      var end = offset
      if end > start && bytes[end - 1] == carriageReturn { end -= 1 }
      body(line, start, end)
      if offset >= count { break }
      line += 1
      start = offset + 1
    }
  }

  func firstNonBlank(_ start: Int, _ end: Int) -> Int {
    var offset = start
    while offset < end && isBlank(bytes[offset]) { offset += 1 }
    return offset
  }

  func hasPrefix(_ prefix: String, at offset: Int, end: Int) -> Bool {
    var position = offset
    for byte in prefix.utf8 {
      guard position < end, bytes[position] == byte else { return false }
      position += 1
    }
    return true
  }

  /// The catalog-name rule on every quoted string of every line not commented out as a whole.
  mutating func scanQuotedLines(commentPrefixes: [String]) {
    var lines: [(Int, Int, Int)] = []
    forEachLine { lines.append(($0, $1, $2)) }
    for (line, start, end) in lines {
      let first = firstNonBlank(start, end)
      if commentPrefixes.contains(where: { hasPrefix($0, at: first, end: end) }) { continue }
      var offset = first
      /// Quotes with no closing quote left on the line (keeps a line of unmatched quotes linear).
      var exhausted: Set<UInt8> = []
      while offset < end {
        let byte = bytes[offset]
        guard byte == quote || byte == apostrophe || byte == backtick, !exhausted.contains(byte) else {
          offset += 1
          continue
        }
        guard let close = closingQuote(byte, from: offset + 1, end: end) else {
          exhausted.insert(byte)
          offset += 1
          continue
        }
        consider(offset + 1..<close, line: line, lineStart: start, key: nil, strength: nil)
        offset = close + 1
      }
    }
  }

  /// The offset of the quote closing a string opened before `from`, on the same line.
  func closingQuote(_ quoteByte: UInt8, from: Int, end: Int) -> Int? {
    var offset = from
    while offset < end {
      let byte = bytes[offset]
      if byte == quoteByte { return offset }
      if byte == backslash && quoteByte != apostrophe { offset += 1 }
      offset += 1
    }
    return nil
  }

  /// A value after a separator: quoted (its content) or plain up to ` #` or the end (trimmed).
  /// A plain value counts only for a model key: the catalog-name rule needs quotes.
  func value(from start: Int, end: Int, hashComments: Bool = true) -> (range: Range<Int>, quoted: Bool)? {
    let first = firstNonBlank(start, end)
    guard first < end else { return nil }
    let byte = bytes[first]
    if byte == quote || byte == apostrophe {
      guard let close = closingQuote(byte, from: first + 1, end: end) else { return nil }
      return (first + 1..<close, true)
    }
    var stop = first
    while stop < end {
      if hashComments && bytes[stop] == hash && stop > first && isBlank(bytes[stop - 1]) { break }
      stop += 1
    }
    while stop > first && isBlank(bytes[stop - 1]) { stop -= 1 }
    return first < stop ? (first..<stop, false) : nil
  }

  // MARK: .env, .ini, .properties

  /// `KEY<separator>value` lines (`.env`: `export KEY=value`).
  mutating func scanAssignmentLines(separators: [UInt8], commentBytes: [UInt8]) {
    var lines: [(Int, Int, Int)] = []
    forEachLine { lines.append(($0, $1, $2)) }
    for (line, start, end) in lines {
      var first = firstNonBlank(start, end)
      guard first < end, !commentBytes.contains(bytes[first]) else { continue }
      if hasPrefix("export ", at: first, end: end) { first = firstNonBlank(first + 7, end) }
      guard let separator = (first..<end).first(where: { separators.contains(bytes[$0]) }) else { continue }
      var keyEnd = separator
      while keyEnd > first && isBlank(bytes[keyEnd - 1]) { keyEnd -= 1 }
      guard keyEnd > first else { continue }
      let key = text(first..<keyEnd)
      guard !key.contains(" "), let found = value(from: separator + 1, end: end) else { continue }
      consider(found, line: line, lineStart: start, key: key)
    }
  }

  // MARK: YAML

  /// YAML, line by line: `key: value`, flow lists and mappings, block lists under a model key.
  mutating func scanYAML() {
    var lines: [(Int, Int, Int)] = []
    forEachLine { lines.append(($0, $1, $2)) }
    /// The model key whose block list is open: its column, and the column of its items' dashes.
    var list: (key: String, column: Int, itemColumn: Int?)?
    for (line, start, end) in lines {
      var offset = firstNonBlank(start, end)
      guard offset < end, bytes[offset] != hash else { continue }
      if offset == start && (hasPrefix("---", at: offset, end: end) || hasPrefix("...", at: offset, end: end)) {
        list = nil
        continue
      }
      let indent = offset - start
      var dash: Int?
      while offset < end && bytes[offset] == UInt8(ascii: "-") && (offset + 1 == end || isBlank(bytes[offset + 1])) {
        if dash == nil { dash = offset - start }
        offset = firstNonBlank(offset + 1, end)
      }
      guard offset < end else { continue }
      let pair = yamlKey(at: offset, end: end)
      if let open = list {
        if let dash, dash >= open.column, open.itemColumn == nil || open.itemColumn == dash {
          list?.itemColumn = dash
          if pair == nil {
            if let found = value(from: offset, end: end) {
              consider(found.range, line: line, lineStart: start, key: open.key, strength: KeyStrength.of(open.key))
            }
            continue
          }
        } else if indent <= open.column {
          list = nil
        }
      }
      guard let (key, valueStart) = pair else {
        if dash != nil { environmentItem(from: offset, end: end, line: line, lineStart: start) }
        continue
      }
      let valueOffset = firstNonBlank(valueStart, end)
      if valueOffset == end || bytes[valueOffset] == hash {
        if KeyStrength.of(key) != nil { list = (key, offset - start, nil) }
        continue
      }
      yamlValue(from: valueOffset, end: end, key: key, line: line, lineStart: start)
    }
  }

  /// A mapping key at `offset` (plain or quoted) and where its value starts, or nil.
  func yamlKey(at offset: Int, end: Int) -> (String, Int)? {
    let byte = bytes[offset]
    if byte == quote || byte == apostrophe {
      guard let close = closingQuote(byte, from: offset + 1, end: end) else { return nil }
      let colon = firstNonBlank(close + 1, end)
      guard colon < end, bytes[colon] == UInt8(ascii: ":"), colon + 1 == end || isBlank(bytes[colon + 1]) else {
        return nil
      }
      return (text(offset + 1..<close), colon + 1)
    }
    guard byte != UInt8(ascii: "["), byte != UInt8(ascii: "{"), byte != hash else { return nil }
    var position = offset
    while position < end {
      let current = bytes[position]
      if current == UInt8(ascii: ":") && (position + 1 == end || isBlank(bytes[position + 1])) {
        var keyEnd = position
        while keyEnd > offset && isBlank(bytes[keyEnd - 1]) { keyEnd -= 1 }
        return keyEnd > offset ? (text(offset..<keyEnd), position + 1) : nil
      }
      if current == hash && position > offset && isBlank(bytes[position - 1]) { return nil }
      position += 1
    }
    return nil
  }

  mutating func yamlValue(from start: Int, end: Int, key: String, line: Int, lineStart: Int) {
    var offset = start
    // Anchors and tags before the value.
    while offset < end && (bytes[offset] == UInt8(ascii: "&") || bytes[offset] == UInt8(ascii: "!")) {
      while offset < end && !isBlank(bytes[offset]) { offset += 1 }
      offset = firstNonBlank(offset, end)
    }
    guard offset < end else { return }
    let byte = bytes[offset]
    let strength = KeyStrength.of(key)
    switch byte {
    case UInt8(ascii: "["):
      for item in flowItems(from: offset + 1, end: end, closer: UInt8(ascii: "]")) {
        guard let found = value(from: item.lowerBound, end: item.upperBound, hashComments: false),
          found.quoted || strength != nil
        else { continue }
        consider(found.range, line: line, lineStart: lineStart, key: strength == nil ? nil : key, strength: strength)
      }
    case UInt8(ascii: "{"):
      guard offset + 1 < end, bytes[offset + 1] != UInt8(ascii: "{") else { return }  // {{ template }}
      for item in flowItems(from: offset + 1, end: end, closer: UInt8(ascii: "}")) {
        let first = firstNonBlank(item.lowerBound, item.upperBound)
        guard first < item.upperBound, let (innerKey, valueStart) = yamlKey(at: first, end: item.upperBound) else {
          continue
        }
        let valueOffset = firstNonBlank(valueStart, item.upperBound)
        guard valueOffset < item.upperBound,
          let found = value(from: valueOffset, end: item.upperBound, hashComments: false)
        else { continue }
        consider(found, line: line, lineStart: lineStart, key: innerKey)
      }
    case UInt8(ascii: "*"), UInt8(ascii: "|"), UInt8(ascii: ">"): return
    default:
      guard let found = value(from: offset, end: end) else { return }
      consider(found, line: line, lineStart: lineStart, key: key)
    }
  }

  /// The comma-separated items of a one-line flow collection, up to `closer`.
  func flowItems(from start: Int, end: Int, closer: UInt8) -> [Range<Int>] {
    var items: [Range<Int>] = []
    var itemStart = start
    var offset = start
    while offset < end {
      let byte = bytes[offset]
      if byte == quote || byte == apostrophe, let close = closingQuote(byte, from: offset + 1, end: end) {
        offset = close + 1
        continue
      }
      if byte == UInt8(ascii: "[") || byte == UInt8(ascii: "{") { return items }  // nested: not read
      if byte == UInt8(ascii: ",") || byte == closer {
        items.append(itemStart..<offset)
        if byte == closer { return items }
        itemStart = offset + 1
      }
      offset += 1
    }
    return items
  }

  /// A `- KEY=value` list item (docker-compose `environment:`).
  mutating func environmentItem(from start: Int, end: Int, line: Int, lineStart: Int) {
    var offset = start
    let first = bytes[start]
    if first == quote || first == apostrophe { offset += 1 }
    let keyStart = offset
    while offset < end
      && (isLetter(bytes[offset]) || isDigit(bytes[offset]) || bytes[offset] == UInt8(ascii: "_")
        || bytes[offset] == UInt8(ascii: "."))
    {
      offset += 1
    }
    guard offset > keyStart, offset < end, bytes[offset] == UInt8(ascii: "=") else { return }
    let key = text(keyStart..<offset)
    guard let strength = KeyStrength.of(key) else { return }
    var valueEnd = offset + 1
    while valueEnd < end && !isBlank(bytes[valueEnd]) && bytes[valueEnd] != first { valueEnd += 1 }
    consider(offset + 1..<valueEnd, line: line, lineStart: lineStart, key: key, strength: strength)
  }

  // MARK: Code, JSON, TOML

  mutating func scanCode(_ syntax: CodeSyntax) {
    var tokenizer = CodeTokenizer(bytes: bytes, syntax: syntax)
    var window = TokenWindow()
    var depth = 0
    var lists: [(key: String, strength: KeyStrength, depth: Int)] = []
    /// A list element waiting for the next token: a `:`, `=` or `=>` makes it a key instead.
    var pending: (range: Range<Int>, line: Int, lineStart: Int, key: String, strength: KeyStrength)?
    while let token = tokenizer.next() {
      if let element = pending {
        pending = nil
        switch token.kind {
        case .colon, .assign, .arrow: break
        default:
          consider(element.range, line: element.line, lineStart: element.lineStart, key: element.key, strength: element.strength)
        }
      }
      switch token.kind {
      case .open:
        depth += 1
        if let list = listStart(window, opener: bytes[token.start]) { lists.append((list.0, list.1, depth)) }
      case .close:
        if let last = lists.last, last.depth == depth { lists.removeLast() }
        depth = max(0, depth - 1)
      case .string, .template:
        // A string prefix (`f"…"`, `r'…'`, `b"…"`) is part of the string.
        if let previous = window.last, previous.kind == .identifier, previous.end == token.start - 1,
          previous.end - previous.start <= 2,
          UnsafeBufferPointer(rebasing: bytes[previous.start..<previous.end]).allSatisfy({ "rRbBuUfF".utf8.contains($0) })
        {
          window.removeLast()
        }
        guard token.kind == .string else { break }
        if let last = lists.last, last.depth == depth, let previous = window.last,
          previous.kind == .open || previous.kind == .comma
        {
          pending = (token.start..<token.end, token.line, token.lineStart, last.key, last.strength)
        } else {
          let (key, strength) = keyOfString(window)
          consider(token.start..<token.end, line: token.line, lineStart: token.lineStart, key: key, strength: strength)
        }
      default: break
      }
      window.append(token)
    }
    if let element = pending {
      consider(element.range, line: element.line, lineStart: element.lineStart, key: element.key, strength: element.strength)
    }
  }

  func name(_ token: CodeToken) -> String {
    switch token.kind {
    case .identifier: text(token.start..<token.end)
    case .string, .template: text(token.start..<token.end)
    default: ""
    }
  }

  /// The key a string literal following `window` is the value of, and that key's strength.
  func keyOfString(_ window: TokenWindow) -> (String?, KeyStrength?) {
    let count = window.count
    guard let previous = window.last else { return (nil, nil) }
    switch previous.kind {
    case .assign, .arrow, .walrus, .colon:
      let key = keyBefore(separator: count - 1, window)
      return (key, key.flatMap { KeyStrength.of($0) })
    case .open where bytes[previous.start] == UInt8(ascii: "("):
      guard count >= 2, window[count - 2].kind == .identifier else { return (nil, nil) }
      let function = name(window[count - 2])
      // `key = Wrapper("…")`, `key: .init("…")`, `Model: openai.ChatModel("…")`
      if KeyStrength.isWrapper(function) {
        var index = count - 2
        var steps = 0
        while index > 0 && steps < 6 && (window[index].kind == .identifier || window[index].kind == .dot) {
          index -= 1
          steps += 1
        }
        if [.assign, .walrus, .colon, .arrow].contains(window[index].kind), let key = keyBefore(separator: index, window),
          let strength = KeyStrength.of(key)
        {
          return (key, strength)
        }
      }
      if let strength = KeyStrength.ofCall(function) { return (function, strength) }
      return (nil, nil)
    default:
      return (nil, nil)
    }
  }

  /// The name before the separator at `index` of `window`: an identifier (the first model key of
  /// `name: Type =` or `Type name =`), a quoted key, or `["KEY"]`.
  func keyBefore(separator index: Int, _ window: TokenWindow) -> String? {
    guard index >= 1 else { return nil }
    let before = window[index - 1]
    switch before.kind {
    case .identifier:
      var candidates = [name(before)]
      if window[index].kind == .assign && index >= 3 && window[index - 2].kind == .colon
        && window[index - 3].kind == .identifier
      {
        candidates.append(name(window[index - 3]))  // name: Type = "…"
      }
      if window[index].kind == .assign && index >= 2 && window[index - 2].kind == .identifier {
        candidates.append(name(window[index - 2]))  // var name Type = "…"
      }
      return candidates.first { KeyStrength.of($0) != nil } ?? candidates[0]
    case .string:
      if index >= 2 && window[index - 2].kind == .question { return nil }  // a ? "b" : "c"
      return name(before)
    case .close where bytes[before.start] == UInt8(ascii: "]"):
      guard index >= 3, window[index - 2].kind == .string, window[index - 3].kind == .open else { return nil }
      return name(window[index - 2])
    default:
      return nil
    }
  }

  /// Whether the opener after `window` starts a list of models: `models = [`, `models: (`,
  /// `models = listOf(`, `MODELS = []string{`, `models = new String[] {`.
  func listStart(_ window: TokenWindow, opener: UInt8) -> (String, KeyStrength)? {
    let count = window.count
    var index = count - 1
    var between: [CodeToken] = []
    while index >= 0 && between.count < 6 {
      let token = window[index]
      if [.assign, .walrus, .colon, .arrow].contains(token.kind) { break }
      guard token.kind == .identifier || token.kind == .dot || token.kind == .open || token.kind == .close
        || token.kind == .angle
      else { return nil }
      between.append(token)
      index -= 1
    }
    guard index >= 0, [.assign, .walrus, .colon, .arrow].contains(window[index].kind) else { return nil }
    switch opener {
    case UInt8(ascii: "["):
      guard between.isEmpty else { return nil }
    case UInt8(ascii: "("):
      guard between.isEmpty || (between[0].kind == .identifier && KeyStrength.isWrapper(name(between[0]))) else {
        return nil
      }
    default:  // `{` after a type: `[]string{`, `new[] {`, `List<string> {`
      guard between.contains(where: { $0.kind == .close || $0.kind == .angle }) else { return nil }
    }
    guard let key = keyBefore(separator: index, window), let strength = KeyStrength.of(key) else { return nil }
    return (key, strength)
  }
}

// MARK: - Tokens

struct CodeToken {
  enum Kind: Equatable {
    case identifier, number
    /// A one-line string literal; `start..<end` is its content.
    case string
    /// A multi-line or interpolating string, not a literal value.
    case template
    case assign, arrow, walrus, colon, comma, dot, question
    case open, close
    /// `<` or `>` (generic types).
    case angle
    case other
  }

  var kind: Kind
  var start: Int
  var end: Int
  var line: Int
  var lineStart: Int
}

/// The last few tokens, enough to look back at `key: Type = Wrapper.of(`.
struct TokenWindow {
  private var tokens: [CodeToken] = []
  static let capacity = 12

  var count: Int { tokens.count }
  var last: CodeToken? { tokens.last }
  subscript(index: Int) -> CodeToken { tokens[index] }

  mutating func append(_ token: CodeToken) {
    if tokens.count == Self.capacity { tokens.removeFirst() }
    tokens.append(token)
  }

  mutating func removeLast() { tokens.removeLast() }
}

/// Splits code into the tokens the reference rules look at; comments are skipped.
struct CodeTokenizer {
  let bytes: UnsafeBufferPointer<UInt8>
  let syntax: CodeSyntax
  var offset = 0
  var line = 1
  var lineStart = 0

  init(bytes: UnsafeBufferPointer<UInt8>, syntax: CodeSyntax) {
    self.bytes = bytes
    self.syntax = syntax
  }

  private func byte(_ at: Int) -> UInt8 { at < bytes.count ? bytes[at] : 0 }

  private func isNameByte(_ byte: UInt8) -> Bool {
    isLetter(byte) || isDigit(byte) || byte == UInt8(ascii: "_") || byte >= 0x80
      || (syntax.dollarNames && byte == UInt8(ascii: "$")) || (syntax.hyphenNames && byte == UInt8(ascii: "-"))
  }

  private mutating func newlines(in range: Range<Int>) {
    for position in range where bytes[position] == newline {
      line += 1
      lineStart = position + 1
    }
  }

  private mutating func skipTo(_ target: Int) {
    newlines(in: offset..<min(target, bytes.count))
    offset = min(target, bytes.count)
  }

  private func find(_ pattern: [UInt8], from: Int) -> Int? {
    var position = from
    while position + pattern.count <= bytes.count {
      if bytes[position] == pattern[0] && (1..<pattern.count).allSatisfy({ bytes[position + $0] == pattern[$0] }) {
        return position
      }
      position += 1
    }
    return nil
  }

  private func token(_ kind: CodeToken.Kind, _ start: Int, _ end: Int) -> CodeToken {
    CodeToken(kind: kind, start: start, end: end, line: line, lineStart: lineStart)
  }

  mutating func next() -> CodeToken? {
    while offset < bytes.count {
      let current = bytes[offset]
      let following = byte(offset + 1)
      if current == newline {
        offset += 1
        line += 1
        lineStart = offset
        continue
      }
      if current == space || current == tab || current == carriageReturn {
        offset += 1
        continue
      }
      // Comments.
      if (syntax.hashComments && current == hash) || (syntax.slashComments && current == UInt8(ascii: "/") && following == UInt8(ascii: "/")) {
        while offset < bytes.count && bytes[offset] != newline { offset += 1 }
        continue
      }
      if syntax.slashComments && current == UInt8(ascii: "/") && following == UInt8(ascii: "*") {
        skipTo((find(Array("*/".utf8), from: offset + 2) ?? bytes.count) + 2)
        continue
      }
      // Strings.
      if syntax.prefixedStrings && (current == UInt8(ascii: "@") || current == UInt8(ascii: "$"))
        && (following == quote || following == UInt8(ascii: "@") || following == UInt8(ascii: "$"))
      {
        offset += 1
        continue
      }
      if current == quote || current == apostrophe || (current == backtick && syntax.backticks) {
        if let string = string(current) { return string }
        continue
      }
      if isNameByte(current) && !isDigit(current) {
        let start = offset
        while offset < bytes.count && isNameByte(bytes[offset]) { offset += 1 }
        return token(.identifier, start, offset)
      }
      if isDigit(current) {
        let start = offset
        while offset < bytes.count && (isNameByte(bytes[offset]) || bytes[offset] == UInt8(ascii: ".")) { offset += 1 }
        return token(.number, start, offset)
      }
      let start = offset
      offset += 1
      switch current {
      case UInt8(ascii: "="):
        if following == UInt8(ascii: "=") {
          while byte(offset) == UInt8(ascii: "=") { offset += 1 }
          return token(.other, start, offset)
        }
        if following == UInt8(ascii: ">") {
          offset += 1
          return token(.arrow, start, offset)
        }
        return token(.assign, start, offset)
      case UInt8(ascii: ":"):
        if following == UInt8(ascii: ":") {
          offset += 1
          return token(.other, start, offset)
        }
        if following == UInt8(ascii: "=") {
          offset += 1
          return token(.walrus, start, offset)
        }
        return token(.colon, start, offset)
      case UInt8(ascii: ","): return token(.comma, start, offset)
      case UInt8(ascii: "."): return token(.dot, start, offset)
      case UInt8(ascii: "?"):
        if following == UInt8(ascii: ".") {
          offset += 1
          return token(.dot, start, offset)
        }
        if following == UInt8(ascii: "?") {
          offset += 1
          return token(.other, start, offset)
        }
        return token(.question, start, offset)
      case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"): return token(.open, start, offset)
      case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"): return token(.close, start, offset)
      case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "!"), UInt8(ascii: "+"), UInt8(ascii: "-"),
        UInt8(ascii: "*"), UInt8(ascii: "/"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "|"),
        UInt8(ascii: "^"):
        if following == UInt8(ascii: "=") || (current == UInt8(ascii: "-") && following == UInt8(ascii: ">")) {
          offset += 1
          return token(.other, start, offset)
        }
        return token(current == UInt8(ascii: "<") || current == UInt8(ascii: ">") ? .angle : .other, start, offset)
      default:
        return token(.other, start, offset)
      }
    }
    return nil
  }

  /// The string opened at `offset`, or nil (and the quote skipped) when it does not close.
  private mutating func string(_ quoteByte: UInt8) -> CodeToken? {
    let start = offset
    if syntax.tripleQuotes && byte(offset + 1) == quoteByte && byte(offset + 2) == quoteByte
      && (quoteByte == quote || syntax.hashComments)
    {
      let close = find([quoteByte, quoteByte, quoteByte], from: offset + 3) ?? bytes.count
      let startLine = line
      let startLineStart = lineStart
      skipTo(close + 3)
      return CodeToken(kind: .template, start: start + 3, end: min(close, bytes.count), line: startLine, lineStart: startLineStart)
    }
    if quoteByte == backtick {
      var position = offset + 1
      var interpolates = false
      var multiline = false
      while position < bytes.count && bytes[position] != backtick {
        if bytes[position] == backslash { position += 1 }
        else if bytes[position] == newline { multiline = true }
        else if bytes[position] == UInt8(ascii: "$") && byte(position + 1) == UInt8(ascii: "{") { interpolates = true }
        position += 1
      }
      let startLine = line
      let startLineStart = lineStart
      let end = min(position, bytes.count)
      skipTo(position + 1)
      return CodeToken(
        kind: interpolates || multiline ? .template : .string, start: start + 1, end: end, line: startLine,
        lineStart: startLineStart)
    }
    var position = offset + 1
    while position < bytes.count && bytes[position] != quoteByte && bytes[position] != newline {
      if bytes[position] == backslash { position += 1 }
      position += 1
    }
    guard position < bytes.count, bytes[position] == quoteByte else {
      offset += 1  // an unclosed quote (an apostrophe, a character literal): skip it
      return token(.other, start, offset)
    }
    offset = position + 1
    return CodeToken(kind: .string, start: start + 1, end: position, line: line, lineStart: lineStart)
  }
}
