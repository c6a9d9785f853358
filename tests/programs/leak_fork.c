/* --leaks with fork: a child gets a copy of its parent's fds, so a fd the
 * parent made and the child leaves open is the child's leak, opened by the
 * parent (opened_by.pid) with the parent's stack. The parent closes its own
 * copy: not its leak. The child's own fd has the child as its creator. */
#include "leakexp.h"

#include <sys/wait.h>

NOINLINE static int parent_opens(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY, 0); int line = __LINE__;
	CHECK(fd >= 0, "open");
	expect_count(1, "{\"event\":\"leak\",\"pid\":\"$any\",\"fd\":%d,"
		     "\"opened_by\":{\"syscall\":\"openat\",\"pid\":%d,\"tid\":%d,\"backtrace\":%s}}",
		     fd, (int)getpid(), (int)getpid(), jframes("parent_opens", line, NULL));
	KEEP_FRAME();
	return fd;
}

NOINLINE static int child_opens(void)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY, 0); int line = __LINE__;
	CHECK(fd >= 0, "open");
	expect_leak(fd, "openat", "\"opened_by\":{\"pid\":%d,\"backtrace\":%s}", (int)getpid(),
		    jframes("child_opens", line, NULL));
	KEEP_FRAME();
	return fd;
}

int main(void)
{
	int fd = parent_opens();
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		child_opens();
		fflush(stdout);
		_exit(0);
	}
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");
	CHECK(close(fd) == 0, "close");
	expect_no_leak(fd);
	expect("{\"event\":\"leak_total\",\"processes\":2,\"leaks\":2,\"fds\":2}");
	return 0;
}
