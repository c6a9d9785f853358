/* procfd-trace: tracee memory access.
 *
 * process_vm_readv is one syscall per range; it fails with EPERM/ENOSYS where
 * it is filtered (some container runtimes), and then PTRACE_PEEKDATA, a word
 * at a time, still works for a tracer. The fallback is decided per read,
 * never remembered: process_vm_readv also says EPERM for one process a
 * non-root tracer may not read (not dumpable), and that must not send every
 * later read of every other process down the slow path. Strings are read a
 * page at a time: a path near the end of a mapping must not make us read the
 * unmapped page after it, or a valid path would look unreadable. */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/engine/guarded_read.h"
#include "tracer/engine/tracee_mem.h"

#define PAGE 4096u

static long peek_word(pid_t tid, uint64_t aligned, int *err)
{
	errno = 0;
	long word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)aligned, NULL);
	*err = errno;
	return word;
}

static int peek_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	uint64_t aligned = addr & ~(uint64_t)(sizeof(long) - 1);
	size_t skip = (size_t)(addr - aligned);

	while (len > 0) {
		int err;
		long word = peek_word(tid, aligned, &err);
		if (err)
			return err == EIO ? -EFAULT : -err;
		size_t n = sizeof(word) - skip;
		if (n > len)
			n = len;
		memcpy(out, (unsigned char *)&word + skip, n);
		out += n;
		len -= n;
		aligned += sizeof(word);
		skip = 0;
	}
	return 0;
}

int pfd_vm_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0 || errno == EFAULT)
		return -EFAULT;
	return -errno;
}

/* PEEKDATA answers EIO both for an unmapped address and for a tracee whose
 * memory the kernel will not let us read (ptrace_access_vm: not dumpable and
 * no CAP_SYS_PTRACE over it). The word at the thread's instruction pointer is
 * mapped at any ptrace stop (PEEKDATA reads even unreadable pages), so
 * failing there means the memory as a whole is refused. */
static bool memory_refused(pid_t tid)
{
	struct __ptrace_syscall_info info;
	int err;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info) <= 0)
		return false;
	peek_word(tid, info.instruction_pointer & ~(uint64_t)(sizeof(long) - 1), &err);
	return err == EIO;
}

int pfd_read_mem_from(const struct pfd_mem_src *src, uint64_t addr, void *buf, size_t len)
{
	pid_t tid = src->tid;
	if (addr == 0)
		return -EFAULT;
	if (src->may_fault) {
		int g = pfd_guarded_read(tid, src->tgid, addr, buf, len);
		if (g == -EPERM && !memory_refused(tid))
			return -EFAULT;
		return g;
	}
	int rc = pfd_vm_read(tid, addr, buf, len);
	if (rc != -EPERM && rc != -ENOSYS)
		return rc;
	int peeked = peek_mem(tid, addr, buf, len);
	if (peeked == -EFAULT && rc == -EPERM && memory_refused(tid))
		return -EPERM;
	return peeked;
}

int pfd_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct pfd_mem_src src = { .tid = tid };
	return pfd_read_mem_from(&src, addr, buf, len);
}

ssize_t pfd_read_string(pid_t tid, uint64_t addr, char *buf, size_t size, bool *truncated)
{
	struct pfd_mem_src src = { .tid = tid };
	return pfd_read_string_from(&src, addr, buf, size, truncated);
}

ssize_t pfd_read_string_from(const struct pfd_mem_src *src, uint64_t addr, char *buf,
			     size_t size, bool *truncated)
{
	size_t got = 0;

	/* All size bytes may be read: a path of PATH_MAX - 1 bytes has its NUL
	 * at buf[PATH_MAX - 1], and the kernel accepts it. */
	*truncated = false;
	while (got < size) {
		uint64_t at = addr + got;
		size_t chunk = PAGE - (size_t)(at % PAGE);
		if (chunk > size - got)
			chunk = size - got;
		int rc = pfd_read_mem_from(src, at, buf + got, chunk);
		if (rc < 0) {
			buf[got] = '\0';
			return rc;
		}
		char *nul = memchr(buf + got, '\0', chunk);
		if (nul)
			return nul - buf;
		got += chunk;
	}
	buf[size - 1] = '\0';
	*truncated = true;
	return (ssize_t)(size - 1);
}
