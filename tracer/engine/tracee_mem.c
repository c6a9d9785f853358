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
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

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

/* 0, -EFAULT (unmapped, or only partly mapped), -ESRCH, or the refusal
 * (-EPERM, -ENOSYS) that calls for PEEKDATA. */
static int vm_read(pid_t tid, uint64_t addr, void *buf, size_t len)
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

/* ---- reads that may block: userfaultfd ------------------------------------
 *
 * A page registered with userfaultfd (by a privileged process: without
 * UFFD_USER_MODE_ONLY) that is not resident makes any read of it wait, in
 * the kernel, for the tracee's handler to serve the fault: process_vm_readv,
 * PEEKDATA and /proc/PID/mem alike, in an uninterruptible (killable) sleep
 * that SIGTERM does not end. The handler may itself be stopped waiting for
 * us. So for a process that may have such pages (it called userfaultfd(2)
 * or opened /dev/userfaultfd, see plugins/uffd.c) a read is done on a helper
 * thread, given up with -ETIMEDOUT once the helper has slept GUARD_WAIT_MS in
 * all, and the helper is left to finish whenever the fault is served (its
 * own buffer, freed by whoever is last). Only sleep counts: a helper that is
 * running, or runnable and waiting for a CPU, is making progress, and on a
 * loaded machine (a sanitizer build under two busy loops) it can wait for a
 * CPU longer than any fixed bound. The helper's state is read from
 * /proc/self/task/TID/stat every GUARD_SLICE_MS: a fault wait is 'S' or 'D'.
 * At most GUARD_MAX helpers are
 * in flight; with none free, or for a range a stuck helper of the same
 * process is on, a read fails at once. A helper cannot use ptrace (only the
 * tracing thread may), so where process_vm_readv is refused it reads
 * /proc/TID/mem. exit() ends stuck helpers with the process (the sleep is
 * killable). Processes not marked never come here. */
#define GUARD_MAX 4
#define GUARD_WAIT_MS 200
#define GUARD_BUSY_WAIT_MS 20 /* while one of the process's reads is stuck */
#define GUARD_SLICE_MS 5      /* how often the helper's state is looked at */
#define GUARD_CAP_MS 30000    /* a helper that never sleeps is still given up */

struct guard_job {
	pid_t tid, tgid;
	uint64_t addr;
	size_t len;
	int rc;
	bool done;
	unsigned refs;  /* the waiter and the helper */
	pid_t helper;   /* its tid, once it runs (0 before) */
	unsigned char buf[];
};

static pthread_mutex_t guard_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t guard_cond;
static pthread_once_t guard_once = PTHREAD_ONCE_INIT;
static struct guard_job *guard_jobs[GUARD_MAX]; /* in flight (also keeps them reachable) */

/* Test hook (tests/integration/cases.txt, uffd_path_slow_helper): each
 * helper spins this long, runnable, before it reads, as a helper starved of
 * CPU would wait. 0 unless PFD_TEST_SLOW_HELPER_MS is set. */
static long guard_test_spin_ms;

static void guard_init(void)
{
	const char *spin = getenv("PFD_TEST_SLOW_HELPER_MS");
	guard_test_spin_ms = spin ? strtol(spin, NULL, 10) : 0;
	pthread_condattr_t a;
	pthread_condattr_init(&a);
	pthread_condattr_setclock(&a, CLOCK_MONOTONIC);
	pthread_cond_init(&guard_cond, &a);
	pthread_condattr_destroy(&a);
}

static int procmem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	char name[40];
	snprintf(name, sizeof(name), "/proc/%d/mem", (int)tid);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? -ESRCH : -EPERM;
	ssize_t n = pread(fd, buf, len, (off_t)addr);
	int err = errno;
	close(fd);
	if (n == (ssize_t)len)
		return 0;
	return n >= 0 || err == EIO || err == EFAULT ? -EFAULT : -err;
}

/* Called with guard_lock held: drop one reference. */
static void guard_put(struct guard_job *j)
{
	if (--j->refs > 0)
		return;
	for (int i = 0; i < GUARD_MAX; i++)
		if (guard_jobs[i] == j)
			guard_jobs[i] = NULL;
	free(j);
}

static long ms_since(const struct timespec *t0)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000L + (now.tv_nsec - t0->tv_nsec) / 1000000L;
}

