/* vfork: the child runs in the parent's memory while the parent sleeps
 * until the child exits or execs. A first child stats /proc/self/fd/N and
 * _exits 3; a second one stats it and execs this program again, which stats
 * it once more after the exec. Each event must carry the child's pid (the
 * vfork event gives it), and /proc/self must mean the child. The program
 * only prints in the parent (a vfork child must not touch stdio). The exec'd
 * image exits 7 when its call succeeded. */
#include "expect.h"

#include <sys/wait.h>

/* written by the vfork children, read by the parent afterwards */
static volatile long child_r[2];

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "after-exec") == 0) {
		/* the second child, after its exec: same pid, new image. The
		 * parent prints the expectation (one writer keeps them in order). */
		int fd = atoi(argv[2]);
		struct stat st;
		long r = sys_fstatat(AT_FDCWD, self_fd(fd), &st, 0);
		CHECK(r == 0, "after exec: stat %s", self_fd(fd));
		return 7;
	}
	CHECK(argc == 1, "usage: vfork_child");

	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "vforked",
							      .content = "v\n" });
	int fd = m.fd;
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	const char *p = self_fd(fd);
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", fd);
	char *const exec_argv[] = { argv[0], "after-exec", fdarg, NULL };
	fflush(stdout);

	pid_t c1 = vfork();
	CHECK(c1 >= 0, "vfork");
	if (c1 == 0) {
		struct stat st;
		child_r[0] = sys_fstatat(AT_FDCWD, p, &st, 0);
		_exit(3);
	}
	pid_t c2 = vfork();
	CHECK(c2 >= 0, "vfork");
	if (c2 == 0) {
		struct stat st;
		child_r[1] = sys_fstatat(AT_FDCWD, p, &st, 0);
		execv("/proc/self/exe", exec_argv);
		_exit(127);
	}
	CHECK(child_r[0] == 0 && child_r[1] == 0, "the vfork children's stats (%ld, %ld)",
	      child_r[0], child_r[1]);

	int status;
	CHECK(waitpid(c1, &status, 0) == c1 && WIFEXITED(status) && WEXITSTATUS(status) == 3,
	      "first child: exit 3 (0x%x)", status);
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
	       "\"path\":%s,\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"missing\",\"resolution\":\"followed\"}",
	       (int)c1, (int)c1, jstr(p), jlink(c1, 0, fd, "/proc/self/fd/N", "path", "open"),
	       target);
	/* Not ordered against the second child's events: the parent wakes
	 * when the first child releases its memory, before its exit is
	 * reported. */
	expect_count(1, "{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":3}",
		     (int)c1, (int)c1);
	/* the second child: its stat, then the exec, then the exec'd image's
	 * stat */
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
	       "\"path\":%s,\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"missing\",\"resolution\":\"followed\"}",
	       (int)c2, (int)c2, jstr(p), jlink(c2, 0, fd, "/proc/self/fd/N", "path", "open"),
	       target);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	exe[n] = '\0';
	expect("{\"event\":\"exec\",\"pid\":%d,\"tid\":%d,\"old_tid\":%d,\"exe\":%s}", (int)c2,
	       (int)c2, (int)c2, jstr(exe));
	CHECK(waitpid(c2, &status, 0) == c2 && WIFEXITED(status) && WEXITSTATUS(status) == 7,
	      "second child: exit 7 after the exec (0x%x)", status);
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
	       "\"path\":%s,\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       (int)c2, (int)c2, jstr(p), jlink(c2, 0, fd, "/proc/self/fd/N", "path", "open"),
	       target);
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":7}", (int)c2,
	       (int)c2);
	expect_count(3, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	expect_none("{\"event\":\"syscall\",\"pid\":%d}", (int)getpid());
	sys_close(fd);
	return 0;
}
