import CLibgit2

/// An error reported by libgit2, or by keygate's use of it.
public struct GitError: Error, Sendable, CustomStringConvertible {
  /// The libgit2 return code (`GIT_ENOTFOUND`, …), or -1 when keygate raised the error itself.
  public let code: Int32
  /// The libgit2 error class (`GIT_ERROR_ODB`, …), or 0 when unknown.
  public let errorClass: Int32
  /// libgit2's message for the failure.
  public let message: String
  /// The C function, or the wrapper, that failed.
  public let function: String

  public init(code: Int32, errorClass: Int32 = 0, message: String, function: String) {
    self.code = code
    self.errorClass = errorClass
    self.message = message
    self.function = function
  }

  /// True when libgit2 said the object, reference or path does not exist.
  public var isNotFound: Bool { code == GIT_ENOTFOUND.rawValue }

  public var description: String { "\(message) (\(function))" }
}

/// Turns a libgit2 return code into a thrown `GitError`, reading libgit2's thread-local last
/// error in the same synchronous call, as libgit2 requires.
///
/// - Parameters:
///   - rc: The return code of a libgit2 call; negative means failure.
///   - function: The C function that was called.
/// - Throws: `GitError` when `rc < 0`.
@inline(__always)
func check(_ rc: Int32, function: String = #function) throws(GitError) {
  if rc < 0 { throw lastError(code: rc, function: function) }
}

/// The error libgit2 recorded for the current thread, with a fallback message.
func lastError(code: Int32, function: String) -> GitError {
  if let last = git_error_last(), let message = last.pointee.message {
    return GitError(
      code: code, errorClass: last.pointee.klass, message: String(cString: message), function: function)
  }
  return GitError(code: code, message: "libgit2 error \(code)", function: function)
}
