/* --leaks with --suppressions: the fd open_cache leaves open on purpose is
 * suppressed (counted, not reported); the other one is reported, and with
 * --gen-suppressions carries a ready entry; with --sarif it is a result
 * located at this file's line. */
#include "leakexp.h"

NOINLINE static int open_cache(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY, 0);
	CHECK(fd >= 0, "open");
	KEEP_FRAME();
	return fd;
}

NOINLINE static int leak_me(void)
{
	int fd = (int)syscall(SYS_eventfd2, 0, 0); int line = __LINE__;
	CHECK(fd >= 0, "eventfd2");
	expect_leak(fd, "eventfd2", "\"suppression\":\"$re:^\\\\{\\\\n   [^\\\\n]+\\\\n   syscall: eventfd2\\\\n\","
		    "\"opened_by\":{\"backtrace\":%s}", jframes("leak_me", line, NULL));
	KEEP_FRAME();
	return fd;
}

int main(void)
{
	int cache = open_cache();
	leak_me();
	expect_no_leak(cache);
	expect("{\"event\":\"leak_total\",\"leaks\":1,\"fds\":1,\"suppressed\":1}");
	return 0;
}
