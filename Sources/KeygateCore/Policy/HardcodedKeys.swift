/// Rule `policy.hardcoded-key`: an API key written into a file instead of read from the
/// environment or a secret manager, whatever the key looks like.
///
/// The secret scan finds values that look like a known key format; this check finds the other
/// half: a literal assigned to a variable, parameter or header that holds an API key, even when
/// the literal matches no format (a self-hosted gateway's key, a key pasted in pieces, a provider
/// the rules do not know).
///
/// **What is a key name** (case-insensitive; camelCase is read as snake_case and `-` as `_`):
/// - ending in `API_KEY` / `APIKEY` (`OPENAI_API_KEY`, `apiKey`, `x-api-key`, `WithAPIKey`);
/// - ending in `API_TOKEN` / `APITOKEN` (`REPLICATE_API_TOKEN`, Swift `OpenAI(apiToken:)`);
/// - ending in `_SECRET_KEY` with something before it (`STRIPE_SECRET_KEY`; a bare `SECRET_KEY` is
///   a framework's signing secret, not an API key);
/// - `<provider>…_KEY` and `<provider>…_TOKEN` (`OPENAI_KEY`, `AZURE_OPENAI_KEY`, `HF_TOKEN`,
///   `HUGGINGFACE_HUB_TOKEN`), providers as in ``providers``;
/// - `access_token` in a file that builds a Ruby client (`OpenAI::Client`, `Anthropic::Client`),
///   and `token` within five lines after `OpenAI(` (Kotlin `OpenAI(token = "…")`);
/// - as a call whose first argument is the key: `.apiKey("…")`, `option.WithAPIKey("…")`,
///   `setApiKey("…")`, `new OpenAIClient("…")`, `new ApiKeyCredential("…")`,
///   `new AzureKeyCredential("…")`.
/// Names with `publishable` or `anon` in them are left out (publishable by design), and so are
/// passwords (`PASSWORD`, `DB_PASSWORD`) and other generic secrets: the secret scan's generic
/// rules cover those.
///
/// **Assignments** read: `NAME = v`, `NAME := v`, `NAME ?= v`, `NAME: v`, `NAME => v`,
/// `"NAME": v`, `ENV["NAME"] = v`, typed declarations (`api_key: str = v`, `var apiKey string = v`),
/// Dockerfile `ENV NAME v`, the YAML pairs `- name: NAME` + `value: v` (Kubernetes, Compose) and
/// `NAME:` + `value: v` (GitLab CI expanded variables), and the call forms above.
///
/// **Values.** In code (Python, JS/TS, Go, Java, Kotlin, C#, Ruby, Swift, PHP, Rust, JSON,
/// Terraform, …) only a string literal counts: an unquoted value is a variable or an expression.
/// In shell scripts and Dockerfiles an unquoted value runs to the next blank; in `.env`, YAML,
/// INI, properties, Makefiles and other files it runs to the end of the line or to ` #`, and a
/// value with a blank inside is prose, not a key. Quoted literals are read with their escapes.
///
/// **Not a violation** (the value, trimmed):
/// - empty, or shorter than 8 characters (no provider issues keys that short);
/// - containing whitespace (keys never do; this is a sentence or a placeholder);
/// - a reference: starting with `$` (`$VAR`, `${…}`, `$(…)`, `$env:…`), `%VAR%`, containing `${`,
///   `$(`, `{{`, `#{`, `\(` or (in `f"…"`, `$"…"`) `{`; starting with `vault:`, `op://`, `sm://`,
///   `gcp-secret:`, `azurekv:`, `aws-secretsmanager:`, `arn:aws:secretsmanager`, `arn:aws:ssm`,
///   `ssm:`, `!Ref`, `!Sub`, `!GetAtt`, `!ImportValue`, `!secret`, `secretRef`, `secretKeyRef`,
///   `valueFrom`, `env(`, `ENV[`, `ENV.fetch`, `os.environ`, `os.getenv`, `process.env`,
///   `import.meta.env`, `System.getenv`, `Environment.GetEnvironmentVariable`,
///   `ProcessInfo.processInfo.environment`, `Deno.env`, `@Microsoft.KeyVault(`, `/run/secrets/`,
///   `/var/run/secrets/`, `file://`, or `*` (a YAML alias); or shaped like an environment
///   variable's name (`OPENAI_API_KEY`, upper case, digits and `_`, with at least one `_`): a
///   configuration naming the variable to read;
/// - a placeholder: `<…>`, `[…]`; containing `your`, `placeholder`, `changeme`, `change_me`,
///   `change-me`, `replaceme`, `replace_me`, `replace-me`, `redacted`, `example`, `dummy`,
///   `insert`, `fake`, `xxxx`, `apikey`, `api_key` or `api-key`; one character repeated (`********`); after a known key prefix
///   (`sk-`, `sk-proj-`, `sk-ant-`, `gsk_`, `hf_`, …) nothing or only `x`, `*`, `.`, `-`, `_`,
///   `#`, `0`, `•` (`sk-...`, `sk-xxxx`); or made only of filler words (``placeholderWords``:
///   `todo`, `tbd`, `dummy`, `example`, `test`, `fake`, `none`, `null`, `nil`, `undefined`,
///   `true`, `false`, `api`, `key`, `secret`, `token`, `not`, `needed`, `local`, provider names,
///   …), runs of `x` and numbers of up to three digits: `REPLACE_ME`, `your-openai-api-key`,
///   `test-key-1`, and the keys local servers ignore (`not-needed`, `sk-no-key-required`).
///
/// Comments are read like code: a key in a comment is as committed as one in code.
///
/// **Committed `.env` files.** A file named `.env` or `.env.<anything>` — except those with an
/// `example`, `sample`, `template`, `dist` or `defaults` part — with at least one non-comment
/// assignment of a non-empty value gets one warning (medium) at 1:1; the caller reports it only
/// for tracked files.
///
/// Files over 2 MiB, or with a NUL byte in the first 8 KiB, are not read. Messages name the
/// variable and the literal's length, never the literal or any part of it; the column is that of
/// the value's first character (inside the quotes).
public enum HardcodedKeys {
  /// Violations in `text`, the content of the file at `path` (relative, `/`-separated).
  public static func violations(in text: String, path: String) -> [PolicyViolation] {
    var text = text
    return text.withUTF8 { bytes -> [PolicyViolation] in
      guard PolicyTextScan.isScannable(bytes) else { return [] }
      var scanner = HardcodedKeyScanner(bytes: bytes, path: path)
      return scanner.run()
    }
  }

