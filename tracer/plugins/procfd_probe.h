/* procfd-trace: what a /proc fd link held at syscall entry, read from the
 * tracer's side of /proc while the tracee is stopped. */
#ifndef PROCFD_PROBE_H
#define PROCFD_PROBE_H

#include <stddef.h>
#include <sys/types.h>

#include "procfd/event.h"

/* Probe ev->link (pid, tid, fd, what) into ev->probe and ev->target. The
 * textual target is resolved inside the root of the caller ev->tid. */
void pfd_probe_link(struct pfd_syscall_event *ev);

/* readlink of /proc/<tid>/cwd (dirfd < 0) or /proc/<tid>/fd/<dirfd>. Returns
 * the length, or -errno. */
ssize_t pfd_probe_base(pid_t tid, int dirfd, char *buf, size_t size);

/* Fill t->kind, t->anon_name from the text and st_mode (pure). */
void pfd_target_classify(struct pfd_target *t);

#endif
