import Foundation
import KeygateRegex
import Testing

@testable import KeygateCore

/// The built-in rules as shipped: valid for both engines, broad, and true to their own examples.
@Suite struct BuiltinRulesTests {
  /// The built-ins, validated the way a user's rule file is (Hyperscan asked rule by rule).
  static func strictlyLoaded() throws -> RuleSet {
    let files = EmbeddedPolicies.files.filter { $0.path.hasPrefix("policies/rules/") }
    return try RuleSet.load(files.map { (path: $0.path, contents: $0.contents) }, strictValidation: true)
  }

  @Test func everyRuleCompilesInHyperscanAndPCRE2() throws {
    let rules = try Self.strictlyLoaded()
    let compiled = try CompiledRules(rules)
    #expect(compiled.rules.count == rules.rules.count)
  }

  /// Formats that no one provider issues: there is no key-management page to link.
  static let providerless: Set<String> = [
    "private-key", "jwt", "database-url", "url-credentials", "http-auth", "generic",
  ]

  @Test func thereAreAtLeastTwoHundredRules() throws {
    #expect(try RuleSet.builtin().rules.count >= 200)
  }

  /// `keygate rules test` for the built-ins: every example found, every negative example not.
  @Test func everyExampleAndNegativeExamplePassesTheWholePipeline() throws {
    let outcome = try RuleExampleTest(rules: CompiledRules(RuleSet.builtin())).run()
    #expect(outcome.failures.isEmpty, Comment(rawValue: outcome.failures.map(\.description).joined(separator: "\n")))
    #expect(outcome.examplesRun >= 3 * outcome.rulesTested)
  }

  @Test func everyRuleNamesItsSourcesAndWhatToDo() throws {
    for rule in try RuleSet.builtin().rules {
      #expect(!rule.references.isEmpty, "\(rule.id) has no references")
      #expect(rule.references.allSatisfy { $0.hasPrefix("https://") }, "\(rule.id): references must be https URLs")
      if !Self.providerless.contains(rule.provider) {
        #expect(rule.remediation.contains("https://"), "\(rule.id): remediation should link the key-management page")
      }
      #expect(rule.examples.count >= 2 && !rule.negativeExamples.isEmpty, "\(rule.id)")
    }
  }

  /// The providers teams run on, LLM providers first; each must have at least one rule.
  @Test(arguments: [
    "openai", "anthropic", "google", "gcp", "huggingface", "groq", "mistral", "cohere", "replicate",
    "perplexity", "xai", "openrouter", "deepseek", "together", "fireworks", "langsmith", "pinecone", "wandb",
    "elevenlabs", "assemblyai", "deepgram", "stability", "aws", "azure", "github", "gitlab", "bitbucket", "atlassian",
    "slack", "discord", "telegram", "microsoft-teams", "stripe", "paypal", "braintree", "square", "twilio", "sendgrid",
    "mailgun", "mailchimp", "shopify", "npm", "pypi", "rubygems", "nuget", "docker", "heroku", "digitalocean",
    "cloudflare", "vercel", "netlify", "fastly", "datadog", "newrelic", "sentry", "grafana", "pagerduty", "okta",
    "auth0", "firebase", "supabase", "mongodb", "databricks", "snowflake", "hashicorp", "jwt", "private-key",
    "database-url", "url-credentials", "generic",
  ])
  func providerIsCovered(provider: String) throws {
    let providers = Set(try RuleSet.builtin().rules.map(\.provider))
    #expect(providers.contains(provider), "no built-in rule for \(provider)")
  }

  /// Key forms the issue names explicitly, by rule id.
  @Test(arguments: [
    "openai-project-key", "openai-service-account-key", "openai-admin-key", "openai-user-key", "anthropic-api-key",
    "anthropic-admin-key", "azure-openai-api-key", "google-gemini-api-key", "gcp-service-account-private-key",
    "huggingface-access-token", "huggingface-org-token", "aws-access-key-id", "aws-secret-access-key",
    "aws-session-token", "azure-storage-account-key", "azure-sas-token", "azure-entra-client-secret",
    "gitlab-runner-authentication-token", "gitlab-deploy-token", "gitlab-feed-token", "gitlab-pipeline-trigger-token",
    "slack-incoming-webhook", "private-key-openssh", "private-key-pgp", "private-key-putty",
    "generic-secret-assignment",
  ])
  func ruleExists(id: String) throws {
    #expect(try RuleSet.builtin().rules.contains { $0.id == id })
  }

  /// Rules that could fire on every `token = "…"` must carry their guards.
  @Test func lowConfidenceRulesAreGuarded() throws {
    for rule in try RuleSet.builtin().rules where rule.confidence == .low {
      #expect(
        rule.minEntropy != nil || rule.context != nil || !rule.keywords.isEmpty,
        "\(rule.id) is low-confidence without entropy, context or keywords")
    }
  }
}
