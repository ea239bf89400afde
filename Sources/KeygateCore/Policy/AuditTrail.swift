import Foundation
import KeygateGit

/// The audit trail of every key in the inventory, read from the inventory file's git history:
/// each commit that changed `keys.yaml` is compared with its parent, entry by entry.
public struct AuditTrail: Sendable {
  /// The inventory's path in the repository (in HEAD), and the repository's root.
  public let inventoryPath: String
  public let repositoryPath: String
  /// Every event, oldest first; within a commit in the entries' order.
  public let events: [AuditEvent]
  /// Versions of the inventory that could not be read: their changes are missing from `events`.
  public let problems: [ReadProblem]
  /// How many commits changed the inventory.
  public let commits: Int
  /// A claimed date this many days or more before the commit that recorded it is flagged.
  public let backdateDays: Int

  /// The events of one key, oldest first.
  public func events(of key: String) -> [AuditEvent] { events.filter { $0.key == key } }

  /// The keys, in the order they first appear.
  public var keys: [String] {
    var seen = Set<String>()
    return events.map(\.key).filter { seen.insert($0).inserted }
  }

  /// The events whose claimed date disagrees with their commit.
  public var flagged: [AuditEvent] { events.filter { $0.flag != nil } }
}

/// One change to one key of the inventory.
public struct AuditEvent: Sendable, Hashable {
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case created
    /// The `rotated` date changed.
    case rotated
    /// A successor was set: the rotation started.
    case rotationStarted = "rotation-started"
    case revoked
    case statusChanged = "status-changed"
    case ownerChanged = "owner-changed"
    case environmentChanged = "environment-changed"
    /// The entry left the inventory.
    case deleted
  }

  public let key: String
  public let kind: Kind
  /// The commit that recorded the change.
  public let commit: CommitSummary
  /// The date the entry itself claims for the event (`created`, `rotated`, `rotation_started`).
  public let claimed: CalendarDay?
  /// What changed, in words: `owner team-a → team-b`.
  public let detail: String
  /// Why the claimed date is suspicious (backdated, or after the commit), or nil.
  public let flag: String?
  /// The inventory's path in that commit (it may have been renamed since).
  public let path: String
}

/// Reads the audit trail.
public enum AuditTrailReader {
  public enum Failure: Error, Sendable, CustomStringConvertible {
    case notARepository(String)
    case notCommitted(path: String, repository: String)
    case git(GitError)

    public var description: String {
      switch self {
      case .notARepository(let path):
        "\(path) is not in a git repository: the audit trail is the inventory's git history"
      case .notCommitted(let path, let repository):
        "\(path) is not committed in \(repository) (HEAD has no such file): commit the inventory first"
      case .git(let error): "cannot read the repository: \(error)"
      }
    }
  }

  /// The audit trail of the inventory file at `inventoryFile` (an absolute or relative path
  /// inside a git work tree), from HEAD's history.
  /// - Parameter backdateDays: A claimed date this many days or more before its commit is flagged.
  public static func read(inventoryFile: String, backdateDays: Int = 14) throws(Failure) -> AuditTrail {
    Libgit2.initialise()
    let absolute = URL(fileURLWithPath: inventoryFile).standardizedFileURL.resolvingSymlinksInPath().path
    let folder = (absolute as NSString).deletingLastPathComponent
    guard var root = Repository.discoverRoot(containing: folder) else { throw .notARepository(inventoryFile) }
    root = URL(fileURLWithPath: root).resolvingSymlinksInPath().path
    let relative = absolute.hasPrefix(root + "/") ? String(absolute.dropFirst(root.count + 1)) : absolute
    do {
      guard let repository = try Repository.open(at: root), let head = try repository.headCommitID() else {
        throw Failure.notCommitted(path: relative, repository: root)
      }
      guard try repository.blobID(at: relative, inTree: try repository.commit(head).treeID) != nil else {
        throw Failure.notCommitted(path: relative, repository: root)
      }
      let changes = try repository.fileHistory(of: relative, from: head)
      var versions: [ObjectID: Result<KeyInventory, ConfigError>] = [:]
      func version(_ blob: ObjectID?, path: String) throws(GitError) -> Result<KeyInventory, ConfigError>? {
        guard let blob else { return nil }
        if let known = versions[blob] { return known }
        let text = try repository.withBlobContents(blob) { String(decoding: $0, as: UTF8.self) }
        let parsed = Result { () throws(ConfigError) in try KeyInventory(text: text, path: path) }
        versions[blob] = parsed
        return parsed
      }
      var events: [AuditEvent] = []
      var problems: [ReadProblem] = []
      // The last version that could be read stands in for one that cannot: a broken commit's
      // changes then show up at the commit that repairs it.
      var lastReadable: [InventoryKey] = []
      for change in changes {
        let summary = CommitSummary(change.commit)
        let after = try version(change.after, path: change.path)
        if case .failure(let error) = after {
          problems.append(
            ReadProblem(
              subject: "\(change.path) at \(summary.sha.prefix(12))",
              message: "this version of the inventory cannot be read; its changes appear at the next readable version: \(error)"))
          continue
        }
        let before = try version(change.before, path: change.previousPath ?? change.path)
        var old: [InventoryKey] = []
        switch before {
        case .success(let inventory): old = inventory.keys
        case .failure: old = lastReadable
        case nil: old = []
        }
        let new = (try? after?.get())?.keys ?? []
        lastReadable = new
        events += compare(
          old, new, commit: summary, commitDay: day(of: change.commit), path: change.path, backdateDays: backdateDays)
      }
      return AuditTrail(
        inventoryPath: relative, repositoryPath: root, events: events,
        problems: Array(Set(problems)).sorted { $0.subject < $1.subject }, commits: changes.count,
        backdateDays: backdateDays)
    } catch let failure as Failure {
      throw failure
    } catch let error as GitError {
      throw .git(error)
    } catch {
      throw .git(GitError(code: -1, message: "\(error)", function: "audit-trail"))
    }
  }

