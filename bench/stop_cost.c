/* procfd-trace: where a reported procfd call's time goes, syscall by syscall.
 *
 *   make build/bench/stop_cost && build/bench/stop_cost [-c] [N]
 *
 * A reported stat("/proc/self/fd/N"), N a deleted file, costs procfd-trace
 * 13.3 syscalls (strace -c of the tracer on workload fdlink): two stops
 * (wait4, PTRACE_SYSCALL, wait4, PTRACE_CONT) and 9 of work done at them.
 * This program forks such a caller and, holding it at its seccomp stop,
 * times each work syscall as the tracer makes it: the caller's pid and path
 * pointer, O_PATH dirfds on /proc/PID and /proc/PID/root, a kept fdinfo fd,
 * the event written to /dev/null. Each is timed back to back (caches and
 * predictors warm), so a row is the least that syscall costs.
 *
 * Then the two-stop round trip, from a seccomp stop to the next, with
 * nothing done at the stops (blocking wait4, then polling wait4(WNOHANG)):
 * the floor of a reported call, the caller's own stat included. And again
 * with the work done at the stops, to set the measured total beside floor +
 * sum of work: work done while the caller is stopped lets its CPU go idle,
 * and on these VMs (guest halt-polling off) waking an idle CPU costs more.
 *
 * Each figure is the median of 3 rounds' mean ns per call: rounds of N/3
 * calls for a syscall (N default 100000), of N/12 for a round trip (N/4 in
 * all: an unpinned blocking trip is ~100 us here, N of each would take half
 * a minute). -c: the tracer and the caller pinned to the CPU the tracer
 * started on (procfd-trace --same-cpu; its engine does not poll then: the
 * polling column shows what it would give).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <seccomp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PAGE 4096u
#define EVENT_LEN 400 /* one text event of a deleted-file stat, about */
#define AT_SECCOMP (SIGTRAP | PTRACE_EVENT_SECCOMP << 8)
#define AT_EXIT (SIGTRAP | 0x80)

static pid_t child;
static uint64_t path_addr;		/* its stat's path argument */
static int proc_dir, root_dir, fdinfo_fd, null_fd;
static char link_name[32];		/* "fd/N" */
static char as_name[PATH_MAX + 2];	/* "./tmp/.../x" */
static char as_text[PATH_MAX + 16];	/* "./tmp/.../x (deleted)" */
static char buf[PATH_MAX], event[EVENT_LEN];
static bool polling;
static char dir[] = "/tmp/stop_cost.XXXXXX";

static void die(const char *what)
{
	fprintf(stderr, "stop_cost: %s: %s\n", what, strerror(errno));
	if (child > 0)
		kill(child, SIGKILL);
	rmdir(dir);
	exit(1);
}

static void need(bool ok, const char *what)
{
	if (!ok)
		die(what);
}

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* The caller: fd N on a deleted file, then its stat for ever, each trapped.
 * The raw syscall, so that libc cannot turn it into a statx. */
static void caller(const char *file)
{
	char path[64];
	struct stat st;
	int fd = open(file, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (ptrace(PTRACE_TRACEME, 0, 0L, 0L) < 0 || fd < 0 || unlink(file) < 0)
		_exit(127);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx || seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), SCMP_SYS(newfstatat), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), SCMP_SYS(stat), 0) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_TRACE(0), SCMP_SYS(statx), 0) < 0 ||
	    seccomp_load(ctx) < 0)
		_exit(127);
	raise(SIGSTOP);
	for (;;)
		syscall(SYS_newfstatat, AT_FDCWD, path, &st, 0);
}

/* The next stop, which must be want (status >> 8). */
static void wait_stop(int want)
{
	int status;
	pid_t r;
	do
		r = wait4(-1, &status, __WALL | (polling ? WNOHANG : 0), NULL);
	while (r == 0 || (r < 0 && errno == EINTR));
	need(r > 0 && WIFSTOPPED(status) && status >> 8 == want, "wait4: not the stop expected");
}

static void resume(int request, int want)
{
	need(ptrace(request, child, 0L, 0L) == 0, "ptrace resume");
	wait_stop(want);
}

/* ---- the work at the stops, one syscall each ---------------------------- */

static struct __ptrace_syscall_info info;

