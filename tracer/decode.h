/* procfd-trace: a syscall's arguments, from registers to the event. */
#ifndef PROCFD_DECODE_H
#define PROCFD_DECODE_H


#include <stdbool.h>
#include <stdint.h>

#include "procfd/event.h"

/* Fill ev (identity, arguments, path) for the call described by info, which
 * PTRACE_GET_SYSCALL_INFO returned at a seccomp or syscall-entry stop. */
void pfd_decode_entry(struct pfd_syscall_event *ev, pid_t pid, pid_t tid,
		      const struct pfd_syscall_desc *sc, uint32_t arch, uint64_t nr,
		      const uint64_t args[6]);

/* Record the result from a syscall-exit stop's info. */
void pfd_decode_exit(struct pfd_syscall_event *ev, int64_t rval, bool is_error);

#endif
