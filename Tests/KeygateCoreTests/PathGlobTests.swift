import Testing

@testable import KeygateCore

/// Path patterns as in `.gitignore`, used by `skip_paths`, allowlists and `.keygateignore`.
@Suite struct PathGlobTests {
  static func glob(_ pattern: String) throws -> PathGlob { try PathGlob(pattern) }

  @Test(arguments: [
    // A pattern without `/` matches the file name at any depth.
    ("*.min.js", "c.min.js", true), ("*.min.js", "a/b/c.min.js", true), ("*.min.js", "a/b/c.js", false),
    ("*.min.js", "min.js", false), ("*.min.js", "a/c.min.js.map", false), ("*.min.js", "a/c.min.jsx", false),
    ("package-lock.json", "package-lock.json", true), ("package-lock.json", "web/package-lock.json", true),
    ("package-lock.json", "web/package-lock.json.bak", false),
    ("*", "anything/at/all.txt", true),
    // `**/x/**`: a folder named x at any depth.
    ("**/fixtures/**", "fixtures/a.txt", true), ("**/fixtures/**", "test/fixtures/a.txt", true),
    ("**/fixtures/**", "a/b/fixtures/c/d/e.txt", true), ("**/fixtures/**", "test/fixtures2/a.txt", false),
    ("**/fixtures/**", "test/my-fixtures/a.txt", false), ("**/fixtures/**", "test/a.fixtures", false),
    // `docs/**`: everything below docs at the root only.
    ("docs/**", "docs/a.md", true), ("docs/**", "docs/x/y/z.md", true), ("docs/**", "src/docs/a.md", false),
    ("docs/**", "docs2/a.md", false), ("docs/**", "doc/a.md", false),
    // `**/name`: at the root and nested.
    ("**/package-lock.json", "package-lock.json", true), ("**/package-lock.json", "a/package-lock.json", true),
    ("**/package-lock.json", "a/b/c/package-lock.json", true), ("**/package-lock.json", "a/package-lock.jsonx", false),
    ("**/package-lock.json", "a/xpackage-lock.json", false),
    // `**` between segments takes zero or more.
    ("src/**/*.js", "src/a.js", true), ("src/**/*.js", "src/x/y/a.js", true), ("src/**/*.js", "lib/src/a.js", false),
    ("src/**/*.js", "src/x/a.ts", false),
    // `*` stays within one segment.
    ("src/*.js", "src/a.js", true), ("src/*.js", "src/lib/a.js", false), ("a/*/c", "a/b/c", true),
    ("a/*/c", "a/b/b/c", false), ("a/*/c", "a/c", false),
    // `?` is one character, never `/`.
    ("file?.txt", "file1.txt", true), ("file?.txt", "deep/fileA.txt", true), ("file?.txt", "file.txt", false),
    ("file?.txt", "file12.txt", false), ("src/?.js", "src/a.js", true), ("src/?.js", "src/ab.js", false),
    ("a?b", "a/b", false),
    // A leading `/` anchors a name at the root; a pattern with `/` is anchored anyway.
    ("/config.yml", "config.yml", true), ("/config.yml", "sub/config.yml", false),
    ("config/app.yml", "config/app.yml", true), ("config/app.yml", "x/config/app.yml", false),
    ("/config/app.yml", "config/app.yml", true),
    // Matching is exact and case-sensitive.
    ("README.md", "readme.md", false), ("a/b", "a/b/c", false), ("a/b/c", "a/b", false),
  ])
  func pathMatches(pattern: String, path: String, expected: Bool) throws {
    #expect(try Self.glob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
  }

  @Test func starMatchesEmptyAndManyCharacters() throws {
    let glob = try Self.glob("*.env")
    #expect(glob.matches(".env"))
    #expect(glob.matches("prod.env"))
    #expect(glob.matches("deploy/very.long.name.env"))
    #expect(!glob.matches("prod.env.example"))
    #expect(try Self.glob("a*b*c").matches("abc"))
    #expect(try Self.glob("a*b*c").matches("a-b-b-c"))
    #expect(!(try Self.glob("a*b*c").matches("a-b-b-cd")))
  }

  @Test func descriptionIsThePatternAsWritten() throws {
    #expect(try Self.glob("/docs/**").description == "/docs/**")
    #expect(try Self.glob("/docs/**").pattern == "/docs/**")
    #expect(try Self.glob("*.min.js") == Self.glob("*.min.js"))
  }

  @Test func emptyPatternIsAnError() {
    let error = #expect(throws: PathGlob.Error.self) { try PathGlob("") }
    #expect(error?.description == "an empty path pattern matches nothing")
  }

  @Test(arguments: ["/", "//", "///"])
  func patternWithOnlySlashesIsAnError(pattern: String) {
    let error = #expect(throws: PathGlob.Error.self) { try PathGlob(pattern) }
    #expect(error?.description == "the path pattern `\(pattern)` has no file name part")
  }

  /// `.gitignore`: "A trailing `/**` matches everything inside" — not the folder (or a file)
  /// of that name itself.
  @Test
  func trailingDoubleStarDoesNotMatchAFileOfTheFoldersName() throws {
    #expect(!(try Self.glob("docs/**").matches("docs")))
    #expect(!(try Self.glob("**/fixtures/**").matches("test/fixtures")))
  }
}
