/// Something keygate could not read or chose not to, named in the report: nothing is skipped
/// silently.
public struct ReadProblem: Sendable, Hashable, Codable {
  /// What could not be read: a path, an object id, a reference name.
  public let subject: String
  public let message: String
  /// True when the problem means part of the input went unscanned (the verdict cannot be
  /// vouched for); false for a deliberate, harmless skip.
  public let isIncomplete: Bool

  public init(subject: String, message: String, isIncomplete: Bool = true) {
    self.subject = subject
    self.message = message
    self.isIncomplete = isIncomplete
  }
}
