/* procfd-trace: reading the tracee's memory. */
#ifndef PROCFD_TRACEE_MEM_H
#define PROCFD_TRACEE_MEM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Copy len bytes at addr. 0 or -errno (-EFAULT: not mapped; -EPERM: the
 * kernel lets us read none of this tracee's memory, e.g. it is not dumpable
 * and we are not root; -ETIMEDOUT: only with may_fault, the page is not
 * resident and its userfaultfd handler has not served it in time). */
int pfd_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len);

/* Copy the NUL-terminated string at addr into buf (size >= 1 bytes, always
 * NUL-terminated). Returns its length, or -errno. *truncated is set when no
 * NUL came within size - 1 bytes (the kernel would say ENAMETOOLONG). */
ssize_t pfd_read_string(pid_t tid, uint64_t addr, char *buf, size_t size, bool *truncated);

/* Whose memory, and how to read it: built by pfd_guard_src
 * (tracer/engine/guarded_read.h). may_fault: the guarded-read policy marks
 * the process (a read may block), so each read is done on a helper thread and
 * given up after a bounded wait with -ETIMEDOUT. */
struct pfd_mem_src {
	pid_t tid;
	pid_t tgid;
	bool may_fault;
};

int pfd_read_mem_from(const struct pfd_mem_src *src, uint64_t addr, void *buf, size_t len);
ssize_t pfd_read_string_from(const struct pfd_mem_src *src, uint64_t addr, char *buf,
			     size_t size, bool *truncated);

/* One process_vm_readv: 0, -EFAULT (unmapped, or only partly mapped),
 * -ESRCH, or the refusal (-EPERM, -ENOSYS) that calls for PEEKDATA. */
int pfd_vm_read(pid_t tid, uint64_t addr, void *buf, size_t len);

#endif
