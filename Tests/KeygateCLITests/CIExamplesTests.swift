import Foundation
import KeygateTestSupport
import Testing
import Yams

/// The CI examples users copy: every GitLab CI file uses only keywords GitLab documents, in the
/// places GitLab accepts them; the GitHub workflow only keys GitHub documents; and every keygate
/// command line in them, and in the README's snippets, parses with the real binary
/// (`KEYGATE_CHECK_COMMAND_LINE=1`: parsed and validated, nothing run).
@Suite struct CIExamplesTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardized.path

  /// YAML with every scalar a string, as GitLab and GitHub read keys (`on:` stays "on").
  static func load(_ relative: String) throws -> [String: Any] {
    let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    return try #require(try Yams.load(yaml: text, .basic) as? [String: Any], "\(relative) is not a mapping")
  }

  static func files(in folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: root + "/" + folder)
      .filter { $0.hasSuffix(".yml") || $0.hasSuffix(".yaml") }.sorted().map { folder + "/" + $0 }
  }

  /// Parses `arguments` with the real binary in check mode.
  static func expectParses(_ arguments: [String], from source: String) throws {
    let result = try KeygateBinary.run(arguments, environment: ["KEYGATE_CHECK_COMMAND_LINE": "1"])
    #expect(
      result.status == 0,
      "\(source): `keygate \(arguments.joined(separator: " "))` does not parse: \(result.stderr)")
    #expect(result.stdout.contains("the command line is valid"), "\(source): \(result.stdout)")
  }

  /// Check mode parses and validates, and touches nothing: no report file, no scan of a path
  /// that does not exist; a wrong command line is still the usage error (64).
  @Test func checkModeValidatesWithoutRunning() throws {
    let folder = try TemporaryGitRepository(initialise: false)
    let report = folder.path + "/report.json"
    let environment = ["KEYGATE_CHECK_COMMAND_LINE": "1"]
    let valid = try KeygateBinary.run(
      ["scan", folder.path + "/missing", "--format", "json", "--output", report], environment: environment)
    #expect(valid.status == 0)
    #expect(valid.stdout.contains("the command line is valid"))
    #expect(!FileManager.default.fileExists(atPath: report))

    let conflicting = try KeygateBinary.run(["scan", ".", "--ci", "--staged"], environment: environment)
    #expect(conflicting.status == 64)
    #expect(conflicting.stderr.contains("give one of them"))
    let unknownFormat = try KeygateBinary.run(["scan", "--report", "pdf=out.pdf"], environment: environment)
    #expect(unknownFormat.status == 64)
    let unknownCommand = try KeygateBinary.run(["scna", "."], environment: environment)
    #expect(unknownCommand.status == 64)
  }

  // MARK: - GitLab CI

  /// https://docs.gitlab.com/ci/yaml/ — global keywords, job keywords and the sub-keys the
  /// examples use.
  enum GitLab {
    static let globalKeywords: Set<String> = ["default", "include", "stages", "variables", "workflow"]
    static let jobKeywords: Set<String> = [
      "after_script", "allow_failure", "artifacts", "before_script", "cache", "coverage", "dast_configuration",
      "dependencies", "environment", "except", "extends", "hooks", "identity", "id_tokens", "image", "inherit",
      "interruptible", "manual_confirmation", "needs", "only", "pages", "parallel", "release", "resource_group",
      "retry", "rules", "run", "script", "secrets", "services", "stage", "tags", "timeout", "trigger", "variables",
      "when",
    ]
    static let subKeywords: [String: Set<String>] = [
      "artifacts": ["access", "exclude", "expire_in", "expose_as", "name", "paths", "public", "reports", "untracked", "when"],
      "artifacts:reports": [
        "accessibility", "annotations", "api_fuzzing", "browser_performance", "coverage_report", "codequality",
        "container_scanning", "coverage_fuzzing", "cyclonedx", "dast", "dependency_scanning", "dotenv", "junit",
        "load_performance", "metrics", "requirements", "repository_xray", "sast", "secret_detection", "terraform",
      ],
      "image": ["name", "entrypoint", "docker", "kubernetes", "pull_policy"],
      "rules": ["if", "changes", "exists", "when", "allow_failure", "needs", "variables", "interruptible"],
      "allow_failure": ["exit_codes"],
      "parallel": ["matrix"],
      "needs": ["job", "artifacts", "optional", "pipeline", "project", "ref", "parallel"],
      "include": ["local", "project", "file", "ref", "remote", "template", "component", "inputs", "rules", "integrity"],
    ]
    static let whenValues: Set<String> = ["on_success", "on_failure", "never", "always", "manual", "delayed"]
    static let artifactsWhenValues: Set<String> = ["on_success", "on_failure", "always"]
    static let defaultStages = [".pre", "build", "test", "deploy", ".post"]
    /// GitLab's predefined variables the examples use, with values of the shape GitLab gives.
    static let predefined: [String: String] = [
      "CI_JOB_ID": "4711", "CI_JOB_TOKEN": "job-token", "CI_SERVER_HOST": "gitlab.example.com",
      "CI_PIPELINE_SOURCE": "merge_request_event", "CI_COMMIT_BRANCH": "main", "CI_DEFAULT_BRANCH": "main",
      "CI_COMMIT_SHA": String(repeating: "a", count: 40), "CI_PROJECT_DIR": "/builds/group/project",
      "CI_REGISTRY_IMAGE": "registry.example.com/group/project", "CI_COMMIT_SHORT_SHA": "aaaaaaaa",
    ]
    /// This repository's path in the examples' `include: project:` entries.
    static let keygateProject = "security/keygate"
  }

  /// A GitLab CI file with the files it includes from keygate's project, jobs merged as GitLab
  /// merges them (an included job's keys, overridden key by key by the including file's).
  struct GitLabConfiguration {
    let file: String
    var variables: [String: String] = [:]
    var jobs: [String: [String: Any]] = [:]
    var stages: [String] = GitLab.defaultStages

    init(_ file: String) throws {
      self.file = file
      let document = try CIExamplesTests.load(file)
      for include in document["include"] as? [[String: Any]] ?? [] {
        let project = include["project"] as? String
        let path = try #require(include["file"] as? String ?? include["local"] as? String, "\(file): an include without a file")
        #expect(project == nil || project == GitLab.keygateProject, "\(file) includes \(project ?? "")")
        let included = try GitLabConfiguration(path)
        variables.merge(included.variables) { _, new in new }
        jobs.merge(included.jobs) { _, new in new }
      }
      variables.merge(document["variables"] as? [String: String] ?? [:]) { _, new in new }
      if let stages = document["stages"] as? [String] { self.stages = stages }
      for (name, value) in document where !GitLab.globalKeywords.contains(name) {
        let job = try #require(value as? [String: Any], "\(file): \(name) is neither a global keyword nor a job")
        jobs[name] = (jobs[name] ?? [:]).merging(job) { _, new in new }
      }
    }

    /// A job with its `extends` chain resolved.
    func resolved(_ name: String) throws -> [String: Any] {
      let job = try #require(jobs[name], "\(file): no job \(name)")
      guard let parent = job["extends"] as? String else { return job }
      return try resolved(parent).merging(job) { _, new in new }.filter { $0.key != "extends" }
    }
  }

  static var gitLabFiles: [String] { (try? files(in: "ci-examples/gitlab")) ?? [] }

  @Test func theGitLabExamplesAreThere() throws {
    #expect(
      Set(Self.gitLabFiles) == [
        "ci-examples/gitlab/keygate.gitlab-ci.yml", "ci-examples/gitlab/advisory-policy.gitlab-ci.yml",
        "ci-examples/gitlab/org-audit.gitlab-ci.yml", "ci-examples/gitlab/project.gitlab-ci.yml",
        "ci-examples/gitlab/build-artifacts.gitlab-ci.yml",
      ])
  }

  @Test(arguments: gitLabFiles) func gitLabFileUsesOnlyDocumentedKeywords(_ file: String) throws {
    let document = try Self.load(file)
    for include in document["include"] as? [[String: Any]] ?? [] {
      #expect(Set(include.keys).isSubset(of: GitLab.subKeywords["include"]!), "\(file): include \(include.keys)")
    }
    for (name, value) in document where !GitLab.globalKeywords.contains(name) {
      let job = try #require(value as? [String: Any])
      let unknown = Set(job.keys).subtracting(GitLab.jobKeywords)
      #expect(unknown.isEmpty, "\(file): job \(name) has keywords GitLab does not know: \(unknown.sorted())")
      try Self.checkSubKeywords(of: job, in: "\(file): \(name)")
    }
  }

  static func checkSubKeywords(of job: [String: Any], in place: String) throws {
    func expectKeys(_ value: Any?, _ keyword: String) {
      guard let map = value as? [String: Any] else { return }
      let unknown = Set(map.keys).subtracting(GitLab.subKeywords[keyword]!)
      #expect(unknown.isEmpty, "\(place): \(keyword) has keys GitLab does not know: \(unknown.sorted())")
    }
    let artifacts = job["artifacts"] as? [String: Any]
    expectKeys(artifacts, "artifacts")
    expectKeys(artifacts?["reports"], "artifacts:reports")
    if let when = artifacts?["when"] as? String { #expect(GitLab.artifactsWhenValues.contains(when), "\(place): artifacts:when \(when)") }
    expectKeys(job["image"], "image")
    expectKeys(job["allow_failure"], "allow_failure")
    expectKeys(job["parallel"], "parallel")
    if let exitCodes = (job["allow_failure"] as? [String: Any])?["exit_codes"] {
      let codes = (exitCodes as? [String]) ?? [exitCodes as? String].compactMap { $0 }
      #expect(!codes.isEmpty && codes.allSatisfy { Int($0) != nil }, "\(place): allow_failure:exit_codes")
      #expect(!codes.contains("2"), "\(place): exit 2 (keygate could not vouch for the scan) must fail the job")
    }
    for rule in job["rules"] as? [Any] ?? [] {
      let rule = try #require(rule as? [String: Any], "\(place): a rule is not a mapping")
      expectKeys(rule, "rules")
      if let when = rule["when"] as? String { #expect(GitLab.whenValues.contains(when), "\(place): rules:when \(when)") }
    }
    for need in job["needs"] as? [Any] ?? [] { expectKeys(need, "needs") }
    if let when = job["when"] as? String { #expect(GitLab.whenValues.contains(when), "\(place): when \(when)") }
    if let matrix = (job["parallel"] as? [String: Any])?["matrix"] {
      let entries = try #require(matrix as? [[String: Any]], "\(place): parallel:matrix is a list of mappings")
      #expect(!entries.isEmpty)
    }
  }

  /// Stages exist, `extends` and `needs` name jobs that exist, every job that runs has a script,
  /// and the `$VARIABLES` of `rules:if` are defined or GitLab's own.
  @Test(arguments: gitLabFiles) func gitLabJobsAreComplete(_ file: String) throws {
    let configuration = try GitLabConfiguration(file)
    for name in configuration.jobs.keys where !name.hasPrefix(".") {
      let job = try configuration.resolved(name)
      let stage = job["stage"] as? String ?? "test"
      #expect(configuration.stages.contains(stage), "\(file): job \(name) is in stage \(stage), not in \(configuration.stages)")
      #expect(job["script"] != nil, "\(file): job \(name) has no script")
      for need in job["needs"] as? [Any] ?? [] {
        let needed = (need as? String) ?? ((need as? [String: Any])?["job"] as? String) ?? ""
        #expect(configuration.jobs[needed] != nil, "\(file): job \(name) needs \(needed), which does not exist")
      }
      for rule in job["rules"] as? [[String: Any]] ?? [] {
        guard let condition = rule["if"] as? String else { continue }
        for variable in Self.variableNames(in: condition) {
          #expect(
            variable.hasPrefix("CI_") || configuration.variables[variable] != nil,
            "\(file): job \(name) tests $\(variable), which nothing defines")
        }
      }
    }
  }

  static func variableNames(in text: String) -> [String] {
    var names: [String] = []
    var rest = text[...]
    while let dollar = rest.firstIndex(of: "$") {
      rest = rest[rest.index(after: dollar)...]
      let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
      if !name.isEmpty { names.append(String(name)) }
    }
    return names
  }

  /// Every keygate command of every job's script, before_script and after_script parses, with
  /// the job's variables, the file's, the matrix's first values and GitLab's predefined ones.
  @Test(arguments: gitLabFiles) func gitLabKeygateCommandLinesParse(_ file: String) throws {
    let configuration = try GitLabConfiguration(file)
    var checked = 0
    for name in configuration.jobs.keys.sorted() where !name.hasPrefix(".") {
      let job = try configuration.resolved(name)
      var variables = GitLab.predefined.merging(configuration.variables) { _, new in new }
      variables.merge(job["variables"] as? [String: String] ?? [:]) { _, new in new }
      if let matrix = ((job["parallel"] as? [String: Any])?["matrix"] as? [[String: Any]])?.first {
        for (key, values) in matrix { variables[key] = (values as? [String])?.first ?? values as? String }
      }
      let shell = ShellCommandLines(variables: variables, isPredefined: { $0.hasPrefix("CI_") })
      for section in ["before_script", "script", "after_script"] {
        for line in job[section] as? [String] ?? [] {
          for arguments in try shell.keygateCommands(in: line) {
            try Self.expectParses(arguments, from: "\(file): \(name)")
            checked += 1
          }
        }
      }
    }
    if file.hasSuffix("project.gitlab-ci.yml") { return }  // only includes the template's commands
    #expect(checked > 0, "\(file) runs no keygate command")
  }

  /// What the template promises in its header, checked on the template itself.
  @Test func theTemplateGatesMergeRequestsPushesAndSchedules() throws {
    let template = try GitLabConfiguration("ci-examples/gitlab/keygate.gitlab-ci.yml")
    let scan = try template.resolved("keygate")
    let conditions = (scan["rules"] as? [[String: Any]] ?? []).compactMap { $0["if"] as? String }
    #expect(conditions.contains { $0.contains("merge_request_event") })
    #expect(conditions.contains { $0.contains("\"push\"") && $0.contains("$CI_DEFAULT_BRANCH") })
    #expect(conditions.contains { $0.contains("\"schedule\"") })
    let script = (scan["script"] as? [String] ?? []).joined(separator: " ")
    #expect(script.contains("keygate scan . --ci"))
    #expect(scan["allow_failure"] == nil, "findings must fail the pipeline")
    let reports = try #require((scan["artifacts"] as? [String: Any])?["reports"] as? [String: String])
    #expect(Set(reports.keys) == ["secret_detection", "codequality", "junit"])
    for (format, path) in [("gitlab", reports["secret_detection"]), ("codequality", reports["codequality"]), ("junit", reports["junit"])] {
      #expect(script.contains("--report \(format)=\(path ?? "-")"), "the scan must write \(format) where GitLab reads it")
    }
    #expect(script.contains("--report markdown=keygate.md"))
    #expect(((scan["artifacts"] as? [String: Any])?["paths"] as? [String])?.contains("keygate.md") == true)
    #expect((scan["image"] as? [String: Any])?["name"] as? String == "$KEYGATE_IMAGE")
    #expect((scan["variables"] as? [String: String])?["GIT_DEPTH"] == "0")

    let rotation = try template.resolved("keygate-rotation")
    #expect((rotation["script"] as? [String] ?? []).contains { $0.contains("keygate inventory . --due-within \"$KEYGATE_ROTATION_DAYS\"") })
    #expect(template.variables["KEYGATE_ROTATION_DAYS"] == "14")
    #expect((rotation["rules"] as? [[String: Any]] ?? []).contains { ($0["if"] as? String)?.contains("\"schedule\"") == true })

    let advisory = try GitLabConfiguration("ci-examples/gitlab/advisory-policy.gitlab-ci.yml")
    let policy = try advisory.resolved("keygate-policy")
    #expect((policy["allow_failure"] as? [String: Any])?["exit_codes"] as? [String] == ["1"])
    #expect((policy["script"] as? [String] ?? []).joined().contains("--policy-only"))
    #expect((try advisory.resolved("keygate")["script"] as? [String] ?? []).joined().contains("--secrets-only"))
    #expect(try advisory.resolved("keygate")["allow_failure"] == nil)

    let audit = try GitLabConfiguration("ci-examples/gitlab/org-audit.gitlab-ci.yml")
    let fanOut = try audit.resolved("audit-repository")
    let repositories = ((fanOut["parallel"] as? [String: Any])?["matrix"] as? [[String: Any]])?.first?["REPOSITORY"] as? [String]
    #expect((repositories?.count ?? 0) > 1)
    let artifacts = try GitLabConfiguration("ci-examples/gitlab/build-artifacts.gitlab-ci.yml")
    let scanArtifacts = try artifacts.resolved("keygate-artifacts")
    #expect((scanArtifacts["script"] as? [String] ?? []).joined().contains("keygate scan build-output"))
    #expect((try artifacts.resolved("publish")["needs"] as? [String])?.contains("keygate-artifacts") == true, "publishing waits for the scan")

    let merge = try audit.resolved("audit-merge")
    #expect((merge["script"] as? [String] ?? []).joined().contains("keygate merge reports/*.json"))
    #expect(merge["when"] as? String == "always")
  }

  /// The images the templates name are the ones the Dockerfile builds: `make image` tags the
  /// runtime stage keygate:latest and the git stage keygate:git.
  @Test func theTemplatesUseTheImagesTheDockerfileBuilds() throws {
    let dockerfile = try String(contentsOfFile: Self.root + "/Dockerfile", encoding: .utf8)
    let makefile = try String(contentsOfFile: Self.root + "/Makefile", encoding: .utf8)
    #expect(dockerfile.contains("AS runtime\n") && dockerfile.contains("FROM runtime AS git\n"))
    #expect(makefile.contains("--target runtime -t keygate:latest") && makefile.contains("--target git -t keygate:git"))
    let template = try GitLabConfiguration("ci-examples/gitlab/keygate.gitlab-ci.yml")
    #expect(template.variables["KEYGATE_IMAGE"]?.hasSuffix("/keygate:latest") == true)
    let audit = try GitLabConfiguration("ci-examples/gitlab/org-audit.gitlab-ci.yml")
    #expect(audit.variables["KEYGATE_GIT_IMAGE"]?.hasSuffix("/keygate:git") == true)
  }

  // MARK: - GitHub Actions

  /// https://docs.github.com/actions/reference/workflows-and-actions/workflow-syntax
  enum GitHub {
    static let workflowKeys: Set<String> = ["name", "run-name", "on", "permissions", "env", "defaults", "concurrency", "jobs"]
    static let jobKeys: Set<String> = [
      "name", "permissions", "needs", "if", "runs-on", "snapshot", "environment", "concurrency", "outputs", "env",
      "defaults", "steps", "timeout-minutes", "strategy", "continue-on-error", "container", "services", "uses",
      "with", "secrets",
    ]
    static let stepKeys: Set<String> = [
      "id", "if", "name", "uses", "run", "working-directory", "shell", "with", "env", "continue-on-error",
      "timeout-minutes",
    ]
    static let containerKeys: Set<String> = ["image", "credentials", "env", "ports", "volumes", "options"]
    static let permissionScopes: Set<String> = [
      "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues", "models",
      "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
    ]
    static let events: Set<String> = ["pull_request", "pull_request_target", "push", "schedule", "workflow_dispatch", "merge_group"]
  }

  static var gitHubFiles: [String] { (try? files(in: "ci-examples/github")) ?? [] }

  @Test func theGitHubWorkflowUsesOnlyDocumentedKeysAndUploadsSARIF() throws {
    #expect(Self.gitHubFiles == ["ci-examples/github/keygate.yml"])
    for file in Self.gitHubFiles {
      let workflow = try Self.load(file)
      #expect(Set(workflow.keys).isSubset(of: GitHub.workflowKeys), "\(file): \(workflow.keys.sorted())")
      let events = try #require(workflow["on"] as? [String: Any], "\(file): on: is a mapping of events")
      #expect(Set(events.keys).isSubset(of: GitHub.events), "\(file): events \(events.keys.sorted())")
      let permissions = try #require(workflow["permissions"] as? [String: String])
      #expect(Set(permissions.keys).isSubset(of: GitHub.permissionScopes))
      #expect(permissions["security-events"] == "write", "uploading SARIF needs security-events: write")
      var uploads = 0
      var checked = 0
      let jobs = try #require(workflow["jobs"] as? [String: Any])
      for (name, value) in jobs {
        let job = try #require(value as? [String: Any])
        #expect(Set(job.keys).isSubset(of: GitHub.jobKeys), "\(file): job \(name): \(job.keys.sorted())")
        if let container = job["container"] as? [String: Any] {
          #expect(Set(container.keys).isSubset(of: GitHub.containerKeys))
          #expect((container["image"] as? String)?.hasSuffix("/keygate:git") == true, "checkout in a container needs git")
        }
        let steps = try #require(job["steps"] as? [[String: Any]])
        let checkout = try #require(steps.first { ($0["uses"] as? String)?.hasPrefix("actions/checkout@") == true })
        #expect((checkout["with"] as? [String: String])?["fetch-depth"] == "0", "the whole history")
        for step in steps {
          #expect(Set(step.keys).isSubset(of: GitHub.stepKeys), "\(file): \(name): step \(step.keys.sorted())")
          #expect((step["uses"] == nil) != (step["run"] == nil), "\(file): a step has either uses or run")
          if let uses = step["uses"] as? String, uses.hasPrefix("github/codeql-action/upload-sarif@") {
            uploads += 1
            #expect((step["with"] as? [String: String])?["sarif_file"] == "keygate.sarif")
          }
          guard let run = step["run"] as? String else { continue }
          let shell = ShellCommandLines(variables: ["GITHUB_STEP_SUMMARY": "/tmp/summary.md"])
          for line in run.split(separator: "\n") {
            for arguments in try shell.keygateCommands(in: String(line)) {
              try Self.expectParses(arguments, from: "\(file): \(name)")
              #expect(arguments.contains("sarif=keygate.sarif"), "every scan writes the SARIF the upload step reads")
              checked += 1
            }
          }
        }
      }
      #expect(uploads == 1)
      #expect(checked == 3)
    }
  }

  // MARK: - README

  /// The README's shell snippets: every `keygate …` line (and `docker run … keygate:… …`)
  /// parses, so copy-paste works.
  @Test func theREADMEsKeygateSnippetsParse() throws {
    let readme = try String(contentsOfFile: Self.root + "/README.md", encoding: .utf8)
    var inShellBlock = false
    var pending = ""
    var checked = 0
    let shell = ShellCommandLines(variables: [
      "PWD": "/work", "BASE_SHA": String(repeating: "b", count: 40), "HEAD_SHA": String(repeating: "c", count: 40),
    ])
    for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```") {
        inShellBlock = ["```sh", "```bash", "```console"].contains(line.trimmingCharacters(in: .whitespaces))
        continue
      }
      guard inShellBlock else { continue }
      var text = String(line)
      if text.hasPrefix("$ ") { text.removeFirst(2) }
      if text.hasSuffix("\\") {
        pending += text.dropLast() + " "
        continue
      }
      text = pending + text
      pending = ""
      let trimmed = text.trimmingCharacters(in: .whitespaces)
      guard trimmed.hasPrefix("keygate ") || trimmed.hasPrefix("docker run") || trimmed.contains("| keygate ") else { continue }
      // `[PATH]` in a synopsis line is an optional argument: the line parses without it too.
      let synopsis = trimmed.replacingOccurrences(of: " [PATH]", with: "")
      for arguments in try shell.keygateCommands(in: synopsis) {
        try Self.expectParses(arguments, from: "README.md")
        checked += 1
      }
    }
    #expect(checked >= 20, "the README's snippets were not found (\(checked))")
  }
}
