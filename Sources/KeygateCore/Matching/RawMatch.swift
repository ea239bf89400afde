/// A confirmed match of one rule in one piece of content.
public struct RawMatch: Sendable, Hashable {
  /// Index into `CompiledRules.rules`.
  public let ruleIndex: Int
  /// The secret's byte range in the content.
  public let secretRange: Range<Int>
  /// The secret's text (invalid UTF-8 replaced).
  public let secret: String
  /// 1-based line of the secret's first byte.
  public let line: Int
  /// 1-based column of the secret's first byte, counted in Unicode scalars.
  public let column: Int
  /// A `keygate:allow` comment on the match's line.
  public var inlineAllow: InlineAllow?
  /// How the secret was encoded where it was found (outermost first), e.g. `["base64"]`; empty
  /// when it was found as written.
  public var encodings: [String] = []
  /// Where in an archive the match is: the member paths below the archive, outermost first
  /// (empty for content that is not in an archive).
  public var archiveMembers: [String] = []
}
