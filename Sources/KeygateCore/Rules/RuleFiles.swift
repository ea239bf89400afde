import Foundation

/// Finding and reading rule files on disk.
enum RuleFiles {
  static let extensions: Set<String> = ["yml", "yaml", "json"]

  /// `path` itself, or the rule files directly inside it, in name order.
  static func list(_ path: String) throws(ConfigError) -> [String] {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
      throw ConfigError(at: nil, "\(path): no such rule file or directory")
    }
    guard isDirectory.boolValue else { return [path] }
    let names: [String]
    do {
      names = try FileManager.default.contentsOfDirectory(atPath: path)
    } catch {
      throw ConfigError(at: nil, "\(path): cannot list the rule directory: \(error.localizedDescription)")
    }
    let files = names.filter { extensions.contains(($0 as NSString).pathExtension.lowercased()) }.sorted()
    guard !files.isEmpty else {
      throw ConfigError(at: nil, "\(path): the directory holds no rule files (.yml, .yaml or .json)")
    }
    return files.map { (path as NSString).appendingPathComponent($0) }
  }

  static func read(_ path: String) throws(ConfigError) -> String {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(at: nil, "\(path): cannot read the rule file (check that it exists and is readable)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(at: SourceLocation(file: path, line: 1, column: 1), "the rule file is not UTF-8 text")
    }
    return text
  }
}
