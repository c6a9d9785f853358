/* The seed table: a regular symlink against a /proc/self/fd/N link, in three
 * states (exists and valid, exists but its target deleted, does not exist),
 * each through open (openat), stat (newfstatat), lstat (newfstatat
 * AT_SYMLINK_NOFOLLOW) and readlink (readlinkat).
 *
 *                | regular symlink | /proc/self/fd/N |
 * exists, valid  |       OK        |        OK       |
 * exists, broken |     ENOENT      |        OK       |  <- the difference
 * doesn't exist  |     ENOENT      |      ENOENT     |
 *
 * The regular symlink never appears in the trace; every call on the fd link
 * does, annotated. */
#include "expect.h"

static const char CONTENT[] = "seed table content\n";

/* One row of the friendly table on stdout. */
static void row(const char *call, const char *link, const char *state, long r, int e)
{
	printf("%-8s %-16s %-15s %s\n", call, link, state, r >= 0 ? "OK" : errno_name(e));
}

/* The four calls on a regular symlink, whose results the kernel decides
 * alone; only their results are checked (nothing may be traced). */
static void regular_calls(const char *sym, const char *state, bool exists, bool valid)
{
	struct stat st;
	char buf[PATH_MAX];
	long r;

	r = sys_openat(AT_FDCWD, sym, O_RDONLY, 0);
	row("open", "regular symlink", state, r, errno);
	if (valid) {
		CHECK_OK(r, "open valid symlink");
		sys_close((int)r);
	} else {
		CHECK_ERR(r, ENOENT, "open broken/missing symlink");
	}

	r = sys_fstatat(AT_FDCWD, sym, &st, 0);
	row("stat", "regular symlink", state, r, errno);
	if (valid)
		CHECK(r == 0 && S_ISREG(st.st_mode), "stat valid symlink");
	else
		CHECK_ERR(r, ENOENT, "stat broken/missing symlink");

	r = sys_fstatat(AT_FDCWD, sym, &st, AT_SYMLINK_NOFOLLOW);
	row("lstat", "regular symlink", state, r, errno);
	if (exists)
		CHECK(r == 0 && S_ISLNK(st.st_mode), "lstat existing symlink");
	else
		CHECK_ERR(r, ENOENT, "lstat missing symlink");

	r = sys_readlinkat(AT_FDCWD, sym, buf, sizeof buf);
	row("readlink", "regular symlink", state, r, errno);
	if (exists)
		CHECK_OK(r, "readlink existing symlink");
	else
		CHECK_ERR(r, ENOENT, "readlink missing symlink");
}

/* The four calls on /proc/self/fd/fd. target is the expected "target" value
 * ("null" when the fd is closed), text_target likewise (a JSON value). */
