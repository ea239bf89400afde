/// Git LFS pointer files: small text files that stand in for content stored outside git
/// (https://github.com/git-lfs/git-lfs/blob/main/docs/spec.md).
enum LFSPointer {
  static let header = Array("version https://git-lfs.github.com/spec/v1\n".utf8)
  /// The spec caps pointer files well below this.
  static let maximumSize = 1024

  /// Whether `bytes` is an LFS pointer: small, starting with the spec's version line, and
  /// naming an object id.
  static func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard bytes.count <= maximumSize, bytes.count > header.count,
      header.indices.allSatisfy({ bytes[$0] == header[$0] })
    else { return false }
    let text = String(decoding: bytes, as: UTF8.self)
    return text.contains("\noid sha256:") && text.contains("\nsize ")
  }
}
