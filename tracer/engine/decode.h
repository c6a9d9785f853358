/* procfd-trace: a syscall's arguments, from registers to the call. */
#ifndef PROCFD_DECODE_H
#define PROCFD_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "tracer/engine/calls.h"
#include "filters/traps.h"

/* Fill the slot's call (identity, arguments; the path arguments when the
 * call has them) from a seccomp or syscall-entry stop. may_fault: the
 * process's memory may block a read (userfaultfd): reads are time-bounded. */
void pfd_decode_entry(struct call_slot *s, pid_t pid, pid_t tid, bool may_fault,
		      const struct trap_entry *e, uint32_t arch, uint64_t nr, const uint64_t args[6]);

/* Record the result from a syscall-exit stop. */
void pfd_decode_exit(struct pfd_call *c, int64_t rval, bool is_error);

/* "x86_64", "i386", "x32" */
const char *pfd_arch_name(uint32_t audit_arch, uint64_t nr);

#endif
