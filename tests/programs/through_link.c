/* A walk THROUGH an fd link: /proc/self/fd/D/.., /proc/self/fd/D/child,
 * /dev/fd/D/child. The kernel follows the magic link (an inner component is
 * always followed) to the directory fd D holds and walks on from there. Each
 * such call is reported with link.what "through", link.rest the path after
 * the link, resolution "through-link" (or the error), and an explanation
 * that names the held directory. Through an fd on a regular file: ENOTDIR.
 * From a dirfd on /proc/self/fd, "D/child" goes through the link too. */
#include "expect.h"

static const char *through(int fd, const char *spelling, const char *rest, const char *via,
			   const char *base)
{
	return sfmt("{\"what\":\"through\",\"pid\":%d,\"tid\":null,\"fd\":%d,\"spelling\":\"%s\","
		    "\"rest\":%s,\"via\":\"%s\",%s\"probe\":\"open\"}",
		    (int)getpid(), fd, spelling, jstr(rest), via,
		    base ? sfmt("\"base\":%s,", jstr(base)) : "");
}

static const char *into(int fd, const char *dir)
{
	return sfmt("$re:through fd %d's magic link into the held directory \\\"%s\\\"", fd, dir);
}

int main(void)
{
	const char *top = tmpdir_create();
	const char *dir = tmp_path("d");
	CHECK(mkdir(dir, 0755) == 0, "mkdir");
	close(make_file(tmp_path("d/child"), "child\n"));
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	CHECK(dfd >= 0, "open dir");
	int ffd = make_file(tmp_path("file"), "file\n");
	const char *dtarget = jtarget_full(dfd, dir, strlen(dir), dir, strlen(dir), false,
					   "directory", "read", NULL);
	struct stat st, want;
	char buf[64];
	long r;
	int e;

	/* "..": the parent of the held directory */
	const char *up = sfmt("/proc/self/fd/%d/..", dfd);
	r = sys_openat(AT_FDCWD, up, O_RDONLY | O_DIRECTORY, 0);
	e = errno;
	CHECK(r >= 0, "open %s", up);
	CHECK(stat(top, &want) == 0 && fd_stat((int)r).st_ino == want.st_ino, "%s is %s", up, top);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"through-link\","
	       "\"explanation\":\"%s, then on to \\\"..\\\"\"}",
	       jcall("openat"), jstr(up), jres(r, e), through(dfd, "/proc/self/fd/N", "..", "path", NULL),
	       dtarget, into(dfd, dir));
	sys_close((int)r);

	/* a name inside it */
	const char *child = sfmt("/proc/self/fd/%d/child", dfd);
	r = sys_openat(AT_FDCWD, child, O_RDONLY, 0);
	e = errno;
	CHECK(r >= 0, "open %s", child);
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "child\n") == 0, "content of %s", child);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"through-link\","
	       "\"explanation\":\"%s\"}",
	       jcall("openat"), jstr(child), jres(r, e),
	       through(dfd, "/proc/self/fd/N", "child", "path", NULL), dtarget,
	       sfmt("%s, then on to \\\"child\\\" \\\\(\\\"%s/child\\\"\\\\)", into(dfd, dir), dir));
	sys_close((int)r);

	/* /dev/fd spelling, lstat: the NOFOLLOW is about "child", not the link */
	const char *devchild = sfmt("/dev/fd/%d/child", dfd);
	r = sys_lstat(devchild, &st);
	e = errno;
	CHECK(r == 0 && S_ISREG(st.st_mode), "lstat %s", devchild);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"through-link\"}",
	       jcall(SC_LSTAT), jstr(devchild), jres(r, e),
	       through(dfd, "/dev/fd/N", "child", "path", NULL), dtarget);

	/* nothing there: the kernel's ENOENT, but the walk still went through */
	const char *missing = sfmt("/dev/fd/%d/missing", dfd);
	r = sys_stat(missing, &st);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "stat %s", missing);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"resolution\":\"error\","
	       "\"explanation\":\"$re:failed with ENOENT.*through fd %d's magic link\"}",
	       jcall(SC_STAT), jstr(missing), jres(r, e),
	       through(dfd, "/dev/fd/N", "missing", "path", NULL), dfd);

	/* through an fd on a regular file: ENOTDIR */
	const char *notdir = sfmt("/proc/self/fd/%d/x", ffd);
	r = sys_openat(AT_FDCWD, notdir, O_RDONLY, 0);
	e = errno;
	CHECK(r == -1 && e == ENOTDIR, "open %s", notdir);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"resolution\":\"error\","
	       "\"explanation\":\"$re:ENOTDIR.*only go on from a directory\"}",
	       jcall("openat"), jstr(notdir), jres(r, e),
	       through(ffd, "/proc/self/fd/N", "x", "path", NULL));

	/* relative, from a dirfd on the fd directory: "D/child" */
	int fdir = (int)sys_openat(AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
	CHECK(fdir >= 0, "open /proc/self/fd");
	const char *rel = sfmt("%d/child", dfd);
	r = sys_fstatat(fdir, rel, &st, 0);
	e = errno;
	CHECK(r == 0 && S_ISREG(st.st_mode), "fstatat(fd dir, %s)", rel);
	expect("{%s,\"dirfd\":%d,\"path\":%s,%s,\"link\":%s,\"resolution\":\"through-link\"}",
	       jcall(SC_FSTATAT), fdir, jstr(rel), jres(r, e),
	       through(dfd, "/proc/PID/fd/N", "child", "dirfd", sfmt("/proc/%d/fd", (int)getpid())));

	/* a trailing "/." is not a walk through: the link itself, followed */
	const char *dot = sfmt("/proc/self/fd/%d/.", dfd);
	r = sys_stat(dot, &st);
	e = errno;
	CHECK(r == 0 && S_ISDIR(st.st_mode), "stat %s", dot);
	expect("{%s,\"path\":%s,%s,\"link\":{\"what\":\"fd\",\"fd\":%d},\"resolution\":\"followed\"}",
	       jcall(SC_STAT), jstr(dot), jres(r, e), dfd);
	return 0;
}
