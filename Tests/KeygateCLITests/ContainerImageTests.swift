import Foundation
import KeygateTestSupport
import Testing

/// Docker does not run here, so the image is checked where it can go wrong: the runtime stage
/// must install exactly the Debian packages that hold the shared libraries keygate links,
/// beyond what debian:bookworm-slim has and what the build links statically.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/dpkg"), "needs a Debian system (dpkg)"))
struct ContainerImageTests {
  static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..")
    .standardized.path

  /// Linked statically by `swift build --static-swift-stdlib` (the image's build).
  static func isSwiftRuntime(_ soname: String) -> Bool {
    soname.hasPrefix("libswift") || soname.hasPrefix("libFoundation") || soname.hasPrefix("lib_Foundation")
      || soname.hasPrefix("lib_swift")
      || ["libdispatch.so", "libBlocksRuntime.so"].contains(soname)
  }

  /// In debian:bookworm-slim already (apt itself needs them).
  static let basePackages: Set<String> = ["libc6", "libgcc-s1", "libstdc++6"]

  @Test func theRuntimeStageInstallsExactlyTheLibrariesKeygateLinks() throws {
    let dockerfile = try String(contentsOfFile: Self.root + "/Dockerfile", encoding: .utf8)
    let argument = try #require(dockerfile.split(separator: "\n").first { $0.hasPrefix("ARG RUNTIME_PACKAGES=") })
    let listed = Set(argument.dropFirst("ARG RUNTIME_PACKAGES=".count).trimmingCharacters(in: ["\""]).split(separator: " ").map(String.init))

    let binary = KeygateBinary.path
    func neededLibraries(_ file: String) throws -> [String] {
      try run("/usr/bin/env", ["readelf", "-d", file]).stdout.split(separator: "\n")
        .filter { $0.contains("(NEEDED)") }
        .compactMap { line in line.split(separator: "[").last?.split(separator: "]").first.map(String.init) }
    }
    let ldd = try run("/usr/bin/env", ["ldd", binary]).stdout
    func resolved(_ soname: String) -> String? {
      ldd.split(separator: "\n").first { $0.contains(soname + " ") || $0.contains(soname + "\t") }?
        .split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("/") }.map(String.init)
    }
    var needed = try neededLibraries(binary).filter { !Self.isSwiftRuntime($0) }
    // The image links the Swift runtime statically, and with it what the runtime needs:
    // FoundationNetworking (URLSession, for --verify) brings libcurl.
    for runtime in try neededLibraries(binary).filter(Self.isSwiftRuntime) {
      guard let path = resolved(runtime) else { continue }
      for library in try neededLibraries(path) where !Self.isSwiftRuntime(library) && !needed.contains(library) {
        needed.append(library)
      }
    }
    #expect(needed.contains("libgit2.so.1.5") || needed.contains { $0.hasPrefix("libgit2.so") })
    var packages = Set<String>()
    for soname in needed {
      let line = try #require(ldd.split(separator: "\n").first { $0.contains(soname + " ") || $0.contains(soname + "\t") || $0.hasPrefix("\t" + soname) })
      let path = line.split(whereSeparator: \.isWhitespace).first { $0.hasPrefix("/") }.map(String.init) ?? ""
      var owner = try run("/usr/bin/dpkg", ["-S", path])
      if owner.status != 0, path.hasPrefix("/lib") { owner = try run("/usr/bin/dpkg", ["-S", "/usr" + path]) }
      #expect(owner.status == 0, "no package holds \(path) (\(soname))")
      if let package = owner.stdout.split(separator: ":").first { packages.insert(String(package)) }
    }
    // ca-certificates is no library: libcurl needs it to check the providers' TLS certificates.
    #expect(packages.subtracting(Self.basePackages) == listed.subtracting(["ca-certificates"]))
    #expect(listed.contains("ca-certificates"))
    #expect(dockerfile.contains("--static-swift-stdlib"))
    #expect(dockerfile.contains("USER keygate"))
    #expect(dockerfile.contains("ENTRYPOINT [\"keygate\"]"))
  }
}
