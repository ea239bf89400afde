import Testing

@testable import KeygateCore

/// `--ci`: which commits a GitLab CI job scans, from GitLab's predefined variables.
@Suite struct GitLabCITests {
  static let sha = String(repeating: "c", count: 40)
  static let base = String(repeating: "b", count: 40)

  @Test func aSchedulePipelineScansTheWholeHistory() throws {
    let scope = try GitLabCI.scope(environment: [
      "CI_COMMIT_SHA": Self.sha, "CI_PIPELINE_SOURCE": "schedule", "CI_COMMIT_BEFORE_SHA": Self.base,
    ])
    #expect(scope == .fullHistory)
  }

  @Test func aMergeRequestScansItsNewCommits() throws {
    let scope = try GitLabCI.scope(environment: [
      "CI_COMMIT_SHA": Self.sha, "CI_PIPELINE_SOURCE": "merge_request_event",
      "CI_MERGE_REQUEST_DIFF_BASE_SHA": Self.base, "CI_COMMIT_BEFORE_SHA": String(repeating: "0", count: 40),
    ])
    guard case .commits(let range) = scope else { Issue.record("expected commits, got \(scope)"); return }
    #expect(range.exclude == [Self.base] && range.include == [Self.sha])
    #expect(range.description == "merge request bbbbbbbbbbbb..cccccccccccc")
  }

  @Test func aPushScansTheCommitsAfterTheBeforeSHA() throws {
    let scope = try GitLabCI.scope(environment: [
      "CI_COMMIT_SHA": Self.sha, "CI_PIPELINE_SOURCE": "push", "CI_COMMIT_BEFORE_SHA": Self.base,
    ])
    #expect(scope == .commits(CommitRange(exclude: [Self.base], include: [Self.sha], description: "push bbbbbbbbbbbb..cccccccccccc")))
  }

  @Test func aNewBranchScansTheCommitsNotOnTheDefaultBranch() throws {
    let scope = try GitLabCI.scope(environment: [
      "CI_COMMIT_SHA": Self.sha, "CI_PIPELINE_SOURCE": "push",
      "CI_COMMIT_BEFORE_SHA": String(repeating: "0", count: 40), "CI_DEFAULT_BRANCH": "main",
    ])
    guard case .commits(let range) = scope else { Issue.record("expected commits, got \(scope)"); return }
    #expect(range.exclude == ["refs/remotes/origin/main"])
    #expect(range.include == [Self.sha])
  }

  @Test func missingVariablesAreErrorsThatSayWhatToDo() throws {
    let outside = try #require(throws: ConfigError.self) { try GitLabCI.scope(environment: [:]) }
    #expect(outside.message.contains("CI_COMMIT_SHA is not set"))
    #expect(outside.message.contains("--since REV or --range A..B"))
    let newBranch = try #require(throws: ConfigError.self) {
      try GitLabCI.scope(environment: ["CI_COMMIT_SHA": Self.sha, "CI_COMMIT_BEFORE_SHA": String(repeating: "0", count: 40)])
    }
    #expect(newBranch.message.contains("CI_DEFAULT_BRANCH"))
  }

  @Test(arguments: [
    ("main..HEAD", ["main"], ["HEAD"]), ("a..b", ["a"], ["b"]), ("v1..", ["v1"], ["HEAD"]), ("base", ["base"], ["HEAD"]),
  ])
  func rangesParse(text: String, exclude: [String], include: [String]) throws {
    let range = try #require(CommitRange(parsing: text))
    #expect(range.exclude == exclude && range.include == include)
  }

  @Test(arguments: ["", "..b", "a...b"])
  func badRangesDoNotParse(text: String) {
    #expect(CommitRange(parsing: text) == nil)
  }
}