  /// Provider words that make `<provider>…_KEY` / `<provider>…_TOKEN` a key name.
  static let providers: Set<String> = [
    "openai", "anthropic", "claude", "azure", "gemini", "google", "genai", "mistral", "cohere", "groq",
    "huggingface", "hugging", "hf", "replicate", "together", "togetherai", "perplexity", "pplx", "deepseek",
    "xai", "grok", "fireworks", "openrouter", "elevenlabs", "deepgram", "assemblyai", "voyage", "pinecone",
    "langsmith", "langchain", "stripe", "cerebras", "ai21", "nvidia", "ollama", "llm",
  ]

  /// Words a placeholder is made of (a value made only of these is not a key).
  static let placeholderWords: Set<String> = [
    "your", "my", "the", "a", "an", "of", "for", "to", "here", "goes", "put", "insert", "enter", "add", "set",
    "paste", "replace", "with", "me", "this", "real", "actual", "own", "valid", "new", "api", "key", "keys",
    "apikey", "token", "secret", "value", "password", "pass", "changeme", "change", "dummy", "example", "sample",
    "test", "testing", "fake", "mock", "none", "null", "nil", "undefined", "empty", "todo", "tbd", "fixme",
    "placeholder", "redacted", "hidden", "masked", "sk", "proj", "ant", "live", "default", "demo", "foo", "bar",
    "baz", "true", "false", "yes", "no", "on", "off", "required", "optional", "string", "str", "xxx",
    "openai", "anthropic", "azure", "gemini", "google", "mistral", "cohere", "groq", "hf", "huggingface",
    "replicate", "together", "perplexity", "deepseek", "xai", "stripe", "not", "needed", "unused", "ignored",
    "ignore", "any", "anything", "local", "ollama", "lmstudio", "lm", "studio", "na", "n",
  ]

  /// Known key prefixes, longest first: what follows one of them in `sk-...` decides.
  static let keyPrefixes = [
    "sk-ant-api03-", "sk-svcacct-", "sk-admin-", "sk-proj-", "sk-or-v1-", "sk-ant-", "sk_live_", "sk_test_",
    "rk_live_", "sk-", "gsk_", "hf_", "r8_", "xai-", "pplx-", "aiza",
  ]

  static let placeholderMarkers = [
    "your", "placeholder", "changeme", "change_me", "change-me", "replaceme", "replace_me", "replace-me", "redacted",
    "example", "dummy", "insert", "fake", "xxxx", "apikey", "api_key", "api-key",
  ]

  static let referencePrefixes = [
    "$", "{{", "vault:", "op://", "sm://", "gcp-secret:", "azurekv:", "aws-secretsmanager:", "arn:aws:secretsmanager",
    "arn:aws:ssm", "ssm:", "!Ref", "!Sub", "!GetAtt", "!ImportValue", "!secret", "secretRef", "secretKeyRef",
    "valueFrom", "env(", "ENV[", "ENV.fetch", "os.environ", "os.getenv", "process.env", "import.meta.env",
    "System.getenv", "Environment.GetEnvironmentVariable", "ProcessInfo.processInfo.environment", "Deno.env",
    "@Microsoft.KeyVault(", "/run/secrets/", "/var/run/secrets/", "file://", "*",
  ]

  static let referenceInfixes = ["${", "$(", "{{", "#{", "\\(", "secretKeyRef", "secretRef"]

  /// Whether `value` (a literal's text) is an empty value, a reference or a placeholder rather
  /// than a key.
  static func isKeyLiteral(_ value: String, interpolating: Bool = false) -> Bool {
    let trimmed = value.trimmingASCIIWhitespace()
    guard trimmed.utf8.count >= 8, !trimmed.contains(where: \.isWhitespace) else { return false }
    if interpolating && trimmed.contains("{") { return false }
    return !isReference(trimmed) && !isPlaceholder(trimmed)
  }

