import KeygateTestSupport
import Testing

@testable import KeygateCore

/// `policy.client-exposure`: key variables under public prefixes, `dangerouslyAllowBrowser`, and
/// direct provider calls from client paths.
@Suite struct ClientExposureTests {
  struct Seen: Equatable, CustomStringConvertible {
    let severity: Severity
    let line: Int
    let column: Int
    let subject: String?

    var description: String { "\(severity) \(line):\(column) \(subject ?? "-")" }

    static func high(_ line: Int, _ column: Int, _ subject: String) -> Seen {
      Seen(severity: .high, line: line, column: column, subject: subject)
    }

    static func medium(_ line: Int, _ column: Int, _ subject: String) -> Seen {
      Seen(severity: .medium, line: line, column: column, subject: subject)
    }
  }

  /// The violations in `text` at `path`, checking what every one must hold: rule id, level
  /// `error`, the path, and a message saying what to do instead.
  static func seen(_ text: String, at path: String, client: Bool = false) -> [Seen] {
    let violations = ClientExposure.violations(in: text, path: path, isClientPath: client)
    for violation in violations {
      #expect(violation.ruleID == PolicyRule.clientExposure)
      #expect(violation.level == .error)
      #expect(violation.path == path)
      #expect(violation.message.contains("server-side"))
    }
    return violations.map { Seen(severity: $0.severity, line: $0.line, column: $0.column, subject: $0.subject) }
  }

  // MARK: - Public-prefix key variables

  @Test func nextPublicInDotEnv() {
    let text = "# keys\nNEXT_PUBLIC_OPENAI_API_KEY=\nNEXT_PUBLIC_APP_URL=https://example.com\n"
    #expect(Self.seen(text, at: ".env") == [.high(2, 1, "NEXT_PUBLIC_OPENAI_API_KEY")])
  }

