/* A memfd: the text "/memfd:NAME (deleted)" looks like a deleted path but is
 * not a path; the inode has nlink 0. Open through the link reaches it. */
#include "expect.h"

#include <sys/mman.h>

int main(void)
{
	struct made_fd m = make_fd("memfd", (struct fd_params){ .name = "pfdtest-memfd",
							    .content = "in memory\n" });
	int fd = m.fd;
	CHECK(fdinfo_flags(fd) == (O_RDWR | O_CLOEXEC | KERNEL_O_LARGEFILE), "memfd flags");
	CHECK(strcmp(m.text, "/memfd:pfdtest-memfd (deleted)") == 0 &&
	      strcmp(m.name, "/memfd:pfdtest-memfd") == 0, "memfd text %s", m.text);
	/* the kernel gives a memfd O_LARGEFILE on every arch */
	const char *target = jtarget_made(&m, "O_RDWR|O_LARGEFILE|O_CLOEXEC");
	const char *p = self_fd(fd);

	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open memfd link");
	char buf[64];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, "in memory\n") == 0, "memfd content");
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY\",%s,\"link\":%s,"
	       "\"target\":%s,\"text_target\":\"not-a-path\",\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);

	struct stat st;
	r = sys_fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == 0 && S_ISLNK(st.st_mode), "lstat memfd link");
	expect("{%s,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"not-a-path\",\"resolution\":\"link-itself\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);
	return 0;
}
