import Foundation

/// One key of the inventory: a reference to where the key lives and what it is for, never its
/// value.
public struct InventoryKey: Sendable {
  public enum Kind: String, Sendable, CaseIterable, Codable { case service, personal }
  public enum Status: String, Sendable, CaseIterable, Codable { case active, rotating, revoked }

  public let name: String
  public let provider: String
  public let kind: Kind
  /// A team for a service key, a person for a personal key.
  public let owner: String
  public let environment: String?
  public let project: String?
  public let created: CalendarDay
  public let rotated: CalendarDay?
  public let expires: CalendarDay?
  /// When the key became `rotating` (its successor was created).
  public let rotationStarted: CalendarDay?
  public let secretRef: String?
  public let usedBy: [String]?
  public let allowedModels: [PolicyConfig.Located<String>]?
  /// The last four characters, as the provider's dashboard shows them.
  public let last4: String?
  public let status: Status
  public let successor: String?
  public let access: [String]
  /// Where the entry and each of its fields are written (the key, e.g. `rotated`, or `entry`).
  public let locations: [String: SourceLocation]

  /// Where `field` is written, else where the entry starts.
  public func location(of field: String) -> SourceLocation { locations[field] ?? locations["entry"]! }

  /// The day the key's age counts from: its last rotation, else its creation.
  public var lastRotated: CalendarDay { rotated ?? created }
}

/// The project's key inventory (`keys.yaml`): which keys exist, who owns them, where they are
/// used, when they were rotated.
///
/// ```yaml
/// version: 1
/// keys:
///   - name: 25-10-AI-TicketNG-Prod
///     provider: openai
///     kind: service
///     owner: team-ticketng
///     environment: prod
///     created: 2025-10-02
///     secret_ref: vault:secret/openai/prod#value
///     used_by: [ticket-api]
///     last4: "Ab3d"
///     status: active
/// ```
public struct KeyInventory: Sendable {
  /// The file, as given.
  public let path: String
  public let keys: [InventoryKey]
  /// People with access to keys; `left` is the day someone left.
  public let people: [Person]

  public struct Person: Sendable, Hashable {
    public let name: String
    public let email: String?
    public let left: CalendarDay?
  }

  static let keys = ["version", "keys", "people"]
  static let entryKeys = [
    "name", "provider", "kind", "owner", "environment", "project", "created", "rotated", "expires",
    "rotation_started", "secret_ref", "used_by", "allowed_models", "last4", "status", "successor", "access",
    "description", "notes",
  ]
  static let personKeys = ["name", "email", "left"]

  /// Reads and validates `path`.
  /// - Throws: `ConfigError` with file:line:column and what was expected.
  public static func load(path: String) throws(ConfigError) -> KeyInventory {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw ConfigError(
        at: nil, "\(path): cannot read the key inventory (check the `inventory:` path in keygate.yaml)")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw ConfigError(at: SourceLocation(file: path, line: 1, column: 1), "the key inventory is not UTF-8 text")
    }
    return try KeyInventory(text: text, path: path)
  }

  public init(text: String, path: String) throws(ConfigError) {
    self.path = path
    let root = try YAMLNode.parse(text, file: path)
    let top = try root.mapping(allowed: Self.keys)
    guard let versionNode = top["version"] else { throw root.error("missing required key `version` (write `version: 1`)") }
    guard try versionNode.int() == 1 else {
      throw versionNode.error("inventory version \(try versionNode.int()) is not supported; this keygate reads version 1")
    }
    guard let keysNode = top["keys"] else {
      throw root.error("missing required key `keys` (a list of keys; `keys: []` for none)")
    }
    var keys: [InventoryKey] = []
    for entry in try keysNode.sequence() { keys.append(try Self.key(entry)) }
    self.keys = keys
    var people: [Person] = []
    for person in try top["people"]?.sequence() ?? [] {
      let fields = try person.mapping(allowed: Self.personKeys)
      guard let nameNode = fields["name"] else { throw person.error("missing required key `name`") }
      people.append(
        Person(name: try nameNode.string(), email: try fields["email"]?.string(), left: try fields["left"].map(Self.day)))
    }
    self.people = people
  }

  private static func key(_ entry: YAMLNode) throws(ConfigError) -> InventoryKey {
    let fields = try entry.mapping(allowed: entryKeys)
    var locations = ["entry": entry.location]
    for (key, node) in fields { locations[key] = node.location }
    func required(_ key: String, _ hint: String) throws(ConfigError) -> YAMLNode {
      guard let node = fields[key] else { throw entry.error("missing required key `\(key)` (\(hint))") }
      return node
    }
    func text(_ key: String) throws(ConfigError) -> String? {
      guard let node = fields[key] else { return nil }
      if node.isNull { return nil }
      return try node.string()
    }
    func list(_ key: String) throws(ConfigError) -> [String]? { try fields[key]?.strings() }

    let name = try required("name", "the key's name, e.g. 25-10-AI-TicketNG-Prod").string()
    let provider = try required("provider", "e.g. openai, anthropic, github").string()
    let kindNode = try required("kind", "service or personal")
    guard let kind = InventoryKey.Kind(rawValue: try kindNode.string()) else {
      throw kindNode.error("expected `service` or `personal`")
    }
    let owner = try required("owner", "a team for a service key, a person for a personal key").string()
    let created = try day(try required("created", "the day the key was created, YYYY-MM-DD"))
    var status = InventoryKey.Status.active
    if let node = fields["status"] {
      guard let value = InventoryKey.Status(rawValue: try node.string()) else {
        throw node.error("expected one of active, rotating, revoked")
      }
      status = value
    }
    let last4 = try text("last4")
    if let last4, last4.count != 4, let node = fields["last4"] {
      throw node.error("expected the key's last four characters, as the provider's dashboard shows them")
    }
    var allowedModels: [PolicyConfig.Located<String>]?
    if let node = fields["allowed_models"] {
      allowedModels = []
      for element in try node.sequence() {
        allowedModels?.append(PolicyConfig.Located(value: try element.string(), location: element.location))
      }
    }
    return InventoryKey(
      name: name, provider: provider, kind: kind, owner: owner, environment: try text("environment"),
      project: try text("project"), created: created, rotated: try fields["rotated"].map(day),
      expires: try fields["expires"].map(day), rotationStarted: try fields["rotation_started"].map(day),
      secretRef: try text("secret_ref"), usedBy: try list("used_by"), allowedModels: allowedModels, last4: last4,
      status: status, successor: try text("successor"), access: try list("access") ?? [], locations: locations)
  }

  private static func day(_ node: YAMLNode) throws(ConfigError) -> CalendarDay {
    let text = try node.string()
    guard let day = CalendarDay(text) else { throw node.error("expected a date YYYY-MM-DD, found `\(text)`") }
    return day
  }
}
