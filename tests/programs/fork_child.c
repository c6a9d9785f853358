/* A forked child makes the calls: the event's pid/tid are the child's, and
 * /proc/self means the child (link.pid). The child also names its parent's
 * fd table, and closes its own copy of the fd: the probe must look at the
 * right table. The child's exit is reported. */
#include "expect.h"

#include <sys/wait.h>

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "shared-by-fork",
							      .content = "inherited\n" });
	int fd = m.fd;
	pid_t parent = getpid();
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);

	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		pid_t me = getpid();
		const char *p = self_fd(fd);
		long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
		int e = errno;
		CHECK_OK(r, "child: open through link");
		expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"openat\",%s,"
		       "\"path\":%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
		       "\"resolution\":\"followed\"}",
		       (int)me, (int)me, jres(r, e), jstr(p), jself(fd), target);
		sys_close((int)r);

		/* The parent's table, by pid. */
		const char *pp = sfmt("/proc/%d/fd/%d", (int)parent, fd);
		struct stat st;
		r = sys_fstatat(AT_FDCWD, pp, &st, 0);
		e = errno;
		CHECK(r == 0 && st.st_nlink == 0, "child: stat parent's link");
		const char *plink = jlink(parent, 0, fd, "/proc/PID/fd/N", "path", "open");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
		       jcall(SC_FSTATAT), jstr(pp), jres(r, e), plink, target);

		/* Closed in the child only. */
		sys_close(fd);
		r = sys_fstatat(AT_FDCWD, p, &st, 0);
		e = errno;
		CHECK(r == -1 && e == ENOENT, "child: stat own closed fd");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,"
		       "\"resolution\":\"no-such-fd\"}",
		       jcall(SC_FSTATAT), jstr(p), jres(r, e),
		       jlink(me, 0, fd, "/proc/self/fd/N", "path", "no-fd"));
		r = sys_fstatat(AT_FDCWD, pp, &st, 0);
		e = errno;
		CHECK(r == 0, "child: the parent still holds it");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
		       jcall(SC_FSTATAT), jstr(pp), jres(r, e), plink, target);
		fflush(stdout);
		_exit(5);
	}

	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 5, "child exit status 5 (got 0x%x)", status);
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":5,"
	       "\"signal\":null,\"core_dumped\":false}",
	       (int)child, (int)child);

	/* The parent, after the child: its own pid. */
	const char *p = self_fd(fd);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0, "parent: stat");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);
	/* Exactly two events of the child name its own /proc/self/fd/N. */
	expect_count(2, "{\"event\":\"syscall\",\"pid\":%d,\"path\":%s}", (int)child, jstr(p));
	expect_count(1, "{\"event\":\"syscall\",\"pid\":%d,\"path\":%s}", (int)parent, jstr(p));
	return 0;
}
