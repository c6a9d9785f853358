/* procfd-trace: does a path name a /proc fd link? A pure function of text.
 *
 * The walk mirrors what the kernel's lookup does with the symlinks on the way
 * (/dev/fd -> /proc/self/fd, /dev/stdin -> /proc/self/fd/0, /proc/self ->
 * /proc/<pid>), so "//proc/./self/fd/../fd/3" and "/dev/fd/3" are both
 * recognised, while "/proc/self/fd/03" is not (procfs rejects leading zeros). */
#ifndef PROCFD_CLASSIFY_H
#define PROCFD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

#include "procfd/event.h"

/* Classify an absolute path (len bytes, no NUL needed). A relative path, or
 * one whose walk cannot be decided from the text, gives PFD_LINK_NONE. */
void pfd_classify_path(const char *path, size_t len, struct pfd_path_class *out);

/* Classify path relative to base (an absolute directory, e.g. the tracee's cwd
 * or the readlink of its dirfd). */
void pfd_classify_relative(const char *base, size_t base_len, const char *path,
			   size_t len, struct pfd_path_class *out);

/* Cheap test before the tracer reads the tracee's cwd or dirfd: could this
 * relative path name an fd link or an fd directory from some base? (last
 * component a decimal number, "fd", "stdin"/"stdout"/"stderr", or any "..") */
bool pfd_relative_may_name_link(const char *path, size_t len);

#endif
