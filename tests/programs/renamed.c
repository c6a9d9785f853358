/* A renamed file: readlink shows the new name (not a stale one), the name
 * still leads to the held inode, nothing is deleted. */
#include "expect.h"

static const char CONTENT[] = "renamed\n";

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("renamed", (struct fd_params){ .name = "before-rename",
							      .name2 = "after-rename",
							      .content = CONTENT });
	int fd = m.fd;
	const char *old = m.path2, *new = m.path;

	const char *p = self_fd(fd);
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_ino == fd_stat(fd).st_ino && st.st_nlink == 1, "stat through link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	char buf[PATH_MAX];
	r = sys_readlinkat(AT_FDCWD, p, buf, sizeof buf);
	e = errno;
	CHECK(r == (long)strlen(new) && memcmp(buf, new, (size_t)r) == 0, "readlink gives the new name");
	expect("{%s,\"dirfd\":-100,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"link-itself\"}",
	       jcall("readlinkat"), jstr(p), jres(r, e), jself(fd), target);

	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "open through link");
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, CONTENT) == 0, "content");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"same-file\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	expect_none("{\"path\":%s,\"target\":{\"name\":%s}}", jstr(p), jstr(old));
	sys_close((int)r);
	sys_close(fd);
	return 0;
}
