/* procfd-trace: starting COMMAND under the tracer. */
#ifndef PROCFD_LAUNCH_H
#define PROCFD_LAUNCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "filters/seccomp_filter.h"

/* Find cmd as execvp(3) would. 0 with the path in out; else prints why and
 * returns the shell's status for it: 127 (not found), 126 (not executable). */
int pfd_resolve_command(const char *cmd, char *out, size_t size);

/* Fork, install filter (NULL: none) in the child, seize it with opts and
 * let it exec path. Returns the pid, or -1 after printing why.
 * *filter_loaded says whether the child runs under the filter (a kernel, or
 * a filter procfd-trace itself runs under, may refuse it). */
pid_t pfd_launch(const char *path, char **argv, const struct pfd_bpf *filter,
		 unsigned long opts, bool *filter_loaded);

#endif
