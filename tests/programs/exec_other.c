/* A 64-bit program that makes one traced call and then execs argv[1]
 * (argv[1..] as its arguments), in the same process. With an i386 program
 * (m32_deleted) this is a personality switch through execve: the events
 * before the exec say x86_64, the exec is reported with the new image, and
 * the new image's events say i386 (it prints its own expectations after
 * these, so the order is checked). Its fd is O_CLOEXEC: the new image
 * starts with the same fds as when run on its own. */
#include "expect.h"

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: exec_other PROGRAM [ARGS...]");
	int fd = (int)sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
	CHECK(fd >= 0, "open /");
	const char *p = sfmt("/dev/fd/%d", fd);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && S_ISDIR(st.st_mode), "stat %s", p);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(getpid(), 0, fd, "/dev/fd/N", "path", "open"),
	       jtarget_full(fd, "/", 1, "/", 1, false, "directory", "read", NULL));

	char exe[PATH_MAX];
	CHECK(realpath(argv[1], exe) != NULL, "realpath %s", argv[1]);
	int pid = (int)getpid();
	expect("{\"event\":\"exec\",\"pid\":%d,\"tid\":%d,\"old_tid\":%d,\"exe\":%s}", pid, pid, pid,
	       jstr(exe));
	fflush(stdout);
	execv(argv[1], argv + 1);
	CHECK(0, "execv %s", argv[1]);
}
