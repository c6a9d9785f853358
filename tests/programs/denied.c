/* Another user's fd table: a child that drops to uid/gid 65534 names its
 * root parent's /proc/PID/fd/N and gets EACCES, even for lstat and
 * readlink. procfd-trace (root) can still probe the fd: resolution denied,
 * target known. Without root, or when uid/gid 65534 cannot be taken (a user
 * namespace that maps only root), there is no other user to be: the program
 * exits EXPECT_SKIP (77) and says why, so the case reports SKIP, not PASS. */
#include "expect.h"

#include <grp.h>
#include <sys/wait.h>

int main(void)
{
	if (geteuid() != 0)
		skip("denied: not root (euid %d): no other user's fd table to be refused",
		     (int)geteuid());
	tmpdir_create();
	struct made_fd m = make_fd("file", (struct fd_params){ .name = "root-only",
							   .content = "secret\n" });
	int fd = m.fd;
	pid_t parent = getpid();
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	const char *pp = sfmt("/proc/%d/fd/%d", (int)parent, fd);
	const char *plink = jlink(parent, 0, fd, "/proc/PID/fd/N", "path", "open");
	fflush(stdout);

	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
			fprintf(stderr, "skip: denied: cannot become uid/gid 65534: %s\n",
				strerror(errno));
			_exit(EXPECT_SKIP);
		}
		struct stat st;
		char buf[PATH_MAX];
		long r = sys_fstatat(AT_FDCWD, pp, &st, 0);
		int e = errno;
		CHECK(r == -1 && e == EACCES, "stat of root's fd link as nobody");
		expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"denied\"}",
		       jcall(SC_FSTATAT), jstr(pp), jres(r, e), plink, target);
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
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXPECT_SKIP)
		exit(EXPECT_SKIP); /* the child said why */
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child failed (status 0x%x)",
	      status);
	sys_close(fd);
	return 0;
}
