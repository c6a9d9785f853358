/* Two hard links; the one the fd was opened by is removed. The kernel marks
 * the name " (deleted)" but the inode lives on (nlink 1): name_deleted true,
 * deleted false. Then a new file takes the old name: different-file. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	const char *a = tmp_path("first-link");
	const char *b = tmp_path("second-link");
	sys_close(make_file(a, "shared\n"));
	CHECK(link(a, b) == 0, "link");
	int fd = (int)sys_openat(AT_FDCWD, a, O_RDONLY, 0);
	CHECK(fd >= 0, "open %s", a);
	CHECK(unlink(a) == 0, "unlink %s", a);
	CHECK(fd_stat(fd).st_nlink == 1, "nlink 1");

	const char *p = self_fd(fd);
	const char *target = jtarget_file(fd, a, true, "read", "O_RDONLY" EXP_LF);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_nlink == 1, "stat through link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"missing\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	/* A new file under the removed name. */
	sys_close(make_file(a, "impostor\n"));
	target = jtarget_file(fd, a, true, "read", "O_RDONLY" EXP_LF);
	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "open through link");
	char buf[64];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "shared\n") == 0, "held inode content");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"different-file\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);
	/* Both calls: the name marked, the inode alive. */
	expect_count(2, "{\"path\":%s,\"target\":{\"name_deleted\":true,\"deleted\":false,"
		     "\"nlink\":1}}", jstr(p));
	sys_close(fd);
	return 0;
}
