/* Calls that refuse the magic-link jump: O_NOFOLLOW (ELOOP), O_PATH|
 * O_NOFOLLOW (opens the link itself), openat2 RESOLVE_NO_MAGICLINKS and
 * RESOLVE_NO_SYMLINKS (ELOOP), and the scoped lookups RESOLVE_BENEATH,
 * RESOLVE_NO_XDEV and RESOLVE_IN_ROOT from a dirfd on /proc/self/fd (EXDEV). */
#include "expect.h"

#include <linux/openat2.h>

static long sys_openat2(int dirfd, const char *path, uint64_t flags, uint64_t resolve)
{
	struct open_how how = { .flags = flags, .resolve = resolve };
	return syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("plain");
	int fd = make_file(file, "plain\n");
	const char *p = self_fd(fd);
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	const char *link = jself(fd);
	long r;
	int e;

	r = sys_openat(AT_FDCWD, p, O_RDONLY | O_NOFOLLOW, 0);
	e = errno;
	CHECK(r == -1 && e == ELOOP, "O_NOFOLLOW on a magic link gives ELOOP");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY|O_NOFOLLOW\",%s,"
	       "\"link\":%s,\"target\":%s,\"text_target\":\"same-file\","
	       "\"resolution\":\"refused-nofollow\"}",
	       jcall("openat"), jstr(p), jres(r, e), link, target);

	r = sys_openat(AT_FDCWD, p, O_PATH | O_NOFOLLOW, 0);
	e = errno;
	CHECK_OK(r, "O_PATH|O_NOFOLLOW opens the link itself");
	CHECK(S_ISLNK(fd_stat((int)r).st_mode), "the O_PATH fd is the symlink");
	expect("{%s,\"path\":%s,\"flags\":\"$flags:O_RDONLY|O_PATH|O_NOFOLLOW\",%s,\"link\":%s,"
	       "\"target\":%s,\"resolution\":\"link-itself\"}",
	       jcall("openat"), jstr(p), jres(r, e), link, target);
	sys_close((int)r);

	r = sys_openat2(AT_FDCWD, p, O_RDONLY, RESOLVE_NO_MAGICLINKS);
	e = errno;
	CHECK(r == -1 && e == ELOOP, "RESOLVE_NO_MAGICLINKS gives ELOOP");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY\","
	       "\"resolve\":\"RESOLVE_NO_MAGICLINKS\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"refused-nofollow\"}",
	       jcall("openat2"), jstr(p), jres(r, e), link, target);

	r = sys_openat2(AT_FDCWD, p, O_RDONLY, RESOLVE_NO_SYMLINKS);
	e = errno;
	CHECK(r == -1 && e == ELOOP, "RESOLVE_NO_SYMLINKS gives ELOOP");
	expect("{%s,\"path\":%s,\"resolve\":\"RESOLVE_NO_SYMLINKS\",%s,\"link\":%s,"
	       "\"target\":%s,\"resolution\":\"refused-nofollow\"}",
	       jcall("openat2"), jstr(p), jres(r, e), link, target);

	/* No restriction: openat2 follows like openat; resolve "0". */
	r = sys_openat2(AT_FDCWD, p, O_RDONLY | O_CLOEXEC, 0);
	e = errno;
	CHECK_OK(r, "openat2 without resolve flags");
	expect("{%s,\"path\":%s,\"flags\":\"$flags:O_RDONLY|O_CLOEXEC\",\"resolve\":\"0\",%s,"
	       "\"link\":%s,\"target\":%s,\"text_target\":\"same-file\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat2"), jstr(p), jres(r, e), link, target);
	sys_close((int)r);

	/* Scoped lookups from a dirfd on /proc/self/fd. */
	int dfd = (int)sys_openat(AT_FDCWD, "/proc/self/fd", O_RDONLY | O_DIRECTORY, 0);
	CHECK(dfd >= 0, "open /proc/self/fd");
	const char *n = sfmt("%d", fd);
	const char *dlink = sfmt("{\"what\":\"fd\",\"pid\":%d,\"tid\":null,\"fd\":%d,"
				 "\"spelling\":\"/proc/PID/fd/N\",\"via\":\"dirfd\","
				 "\"base\":\"/proc/%d/fd\",\"probe\":\"open\"}",
				 (int)getpid(), fd, (int)getpid());
	static const struct {
		uint64_t flag;
		const char *name;
	} scoped[] = {
		{ RESOLVE_BENEATH, "RESOLVE_BENEATH" },
		{ RESOLVE_NO_XDEV, "RESOLVE_NO_XDEV" },
		{ RESOLVE_IN_ROOT, "RESOLVE_IN_ROOT" },
	};
	for (size_t i = 0; i < sizeof scoped / sizeof scoped[0]; i++) {
		r = sys_openat2(dfd, n, O_RDONLY, scoped[i].flag);
		e = errno;
		CHECK(r == -1 && e == EXDEV, "%s from a dirfd on /proc/self/fd gives EXDEV",
		      scoped[i].name);
		expect("{%s,\"dirfd\":%d,\"path\":%s,\"flags\":\"$flags:O_RDONLY\","
		       "\"resolve\":\"%s\",%s,\"link\":%s,\"target\":%s,"
		       "\"text_target\":\"same-file\",\"resolution\":\"refused-scoped\"}",
		       jcall("openat2"), dfd, jstr(n), scoped[i].name, jres(r, e), dlink, target);
	}
	sys_close(dfd);

	/* A closed fd under RESOLVE_NO_SYMLINKS: the /proc/self symlink on the
	 * way is refused first, ELOOP, although the fd does not exist. */
	sys_close(fd);
	r = sys_openat2(AT_FDCWD, p, O_RDONLY, RESOLVE_NO_SYMLINKS);
	e = errno;
	CHECK(r == -1 && e == ELOOP, "RESOLVE_NO_SYMLINKS through /proc/self gives ELOOP");
	expect("{%s,\"path\":%s,\"resolve\":\"RESOLVE_NO_SYMLINKS\",%s,\"link\":%s,"
	       "\"target\":null,\"text_target\":null,\"resolution\":\"refused-nofollow\"}",
	       jcall("openat2"), jstr(p), jres(r, e),
	       jlink(getpid(), 0, fd, "/proc/self/fd/N", "path", "no-fd"));
	return 0;
}