  static func isReference(_ value: String) -> Bool {
    if referencePrefixes.contains(where: value.hasPrefix) { return true }
    if referenceInfixes.contains(where: { PolicyTextScan.contains(value, $0) }) { return true }
    if value.count >= 3 && value.hasPrefix("%") && value.hasSuffix("%") { return true }
    // An environment variable's name: what a configuration says to read, not the key.
    let utf8 = value.utf8
    if let first = utf8.first, PolicyTextScan.isUpper(first), utf8.contains(UInt8(ascii: "_")),
      utf8.allSatisfy({ PolicyTextScan.isUpper($0) || PolicyTextScan.isDigit($0) || $0 == UInt8(ascii: "_") })
    {
      return true
    }
    return false
  }

  static func isPlaceholder(_ value: String) -> Bool {
    let lower = value.lowercased()
    if (lower.hasPrefix("<") && lower.hasSuffix(">")) || (lower.hasPrefix("[") && lower.hasSuffix("]")) { return true }
    if placeholderMarkers.contains(where: { PolicyTextScan.contains(lower, $0) }) { return true }
    if let first = lower.first, lower.allSatisfy({ $0 == first }) { return true }
    var rest = Substring(lower)
    if let prefix = keyPrefixes.first(where: lower.hasPrefix) { rest = rest.dropFirst(prefix.count) }
    if rest.allSatisfy({ "x*.-_#0•".contains($0) }) { return true }
    let words = lower.split { !($0.isASCII && ($0.isLetter || $0.isNumber)) }
    return !words.isEmpty
      && words.allSatisfy { word in
        placeholderWords.contains(String(word)) || word.allSatisfy { $0 == "x" }
          || (word.count <= 3 && word.allSatisfy(\.isNumber))
      }
  }
}

// MARK: - The scanner

/// How a file writes values, from its name.
struct KeyFileTraits {
  enum Syntax {
    /// A value is a string literal; anything unquoted is an expression.
    case code
    /// An unquoted value runs to the next blank (shell, Dockerfile).
    case shellWords
    /// An unquoted value runs to the end of the line or a ` #` comment.
    case wholeLine
  }

  enum Language {
    case python, javascript, go, jvm, csharp, ruby, swift, php, rust, otherCode
    case yaml, dotenv, shell, dockerfile, makefile, config
  }

  let name: String
  let syntax: Syntax
  let language: Language
  /// A `.env` file that holds real values by convention (not an example).
  let isRealDotEnv: Bool

  init(path: String) {
    name = PolicyTextScan.fileName(path)
    let lower = name.lowercased()
    let ext = lower.split(separator: ".", omittingEmptySubsequences: false).last.map(String.init) ?? ""
    var realDotEnv = false
    if lower == ".env" || lower.hasPrefix(".env.") {
      let parts = lower.split(separator: ".").dropFirst()
      let templates: Set<Substring> = ["example", "sample", "template", "dist", "defaults"]
      realDotEnv = !parts.contains(where: templates.contains)
      language = .dotenv
    } else if lower == "dockerfile" || lower.hasPrefix("dockerfile.") || ext == "dockerfile" || lower == "containerfile"
    {
      language = .dockerfile
    } else if lower == "makefile" || lower == "gnumakefile" || ext == "mk" {
      language = .makefile
    } else if lower == ".envrc" {
      language = .shell
    } else if !lower.contains(".") {
      language = .config
    } else {
      switch ext {
      case "py", "pyi", "pyw", "ipynb": language = .python
      case "js", "jsx", "ts", "tsx", "mjs", "cjs", "mts", "cts", "vue", "svelte", "astro": language = .javascript
      case "go": language = .go
      case "java", "kt", "kts", "scala", "groovy", "gradle", "clj": language = .jvm
      case "cs", "fs", "vb", "csx": language = .csharp
      case "rb", "rake", "gemspec": language = .ruby
      case "swift": language = .swift
      case "php": language = .php
      case "rs": language = .rust
      case "c", "h", "cc", "cpp", "cxx", "hpp", "m", "mm", "dart", "lua", "r", "jl", "ex", "exs", "erl", "json",
        "jsonc", "json5", "tf", "hcl", "tfvars", "ps1", "psm1", "pl", "pm", "zig", "nim", "cr", "hs", "ml", "elm":
        language = .otherCode
      case "yml", "yaml": language = .yaml
      case "sh", "bash", "zsh", "ksh", "fish": language = .shell
      case "env": language = .dotenv
      default: language = .config
      }
    }
    isRealDotEnv = realDotEnv
    switch language {
    case .python, .javascript, .go, .jvm, .csharp, .ruby, .swift, .php, .rust, .otherCode: syntax = .code
    case .shell, .dockerfile: syntax = .shellWords
    case .yaml, .dotenv, .makefile, .config: syntax = .wholeLine
    }
  }
}

/// A name that holds a key, and how a value reaches it.
struct KeyNameUse {
  let subject: String
  /// `NAME = value`, `NAME: value`, ….
  let assignable: Bool
  /// `NAME("value")`: the first argument is the key.
  let callable: Bool
}

