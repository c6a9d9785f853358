/* The floor: the least a seccomp+ptrace tracer can do per trapped call.
 *
 *   floor [-2] [-p] [-c] [-l] [-r] [-s] [-n FILE] -- COMMAND [ARGS...]
 *
 * Traps procfd-trace's path syscalls (-l: also the leak tracker's fd
 * creators) with a libseccomp filter, follows forks, and does nothing at a
 * stop but resume. One-stop form (default): PTRACE_CONT at the seccomp stop,
 * as procfd-trace does for a call it does not report. Two-stop form (-2):
 * PTRACE_SYSCALL to take the exit stop too, as for a reported call. It waits
 * in a blocking wait4, or (-p) polls wait4(WNOHANG) without end: the two
 * extremes procfd-trace's engine chooses between. -c: the floor and COMMAND
 * pinned to one CPU (the floor of procfd-trace --same-cpu). -n FILE: write the number
 * of seccomp stops there (the trapped calls of the run). -r: at each
 * seccomp stop read the call's registers and its path string, the least a
 * tracer that looks at paths does (procfd-trace's unreported call). -s: no tracer at
 * all, COMMAND under a filter that allows every call: what the kernel
 * charges any seccomp-filtered process per syscall, trapped or not (the
 * floor of an untrapped workload). Exits with the command's status. Native
 * arch only: the workloads are x86-64. */
#include <errno.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

/* tracer/plugins/procfd/procfd.c's traps, the native (x86-64) ones. */
static const char *const path_calls[] = {
	"open", "openat", "openat2", "creat", "stat", "lstat", "newfstatat", "statx",
	"readlink", "readlinkat", "access", "faccessat", "faccessat2", "linkat",
	"execve", "execveat", "chdir", "truncate", "statfs",
	"chmod", "fchmodat", "chown", "lchown", "fchownat", "utime", "utimes", "futimesat",
	"utimensat", "setxattr", "lsetxattr", "getxattr", "lgetxattr", "listxattr",
	"llistxattr", "removexattr", "lremovexattr", "inotify_add_watch", "name_to_handle_at",
	"mknod", "mknodat", "mkdir", "mkdirat", "unlink", "unlinkat", "rmdir", "rename",
	"renameat", "renameat2", "link", "chroot", "pivot_root", "setns", "unshare", "mount",
	"umount2", "move_mount", NULL,
};

/* tracer/plugins/leaks/leaks.c's traps, unconditional here (fcntl included). */
static const char *const leak_calls[] = {
	"open_by_handle_at", "open_tree", "dup", "dup2", "dup3", "fcntl", "pipe", "pipe2",
	"socket", "socketpair", "accept", "accept4", "recvmsg", "recvmmsg", "eventfd",
	"eventfd2", "signalfd", "signalfd4", "timerfd_create", "epoll_create",
	"epoll_create1", "inotify_init", "inotify_init1", "fanotify_init", "memfd_create",
	"memfd_secret", "pidfd_open", "pidfd_getfd", "userfaultfd", "perf_event_open",
	"io_uring_setup", "fsopen", "fsmount", "fspick", NULL,
};

static struct {
	bool two_stop, poll, leaks, pin, seccomp_only, read_call;
	const char *count_file;
} opt;

static void add_traps(scmp_filter_ctx ctx, const char *const *names)
{
	for (; *names; names++) {
		int nr = seccomp_syscall_resolve_name(*names);
		if (nr != __NR_SCMP_ERROR)
			seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), nr, 0);
	}
}

