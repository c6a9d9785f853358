/* A live file literally named "x (deleted)": the suffix is part of its name,
 * not the kernel's marker. Then a file named "y (deleted)" that really is
 * deleted: the kernel text ends in " (deleted) (deleted)". Then the
 * collision: z is deleted while it is held, and a live file is called
 * "z (deleted)": the kernel's text for the fd names that other, live file,
 * which is what a tool following the text verbatim (realpath, ls) reaches. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	struct made_fd mx = make_fd("file", (struct fd_params){ .name = "x (deleted)",
							    .content = "alive\n" });
	int fd = mx.fd;
	const char *p = self_fd(fd);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_nlink == 1, "stat");
	/* text == name == the real name, suffix included. */
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd),
	       jtarget_made(&mx, "O_RDWR" EXP_LF));

	struct made_fd my = make_fd("deleted", (struct fd_params){ .name = "y (deleted)",
							       .content = "gone\n" });
	int fd2 = my.fd;
	const char *y = my.path;
	const char *p2 = self_fd(fd2);
	char buf[PATH_MAX];
	r = sys_readlinkat(AT_FDCWD, p2, buf, sizeof buf);
	e = errno;
	const char *text = sfmt("%s (deleted)", y);
	CHECK(r == (long)strlen(text) && memcmp(buf, text, (size_t)r) == 0, "readlink %s", text);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
	       "\"resolution\":\"link-itself\"}",
	       jcall("readlinkat"), jstr(p2), jres(r, e), jself(fd2),
	       jtarget_made(&my, "O_RDWR" EXP_LF));

	struct made_fd mz = make_fd("deleted", (struct fd_params){ .name = "z", .content = "held\n" });
	const char *z_text = sfmt("%s (deleted)", mz.path);
	int other = make_file(z_text, "a different, live file\n");
	struct stat ost = fd_stat(other);
	sys_close(other);
	const char *p3 = self_fd(mz.fd);
	r = sys_readlinkat(AT_FDCWD, p3, buf, sizeof buf);
	e = errno;
	CHECK(r == (long)strlen(z_text) && memcmp(buf, z_text, (size_t)r) == 0, "readlink %s", z_text);
	expect("{%s,\"path\":%s,%s,\"target\":{\"deleted\":true,\"name_deleted\":true},"
	       "\"text_target\":\"different-file\",\"name_target\":\"missing\","
	       "\"resolution\":\"link-itself\",\"explanation\":\"$re:different, live file \\\\(ino %lu, %lld bytes\\\\)\"}",
	       jcall("readlinkat"), jstr(p3), jres(r, e), (unsigned long)ost.st_ino,
	       (long long)ost.st_size);
	sys_close(mz.fd);
	sys_close(fd2);
	sys_close(fd);
	return 0;
}