struct HardcodedKeyScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let path: String
  let traits: KeyFileTraits
  var violations: [PolicyViolation] = []
  /// A file that builds a Ruby client: `access_token:` is its key parameter.
  var rubyClient = false
  /// The last line with `OpenAI(`: `token = …` within a few lines after is its key parameter.
  var lastClientCallLine = -100
  /// YAML: a key name waiting for its `value:` line, and the indentation that line needs.
  var pendingYAMLName: (name: String, minIndent: Int)?

  init(bytes: UnsafeBufferPointer<UInt8>, path: String) {
    self.bytes = bytes
    self.path = path
    self.traits = KeyFileTraits(path: path)
  }

  static let constructors: Set<String> = ["OpenAIClient", "ApiKeyCredential", "AzureKeyCredential", "AnthropicClient"]
  static let callNames: Set<String> = [
    "api_key", "apikey", "with_api_key", "with_apikey", "set_api_key", "set_apikey", "use_api_key", "api_token",
    "apitoken", "with_api_token", "set_api_token",
  ]

  static let stringPrefixes = Array("fFrRbBuU@$".utf8)
  static let shellStops = Array(" \t;&|)`".utf8)
  static let openAICall = Array("OpenAI(".utf8)
  static let export = Array("export ".utf8)

  mutating func run() -> [PolicyViolation] {
    let relevant = PolicyTextScan.containsKeyWord(bytes, 0, bytes.count)
    guard relevant || traits.isRealDotEnv else { return [] }
    if relevant {
      rubyClient =
        PolicyTextScan.contains(bytes, 0, bytes.count, Array("OpenAI::Client".utf8))
        || PolicyTextScan.contains(bytes, 0, bytes.count, Array("Anthropic::Client".utf8))
    }
    var sawDotEnvAssignment = false
    PolicyTextScan.forEachLine(bytes) { number, start, end in
      if traits.isRealDotEnv && !sawDotEnvAssignment && isDotEnvAssignment(start, end) { sawDotEnvAssignment = true }
      if relevant { scanLine(number, start, end) }
    }
    if sawDotEnvAssignment {
      violations.append(
        PolicyViolation(
          ruleID: PolicyRule.hardcodedKey, level: .warning, severity: .medium,
          message: "`\(traits.name)` is a committed environment file with values in it; keep real values in the "
            + "environment or a secret manager, commit a `.env.example` with placeholders instead, and add "
            + "`\(traits.name)` to .gitignore.",
          path: path, line: 1, column: 1, subject: traits.name))
    }
    return violations.sorted(by: PolicyViolation.reportOrder)
  }

  /// `NAME=value` (optionally after `export`) with a non-empty value, outside a comment.
  func isDotEnvAssignment(_ start: Int, _ end: Int) -> Bool {
    var i = PolicyTextScan.skipBlanks(bytes, start, end)
    guard i < end, bytes[i] != UInt8(ascii: "#") else { return false }
    if PolicyTextScan.hasPrefix(bytes, i, end, Self.export) { i = PolicyTextScan.skipBlanks(bytes, i + 7, end) }
    let nameStart = i
    while i < end, PolicyTextScan.isWord(bytes[i]) || bytes[i] == UInt8(ascii: ".") || bytes[i] == UInt8(ascii: "-") {
      i += 1
    }
    guard i > nameStart else { return false }
    i = PolicyTextScan.skipBlanks(bytes, i, end)
    guard i < end, bytes[i] == UInt8(ascii: "=") || bytes[i] == UInt8(ascii: ":") else { return false }
    i = PolicyTextScan.skipBlanks(bytes, i + 1, end)
    guard i < end, bytes[i] != UInt8(ascii: "#") else { return false }
    // `""` and `''` are empty values.
    if end - i >= 2, PolicyTextScan.isQuote(bytes[i]), bytes[i + 1] == bytes[i] {
      let after = PolicyTextScan.skipBlanks(bytes, i + 2, end)
      return after < end && bytes[after] != UInt8(ascii: "#")
    }
    return true
  }

  mutating func scanLine(_ number: Int, _ start: Int, _ end: Int) {
    if traits.language == .yaml { yamlPair(number, start, end) }
    if PolicyTextScan.contains(bytes, start, end, Self.openAICall) { lastClientCallLine = number }
    guard PolicyTextScan.containsKeyWord(bytes, start, end) else { return }
    var i = start
    while i < end {
      guard PolicyTextScan.isWord(bytes[i]) else {
        i += 1
        continue
      }
      var j = i + 1
      while j < end,
        PolicyTextScan.isWord(bytes[j])
          || (bytes[j] == UInt8(ascii: "-") && j + 1 < end && PolicyTextScan.isAlphanumeric(bytes[j + 1]))
      {
        j += 1
      }
      if j - i >= 5, let use = classify(i, j, line: number),
        let resume = evaluate(use, nameStart: i, nameEnd: j, line: number, lineStart: start, lineEnd: end)
      {
        i = max(resume, j)
      } else {
        i = j
      }
    }
  }

  /// Whether the word at `start..<end` names a key, and how it takes one.
  func classify(_ start: Int, _ end: Int, line: Int) -> KeyNameUse? {
    guard PolicyTextScan.containsKeyWord(bytes, start, end) else { return nil }
    let name = PolicyTextScan.string(bytes, start, end)
    if Self.constructors.contains(name) { return KeyNameUse(subject: name, assignable: false, callable: true) }
    let snake = PolicyTextScan.snakeCase(bytes, start, end)
    let words = snake.split(separator: "_")
    guard let last = words.last else { return nil }
    if words.contains("publishable") || words.contains("anon") { return nil }
    let callable = Self.callNames.contains(snake)
    var assignable = false
    if snake.hasSuffix("api_key") || snake.hasSuffix("apikey") || snake.hasSuffix("api_token")
      || snake.hasSuffix("apitoken")
    {
      assignable = true
    } else if snake.hasSuffix("_secret_key") || (snake.hasSuffix("secretkey") && snake != "secretkey") {
      assignable = true
    } else if last == "key" || last == "token" {
      let before = words.dropLast()
      let joined = before.joined()
      let namesProvider = HardcodedKeys.providers.contains { provider in
        provider.count >= 4 ? PolicyTextScan.contains(joined, provider) : before.contains(Substring(provider))
      }
      if namesProvider,
        !["public", "site", "private", "ssh", "publishable"].contains(before.last ?? "")
      {
        assignable = true
      } else if snake == "access_token" || snake == "accesstoken" {
        assignable = rubyClient
      } else if snake == "token" {
        assignable = line - lastClientCallLine <= 5 && line >= lastClientCallLine
      }
    }
    guard assignable || callable else { return nil }
    return KeyNameUse(subject: name, assignable: assignable, callable: callable)
  }

  /// Reads the assignment after a key name; reports a literal value. Returns where scanning goes
  /// on, or nil when no value is assigned here.
  mutating func evaluate(
    _ use: KeyNameUse, nameStart: Int, nameEnd: Int, line: Int, lineStart: Int, lineEnd end: Int
  ) -> Int? {
    var k = nameEnd
    if k < end, PolicyTextScan.isQuote(bytes[k]) { k += 1 }
    if k < end, bytes[k] == UInt8(ascii: "]") { k += 1 }
    k = PolicyTextScan.skipBlanks(bytes, k, end)
    guard k < end else { return nil }
    let c = bytes[k]
    let next: UInt8 = k + 1 < end ? bytes[k + 1] : 0
    var valueStart: Int
    var callArgument = false
    var colon = false
    var mode = traits.syntax
    if use.callable && c == UInt8(ascii: "(") {
      valueStart = k + 1
      callArgument = true
    } else if !use.assignable {
      return nil
    } else if c == UInt8(ascii: "=") {
      guard next != UInt8(ascii: "=") else { return nil }
      valueStart = next == UInt8(ascii: ">") ? k + 2 : k + 1
    } else if c == UInt8(ascii: ":") {
      guard next != UInt8(ascii: ":") else { return nil }
      valueStart = next == UInt8(ascii: "=") ? k + 2 : k + 1
      colon = next != UInt8(ascii: "=")
    } else if c == UInt8(ascii: "?") && next == UInt8(ascii: "=") {
      valueStart = k + 2
    } else if traits.syntax == .code && PolicyTextScan.isWord(c) {
      // A typed declaration: `var apiKey string = "…"`.
      guard let afterType = skipType(from: k, end) else { return nil }
      valueStart = afterType
    } else if traits.language == .dockerfile && k > nameEnd && isDockerfileEnv(lineStart, nameStart) {
      // The legacy `ENV NAME value`: the rest of the line is the value.
      valueStart = k
      mode = .wholeLine
    } else {
      return nil
    }
    valueStart = PolicyTextScan.skipBlanks(bytes, valueStart, end)
    if colon && traits.syntax == .code && valueStart < end && PolicyTextScan.isWord(bytes[valueStart]) {
      // A type annotation: `api_key: str = "…"`, `let apiKey: String = "…"`.
      guard let afterType = skipType(from: valueStart, end) else { return nil }
      valueStart = PolicyTextScan.skipBlanks(bytes, afterType, end)
    }
    let code = traits.syntax == .code || callArgument
    guard let value = parseValue(at: valueStart, end, mode: code ? .code : mode) else { return nil }
    if value.isKey {
      report(subject: use.subject, value: value, line: line, lineStart: lineStart, lineEnd: end)
    }
    return value.resume
  }

  /// After a type in a declaration (`str`, `Optional[str]`, `string`), the position after its `=`.
  func skipType(from start: Int, _ end: Int) -> Int? {
    var p = start
    while p < end {
      let b = bytes[p]
      let typeByte =
        PolicyTextScan.isWord(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "<") || b == UInt8(ascii: ">")
        || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "?") || b == UInt8(ascii: "|")
        || b == UInt8(ascii: " ") || b == UInt8(ascii: "\t")
      guard typeByte else { break }
      p += 1
    }
    guard p < end, bytes[p] == UInt8(ascii: "="), p + 1 >= end || bytes[p + 1] != UInt8(ascii: "=") else { return nil }
    return p + 1
  }

  func isDockerfileEnv(_ lineStart: Int, _ nameStart: Int) -> Bool {
    let s = PolicyTextScan.skipBlanks(bytes, lineStart, nameStart)
    guard nameStart - s >= 4 else { return false }
    let word = PolicyTextScan.string(bytes, s, nameStart).trimmingASCIIWhitespace().uppercased()
    return word == "ENV"
  }

  struct Value {
    let start: Int
    let end: Int
    let interpolating: Bool
    let resume: Int
    /// A literal (not an expression): whether it is a key is decided by its text.
    let isKey: Bool
  }

  /// The value starting at `start`: a quoted literal anywhere, an unquoted one outside code.
  /// Nil when nothing literal is there (an expression, an unterminated or triple-quoted string).
  func parseValue(at start: Int, _ end: Int, mode: KeyFileTraits.Syntax) -> Value? {
    var v = start
    guard v < end else { return nil }
    var interpolating = false
    if v + 1 < end, PolicyTextScan.isQuote(bytes[v + 1]), Self.stringPrefixes.contains(bytes[v]) {
      interpolating = bytes[v] == UInt8(ascii: "f") || bytes[v] == UInt8(ascii: "F") || bytes[v] == UInt8(ascii: "$")
      v += 1
    }
    if PolicyTextScan.isQuote(bytes[v]) {
      let quote = bytes[v]
      if v + 2 < end && bytes[v + 1] == quote && bytes[v + 2] == quote { return nil }
      let escapes = mode == .code || quote != UInt8(ascii: "'")
      var p = v + 1
      while p < end && bytes[p] != quote { p += escapes && bytes[p] == UInt8(ascii: "\\") ? 2 : 1 }
      guard p < end else { return nil }
      let literal = Value(
        start: v + 1, end: p, interpolating: interpolating || quote == UInt8(ascii: "`"), resume: p + 1, isKey: true)
      return looksLikeKey(literal)
        ? literal : Value(start: v + 1, end: p, interpolating: false, resume: p + 1, isKey: false)
    }
    var p = v
    switch mode {
    case .code:
      return nil
    case .shellWords:
      while p < end && !Self.shellStops.contains(bytes[p]) { p += 1 }
      let value = Value(start: v, end: p, interpolating: false, resume: p, isKey: true)
      return looksLikeKey(value) ? value : Value(start: v, end: p, interpolating: false, resume: p, isKey: false)
    case .wholeLine:
      while p < end, !(bytes[p] == UInt8(ascii: "#") && p > v && PolicyTextScan.isBlank(bytes[p - 1])) { p += 1 }
      var e = p
      while e > v && PolicyTextScan.isBlank(bytes[e - 1]) { e -= 1 }
      if e > v && bytes[e - 1] == UInt8(ascii: ",") { e -= 1 }
      let value = Value(start: v, end: e, interpolating: false, resume: p, isKey: true)
      return looksLikeKey(value) ? value : Value(start: v, end: e, interpolating: false, resume: p, isKey: false)
    }
  }

  func looksLikeKey(_ value: Value) -> Bool {
    guard value.end - value.start >= 8 else { return false }
    return HardcodedKeys.isKeyLiteral(
      PolicyTextScan.string(bytes, value.start, value.end), interpolating: value.interpolating)
  }

  /// YAML pairs: `- name: OPENAI_API_KEY` / `value: …` and `OPENAI_API_KEY:` / `value: …`.
  mutating func yamlPair(_ number: Int, _ start: Int, _ end: Int) {
    var p = start
    while p < end && bytes[p] == UInt8(ascii: " ") { p += 1 }
    guard p < end, bytes[p] != UInt8(ascii: "#") else { return }
    let indent = p - start
    if let pending = pendingYAMLName, indent < pending.minIndent { pendingYAMLName = nil }
    if bytes[p] == UInt8(ascii: "-") && p + 1 < end && bytes[p + 1] == UInt8(ascii: " ") {
      p = PolicyTextScan.skipBlanks(bytes, p + 1, end)
    }
    let keyColumn = p - start
    var q = p
    if q < end, PolicyTextScan.isQuote(bytes[q]) { q += 1 }
    let keyStart = q
    while q < end && (PolicyTextScan.isWord(bytes[q]) || bytes[q] == UInt8(ascii: "-")) { q += 1 }
    let keyEnd = q
    if q < end, PolicyTextScan.isQuote(bytes[q]) { q += 1 }
    guard keyEnd > keyStart, q < end, bytes[q] == UInt8(ascii: ":") else { return }
    let key = PolicyTextScan.string(bytes, keyStart, keyEnd)
    let r = PolicyTextScan.skipBlanks(bytes, q + 1, end)
    if key == "name" {
      var s = r
      if s < end, PolicyTextScan.isQuote(bytes[s]) { s += 1 }
      var e = s
      while e < end && PolicyTextScan.isWord(bytes[e]) { e += 1 }
      if e > s, let use = classify(s, e, line: number), use.assignable {
        pendingYAMLName = (use.subject, keyColumn)
      }
      return
    }
    if key == "value", let pending = pendingYAMLName {
      pendingYAMLName = nil
      if let value = parseValue(at: r, end, mode: .wholeLine), value.isKey {
        report(subject: pending.name, value: value, line: number, lineStart: start, lineEnd: end)
      }
      return
    }
    if r >= end || bytes[r] == UInt8(ascii: "#"), let use = classify(keyStart, keyEnd, line: number), use.assignable {
      pendingYAMLName = (use.subject, indent + 1)
    }
  }

  mutating func report(subject: String, value: Value, line: Int, lineStart: Int, lineEnd: Int) {
    let length = PolicyTextScan.string(bytes, value.start, value.end).count
    let envName = environmentName(for: subject, lineStart: lineStart, lineEnd: lineEnd)
    let message: String
    switch traits.language {
    case .python, .javascript, .go, .jvm, .csharp, .ruby, .swift, .php, .rust, .otherCode:
      message =
        "`\(subject)` is assigned a literal value (\(length) characters) in code; read it from the environment "
        + "or a secret manager instead (e.g. \(codeExample(envName)))."
    case .yaml:
      message =
        "`\(subject)` is set to a literal value (\(length) characters) in a committed YAML file; reference it "
        + "instead: a masked CI/CD variable (`${\(envName)}`), a Kubernetes `secretKeyRef`, or a secret manager."
    case .dotenv:
      message =
        "`\(subject)` is set to a literal value (\(length) characters) in `\(traits.name)`; keep the real value in "
        + "the environment or a secret manager and commit only a placeholder in `.env.example`."
    case .dockerfile:
      message =
        "`\(subject)` is set to a literal value (\(length) characters) in a Dockerfile, so it ends up in the image; "
        + "pass it at run time (`docker run -e \(envName)`) or as a build secret (`RUN --mount=type=secret`)."
    case .shell, .makefile, .config:
      message =
        "`\(subject)` is set to a literal value (\(length) characters) in a committed file; read it from the "
        + "environment (`${\(envName)}`) or a secret manager instead."
    }
    violations.append(
      PolicyViolation(
        ruleID: PolicyRule.hardcodedKey, level: .error, severity: .high, message: message, path: path, line: line,
        column: PolicyTextScan.column(bytes, lineStart, value.start), subject: subject))
  }

  func codeExample(_ name: String) -> String {
    switch traits.language {
    case .python: "`os.environ[\"\(name)\"]`"
    case .javascript: "`process.env.\(name)`"
    case .go: "`os.Getenv(\"\(name)\")`"
    case .jvm: "`System.getenv(\"\(name)\")`"
    case .csharp: "`Environment.GetEnvironmentVariable(\"\(name)\")`"
    case .ruby: "`ENV[\"\(name)\"]`"
    case .swift: "`ProcessInfo.processInfo.environment[\"\(name)\"]`"
    case .php: "`getenv('\(name)')`"
    case .rust: "`std::env::var(\"\(name)\")`"
    default: "`${\(name)}`"
    }
  }

  /// The environment variable to suggest: the subject when it is one, else `<PROVIDER>_API_KEY`
  /// from the line or the file.
  func environmentName(for subject: String, lineStart: Int, lineEnd: Int) -> String {
    let utf8 = subject.utf8
    if let first = utf8.first, PolicyTextScan.isUpper(first),
      utf8.allSatisfy({ PolicyTextScan.isUpper($0) || PolicyTextScan.isDigit($0) || $0 == UInt8(ascii: "_") })
    {
      return subject
    }
    let providers: [(needle: String, name: String)] = [
      ("azure", "AZURE_OPENAI_API_KEY"), ("anthropic", "ANTHROPIC_API_KEY"), ("claude", "ANTHROPIC_API_KEY"),
      ("openai", "OPENAI_API_KEY"), ("gemini", "GEMINI_API_KEY"), ("genai", "GEMINI_API_KEY"),
      ("mistral", "MISTRAL_API_KEY"), ("cohere", "COHERE_API_KEY"), ("groq", "GROQ_API_KEY"),
      ("replicate", "REPLICATE_API_TOKEN"), ("huggingface", "HF_TOKEN"), ("together", "TOGETHER_API_KEY"),
      ("perplexity", "PERPLEXITY_API_KEY"), ("deepseek", "DEEPSEEK_API_KEY"),
    ]
    for range in [(lineStart, lineEnd), (0, bytes.count)] {
      for provider in providers
      where PolicyTextScan.containsAnyCaseInsensitive(bytes, range.0, range.1, [Array(provider.needle.utf8)]) {
        return provider.name
      }
    }
    return "API_KEY"
  }
}

