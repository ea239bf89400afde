/// Rule `policy.client-exposure`: API keys, or the variables that hold them, in code that runs in
/// the browser.
///
/// 1. **Public-prefix key variables**, in any file: a name that starts with a prefix bundlers
///    compile into the browser bundle (``publicPrefixes``: `NEXT_PUBLIC_`, `VITE_`, `REACT_APP_`,
///    `EXPO_PUBLIC_`, `NUXT_PUBLIC_`, `PUBLIC_`, `GATSBY_`, `VUE_APP_`; case-sensitive, at the start
///    of a word) whose rest names a provider (``providers``: OPENAI, ANTHROPIC, AZURE_OPENAI,
///    GEMINI, GOOGLE_AI, MISTRAL, COHERE, GROQ, HUGGINGFACE, HF, REPLICATE, TOGETHER, PERPLEXITY,
///    DEEPSEEK, XAI, STRIPE_SECRET, SUPABASE_SERVICE_ROLE, …) and a key word (`KEY`, `APIKEY`,
///    `SECRET`, `TOKEN`, also glued: `OPENAIKEY`). Error, high, one per occurrence, subject the name.
///    Not reported — publishable by design: names with `PUBLISHABLE` or `ANON`, or with
///    `PUBLIC_KEY`, `SITE_KEY`, `CLIENT_ID` in them (`NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY`,
///    `VITE_SUPABASE_ANON_KEY`, `NEXT_PUBLIC_RECAPTCHA_SITE_KEY`); providers whose browser keys are
///    meant to be public are not in the list (Firebase, Google Maps: `NEXT_PUBLIC_FIREBASE_API_KEY`),
///    and neither are bare `STRIPE` or `SUPABASE`.
/// 2. **`dangerouslyAllowBrowser: true`**, in any file (`:` or `=`, any spacing, quoted or not).
///    Error, high.
/// 3. **Direct provider calls from client paths** (`isClientPath` only): in a file that mentions a
///    provider API host (``providerHosts``), each `Authorization` header with `Bearer` on the same
///    or one of the next two lines, and each `x-api-key`, `api-key` or `x-goog-api-key` header
///    (a header name followed by `:`, `,`, `=`, or `"]`) is an error, high, at the header name,
///    subject the host nearest to it. Each `new OpenAI(`, `new Anthropic(` (and the other
///    ``browserSDKs``) is an error, medium, at `new`, subject the class.
///
/// Documentation is not checked: files ending in `.example`, `.sample`, `.template`, `.dist`,
/// `.md`, `.markdown`, `.mdx` or `.rst` (`.env.example`, README.md) describe variables rather than
/// ship them. Comments are checked like code. Files over 2 MiB, or with a NUL byte in the first
/// 8 KiB, are not read.
public enum ClientExposure {
  /// Violations in `text`, the content of the file at `path` (relative, `/`-separated).
  /// `isClientPath`: the file is under the project's `client_paths` (browser code).
  public static func violations(in text: String, path: String, isClientPath: Bool) -> [PolicyViolation] {
    guard !isDocumentation(PolicyTextScan.fileName(path)) else { return [] }
    var text = text
    return text.withUTF8 { bytes -> [PolicyViolation] in
      guard PolicyTextScan.isScannable(bytes) else { return [] }
      var scanner = ClientExposureScanner(bytes: bytes, path: path, isClientPath: isClientPath)
      return scanner.run()
    }
  }

  /// Prefixes whose variables bundlers expose to the browser.
  static let publicPrefixes = [
    "NEXT_PUBLIC_", "EXPO_PUBLIC_", "NUXT_PUBLIC_", "REACT_APP_", "VUE_APP_", "GATSBY_", "PUBLIC_", "VITE_",
  ]

  /// Providers, as `_`-separated word sequences, with the name messages use.
  static let providers: [(words: [String], name: String)] = [
    (["AZURE", "OPENAI"], "Azure OpenAI"), (["OPENAI"], "OpenAI"), (["ANTHROPIC"], "Anthropic"),
    (["CLAUDE"], "Anthropic"), (["GEMINI"], "Gemini"), (["GOOGLE", "AI"], "Google AI"),
    (["GOOGLE", "GENAI"], "Google AI"), (["GOOGLE", "GENERATIVE", "AI"], "Google AI"), (["GENAI"], "Google AI"),
    (["MISTRAL"], "Mistral"), (["COHERE"], "Cohere"), (["GROQ"], "Groq"), (["HUGGINGFACE"], "Hugging Face"),
    (["HUGGING", "FACE"], "Hugging Face"), (["HF"], "Hugging Face"), (["REPLICATE"], "Replicate"),
    (["TOGETHER"], "Together AI"), (["TOGETHERAI"], "Together AI"), (["PERPLEXITY"], "Perplexity"),
    (["PPLX"], "Perplexity"), (["DEEPSEEK"], "DeepSeek"), (["XAI"], "xAI"), (["GROK"], "xAI"),
    (["FIREWORKS"], "Fireworks"), (["OPENROUTER"], "OpenRouter"), (["ELEVENLABS"], "ElevenLabs"),
    (["DEEPGRAM"], "Deepgram"), (["ASSEMBLYAI"], "AssemblyAI"), (["VOYAGE"], "Voyage AI"),
    (["CEREBRAS"], "Cerebras"), (["PINECONE"], "Pinecone"), (["LANGSMITH"], "LangSmith"),
    (["STRIPE", "SECRET"], "Stripe secret"), (["SUPABASE", "SERVICE", "ROLE"], "Supabase service-role"),
  ]