static void op_info(void)
{
	need(ptrace(PTRACE_GET_SYSCALL_INFO, child, (void *)sizeof(info), &info) > 0,
	     "PTRACE_GET_SYSCALL_INFO");
}

/* The path string, up to its page's end (as pfd_read_string reads it). */
static void op_path(void)
{
	size_t len = PAGE - path_addr % PAGE;
	struct iovec local = { buf, len }, remote = { (void *)(uintptr_t)path_addr, len };
	need(process_vm_readv(child, &local, 1, &remote, 1, 0) == (ssize_t)len, "process_vm_readv");
}

static void op_readlink(void)
{
	need(readlinkat(proc_dir, link_name, buf, sizeof(buf) - 1) > 0, "readlinkat");
}

static void op_fdinfo(void)
{
	need(pread(fdinfo_fd, buf, 511, 0) > 0, "pread fdinfo");
}

static void op_stat_link(void)
{
	struct stat st;
	need(fstatat(proc_dir, link_name, &st, 0) == 0, "fstatat fd/N");
}

/* Both lookups in the root fail: the file has no name left. */
static void stat_missing(const char *path)
{
	struct stat st;
	need(fstatat(root_dir, path, &st, 0) < 0 && errno == ENOENT, "fstatat in root: not ENOENT");
}

static void op_stat_text(void) { stat_missing(as_text); }
static void op_stat_name(void) { stat_missing(as_name); }

static void op_write(void)
{
	need(write(null_fd, event, EVENT_LEN) == EVENT_LEN, "write");
}

/* ---- the round trips, each from a seccomp stop to the next -------------- */

static void trip_floor(void)
{
	resume(PTRACE_SYSCALL, AT_EXIT);
	resume(PTRACE_CONT, AT_SECCOMP);
}

/* The tracer's pattern for a reported call, each syscall of it once. */
static void trip_work(void)
{
	op_info();
	op_path();
	op_readlink();
	op_fdinfo();
	op_stat_link();
	op_stat_text();
	op_stat_name();
	resume(PTRACE_SYSCALL, AT_EXIT);
	op_info();
	op_write();
	resume(PTRACE_CONT, AT_SECCOMP);
}

static const struct row {
	const char *name;
	void (*op)(void);
	int count; /* in one reported call */
} rows[] = {
	{ "PTRACE_GET_SYSCALL_INFO (entry, exit)", op_info, 2 },
	{ "process_vm_readv (path, to page end)", op_path, 1 },
	{ "readlinkat(/proc/PID, \"fd/N\")", op_readlink, 1 },
	{ "pread(kept fdinfo/N, 0)", op_fdinfo, 1 },
	{ "fstatat(/proc/PID, \"fd/N\", 0)", op_stat_link, 1 },
	{ "fstatat(root, \"./...x (deleted)\") ENOENT", op_stat_text, 1 },
	{ "fstatat(root, \"./.../x\") ENOENT", op_stat_name, 1 },
	{ "write(/dev/null, 400 bytes)", op_write, 1 },
};

/* Median of 3 rounds of n/3 calls: one slow round (a migration, an
 * interrupt storm) does not move it. */
static double ns_per(void (*op)(void), long n)
{
	double r[3];
	for (int i = 0; i < 3; i++) {
		uint64_t t0 = now_ns();
		for (long j = 0; j < n / 3; j++)
			op();
		r[i] = (double)(now_ns() - t0) / (double)(n / 3);
	}
	double lo = r[0] < r[1] ? r[0] : r[1], hi = r[0] < r[1] ? r[1] : r[0];
	return r[2] < lo ? lo : r[2] > hi ? hi : r[2];
}

