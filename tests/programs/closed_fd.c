/* Links that name nothing: a closed fd (no-such-fd, probe no-fd) and a
 * process that no longer exists (no-such-process, probe no-process). */
#include "expect.h"

#include <sys/wait.h>

int main(void)
{
	tmpdir_create();
	int fd = make_file(tmp_path("was-open"), "x");
	sys_close(fd);
	const char *p = self_fd(fd);
	const char *link = jlink(getpid(), 0, fd, "/proc/self/fd/N", "path", "no-fd");
	struct stat st;
	char buf[64];

	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == -1 && e == ENOENT, "stat of a closed fd's link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":null,"
	       "\"text_target\":null,\"resolution\":\"no-such-fd\",\"explanation\":\"$any\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), link);

	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "open of a closed fd's link");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"text_target\":null,"
	       "\"resolution\":\"no-such-fd\"}",
	       jcall("openat"), jstr(p), jres(r, e), link);

	r = sys_readlinkat(AT_FDCWD, p, buf, sizeof buf);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "readlink of a closed fd's link");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"text_target\":null,"
	       "\"resolution\":\"no-such-fd\"}",
	       jcall("readlinkat"), jstr(p), jres(r, e), link);

	/* A high fd number that was never open. */
	const char *p999 = self_fd(999);
	r = sys_fstatat(AT_FDCWD, p999, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "lstat of fd 999's link");
	expect("{%s,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,\"link\":%s,\"target\":null,"
	       "\"text_target\":null,\"resolution\":\"no-such-fd\"}",
	       jcall(SC_FSTATAT), jstr(p999), jres(r, e),
	       jlink(getpid(), 0, 999, "/proc/self/fd/N", "path", "no-fd"));

	/* A process that has exited and been reaped. */
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0)
		_exit(0);
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status), "waitpid");
	const char *pdead = sfmt("/proc/%d/fd/0", (int)child);
	r = sys_fstatat(AT_FDCWD, pdead, &st, 0);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "stat of a dead process's fd link");
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":null,"
	       "\"text_target\":null,\"resolution\":\"no-such-process\"}",
	       jcall(SC_FSTATAT), jstr(pdead), jres(r, e),
	       jlink(child, 0, 0, "/proc/PID/fd/N", "path", "no-process"));
	return 0;
}
