import CLibgit2

/// Process-wide libgit2 set-up: initialisation and the global options keygate relies on.
public enum Libgit2 {
  /// Evaluated once per process, on first use, by the runtime's once-initialiser (`swift_once`),
  /// which every thread sees complete before it goes on. A lock-guarded flag did the same, but
  /// ThreadSanitizer cannot see through the futex under `Synchronization.Mutex` and reported
  /// each later libgit2 call as a race with the initialisation.
  private static let initialised: Void = {
    git_libgit2_init()
    reuseLargeBuffers()
    // Each object is read once: caching would only cost memory and locking (measured: 9 %
    // of a full-history scan's time, 170 MiB). Pack windows of 32 MiB, 256 MiB mapped at
    // most, keep memory flat on repositories of any size.
    _ = CLibgit2_set_caching(0)
    _ = CLibgit2_set_pack_windows(32 << 20, 256 << 20)
    // keygate reads repositories as data and never runs their hooks, filters or configured
    // programs, so a repository owned by another user (a CI checkout made by the runner as
    // root, a volume mounted into the container image) is read like any other.
    _ = CLibgit2_set_owner_validation(0)
  }()

  /// Initialises libgit2 once per process and turns object hash verification on or off.
  ///
  /// Hash verification costs about 2.5x the read time of a blob (DESIGN.md); it is off unless a
  /// forensic scan asks for it.
  /// - Parameter verifyObjectHashes: Whether libgit2 checks each object's hash when it reads it.
  /// The corresponding C functions are `git_libgit2_init` and `git_libgit2_opts`.
  public static func configure(verifyObjectHashes: Bool = false) {
    initialise()
    _ = CLibgit2_set_strict_hash_verification(verifyObjectHashes ? 1 : 0)
  }

  /// Initialises libgit2 once per process, leaving the options as they are. Every entry point
  /// that may call into libgit2 calls this first: libgit2 keeps per-thread error state that
  /// only exists after initialisation.
  public static func initialise() {
    _ = initialised
  }

  /// Large object buffers are reused instead of mapped and unmapped per blob (see the shim).
  private static func reuseLargeBuffers() { CLibgit2_reuse_large_buffers() }

  /// The libgit2 version linked into this binary, e.g. "1.5.1".
  public static var version: String {
    var major: Int32 = 0
    var minor: Int32 = 0
    var revision: Int32 = 0
    git_libgit2_version(&major, &minor, &revision)
    return "\(major).\(minor).\(revision)"
  }
}
