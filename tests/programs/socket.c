/* A socket's fd link: open gives ENXIO (not-reopenable), stat follows to
 * the socket inode. The text "socket:[INO]" is not a path. */
#include "expect.h"

#include <sys/socket.h>

int main(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	int fd = sv[0];
	CHECK(fdinfo_flags(fd) == O_RDWR, "socket flags");
	struct stat sst = fd_stat(fd);
	const char *text = sfmt("socket:[%lu]", (unsigned long)sst.st_ino);
	const char *target = jtarget_full(fd, text, strlen(text), text, strlen(text), false,
					  "socket", "read-write", "O_RDWR");
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
	CHECK(r == 0 && S_ISSOCK(st.st_mode) && st.st_ino == sst.st_ino, "stat of a socket link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"not-a-path\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);
	return 0;
}
