/* A file replaced by rename(2) of another over its name: the fd holds the
 * old inode, whose link count is now 0 (deleted), while its name leads to
 * the new file (different-file). Open through the link reads the old data. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	const char *name = tmp_path("config");
	const char *next = tmp_path("config.new");
	int fd = make_file(name, "old content\n");
	ino_t old_ino = fd_stat(fd).st_ino;
	int nfd = make_file(next, "new content\n");
	ino_t new_ino = fd_stat(nfd).st_ino;
	sys_close(nfd);
	CHECK(rename(next, name) == 0, "rename over");
	CHECK(fd_stat(fd).st_nlink == 0, "old inode nlink 0");

	const char *p = self_fd(fd);
	const char *target = jtarget_file(fd, name, true, "read-write", "O_RDWR" EXP_LF);

	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open through link");
	char buf[64];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "old content\n") == 0, "the held (old) inode's content, got %s", buf);
	CHECK(fd_stat((int)r).st_ino == old_ino, "the old inode");
	expect("{%s,\"dirfd\":-100,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"different-file\",\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);

	struct stat st;
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0 && st.st_ino == old_ino && st.st_nlink == 0, "stat through link");
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"target\":{\"ino\":%lu,\"deleted\":true,"
	       "\"nlink\":0,\"name_deleted\":true},\"text_target\":\"different-file\","
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), (unsigned long)old_ino);
	/* The new file's inode is never the target. */
	expect_none("{\"path\":%s,\"target\":{\"ino\":%lu}}", jstr(p), (unsigned long)new_ino);
	sys_close(fd);
	return 0;
}
