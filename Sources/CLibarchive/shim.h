#ifndef CLIBARCHIVE_SHIM_H
#define CLIBARCHIVE_SHIM_H

#include <archive.h>
#include <archive_entry.h>
#include <string.h>

// archive_set_error is variadic and the file-type constants are casts: Swift can use neither,
// so these helpers give them fixed signatures.

/// Records a read failure of a client callback, so that libarchive reports `message`.
static inline void CLibarchive_set_error(struct archive *archive, const char *message) {
  archive_set_error(archive, -1, "%s", message);  // -1: libarchive's "miscellaneous" errno
}

/// The kinds of entry keygate tells apart.
static inline int CLibarchive_is_regular(struct archive_entry *entry) {
  return archive_entry_filetype(entry) == AE_IFREG;
}
static inline int CLibarchive_is_directory(struct archive_entry *entry) {
  return archive_entry_filetype(entry) == AE_IFDIR;
}
static inline int CLibarchive_is_symlink(struct archive_entry *entry) {
  return archive_entry_filetype(entry) == AE_IFLNK;
}

#endif
