/* procfd-trace: tracee memory access.
 *
 * process_vm_readv is one syscall per range; it fails with EPERM/ENOSYS where
 * it is filtered (some container runtimes), and then PTRACE_PEEKDATA, a word
 * at a time, still works for a tracer. Strings are read a page at a time: a
 * path near the end of a mapping must not make us read the unmapped page after
 * it, or a valid path would look unreadable. */
#include <errno.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

#include "tracer/tracee_mem.h"

#define PAGE 4096u

static int vm_readv_fallback = 0; /* 1 once process_vm_readv proved unusable */

static int peek_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	unsigned char *out = buf;
	uint64_t aligned = addr & ~(uint64_t)(sizeof(long) - 1);
	size_t skip = (size_t)(addr - aligned);

	while (len > 0) {
		errno = 0;
		long word = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)aligned, NULL);
		if (errno)
			return errno == EIO ? -EFAULT : -errno;
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

int pfd_read_mem(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (addr == 0)
		return -EFAULT;
	if (!vm_readv_fallback) {
		struct iovec local = { buf, len };
		struct iovec remote = { (void *)(uintptr_t)addr, len };
		ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
		if (n == (ssize_t)len)
			return 0;
		if (n >= 0 || errno == EFAULT)
			return -EFAULT; /* a partial read means the range ends unmapped */
		if (errno == ESRCH)
			return -ESRCH;
		if (errno != EPERM && errno != ENOSYS)
			return -errno;
		vm_readv_fallback = 1;
	}
	return peek_mem(tid, addr, buf, len);
}

ssize_t pfd_read_string(pid_t tid, uint64_t addr, char *buf, size_t size, bool *truncated)
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
		int rc = pfd_read_mem(tid, at, buf + got, chunk);
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