  @Test func messageSaysWhatIsWrongAndWhatToDo() throws {
    let violation = try #require(
      ClientExposure.violations(in: "NEXT_PUBLIC_OPENAI_API_KEY=\n", path: ".env", isClientPath: false).first)
    #expect(violation.message.contains("`NEXT_PUBLIC_OPENAI_API_KEY`"))
    #expect(violation.message.contains("`NEXT_PUBLIC_`"))
    #expect(violation.message.contains("browser bundle"))
    #expect(violation.message.contains("call OpenAI from a server-side route"))
  }

  @Test func viteImportMetaEnv() {
    let text = "const key = import.meta.env.VITE_OPENAI_API_KEY;\n"
    #expect(Self.seen(text, at: "src/lib/ai.ts") == [.high(1, 29, "VITE_OPENAI_API_KEY")])
  }

  @Test func createReactAppProcessEnv() {
    let text = "export const key = process.env.REACT_APP_OPENAI_KEY\n"
    #expect(Self.seen(text, at: "src/config.js") == [.high(1, 32, "REACT_APP_OPENAI_KEY")])
  }

  @Test(arguments: [
    "NEXT_PUBLIC_OPENAI_API_KEY", "VITE_ANTHROPIC_API_KEY", "REACT_APP_AZURE_OPENAI_KEY", "EXPO_PUBLIC_GEMINI_API_KEY",
    "NUXT_PUBLIC_GOOGLE_AI_API_KEY", "PUBLIC_MISTRAL_API_KEY", "GATSBY_COHERE_API_KEY", "VITE_GROQ_APIKEY",
    "NEXT_PUBLIC_HUGGINGFACE_TOKEN", "NEXT_PUBLIC_HF_TOKEN", "VITE_REPLICATE_API_TOKEN", "VITE_TOGETHER_API_KEY",
    "NEXT_PUBLIC_PERPLEXITY_API_KEY", "VITE_DEEPSEEK_API_KEY", "NEXT_PUBLIC_XAI_API_KEY",
    "NEXT_PUBLIC_STRIPE_SECRET_KEY", "VUE_APP_OPENAI_SECRET", "VITE_OPENAIKEY", "NEXT_PUBLIC_SUPABASE_SERVICE_ROLE_KEY",
  ])
  func everyPrefixAndProvider(name: String) {
    #expect(Self.seen("\(name)=\n", at: ".env.local") == [.high(1, 1, name)])
  }

  @Test(arguments: [
    "NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY", "VITE_SUPABASE_ANON_KEY", "NEXT_PUBLIC_SUPABASE_URL",
    "NEXT_PUBLIC_OPENAI_PUBLIC_KEY", "NEXT_PUBLIC_RECAPTCHA_SITE_KEY", "VITE_OPENAI_SITE_KEY",
    "NEXT_PUBLIC_OPENAI_CLIENT_ID", "NEXT_PUBLIC_FIREBASE_API_KEY", "NEXT_PUBLIC_GOOGLE_MAPS_API_KEY",
    "NEXT_PUBLIC_OPENAI_MODEL", "VITE_API_BASE_URL", "OPENAI_API_KEY", "MY_VITE_OPENAI_API_KEY",
    "vite_openai_api_key", "NEXT_PUBLIC_", "VITE_STRIPE_KEY",
  ])
  func publishableAndUnrelatedNames(name: String) {
    #expect(Self.seen("\(name)=x\nconst v = process.env.\(name)\n", at: ".env.local").isEmpty)
  }

  @Test func everyOccurrenceIsReported() {
    let text = """
      // NEXT_PUBLIC_OPENAI_API_KEY is read below
      const a = process.env.NEXT_PUBLIC_OPENAI_API_KEY, b = process.env.NEXT_PUBLIC_OPENAI_API_KEY;

      """
    #expect(
      Self.seen(text, at: "app/page.tsx") == [
        .high(1, 4, "NEXT_PUBLIC_OPENAI_API_KEY"), .high(2, 23, "NEXT_PUBLIC_OPENAI_API_KEY"),
        .high(2, 67, "NEXT_PUBLIC_OPENAI_API_KEY"),
      ])
  }

  @Test func columnCountsCharacters() {
    let text = "const titre = \"clé\"; const k = import.meta.env.VITE_OPENAI_API_KEY\n"
    #expect(Self.seen(text, at: "src/main.ts") == [.high(1, 48, "VITE_OPENAI_API_KEY")])
  }

  @Test(arguments: [".env.example", ".env.sample", "config.template", "README.md", "docs/setup.md", "app.env.dist"])
  func documentationFilesAreNotChecked(path: String) {
    let text = """
      # NEXT_PUBLIC_OPENAI_API_KEY=
      NEXT_PUBLIC_OPENAI_API_KEY=your-key
      new OpenAI({ apiKey, dangerouslyAllowBrowser: true })
      fetch("https://api.openai.com/v1/models", { headers: { Authorization: "Bearer " + key } })

      """
    #expect(Self.seen(text, at: path, client: true).isEmpty)
  }

  // MARK: - dangerouslyAllowBrowser

  @Test func dangerouslyAllowBrowserSpellings() {
    let text = """
      const a = new OpenAI({ apiKey, dangerouslyAllowBrowser: true });
      const b = { dangerouslyAllowBrowser:true };
      const c = { "dangerouslyAllowBrowser": true };
      const d = { 'dangerouslyAllowBrowser' :  true, other: 1 };
      options.dangerouslyAllowBrowser = true;

      """
    #expect(
      Self.seen(text, at: "server/ai.ts") == [
        .high(1, 32, "dangerouslyAllowBrowser"), .high(2, 13, "dangerouslyAllowBrowser"),
        .high(3, 14, "dangerouslyAllowBrowser"), .high(4, 14, "dangerouslyAllowBrowser"),
        .high(5, 9, "dangerouslyAllowBrowser"),
      ])
  }

  @Test func dangerouslyAllowBrowserOffOrUnknownIsNotReported() {
    let text = """
      const a = { dangerouslyAllowBrowser: false };
      const b = { dangerouslyAllowBrowser: isTest };
      const c = { dangerouslyAllowBrowser: trueish };
      if (options.dangerouslyAllowBrowser == true) {}
      // see dangerouslyAllowBrowser in the SDK docs

      """
    #expect(Self.seen(text, at: "src/ai.ts", client: true).isEmpty)
  }

  // MARK: - Direct provider calls from client paths

  static let fetchOpenAI = """
    export async function ask(key, prompt) {
      const response = await fetch("https://api.openai.com/v1/chat/completions", {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          Authorization: `Bearer ${key}`,
        },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: prompt }] }),
      });
      return response.json();
    }

    """

  @Test func fetchWithBearerFromAClientPath() {
    #expect(Self.seen(Self.fetchOpenAI, at: "web/src/ask.ts", client: true) == [.high(6, 7, "api.openai.com")])
  }

  @Test func headerMessageNamesHostAndFix() throws {
    let violation = try #require(
      ClientExposure.violations(in: Self.fetchOpenAI, path: "web/src/ask.ts", isClientPath: true).first)
    #expect(violation.message.contains("api.openai.com"))
    #expect(violation.message.contains("`Authorization`"))
    #expect(violation.message.contains("server-side route"))
  }

  @Test func sameCodeOutsideClientPathsIsNotReported() {
    #expect(Self.seen(Self.fetchOpenAI, at: "server/ask.ts", client: false).isEmpty)
  }

  @Test func apiKeyHeadersOfOtherProviders() {
    let text = """
      const anthropic = "https://api.anthropic.com/v1/messages";
      const headers = { "x-api-key": key, "anthropic-version": "2023-06-01" };
      const azure = "https://acme.openai.azure.com/openai/deployments/gpt/chat/completions";
      request.headers["api-key"] = key;
      const gemini = "https://generativelanguage.googleapis.com/v1beta/models";
      xhr.setRequestHeader("x-goog-api-key", key);

      """
    #expect(
      Self.seen(text, at: "src/providers.js", client: true) == [
        .high(2, 20, "api.anthropic.com"), .high(4, 18, "openai.azure.com"),
        .high(6, 23, "generativelanguage.googleapis.com"),
      ])
  }

  @Test func authorizationWithBearerOnTheNextLine() {
    let text = """
      fetch("https://api.groq.com/openai/v1/chat/completions", { headers: {
        "Authorization":
          "Bearer " + token } })

      """
    #expect(Self.seen(text, at: "src/groq.js", client: true) == [.high(2, 4, "api.groq.com")])
  }

  @Test func authorizationWithoutBearerOrWithoutProviderHostIsNotReported() {
    let noBearer = "fetch('https://api.mistral.ai/v1/models', { headers: { Authorization: session } })\n"
    #expect(Self.seen(noBearer, at: "src/a.js", client: true).isEmpty)
    let ownBackend = "fetch('/api/chat', { headers: { Authorization: `Bearer ${sessionToken}`, 'x-api-key': k } })\n"
    #expect(Self.seen(ownBackend, at: "src/b.js", client: true).isEmpty)
  }

  @Test func sdkConstructionInAClientPath() {
    let text = """
      import OpenAI from "openai";
      import Anthropic from "@anthropic-ai/sdk";
      const openai = new OpenAI({ apiKey: userKey });
      const claude = new  Anthropic ({ apiKey: userKey });
      const other = new OpenAIish();

      """
    #expect(
      Self.seen(text, at: "src/chat.tsx", client: true) == [.medium(3, 16, "OpenAI"), .medium(4, 16, "Anthropic")])
    #expect(Self.seen(text, at: "server/chat.ts", client: false).isEmpty)
  }

  @Test func sdkMessageSaysWhy() throws {
    let violation = try #require(
      ClientExposure.violations(in: "const c = new OpenAI();\n", path: "src/c.ts", isClientPath: true).first)
    #expect(violation.severity == .medium)
    #expect(violation.message.contains("`new OpenAI(…)`"))
    #expect(violation.message.contains("dangerouslyAllowBrowser"))
  }

  @Test func allRulesTogetherInReportOrder() {
    let text = """
      const openai = new OpenAI({ apiKey: import.meta.env.VITE_OPENAI_API_KEY, dangerouslyAllowBrowser: true });
      await fetch("https://api.openai.com/v1/models", { headers: { Authorization: "Bearer " + key } });

      """
    #expect(
      Self.seen(text, at: "src/app.ts", client: true) == [
        .medium(1, 16, "OpenAI"), .high(1, 53, "VITE_OPENAI_API_KEY"), .high(1, 74, "dangerouslyAllowBrowser"),
        .high(2, 62, "api.openai.com"),
      ])
  }

  // MARK: - Files not read

  @Test func binaryFileIsSkipped() {
    let text = "\u{0}\u{0}NEXT_PUBLIC_OPENAI_API_KEY dangerouslyAllowBrowser: true\n"
    #expect(Self.seen(text, at: "public/logo.bin", client: true).isEmpty)
  }

  @Test func fileOverTwoMegabytesIsSkipped() {
    let line = "const k = import.meta.env.VITE_OPENAI_API_KEY;\n"
    let text = String(repeating: line, count: 2 * 1024 * 1024 / line.utf8.count + 1)
    #expect(Self.seen(text, at: "dist/bundle.js").isEmpty)
    #expect(Self.seen(line, at: "dist/bundle.js").count == 1)
  }

  @Test func exposedProviderClassification() {
    #expect(ClientExposure.exposedProvider(rest: "OPENAI_API_KEY") == "OpenAI")
    #expect(ClientExposure.exposedProvider(rest: "AZURE_OPENAI_KEY") == "Azure OpenAI")
    #expect(ClientExposure.exposedProvider(rest: "GOOGLE_AI_API_KEY") == "Google AI")
    #expect(ClientExposure.exposedProvider(rest: "STRIPE_PUBLISHABLE_KEY") == nil)
    #expect(ClientExposure.exposedProvider(rest: "OPENAI_BASE_URL") == nil)
  }
}
