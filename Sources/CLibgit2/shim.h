#ifndef CLIBGIT2_SHIM_H
#define CLIBGIT2_SHIM_H

#include <git2.h>

// git_libgit2_opts is variadic, and Swift cannot call C variadic functions:
// these helpers give each option keygate sets a fixed signature.

/// Turns libgit2's check of every object's hash on read on or off.
/// Off by default in keygate: measured at ~2.5x the read time (DESIGN.md).
static inline int CLibgit2_set_strict_hash_verification(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION, enabled);
}

#endif
