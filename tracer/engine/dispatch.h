/* procfd-trace: the one way the engine calls its plugins. */
#ifndef PROCFD_DISPATCH_H
#define PROCFD_DISPATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "procfd/plugin.h"

struct trap_entry;

/* Which callback of struct pfd_plugin. */
enum pfd_hook {
	PFD_HOOK_ENTER,        /* on_enter(tracee, call) */
	PFD_HOOK_EXIT,         /* on_exit(tracee, call) */
	PFD_HOOK_FORK,         /* on_fork(fork) */
	PFD_HOOK_EXEC,         /* on_exec(tracee, exec) */
	PFD_HOOK_EXIT_THREAD,  /* on_exit_thread(tracee, exit) */
	PFD_HOOK_EXIT_PROCESS, /* on_exit_process(tracee, exit) */
	PFD_HOOK_FINISH,       /* on_finish() */
};

/* What the callback is about: the fields its hook takes, the rest NULL. */
struct pfd_hook_args {
	struct pfd_tracee *tracee;
	struct pfd_call *call;
	const struct pfd_fork *fork;
	const struct pfd_exec *exec;
	const struct pfd_exit *exit;
	/* PFD_HOOK_ENTER: the trap table's entry and the call's arguments,
	 * from which each plugin is given the trap of its that fired */
	const struct trap_entry *entry;
	const uint64_t *args;
};

#define PFD_ALL_PLUGINS 0x7fffffffu /* every registered plugin (not the engine's bit) */

/* Call hook of each registered plugin i with bit i in plugins, in
 * registration order, skipping those without that callback. Returns the
 * union of what on_enter or on_exit returned (0 for the other hooks). */
unsigned pfd_dispatch(enum pfd_hook hook, uint32_t plugins, const struct pfd_hook_args *a);

/* Whether some registered plugin has that callback. */
bool pfd_hook_used(enum pfd_hook hook);

#endif
