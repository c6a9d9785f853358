/* Another user's fd table: a child that drops to uid/gid 65534 names its
 * root parent's /proc/PID/fd/N and gets EACCES, even for lstat and
 * readlink. procfd-trace (root) can still probe the fd: resolution denied,
 * target known. Without root there is no other user to be: the program only
 * says so. */
#include "expect.h"

#include <grp.h>
#include <sys/wait.h>

int main(void)
{
	if (geteuid() != 0) {
		printf("denied: not root, nothing to test\n");
		expect_none("{\"resolution\":\"denied\"}");
		return 0;
	}
	tmpdir_create();
	const char *file = tmp_path("root-only");
	int fd = make_file(file, "secret\n");
	pid_t parent = getpid();
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR|O_LARGEFILE");
	const char *pp = sfmt("/proc/%d/fd/%d", (int)parent, fd);
	const char *plink = jlink(parent, 0, fd, "/proc/PID/fd/N", "path", "open");
	fflush(stdout);

	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		CHECK(setgroups(0, NULL) == 0 && setgid(65534) == 0 && setuid(65534) == 0,
		      "drop privileges");
		struct stat st;
		char buf[PATH_MAX];
		long r = sys_newfstatat(AT_FDCWD, pp, &st, 0);
		int e = errno;
		CHECK(r == -1 && e == EACCES, "stat of root's fd link as nobody");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"denied\"}",
		       jcall("newfstatat"), jstr(pp), jres(r, e), plink, target);
		r = sys_readlinkat(AT_FDCWD, pp, buf, sizeof buf);
		e = errno;
		CHECK(r == -1 && e == EACCES, "readlink of root's fd link as nobody");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"denied\"}",
		       jcall("readlinkat"), jstr(pp), jres(r, e), plink, target);
		r = sys_openat(AT_FDCWD, pp, O_RDONLY, 0);
		e = errno;
		CHECK(r == -1 && e == EACCES, "open of root's fd link as nobody");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"denied\"}",
		       jcall("openat"), jstr(pp), jres(r, e), plink, target);
		fflush(stdout);
		_exit(0);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "child failed (status 0x%x)", status);
	sys_close(fd);
	return 0;
}