  static let keyWords: Set<String> = ["KEY", "APIKEY", "SECRET", "TOKEN"]

  /// Provider API hosts a browser must not call with a key.
  static let providerHosts = [
    "api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com", "api.mistral.ai", "api.cohere.ai",
    "api.cohere.com", "api.groq.com", "openai.azure.com", "api.together.xyz", "api.perplexity.ai",
    "api.deepseek.com", "api.x.ai", "api.replicate.com", "api-inference.huggingface.co", "openrouter.ai/api",
  ]

  /// SDK clients that hold a key, constructed with `new`.
  static let browserSDKs: Set<String> = [
    "OpenAI", "AzureOpenAI", "Anthropic", "Groq", "Mistral", "CohereClient", "CohereClientV2", "GoogleGenerativeAI",
    "GoogleGenAI", "Together", "HfInference", "Replicate",
  ]

  static let keyHeaders: Set<String> = ["authorization", "x-api-key", "api-key", "x-goog-api-key"]

  static func isDocumentation(_ name: String) -> Bool {
    let lower = name.lowercased()
    return [".example", ".sample", ".template", ".dist", ".md", ".markdown", ".mdx", ".rst"].contains {
      lower.hasSuffix($0)
    }
  }

  /// The provider a public-prefix variable's name exposes a key of, or nil when it is not a key
  /// name or is publishable by design. `rest` is the name without its public prefix.
  static func exposedProvider(rest: String) -> String? {
    let words = rest.split(separator: "_").map(String.init)
    guard !words.isEmpty else { return nil }
    if words.contains("PUBLISHABLE") || words.contains("ANON") { return nil }
    for (first, second) in zip(words, words.dropFirst()) {
      if ["PUBLIC", "SITE"].contains(first) && second == "KEY" { return nil }
      if first == "CLIENT" && second == "ID" { return nil }
    }
    if words.contains("PUBLICKEY") || words.contains("SITEKEY") { return nil }
    var provider: String?
    var hasKeyWord = words.contains { keyWords.contains($0) || $0.hasSuffix("APIKEY") }
    search: for start in words.indices {
      for candidate in providers where start + candidate.words.count <= words.count {
        let slice = Array(words[start..<start + candidate.words.count])
        if slice == candidate.words {
          provider = candidate.name
          break search
        }
        // Glued: `OPENAIKEY`, `OPENAIAPIKEY`.
        if candidate.words.count == 1, let word = slice.first, candidate.words[0].count >= 4,
          word.hasPrefix(candidate.words[0])
        {
          let tail = word.dropFirst(candidate.words[0].count)
          if ["KEY", "APIKEY", "TOKEN", "SECRET"].contains(tail) {
            provider = candidate.name
            hasKeyWord = true
            break search
          }
        }
      }
    }
    guard let provider, hasKeyWord else { return nil }
    return provider
  }
}

struct ClientExposureScanner {
  let bytes: UnsafeBufferPointer<UInt8>
  let path: String
  let isClientPath: Bool
  var violations: [PolicyViolation] = []
  /// Provider hosts by line, for rule 3.
  var hosts: [(line: Int, host: String)] = []
  /// Key headers seen in a client path, reported once the file is known to name a host.
  var headers: [(line: Int, column: Int, name: String)] = []
  /// Whether a client-path file names a provider host anywhere (rule 3 needs one).
  var mentionsHost = false

  static let dangerous = Array("dangerouslyAllowBrowser".utf8)
  static let hostNeedles = ClientExposure.providerHosts.map { Array($0.utf8) }
  static let bearer = [Array("bearer".utf8)]
  static let new = Array("new".utf8)
  static let trueBytes = Array("true".utf8)
  static let prefixBytes = ClientExposure.publicPrefixes.map { Array($0.utf8) }

  init(bytes: UnsafeBufferPointer<UInt8>, path: String, isClientPath: Bool) {
    self.bytes = bytes
    self.path = path
    self.isClientPath = isClientPath
  }

