/* procfd-trace: the plugin API.
 *
 * A plugin is a set of callbacks the engine calls at each event. The built-in
 * plugins (tracer/plugins/) use nothing but this header and event.h, so a new
 * analysis is a new file, not an engine change. Callbacks run in the tracer
 * while the tracee is stopped: keep the syscall-entry path cheap, since every
 * trapped call goes through it. */
#ifndef PROCFD_PLUGIN_H
#define PROCFD_PLUGIN_H

#include <stdbool.h>

#include "procfd/event.h"

/* What a plugin wants after seeing a syscall entry. */
enum pfd_verdict {
	PFD_PASS = 0,      /* not interested: the call costs one stop */
	PFD_WANT_EXIT,     /* annotate at exit and report the call */
};

struct pfd_plugin {
	const char *name;
	/* NULL-terminated syscall names to trap; the filter is their union. */
	const char *const *syscalls;

	/* 0 or -errno; called once before tracing starts. */
	int (*init)(void);
	/* The event has its arguments decoded (path read, flags, dirfd). */
	enum pfd_verdict (*on_enter)(struct pfd_syscall_event *ev);
	/* The result is known (ev->finished), or the tracee died in the call. */
	void (*on_exit)(struct pfd_syscall_event *ev);
	void (*on_proc_event)(const struct pfd_proc_event *pe);
	void (*on_finish)(void);
};

/* Built-in plugins. */
extern const struct pfd_plugin pfd_plugin_procfd;

#endif
