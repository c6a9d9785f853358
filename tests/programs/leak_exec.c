/* --leaks across execve: an fd opened without O_CLOEXEC survives into the
 * new image and is reported at that image's exit, with the stack of the
 * code that opened it in the old image and crossed_exec {from, to}; one
 * opened with O_CLOEXEC is closed by the exec and never reported. */
#include "leakexp.h"

NOINLINE static int keep_across_exec(const char *path, int flags)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, path, flags, 0); int line = __LINE__;
	CHECK(fd >= 0, "open %s", path);
	if (!(flags & O_CLOEXEC))
		expect_leak(fd, "openat", "\"exe\":\"/usr/bin/true\",\"cloexec\":false,"
			    "\"held_by\":[{\"pid\":%d,\"fd\":%d,\"exe\":\"/usr/bin/true\","
			    "\"crossed_exec\":{\"to\":\"/usr/bin/true\"}}],"
			    "\"crossed_exec\":{\"from\":%s,\"to\":\"/usr/bin/true\"},"
			    "\"opened_by\":{\"pid\":%d,\"backtrace\":%s}",
			    (int)getpid(), fd,
			    jstr(sfmt("%s", realpath("/proc/self/exe", NULL))), (int)getpid(),
			    jframes("keep_across_exec", line, NULL));
	KEEP_FRAME();
	return fd;
}

int main(void)
{
	int kept = keep_across_exec("/etc/hostname", O_RDONLY);
	int closed = keep_across_exec("/etc/passwd", O_RDONLY | O_CLOEXEC);
	expect_no_leak(closed);
	expect("{\"event\":\"leak_total\",\"processes\":1,\"leaks\":1,\"fds\":1}");
	(void)kept;
	fflush(stdout);
	execl("/usr/bin/true", "true", (char *)NULL);
	CHECK(0, "execl /usr/bin/true");
}
