/* procfd-trace: -p PID.
 *
 * PTRACE_SEIZE (not ATTACH): it sends no SIGSTOP, so a process sleeping in a
 * syscall is not disturbed with an EINTR. Every thread is seized; a thread
 * cloned while we scan is caught by a rescan, or by TRACECLONE once its
 * parent is seized. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <unistd.h>

#include "tracer/attach.h"
#include "procfd/procfs.h"
#include "tracer/engine.h"
#include "tracer/proctab.h"

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

void pfd_attach_diagnose_eperm(pid_t pid, char *buf, size_t size)
{
	struct pfd_proc_status st = { .uid = -1 };
	int scope = yama_scope();

	pfd_read_proc_status(pid, &st);
	if (st.tracer_pid > 0)
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

/* Seize one thread; 1 if newly seized, 0 if already ours, -errno. */
static int seize_thread(pid_t tid, pid_t tgid, unsigned long opts)
{
	if (pfd_tcb_find(tid))
		return 0;
	if (ptrace(PTRACE_SEIZE, tid, 0L, opts) < 0)
		return -errno;
	int rc = pfd_engine_add_attached(tid, tgid);
	if (rc < 0) {
		ptrace(PTRACE_DETACH, tid, 0L, 0L);
		return rc;
	}
	/* Stop it once, so the engine resumes it with PTRACE_SYSCALL. */
	ptrace(PTRACE_INTERRUPT, tid, 0L, 0L);
	return 1;
}

/* One pass over /proc/pid/task: how many threads were newly seized. A
 * thread that fails (a zombie thread gives EPERM) is skipped, as strace does. */
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
		if (tid > 0 && tid != pid && seize_thread(tid, pid, opts) > 0)
			added++;
	}
	closedir(d);
	return added;
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
	int rc = seize_thread(pid, pid, opts);
	if (rc < 0) {
		report_failure(pid, -rc);
		return rc;
	}
	/* Until a pass finds no new thread (bounded: a thread factory must not
	 * keep us here; later clones arrive through TRACECLONE anyway). */
	for (int pass = 0; pass < 8 && scan_threads(pid, opts) > 0; pass++)
		;
	pfd_engine_attached(pid);
	return 0;
}