// MARK: - Byte-level helpers shared by the file checks

/// Hand-written scanning over a file's UTF-8 bytes: the file checks run on every file of a
/// working tree, so no regular expressions.
enum PolicyTextScan {
  /// Files larger than this are not read by the file checks.
  static let maximumFileSize = 2 * 1024 * 1024
  /// A NUL byte in this many leading bytes marks a binary file.
  static let binaryProbeLength = 8 * 1024

  static func isScannable(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
    guard bytes.count <= maximumFileSize else { return false }
    for index in 0..<min(bytes.count, binaryProbeLength) where bytes[index] == 0 { return false }
    return true
  }

  /// Calls `body` with each line's number (from 1) and byte range, without the line break.
  static func forEachLine(_ bytes: UnsafeBufferPointer<UInt8>, _ body: (Int, Int, Int) -> Void) {
    var number = 1
    var start = 0
    while start <= bytes.count {
      var end = start
      while end < bytes.count && bytes[end] != UInt8(ascii: "\n") { end += 1 }
      var contentEnd = end
      if contentEnd > start && bytes[contentEnd - 1] == UInt8(ascii: "\r") { contentEnd -= 1 }
      if end == bytes.count && start == end { break }
      body(number, start, contentEnd)
      number += 1
      start = end + 1
    }
  }

