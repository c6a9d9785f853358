/* procfd-trace: the ptrace event loop. */
#ifndef PROCFD_ENGINE_H
#define PROCFD_ENGINE_H

#include <stdbool.h>
#include <sys/types.h>

#include "procfd/plugin.h"

/* Register the plugins (NULL-terminated, run in this order) and compile
 * their traps. 0 or -errno, after a message naming the culprit. */
int pfd_engine_init(const struct pfd_plugin *const *plugins);

/* -k: capture the stack of every reported call and write it with the call. */
void pfd_engine_set_stacks(bool on);

/* Every trap, NULL-terminated: what the seccomp filter is built from. */
const struct pfd_trap *const *pfd_engine_traps(void);

/* Start tracing a process we launched and seized (launch.c). with_filter says
 * whether our seccomp filter is loaded in it. */
int pfd_engine_adopt_child(pid_t pid, bool with_filter);

/* A thread seized with -p (attach.c), with options that may lack
 * PTRACE_O_TRACEEXIT: opts are set at its first stop. 1 when recorded, 0
 * when known already, -ENOMEM. */
int pfd_engine_add_attached(pid_t tid, pid_t tgid, unsigned long opts);

/* The record of a seized thread that the kernel let go of without a wait
 * status (an execve in an unseized thread took its tid): dropped. */
void pfd_engine_forget_attached(pid_t tid);

/* While attaching: reap what waits (threads an execve killed must be
 * reaped for it to go on) and keep it for the loop. */
void pfd_engine_reap_pending(void);

/* A stop was asked for (SIGINT, SIGTERM, SIGHUP). */
bool pfd_engine_stop_requested(void);

/* -p PID is seized with all its threads: say so (an "attach" event). */
void pfd_engine_attached(pid_t pid);

/* Run until no tracee is left. Returns how procfd-trace should end: the
 * launched command's wait status (in *status, *have_status) if there was one. */
int pfd_engine_run(int *status, bool *have_status);

/* Async-signal-safe: a stop signal (SIGINT, SIGTERM, SIGHUP, SIGQUIT)
 * came, from sender with si_code code. The loop acts on it unless it was
 * meant for the command's process group (see engine.c). */
void pfd_engine_request_stop(int sig, pid_t sender, int code);

#endif
