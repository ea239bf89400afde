import CLibgit2

extension Repository {
  /// Reads a blob's raw contents straight from the object database and passes them to `body`.
  ///
  /// The bytes are valid only during `body`. Nothing is cached: each blob is read once.
  /// - Throws: `GitError` when the object is missing, corrupt, or not a blob.
  /// The corresponding C function is `git_odb_read`.
  public func withBlobContents<R>(_ id: ObjectID, _ body: (UnsafeRawBufferPointer) -> R) throws(GitError) -> R {
    try withObjectContents(id, type: GIT_OBJECT_BLOB, named: "blob", body)
  }

  /// Reads an object of `type` straight from the object database and passes its raw contents
  /// to `body`; the bytes are valid only during `body`.
  /// - Throws: `GitError` when the object is missing, corrupt, or of another type (`named` says
  ///   which was expected), or what `body` throws.
  /// The corresponding C function is `git_odb_read`.
  func withObjectContents<R>(
    _ id: ObjectID, type: git_object_t, named: String, _ body: (UnsafeRawBufferPointer) throws(GitError) -> R
  ) throws(GitError) -> R {
    let odb = try odb()
    var object: OpaquePointer?
    try id.withGitOID { oid throws(GitError) in
      try check(git_odb_read(&object, odb, oid), function: "git_odb_read")
    }
    defer { git_odb_object_free(object) }
    guard git_odb_object_type(object) == type else {
      throw GitError(code: -1, message: "object \(id) is not a \(named)", function: "git_odb_read")
    }
    return try body(UnsafeRawBufferPointer(start: git_odb_object_data(object), count: git_odb_object_size(object)))
  }
}

extension Repository {
  /// A blob's size without reading its contents (only the object's header is inflated).
  /// - Throws: `GitError` when the object is missing or corrupt.
  /// The corresponding C function is `git_odb_read_header`.
  public func objectSize(_ id: ObjectID) throws(GitError) -> Int {
    let odb = try odb()
    var size = 0
    var type = GIT_OBJECT_ANY
    try id.withGitOID { oid throws(GitError) in
      try check(git_odb_read_header(&size, &type, odb, oid), function: "git_odb_read_header")
    }
    return size
  }
}
