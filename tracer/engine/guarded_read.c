/* procfd-trace: the guarded-read policy. Reads of a tracee's memory that
 * may block are decided and bounded here, for every reader: the engine's
 * path reads (decode), the plugins' pfd_tracee_read*, through
 * tracer/engine/tracee_mem.c.
 *
 * Why a read may block. A page registered with userfaultfd (by a privileged
 * process: without UFFD_USER_MODE_ONLY) that is not resident makes any read
 * of it wait, in the kernel, for the tracee's handler to serve the fault:
 * process_vm_readv, PEEKDATA and /proc/PID/mem alike, in an uninterruptible
 * (killable) sleep that SIGTERM does not end. A page of a file on a FUSE
 * file system that is not in the page cache waits for the FUSE daemon the
 * same way. The handler or the daemon may itself be a tracee stopped
 * waiting for us: the tracer would sleep for good.
 *
 * Who is marked (struct pfd_proc's guard bits): a process that created a
 * userfaultfd (the uffd plugin reports the calls it traps,
 * pfd_tracee_note_may_fault), one seized with -p whose smaps shows
 * userfaultfd ranges (VmFlags um, uw, ui), and one whose executable is on
 * a FUSE file system (at each exec and at attach: its .rodata, where most
 * path strings live, is FUSE-backed). A forked child inherits the marks
 * (UFFD_FEATURE_EVENT_FORK hands it the registrations; it maps the same
 * files); exec drops the userfaultfd mark (the memory is replaced) and
 * looks at the new executable. Unmarked processes are read directly and pay
 * nothing. Not seen: a FUSE file a process maps itself later (mmap is not
 * trapped; finding it would take /proc/PID/maps at each read).
 *
 * How a marked process is read: on a helper thread, given up with
 * -ETIMEDOUT once the helper has slept GUARD_WAIT_MS in all, and the helper
 * is left to finish whenever the fault is served (its own buffer, freed by
 * whoever is last). Only sleep counts: a helper that is running, or
 * runnable and waiting for a CPU, is making progress, and on a loaded
 * machine (a sanitizer build under two busy loops) it can wait for a CPU
 * longer than any fixed bound. The helper's state is read from
 * /proc/self/task/TID/stat every GUARD_SLICE_MS: a fault wait is 'S' or
 * 'D'. At most GUARD_MAX helpers are in flight; with none free, or for a
 * range a stuck helper of the same process is on, a read fails at once. A
 * helper cannot use ptrace (only the tracing thread may), so where
 * process_vm_readv is refused it reads /proc/TID/mem. exit() ends stuck
 * helpers with the process (the sleep is killable). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tracer/engine/guarded_read.h"
#include "tracer/engine/proctab.h"
#include "tracer/engine/tracee_mem.h"

#define PAGE 4096u

/* ---- who is marked ----------------------------------------------------------- */

bool pfd_guard_needed(const struct pfd_proc *p)
{
	return p && p->guard;
}

bool pfd_guard_exe_on_fuse(const struct pfd_proc *p)
{
	return p && (p->guard & PFD_GUARD_FUSE);
}

void pfd_guard_note_uffd(struct pfd_proc *p)
{
	if (p)
		p->guard |= PFD_GUARD_UFFD;
}

void pfd_guard_on_fork(const struct pfd_proc *parent, struct pfd_proc *child)
{
	if (parent && child && parent != child)
		child->guard |= parent->guard;
}

bool pfd_guard_vmflags_uffd(const char *line)
{
	if (strncmp(line, "VmFlags:", 8) != 0)
		return false;
	for (const char *f = line + 8; *f; f++) {
		if (*f == ' ' || *f == '\n')
			continue;
		size_t n = strcspn(f, " \n");
		if (n == 2 && f[0] == 'u' && (f[1] == 'm' || f[1] == 'w' || f[1] == 'i'))
			return true;
		f += n - 1;
	}
	return false;
}

/* A process seized with -p may have made its userfaultfd before. Read once
 * per process, at attach. */
static bool has_uffd_ranges(pid_t pid)
{
	char name[40], line[512];
	snprintf(name, sizeof(name), "/proc/%d/smaps", (int)pid);
	FILE *f = fopen(name, "re");
	bool found = false;
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f))
		found = pfd_guard_vmflags_uffd(line);
	fclose(f);
	return found;
}

bool pfd_guard_mountinfo_fuse(const char *line, unsigned major, unsigned minor)
{
	unsigned ma, mi;
	const char *sep = strstr(line, " - ");
	if (sscanf(line, "%*u %*u %u:%u", &ma, &mi) != 2 || ma != major || mi != minor || !sep)
		return false;
	return !strncmp(sep + 3, "fuse ", 5) || !strncmp(sep + 3, "fuse.", 5) ||
	       !strncmp(sep + 3, "fuseblk ", 8);
}