/* -s: the filter alone, with nothing to trap and nobody tracing. */
static void seccomp_only(char **argv)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (!ctx || seccomp_load(ctx) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

/* In the child: stop for the parent's options, then filter and exec. */
static void child(char **argv)
{
	if (opt.seccomp_only)
		seccomp_only(argv);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || ptrace(PTRACE_TRACEME, 0, 0L, 0L) < 0)
		_exit(127);
	add_traps(ctx, path_calls);
	if (opt.leaks)
		add_traps(ctx, leak_calls);
	raise(SIGSTOP);
	prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
	if (seccomp_load(ctx) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

static pid_t wait_any(int *status)
{
	if (!opt.poll)
		return wait4(-1, status, __WALL, NULL);
	for (;;) {
		pid_t tid = wait4(-1, status, __WALL | WNOHANG, NULL);
		if (tid != 0)
			return tid;
	}
}

/* -r: what any tracer that looks at a path must do at a seccomp stop: the
 * call's registers, then the string its path argument points to (the
 * second argument of the *at calls, else the first; to the end of its
 * page), discarded. */
static void read_call(pid_t tid)
{
	struct __ptrace_syscall_info info;
	char buf[4096];
	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, (void *)sizeof(info), &info) <= 0)
		return;
	long nr = (long)info.seccomp.nr;
	bool at = nr == SYS_openat || nr == SYS_newfstatat || nr == SYS_readlinkat ||
		  nr == SYS_faccessat || nr == SYS_statx || nr == SYS_unlinkat;
	uint64_t addr = info.seccomp.args[at ? 1 : 0];
	size_t len = sizeof(buf) - (addr & (sizeof(buf) - 1));
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)addr, len };
	process_vm_readv(tid, &local, 1, &remote, 1, 0);
}

/* Resume a stopped tracee; nothing else happens per stop. */
static void on_stop(pid_t tid, int status, unsigned long *trapped)
{
	int sig = WSTOPSIG(status);
	int event = (unsigned)status >> 16;
	if (event == PTRACE_EVENT_SECCOMP) {
		++*trapped;
		if (opt.read_call)
			read_call(tid);
		ptrace(opt.two_stop ? PTRACE_SYSCALL : PTRACE_CONT, tid, 0L, 0L);
		return;
	}
	/* Syscall-exit (SIGTRAP|0x80), other events, and the SIGSTOP a new
	 * auto-attached child starts with: resume without a signal. */
	if (event || sig == (SIGTRAP | 0x80) || sig == SIGSTOP)
		sig = 0;
	ptrace(PTRACE_CONT, tid, 0L, (long)sig);
}

static int parse(int argc, char **argv)
{
	int c;
	while ((c = getopt(argc, argv, "+2pclrsn:")) != -1) {
		switch (c) {
		case '2': opt.two_stop = true; break;
		case 'p': opt.poll = true; break;
		case 'l': opt.leaks = true; break;
		case 'c': opt.pin = true; break;
		case 's': opt.seccomp_only = true; break;
		case 'r': opt.read_call = true; break;
		case 'n': opt.count_file = optarg; break;
		default: return -1;
		}
	}
	return optind < argc ? optind : -1;
}

int main(int argc, char **argv)
{
	int first = parse(argc, argv), status, main_status = 0;
	unsigned long trapped = 0;
	if (first < 0) {
		fprintf(stderr, "usage: floor [-2] [-p] [-c] [-l] [-r] [-s] [-n FILE] -- COMMAND [ARGS...]\n");
		return 2;
	}
	if (opt.pin) { /* the child inherits the mask */
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(sched_getcpu(), &set);
		sched_setaffinity(0, sizeof(set), &set);
	}
	pid_t pid = fork();
	if (pid == 0)
		child(argv + first);
	if (pid > 0 && opt.seccomp_only) {
		if (waitpid(pid, &status, 0) != pid)
			return 127;
		return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
		return 127;
	ptrace(PTRACE_SETOPTIONS, pid, 0L,
	       (long)(PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
		      PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
		      PTRACE_O_EXITKILL));
	ptrace(PTRACE_CONT, pid, 0L, 0L);
	for (;;) {
		pid_t tid = wait_any(&status);
		if (tid < 0) {
			if (errno == EINTR)
				continue;
			break; /* ECHILD: every tracee is gone */
		}
		if (WIFSTOPPED(status))
			on_stop(tid, status, &trapped);
		else if (tid == pid)
			main_status = WIFEXITED(status) ? WEXITSTATUS(status)
							: 128 + WTERMSIG(status);
	}
	if (opt.count_file) {
		FILE *f = fopen(opt.count_file, "w");
		if (f) {
			fprintf(f, "%lu\n", trapped);
			fclose(f);
		}
	}
	return main_status;
}
