/* procfd-trace: how a call on a /proc fd link resolved, and why, as pure
 * functions of the event (unit-tested without a tracee). */
#ifndef PROCFD_RULES_H
#define PROCFD_RULES_H

#include <stdbool.h>
#include <stddef.h>

#include "procfd/event.h"

/* Does the call follow the final magic link (as opposed to acting on the
 * link itself)? A trailing slash always makes the walk follow. */
bool pfd_call_follows(const struct pfd_syscall_event *ev);

/* The resolution of a finished (or unfinished) call. */
enum pfd_resolution pfd_resolve(const struct pfd_syscall_event *ev);

/* One plain sentence explaining ev->resolution, into buf. */
void pfd_explain(const struct pfd_syscall_event *ev, char *buf, size_t size);

#endif
