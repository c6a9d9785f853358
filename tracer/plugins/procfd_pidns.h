/* procfd-trace: pid namespaces. A pid in a tracee's path is a number of the
 * /proc the tracee sees, which may belong to another pid namespace. */
#ifndef PROCFD_PIDNS_H
#define PROCFD_PIDNS_H

#include <stdbool.h>
#include <sys/types.h>

#include "procfd/event.h"

/* Set ev->in_pidns, ns_pid, ns_tid when the caller's pid namespace is not ours. */
void pfd_pidns_caller(struct pfd_syscall_event *ev);

/* Choose the /proc directory for link (pid/tid as written by the caller
 * ev->tid) and translate a numeric pid to ours when the tracee's /proc
 * numbers processes differently. */
void pfd_pidns_link_dir(const struct pfd_syscall_event *ev, struct pfd_link *link,
			const struct pfd_path_class *pc);

#endif
