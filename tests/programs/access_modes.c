/* The fd's access mode, from the link's own permission bits (0500 read,
 * 0300 write, 0700 read-write, 0000 O_PATH), and its open flags from
 * fdinfo, for four fds on one file. */
#include "expect.h"

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("modes");
	sys_close(make_file(file, "modes\n"));
	static const struct {
		int flags;
		const char *access;
		unsigned link_mode;
		unsigned long fdinfo;
		const char *fd_flags;
	} cases[] = {
		{ O_RDONLY, "read", 0500, OPEN_O_LARGEFILE, "O_RDONLY" EXP_LF },
		{ O_WRONLY | O_APPEND, "write", 0300, O_WRONLY | O_APPEND | OPEN_O_LARGEFILE,
		  "O_WRONLY|O_APPEND" EXP_LF },
		{ O_RDWR | O_CLOEXEC, "read-write", 0700, O_RDWR | O_CLOEXEC | OPEN_O_LARGEFILE,
		  "O_RDWR" EXP_LF "|O_CLOEXEC" },
		{ O_PATH, "path", 0000, O_PATH, "O_RDONLY|O_PATH" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int fd = (int)sys_openat(AT_FDCWD, file, cases[i].flags, 0);
		CHECK(fd >= 0, "open %s", cases[i].access);
		CHECK(fdinfo_flags(fd) == cases[i].fdinfo, "fdinfo flags of %s: 0%lo",
		      cases[i].fd_flags, fdinfo_flags(fd));
		const char *p = self_fd(fd);
		const char *target = jtarget_file(fd, file, false, cases[i].access,
						  cases[i].fd_flags);
		struct stat st;
		long r = sys_fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
		int e = errno;
		CHECK(r == 0 && S_ISLNK(st.st_mode) && (st.st_mode & 07777) == cases[i].link_mode,
		      "link mode %04o for %s", cases[i].link_mode, cases[i].access);
		expect("{%s,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,\"link\":%s,"
		       "\"target\":%s,\"resolution\":\"link-itself\"}",
		       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);
		sys_close(fd);
	}
	return 0;
}
