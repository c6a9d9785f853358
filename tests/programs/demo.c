/* The README demo: a program holds a deleted file open and looks at it
 * through /proc/self/fd/N the ways tools do: open (cat), stat, lstat and
 * readlink (ls -l, file). Run it under procfd-trace to see each call
 * annotated: the link still opens although its text names nothing.
 *
 * The expect lines for the test harness are printed only when the
 * environment has PFDTEST_EXPECT (run.py sets it), so the demo stays
 * readable. */
#include "expect.h"

static bool quiet_expect;

#define demo_expect(...)                                                       \
	do {                                                                   \
		if (!quiet_expect)                                             \
			expect(__VA_ARGS__);                                   \
	} while (0)

int main(void)
{
	quiet_expect = getenv("PFDTEST_EXPECT") == NULL;
	/* One line at a time, so the demo's lines and the trace interleave in
	 * the order they happened even when stdout is a pipe. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	tmpdir_create();
	static const char content[] = "Remember: the link still works.\n";
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "notes.txt",
							      .content = content });
	int fd = m.fd;
	const char *file = m.path;
	const char *p = self_fd(fd);
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	printf("demo: wrote %s, kept fd %d open, then deleted the file.\n", file, fd);

	/* open, like cat */
	long r = sys_openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC, 0);
	int e = errno;
	CHECK_OK(r, "open");
	char buf[PATH_MAX];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, content) == 0, "content");
	printf("demo: open(\"%s\") worked; the deleted file says: %s", p, buf);
	demo_expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);

	/* stat follows the link to the held inode */
	struct stat st;
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0, "stat");
	printf("demo: stat: inode %lu, %ld bytes, %lu links\n", (unsigned long)st.st_ino,
	       (long)st.st_size, (unsigned long)st.st_nlink);
	demo_expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	/* lstat describes the link itself */
	r = sys_fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == 0 && S_ISLNK(st.st_mode), "lstat");
	printf("demo: lstat: a symbolic link, mode %04o\n", (unsigned)(st.st_mode & 07777));
	demo_expect("{%s,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"link-itself\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	/* readlink gives a name that no longer exists */
	r = sys_readlinkat(AT_FDCWD, p, buf, sizeof buf - 1);
	e = errno;
	CHECK(r > 0, "readlink");
	buf[r] = '\0';
	printf("demo: readlink: \"%s\" (that name is gone)\n", buf);
	demo_expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
	       "\"resolution\":\"link-itself\"}",
	       jcall("readlinkat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close(fd);
	return 0;
}