  mutating func run() -> [PolicyViolation] {
    if isClientPath {
      mentionsHost = firstHost(0, bytes.count) != nil
    }
    var lines: [(start: Int, end: Int)] = []
    PolicyTextScan.forEachLine(bytes) { number, start, end in
      lines.append((start, end))
      scanLine(number, start, end)
    }
    if !hosts.isEmpty {
      for header in headers {
        if header.name.lowercased() == "authorization" {
          let last = min(header.line + 2, lines.count)
          let hasBearer = (header.line...last).contains { number in
            PolicyTextScan.containsAnyCaseInsensitive(
              bytes, lines[number - 1].start, lines[number - 1].end, Self.bearer)
          }
          guard hasBearer else { continue }
        }
        let host = nearestHost(to: header.line)
        violations.append(
          PolicyViolation(
            ruleID: PolicyRule.clientExposure, level: .error, severity: .high,
            message: "This client-side file calls \(host) directly with an `\(header.name)` header, so the API key "
              + "ships to every visitor's browser; send the request from a server-side route that holds the key "
              + "and call that route from the browser.",
            path: path, line: header.line, column: header.column, subject: host))
      }
    }
    return violations.sorted(by: PolicyViolation.reportOrder)
  }

  /// The first provider host in `start..<end`: its index in `providerHosts` and its offset. One
  /// pass: hosts start with `api`, `gen` or `ope`, and only there are the hosts compared.
  func firstHost(_ start: Int, _ end: Int) -> (Int, Int)? {
    var i = start
    while i + 2 < end {
      let trigram = (bytes[i], bytes[i + 1], bytes[i + 2])
      switch trigram {
      case (UInt8(ascii: "a"), UInt8(ascii: "p"), UInt8(ascii: "i")),
        (UInt8(ascii: "g"), UInt8(ascii: "e"), UInt8(ascii: "n")),
        (UInt8(ascii: "o"), UInt8(ascii: "p"), UInt8(ascii: "e")):
        for (index, needle) in Self.hostNeedles.enumerated()
        where needle[0] == bytes[i] && PolicyTextScan.hasPrefix(bytes, i, end, needle) {
          return (index, i)
        }
      default: break
      }
      i += 1
    }
    return nil
  }

  /// The host mentioned nearest to `line` (the earlier one on a tie); `hosts` is in line order.
  func nearestHost(to line: Int) -> String {
    var low = 0
    var high = hosts.count
    while low < high {
      let middle = (low + high) / 2
      if hosts[middle].line < line { low = middle + 1 } else { high = middle }
    }
    // hosts[low] is the first at or after `line`.
    if low == hosts.count { return hosts[hosts.count - 1].host }
    if low == 0 { return hosts[0].host }
    let before = hosts[low - 1]
    let after = hosts[low]
    return line - before.line <= after.line - line ? before.host : after.host
  }

  mutating func scanLine(_ number: Int, _ start: Int, _ end: Int) {
    if mentionsHost {
      var from = start
      while let (index, at) = firstHost(from, end) {
        hosts.append((number, ClientExposure.providerHosts[index]))
        from = at + 1
      }
    }
    var i = start
    var previousWord: (start: Int, end: Int)?
    while i < end {
      let b = bytes[i]
      guard PolicyTextScan.isWord(b) else {
        i += 1
        continue
      }
      var j = i + 1
      while j < end && PolicyTextScan.isWord(bytes[j]) { j += 1 }
      switch b {
      case UInt8(ascii: "N"), UInt8(ascii: "V"), UInt8(ascii: "R"), UInt8(ascii: "E"), UInt8(ascii: "P"),
        UInt8(ascii: "G"):
        if j - i > 7 { publicPrefix(number, start, i, j) }
      default: break
      }
      if b == UInt8(ascii: "d") && j - i == Self.dangerous.count
        && PolicyTextScan.hasPrefix(bytes, i, j, Self.dangerous)
      {
        dangerouslyAllowBrowser(number, start, i, j, end)
      }
      if isClientPath {
        clientCall(mentionsHost, number, start, i, j, end, previousWord: previousWord)
      }
      previousWord = (i, j)
      i = j
    }
  }

  /// Rule 1 for the word at `start..<end`.
  mutating func publicPrefix(_ number: Int, _ lineStart: Int, _ start: Int, _ end: Int) {
    guard Self.prefixBytes.contains(where: { PolicyTextScan.hasPrefix(bytes, start, end, $0) }) else { return }
    let name = PolicyTextScan.string(bytes, start, end)
    guard let prefix = ClientExposure.publicPrefixes.first(where: name.hasPrefix), name.count > prefix.count,
      let provider = ClientExposure.exposedProvider(rest: String(name.dropFirst(prefix.count)))
    else { return }
    violations.append(
      PolicyViolation(
        ruleID: PolicyRule.clientExposure, level: .error, severity: .high,
        message: "`\(name)` puts your \(provider) key in the browser: anything under the public prefix `\(prefix)` is "
          + "compiled into the browser bundle. Drop the prefix, keep the key on the server, and call \(provider) "
          + "from a server-side route.",
        path: path, line: number, column: PolicyTextScan.column(bytes, lineStart, start), subject: name))
  }

