/* An O_TMPFILE: born without a name (text "DIR/#INO (deleted)", nlink 0).
 * linkat(AT_SYMLINK_FOLLOW) through its /proc/self/fd link gives it one; the
 * kernel's text keeps the marker, but the inode now has nlink 1. linkat
 * without AT_SYMLINK_FOLLOW would link the procfs link itself: EXDEV. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("tmpfile", (struct fd_params){ .content = "tmp\n" });
	int fd = m.fd;
	/* fdinfo says O_RDWR" EXP_LF "|O_DIRECTORY|__O_TMPFILE: O_TMPFILE
	 * includes O_DIRECTORY, so the symbolic form is a matter of taste and
	 * fd_flags is not checked here (access_modes does that). */
	CHECK(fdinfo_flags(fd) == (O_RDWR | OPEN_O_LARGEFILE | O_TMPFILE), "fdinfo flags 0%lo",
	      fdinfo_flags(fd));
	const char *hidden = m.path;
	const char *p = self_fd(fd);
	const char *named = tmp_path("given-a-name");

	const char *target = jtarget_made(&m, NULL);
	long r = syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, named, AT_SYMLINK_FOLLOW);
	int e = errno;
	CHECK(r == 0, "linkat(AT_SYMLINK_FOLLOW) of an O_TMPFILE");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"AT_SYMLINK_FOLLOW\",%s,\"link\":%s,"
	       "\"target\":%s,\"text_target\":\"missing\",\"resolution\":\"followed\"}",
	       jcall("linkat"), jstr(p), jres(r, e), jself(fd), target);

	/* Named now: nlink 1, not deleted, but the text still carries the marker. */
	CHECK(fd_stat(fd).st_nlink == 1, "nlink 1 after linkat");
	target = jtarget_made(&m, NULL);
	char buf[PATH_MAX];
	r = sys_readlinkat(AT_FDCWD, p, buf, sizeof buf);
	e = errno;
	const char *text = sfmt("%s (deleted)", hidden);
	CHECK(r == (long)strlen(text) && memcmp(buf, text, (size_t)r) == 0, "text keeps the marker");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
	       "\"resolution\":\"link-itself\"}",
	       jcall("readlinkat"), jstr(p), jres(r, e), jself(fd), target);

	r = syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, tmp_path("second"), 0);
	e = errno;
	CHECK(r == -1 && e == EXDEV, "linkat without AT_SYMLINK_FOLLOW");
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s}",
	       jcall("linkat"), jstr(p), jres(r, e), jself(fd), target);
	/* Before linkat the inode was deleted; after it, both calls see it named. */
	expect_count(1, "{\"path\":%s,\"target\":{\"deleted\":true,\"nlink\":0,"
		     "\"name_deleted\":true}}", jstr(p));
	expect_count(2, "{\"path\":%s,\"target\":{\"deleted\":false,\"nlink\":1,"
		     "\"name_deleted\":true}}", jstr(p));
	sys_close(fd);
	return 0;
}