  /// The 1-based column, in characters, of `offset` on the line starting at `lineStart`.
  static func column(_ bytes: UnsafeBufferPointer<UInt8>, _ lineStart: Int, _ offset: Int) -> Int {
    var ascii = true
    for index in lineStart..<offset where bytes[index] >= 0x80 {
      ascii = false
      break
    }
    if ascii { return offset - lineStart + 1 }
    return string(bytes, lineStart, offset).count + 1
  }

  static func string(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
  }

  static func fileName(_ path: String) -> String {
    path.split(separator: "/").last.map(String.init) ?? path
  }

  static func isUpper(_ b: UInt8) -> Bool { b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") }
  static func isLower(_ b: UInt8) -> Bool { b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") }
  static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }
  static func isAlphanumeric(_ b: UInt8) -> Bool { isUpper(b) || isLower(b) || isDigit(b) }
  /// `[A-Za-z0-9_]`.
  static func isWord(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == UInt8(ascii: "_") }
  static func isBlank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") }
  static func isQuote(_ b: UInt8) -> Bool {
    b == UInt8(ascii: "\"") || b == UInt8(ascii: "'") || b == UInt8(ascii: "`")
  }
  static func lower(_ b: UInt8) -> UInt8 { isUpper(b) ? b | 0x20 : b }

  static func skipBlanks(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int {
    var i = start
    while i < end && isBlank(bytes[i]) { i += 1 }
    return i
  }

  static func hasPrefix(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ prefix: [UInt8]) -> Bool {
    guard end - start >= prefix.count else { return false }
    for (offset, b) in prefix.enumerated() where bytes[start + offset] != b { return false }
    return true
  }

  /// Whether `haystack` contains `needle`, byte for byte (String's own `contains` is far slower).
  static func contains(_ haystack: String, _ needle: String) -> Bool {
    var haystack = haystack
    return haystack.withUTF8 { bytes in
      var needle = needle
      return needle.withUTF8 { firstIndex(of: $0, in: bytes, 0, bytes.count) != nil }
    }
  }

  static func contains(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ needle: [UInt8]) -> Bool {
    firstIndex(of: needle, in: bytes, start, end) != nil
  }

  /// Where `needle` (exact bytes) first starts in `start..<end`.
  static func firstIndex(of needle: [UInt8], in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int? {
    needle.withUnsafeBufferPointer { firstIndex(of: $0, in: bytes, start, end) }
  }

  static func firstIndex(
    of needle: UnsafeBufferPointer<UInt8>, in bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
  ) -> Int? {
    guard let first = needle.first, end - start >= needle.count else { return nil }
    var i = start
    let last = end - needle.count
    while i <= last {
      if bytes[i] == first {
        var k = 1
        while k < needle.count && bytes[i + k] == needle[k] { k += 1 }
        if k == needle.count { return i }
      }
      i += 1
    }
    return nil
  }

  /// Whether `key`, `token`, `client` or `credential` occurs in `start..<end`, ignoring ASCII case:
  /// the prefilter of the hard-coded key check, for files and for lines.
  static func containsKeyWord(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
    @inline(__always) func at(_ offset: Int, _ word: StaticString) -> Bool {
      let count = word.utf8CodeUnitCount
      guard end - offset >= count else { return false }
      let pointer = word.utf8Start
      for k in 1..<count where bytes[offset + k] | 0x20 != pointer[k] { return false }
      return true
    }
    var i = start
    while i < end {
      switch bytes[i] | 0x20 {
      case UInt8(ascii: "k"): if at(i, "key") { return true }
      case UInt8(ascii: "t"): if at(i, "token") { return true }
      case UInt8(ascii: "c"): if at(i, "client") || at(i, "credential") { return true }
      default: break
      }
      i += 1
    }
    return false
  }

  /// Whether one of `needles` (lower-case ASCII) occurs in `start..<end`, ignoring ASCII case.
  static func containsAnyCaseInsensitive(
    _ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ needles: [[UInt8]]
  ) -> Bool {
    var i = start
    while i < end {
      let b = lower(bytes[i])
      for needle in needles where needle[0] == b && end - i >= needle.count {
        var k = 1
        while k < needle.count && lower(bytes[i + k]) == needle[k] { k += 1 }
        if k == needle.count { return true }
      }
      i += 1
    }
    return false
  }

  /// The word at `start..<end` in lower-case snake_case: `apiKey` → `api_key`, `x-api-key` →
  /// `x_api_key`, `openAIKey` → `open_ai_key`, `APIKey` → `api_key`.
  static func snakeCase(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> String {
    var out: [UInt8] = []
    out.reserveCapacity(end - start + 4)
    var previous: UInt8 = 0
    for index in start..<end {
      let b = bytes[index]
      if b == UInt8(ascii: "-") {
        out.append(UInt8(ascii: "_"))
      } else {
        let next: UInt8 = index + 1 < end ? bytes[index + 1] : 0
        if isUpper(b) && (isLower(previous) || isDigit(previous) || (isUpper(previous) && isLower(next))) {
          out.append(UInt8(ascii: "_"))
        }
        out.append(lower(b))
      }
      previous = b
    }
    return String(decoding: out, as: UTF8.self)
  }
}

extension String {
  fileprivate func trimmingASCIIWhitespace() -> String {
    let utf8 = self.utf8
    guard let first = utf8.firstIndex(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) }) else { return "" }
    let last = utf8.lastIndex(where: { !($0 == 32 || $0 == 9 || $0 == 10 || $0 == 13) })!
    return String(self[first...last])
  }
}