static void *guard_helper(void *arg)
{
	struct guard_job *j = arg;
	__atomic_store_n(&j->helper, gettid(), __ATOMIC_RELEASE);
	if (guard_test_spin_ms > 0) {
		struct timespec t0;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		while (ms_since(&t0) < guard_test_spin_ms)
			;
	}
	int rc = vm_read(j->tid, j->addr, j->buf, j->len);
	if (rc == -EPERM || rc == -ENOSYS)
		rc = procmem_read(j->tid, j->addr, j->buf, j->len);
	pthread_mutex_lock(&guard_lock);
	j->rc = rc;
	j->done = true;
	pthread_cond_broadcast(&guard_cond);
	guard_put(j);
	pthread_mutex_unlock(&guard_lock);
	return NULL;
}

/* Whether the helper sleeps now (state S or D in its stat): waiting for
 * something, as for a fault to be served, not for a CPU. Not started yet,
 * or not readable: false (no sign of a wait). */
static bool helper_sleeps(pid_t helper)
{
	char name[64], buf[256];
	if (!helper)
		return false;
	snprintf(name, sizeof(name), "/proc/self/task/%d/stat", (int)helper);
	int fd = open(name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	const char *paren = strrchr(buf, ')'); /* the comm may hold spaces and ')' */
	return paren && paren[1] == ' ' && (paren[2] == 'S' || paren[2] == 'D');
}

static void slice_deadline(struct timespec *until, long ms)
{
	clock_gettime(CLOCK_MONOTONIC, until);
	until->tv_nsec += ms * 1000000L;
	until->tv_sec += until->tv_nsec / 1000000000L;
	until->tv_nsec %= 1000000000L;
}

/* Called with guard_lock held: wait for j until its helper has slept
 * wait_ms in all (GUARD_CAP_MS at most, whatever it does). */
static void guard_wait(struct guard_job *j, int wait_ms)
{
	struct timespec start, until;
	long slept = 0;
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (!j->done && slept < wait_ms && ms_since(&start) < GUARD_CAP_MS) {
		slice_deadline(&until, GUARD_SLICE_MS);
		while (!j->done)
			if (pthread_cond_timedwait(&guard_cond, &guard_lock, &until) == ETIMEDOUT)
				break;
		if (!j->done && helper_sleeps(__atomic_load_n(&j->helper, __ATOMIC_ACQUIRE)))
			slept += GUARD_SLICE_MS;
	}
}

static bool overlaps(const struct guard_job *j, pid_t tgid, uint64_t addr, size_t len)
{
	uint64_t a0 = j->addr & ~(uint64_t)(PAGE - 1), a1 = j->addr + j->len;
	return j->tgid == tgid && addr < a1 && addr + len > a0;
}

static int guarded_read(pid_t tid, pid_t tgid, uint64_t addr, void *buf, size_t len)
{
	int slot = -1, wait_ms = GUARD_WAIT_MS;

	pthread_once(&guard_once, guard_init);
	pthread_mutex_lock(&guard_lock);
	for (int i = 0; i < GUARD_MAX; i++) {
		struct guard_job *o = guard_jobs[i];
		if (!o) {
			if (slot < 0)
				slot = i;
		} else if (overlaps(o, tgid, addr, len)) {
			slot = -2;
			break;
		} else if (o->tgid == tgid) {
			wait_ms = GUARD_BUSY_WAIT_MS;
		}
	}
	if (slot < 0) {
		pthread_mutex_unlock(&guard_lock);
		return -ETIMEDOUT;
	}
	struct guard_job *j = calloc(1, sizeof(*j) + len);
	if (!j) {
		pthread_mutex_unlock(&guard_lock);
		return -ENOMEM;
	}
	*j = (struct guard_job){ .tid = tid, .tgid = tgid, .addr = addr, .len = len, .refs = 2 };
	guard_jobs[slot] = j;

	/* The helper takes no signal: SIGTERM and SIGINT stay ours. */
	pthread_attr_t attr;
	sigset_t all, old;
	pthread_t th;
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&attr, 64 * 1024);
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	int err = pthread_create(&th, &attr, guard_helper, j);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	pthread_attr_destroy(&attr);
	if (err) {
		guard_jobs[slot] = NULL;
		pthread_mutex_unlock(&guard_lock);
		free(j);
		return -ENOMEM;
	}

	guard_wait(j, wait_ms);
	int rc = j->done ? j->rc : -ETIMEDOUT;
	if (j->done && rc == 0)
		memcpy(buf, j->buf, len);
	guard_put(j);
	pthread_mutex_unlock(&guard_lock);
	return rc;
}

int pfd_read_mem_from(const struct pfd_mem_src *src, uint64_t addr, void *buf, size_t len)
{
	pid_t tid = src->tid;
	if (addr == 0)
		return -EFAULT;
	if (src->may_fault) {
		int g = guarded_read(tid, src->tgid, addr, buf, len);
		if (g == -EPERM && !memory_refused(tid))
			return -EFAULT;
		return g;
	}
	int rc = vm_read(tid, addr, buf, len);
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