static void fd_link_calls(int fd, const char *state, const char *file, bool open_fd,
			  bool deleted, const char *target, const char *text_target)
{
	const char *p = self_fd(fd);
	const char *link = jlink(getpid(), 0, fd, "/proc/self/fd/N", "path",
				 open_fd ? "open" : "no-fd");
	const char *ok = open_fd ? NULL : "\"no-such-fd\"";
	struct stat st;
	char buf[PATH_MAX];
	long r;
	int e;

	/* open */
	r = sys_openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC, 0);
	e = errno;
	row("open", "/proc/self/fd/N", state, r, e);
	if (open_fd) {
		CHECK_OK(r, "open fd link");
		read_text((int)r, buf, sizeof buf);
		CHECK(strcmp(buf, CONTENT) == 0, "the held file's content through the link");
		sys_close((int)r);
	} else {
		CHECK(r == -1 && e == ENOENT, "open closed fd link");
	}
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY|O_CLOEXEC\",%s,"
	       "\"link\":%s,\"target\":%s,\"text_target\":%s,\"resolution\":%s,"
	       "\"explanation\":\"$any\"}",
	       jcall("openat"), jstr(p), jres(r, e), link, target, text_target,
	       ok ? ok : "\"followed\"");

	/* stat */
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	row("stat", "/proc/self/fd/N", state, r, e);
	if (open_fd)
		CHECK(r == 0 && S_ISREG(st.st_mode) && st.st_nlink == (deleted ? 0u : 1u),
		      "stat through the link describes the held inode");
	else
		CHECK(r == -1 && e == ENOENT, "stat closed fd link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":%s,\"resolution\":%s}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), link, target, text_target,
	       ok ? ok : "\"followed\"");

	/* lstat */
	r = sys_fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	row("lstat", "/proc/self/fd/N", state, r, e);
	if (open_fd)
		CHECK(r == 0 && S_ISLNK(st.st_mode), "lstat of the link itself");
	else
		CHECK(r == -1 && e == ENOENT, "lstat closed fd link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,\"link\":%s,"
	       "\"target\":%s,\"text_target\":%s,\"resolution\":%s}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), link, target, text_target,
	       ok ? ok : "\"link-itself\"");

	/* readlink */
	r = sys_readlinkat(AT_FDCWD, p, buf, sizeof buf);
	e = errno;
	row("readlink", "/proc/self/fd/N", state, r, e);
	if (open_fd) {
		const char *want = deleted ? sfmt("%s (deleted)", file) : file;
		CHECK(r == (long)strlen(want) && memcmp(buf, want, (size_t)r) == 0,
		      "readlink gives %s", want);
	} else {
		CHECK(r == -1 && e == ENOENT, "readlink closed fd link");
	}
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":null,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":%s,\"resolution\":%s}",
	       jcall("readlinkat"), jstr(p), jres(r, e), link, target, text_target,
	       ok ? ok : "\"link-itself\"");
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("target.txt");
	const char *sym = tmp_path("regular-symlink");

	printf("%-8s %-16s %-15s %s\n", "call", "link", "state", "result");

	/* Regular symlink. */
	sys_close(make_file(file, CONTENT));
	CHECK(symlink(file, sym) == 0, "symlink");
	regular_calls(sym, "exists/valid", true, true);
	CHECK(unlink(file) == 0, "unlink target");
	regular_calls(sym, "exists/broken", true, false);
	CHECK(unlink(sym) == 0, "unlink symlink");
	regular_calls(sym, "does not exist", false, false);
	expect_none("{\"path\":%s}", jstr(sym));

	/* /proc/self/fd/N. */
	sys_close(make_file(file, CONTENT));
	int fd = (int)sys_openat(AT_FDCWD, file, O_RDONLY, 0);
	CHECK(fd >= 0, "open %s", file);
	CHECK(fdinfo_flags(fd) == OPEN_O_LARGEFILE, "fdinfo flags of an O_RDONLY fd");

	fd_link_calls(fd, "exists/valid", file, true, false,
		      jtarget_file(fd, file, false, "read", "O_RDONLY" EXP_LF),
		      "\"same-file\"");
	CHECK(unlink(file) == 0, "unlink held file");
	/* After reading the link, the program acts on its text: a follow-up,
	 * which reached the held file (the one name it had). */
	expect_count(1, "{\"event\":\"syscall\",\"syscall\":\"unlink\",\"path\":%s,"
		     "\"resolution\":\"follow-up\",\"follow_up_of\":{\"fd\":%d,\"how\":\"verbatim\"},"
		     "\"reached\":\"held-inode\"}", jstr(file), fd);
	expect_count(1, "{\"event\":\"syscall\",\"path\":%s}", jstr(file));
	fd_link_calls(fd, "exists/broken", file, true, true,
		      jtarget_file(fd, file, true, "read", "O_RDONLY" EXP_LF),
		      "\"missing\"");
	sys_close(fd);
	fd_link_calls(fd, "does not exist", file, false, false, "null", "null");

	/* Exactly the twelve calls above, no duplicates. */
	expect_count(12, "{\"event\":\"syscall\",\"path\":%s}", jstr(self_fd(fd)));
	return 0;
}
