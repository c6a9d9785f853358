/* Two hard links; the one the fd was opened by is removed. The kernel marks
 * the name " (deleted)" but the inode lives on (nlink 1): name_deleted true,
 * deleted false. Then a new file takes the old name: the text verbatim
 * ("... (deleted)") still names nothing, the name names a different file. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("hardlink-removed", (struct fd_params){
		.name = "first-link", .name2 = "second-link", .content = "shared\n" });
	int fd = m.fd;
	const char *a = m.path;

	const char *p = self_fd(fd);
	const char *target = jtarget_made(&m, "O_RDONLY" EXP_LF);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_nlink == 1, "stat through link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"missing\",\"name_target\":\"missing\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	/* A new file under the removed name. */
	sys_close(make_file(a, "impostor\n"));
	target = jtarget_made(&m, "O_RDONLY" EXP_LF);
	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "open through link");
	char buf[64];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "shared\n") == 0, "held inode content");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
	       "\"name_target\":\"different-file\",\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);
	/* Both calls: the name marked, the inode alive. */
	expect_count(2, "{\"path\":%s,\"target\":{\"name_deleted\":true,\"deleted\":false,"
		     "\"nlink\":1}}", jstr(p));
	sys_close(fd);
	return 0;
}
