/* A pipe's fd link: the text "pipe:[INO]" is not a path; opening the link
 * works (it opens the same pipe, like a FIFO) and so does stat. */
#include "expect.h"

/* The target object of a pipe end: both ends have the pipe's text. */
static const char *pipe_target(const struct made_fd *m, int fd, const char *access,
			       const char *flags)
{
	return jtarget_full(fd, m->text, strlen(m->text), m->name, strlen(m->name), false,
			    m->kind, access, flags);
}

int main(void)
{
	struct made_fd m = make_fd("pipe", (struct fd_params){ 0 });
	int pp[2] = { m.fd, m.fd2 };
	CHECK(fdinfo_flags(pp[0]) == O_RDONLY && fdinfo_flags(pp[1]) == O_WRONLY, "pipe flags");

	/* stat the read end */
	const char *p = self_fd(pp[0]);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && S_ISFIFO(st.st_mode) && st.st_ino == fd_stat(pp[0]).st_ino, "stat pipe link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"not-a-path\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(pp[0]),
	       pipe_target(&m, pp[0], "read", "O_RDONLY"));

	/* open the write end through its link, write, read from the read end */
	const char *pw = self_fd(pp[1]);
	r = sys_openat(AT_FDCWD, pw, O_WRONLY | O_CLOEXEC, 0);
	e = errno;
	CHECK_OK(r, "open pipe write end through link");
	CHECK(write((int)r, "x", 1) == 1, "write through reopened pipe");
	char c = 0;
	CHECK(read(pp[0], &c, 1) == 1 && c == 'x', "same pipe");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_WRONLY|O_CLOEXEC\",%s,"
	       "\"link\":%s,\"target\":%s,\"text_target\":\"not-a-path\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(pw), jres(r, e), jself(pp[1]),
	       pipe_target(&m, pp[1], "write", "O_WRONLY"));
	sys_close((int)r);

	/* open the read end O_RDONLY: a writer exists, so it does not block */
	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "open pipe read end through link");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":{\"kind\":\"pipe\",\"ino\":%lu,"
	       "\"deleted\":false,\"nlink\":1},\"text_target\":\"not-a-path\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(pp[0]),
	       (unsigned long)fd_stat(pp[0]).st_ino);
	sys_close((int)r);
	return 0;
}
