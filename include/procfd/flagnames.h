/* procfd-trace: symbolic names for the flag words of the path syscalls. */
#ifndef PROCFD_FLAGNAMES_H
#define PROCFD_FLAGNAMES_H

#include "procfd/export.h"

#include <stddef.h>
#include <stdint.h>

#include "procfd/syscalls.h"

/* Each writes a NUL-terminated "A|B|0x40000" into buf (truncated to size) and
 * returns the length it needed, like snprintf. Unknown bits are kept in hex,
 * so no information is lost. */
PFD_API size_t pfd_format_open_flags(uint64_t flags, char *buf, size_t size);  /* O_RDONLY|O_CLOEXEC */
PFD_API size_t pfd_format_at_flags(uint64_t flags, char *buf, size_t size);    /* AT_SYMLINK_NOFOLLOW; "0" */
PFD_API size_t pfd_format_access_at_flags(uint64_t flags, char *buf, size_t size); /* faccessat2 */
PFD_API size_t pfd_format_handle_at_flags(uint64_t flags, char *buf, size_t size); /* name_to_handle_at */
PFD_API size_t pfd_format_inotify_mask(uint64_t mask, char *buf, size_t size); /* IN_MODIFY|IN_DONT_FOLLOW */
PFD_API size_t pfd_format_rename_flags(uint64_t flags, char *buf, size_t size); /* RENAME_NOREPLACE */
PFD_API size_t pfd_format_resolve(uint64_t resolve, char *buf, size_t size);   /* RESOLVE_*; "0" */
PFD_API size_t pfd_format_access_mode(uint64_t mode, char *buf, size_t size);  /* F_OK, R_OK|W_OK */
PFD_API size_t pfd_format_file_mode(uint64_t mode, char *buf, size_t size);    /* 0644 (octal) */
/* The formatter for a syscall's flags word, by its kind in the table. */
typedef size_t (*pfd_flags_formatter)(uint64_t flags, char *buf, size_t size);
PFD_API pfd_flags_formatter pfd_flags_formatter_for(enum pfd_flags_kind kind);

/* "AT_FDCWD" or the decimal number. */
PFD_API size_t pfd_format_dirfd(int dirfd, char *buf, size_t size);

/* errno -> "ENOENT" (NULL when unknown); also ERESTARTSYS & co (512..516). */
PFD_API const char *pfd_errno_name(int err);

#endif
