/* procfd-trace: the ptrace event loop. */
#ifndef PROCFD_ENGINE_H
#define PROCFD_ENGINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "procfd/plugin.h"

/* Plugins run in this order; NULL-terminated. 0 or -errno. */
int pfd_engine_init(const struct pfd_plugin *const *plugins);

/* The NULL-terminated union of the syscall names the plugins trap. */
const char *const *pfd_engine_syscalls(void);

/* Start tracing a process we launched and seized (launch.c). with_filter says
 * whether our seccomp filter is loaded in it. */
int pfd_engine_adopt_child(pid_t pid, bool with_filter);

/* Run until no tracee is left. Returns how procfd-trace should end: the
 * launched command's wait status (in *status, *have_status) if there was one. */
int pfd_engine_run(int *status, bool *have_status);

/* Async-signal-safe: ask the loop to stop (SIGTERM/SIGHUP); sig is kept. */
void pfd_engine_request_stop(int sig);

#endif
