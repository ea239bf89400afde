import KeygateTestSupport
import Testing

@testable import KeygateCore

/// `policy.hardcoded-key`: a literal assigned to a key variable or parameter, whatever the literal
/// looks like; placeholders and references are not; committed `.env` files are a warning.
@Suite struct HardcodedKeysTests {
  /// An obviously fake value, built from parts: matches no key format, and is not a placeholder.
  static let fake = "abc" + "def" + "123" + "ghi" + "456" + "jkl789"
  /// A real-looking OpenAI key, built at run time.
  static let openAI = TestKeys.openAIProject(seed: 41)

  struct Seen: Equatable, CustomStringConvertible {
    let level: PolicyViolation.Level
    let severity: Severity
    let line: Int
    let column: Int
    let subject: String?

    var description: String { "\(level)/\(severity) \(line):\(column) \(subject ?? "-")" }

    static func error(_ line: Int, _ column: Int, _ subject: String) -> Seen {
      Seen(level: .error, severity: .high, line: line, column: column, subject: subject)
    }
  }

  /// The violations in `text` at `path`, checking what every violation must hold: the rule id,
  /// the path, and a message without the literal.
  static func seen(_ text: String, at path: String, literals: [String] = [fake, openAI]) -> [Seen] {
    let violations = HardcodedKeys.violations(in: text, path: path)
    for violation in violations {
      #expect(violation.ruleID == PolicyRule.hardcodedKey)
      #expect(violation.path == path)
      for literal in literals {
        #expect(!violation.message.contains(literal))
        #expect(!violation.message.contains(literal.prefix(8)))
      }
    }
    return violations.map {
      Seen(level: $0.level, severity: $0.severity, line: $0.line, column: $0.column, subject: $0.subject)
    }
  }

  // MARK: - Assignments to key variables

  @Test func pythonAssignment() {
    let text = "import os\nOPENAI_API_KEY = \"\(Self.fake)\"\n"
    #expect(Self.seen(text, at: "app/settings.py") == [.error(2, 19, "OPENAI_API_KEY")])
  }

  @Test func messageNamesTheVariableTheLengthAndTheFix() throws {
    let text = "OPENAI_API_KEY = \"\(Self.fake)\"\n"
    let violation = try #require(HardcodedKeys.violations(in: text, path: "app/settings.py").first)
    #expect(violation.message.contains("`OPENAI_API_KEY`"))
    #expect(violation.message.contains("(\(Self.fake.count) characters)"))
    #expect(violation.message.contains("os.environ[\"OPENAI_API_KEY\"]"))
    #expect(!violation.message.contains(Self.fake))
  }

  @Test func aRealLookingKeyIsReportedTooAndNeverEchoed() throws {
    let text = "const OPENAI_API_KEY = '\(Self.openAI)';\n"
    #expect(Self.seen(text, at: "src/server/openai.ts") == [.error(1, 25, "OPENAI_API_KEY")])
    let violation = try #require(HardcodedKeys.violations(in: text, path: "src/server/openai.ts").first)
    #expect(violation.message.contains("process.env.OPENAI_API_KEY"))
    #expect(!violation.message.contains("sk-proj-"))
    #expect(!violation.message.contains(String(Self.openAI.suffix(4))))
  }

  @Test func shellExport() {
    let text = "#!/bin/sh\nexport OPENAI_API_KEY=\(Self.fake)\npython run.py\n"
    #expect(Self.seen(text, at: "scripts/deploy.sh") == [.error(2, 23, "OPENAI_API_KEY")])
  }

  @Test func shellCommandPrefixEndsAtTheBlank() {
    let text = "ANTHROPIC_API_KEY=\(Self.fake) python run.py\n"
    #expect(Self.seen(text, at: "run.sh") == [.error(1, 19, "ANTHROPIC_API_KEY")])
  }

  @Test func commandLineFlag() {
    let text = "keygate-demo --api-key=\(Self.fake) --verbose\n"
    #expect(Self.seen(text, at: "scripts/demo.sh") == [.error(1, 24, "api-key")])
  }