/* The caller, held at its first seccomp stop. */
static void start(const char *file)
{
	child = fork();
	need(child >= 0, "fork");
	if (child == 0)
		caller(file);
	wait_stop(SIGSTOP);
	/* TRACESYSGOOD too, as the tracer: the exit stop is SIGTRAP|0x80 */
	need(ptrace(PTRACE_SETOPTIONS, child, 0L, (long)(PTRACE_O_TRACESECCOMP |
		    PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) == 0, "PTRACE_SETOPTIONS");
	resume(PTRACE_CONT, AT_SECCOMP);
	op_info();
	path_addr = info.seccomp.args[1];
}

/* The tracer's fds on the caller, and the names the probe looks up. */
static void open_fds(void)
{
	char p[64];
	const char mark[] = " (deleted)";
	size_t m = sizeof(mark) - 1;
	int fd;
	op_path();
	need(sscanf(buf, "/proc/self/fd/%d", &fd) == 1, "the caller's path");
	snprintf(link_name, sizeof(link_name), "fd/%d", fd);
	snprintf(p, sizeof(p), "/proc/%d", (int)child);
	proc_dir = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(p, sizeof(p), "/proc/%d/root", (int)child);
	root_dir = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(p, sizeof(p), "fdinfo/%d", fd);
	fdinfo_fd = openat(proc_dir, p, O_RDONLY | O_CLOEXEC);
	null_fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	need(proc_dir >= 0 && root_dir >= 0 && fdinfo_fd >= 0 && null_fd >= 0, "open /proc fds");
	/* the text as it stands, and without the marker, relative to the root */
	ssize_t n = readlinkat(proc_dir, link_name, buf, sizeof(buf) - 1);
	need(n > (ssize_t)m && memcmp(buf + n - m, mark, m) == 0, "no deleted marker");
	buf[n - (ssize_t)m] = '\0';
	snprintf(as_name, sizeof(as_name), ".%s", buf);
	snprintf(as_text, sizeof(as_text), "%s%s", as_name, mark);
	memset(event, 'x', sizeof(event) - 1);
	event[sizeof(event) - 1] = '\n';
}

static double print_work(long n)
{
	double sum = 0;
	printf("%-42s %9s %9s %12s\n", "syscall at a stop", "ns/call", "per call", "ns per call");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		double ns = ns_per(rows[i].op, n);
		sum += ns * rows[i].count;
		printf("%-42s %9.0f %9d %12.0f\n", rows[i].name, ns, rows[i].count,
		       ns * rows[i].count);
	}
	printf("%-42s %9s %9d %12s\n", "wait4 x2, PTRACE_SYSCALL, PTRACE_CONT", "", 4,
	       "the floor");
	printf("%-42s %9s %9d %12.0f\n\n", "sum of work", "", 9, sum);
	return sum;
}

static void print_trips(long trips, double sum)
{
	double bare[2], work[2];
	for (int p = 0; p < 2; p++) {
		polling = p == 1;
		bare[p] = ns_per(trip_floor, trips);
		work[p] = ns_per(trip_work, trips);
	}
	polling = false;
	printf("%-42s %16s %16s\n", "round trip of a reported call, ns", "blocking wait4",
	       "polling WNOHANG");
	const char *label[] = { "floor: nothing done at the stops", "predicted: floor + sum of work",
				"measured: the work done at the stops", "measured / floor",
				"measured - predicted" };
	for (int r = 0; r < 5; r++) {
		printf("%-42s", label[r]);
		for (int p = 0; p < 2; p++) {
			double v[] = { bare[p], bare[p] + sum, work[p], work[p] / bare[p],
				       work[p] - bare[p] - sum };
			printf(r == 3 ? " %15.2fx" : " %16.0f", v[r]);
		}
		printf("\n");
	}
}

int main(int argc, char **argv)
{
	bool pin = argc > 1 && strcmp(argv[1], "-c") == 0;
	long n = argc > 1 + pin ? strtol(argv[1 + pin], NULL, 10) : 100000;
	char file[64];
	if (n < 12 || !mkdtemp(dir)) {
		fprintf(stderr, "usage: stop_cost [-c] [N >= 12]\n");
		return 2;
	}
	if (pin) { /* the caller inherits the mask */
		cpu_set_t set;
		CPU_ZERO(&set);
		CPU_SET(sched_getcpu(), &set);
		need(sched_setaffinity(0, sizeof(set), &set) == 0, "sched_setaffinity");
	}
	snprintf(file, sizeof(file), "%s/x", dir);
	start(file);
	open_fds();
	printf("stop_cost: N=%ld, %s; mean ns per call, median of 3 rounds of N/3 calls "
	       "(of N/12 round trips)\n", n, pin ? "tracer and caller pinned to one CPU" : "unpinned");
	print_trips(n / 4, print_work(n));
	kill(child, SIGKILL);
	waitpid(child, NULL, __WALL);
	rmdir(dir); /* kept till now: the lookups fail at x, as in the workload */
	return 0;
}
