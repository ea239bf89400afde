// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "keygate",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "keygate", targets: ["keygate"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
  ],
  targets: [
    // System libraries: a module map and a shim header each, nothing else.
    .systemLibrary(
      name: "CLibgit2", pkgConfig: "libgit2",
      providers: [.apt(["libgit2-dev"]), .brew(["libgit2"])]),
    .systemLibrary(
      name: "CHyperscan", pkgConfig: "libhs",
      providers: [.apt(["libhyperscan-dev"]), .brew(["vectorscan"])]),
    .systemLibrary(
      name: "CPCRE2", pkgConfig: "libpcre2-8",
      providers: [.apt(["libpcre2-dev"]), .brew(["pcre2"])]),
    .systemLibrary(
      name: "CLibarchive", pkgConfig: "libarchive",
      providers: [.apt(["libarchive-dev"]), .brew(["libarchive"])]),

    // Typed wrappers over the C libraries.
    .target(name: "KeygateGit", dependencies: ["CLibgit2"]),
    .target(name: "KeygateRegex", dependencies: ["CHyperscan", "CPCRE2"]),
    .target(name: "KeygateArchive", dependencies: ["CLibarchive"]),

    // Sources -> matcher -> findings -> gate.
    .target(
      name: "KeygateCore",
      dependencies: ["KeygateGit", "KeygateRegex", "KeygateArchive", .product(name: "Yams", package: "Yams")]),
    .target(name: "KeygateReporters", dependencies: ["KeygateCore"]),

    // The thin command line.
    .executableTarget(
      name: "keygate",
      dependencies: [
        "KeygateCore", "KeygateReporters",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]),

    // libFuzzer targets: a stub unless scripts/fuzz.sh builds it with -sanitize=fuzzer.
    .target(name: "KeygateFuzzTargets", dependencies: ["KeygateCore", "KeygateReporters"], path: "Fuzz/Targets"),
    .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
    .executableTarget(name: "keygate-fuzz", dependencies: ["KeygateFuzzTargets", "CLibFuzzer"], path: "Fuzz/KeygateFuzz"),

    .target(name: "KeygateTestSupport", path: "Tests/KeygateTestSupport"),
    .testTarget(name: "KeygateGitTests", dependencies: ["KeygateGit", "KeygateTestSupport"]),
    .testTarget(name: "KeygateRegexTests", dependencies: ["KeygateRegex"]),
    .testTarget(
      name: "KeygateCoreTests", dependencies: ["KeygateCore", "KeygateTestSupport", "KeygateFuzzTargets"],
      exclude: ["Fixtures"]),
    .testTarget(
      name: "KeygateReportersTests", dependencies: ["KeygateReporters", "KeygateTestSupport"], exclude: ["Golden", "Schemas"]),
    .testTarget(
      name: "KeygateCLITests", dependencies: ["KeygateTestSupport", .product(name: "Yams", package: "Yams")]),
  ],
  swiftLanguageModes: [.v6]
)
