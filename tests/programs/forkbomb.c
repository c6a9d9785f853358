/* 200 short-lived children, all forked before any is reaped: each stats
 * /proc/self/fd/N once (N inherited from the parent) and _exits with status
 * i. The parent reaps them in reverse order. Every child's call must be
 * reported with the child's pid, and every child's exit with its status: a
 * tracer that loses a fork event, mixes up records, or misses an exit among
 * many at once fails one of the 400 counts. */
#include "expect.h"

#include <sys/wait.h>

#define NCHILDREN 200

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("inherited");
	int fd = make_file(file, "shared\n");
	/* copies: the expectations below outlive expect.h's ring of buffers */
	const char *target =
		strdup(jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF));
	const char *p = strdup(jstr(self_fd(fd)));
	const char *path = self_fd(fd);
	ino_t ino = fd_stat(fd).st_ino;
	pid_t pids[NCHILDREN];
	CHECK(target != NULL && p != NULL, "strdup");

	fflush(stdout);
	for (int i = 0; i < NCHILDREN; i++) {
		pids[i] = fork();
		CHECK(pids[i] >= 0, "fork %d", i);
		if (pids[i] == 0) {
			struct stat st;
			long r = sys_fstatat(AT_FDCWD, path, &st, 0);
			_exit(r == 0 && st.st_ino == ino ? i % 256 : 255);
		}
	}
	for (int i = NCHILDREN - 1; i >= 0; i--) {
		int status;
		CHECK(waitpid(pids[i], &status, 0) == pids[i], "waitpid %d", i);
		CHECK(WIFEXITED(status) && WEXITSTATUS(status) == i % 256,
		      "child %d: exit status %d expected (stat failed if 255), got 0x%x", i, i % 256,
		      status);
	}
	for (int i = 0; i < NCHILDREN; i++) {
		int c = (int)pids[i];
		expect_count(1, "{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
			     "\"path\":%s,\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,"
			     "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
			     c, c, p, jlink(c, 0, fd, "/proc/self/fd/N", "path", "open"), target);
		expect_count(1, "{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,"
			     "\"status\":%d,\"signal\":null,\"core_dumped\":false}",
			     c, c, i % 256);
	}
	expect_count(NCHILDREN, "{\"event\":\"syscall\",\"path\":%s}", p);
	/* children only: the parent's exit comes after its last expectation */
	expect_none("{\"event\":\"syscall\",\"pid\":%d}", (int)getpid());
	sys_close(fd);
	return 0;
}
