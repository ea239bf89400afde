import KeygateTestSupport
import Testing

@testable import KeygateCore

@Suite struct ExampleTemplateTests {
  func expand(_ template: String) throws -> String { try ExampleTemplate(template).expanded() }

  @Test func textWithoutPlaceholdersIsCopied() throws {
    #expect(try expand("") == "")
    #expect(
      try expand("OPENAI_API_KEY=sk-proj-xxxx $HOME {braces} $ {") == "OPENAI_API_KEY=sk-proj-xxxx $HOME {braces} $ {")
  }

  @Test(arguments: [
    ("alnum", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"),
    ("urlsafe", "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"),
    ("hex", "0123456789abcdef"),
  ])
  func randomPlaceholderGivesNCharactersOfItsAlphabet(kind: String, alphabet: String) throws {
    for count in [1, 20, 74, 4096] {
      let text = try expand("${\(kind):\(count)}")
      #expect(text.count == count)
      #expect(text.allSatisfy(alphabet.contains), "\(text)")
    }
    // Over a long run every character of the alphabet turns up.
    #expect(Set(try expand("${\(kind):4096}")) == Set(alphabet))
  }

  @Test func placeholdersAreReplacedInPlace() throws {
    let text = try expand("key=sk-proj-${alnum:10}/${hex:6}!${urlsafe:3}")
    let parts = text.split(separator: "/")
    #expect(parts.count == 2)
    #expect(parts[0].hasPrefix("key=sk-proj-") && parts[0].count == "key=sk-proj-".count + 10)
    #expect(parts[1].count == 6 + 1 + 3)
    #expect(parts[1].dropFirst(6).first == "!")
  }

  @Test func base64MarkerIsOpenAIs() throws {
    #expect(try expand("${base64:OpenAI}") == TestKeys.openAIMarker)
    #expect(TestKeys.openAIMarker.count == 8)
    #expect(try expand("a${base64:OpenAI}b") == "a" + TestKeys.openAIMarker + "b")
  }

  /// RFC 4648 section 10 test vectors.
  @Test(arguments: [
    ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="),
    ("foobar", "Zm9vYmFy"),
  ])
  func base64(text: String, encoded: String) throws {
    #expect(try expand("${base64:\(text)}") == encoded)
  }

  @Test func base64EncodesUTF8Bytes() throws {
    // "é" is C3 A9; "?>" gives the two characters past the alphanumerics, "+" and "/".
    #expect(try expand("${base64:é}") == "w6k=")
    #expect(try expand("${base64:?>?}") == "Pz4/")
  }

  @Test func expansionIsDeterministic() throws {
    let template = "OPENAI_API_KEY=sk-proj-${urlsafe:74}${base64:OpenAI}${urlsafe:74}"
    let first = try expand(template)
    #expect(try expand(template) == first)
    #expect(try ExampleTemplate(template).expanded() == first)
  }

  @Test func differentTemplatesAndPlaceholdersGiveDifferentText() throws {
    // The generator is seeded by the whole template and advances between placeholders.
    let a = try expand("${alnum:32}")
    let b = try expand("${alnum:32} ")
    #expect(a != String(b.dropLast()))
    let pair = try expand("${alnum:32}|${alnum:32}").split(separator: "|")
    #expect(pair[0] != pair[1])
  }

  @Test(arguments: [
    ("${alpha:5}", "unknown placeholder kind `alpha`; expected one of alnum, urlsafe, b64, hex, HEX, lower, upper, lowernum, uppernum, digits or base64"),
    ("${:5}", "unknown placeholder kind ``; expected one of alnum, urlsafe, b64, hex, HEX, lower, upper, lowernum, uppernum, digits or base64"),
    ("${ALNUM:5}", "unknown placeholder kind `ALNUM`; expected one of alnum, urlsafe, b64, hex, HEX, lower, upper, lowernum, uppernum, digits or base64"),
    ("${alnum:0}", "placeholder `${alnum:0}` needs a length from 1 to 4096"),
    ("${hex:4097}", "placeholder `${hex:4097}` needs a length from 1 to 4096"),
    ("${urlsafe:-3}", "placeholder `${urlsafe:-3}` needs a length from 1 to 4096"),
    ("${alnum:ten}", "placeholder `${alnum:ten}` needs a length from 1 to 4096"),
    ("${alnum:}", "placeholder `${alnum:}` needs a length from 1 to 4096"),
    ("${alnum}", "placeholder `${alnum}` needs a kind and an argument, e.g. `${alnum:20}`"),
    ("sk-${alnum:20", "unclosed `${` in example template"),
    ("ok ${hex:4} then ${", "unclosed `${` in example template"),
  ])
  func invalidTemplateThrows(template: String, message: String) throws {
    let error = try #require(throws: ExampleTemplate.Error.self) { try expand(template) }
    #expect(error.description == message)
  }
}
