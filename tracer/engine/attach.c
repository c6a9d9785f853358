/* procfd-trace: -p PID.
 *
 * PTRACE_SEIZE (not ATTACH): it sends no SIGSTOP, so a process sleeping in a
 * syscall is not disturbed with an EINTR. Every thread is seized first and
 * interrupted; the engine then waits for their stops.
 *
 * Seizing takes the process's cred_guard_mutex, which an execve holds while
 * it waits (de_thread) for every other thread to die. A thread we seized
 * with PTRACE_O_TRACEEXIT stops at PTRACE_EVENT_EXIT on its way out, and
 * waits there for us, while we wait for the mutex in PTRACE_SEIZE of the
 * next thread: a deadlock, seen on Linux 6.18 (/proc/PID/stack: the tracer
 * in ptrace_attach, the leader in ptrace_stop from do_exit, the exec'ing
 * thread in begin_new_exec). The mutex wait restarts after our signal
 * handler (ERESTARTNOINTR), so SIGINT did not help. So threads are seized
 * without PTRACE_O_TRACEEXIT (the engine sets the full options at each
 * thread's first stop, when the attach is over). That is not enough: the
 * execve also waits until every killed thread is released, and a traced
 * one is released only when its tracer reaps it. So a seize that blocks is
 * cut short by a timer (SIGALRM, siglongjmp out of the restarting call),
 * the statuses waiting are reaped and kept for the engine, and the seize is
 * tried again.
 *
 * An execve in a thread not yet seized takes the leader's tid, and the
 * kernel drops our record of the old leader without a word (no wait
 * status): a rescan checks that the tid we hold for the leader is still
 * traced by us, and seizes it again if not. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "tracer/engine/attach.h"
#include "procfd/procfs.h"
#include "tracer/engine/engine.h"
#include "tracer/engine/proctab.h"

#define SCAN_PASSES 16    /* a thread factory must not keep us here: later
			     clones arrive through TRACECLONE anyway */
#define SETTLE_ROUNDS 1000 /* 1 ms apart */
#define EPERM_RETRIES 20  /* 1 ms apart: an execve's thread swap takes far less */
#define TIMER_MS 20        /* how long a seize may block before we reap */
#define SEIZE_TRIES 500    /* 10 s: an execve does not take that long */
#define PF_KTHREAD_FLAG 0x00200000u /* include/linux/sched.h */

