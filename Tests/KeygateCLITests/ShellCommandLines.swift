import Foundation

/// The `keygate` command lines in a shell script line, split into arguments as `sh` would:
/// quotes, backslashes, `$NAME`/`${NAME}` from given variables (unquoted values split at
/// spaces), `${{ … }}` GitHub expressions, comments, and `&&`, `||`, `;`, `|` between commands.
/// Whatever the examples should not need (command substitution, an undefined variable) is an
/// error naming the line, so an example cannot silently escape the check.
struct ShellCommandLines {
  struct Problem: Error, CustomStringConvertible {
    let description: String
  }

  /// Values of the variables the script may use.
  var variables: [String: String]
  /// Variables the CI system defines (GitLab's `CI_…`), whose exact value does not matter.
  var isPredefined: @Sendable (String) -> Bool = { _ in false }
  /// The value of every `${{ … }}` expression (GitHub Actions).
  var expressionValue = "0123456789abcdef0123456789abcdef01234567"

  /// The argument lists (without the program) of every command in `line` whose program is
  /// `keygate`, or the arguments after the image of `docker run … IMAGE` when the image is
  /// keygate's.
  func keygateCommands(in line: String) throws(Problem) -> [[String]] {
    let commands = try commands(in: line).compactMap { words -> [String]? in
      guard let program = words.first else { return nil }
      if program == "keygate" || program.hasSuffix("/keygate") { return Array(words.dropFirst()) }
      if program == "docker", words.count > 1, words[1] == "run",
        let image = words.firstIndex(where: { $0.hasPrefix("keygate:") || $0.contains("/keygate:") })
      {
        return Array(words[(image + 1)...])
      }
      return nil
    }
    if commands.joined().contains(where: { $0.contains(Self.substituted) }) {
      throw Problem(description: "a keygate argument comes from a command substitution, in: \(line)")
    }
    return commands
  }

  /// Stands for the output of `$(…)`, which only other programs' arguments may hold.
  static let substituted = "\u{1}substituted"

  /// Every simple command of `line`, as its words.
  func commands(in line: String) throws(Problem) -> [[String]] {
    var commands: [[String]] = []
    var words: [String] = []
    var word = ""
    var inWord = false
    var characters = Array(line)[...]

    func endWord() {
      if inWord { words.append(word) }
      word = ""
      inWord = false
    }
    func endCommand() {
      endWord()
      if !words.isEmpty { commands.append(words) }
      words = []
    }

    while let character = characters.popFirst() {
      switch character {
      case " ", "\t", "\n":
        endWord()
      case "#" where !inWord:
        characters = []
      case ";", "|", "&":
        if character != ";", characters.first == character { characters.removeFirst() }
        endCommand()
      case "'":
        inWord = true
        guard let close = characters.firstIndex(of: "'") else { throw Problem(description: "unclosed ' in: \(line)") }
        word += String(characters[..<close])
        characters = characters[(close + 1)...]
      case "\"":
        inWord = true
        var closed = false
        while let inner = characters.popFirst() {
          if inner == "\"" {
            closed = true
            break
          }
          if inner == "\\", let next = characters.first, "\"\\$`".contains(next) {
            word.append(characters.removeFirst())
          } else if inner == "$" {
            word += try expand(&characters, in: line)
          } else if inner == "`" {
            throw Problem(description: "command substitution in: \(line)")
          } else {
            word.append(inner)
          }
        }
        if !closed { throw Problem(description: "unclosed \" in: \(line)") }
      case "\\":
        inWord = true
        if let next = characters.popFirst(), next != "\n" { word.append(next) }
      case "$":
        let value = try expand(&characters, in: line)
        // Unquoted: the value is split at spaces, and an empty value is no word at all.
        let parts = value.split(whereSeparator: \.isWhitespace)
        for (index, part) in parts.enumerated() {
          if index > 0 { endWord() }
          word += part
          inWord = true
        }
      case "`":
        throw Problem(description: "command substitution in: \(line)")
      case ">", "<":
        // A redirection: neither its file descriptor (`2>`) nor its target is an argument.
        if inWord, word.allSatisfy(\.isNumber) {
          word = ""
          inWord = false
        }
        endWord()
        while characters.first == ">" || characters.first == "&" { characters.removeFirst() }
        while characters.first == " " { characters.removeFirst() }
        while let next = characters.first, !" \t;|&".contains(next) { characters.removeFirst() }
      default:
        inWord = true
        word.append(character)
      }
    }
    endCommand()
    return commands
  }

  /// The value of the expansion after a `$`.
  private func expand(_ characters: inout ArraySlice<Character>, in line: String) throws(Problem) -> String {
    switch characters.first {
    case "(":
      var depth = 0
      while let next = characters.popFirst() {
        if next == "(" { depth += 1 }
        if next == ")" { depth -= 1 }
        if depth == 0 { return Self.substituted }
      }
      throw Problem(description: "unclosed $( in: \(line)")
    case "{" where characters.dropFirst().first == "{":
      guard let close = characters.indices.first(where: { characters[$0...].starts(with: "}}") }) else {
        throw Problem(description: "unclosed ${{ in: \(line)")
      }
      characters = characters[(close + 2)...]
      return expressionValue
    case "{":
      guard let close = characters.firstIndex(of: "}") else { throw Problem(description: "unclosed ${ in: \(line)") }
      let name = String(characters[characters.index(after: characters.startIndex)..<close])
      characters = characters[(close + 1)...]
      return try value(of: name, in: line)
    default:
      var name = ""
      while let next = characters.first, next.isLetter || next.isNumber || next == "_" {
        name.append(characters.removeFirst())
      }
      if name.isEmpty { return "$" }
      return try value(of: name, in: line)
    }
  }

  private func value(of name: String, in line: String) throws(Problem) -> String {
    guard let value = variables[name] ?? (isPredefined(name) ? "predefined-\(name.lowercased())" : nil) else {
      throw Problem(description: "$\(name) is not defined by the example or the CI system, in: \(line)")
    }
    return value
  }
}
