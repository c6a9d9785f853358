/* A socket's fd link: open gives ENXIO (not-reopenable), stat follows to
 * the socket inode. The text "socket:[INO]" is not a path. */
#include "expect.h"

#include <sys/socket.h>

int main(void)
{
	struct made_fd m = make_fd("socketpair", (struct fd_params){ 0 });
	int fd = m.fd;
	CHECK(fdinfo_flags(fd) == O_RDWR, "socket flags");
	const char *target = jtarget_made(&m, "O_RDWR");
	const char *p = self_fd(fd);

	long r = sys_openat(AT_FDCWD, p, O_RDWR, 0);
	int e = errno;
	CHECK(r == -1 && e == ENXIO, "open of a socket link gives ENXIO");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDWR\",%s,\"link\":%s,"
	       "\"target\":%s,\"text_target\":\"not-a-path\",\"resolution\":\"not-reopenable\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);

	struct stat st;
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0 && S_ISSOCK(st.st_mode) && st.st_ino == m.ino, "stat of a socket link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"not-a-path\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);
	return 0;
}
