/* pfdtest: no-m32 (run only by tests/integration/kill_whole_lines.py, native)
 * long_events N: makes N newfstatat calls through /proc/self/fd/3 with a
 * 4095-byte path ("/////.../proc/self/fd/3"), each reported as an event of
 * more than 8 KiB: more than one page, as the kernel writes a file. No
 * expectations: the test kills procfd-trace at random points and checks
 * the trace holds whole JSON lines only. SIGTERM is ignored, so the first
 * SIGTERM procfd-trace passes on changes nothing and the second ends
 * procfd-trace in the middle of the trace. */
#include "expect.h"

#include <signal.h>

int main(int argc, char **argv)
{
	static char path[PATH_MAX];
	long n = argc > 1 ? atol(argv[1]) : 1000;
	signal(SIGTERM, SIG_IGN);
	tmpdir_create();
	int fd = make_file(tmp_path("f"), "f\n");
	char tail[32];
	size_t tl = (size_t)snprintf(tail, sizeof tail, "proc/self/fd/%d", fd);
	memset(path, '/', PATH_MAX - 1 - tl);
	memcpy(path + PATH_MAX - 1 - tl, tail, tl + 1);
	for (long i = 0; i < n; i++) {
		struct stat st;
		CHECK(sys_fstatat(AT_FDCWD, path, &st, 0) == 0, "fstatat %ld", i);
	}
	return 0;
}
