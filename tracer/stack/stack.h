/* procfd-trace: the engine's side of the stack-trace service
 * (include/procfd/stack.h is the plugins' side).
 *
 * Capture: remote unwinding of a stopped thread into raw ips (libunwind).
 * Symbolization: ip -> function+offset, module, file:line (libdw), lazily,
 * from the module map recorded for the image the stack was captured in.
 * Both sit behind this one interface so either backend can be swapped or
 * tested alone. */
#ifndef PROCFD_TRACER_STACK_H
#define PROCFD_TRACER_STACK_H

#include <stdint.h>
#include <sys/types.h>

#include "procfd/stack.h"

/* Once, before tracing. 0 or -errno. */
int pfd_stack_init(void);

/* The stack of stopped thread tid of process pid (audit arch arch) now.
 * NULL with *err = -errno: -ENOSYS (no unwinder for this arch, e.g. i386
 * under a 64-bit libunwind), -ESRCH, -EFAULT... */
const struct pfd_stack *pfd_stack_capture(pid_t pid, pid_t tid, uint32_t arch, int *err);

/* Process pid's image changed (PTRACE_EVENT_EXEC) or it is gone: drop the
 * unwinder's per-process state. Stacks already captured stay valid. */
void pfd_stack_forget_process(pid_t pid);

/* Free everything (end of the trace). */
void pfd_stack_shutdown(void);

#endif
