import CLibgit2

/// What keygate keeps of a commit: copied out of libgit2, so it outlives the repository.
public struct Commit: Sendable, Hashable {
  public let id: ObjectID
  public let treeID: ObjectID
  public let parentIDs: [ObjectID]
  public let authorName: String
  public let authorEmail: String
  /// Seconds since 1970 (UTC) of the author date.
  public let authorTime: Int64
  /// The author's UTC offset in minutes.
  public let authorOffsetMinutes: Int32
  /// The first paragraph of the message, on one line.
  public let subject: String
}

extension Repository {
  /// Looks up a commit and copies what keygate needs out of it.
  /// - Throws: `GitError` when the commit is missing or is not a commit.
  /// The corresponding C function is `git_commit_lookup`.
  public func commit(_ id: ObjectID) throws(GitError) -> Commit {
    var commit: OpaquePointer?
    try id.withGitOID { oid throws(GitError) in
      try check(git_commit_lookup(&commit, pointer, oid), function: "git_commit_lookup")
    }
    defer { git_commit_free(commit) }
    let author = git_commit_author(commit)!.pointee
    let parents = (0..<git_commit_parentcount(commit)).map { ObjectID(git_commit_parent_id(commit, $0)) }
    return Commit(
      id: id,
      treeID: ObjectID(git_commit_tree_id(commit)),
      parentIDs: parents,
      authorName: author.name.map { String(cString: $0) } ?? "",
      authorEmail: author.email.map { String(cString: $0) } ?? "",
      authorTime: Int64(author.when.time),
      authorOffsetMinutes: author.when.offset,
      subject: git_commit_summary(commit).map { String(cString: $0) } ?? "")
  }

  /// The commits reachable from `tips`, parents before children (reverse topological order), so
  /// the first commit in which something appears is the one that introduced it.
  /// - Throws: `GitError` when a commit on the way cannot be read.
  /// The corresponding C functions are `git_revwalk_push` and `git_revwalk_next`.
  public func commitsParentsFirst(from tips: [ObjectID]) throws(GitError) -> [ObjectID] {
    try commits(reachableFrom: tips, notFrom: [])
  }
}

extension Repository {
  /// The commits reachable from `include` and not from `exclude`, parents first, in a shallow
  /// clone: libgit2's revision walk fails at the clone's boundary, where a parent is missing, so
  /// this walk stops there instead (a missing parent of a commit is the edge of the clone).
  func shallowWalk(from include: [ObjectID], notFrom exclude: [ObjectID]) throws(GitError) -> [ObjectID] {
    func parents(_ id: ObjectID) throws(GitError) -> [ObjectID] {
      try commit(id).parentIDs.filter { exists($0) }
    }
    var hidden = Set<ObjectID>()
    var stack = exclude
    while let id = stack.popLast() {
      guard hidden.insert(id).inserted else { continue }
      stack += try parents(id)
    }
    // Depth-first, emitting a commit after all its parents: parents first, like the revision walk.
    var order: [ObjectID] = []
    var state: [ObjectID: Bool] = [:]  // false: in progress, true: emitted
    var work: [(id: ObjectID, expanded: Bool)] = include.sorted().reversed().map { ($0, false) }
    while let (id, expanded) = work.popLast() {
      if hidden.contains(id) || state[id] == true { continue }
      if expanded {
        state[id] = true
        order.append(id)
        continue
      }
      if state[id] == false { continue }
      state[id] = false
      work.append((id, true))
      for parent in try parents(id).reversed() where !hidden.contains(parent) && state[parent] == nil {
        work.append((parent, false))
      }
    }
    return order
  }

  /// The commits reachable from `tips`, parents first, when the revision walk fails on a
  /// damaged repository: a commit that cannot be read is left out (with why), and so is what
  /// lies only behind it; everything else is walked.
  public func commitsParentsFirstSkippingUnreadable(from tips: [ObjectID]) -> (
    commits: [ObjectID], unreadable: [(id: ObjectID, error: GitError)]
  ) {
    var unreadable: [(id: ObjectID, error: GitError)] = []
    var parentsByID: [ObjectID: [ObjectID]?] = [:]
    func parents(_ id: ObjectID) -> [ObjectID]? {
      if let known = parentsByID[id] { return known }
      do {
        let found = try commit(id).parentIDs
        parentsByID[id] = found
        return found
      } catch {
        unreadable.append((id, error))
        parentsByID[id] = .some(nil)
        return nil
      }
    }
    var order: [ObjectID] = []
    var state: [ObjectID: Bool] = [:]  // false: in progress, true: emitted
    var work: [(id: ObjectID, expanded: Bool)] = tips.sorted().reversed().map { ($0, false) }
    while let (id, expanded) = work.popLast() {
      if state[id] == true { continue }
      if expanded {
        state[id] = true
        order.append(id)
        continue
      }
      if state[id] == false { continue }
      guard let found = parents(id) else {
        state[id] = true  // unreadable: not emitted
        continue
      }
      state[id] = false
      work.append((id, true))
      for parent in found.reversed() where state[parent] == nil { work.append((parent, false)) }
    }
    return (order, unreadable)
  }

  /// Whether the object database holds `id`.
  /// The corresponding C function is `git_odb_exists`.
  func exists(_ id: ObjectID) -> Bool {
    guard let odb = try? odb() else { return false }
    var oid = id.gitOID
    return git_odb_exists(odb, &oid) == 1
  }
}
