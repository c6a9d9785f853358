/* A wrapper for --explain of procfd-trace's own fds (run.py's +wrap):
 *
 *   fd_handdown alone  PROG ARGS...   fd 5: a deleted file, then exec PROG
 *   fd_handdown shared PROG ARGS...   the same, and a child keeps the file
 *                                     open as its fd 77 until PROG ends
 *
 * `--explain /dev/fd/5` then examines procfd-trace's own fd 5. Its remedy
 * must name a process that outlives procfd-trace: the child's fd 77 when
 * there is one, else none (never /proc/<procfd-trace>/fd/5, gone once it
 * exits). The file is made in $TMPDIR, which the harness removes.
 * pfdtest: no-m32 (nothing is traced) */
#include "expect.h"

#include <signal.h>
#include <sys/prctl.h>

int main(int argc, char **argv)
{
	CHECK(argc >= 3, "usage: fd_handdown alone|shared PROG [ARGS...]");
	const char *base = getenv("TMPDIR");
	char path[256];
	snprintf(path, sizeof(path), "%s/handdown.XXXXXX", base && base[0] == '/' ? base : "/tmp");
	int fd = mkstemp(path);
	CHECK(fd >= 0 && write(fd, "held\n", 5) == 5, "mkstemp");
	CHECK(unlink(path) == 0 && dup2(fd, 5) == 5, "unlink, dup2");
	if (fd != 5)
		close(fd);
	if (strcmp(argv[1], "shared") == 0) {
		int ready[2];
		CHECK(pipe(ready) == 0, "pipe");
		pid_t parent = getpid();
		pid_t child = fork();
		CHECK(child >= 0, "fork");
		if (child == 0) {
			/* the holder: fd 77 only, gone when PROG is */
			CHECK(dup2(5, 77) == 77 && close(5) == 0, "dup2 77");
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			if (getppid() != parent)
				_exit(0);
			close(ready[0]);
			close(ready[1]); /* the parent may go on */
			for (;;)
				pause();
		}
		close(ready[1]);
		char c;
		CHECK(read(ready[0], &c, 1) == 0, "the holder is ready"); /* EOF: it has fd 77 */
		close(ready[0]);
	}
	execvp(argv[2], &argv[2]);
	CHECK(0, "exec %s", argv[2]);
}