  /// The commit's author day, in the author's time zone.
  static func day(of commit: Commit) -> CalendarDay {
    let seconds = Int(commit.authorTime) + Int(commit.authorOffsetMinutes) * 60
    return CalendarDay(daysSinceEpoch: Int((Double(seconds) / 86_400).rounded(.down)))
  }

  /// The events that turn `old` into `new`.
  static func compare(
    _ old: [InventoryKey], _ new: [InventoryKey], commit: CommitSummary, commitDay: CalendarDay, path: String,
    backdateDays: Int
  ) -> [AuditEvent] {
    var events: [AuditEvent] = []
    func add(_ key: String, _ kind: AuditEvent.Kind, claimed: CalendarDay? = nil, _ detail: String) {
      var flag: String?
      if let claimed {
        let lag = claimed.days(until: commitDay)
        if lag < 0 {
          flag = "claims \(claimed), \(-lag) day\(lag == -1 ? "" : "s") after the commit that recorded it (\(commitDay))"
        } else if lag >= backdateDays {
          flag = "claims \(claimed), \(lag) days before the commit that recorded it (\(commitDay)): backdated?"
        }
      }
      events.append(
        AuditEvent(key: key, kind: kind, commit: commit, claimed: claimed, detail: detail, flag: flag, path: path))
    }
    let oldByName = Dictionary(old.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    let newNames = Set(new.map(\.name))
    var seen = Set<String>()
    for key in new where seen.insert(key.name).inserted {
      guard let previous = oldByName[key.name] else {
        add(
          key.name, .created, claimed: key.created,
          "created: \(key.kind.rawValue) key of \(key.owner)" + (key.environment.map { " for \($0)" } ?? ""))
        if key.status == .revoked { add(key.name, .revoked, "recorded as revoked") }
        continue
      }
      if key.rotated != previous.rotated, let rotated = key.rotated {
        add(key.name, .rotated, claimed: rotated, "rotated " + (previous.rotated.map { "\($0) → \(rotated)" } ?? "on \(rotated)"))
      }
      if key.successor != previous.successor, let successor = key.successor {
        add(key.name, .rotationStarted, claimed: key.rotationStarted, "rotation started: successor \(successor)")
      }
      if key.status != previous.status {
        if key.status == .revoked {
          add(key.name, .revoked, "revoked (was \(previous.status.rawValue))")
        } else if !(key.status == .rotating && key.successor != previous.successor && key.successor != nil) {
          add(key.name, .statusChanged, "status \(previous.status.rawValue) → \(key.status.rawValue)")
        }
      }
      if key.owner != previous.owner { add(key.name, .ownerChanged, "owner \(previous.owner) → \(key.owner)") }
      if key.environment != previous.environment {
        add(
          key.name, .environmentChanged,
          "environment \(previous.environment ?? "none") → \(key.environment ?? "none")")
      }
    }
    for key in old where !newNames.contains(key.name) && seen.insert(key.name).inserted {
      add(key.name, .deleted, "deleted from the inventory (was \(key.status.rawValue))")
    }
    return events
  }
}
