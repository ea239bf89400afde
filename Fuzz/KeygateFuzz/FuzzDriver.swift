// libFuzzer driver for keygate's fuzz targets (Fuzz/Targets). Built and run by scripts/fuzz.sh
// (`swift build -Xswiftc -sanitize=fuzzer,address -Xswiftc -DKEYGATE_FUZZING`); KEYGATE_FUZZ_TARGET
// chooses the target. Without KEYGATE_FUZZING it is a stub, so that `swift build` succeeds.

#if KEYGATE_FUZZING
  import CLibFuzzer
  import Foundation
  import KeygateFuzzTargets

  let target: FuzzTarget = {
    guard let name = ProcessInfo.processInfo.environment["KEYGATE_FUZZ_TARGET"], let target = FuzzTarget(rawValue: name)
    else { fatalError("set KEYGATE_FUZZ_TARGET to one of \(FuzzTarget.allCases.map(\.rawValue))") }
    return target
  }()

  @_cdecl("LLVMFuzzerTestOneInput")
  public func fuzzOne(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    if let violation = target.run(UnsafeRawBufferPointer(start: data, count: size)) { fatalError(violation) }
    return 0
  }

  @main enum KeygateFuzz {
    static func main() {
      var argc = CommandLine.argc
      var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
      exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in fuzzOne(data, size) })
    }
  }
#else
  @main enum KeygateFuzz {
    static func main() {
      print("keygate-fuzz is built by scripts/fuzz.sh (libFuzzer, -sanitize=fuzzer); this build has no fuzz driver.")
    }
  }
#endif
