/* procfd-trace: remote unwinding of a stopped thread into raw ips (the
 * capture half of the stack service; tracer/stack/stack.c holds the rest). */
#ifndef PROCFD_UNWIND_H
#define PROCFD_UNWIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The unwinder's state for one process image (an address space and its
 * caches of unwind info). Made at the image's first capture, freed at exec
 * or exit: ips of one image say nothing about the next. */
struct pfd_unwinder;

/* Whether a tracee of this audit arch can be unwound (the unwinder is the
 * tracer's own arch only: an i386 tracee cannot be unwound by a 64-bit
 * libunwind). */
bool pfd_unwind_arch_supported(uint32_t audit_arch);

/* For the process thread tid belongs to. NULL when out of memory. */
struct pfd_unwinder *pfd_unwinder_new(pid_t tid);
void pfd_unwinder_free(struct pfd_unwinder *uw);

/* The image's mappings changed (seen by the caller): drop cached unwind
 * info, which may describe code that is no longer there. tid is a live
 * thread of the process. */
void pfd_unwinder_flush(struct pfd_unwinder *uw, pid_t tid);

/* The ips of stopped thread tid, innermost first, at most max (>= 1).
 * Returns how many, or -errno: -ESRCH when the thread is gone or not in a
 * ptrace stop, -EFAULT when not even its registers could be read. */
int pfd_unwind(struct pfd_unwinder *uw, pid_t tid, uint64_t *ips, size_t max);

/* Counters, for the tests and the benchmark. */
struct pfd_unwind_stats {
	uint64_t captures;   /* pfd_unwind calls that read registers */
	uint64_t page_reads; /* process_vm_readv calls that filled the page cache */
	uint64_t peek_words; /* PTRACE_PEEKDATA reads, after process_vm_readv failed */
	uint64_t memo_hits;  /* captures answered by replaying a past walk */
};

/* The deepest walk kept for replay (deeper ones are walked every time). */
#define PFD_UNWIND_MEMO_FRAMES 64
void pfd_unwind_get_stats(struct pfd_unwind_stats *out);

/* Tests only: make process_vm_readv fail with errno err (0: stop), to
 * exercise the PTRACE_PEEKDATA fallback where nothing filters the call. */
void pfd_unwind_simulate_vm_readv_error(int err);

#endif
