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

/// Object caching on or off: a scan reads each object once, so caching only costs memory and
/// locking.
static inline int CLibgit2_set_caching(int enabled) {
  return git_libgit2_opts(GIT_OPT_ENABLE_CACHING, enabled);
}

/// How much of the pack files libgit2 keeps mapped: windows of `window` bytes, `limit` bytes in
/// all; least recently used windows are unmapped beyond it. Bounds memory on large repositories.
static inline int CLibgit2_set_pack_windows(size_t window, size_t limit) {
  int rc = git_libgit2_opts(GIT_OPT_SET_MWINDOW_SIZE, window);
  return rc != 0 ? rc : git_libgit2_opts(GIT_OPT_SET_MWINDOW_MAPPED_LIMIT, limit);
}

/// libgit2's check that a repository belongs to the current user (git's safe.directory) on or
/// off. The check keeps git from running hooks and config-named programs of another user's
/// repository; keygate runs nothing from a repository it reads, and must read a repository a
/// CI runner or a container mount hands it under another user id.
static inline int CLibgit2_set_owner_validation(int enabled) {
  return git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, enabled);
}

/// libgit2 inflates each object into a fresh buffer. glibc serves buffers over 128 KiB with a
/// memory map of their own and unmaps them on free, so every large blob costs a page fault per
/// 4 KiB (measured: 7 % of a full-history scan). Buffers up to 64 MiB come from the heap
/// instead, and are reused. Other C libraries are left as they are.
#if defined(__GLIBC__)
#include <malloc.h>
static inline void CLibgit2_reuse_large_buffers(void) {
  mallopt(M_MMAP_THRESHOLD, 64 << 20);
  mallopt(M_TRIM_THRESHOLD, 128 << 20);
}
#else
static inline void CLibgit2_reuse_large_buffers(void) {}
#endif

#endif