  @Test func dotEnvFileIsAWarningAndItsLiteralAnError() {
    let text = "# production\nOPENAI_API_KEY=\(Self.fake)\nDEBUG=false\n"
    #expect(
      Self.seen(text, at: "config/.env.production") == [
        Seen(level: .warning, severity: .medium, line: 1, column: 1, subject: ".env.production"),
        .error(2, 16, "OPENAI_API_KEY"),
      ])
  }

  @Test func dotEnvWarningMessage() throws {
    let violation = try #require(HardcodedKeys.violations(in: "DEBUG=1\n", path: ".env").first)
    #expect(violation.level == .warning)
    #expect(violation.subject == ".env")
    #expect(violation.message.contains(".env.example"))
    #expect(violation.message.contains("secret manager"))
  }

  @Test func dotEnvWithoutValuesIsNotAWarning() {
    #expect(Self.seen("# OPENAI_API_KEY=\nOPENAI_API_KEY=\nOTHER=\"\"\n\n", at: ".env").isEmpty)
    #expect(Self.seen("", at: ".env.local").isEmpty)
  }

  @Test(arguments: [".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults", ".env.local.example"])
  func dotEnvTemplatesAreNotAWarning(name: String) {
    #expect(Self.seen("OPENAI_API_KEY=your-openai-api-key\nDEBUG=1\n", at: "app/" + name).isEmpty)
  }

  @Test func aTemplateWithARealValueStillHasAHardcodedKey() {
    #expect(Self.seen("OPENAI_API_KEY=\(Self.fake)\n", at: ".env.example") == [.error(1, 16, "OPENAI_API_KEY")])
  }

  @Test func makefile() {
    let text = "OPENAI_API_KEY ?= \(Self.fake)\nAZURE_OPENAI_KEY := \(Self.fake)\n\nrun:\n\tpython app.py\n"
    #expect(Self.seen(text, at: "Makefile") == [.error(1, 19, "OPENAI_API_KEY"), .error(2, 21, "AZURE_OPENAI_KEY")])
  }

  @Test func dockerfileEnvAndArg() {
    let text = """
      FROM python:3.12
      ENV OPENAI_API_KEY=\(Self.fake) MODE=prod
      ARG ANTHROPIC_API_KEY="\(Self.fake)"
      ENV GROQ_API_KEY \(Self.fake)
      ENV SAFE_API_KEY=${SAFE_API_KEY}

      """
    #expect(
      Self.seen(text, at: "deploy/Dockerfile") == [
        .error(2, 20, "OPENAI_API_KEY"), .error(3, 24, "ANTHROPIC_API_KEY"), .error(4, 18, "GROQ_API_KEY"),
      ])
  }

  @Test func dockerComposeEnvironment() {
    let text = """
      services:
        app:
          environment:
            OPENAI_API_KEY: \(Self.fake)
            - ANTHROPIC_API_KEY=\(Self.fake)
            SAFE_API_KEY: ${SAFE_API_KEY}

      """
    #expect(
      Self.seen(text, at: "docker-compose.yml") == [
        .error(4, 23, "OPENAI_API_KEY"), .error(5, 27, "ANTHROPIC_API_KEY"),
      ])
  }

  @Test func gitLabCIVariablesShortAndExpanded() {
    let text = """
      variables:
        OPENAI_API_KEY: "\(Self.fake)"
        ANTHROPIC_API_KEY:
          description: the key
          value: '\(Self.fake)'
        MISTRAL_API_KEY:
          value: $MISTRAL_API_KEY
      test:
        script: [pytest]

      """
    #expect(
      Self.seen(text, at: ".gitlab-ci.yml") == [.error(2, 20, "OPENAI_API_KEY"), .error(5, 13, "ANTHROPIC_API_KEY")])
  }

  @Test func kubernetesNameValuePairs() {
    let text = """
      env:
        - name: OPENAI_API_KEY
          value: "\(Self.fake)"
        - name: ANTHROPIC_API_KEY
          valueFrom:
            secretKeyRef:
              name: ai-keys
              key: anthropic
        - name: LOG_LEVEL
          value: "\(Self.fake)"

      """
    #expect(Self.seen(text, at: "k8s/deployment.yaml") == [.error(3, 13, "OPENAI_API_KEY")])
  }

  @Test func json() {
    let text = "{\n  \"OPENAI_API_KEY\": \"\(Self.fake)\",\n  \"apiKey\": null\n}\n"
    #expect(Self.seen(text, at: "config/settings.json") == [.error(2, 22, "OPENAI_API_KEY")])
  }

  @Test func iniAndProperties() {
    let text = "[openai]\napi_key = \(Self.fake)\nspring.ai.openai.api-key=\(Self.fake)\n"
    #expect(Self.seen(text, at: "app.ini") == [.error(2, 11, "api_key"), .error(3, 26, "api-key")])
  }

  @Test func environmentVariableSetInCode() {
    let text = "os.environ[\"OPENAI_API_KEY\"] = \"\(Self.fake)\"\nENV['ANTHROPIC_API_KEY'] = '\(Self.fake)'\n"
    #expect(
      Self.seen(text, at: "setup.py") == [.error(1, 33, "OPENAI_API_KEY"), .error(2, 29, "ANTHROPIC_API_KEY")])
  }

  @Test func keyNameShapes() {
    let text = """
      openaiApiKey = "\(Self.fake)"
      HF_TOKEN = "\(Self.fake)"
      STRIPE_SECRET_KEY = "\(Self.fake)"
      REPLICATE_API_TOKEN = "\(Self.fake)"
      ANTHROPIC_KEY = "\(Self.fake)"
      headers = {"x-api-key": "\(Self.fake)"}

      """
    #expect(
      Self.seen(text, at: "keys.py") == [
        .error(1, 17, "openaiApiKey"), .error(2, 13, "HF_TOKEN"), .error(3, 22, "STRIPE_SECRET_KEY"),
        .error(4, 24, "REPLICATE_API_TOKEN"), .error(5, 18, "ANTHROPIC_KEY"), .error(6, 26, "x-api-key"),
      ])
  }

  // MARK: - Client constructors and calls

  @Test func pythonClientConstructors() {
    let text = """
      from openai import OpenAI
      client = OpenAI(api_key="\(Self.fake)")
      claude = anthropic.Anthropic(
          api_key='\(Self.fake)',
      )
      openai.api_key = "\(Self.fake)"
      genai.configure(api_key=f"\(Self.fake)")

      """
    #expect(
      Self.seen(text, at: "bot.py") == [
        .error(2, 26, "api_key"), .error(4, 14, "api_key"), .error(6, 19, "api_key"), .error(7, 27, "api_key"),
      ])
  }

  @Test func javaScriptClientConstructor() {
    let text = "const client = new OpenAI({ apiKey: \"\(Self.fake)\" });\nconst other = { apiKey: `\(Self.fake)` };\n"
    #expect(Self.seen(text, at: "server/ai.mjs") == [.error(1, 38, "apiKey"), .error(2, 26, "apiKey")])
  }

  @Test func goOption() {
    let text = "client := openai.NewClient(option.WithAPIKey(\"\(Self.fake)\"))\n"
    #expect(Self.seen(text, at: "main.go") == [.error(1, 47, "WithAPIKey")])
  }

  @Test func goDeclarations() {
    let text = "const openAIKey = \"\(Self.fake)\"\nvar apiKey string = \"\(Self.fake)\"\napiKey := \"\(Self.fake)\"\n"
    #expect(
      Self.seen(text, at: "keys.go") == [.error(1, 20, "openAIKey"), .error(2, 22, "apiKey"), .error(3, 12, "apiKey")])
  }

  @Test func cSharpClientAndCredential() {
    let text = """
      var client = new OpenAIClient("\(Self.fake)");
      var credential = new ApiKeyCredential("\(Self.fake)");
      var azure = new OpenAIClient(new Uri(endpoint), new AzureKeyCredential("\(Self.fake)"));
      var safe = new ApiKeyCredential(Environment.GetEnvironmentVariable("OPENAI_API_KEY"));

      """
    #expect(
      Self.seen(text, at: "Program.cs") == [
        .error(1, 32, "OpenAIClient"), .error(2, 40, "ApiKeyCredential"), .error(3, 73, "AzureKeyCredential"),
      ])
  }

  @Test func javaBuilder() {
    let text = "OpenAIClient client = OpenAIOkHttpClient.builder()\n    .apiKey(\"\(Self.fake)\")\n    .build();\n"
    #expect(Self.seen(text, at: "src/Main.java") == [.error(2, 14, "apiKey")])
  }

  @Test func rubyClient() {
    let text = "client = OpenAI::Client.new(\n  access_token: \"\(Self.fake)\"\n)\n"
    #expect(Self.seen(text, at: "app/ai.rb") == [.error(2, 18, "access_token")])
  }

  @Test func accessTokenWithoutAClientIsNotAKey() {
    #expect(Self.seen("access_token = \"\(Self.fake)\"\n", at: "oauth.rb").isEmpty)
  }

  @Test func swiftClient() {
    let text = "let openAI = OpenAI(apiToken: \"\(Self.fake)\")\nlet apiKey: String = \"\(Self.fake)\"\n"
    #expect(Self.seen(text, at: "Sources/App/AI.swift") == [.error(1, 32, "apiToken"), .error(2, 23, "apiKey")])
  }

  @Test func kotlinClient() {
    let text = "val openAI = OpenAI(\n    token = \"\(Self.fake)\",\n)\n"
    #expect(Self.seen(text, at: "App.kt") == [.error(2, 14, "token")])
  }

  @Test func typeAnnotations() {
    let text = "api_key: str = \"\(Self.fake)\"\n"
    #expect(Self.seen(text, at: "config.py") == [.error(1, 17, "api_key")])
    let ts = "const apiKey: string = \"\(Self.fake)\";\n"
    #expect(Self.seen(ts, at: "config.ts") == [.error(1, 25, "apiKey")])
  }

  @Test func commentedOutAssignmentIsStillInTheFile() {
    let text = "# OPENAI_API_KEY = \"\(Self.fake)\"\n"
    #expect(Self.seen(text, at: "app.py") == [.error(1, 21, "OPENAI_API_KEY")])
  }

  // MARK: - Columns

  @Test func columnCountsCharactersNotBytes() {
    let text = "name = \"café\"; OPENAI_API_KEY = \"\(Self.fake)\"\n"
    #expect(Self.seen(text, at: "app.py") == [.error(1, 34, "OPENAI_API_KEY")])
  }

  @Test func crlfLines() {
    let text = "A=1\r\nOPENAI_API_KEY=\(Self.fake)\r\n"
    #expect(Self.seen(text, at: "deploy.sh") == [.error(2, 16, "OPENAI_API_KEY")])
  }

  @Test func severalOnOneLine() {
    let text = "{ apiKey: '\(Self.fake)', anthropicApiKey: '\(Self.fake)' }\n"
    #expect(Self.seen(text, at: "keys.js") == [.error(1, 12, "apiKey"), .error(1, 54, "anthropicApiKey")])
  }

  // MARK: - Placeholders, references, expressions

  static let placeholders = [
    "", "your-api-key", "<your key>", "<OPENAI_API_KEY>", "[your key]", "YOUR_OPENAI_API_KEY", "xxxxxxxxxxxxxxxx",
    "XXXX-XXXX-XXXX", "************", "changeme", "sk-...", "sk-xxxx", "sk-proj-xxxxxxxxxxxx", "sk-your-key-here",
    "REPLACE_ME", "TODO", "dummy", "example", "test", "fake", "none", "null", "test-key-123", "dummy-api-key-value",
    "my-example-key-1", "fake_openai_key", "placeholder-value", "insert-key-here", "short",
  ]

  @Test(arguments: placeholders)
  func placeholdersAreNotKeys(value: String) {
    #expect(Self.seen("OPENAI_API_KEY=\(value)\n", at: ".env.local").filter { $0.level == .error }.isEmpty)
    #expect(Self.seen("OPENAI_API_KEY = \"\(value)\"\n", at: "app.py").isEmpty)
    #expect(Self.seen("OPENAI_API_KEY: '\(value)'\n", at: "ci.yml").isEmpty)
  }

  static let references = [
    "${OPENAI_API_KEY}", "$OPENAI_API_KEY", "$(cat /run/secrets/openai)", "%OPENAI_API_KEY%", "{{ .Values.openaiKey }}",
    "{{resolve:secretsmanager:openai}}", "vault:secret/data/openai#key", "secretRef:openai-key", "secretKeyRef:openai",
    "valueFrom:secret", "env(OPENAI_API_KEY)", "os.environ['OPENAI_API_KEY']", "os.getenv('OPENAI_API_KEY')",
    "process.env.OPENAI_API_KEY", "ENV['OPENAI_API_KEY']", "System.getenv('OPENAI_API_KEY')",
    "Environment.GetEnvironmentVariable('OPENAI_API_KEY')", "ProcessInfo.processInfo.environment['OPENAI_API_KEY']",
    "!Ref OpenAIKeyParameter", "aws-secretsmanager:prod/openai",
    "arn:aws:secretsmanager:eu-west-1:123456789012:secret:openai",
    "op://Engineering/OpenAI/credential", "sm://projects/acme/secrets/openai", "gcp-secret:openai-key",
    "azurekv:acme-vault/openai", "@Microsoft.KeyVault(SecretUri=https://acme.vault.azure.net/secrets/openai)",
    "/run/secrets/openai_api_key", "OPENAI_API_KEY_PROD",
  ]

  @Test(arguments: references)
  func referencesAreNotLiterals(value: String) {
    #expect(Self.seen("OPENAI_API_KEY=\(value)\n", at: "deploy.sh").isEmpty)
    #expect(Self.seen("OPENAI_API_KEY: \(value)\n", at: ".gitlab-ci.yml").isEmpty)
    #expect(Self.seen("OPENAI_API_KEY: \"\(value)\"\n", at: ".gitlab-ci.yml").isEmpty)
    #expect(Self.seen("OPENAI_API_KEY=\(value)\n", at: ".env").filter { $0.level == .error }.isEmpty)
  }

  @Test func referencesInCode() {
    let text = """
      client = OpenAI(api_key=os.environ["OPENAI_API_KEY"])
      key = os.getenv("OPENAI_API_KEY")
      api_key = key
      client = OpenAI(api_key=key)
      const c = new OpenAI({ apiKey: process.env.OPENAI_API_KEY });
      const d = { apiKey: key, other: 1 };
      const e = { apiKey: `${process.env.OPENAI_API_KEY}` };
      url = f"{api_key}"
      api_key = f"{prefix}{suffix}-and-more"
      if api_key == "\(Self.fake)":
      if api_key != "\(Self.fake)":
      var apiKey = System.getenv("OPENAI_API_KEY");
      options.WithAPIKey(os.Getenv("OPENAI_API_KEY"))
      let apiKey = ProcessInfo.processInfo.environment["OPENAI_API_KEY"]
      token = ENV.fetch("OPENAI_API_KEY")
      apiKey("OPENAI_API_KEY")
      getApiKey("\(Self.fake)")

      """
    #expect(Self.seen(text, at: "mixed.py").isEmpty)
    #expect(Self.seen(text, at: "mixed.ts").isEmpty)
  }

  @Test func kubernetesSecretReference() {
    let text = """
      env:
        - name: OPENAI_API_KEY
          valueFrom:
            secretKeyRef:
              name: openai
              key: api-key

      """
    #expect(Self.seen(text, at: "deploy.yaml").isEmpty)
  }

  @Test func proseIsNotAValue() {
    let text = "OPENAI_API_KEY: the key from the OpenAI dashboard\n- `OPENAI_API_KEY`: required, set it in CI\n"
    #expect(Self.seen(text, at: "docs/config.yml").isEmpty)
    #expect(Self.seen(text, at: "README.md").isEmpty)
  }

  // MARK: - Scope

  @Test func passwordsAndOtherSecretsAreOutOfScope() {
    let text = """
      DB_PASSWORD=\(Self.fake)
      PASSWORD = "\(Self.fake)"
      SECRET_KEY = "\(Self.fake)"
      SESSION_TOKEN = "\(Self.fake)"
      max_tokens = 4096
      NEXT_PUBLIC_STRIPE_PUBLISHABLE_KEY=\(Self.fake)
      VITE_SUPABASE_ANON_KEY=\(Self.fake)
      OPENAI_PUBLIC_KEY=\(Self.fake)
      API_KEY_HEADER=\(Self.fake)

      """
    #expect(Self.seen(text, at: "settings.conf").isEmpty)
  }

  @Test func fileWithoutKeyWordsIsSkipped() {
    #expect(Self.seen("print('hello')\nx = \"\(Self.fake)\"\n", at: "hello.py").isEmpty)
  }

  @Test func binaryFileIsSkipped() {
    let text = "\u{0}\u{1}PNG OPENAI_API_KEY=\(Self.fake)\n"
    #expect(Self.seen(text, at: "image.png").isEmpty)
    #expect(Self.seen(text, at: ".env").isEmpty)
  }

  @Test func fileOverTwoMegabytesIsSkipped() {
    let line = "OPENAI_API_KEY = \"\(Self.fake)\"\n"
    let text = String(repeating: line, count: 2 * 1024 * 1024 / line.utf8.count + 1)
    #expect(text.utf8.count > 2 * 1024 * 1024)
    #expect(Self.seen(text, at: "big.py").isEmpty)
    #expect(Self.seen(line, at: "big.py").count == 1)
  }

  @Test func placeholderAndReferenceClassification() {
    #expect(HardcodedKeys.isKeyLiteral(Self.fake))
    #expect(HardcodedKeys.isKeyLiteral(Self.openAI))
    #expect(HardcodedKeys.isKeyLiteral(TestKeys.openAILegacy(seed: 9)))
    #expect(!HardcodedKeys.isKeyLiteral("sk-" + "proj-" + String(repeating: "x", count: 40)))
    #expect(!HardcodedKeys.isKeyLiteral("two words"))
    #expect(!HardcodedKeys.isKeyLiteral("{prefix}\(Self.fake)", interpolating: true))
    #expect(HardcodedKeys.isKeyLiteral("{prefix}\(Self.fake)", interpolating: false))
  }
}
