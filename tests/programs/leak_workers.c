/* --leaks on a forked worker pool: the parent makes a pipe, forks 3 workers
 * that close the write end and _exit, closes the write end itself and leaves
 * the read end open. The workers' copies are the same description as the
 * parent's: one leak with 4 holders (the workers, then the parent), not
 * one report per process. */
#include "leakexp.h"

#include <sys/wait.h>

#define WORKERS 3

NOINLINE static int make_pool_pipe(int p[2])
{
	int r = pipe(p); int line = __LINE__;
	CHECK(r == 0, "pipe");
	KEEP_FRAME();
	return line;
}

int main(void)
{
	int p[2];
	int line = make_pool_pipe(p);
	pid_t workers[WORKERS];
	for (int i = 0; i < WORKERS; i++) {
		workers[i] = fork();
		CHECK(workers[i] >= 0, "fork");
		if (workers[i] == 0) {
			close(p[1]);
			_exit(0);
		}
		/* one at a time: the holders' order is the order they exit */
		CHECK(waitpid(workers[i], NULL, 0) == workers[i], "waitpid");
	}
	close(p[1]);
	const char *held = "";
	for (int i = 0; i < WORKERS; i++)
		held = sfmt("%s{\"pid\":%d,\"fd\":%d,\"crossed_exec\":null},", held, (int)workers[i],
			    p[0]);
	expect_count(1, "{\"event\":\"leak\",\"pid\":\"$any\",\"fd\":%d,\"origin\":\"trace\","
		     "\"target\":{\"kind\":\"pipe\"},"
		     "\"opened_by\":{\"syscall\":\"$re:^pipe2?$\",\"pid\":%d,\"backtrace\":%s},"
		     "\"held_by\":[%s{\"pid\":%d,\"fd\":%d}]}",
		     p[0], (int)getpid(), jframes("make_pool_pipe", line, NULL), held, (int)getpid(),
		     p[0]);
	expect_count(1, "{\"event\":\"leak\"}");
	expect("{\"event\":\"leak_total\",\"processes\":4,\"leaks\":1,\"fds\":4,\"suppressed\":0}");
	return 0;
}
