/* Children made with CLONE_UNTRACED, by clone and by clone3: procfd-trace
 * cannot follow them, and under its filter they keep the filter with no
 * tracer, so each path call of theirs fails with ENOSYS. procfd-trace must
 * say so on stderr, once per process (case clone_untraced: +stderr-has),
 * clone3 from a forked process of its own. The children's calls
 * are never reported; each child exits 0 when its open succeeded, 38
 * (ENOSYS) when the filter refused it: seen on stderr here, not asserted,
 * as it depends on the mode. */
#include "expect.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static void child_opens(void)
{
	long r = sys_openat(AT_FDCWD, "/etc/hostname", O_RDONLY, 0);
	syscall(SYS_exit_group, r >= 0 ? 0 : errno);
}

static pid_t clone_untraced(void)
{
	return (pid_t)syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0, 0, 0, 0);
}

static pid_t clone3_untraced(void)
{
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.flags = CLONE_UNTRACED;
	args.exit_signal = SIGCHLD;
	return (pid_t)syscall(SYS_clone3, &args, sizeof args);
}

static void run(const char *how, pid_t (*spawn)(void))
{
	fflush(stdout);
	pid_t c = spawn();
	CHECK(c >= 0, "%s", how);
	if (c == 0)
		child_opens();
	int status;
	CHECK(waitpid(c, &status, 0) == c, "waitpid");
	CHECK(WIFEXITED(status), "%s child exited", how);
	fprintf(stderr, "clone_untraced: the %s child's open: %s\n", how,
		WEXITSTATUS(status) ? strerror(WEXITSTATUS(status)) : "ok");
	expect_none("{\"event\":\"syscall\",\"pid\":%d}", (int)c);
}

int main(void)
{
	run("clone", clone_untraced);
	/* Said once per process: clone3 from another (traced) process. */
	fflush(stdout);
	pid_t p = fork();
	CHECK(p >= 0, "fork");
	if (p == 0) {
		run("clone3", clone3_untraced);
		fflush(stdout);
		_exit(0);
	}
	int status;
	CHECK(waitpid(p, &status, 0) == p && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the forked process");
	expect_min(1, "{\"event\":\"exec\"}");
	return 0;
}
