/* A memfd: the text "/memfd:NAME (deleted)" looks like a deleted path but is
 * not a path; the inode has nlink 0. Open through the link reaches it. */
#include "expect.h"

#include <sys/mman.h>

int main(void)
{
	int fd = memfd_create("pfdtest-memfd", MFD_CLOEXEC);
	CHECK(fd >= 0, "memfd_create");
	CHECK(write(fd, "in memory\n", 10) == 10, "write memfd");
	CHECK(fd_stat(fd).st_nlink == 0, "memfd nlink 0");
	CHECK(fdinfo_flags(fd) == (O_RDWR | O_CLOEXEC | KERNEL_O_LARGEFILE), "memfd flags");
	const char *name = "/memfd:pfdtest-memfd";
	const char *text = "/memfd:pfdtest-memfd (deleted)";
	const char *target = jtarget_full(fd, text, strlen(text), name, strlen(name), true,
					  "memfd", "read-write", "O_RDWR|O_LARGEFILE|O_CLOEXEC");
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
