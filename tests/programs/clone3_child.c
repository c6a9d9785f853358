/* Children made by raw clone3(2), which glibc's fork does not use: the
 * tracer must follow them like fork children. The first has exit_signal
 * SIGCHLD (the kernel reports PTRACE_EVENT_FORK); the second has exit_signal
 * 0, a process that is not a thread yet is reported as PTRACE_EVENT_CLONE
 * and is waited for with __WCLONE. Each stats /proc/self/fd/N: the events
 * must carry the child's pid (a process of its own, not a thread of ours)
 * and its exit is reported with its status. */
#include "expect.h"

#include <linux/sched.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif

static pid_t spawn(int exit_signal, const char *p, int status)
{
	struct clone_args args;
	memset(&args, 0, sizeof args);
	args.exit_signal = (unsigned)exit_signal;
	fflush(stdout);
	long r = syscall(SYS_clone3, &args, sizeof args);
	CHECK(r >= 0, "clone3");
	if (r == 0) {
		struct stat st;
		long s = sys_fstatat(AT_FDCWD, p, &st, 0);
		syscall(SYS_exit_group, s == 0 ? status : 99);
	}
	return (pid_t)r;
}

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "cloned",
							      .content = "c\n" });
	int fd = m.fd;
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	const char *p = self_fd(fd);

	for (int i = 0; i < 2; i++) {
		int sig = i == 0 ? SIGCHLD : 0;
		int want = i == 0 ? 11 : 12;
		pid_t c = spawn(sig, p, want);
		int status;
		CHECK(waitpid(c, &status, sig == SIGCHLD ? 0 : __WCLONE) == c, "waitpid %d", (int)c);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == want,
		      "clone3 child %d: exit %d expected (99: its stat failed), got 0x%x", i, want,
		      status);
		expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
		       "\"path\":%s,\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,"
		       "\"text_target\":\"missing\",\"resolution\":\"followed\"}",
		       (int)c, (int)c, jstr(p), jlink(c, 0, fd, "/proc/self/fd/N", "path", "open"),
		       target);
		expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":%d,"
		       "\"signal\":null}",
		       (int)c, (int)c, want);
	}
	expect_count(2, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	sys_close(fd);
	return 0;
}
