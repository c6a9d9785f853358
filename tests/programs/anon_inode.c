/* Anonymous inodes: eventfd and epoll cannot be reopened through /proc
 * (ENXIO), a pidfd can. kind anon-inode with anon_name, text not a path. */
#include "expect.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>

static const char *anon_target(const struct made_fd *m, const char *flags)
{
	struct stat st = fd_stat(m->fd);
	return sfmt("{\"text\":%s,\"name\":%s,\"name_deleted\":false,\"kind\":\"anon-inode\","
		    "\"anon_name\":\"%s\",\"deleted\":false,\"nlink\":%lu,\"dev\":%s,\"ino\":%lu,"
		    "\"access\":\"%s\",\"fd_flags\":\"$flags:%s\"}",
		    jstr(m->text), jstr(m->name), m->anon, (unsigned long)st.st_nlink,
		    jdev(st.st_dev), (unsigned long)st.st_ino, m->access, flags);
}

/* open O_RDONLY through the link of fd; err is the expected errno or 0. */
static void open_link(int fd, const char *target, int err, const char *resolution)
{
	const char *p = self_fd(fd);
	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	if (err)
		CHECK(r == -1 && e == err, "open %s should fail with %s", p, errno_name(err));
	else
		CHECK_OK(r, "open through link");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY\",%s,\"link\":%s,"
	       "\"target\":%s,\"text_target\":\"not-a-path\",\"resolution\":\"%s\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target, resolution);
	if (r >= 0)
		sys_close((int)r);
}

int main(void)
{
	struct made_fd me = make_fd("eventfd", (struct fd_params){ 0 });
	int efd = me.fd;
	CHECK(fd_stat(efd).st_nlink == 1, "eventfd nlink");
	CHECK(fdinfo_flags(efd) == O_RDWR, "eventfd flags");
	open_link(efd, anon_target(&me, "O_RDWR"), ENXIO,
		  "not-reopenable");

	struct made_fd mep = make_fd("epoll", (struct fd_params){ 0 });
	int ep = mep.fd;
	CHECK(fdinfo_flags(ep) == (O_RDWR | O_CLOEXEC), "epoll flags");
	open_link(ep, anon_target(&mep, "O_RDWR|O_CLOEXEC"), ENXIO,
		  "not-reopenable");

	struct made_fd mp = make_fd("pidfd", (struct fd_params){ 0 });
	int pfd = mp.fd;
	/* A pidfd is O_RDWR|O_CLOEXEC; stat follows to it. */
	CHECK(fdinfo_flags(pfd) == (O_RDWR | O_CLOEXEC), "pidfd flags");
	const char *p = self_fd(pfd);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_ino == fd_stat(pfd).st_ino, "stat pidfd link");
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"not-a-path\",\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(pfd),
	       anon_target(&mp, "O_RDWR|O_CLOEXEC"));
	return 0;
}
