/// What `keygate scan --ci` covers in a GitLab CI job, from GitLab's predefined variables
/// (https://docs.gitlab.com/ci/variables/predefined_variables/).
public enum GitLabCI {
  /// The scope of a `--ci` scan.
  public enum Scope: Sendable, Equatable {
    /// A scheduled pipeline: the whole history.
    case fullHistory
    /// The commits of a merge request or a push.
    case commits(CommitRange)
  }

  static let zeroSHA = String(repeating: "0", count: 40)

  /// - Throws: `ConfigError` when the variables a decision needs are missing.
  public static func scope(environment: [String: String]) throws(ConfigError) -> Scope {
    func value(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
    guard let commit = value("CI_COMMIT_SHA") else {
      throw ConfigError(
        at: nil,
        "--ci reads GitLab CI's predefined variables, and CI_COMMIT_SHA is not set: run it in a GitLab CI job, "
          + "or choose the commits with --since REV or --range A..B")
    }
    if value("CI_PIPELINE_SOURCE") == "schedule" { return .fullHistory }
    if let base = value("CI_MERGE_REQUEST_DIFF_BASE_SHA") {
      return .commits(
        CommitRange(exclude: [base], include: [commit], description: "merge request \(base.prefix(12))..\(commit.prefix(12))"))
    }
    if let before = value("CI_COMMIT_BEFORE_SHA"), before != zeroSHA {
      return .commits(
        CommitRange(exclude: [before], include: [commit], description: "push \(before.prefix(12))..\(commit.prefix(12))"))
    }
    // A new branch (before-sha all zeros) or no before-sha: the commits not on the default branch.
    guard let defaultBranch = value("CI_DEFAULT_BRANCH") else {
      throw ConfigError(
        at: nil,
        "--ci on a new branch needs CI_DEFAULT_BRANCH to tell which commits are new; it is not set")
    }
    let base = "refs/remotes/origin/\(defaultBranch)"
    return .commits(
      CommitRange(exclude: [base], include: [commit], description: "new branch: origin/\(defaultBranch)..\(commit.prefix(12))"))
  }
}
