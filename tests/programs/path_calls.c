/* Every kind of path call on one /proc/self/fd/N link, each by its own
 * syscall number: open, creat, stat, lstat, readlink, access, faccessat,
 * faccessat2, statx, truncate, statfs and chdir (on a directory fd). Each
 * event names its syscall and the arguments it has (dirfd null for the calls
 * without one, flags null without flags, mode for access and creat). */
#include "expect.h"

#include <linux/stat.h>
#include <sys/statfs.h>

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("calls");
	int fd = make_file(file, "0123456789\n");
	const char *p = self_fd(fd);
	const char *link = jself(fd);
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	struct stat st;
	char buf[PATH_MAX];
	long r;
	int e;

#define EXPECT_CALL(name, extra, resolution)                                              \
	expect("{%s,\"path\":%s," extra ",%s,\"link\":%s,\"target\":%s,"                  \
	       "\"text_target\":\"same-file\",\"resolution\":\"" resolution "\"}",        \
	       jcall(name), jstr(p), jres(r, e), link, target)

	r = syscall(SYS_open, p, O_RDONLY);
	e = errno;
	CHECK_OK(r, "open");
	sys_close((int)r);
	EXPECT_CALL("open", "\"dirfd\":null,\"flags\":\"$flags:O_RDONLY\"", "followed");

	r = sys_stat(p, &st);
	e = errno;
	CHECK(r == 0 && S_ISREG(st.st_mode), "stat");
	EXPECT_CALL(SC_STAT, "\"dirfd\":null,\"flags\":null", "followed");

	r = sys_lstat(p, &st);
	e = errno;
	CHECK(r == 0 && S_ISLNK(st.st_mode), "lstat");
	EXPECT_CALL(SC_LSTAT, "\"dirfd\":null,\"flags\":null", "link-itself");

	r = syscall(SYS_readlink, p, buf, sizeof buf);
	e = errno;
	CHECK(r == (long)strlen(file), "readlink");
	EXPECT_CALL("readlink", "\"dirfd\":null,\"flags\":null", "link-itself");

	r = syscall(SYS_access, p, R_OK | W_OK);
	e = errno;
	CHECK(r == 0, "access");
	EXPECT_CALL("access", "\"dirfd\":null,\"mode\":\"$flags:R_OK|W_OK\"", "followed");

	r = syscall(SYS_faccessat, AT_FDCWD, p, F_OK);
	e = errno;
	CHECK(r == 0, "faccessat");
	EXPECT_CALL("faccessat", "\"dirfd\":-100,\"mode\":\"F_OK\"", "followed");

	r = syscall(SYS_faccessat2, AT_FDCWD, p, R_OK, 0);
	e = errno;
	CHECK(r == 0, "faccessat2");
	EXPECT_CALL("faccessat2", "\"dirfd\":-100,\"flags\":\"0\",\"mode\":\"R_OK\"", "followed");

	r = syscall(SYS_faccessat2, AT_FDCWD, p, R_OK, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == 0, "faccessat2 AT_SYMLINK_NOFOLLOW");
	EXPECT_CALL("faccessat2", "\"dirfd\":-100,\"flags\":\"AT_SYMLINK_NOFOLLOW\"",
		    "link-itself");

	struct statx stx;
	r = syscall(SYS_statx, AT_FDCWD, p, 0, STATX_BASIC_STATS, &stx);
	e = errno;
	CHECK(r == 0 && S_ISREG(stx.stx_mode), "statx");
	EXPECT_CALL("statx", "\"dirfd\":-100,\"flags\":\"0\"", "followed");

	r = syscall(SYS_statx, AT_FDCWD, p, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx);
	e = errno;
	CHECK(r == 0 && S_ISLNK(stx.stx_mode), "statx AT_SYMLINK_NOFOLLOW");
	EXPECT_CALL("statx", "\"dirfd\":-100,\"flags\":\"AT_SYMLINK_NOFOLLOW\"", "link-itself");

	r = syscall(SYS_truncate, p, 4L);
	e = errno;
	CHECK(r == 0 && fd_stat(fd).st_size == 4, "truncate through the link");
	EXPECT_CALL("truncate", "\"dirfd\":null", "followed");

	struct statfs sfs;
	r = syscall(SYS_statfs, p, &sfs);
	e = errno;
	CHECK(r == 0, "statfs");
	EXPECT_CALL("statfs", "\"dirfd\":null", "followed");

	/* creat truncates the held file through the link; mode is shown. */
	r = syscall(SYS_creat, p, 0640);
	e = errno;
	CHECK_OK(r, "creat through the link");
	CHECK(fd_stat(fd).st_size == 0 && fd_stat((int)r).st_ino == fd_stat(fd).st_ino,
	      "creat reached the held file");
	sys_close((int)r);
	EXPECT_CALL("creat", "\"dirfd\":null,\"mode\":\"0640\"", "followed");

	/* chdir follows the link of a directory fd. */
	int dfd = (int)sys_openat(AT_FDCWD, tmp_path(""), O_RDONLY | O_DIRECTORY, 0);
	CHECK(dfd >= 0, "open tmpdir");
	int here = (int)sys_openat(AT_FDCWD, ".", O_RDONLY | O_DIRECTORY, 0);
	CHECK(here >= 0, "open .");
	const char *dp = self_fd(dfd);
	const char *dir = tmp_path("");
	size_t dlen = strlen(dir) - 1;
	r = syscall(SYS_chdir, dp);
	e = errno;
	CHECK(r == 0 && getcwd(buf, sizeof buf) && strlen(buf) == dlen &&
	      memcmp(buf, dir, dlen) == 0, "chdir through a directory fd's link");
	expect("{%s,\"dirfd\":null,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall("chdir"), jstr(dp), jres(r, e), jself(dfd),
	       jtarget_full(dfd, dir, dlen, dir, dlen, false, "directory", "read",
			    "O_RDONLY|O_DIRECTORY" EXP_LF));
	CHECK(fchdir(here) == 0, "fchdir back");

	/* Exactly one event per call above on fd (chdir named dfd's link). */
	expect_count(13, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	sys_close(dfd);
	sys_close(here);
	sys_close(fd);
	return 0;
}
