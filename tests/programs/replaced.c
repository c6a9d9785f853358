/* A file replaced by rename(2) of another over its name: the fd holds the
 * old inode, whose link count is now 0 (deleted), while its name leads to
 * the new file: the text verbatim ("config (deleted)") names nothing
 * (text_target missing), the name without the marker a different file
 * (name_target different-file). Open through the link reads the old data. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("replaced", (struct fd_params){
		.name = "config", .name2 = "config.new", .content = "old content\n",
		.content2 = "new content\n" });
	int fd = m.fd;
	ino_t old_ino = m.ino, new_ino = m.ino2;

	const char *p = self_fd(fd);
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);

	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open through link");
	char buf[64];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "old content\n") == 0, "the held (old) inode's content, got %s", buf);
	CHECK(fd_stat((int)r).st_ino == old_ino, "the old inode");
	expect("{%s,\"dirfd\":-100,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"missing\",\"name_target\":\"different-file\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);

	struct stat st;
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0 && st.st_ino == old_ino && st.st_nlink == 0, "stat through link");
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"target\":{\"ino\":%lu,\"deleted\":true,"
	       "\"nlink\":0,\"name_deleted\":true},\"text_target\":\"missing\","
	       "\"name_target\":\"different-file\","
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), (unsigned long)old_ino);
	/* The new file's inode is never the target. */
	expect_none("{\"path\":%s,\"target\":{\"ino\":%lu}}", jstr(p), (unsigned long)new_ino);
	sys_close(fd);
	return 0;
}
