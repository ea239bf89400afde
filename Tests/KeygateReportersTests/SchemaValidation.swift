import Foundation
import KeygateTestSupport

/// Validates report output against the official schemas in `Schemas/` (copied verbatim from
/// the sources their README names) with independent tools: Python's `jsonschema` for JSON
/// schemas, `xmllint` for the JUnit XSD. `scripts/install-deps.sh` installs both; a missing
/// tool is a test failure that says so, never a silent pass.
enum SchemaValidation {
  static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Schemas").path

  struct ToolMissing: Error, CustomStringConvertible {
    let description: String
  }

  /// The Python interpreter that can import jsonschema: `python3` on PATH, else the system's.
  static let python: String? = {
    for candidate in ["python3", "/usr/bin/python3"] {
      if let result = try? run("/usr/bin/env", [candidate, "-c", "import jsonschema"], in: nil), result.status == 0 {
        return candidate
      }
    }
    return nil
  }()

  /// The schema errors of `json` against `schema` (a file in Schemas/), each as
  /// `path: message`; empty when valid.
  static func jsonErrors(_ json: String, schema: String) throws -> [String] {
    guard let python else {
      throw ToolMissing(description: "Python's jsonschema is not installed: run scripts/install-deps.sh (python3-jsonschema)")
    }
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-report-\(UUID().uuidString).json")
    try Data(json.utf8).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1]))
      document = json.load(open(sys.argv[2]))
      validator = jsonschema.validators.validator_for(schema)(schema)
      for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
          print("/".join(str(p) for p in error.absolute_path) + ": " + error.message)
      """
    let result = try run("/usr/bin/env", [python, "-c", script, folder + "/" + schema, input.path], in: nil)
    guard result.status == 0 else { throw ToolMissing(description: "jsonschema failed: \(result.stderr)") }
    return result.stdout.split(separator: "\n").map(String.init)
  }

  /// xmllint's complaints about `xml` against `xsd` (a file in Schemas/); empty when valid.
  static func xmlErrors(_ xml: String, xsd: String) throws -> [String] {
    let input = FileManager.default.temporaryDirectory.appendingPathComponent("keygate-report-\(UUID().uuidString).xml")
    try Data(xml.utf8).write(to: input)
    defer { try? FileManager.default.removeItem(at: input) }
    let result: ProcessResult
    do {
      result = try run("/usr/bin/env", ["xmllint", "--noout", "--schema", folder + "/" + xsd, input.path], in: nil)
    } catch {
      throw ToolMissing(description: "xmllint is not installed: run scripts/install-deps.sh (libxml2-utils)")
    }
    if result.status == 127 { throw ToolMissing(description: "xmllint is not installed: run scripts/install-deps.sh (libxml2-utils)") }
    return result.status == 0 ? [] : result.stderr.split(separator: "\n").map(String.init).filter { !$0.hasSuffix("validates") }
  }
}
