import Foundation
import XCTest
import Yams

@testable import KeygateCore

/// policies/schema/: the JSON Schemas of keygate.yaml and keys.yaml, which editors use to complete
/// and check the files. They are checked here with `Validator` below, a validator for
/// exactly the keywords the schemas use (no JSON Schema library is available); a schema that
/// uses any other keyword fails `testSchemasUseOnlyKeywordsTheValidatorImplements`.
final class SchemaTests: XCTestCase {
  static let schemaFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("policies/schema")

  func schema(_ name: String) throws -> JSON {
    let data = try Data(contentsOf: Self.schemaFolder.appendingPathComponent(name))
    do {
      return try JSONDecoder().decode(JSON.self, from: data)
    } catch {
      XCTFail("policies/schema/\(name) is not valid JSON: \(error)")
      throw error
    }
  }
  func config() throws -> Validator { Validator(root: try schema("keygate.schema.json")) }
  func inventory() throws -> Validator { Validator(root: try schema("keys.schema.json")) }

  static let fullConfig = #"""
    version: 1
    environments:
      prod:
        paths: ["deploy/prod/**", "config/production.*", ".env.production"]
        allowed_models: [gpt-4o-mini, text-embedding-3-small]
        max_cost_tier: medium
      staging:
        paths: ["deploy/staging/**", "config/staging.*", ".env.staging"]
        allowed_models: [gpt-4o-mini, gpt-4o]
    inventory: keys.yaml
    naming:
      service: '^(?<yy>\d{2})-(?<mm>\d{2})-(?<customer>[A-Za-z0-9]+)-(?<project>[A-Za-z0-9]+)-(?<env>Prod|Staging)$'
      personal: '^(?<yy>\d{2})-(?<mm>\d{2})-(?<person>[A-Za-z]+)-(?<project>[A-Za-z0-9]+)-(?<device>[A-Za-z0-9]+)$'
    rotation: { warn_after_days: 60, max_age_days: 90, rotating_grace_days: 7 }
    client_paths: ["public/**", "static/**", "web/**", "frontend/**", "**/*.html"]
    """#

  /// Every other key of keygate.yaml, so that all of the schema is exercised.
  static let otherConfigKeys = #"""
    version: 1
    rules: { builtin: true, paths: [security/keygate-rules], disable: [generic-secret-assignment] }
    allowlist: { paths: ['docs/**'], patterns: ['^AKIA0{4}'], stopwords: [sandbox] }
    rule_allowlists: { jwt: { paths: ['**/fixtures/**'] }, aws_access-key.v2: { stopwords: [example] } }
    baseline: .keygate-baseline.json
    environments: { dev_1: { paths: ['deploy/dev/**'], description: Developer machines } }
    allowed_models: [gpt-4o-mini]
    max_cost_tier: low
    model_catalogs: [security/models.yaml]
    policy: { enabled: false, disable: [policy.unknown-model, policy.shared-key] }
    """#

  static let fullInventory = """
    version: 1
    keys:
      - name: 25-10-AI-TicketNG-Prod
        provider: openai
        kind: service
        owner: team-ticketng
        environment: prod
        project: TicketNG
        created: 2025-10-02
        rotated: 2025-10-02
        expires: 2026-04-01
        secret_ref: vault:secret/openai/prod#value
        used_by: [ticket-api, ticket-worker]
        allowed_models: [gpt-4o-mini]
        last4: "Ab3d"
        status: active
        successor: null
    """

  /// Every other key of keys.yaml.
  static let otherInventoryKeys = """
    version: 1
    keys:
      - name: 25-09-alice-TicketNG-laptop
        provider: anthropic
        kind: personal
        owner: alice
        created: 2025-09-01
        rotation_started: 2025-10-01
        status: rotating
        successor: 25-10-alice-TicketNG-laptop
        access: [alice]
        description: Local development
        notes: Rotated when the laptop was replaced.
    people:
      - { name: alice, email: alice@example.com }
      - { name: bob, left: 2025-06-30 }
    """

  // MARK: The schema files

  func testSchemasAreDraft202012WithTheirIDs() throws {
    for (name, id) in [
      ("keygate.schema.json", "https://keygate.dev/schema/keygate.schema.json"),
      ("keys.schema.json", "https://keygate.dev/schema/keys.schema.json"),
    ] {
      let root = try schema(name)
      XCTAssertEqual(root["$schema"], "https://json-schema.org/draft/2020-12/schema", name)
      XCTAssertEqual(root["$id"], .string(id), name)
      XCTAssertNotNil(root["title"]?.string, name)
      XCTAssertEqual(root["required"]?[0], "version", name)
    }
  }

  func testSchemasUseOnlyKeywordsTheValidatorImplements() throws {
    for name in ["keygate.schema.json", "keys.schema.json"] {
      let validator = Validator(root: try schema(name))
      XCTAssertEqual(validator.problems(), [], name)
    }
    // The check itself finds what it should.
    let bad = Validator(root: [
      "type": "object", "oneOf": [], "properties": ["a": ["$ref": "#/$defs/missing", "format": "email"]],
    ])
    XCTAssertEqual(
      bad.problems(),
      [
        "#: unsupported keyword `oneOf`", "#/properties/a: unresolved $ref `#/$defs/missing`",
        "#/properties/a: unsupported format `email`",
      ])
  }

  /// What editors rely on: every object is closed (unknown keys are flagged), every property has
  /// a description (shown on hover and in completion), every default and example is valid.
  func testSchemasFollowTheConventions() throws {
    for name in ["keygate.schema.json", "keys.schema.json"] {
      let validator = Validator(root: try schema(name))
      validator.forEachSchema { pointer, schema in
        if schema["type"] == "object" || schema["properties"] != nil || schema["patternProperties"] != nil {
          XCTAssertEqual(schema["additionalProperties"], false, "\(name) \(pointer): objects are closed")
        }
        for (key, property) in schema["properties"]?.object ?? [:] {
          XCTAssertFalse((property["description"]?.string ?? "").isEmpty, "\(name) \(pointer)/properties/\(key)")
        }
        for example in [schema["default"]].compactMap({ $0 }) + (schema["examples"]?.array ?? []) {
          XCTAssertEqual(validator.validate(example, against: .object(schema)), [], "\(name) \(pointer): \(example)")
        }
      }
    }
  }

  /// The schemas say what the code reads: same keys, enums, patterns and defaults.
  func testSchemasMatchTheCode() throws {
    let config = try schema("keygate.schema.json")
    func keys(_ node: JSON?) -> Set<String> { Set((node?["properties"]?.object ?? [:]).keys) }
    func strings(_ node: JSON?) -> [String] { node?.array?.compactMap(\.string) ?? [] }
    let top = config["properties"]
    XCTAssertEqual(keys(config), Set(ProjectConfig.keys))
    XCTAssertEqual(keys(top?["rules"]), Set(ProjectConfig.ruleKeys))
    XCTAssertEqual(keys(config["$defs"]?["allowlist"]), Set(Allowlist.keys))
    XCTAssertEqual(keys(config["$defs"]?["environment"]), Set(PolicyConfig.environmentKeys))
    XCTAssertEqual(keys(top?["naming"]), Set(PolicyConfig.namingKeys))
    XCTAssertEqual(keys(top?["rotation"]), Set(PolicyConfig.rotationKeys))
    XCTAssertEqual(keys(top?["policy"]), Set(PolicyConfig.policyKeys))
    XCTAssertEqual(strings(top?["policy"]?["properties"]?["disable"]?["items"]?["enum"]), PolicyConfig.checks)
    XCTAssertEqual(strings(config["$defs"]?["costTier"]?["enum"]), CostTier.allCases.map(\.rawValue))
    XCTAssertEqual(config["$defs"]?["ruleId"]?["pattern"]?.string, Rule.idPattern.pattern)
    XCTAssertEqual(top?["rule_allowlists"]?["patternProperties"]?.object?.keys.first, Rule.idPattern.pattern)
    XCTAssertEqual(top?["naming"]?["properties"]?["service"]?["default"]?.string, PolicyConfig.defaultServiceNaming)
    XCTAssertEqual(top?["naming"]?["properties"]?["personal"]?["default"]?.string, PolicyConfig.defaultPersonalNaming)
    XCTAssertEqual(strings(top?["client_paths"]?["default"]), PolicyConfig.defaultClientPaths)
    let rotation = PolicyConfig.Rotation()
    let days = top?["rotation"]?["properties"]
    XCTAssertEqual(days?["warn_after_days"]?["default"], .number(Double(rotation.warnAfterDays)))
    XCTAssertEqual(days?["max_age_days"]?["default"], .number(Double(rotation.maxAgeDays)))
    XCTAssertEqual(days?["rotating_grace_days"]?["default"], .number(Double(rotation.rotatingGraceDays)))

    let inventory = try schema("keys.schema.json")
    XCTAssertEqual(keys(inventory), Set(KeyInventory.keys))
    XCTAssertEqual(keys(inventory["$defs"]?["key"]), Set(KeyInventory.entryKeys))
    XCTAssertEqual(keys(inventory["$defs"]?["person"]), Set(KeyInventory.personKeys))
    let entry = inventory["$defs"]?["key"]?["properties"]
    XCTAssertEqual(strings(entry?["kind"]?["enum"]), InventoryKey.Kind.allCases.map(\.rawValue))
    XCTAssertEqual(strings(entry?["status"]?["enum"]), InventoryKey.Status.allCases.map(\.rawValue))
  }

  // MARK: keygate.yaml

  func testValidConfigurations() throws {
    let validator = try config()
    for text in [Self.fullConfig, Self.otherConfigKeys, "version: 1"] {
      XCTAssertEqual(validator.validate(try JSON(yaml: text)), [], text)
    }
  }

  func testInvalidConfigurations() throws {
    let validator = try config()
    let full = try JSON(yaml: Self.fullConfig)
    let cases: [(change: String, value: JSON?, errors: [String])] = [
      ("/scan", ["history": true], ["/scan additionalProperties"]),
      ("/environments/prod/region", "eu-west-1", ["/environments/prod/region additionalProperties"]),
      ("/environments/prod/max_cost_tier", "ultra", ["/environments/prod/max_cost_tier enum"]),
      ("/max_cost_tier", "cheap", ["/max_cost_tier enum"]),
      ("/version", 2, ["/version const"]),
      ("/version", nil, [" required"]),
      ("/environments/staging/paths", nil, ["/environments/staging required"]),
      ("/environments/staging/paths", [], ["/environments/staging/paths minItems"]),
      ("/environments/prod eu", ["paths": ["a/**"]], ["/environments/prod eu additionalProperties"]),
      ("/environments/prod/paths/1", "", ["/environments/prod/paths/1 minLength"]),
      ("/rotation/max_age_days", 0, ["/rotation/max_age_days minimum"]),
      ("/rotation/rotating_grace_days", -1, ["/rotation/rotating_grace_days minimum"]),
      ("/rotation/warn_after_days", "60", ["/rotation/warn_after_days type"]),
      ("/naming/team", "^x$", ["/naming/team additionalProperties"]),
      ("/policy", ["disable": ["policy.models"]], ["/policy/disable/0 enum"]),
      ("/rules", ["builtin": "maybe", "skip": []], ["/rules/builtin type", "/rules/skip additionalProperties"]),
      ("/rules", ["disable": ["Generic Secret"]], ["/rules/disable/0 pattern"]),
      ("/allowlist", ["regexes": ["x"]], ["/allowlist/regexes additionalProperties"]),
      ("/rule_allowlists", ["jwt": ["paths": "docs/**"]], ["/rule_allowlists/jwt/paths type"]),
      ("/rule_allowlists", ["JWT": [:]], ["/rule_allowlists/JWT additionalProperties"]),
      ("/inventory", 1, ["/inventory type"]),
    ]
    for (change, value, expected) in cases {
      let errors = validator.validate(full.setting(change, to: value))
      XCTAssertEqual(errors.map { "\($0.pointer) \($0.keyword)" }, expected, "\(change): \(errors)")
    }
  }

  // MARK: keys.yaml

  func testValidInventories() throws {
    let validator = try inventory()
    for text in [Self.fullInventory, Self.otherInventoryKeys, "version: 1\nkeys: []"] {
      XCTAssertEqual(validator.validate(try JSON(yaml: text)), [], text)
    }
    // Dates stay text, as in editors (YAML 1.2); `successor: null` is null.
    let key = try JSON(yaml: Self.fullInventory)["keys"]?[0]
    XCTAssertEqual(key?["created"], "2025-10-02")
    XCTAssertEqual(key?["successor"], .null)
  }

  func testInvalidInventories() throws {
    let validator = try inventory()
    let full = try JSON(yaml: Self.fullInventory)
    let cases: [(change: String, value: JSON?, errors: [String])] = [
      ("/keys/0/last4", "Ab3de", ["/keys/0/last4 maxLength"]),
      ("/keys/0/last4", "b3d", ["/keys/0/last4 minLength"]),
      ("/keys/0/status", "expired", ["/keys/0/status enum"]),
      ("/keys/0/created", "last week", ["/keys/0/created format", "/keys/0/created pattern"]),
      ("/keys/0/created", "2025-02-30", ["/keys/0/created format"]),
      ("/keys/0/expires", "2026-4-1", ["/keys/0/expires format", "/keys/0/expires pattern"]),
      ("/keys/0/name", nil, ["/keys/0 required"]),
      ("/keys/0/comment", "rotated by alice", ["/keys/0/comment additionalProperties"]),
      ("/keys/0/kind", "robot", ["/keys/0/kind enum"]),
      ("/keys/0/successor", 5, ["/keys/0/successor type"]),
      ("/keys/0/used_by", "ticket-api", ["/keys/0/used_by type"]),
      ("/keys/0/owner", nil, ["/keys/0 required"]),
      ("/keys", nil, [" required"]),
      ("/version", 2, ["/version const"]),
      (
        "/people", [["email": "bob@example.com", "left": "June"]],
        ["/people/0 required", "/people/0/left format", "/people/0/left pattern"]
      ),
    ]
    for (change, value, expected) in cases {
      let errors = validator.validate(full.setting(change, to: value))
      XCTAssertEqual(errors.map { "\($0.pointer) \($0.keyword)" }, expected, "\(change): \(errors)")
    }
  }

  /// The validator's own keywords, on a schema written for them (so a keyword that checks
  /// nothing fails here even when the real schemas do not exercise it).
  func testValidatorKeywords() {
    let validator = Validator(root: [
      "type": "object", "additionalProperties": ["type": "integer", "minimum": 1],
      "properties": ["a": ["type": ["string", "null"], "maxLength": 2], "c": ["const": true]],
      "patternProperties": ["^x": ["enum": ["y"]]],
    ])
    func errors(_ document: JSON) -> [String] { validator.validate(document).map { "\($0.pointer) \($0.keyword)" } }
    XCTAssertEqual(errors(["a": .null, "b": 3, "xa": "y", "c": true]), [])
    XCTAssertEqual(
      errors(["a": "abc", "b": 1.5, "xa": "z", "c": false]), ["/a maxLength", "/b type", "/c const", "/xa enum"])
    XCTAssertEqual(errors(["b": 0, "a": 1]), ["/a type", "/b minimum"])
    XCTAssertEqual(errors([1]), [" type"])
  }
}

// MARK: - JSON values and the validator

extension SchemaTests {
  /// A JSON value: a schema, or a document parsed from JSON or YAML.
  enum JSON: Sendable, Equatable, Decodable, CustomStringConvertible, ExpressibleByStringLiteral,
    ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral, ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
  {
    case null, bool(Bool), number(Double), string(String), array([JSON]), object([String: JSON])

    init(stringLiteral value: String) { self = .string(value) }
    init(integerLiteral value: Int) { self = .number(Double(value)) }
    init(floatLiteral value: Double) { self = .number(value) }
    init(booleanLiteral value: Bool) { self = .bool(value) }
    init(arrayLiteral elements: JSON...) { self = .array(elements) }
    init(dictionaryLiteral elements: (String, JSON)...) { self = .object(Dictionary(uniqueKeysWithValues: elements)) }

    init(from decoder: any Decoder) throws {
      let container = try decoder.singleValueContainer()
      if container.decodeNil() {
        self = .null
      } else if let value = try? container.decode(Bool.self) {
        self = .bool(value)
      } else if let value = try? container.decode(Double.self) {
        self = .number(value)
      } else if let value = try? container.decode(String.self) {
        self = .string(value)
      } else if let value = try? container.decode([JSON].self) {
        self = .array(value)
      } else {
        self = .object(try container.decode([String: JSON].self))
      }
    }

    /// A YAML document as the YAML language server sees it (YAML 1.2 core schema): null, booleans
    /// and numbers are typed; everything else, including dates such as `2025-10-02` (a timestamp
    /// for Yams' YAML 1.1 resolver), stays text. (Yams also reads YAML 1.1 booleans such as `yes`
    /// as booleans, which editors read as text; the documents here have none.)
    init(yaml: String) throws {
      func convert(_ node: Node) -> JSON {
        switch node {
        case .scalar(let scalar):
          // `node.tag` resolves the implicit tag of a plain scalar; `scalar.tag` alone does not.
          switch Tag.Name(rawValue: node.tag.description) {
          case .null: return .null
          case .bool: return Bool.construct(from: scalar).map(JSON.bool) ?? .string(scalar.string)
          case .int, .float: return Double.construct(from: scalar).map(JSON.number) ?? .string(scalar.string)
          default: return .string(scalar.string)
          }
        case .mapping(let mapping):
          return .object(
            Dictionary(mapping.map { ($0.key.string ?? "\($0.key)", convert($0.value)) }) { first, _ in first })
        case .sequence(let sequence): return .array(sequence.map(convert))
        case .alias: return .null  // the documents here use no anchors
        }
      }
      self = try Yams.compose(yaml: yaml).map(convert) ?? .null
    }

    subscript(key: String) -> JSON? { object?[key] }
    subscript(index: Int) -> JSON? { array.flatMap { $0.indices.contains(index) ? $0[index] : nil } }
    var object: [String: JSON]? { if case .object(let value) = self { value } else { nil } }
    var array: [JSON]? { if case .array(let value) = self { value } else { nil } }
    var string: String? { if case .string(let value) = self { value } else { nil } }
    var bool: Bool? { if case .bool(let value) = self { value } else { nil } }

    var description: String {
      switch self {
      case .null: "null"
      case .bool(let value): "\(value)"
      case .number(let value): value == value.rounded() ? "\(Int(value))" : "\(value)"
      case .string(let value): "\"\(value)\""
      case .array(let values): "[\(values.map(\.description).joined(separator: ", "))]"
      case .object(let values):
        "{\(values.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: ", "))}"
      }
    }

    /// A copy with the value at `pointer` (JSON pointer, no escapes) replaced, added or (nil) removed.
    func setting(_ pointer: String, to value: JSON?) -> JSON {
      setting(
        pointer.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)[...], to: value)
    }

    private func setting(_ path: ArraySlice<String>, to value: JSON?) -> JSON {
      guard let key = path.first else { return value ?? .null }
      switch self {
      case .array(var values):
        let index = Int(key)!
        if path.count == 1, value == nil {
          values.remove(at: index)
        } else {
          values[index] = values[index].setting(path.dropFirst(), to: value)
        }
        return .array(values)
      default:
        var values = object ?? [:]
        values[key] = path.count == 1 ? value : (values[key] ?? [:]).setting(path.dropFirst(), to: value)
        return .object(values)
      }
    }
  }

  /// Validates JSON values against the subset of JSON Schema draft 2020-12 that policies/schema/
  /// uses. `problems()` lists whatever in a schema it would not check.
  struct Validator {
    /// The keywords it checks.
    static let assertions: Set<String> = [
      "$ref", "type", "const", "enum", "minimum", "minLength", "maxLength", "pattern", "format", "items", "minItems",
      "properties", "patternProperties", "additionalProperties", "required",
    ]
    /// Keywords that check nothing.
    static let annotations: Set<String> = [
      "$schema", "$id", "$defs", "$comment", "title", "description", "default", "examples",
    ]
    static let formats: Set<String> = ["date"]
    static let types: Set<String> = ["object", "array", "string", "number", "integer", "boolean", "null"]

    struct Failure: Equatable, CustomStringConvertible {
      /// The JSON pointer of the value in the document ("" for the whole document); for an
      /// unknown key, the key's own pointer (where an editor underlines it).
      let pointer: String
      let keyword: String
      let message: String
      var description: String { "\(pointer.isEmpty ? "/" : pointer): \(keyword): \(message)" }
    }

    let root: JSON

    func validate(_ document: JSON) -> [Failure] { validate(document, against: root) }

    /// Failures sorted by pointer, then keyword.
    func validate(_ value: JSON, against schema: JSON) -> [Failure] {
      var failures: [Failure] = []
      check(value, schema, "", &failures)
      return failures.sorted { ($0.pointer, $0.keyword) < ($1.pointer, $1.keyword) }
    }

    /// Calls `body` with every (sub)schema object and its pointer.
    func forEachSchema(_ body: (String, [String: JSON]) -> Void) {
      func visit(_ schema: JSON, _ pointer: String) {
        guard let object = schema.object else { return }
        body(pointer, object)
        for keyword in ["properties", "patternProperties", "$defs"] {
          for (key, child) in object[keyword]?.object ?? [:] { visit(child, "\(pointer)/\(keyword)/\(escape(key))") }
        }
        for keyword in ["items", "additionalProperties"] { object[keyword].map { visit($0, "\(pointer)/\(keyword)") } }
      }
      visit(root, "#")
    }

    /// What the validator would not check: unknown keywords, formats and types, unresolved `$ref`s,
    /// patterns that do not compile, subschemas that are neither objects nor booleans.
    func problems() -> [String] {
      var problems: [String] = []
      forEachSchema { pointer, schema in
        for (keyword, value) in schema.sorted(by: { $0.key < $1.key }) {
          switch keyword {
          case _ where !Self.assertions.contains(keyword) && !Self.annotations.contains(keyword):
            problems.append("\(pointer): unsupported keyword `\(keyword)`")
          case "$ref" where value.string.flatMap(resolve) == nil:
            problems.append("\(pointer): unresolved $ref `\(value.string ?? "\(value)")`")
          case "format" where !Self.formats.contains(value.string ?? ""):
            problems.append("\(pointer): unsupported format `\(value.string ?? "\(value)")`")
          case "type" where !((value.array ?? [value]).allSatisfy { Self.types.contains($0.string ?? "") }):
            problems.append("\(pointer): unknown type \(value)")
          case "pattern" where !Self.compiles(value.string),
            "patternProperties" where !(value.object ?? [:]).keys.allSatisfy({ Self.compiles($0) }):
            problems.append("\(pointer): invalid regular expression in `\(keyword)`")
          case "items" where value.object == nil && value.bool == nil,
            "additionalProperties" where value.object == nil && value.bool == nil:
            problems.append("\(pointer)/\(keyword): not a schema")
          default: break
          }
        }
      }
      return problems
    }

    /// The subschema at `#/…` (a JSON pointer into the root schema).
    func resolve(_ reference: String) -> JSON? {
      guard reference.hasPrefix("#") else { return nil }
      return reference.dropFirst().split(separator: "/").reduce(root as JSON?) { node, token in
        node?[String(token).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")]
      }
    }

    private func escape(_ key: String) -> String {
      key.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    private static func compiles(_ pattern: String?) -> Bool {
      pattern.flatMap { try? NSRegularExpression(pattern: $0) } != nil
    }

    private static func matches(_ pattern: String, _ text: String) -> Bool {
      (try? NSRegularExpression(pattern: pattern))?.firstMatch(in: text, range: NSRange(text.startIndex..., in: text))
        != nil
    }

    private func check(_ value: JSON, _ schema: JSON, _ pointer: String, _ failures: inout [Failure]) {
      func fail(_ keyword: String, _ message: String, at path: String? = nil) {
        failures.append(Failure(pointer: path ?? pointer, keyword: keyword, message: message))
      }
      if schema == .bool(false) { return fail("false", "not allowed here") }
      guard let s = schema.object else { return }
      if let reference = s["$ref"]?.string {
        if let target = resolve(reference) {
          check(value, target, pointer, &failures)
        } else {
          fail("$ref", "unresolved \(reference)")
        }
      }
      if let type = s["type"], !(type.array ?? [type]).contains(where: { Self.has(value, type: $0.string ?? "") }) {
        fail("type", "expected \(type), found \(value)")
      }
      if let constant = s["const"], value != constant { fail("const", "expected \(constant), found \(value)") }
      if let values = s["enum"]?.array, !values.contains(value) {
        fail("enum", "expected one of \(values), found \(value)")
      }
      if case .number(let number) = value, case .number(let minimum)? = s["minimum"], number < minimum {
        fail("minimum", "\(value) is less than \(s["minimum"]!)")
      }
      if case .string(let text) = value {
        let length = text.unicodeScalars.count
        if case .number(let minimum)? = s["minLength"], Double(length) < minimum {
          fail("minLength", "\(value) is too short")
        }
        if case .number(let maximum)? = s["maxLength"], Double(length) > maximum {
          fail("maxLength", "\(value) is too long")
        }
        if let pattern = s["pattern"]?.string, !Self.matches(pattern, text) {
          fail("pattern", "\(value) does not match \(pattern)")
        }
        if s["format"] == "date", CalendarDay(text) == nil { fail("format", "\(value) is not a date YYYY-MM-DD") }
      }
      if case .array(let elements) = value {
        if case .number(let minimum)? = s["minItems"], Double(elements.count) < minimum {
          fail("minItems", "at least \(s["minItems"]!) items")
        }
        if let items = s["items"] {
          for (index, element) in elements.enumerated() { check(element, items, "\(pointer)/\(index)", &failures) }
        }
      }
      if case .object(let members) = value {
        for key in (s["required"]?.array ?? []).compactMap(\.string) where members[key] == nil {
          fail("required", "missing required key `\(key)`")
        }
        let properties = s["properties"]?.object ?? [:]
        let patterns = s["patternProperties"]?.object ?? [:]
        for (key, member) in members.sorted(by: { $0.key < $1.key }) {
          let path = "\(pointer)/\(escape(key))"
          if let property = properties[key] { check(member, property, path, &failures) }
          let matching = patterns.filter { Self.matches($0.key, key) }
          for (_, property) in matching { check(member, property, path, &failures) }
          guard properties[key] == nil, matching.isEmpty, let additional = s["additionalProperties"] else { continue }
          if additional == .bool(false) {
            fail("additionalProperties", "unknown key `\(key)`", at: path)
          } else {
            check(member, additional, path, &failures)
          }
        }
      }
    }

    private static func has(_ value: JSON, type: String) -> Bool {
      switch (value, type) {
      case (.null, "null"), (.bool, "boolean"), (.number, "number"), (.string, "string"), (.array, "array"),
        (.object, "object"):
        true
      case (.number(let number), "integer"): number == number.rounded()
      default: false
      }
    }
  }
}