/* The verdicts on the last file systems looked up, by device and mount id:
 * in a container every executable is on an overlay (an anonymous device
 * too), and reading mountinfo at each exec costs ~70 us there; the pair
 * names one mount for as long as it is mounted (both numbers are reused
 * only after an unmount, and then rarely together). */
#define FS_SEEN 16
static struct fs_seen {
	uint32_t major, minor;
	uint64_t mnt_id;
	bool valid, fuse;
} fs_seen[FS_SEEN];
static unsigned fs_seen_next;

static struct fs_seen *fs_seen_find(const struct statx *sx)
{
	for (unsigned i = 0; i < FS_SEEN; i++)
		if (fs_seen[i].valid && fs_seen[i].major == sx->stx_dev_major &&
		    fs_seen[i].minor == sx->stx_dev_minor && fs_seen[i].mnt_id == sx->stx_mnt_id)
			return &fs_seen[i];
	return NULL;
}

static bool mount_is_fuse(pid_t pid, unsigned major, unsigned minor)
{
	char name[48], line[1024];
	snprintf(name, sizeof(name), "/proc/%d/mountinfo", (int)pid);
	FILE *f = fopen(name, "re");
	bool fuse = false;
	if (!f)
		return false;
	while (!fuse && fgets(line, sizeof(line), f))
		fuse = pfd_guard_mountinfo_fuse(line, major, minor);
	fclose(f);
	return fuse;
}

/* Whether pid's executable is on a FUSE file system. Nothing here may ask
 * the FUSE daemon (it may be a tracee stopped for us; statfs, or a stat
 * that syncs, would): the exe link is followed by procfs without a lookup,
 * AT_STATX_DONT_SYNC keeps FUSE's getattr to its cache, and the device is
 * looked up in the process's mountinfo. FUSE devices are anonymous (major
 * 0): a file on a disk's file system costs the statx alone (~1 us). */
static bool exe_on_fuse(pid_t pid)
{
	char name[48];
	struct statx sx;
	snprintf(name, sizeof(name), "/proc/%d/exe", (int)pid);
	if (statx(AT_FDCWD, name, AT_STATX_DONT_SYNC, STATX_INO | STATX_MNT_ID, &sx) < 0 ||
	    sx.stx_dev_major != 0)
		return false;
	if (!(sx.stx_mask & STATX_MNT_ID))
		return mount_is_fuse(pid, sx.stx_dev_major, sx.stx_dev_minor);
	struct fs_seen *seen = fs_seen_find(&sx);
	if (!seen) {
		seen = &fs_seen[fs_seen_next++ % FS_SEEN];
		*seen = (struct fs_seen){ .major = sx.stx_dev_major, .minor = sx.stx_dev_minor,
					  .mnt_id = sx.stx_mnt_id, .valid = true,
					  .fuse = mount_is_fuse(pid, sx.stx_dev_major,
								sx.stx_dev_minor) };
	}
	return seen->fuse;
}

void pfd_guard_on_exec(struct pfd_proc *p, pid_t pid)
{
	if (!p)
		return;
	p->guard = exe_on_fuse(pid) ? PFD_GUARD_FUSE : 0;
}

void pfd_guard_on_attach(struct pfd_proc *p, pid_t pid)
{
	if (!p)
		return;
	if (has_uffd_ranges(pid))
		p->guard |= PFD_GUARD_UFFD;
	if (exe_on_fuse(pid))
		p->guard |= PFD_GUARD_FUSE;
}

struct pfd_mem_src pfd_guard_src(const struct pfd_tracee *t)
{
	return (struct pfd_mem_src){ .tid = t->tid, .tgid = t->tgid,
				     .may_fault = pfd_guard_needed(t->proc) };
}

/* ---- how a marked process is read ------------------------------------------------ */

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
	int rc = pfd_vm_read(j->tid, j->addr, j->buf, j->len);
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

bool pfd_guard_stat_sleeps(const char *stat)
{
	const char *paren = strrchr(stat, ')'); /* the comm may hold spaces and ')' */
	return paren && paren[1] == ' ' && (paren[2] == 'S' || paren[2] == 'D');
}

/* Whether the helper sleeps now: waiting for something, as for a fault to
 * be served, not for a CPU. Not started yet, or not readable: false (no
 * sign of a wait). */
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
	return pfd_guard_stat_sleeps(buf);
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

bool pfd_guard_overlaps(pid_t job_tgid, uint64_t job_addr, size_t job_len, pid_t tgid,
			uint64_t addr, size_t len)
{
	uint64_t a0 = job_addr & ~(uint64_t)(PAGE - 1), a1 = job_addr + job_len;
	return job_tgid == tgid && addr < a1 && addr + len > a0;
}

static bool overlaps(const struct guard_job *j, pid_t tgid, uint64_t addr, size_t len)
{
	return pfd_guard_overlaps(j->tgid, j->addr, j->len, tgid, addr, len);
}

int pfd_guarded_read(pid_t tid, pid_t tgid, uint64_t addr, void *buf, size_t len)
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

