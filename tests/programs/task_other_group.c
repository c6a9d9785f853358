/* /proc/self/task/TID/fd/N where TID is not one of the caller's threads.
 * The kernel answers ENOENT: /proc/PID/task lists only the process's own
 * threads. With TID a live child process that is not "no thread TID exists
 * (any more)": TID is alive, in another thread group. With task/0 (no thread
 * has id 0) the probe must not fall back to the process's own fd table and
 * describe an fd the call never reached ("state as above", then ENOENT).
 * Once the child is reaped, the same path is the usual "no thread (any
 * more)". */
#include "expect.h"

#include <sys/wait.h>

int main(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open /etc/passwd");
	int p[2];
	CHECK(pipe(p) == 0, "pipe");
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) { /* alive until the parent closes its end */
		char c;
		close(p[1]);
		_exit(read(p[0], &c, 1) < 0);
	}
	close(p[0]);
	pid_t me = getpid();

	const char *other = sfmt("/proc/self/task/%d/fd/%d", (int)child, fd);
	long r1 = sys_openat(AT_FDCWD, other, O_RDONLY, 0);
	int e1 = errno;
	CHECK_ERR(r1, ENOENT, "openat of another process's tid under task/");
	const char *zero = sfmt("/proc/self/task/0/fd/%d", fd);
	long r2 = sys_openat(AT_FDCWD, zero, O_RDONLY, 0);
	int e2 = errno;
	CHECK_ERR(r2, ENOENT, "openat of task/0");

	close(p[1]);
	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	long r3 = sys_openat(AT_FDCWD, other, O_RDONLY, 0);
	int e3 = errno;
	CHECK_ERR(r3, ENOENT, "openat of a reaped tid under task/");

	const char *spelling = "/proc/self/task/TID/fd/N";
	expect("{%s,\"path\":%s,%s,\"link\":{\"pid\":%d,\"tid\":%d,\"fd\":%d,\"spelling\":\"%s\","
	       "\"probe\":\"no-thread\"},\"target\":null,\"resolution\":\"no-such-thread\","
	       "\"explanation\":%s}",
	       jcall("openat"), jstr(other), jres(r1, e1), (int)me, (int)child, fd, spelling,
	       jstr(sfmt("$re:^thread %d is alive, but it belongs to process %d, not to process %d",
			 (int)child, (int)child, (int)me)));
	expect("{%s,\"path\":%s,%s,\"link\":{\"pid\":%d,\"tid\":0,\"fd\":%d,\"spelling\":\"%s\","
	       "\"probe\":\"no-thread\"},\"target\":null,\"resolution\":\"no-such-thread\","
	       "\"explanation\":%s}",
	       jcall("openat"), jstr(zero), jres(r2, e2), (int)me, fd, spelling,
	       jstr(sfmt("$re:^process %d has no thread 0", (int)me)));
	expect("{%s,\"path\":%s,%s,\"link\":{\"tid\":%d,\"probe\":\"no-process\"},"
	       "\"resolution\":\"no-such-process\",\"explanation\":%s}",
	       jcall("openat"), jstr(other), jres(r3, e3), (int)child,
	       jstr(sfmt("$re:^no thread %d exists \\(any more\\)", (int)child)));
	return 0;
}