static int yama_scope(void)
{
	FILE *f = fopen("/proc/sys/kernel/yama/ptrace_scope", "re");
	int v = -1;
	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

/* The state letter and the kernel's task flags, from /proc/PID/stat (the
 * fields after the command name, which may hold spaces and parentheses). */
static int read_stat(pid_t pid, char *state, unsigned long *flags)
{
	char path[64], buf[1024];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	const char *p = strrchr(buf, ')');
	/* ") S ppid pgrp session tty_nr tpgid flags" */
	if (!p || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %lu", state, flags) != 2)
		return -EIO;
	return 0;
}

static bool is_kernel_thread(pid_t pid)
{
	char state;
	unsigned long flags;
	return read_stat(pid, &state, &flags) == 0 && (flags & PF_KTHREAD_FLAG);
}

/* Its main thread has exited (a zombie, or being reaped): the process is
 * ending, or an execve in another thread is about to take the tid. */
static bool leader_exited(pid_t pid)
{
	char state;
	unsigned long flags;
	return read_stat(pid, &state, &flags) == 0 && (state == 'Z' || state == 'X');
}

void pfd_attach_diagnose_eperm(pid_t pid, char *buf, size_t size)
{
	struct pfd_proc_status st = { .uid = -1 };
	int scope = yama_scope();

	pfd_read_proc_status(pid, &st);
	if (is_kernel_thread(pid))
		snprintf(buf, size, "it is a kernel thread, which cannot be traced");
	else if (leader_exited(pid))
		snprintf(buf, size, "its main thread has exited (the process is ending, or "
				    "stays a zombie leader while its other threads run)");
	else if (st.tracer_pid > 0)
		snprintf(buf, size, "it is already traced by process %d", st.tracer_pid);
	else if (st.uid >= 0 && geteuid() != 0 && (uid_t)st.uid != geteuid())
		snprintf(buf, size, "it belongs to another user (uid %ld)", st.uid);
	else if (scope >= 1)
		snprintf(buf, size, "Yama's kernel.yama.ptrace_scope is %d%s", scope,
			 scope == 1 ? ": only descendants may be traced" :
			 scope == 2 ? ": tracing needs CAP_SYS_PTRACE" : ": tracing is disabled");
	else
		snprintf(buf, size, "operation not permitted (setuid, not dumpable, or a "
				    "security module)");
}

static void report_failure(pid_t pid, int err)
{
	char why[160];
	if (err == ESRCH)
		snprintf(why, sizeof(why), "no such process");
	else if (err == EPERM)
		pfd_attach_diagnose_eperm(pid, why, sizeof(why));
	else
		snprintf(why, sizeof(why), "%s", strerror(err));
	fprintf(stderr, "procfd-trace: cannot attach to process %d: %s\n", pid, why);
}

/* The options a thread is seized with: all but PTRACE_O_TRACEEXIT (see the
 * top of the file). */
static unsigned long seize_options(unsigned long opts)
{
	return opts & ~(unsigned long)PTRACE_O_TRACEEXIT;
}

static sigjmp_buf seize_escape;
static volatile sig_atomic_t seizing;

static void on_seize_timer(int sig)
{
	(void)sig;
	if (seizing)
		siglongjmp(seize_escape, 1);
}

/* SIGALRM every TIMER_MS while armed: the way out of a blocked seize. */
static void seize_timer(bool on)
{
	struct itimerval it = { 0 };
	if (on) {
		/* SA_RESTART: other calls of the attach go on; the seize,
		 * which restarts anyway, is left by siglongjmp */
		struct sigaction sa = { .sa_handler = on_seize_timer, .sa_flags = SA_RESTART };
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		it.it_value.tv_usec = it.it_interval.tv_usec = TIMER_MS * 1000;
	}
	setitimer(ITIMER_REAL, &it, NULL);
	if (!on)
		signal(SIGALRM, SIG_DFL);
}

static bool traced_by_us(pid_t tid)
{
	struct pfd_proc_status st = { 0 };
	return pfd_read_proc_status(tid, &st) == 0 && st.tracer_pid == getpid();
}

/* One PTRACE_SEIZE: 0, -errno, or -EINTR when the timer cut it short. */
static int seize_once(pid_t tid, unsigned long opts)
{
	if (sigsetjmp(seize_escape, 1) != 0)
		return -EINTR;
	seizing = 1;
	long r = ptrace(PTRACE_SEIZE, tid, 0L, opts);
	int err = errno;
	seizing = 0;
	return r < 0 ? -err : 0;
}

/* PTRACE_SEIZE that does not block for long: while it waits for an
 * execve's cred_guard_mutex, our tracees that the execve killed are reaped
 * (pfd_engine_reap_pending), which lets the execve finish. 0 or -errno
 * (-EINTR: a stop was asked for meanwhile). */
static int seize_unblocked(pid_t tid, unsigned long opts)
{
	for (int tries = 0; tries < SEIZE_TRIES; tries++) {
		int rc = seize_once(tid, opts);
		if (rc != -EINTR)
			return rc;
		/* It may have seized the thread just before the timer. */
		if (traced_by_us(tid))
			return 0;
		pfd_engine_reap_pending();
		if (pfd_engine_stop_requested())
			return -EINTR; /* SIGINT: detach what we have */
	}
	return -EAGAIN;
}

/* Seize one thread; 1 if newly seized, 0 if already ours, -errno. */
static int seize_thread(pid_t tid, pid_t tgid, unsigned long opts)
{
	if (pfd_tcb_find(tid))
		return 0;
	int err = seize_unblocked(tid, seize_options(opts));
	if (err < 0)
		return err;
	int rc = pfd_engine_add_attached(tid, tgid, opts);
	if (rc < 0) {
		ptrace(PTRACE_DETACH, tid, 0L, 0L);
		return rc;
	}
	/* Stop it once, so the engine sets its options and resumes it with
	 * PTRACE_SYSCALL. */
	ptrace(PTRACE_INTERRUPT, tid, 0L, 0L);
	return 1;
}

/* The leader's tid is ours in our table but no longer traced by us: an
 * execve in a thread we had not seized yet took it. */
static bool leader_taken_over(pid_t pid)
{
	struct pfd_proc_status st = { 0 };
	return pfd_tcb_find(pid) && pfd_read_proc_status(pid, &st) == 0 &&
	       st.tracer_pid != getpid();
}

/* One pass over /proc/pid/task: how many threads were newly seized. A
 * thread that fails (gone, or a zombie thread: EPERM) is skipped, as strace
 * does. */
static int scan_threads(pid_t pid, unsigned long opts)
{
	char path[64];
	int added = 0;
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	if (!d)
		return -errno;
	struct dirent *e;
	while ((e = readdir(d))) {
		pid_t tid = (pid_t)strtol(e->d_name, NULL, 10);
		if (tid > 0 && seize_thread(tid, pid, opts) > 0)
			added++;
	}
	closedir(d);
	if (leader_taken_over(pid)) {
		pfd_engine_forget_attached(pid);
		if (seize_thread(pid, pid, opts) > 0)
			added++;
	}
	return added;
}

/* The passes may end while an execve is still waiting for us to reap the
 * threads it killed (we reap them only while a seize blocks): its main
 * thread is then a zombie, still traced by us, and once the execve goes on
 * an unseized exec'ing thread takes its tid, untraced, and our record of it
 * goes without a word. So while the main thread is a zombie, reap and scan
 * again (bounded: a main thread that called pthread_exit stays a zombie). */
static void settle_exec(pid_t pid, unsigned long opts)
{
	for (int i = 0; i < SETTLE_ROUNDS && leader_exited(pid) && !pfd_engine_stop_requested();
	     i++) {
		struct timespec ms = { 0, 1000000 };
		pfd_engine_reap_pending();
		nanosleep(&ms, NULL);
		scan_threads(pid, opts);
	}
}

/* PTRACE_SEIZE of the leader. The kernel also says EPERM for a main thread
 * that has exited: for a moment during an execve in another thread (which
 * then takes the tid, live), so EPERM is tried again a few times unless a
 * lasting reason is plain (a kernel thread, another tracer). */
static int seize_leader(pid_t pid, unsigned long opts)
{
	int rc = seize_thread(pid, pid, opts);
	for (int i = 0; rc == -EPERM && i < EPERM_RETRIES && !is_kernel_thread(pid); i++) {
		struct pfd_proc_status st = { 0 };
		if (pfd_read_proc_status(pid, &st) == 0 && st.tracer_pid > 0)
			break;
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
		rc = seize_thread(pid, pid, opts);
	}
	return rc;
}

int pfd_attach_process(pid_t pid, unsigned long opts)
{
	if (pid == getpid()) {
		fprintf(stderr, "procfd-trace: cannot attach to process %d: it is procfd-trace "
				"itself\n", pid);
		return -EINVAL;
	}
	struct pfd_proc_status st = { 0 };
	if (pfd_read_proc_status(pid, &st) == 0 && st.tgid > 0 && st.tgid != pid) {
		fprintf(stderr, "procfd-trace: %d is a thread of process %d: attaching to "
				"the whole process\n", pid, st.tgid);
		pid = st.tgid;
	}
	if (pfd_tcb_find(pid))
		return 0; /* named twice (-p X -p X, or a thread of X): one attach */
	seize_timer(true);
	int rc = seize_leader(pid, opts);
	if (rc < 0) {
		seize_timer(false);
		report_failure(pid, -rc);
		return rc;
	}
	for (int pass = 0; pass < SCAN_PASSES && !pfd_engine_stop_requested() &&
			   scan_threads(pid, opts) > 0; pass++)
		;
	settle_exec(pid, opts);
	seize_timer(false);
	pfd_engine_attached(pid);
	return 0;
}
