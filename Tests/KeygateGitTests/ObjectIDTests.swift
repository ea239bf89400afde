import KeygateGit
import Testing

@Suite struct ObjectIDTests {
  @Test(arguments: [
    "0000000000000000000000000000000000000000",
    "ffffffffffffffffffffffffffffffffffffffff",
    "4b825dc642cb6eb9a060e54bf8d69288fbee4904",
    "0123456789abcdef0123456789abcdef01234567",
    "89abcdef0123456789abcdef0123456789abcdef",
  ])
  func hexRoundTrips(hex: String) throws {
    let id = try #require(ObjectID(hex: hex))
    #expect(id.hex == hex)
    #expect(id.description == hex)
    #expect(ObjectID(hex: id.hex) == id)
  }

  @Test func uppercaseHexIsReadAndWrittenLowercase() throws {
    let id = try #require(ObjectID(hex: "4B825DC642CB6EB9A060E54BF8D69288FBEE4904"))
    #expect(id.hex == "4b825dc642cb6eb9a060e54bf8d69288fbee4904")
  }

  @Test(arguments: [
    "",
    "4b825dc642cb6eb9a060e54bf8d69288fbee490",  // 39 digits
    "4b825dc642cb6eb9a060e54bf8d69288fbee49040",  // 41 digits
    "4b825dc642cb6eb9a060e54bf8d69288fbee490g",  // not hexadecimal
    "4b825dc642cb6eb9a060e54bf8d69288fbee490 ",
    "é4b825dc642cb6eb9a060e54bf8d69288fbee49",  // 40 bytes, 39 characters
  ])
  func invalidHexIsNil(hex: String) {
    #expect(ObjectID(hex: hex) == nil)
  }

  @Test func orderIsTheOrderOfTheHexForm() throws {
    let hexes = [
      "ffffffffffffffffffffffffffffffff00000000", "00000000000000000000000000000000000000ff",
      "0000000000000000ff0000000000000000000000", "00000000000000000000000000000000ffffffff",
      "0000000100000000000000000000000000000000", "0000000000000000000000000000000000000000",
    ]
    let ids = try hexes.map { try #require(ObjectID(hex: $0)) }
    #expect(ids.sorted().map(\.hex) == hexes.sorted())
    #expect(Set(ids).count == hexes.count)
  }
}