  /// Rule 2: `dangerouslyAllowBrowser` at `start..<end`, set to `true`?
  mutating func dangerouslyAllowBrowser(_ number: Int, _ lineStart: Int, _ start: Int, _ end: Int, _ lineEnd: Int) {
    var k = end
    if k < lineEnd, PolicyTextScan.isQuote(bytes[k]) { k += 1 }
    k = PolicyTextScan.skipBlanks(bytes, k, lineEnd)
    guard k < lineEnd, bytes[k] == UInt8(ascii: ":") || bytes[k] == UInt8(ascii: "=") else { return }
    if bytes[k] == UInt8(ascii: "="), k + 1 < lineEnd, bytes[k + 1] == UInt8(ascii: "=") { return }
    k = PolicyTextScan.skipBlanks(bytes, k + 1, lineEnd)
    guard PolicyTextScan.hasPrefix(bytes, k, lineEnd, Self.trueBytes),
      k + 4 >= lineEnd || !PolicyTextScan.isWord(bytes[k + 4])
    else { return }
    violations.append(
      PolicyViolation(
        ruleID: PolicyRule.clientExposure, level: .error, severity: .high,
        message: "`dangerouslyAllowBrowser: true` lets the SDK run in the browser, which ships the API key to every "
          + "visitor; remove it and call the provider from a server-side route that holds the key.",
        path: path, line: number, column: PolicyTextScan.column(bytes, lineStart, start),
        subject: "dangerouslyAllowBrowser"))
  }

  /// Rule 3: key headers (collected) and `new <SDK>(`.
  mutating func clientCall(
    _ headersMatter: Bool, _ number: Int, _ lineStart: Int, _ start: Int, _ end: Int, _ lineEnd: Int,
    previousWord: (start: Int, end: Int)?
  ) {
    // Header names may hold `-`: read the whole `[A-Za-z0-9_-]` run, once, from its last word.
    if headersMatter && (end == lineEnd || bytes[end] != UInt8(ascii: "-")) {
      var headerStart = start
      while headerStart > lineStart
        && (PolicyTextScan.isWord(bytes[headerStart - 1]) || bytes[headerStart - 1] == UInt8(ascii: "-"))
      {
        headerStart -= 1
      }
      if (7...14).contains(end - headerStart) {
        let header = PolicyTextScan.string(bytes, headerStart, end)
        if ClientExposure.keyHeaders.contains(header.lowercased()), isHeaderAssignment(end, lineEnd) {
          headers.append((number, PolicyTextScan.column(bytes, lineStart, headerStart), header))
        }
      }
    }
    // `new OpenAI(`.
    if let previous = previousWord, previous.end - previous.start == 3,
      PolicyTextScan.hasPrefix(bytes, previous.start, previous.end, Self.new),
      PolicyTextScan.skipBlanks(bytes, previous.end, start) == start, start > previous.end
    {
      let name = PolicyTextScan.string(bytes, start, end)
      let open = PolicyTextScan.skipBlanks(bytes, end, lineEnd)
      if ClientExposure.browserSDKs.contains(name), open < lineEnd, bytes[open] == UInt8(ascii: "(") {
        violations.append(
          PolicyViolation(
            ruleID: PolicyRule.clientExposure, level: .error, severity: .medium,
            message: "`new \(name)(…)` in client-side code puts the API key in the browser bundle (the SDK refuses "
              + "to run there unless `dangerouslyAllowBrowser` is set); create the client in server-side code and "
              + "let the browser call your own API route.",
            path: path, line: number, column: PolicyTextScan.column(bytes, lineStart, previous.start), subject: name))
      }
    }
  }

  /// A header name followed by `:`, `,`, `=` (not `==`), or a closing quote and `]`.
  func isHeaderAssignment(_ end: Int, _ lineEnd: Int) -> Bool {
    var k = end
    if k < lineEnd, PolicyTextScan.isQuote(bytes[k]) { k += 1 }
    if k < lineEnd, bytes[k] == UInt8(ascii: "]") { k += 1 }
    k = PolicyTextScan.skipBlanks(bytes, k, lineEnd)
    guard k < lineEnd else { return false }
    switch bytes[k] {
    case UInt8(ascii: ":"), UInt8(ascii: ","): return true
    case UInt8(ascii: "="): return k + 1 >= lineEnd || bytes[k + 1] != UInt8(ascii: "=")
    default: return false
    }
  }
}
