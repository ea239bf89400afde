import Foundation
import Testing

@testable import KeygateCore

/// The model names a project's files use: one test per language idiom and configuration format,
/// with exact positions and keys, and the things that must not count.
@Suite struct ModelReferencesTests {
  static let catalog: ModelCatalog = {
    do { return try ModelCatalog.builtin() } catch { fatalError("the built-in catalog does not load: \(error)") }
  }()

  static func find(_ text: String, _ path: String) -> [ModelReference] {
    ModelReferences.find(in: text, path: path, catalog: catalog)
  }

  static func ref(_ name: String, _ line: Int, _ column: Int, _ key: String?) -> ModelReference {
    ModelReference(name: name, line: line, column: column, key: key)
  }

  // MARK: Code

  @Test func pythonOpenAIClientAndAssignments() {
    let text = """
      from openai import OpenAI
      client = OpenAI()
      response = client.chat.completions.create(
          model="gpt-4o",
          messages=[{"role": "user", "content": "hi"}],
      )
      MODEL = "gpt-4o-mini"
      embedding_model: str = "text-embedding-3-small"
      llm = init_chat_model("claude-3-5-sonnet-latest", model_provider="anthropic")
      default = os.getenv("OPENAI_MODEL", "o3")
      """
    #expect(
      Self.find(text, "app/main.py") == [
        Self.ref("gpt-4o", 4, 12, "model"),
        Self.ref("gpt-4o-mini", 7, 10, "MODEL"),
        Self.ref("text-embedding-3-small", 8, 25, "embedding_model"),
        Self.ref("claude-3-5-sonnet-latest", 9, 24, "init_chat_model"),
        Self.ref("o3", 10, 38, nil),
      ])
  }

  @Test func pythonVariablesEnvironmentTemplatesAndCommentsAreNotReferences() {
    let text = """
      import os
      model = os.environ["OPENAI_MODEL"]
      model = os.getenv("OPENAI_MODEL")
      model = settings.model
      model = f"{prefix}-4o"
      # client.chat.completions.create(model="gpt-4o")
      model = ""
      if model == "my-model":
          pass
      User = apps.get_model("auth")
      DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql"}}
      \"\"\"Calls model="gpt-4o" in the docstring.\"\"\"
      """
    #expect(Self.find(text, "settings.py") == [])
  }

  @Test func javaScriptAndTypeScript() {
    let text = """
      import OpenAI from "openai";
      const defaultModel = 'gpt-4o';
      const completion = await client.chat.completions.create({
        model: "gpt-4o-mini",
        messages: [],
      });
      const model = process.env.OPENAI_MODEL ?? "o3-mini";
      const tmpl = `gpt-${v}`;
      const raw = `gpt-4.1`;
      // model: "gpt-4o"
      /* model: "o1",
         model: "o1-pro" */
      const a = 1; // "gpt-4o"
      """
    #expect(
      Self.find(text, "src/app.ts") == [
        Self.ref("gpt-4o", 2, 23, "defaultModel"),
        Self.ref("gpt-4o-mini", 4, 11, "model"),
        Self.ref("o3-mini", 7, 44, nil),
        Self.ref("gpt-4.1", 9, 14, "raw"),
      ])
    #expect(Self.find("const model = process.env.MODEL;\nconst m = `${model}`;\n", "a.mjs") == [])
  }

  @Test func goStructLiteralsAndConstants() {
    let text = """
      package main

      func main() {
      \treq := openai.ChatCompletionRequest{
      \t\tModel: "gpt-4o",
      \t}
      \tother := openai.ChatCompletionRequest{Model: openai.GPT4o}
      \tparams := openai.ChatCompletionNewParams{Model: openai.ChatModel("gpt-4.1-mini")}
      \tconst fallbackModel = "my-finetune"
      }
      """
    #expect(
      Self.find(text, "cmd/main.go") == [
        Self.ref("gpt-4o", 5, 11, "Model"),
        Self.ref("gpt-4.1-mini", 8, 68, "Model"),
        Self.ref("my-finetune", 9, 25, "fallbackModel"),
      ])
  }

  @Test func javaBuilders() {
    let text = """
      ChatCompletionCreateParams params = ChatCompletionCreateParams.builder()
          .model("gpt-4o")
          .model(ChatModel.GPT_4O)
          .build();
      OpenAiChatModel m = OpenAiChatModel.builder().modelName("gpt-4o-mini").build();
      private static final String MODEL = "o4-mini";
      """
    #expect(
      Self.find(text, "src/main/java/App.java") == [
        Self.ref("gpt-4o", 2, 13, "model"),
        Self.ref("gpt-4o-mini", 5, 58, "modelName"),
        Self.ref("o4-mini", 6, 38, "MODEL"),
      ])
  }

  @Test func kotlinNamedArgumentsAndLists() {
    let text = """
      val request = ChatCompletionRequest(
          model = ModelId("gpt-4o"),
          messages = listOf()
      )
      val models = listOf("gpt-4o-mini", "acme-custom")
      """
    #expect(
      Self.find(text, "App.kt") == [
        Self.ref("gpt-4o", 2, 22, "model"),
        Self.ref("gpt-4o-mini", 5, 22, "models"),
        Self.ref("acme-custom", 5, 37, "models"),
      ])
  }

  @Test func cSharpClients() {
    let text = """
      ChatClient client = new(model: "gpt-4o", apiKey: key);
      var other = new ChatClient("gpt-4o-mini", key);
      var chat = azureClient.GetChatClient("my-deployment");
      var options = new ChatCompletionOptions { Model = "o1" };
      """
    #expect(
      Self.find(text, "Program.cs") == [
        Self.ref("gpt-4o", 1, 33, "model"),
        Self.ref("gpt-4o-mini", 2, 29, "ChatClient"),
        Self.ref("my-deployment", 3, 39, "GetChatClient"),
        Self.ref("o1", 4, 52, "Model"),
      ])
  }

  @Test func rubyHashesAndKeywordArguments() {
    let text = """
      response = client.chat(
        parameters: {
          model: "gpt-4o", # the default
          messages: [{ role: "user", content: "Hello!" }]
        }
      )
      client.completions(model: 'gpt-3.5-turbo-instruct')
      # client.chat(parameters: { model: "o1" })
      """
    #expect(
      Self.find(text, "lib/chat.rb") == [
        Self.ref("gpt-4o", 3, 13, "model"),
        Self.ref("gpt-3.5-turbo-instruct", 7, 28, "model"),
      ])
  }

  @Test func swiftArgumentsAndInit() {
    let text = """
      let query = ChatQuery(messages: [], model: "gpt-4o")
      let request = Request(model: .init("gpt-4o-mini"))
      let fallbackModel: String = "o3"
      """
    #expect(
      Self.find(text, "Sources/App/Chat.swift") == [
        Self.ref("gpt-4o", 1, 45, "model"),
        Self.ref("gpt-4o-mini", 2, 37, "model"),
        Self.ref("o3", 3, 30, "fallbackModel"),
      ])
  }

  @Test func phpArrays() {
    let text = """
      <?php
      $result = $client->chat()->create([
          'model' => 'gpt-4o',
          'messages' => [],
      ]);
      $model = 'gpt-4o-mini';
      # $model = 'o1';
      """
    #expect(
      Self.find(text, "src/chat.php") == [
        Self.ref("gpt-4o", 3, 17, "model"),
        Self.ref("gpt-4o-mini", 6, 11, "$model"),
      ])
  }

  @Test func columnsCountCharacters() {
    #expect(Self.find("x = \"é\"; model = \"gpt-4o\"\n", "a.py") == [Self.ref("gpt-4o", 1, 19, "model")])
    #expect(Self.find("x = \"👩‍💻\"; model = \"gpt-4o\"\n", "a.py") == [Self.ref("gpt-4o", 1, 19, "model")])
  }

  @Test func quotedCatalogNamesInDictionariesAndLists() {
    let text = """
      CHOICES = {
          "fast": "gpt-4o-mini",
          "smart": "o3",
      }
      OPTIONS = ["gpt-4.1", "not-a-model", "claude-sonnet-4-20250514"]
      """
    #expect(
      Self.find(text, "choices.py") == [
        Self.ref("gpt-4o-mini", 2, 14, "fast"),
        Self.ref("o3", 3, 15, "smart"),
        Self.ref("gpt-4.1", 5, 13, nil),
        Self.ref("claude-sonnet-4-20250514", 5, 39, nil),
      ])
  }

  @Test func weakKeysNeedACatalogName() {
    let text = """
      openai.Completion.create(engine="davinci-002", prompt="hi")
      DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3"}}
      deployment = "production"
      """
    #expect(Self.find(text, "legacy.py") == [Self.ref("davinci-002", 1, 34, "engine")])
  }

  // MARK: Configuration files

  @Test func yaml() {
    let text = """
      # model: gpt-4-commented
      llm:
        model: gpt-4o
        fallback_model: "gpt-4o-mini"   # cheaper
        models: [o3-mini, 'acme-large']
        embedding:
          engine: text-embedding-3-small
          engine_name: foo
        allowed:
          - models:
              - gpt-4.1
              - "gpt-4.1-nano"
        deployment: production
        api_model: ${MODEL}
        helm_model: {{ .Values.model }}
        fast: "o4-mini"
        chat_model: &m gpt-5
      services:
        app:
          environment:
            - OPENAI_MODEL=gpt-5-mini
      """
    #expect(
      Self.find(text, "config/llm.yaml") == [
        Self.ref("gpt-4o", 3, 10, "model"),
        Self.ref("gpt-4o-mini", 4, 20, "fallback_model"),
        Self.ref("o3-mini", 5, 12, "models"),
        Self.ref("acme-large", 5, 22, "models"),
        Self.ref("text-embedding-3-small", 7, 13, "engine"),
        Self.ref("gpt-4.1", 11, 11, "models"),
        Self.ref("gpt-4.1-nano", 12, 12, "models"),
        Self.ref("o4-mini", 16, 10, "fast"),
        Self.ref("gpt-5", 17, 18, "chat_model"),
        Self.ref("gpt-5-mini", 21, 22, "OPENAI_MODEL"),
      ])
  }

  @Test func yamlBlockListEndsAtTheNextKey() {
    let text = "models:\n- acme-a\n- acme-b\nnames:\n- acme-c\n"
    #expect(
      Self.find(text, "m.yml") == [Self.ref("acme-a", 2, 3, "models"), Self.ref("acme-b", 3, 3, "models")])
  }

  @Test func json() {
    let text = """
      {
        "model": "gpt-4o",
        "models": [
          "o1",
          "acme-custom"
        ],
        "labels": {"fast": "gpt-4o-mini", "note": "x"},
        "deployment_name": "prod-chat",
        "choices": ["claude-3-5-haiku-latest"],
        "aliases": {"models": {"cheap": "acme-x"}}
      }
      """
    #expect(
      Self.find(text, "config/settings.json") == [
        Self.ref("gpt-4o", 2, 13, "model"),
        Self.ref("o1", 4, 6, "models"),
        Self.ref("acme-custom", 5, 6, "models"),
        Self.ref("gpt-4o-mini", 7, 23, "fast"),
        Self.ref("prod-chat", 8, 23, "deployment_name"),
        Self.ref("claude-3-5-haiku-latest", 9, 16, nil),
      ])
  }

  @Test func toml() {
    let text = """
      [llm]
      model = "gpt-4o"
      default-model = 'o3'
      models = ["gpt-4.1-mini", "acme-x"]
      # model = "gpt-4"
      [llm.azure]
      deployment_name = "chat-prod"
      """
    #expect(
      Self.find(text, "pyproject.toml") == [
        Self.ref("gpt-4o", 2, 10, "model"),
        Self.ref("o3", 3, 18, "default-model"),
        Self.ref("gpt-4.1-mini", 4, 12, "models"),
        Self.ref("acme-x", 4, 28, "models"),
        Self.ref("chat-prod", 7, 20, "deployment_name"),
      ])
  }

  @Test func envFiles() {
    let text = """
      # OPENAI_MODEL=gpt-4
      OPENAI_MODEL=gpt-4o-mini
      export EMBEDDING_MODEL="text-embedding-3-large"
      AZURE_OPENAI_DEPLOYMENT=chat-prod
      CHAT_MODEL=${DEFAULT_MODEL}
      OTHER_MODEL=$DEFAULT
      FAST=gpt-4o-mini
      OPENAI_API_KEY=
      """
    let expected = [
      Self.ref("gpt-4o-mini", 2, 14, "OPENAI_MODEL"),
      Self.ref("text-embedding-3-large", 3, 25, "EMBEDDING_MODEL"),
      Self.ref("chat-prod", 4, 25, "AZURE_OPENAI_DEPLOYMENT"),
    ]
    #expect(Self.find(text, ".env") == expected)
    #expect(Self.find(text, "deploy/.env.production") == expected)
    #expect(Self.find(text, "deploy/app.env") == expected)
  }

  @Test func iniAndProperties() {
    #expect(
      Self.find("[openai]\n; model = gpt-4\nmodel = gpt-4o\nname = o1\n", "settings.ini") == [
        Self.ref("gpt-4o", 3, 9, "model")
      ])
    #expect(
      Self.find("# model=o1\nspring.ai.openai.chat.options.model=gpt-4o-mini\n", "application.properties") == [
        Self.ref("gpt-4o-mini", 2, 37, "spring.ai.openai.chat.options.model")
      ])
  }

  // MARK: Other files

  @Test func otherTextFilesOnlyQuotedCatalogNames() {
    let text = """
      #!/bin/sh
      # uses "gpt-4o"
      python run.py --model "gpt-4o-mini" --fallback gpt-4o --name "acme"
      """
    #expect(Self.find(text, "scripts/run.sh") == [Self.ref("gpt-4o-mini", 3, 24, nil)])
  }

  @Test func markdownAndTextProseIsSkipped() {
    let text = "Use gpt-4o, or \"gpt-4o-mini\" when cost matters.\n\n```python\nmodel = \"o1\"\n```\n"
    #expect(Self.find(text, "README.md") == [])
    #expect(Self.find(text, "docs/notes.txt") == [])
    #expect(Self.find(text, "docs/guide.rst") == [])
  }

  @Test func binaryAndHugeFilesAreSkipped() {
    #expect(Self.find("model = \"gpt-4o\"\n\u{0}\u{1}\u{2}", "model.py") == [])
    let huge = "model = \"gpt-4o\"\n" + String(repeating: "x", count: ModelReferences.maximumFileSize)
    #expect(Self.find(huge, "big.py") == [])
    #expect(Self.find("model = \"gpt-4o\"\n", "small.py") == [Self.ref("gpt-4o", 1, 10, "model")])
  }

  @Test func oneReferencePerPositionKeyedWins() {
    // The YAML key rule and the quoted-name rule both see "gpt-4o": one reference, with its key.
    #expect(Self.find("model: \"gpt-4o\"\n", "a.yaml") == [Self.ref("gpt-4o", 1, 9, "model")])
  }

  @Test func crlfLineEndings() {
    #expect(
      Self.find("a: 1\r\nmodel: gpt-4o\r\nOPENAI_MODEL: 'o1'\r\n", "a.yml") == [
        Self.ref("gpt-4o", 2, 8, "model"), Self.ref("o1", 3, 16, "OPENAI_MODEL"),
      ])
  }
}
