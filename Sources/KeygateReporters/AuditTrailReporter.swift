import KeygateCore

/// `keygate audit-trail`: the inventory's history as a table per key, JSON or Markdown.
public struct AuditTrailReporter: Sendable {
  public init() {}

  /// One block per key: each event on a line with its date, commit, author and what changed;
  /// flagged events marked `!`.
  public func text(_ trail: AuditTrail, keys: [String]) -> String {
    var out = "Audit trail of \(trail.inventoryPath) (\(trail.commits) commit\(trail.commits == 1 ? "" : "s") changed it)\n"
    for key in keys {
      out += "\n\(key)\n"
      for event in trail.events(of: key) {
        let date = String(event.commit.date.prefix(10))
        let who = "\(event.commit.author) <\(event.commit.email)>"
        out += "  \(event.flag == nil ? " " : "!") \(date)  \(event.commit.sha.prefix(12))  \(pad(event.kind.rawValue, 19))  \(event.detail)\n"
        out += "                                    by \(who)" + (event.claimed.map { ", claims \($0)" } ?? "") + "\n"
        if let flag = event.flag { out += "                                    ! \(flag)\n" }
      }
    }
    if keys.isEmpty { out += "\nNo key events.\n" }
    for problem in trail.problems { out += "\nwarning: \(problem.subject): \(problem.message)\n" }
    let flagged = trail.flagged.filter { keys.contains($0.key) }.count
    out += "\n"
    out +=
      flagged == 0
      ? "\(trail.events.filter { keys.contains($0.key) }.count) events; no claimed date disagrees with its commit.\n"
      : "\(flagged) event\(flagged == 1 ? "" : "s") flagged (!): a claimed date disagrees with the commit that recorded it "
        + "(\(trail.backdateDays)+ days before it, or after it). Check them with their authors.\n"
    return out
  }

  public func json(_ trail: AuditTrail, keys: [String]) -> String {
    struct Event: Encodable {
      let key: String
      let event: String
      let commit: CommitSummary
      let claimed: String?
      let detail: String
      let flag: String?
      let path: String
      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(event, forKey: .event)
        try container.encode(commit, forKey: .commit)
        try container.encode(claimed, forKey: .claimed)
        try container.encode(detail, forKey: .detail)
        try container.encode(flag, forKey: .flag)
        try container.encode(path, forKey: .path)
      }
      enum CodingKeys: String, CodingKey { case key, event, commit, claimed, detail, flag, path }
    }
    struct Document: Encodable {
      let inventory: String
      let commits: Int
      let backdateDays: Int
      let events: [Event]
      let flagged: Int
      let problems: [[String: String]]
      enum CodingKeys: String, CodingKey {
        case inventory, commits, backdateDays = "backdate_days", events, flagged, problems
      }
    }
    let events = trail.events.filter { keys.contains($0.key) }.map {
      Event(
        key: $0.key, event: $0.kind.rawValue, commit: $0.commit, claimed: $0.claimed?.description, detail: $0.detail,
        flag: $0.flag, path: $0.path)
    }
    return JSONDocument.text(
      Document(
        inventory: trail.inventoryPath, commits: trail.commits, backdateDays: trail.backdateDays, events: events,
        flagged: events.filter { $0.flag != nil }.count,
        problems: trail.problems.map { ["subject": $0.subject, "message": $0.message] }))
  }

  public func markdown(_ trail: AuditTrail, keys: [String]) -> String {
    var out = "# Key audit trail\n\n`\(trail.inventoryPath)`: \(trail.commits) commit\(trail.commits == 1 ? "" : "s") changed it.\n"
    let flagged = trail.flagged.filter { keys.contains($0.key) }
    if !flagged.isEmpty {
      out += "\n**\(flagged.count) flagged event\(flagged.count == 1 ? "" : "s")**: a claimed date disagrees with the commit that recorded it.\n"
    }
    for key in keys {
      out += "\n## \(cell(key))\n\n| date | event | what changed | claims | commit | author |\n| --- | --- | --- | --- | --- | --- |\n"
      for event in trail.events(of: key) {
        let claims = (event.claimed?.description ?? "") + (event.flag.map { " ⚠ \($0)" } ?? "")
        out += "| \(event.commit.date.prefix(10)) | \(event.kind.rawValue) | \(cell(event.detail)) | "
          + "\(cell(claims)) | `\(event.commit.sha.prefix(12))` | \(cell(event.commit.author)) |\n"
      }
    }
    for problem in trail.problems { out += "\n> ⚠ \(cell(problem.subject)): \(cell(problem.message))\n" }
    return out
  }

  /// Text for a Markdown table cell.
  private func cell(_ text: String) -> String {
    MarkdownReporter.escape(text).replacingOccurrences(of: "|", with: "\\|")
  }

  private func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
  }
}
