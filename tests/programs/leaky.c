/* The leak tracker's example (make demo, README): a program that leaves a
 * deleted file open from open_and_forget, and a pipe from main. Under
 * `procfd-trace --leaks --error-exitcode=9` it exits 9. */
#include "leakexp.h"

NOINLINE static int open_and_forget(const char *path, int caller_line)
{
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600); int line = __LINE__;
	CHECK(fd >= 0, "open %s", path);
	CHECK(write(fd, "a cache nobody will ever read again\n", 36) == 36, "write");
	CHECK(unlink(path) == 0, "unlink");
	expect_leak(fd, "openat", "\"target\":{\"deleted\":true,\"size\":36},"
		    "\"opened_by\":{\"backtrace\":%s}",
		    jframes("open_and_forget", line, "main", caller_line, NULL));
	KEEP_FRAME();
	return fd;
}

int main(void)
{
	tmpdir_create();
	int fd = open_and_forget(tmp_path("cache.tmp"), __LINE__);
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	printf("leaky: fd %d holds a deleted file; fds %d and %d are a pipe\n", fd, p[0], p[1]);
	return 0;
}
