/* procfd-trace: the events the engine itself writes: the call (its generic
 * part; plugins add theirs), exec and exit. */
#ifndef PROCFD_CORE_EVENTS_H
#define PROCFD_CORE_EVENTS_H

#include <sys/types.h>

#include "tracer/engine/calls.h"

struct pfd_options;
/* strace's -q/-qq, -T, -t/-tt/-ttt and -r (tracer/cli/options.h), before the
 * first event; registers the text layouts of the engine's events
 * (core_events_text.c). */
void pfd_core_events_configure(unsigned quiet_level, bool call_duration,
			       unsigned absolute_time, bool relative_time);

/* A reported call: the engine's fields (with backtrace, -k, the stack the
 * caller captured at the stop, NULL when it could not be), then each
 * plugin's on_report. */
struct pfd_stack;
void pfd_write_call(struct call_slot *s, bool backtrace, const struct pfd_stack *stack);
void pfd_write_exec(pid_t tid, pid_t old_tid, const char *exe);
/* -p: a process seized with its threads; a thread let go (its process's
 * last: the process goes on untraced). */
void pfd_write_attach(pid_t pid, unsigned threads);
void pfd_write_detach(pid_t pid, pid_t tid, bool last);
/* status: as wait4 gave it */
void pfd_write_exit(pid_t pid, pid_t tid, int status);

#endif
