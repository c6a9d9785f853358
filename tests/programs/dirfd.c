/* Relative paths: from a dirfd on /proc/self/fd (link.via "dirfd", base
 * "/proc/PID/fd", spelling "/proc/PID/fd/N"), from a dirfd on /proc/self
 * and on /, and from the working directory after chdir("/proc/self/fd")
 * (via "cwd"). A numeric name in an ordinary directory is not a link. */
#include "expect.h"

/* link object for a relative path resolved from base */
static const char *rel_link(int fd, const char *spelling, const char *via, const char *base,
			    const char *probe)
{
	return sfmt("{\"what\":\"fd\",\"pid\":%d,\"tid\":null,\"fd\":%d,\"spelling\":\"%s\","
		    "\"via\":\"%s\",\"base\":%s,\"probe\":\"%s\"}",
		    (int)getpid(), fd, spelling, via, jstr(base), probe);
}

int main(void)
{
	tmpdir_create();
	pid_t pid = getpid();
	const char *file = tmp_path("by-dirfd");
	int fd = make_file(file, "dirfd\n");
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	const char *n = sfmt("%d", fd);
	const char *fdbase = sfmt("/proc/%d/fd", (int)pid);
	struct stat st;
	char buf[PATH_MAX];
	long r;
	int e;

	int dfd = (int)sys_openat(AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
	e = errno;
	CHECK(dfd >= 0, "open /proc/self/fd");
	expect("{%s,\"dirfd\":-100,\"path\":\"/proc/self/fd\",\"flags\":\"$flags:O_RDONLY|"
	       "O_DIRECTORY\",%s,\"link\":{\"what\":\"fd-directory\",\"pid\":%d,\"tid\":null,"
	       "\"fd\":null,\"spelling\":\"/proc/self/fd\",\"via\":\"path\"},"
	       "\"resolution\":\"directory\"}",
	       jcall("openat"), jres(dfd, e), (int)pid);
	const char *dlink = rel_link(fd, "/proc/PID/fd/N", "dirfd", fdbase, "open");

	r = sys_openat(dfd, n, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "openat(dirfd, N)");
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "dirfd\n") == 0, "content");
	expect("{%s,\"dirfd\":%d,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall("openat"), dfd, jstr(n), jres(r, e), dlink, target);
	sys_close((int)r);

	r = sys_fstatat(dfd, n, &st, 0);
	e = errno;
	CHECK(r == 0 && S_ISREG(st.st_mode), "newfstatat(dirfd, N)");
	expect("{%s,\"dirfd\":%d,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), dfd, jstr(n), jres(r, e), dlink, target);

	r = sys_fstatat(dfd, n, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == 0 && S_ISLNK(st.st_mode), "newfstatat(dirfd, N, NOFOLLOW)");
	expect("{%s,\"dirfd\":%d,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,\"link\":%s,"
	       "\"target\":%s,\"resolution\":\"link-itself\"}",
	       jcall(SC_FSTATAT), dfd, jstr(n), jres(r, e), dlink, target);

	r = sys_readlinkat(dfd, n, buf, sizeof buf);
	e = errno;
	CHECK(r == (long)strlen(file), "readlinkat(dirfd, N)");
	expect("{%s,\"dirfd\":%d,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"link-itself\"}",
	       jcall("readlinkat"), dfd, jstr(n), jres(r, e), dlink, target);

	/* "../fd/N" from the same dirfd */
	const char *up = sfmt("../fd/%d", fd);
	r = sys_fstatat(dfd, up, &st, 0);
	e = errno;
	CHECK(r == 0, "newfstatat(dirfd, ../fd/N)");
	expect("{%s,\"dirfd\":%d,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), dfd, jstr(up), jres(r, e), dlink, target);

	/* a dirfd on /proc/self (that is, /proc/PID) with "fd/N" */
	int pdfd = (int)sys_openat(AT_FDCWD, "/proc/self", O_RDONLY | O_DIRECTORY, 0);
	CHECK(pdfd >= 0, "open /proc/self");
	const char *fdn = sfmt("fd/%d", fd);
	r = sys_fstatat(pdfd, fdn, &st, 0);
	e = errno;
	CHECK(r == 0, "newfstatat(/proc/self dirfd, fd/N)");
	expect("{%s,\"dirfd\":%d,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), pdfd, jstr(fdn), jres(r, e),
	       rel_link(fd, "/proc/PID/fd/N", "dirfd", sfmt("/proc/%d", (int)pid), "open"),
	       target);

	/* a dirfd on / with "proc/self/fd/N" */
	int rootfd = (int)sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0);
	CHECK(rootfd >= 0, "open /");
	const char *rel = sfmt("proc/self/fd/%d", fd);
	r = sys_fstatat(rootfd, rel, &st, 0);
	e = errno;
	CHECK(r == 0, "newfstatat(/ dirfd, proc/self/fd/N)");
	expect("{%s,\"dirfd\":%d,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), rootfd, jstr(rel), jres(r, e),
	       rel_link(fd, "/proc/self/fd/N", "dirfd", "/", "open"), target);

	/* the working directory */
	int here = (int)sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0);
	CHECK(here >= 0, "open .");
	r = syscall(SYS_chdir, "/proc/self/fd");
	e = errno;
	CHECK(r == 0, "chdir /proc/self/fd");
	expect("{%s,\"dirfd\":null,\"path\":\"/proc/self/fd\",%s,\"link\":{\"what\":"
	       "\"fd-directory\",\"pid\":%d,\"fd\":null,\"spelling\":\"/proc/self/fd\"},"
	       "\"resolution\":\"directory\"}",
	       jcall("chdir"), jres(r, e), (int)pid);
	CHECK(getcwd(buf, sizeof buf) && strcmp(buf, fdbase) == 0, "cwd is %s", fdbase);
	const char *clink = rel_link(fd, "/proc/PID/fd/N", "cwd", fdbase, "open");

	r = sys_openat(AT_FDCWD, n, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "openat(AT_FDCWD, N) in /proc/self/fd");
	expect("{%s,\"dirfd\":-100,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(n), jres(r, e), clink, target);
	sys_close((int)r);

	r = sys_stat(n, &st);
	e = errno;
	CHECK(r == 0, "stat(N) in /proc/self/fd");
	expect("{%s,\"dirfd\":null,\"path\":%s,\"flags\":null,%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_STAT), jstr(n), jres(r, e), clink, target);

	/* a closed fd, relative */
	const char *closed = "999";
	r = sys_fstatat(AT_FDCWD, closed, &st, 0);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "stat(999) in /proc/self/fd");
	expect("{%s,\"path\":\"999\",%s,\"link\":%s,\"target\":null,"
	       "\"resolution\":\"no-such-fd\"}",
	       jcall(SC_FSTATAT), jres(r, e),
	       rel_link(999, "/proc/PID/fd/N", "cwd", fdbase, "no-fd"));
	CHECK(fchdir(here) == 0, "fchdir back");

	/* numeric names in an ordinary directory are not links */
	int tmpfd = (int)sys_openat(AT_FDCWD, tmp_path(""), O_RDONLY | O_DIRECTORY, 0);
	CHECK(tmpfd >= 0, "open tmpdir");
	sys_close(make_file(tmp_path(n), "not a link\n"));
	r = sys_fstatat(tmpfd, n, &st, 0);
	CHECK(r == 0 && S_ISREG(st.st_mode), "stat(tmpdir, N)");
	r = sys_openat(tmpfd, n, O_RDONLY, 0);
	CHECK_OK(r, "openat(tmpdir, N)");
	sys_close((int)r);
	expect_none("{\"event\":\"syscall\",\"dirfd\":%d,\"path\":%s}", tmpfd, jstr(n));
	expect_none("{\"event\":\"syscall\",\"path\":%s}", jstr(tmp_path(n)));
	return 0;
}
