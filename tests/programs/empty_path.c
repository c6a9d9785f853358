/* statx/fstatat(fd, NULL or "", AT_EMPTY_PATH): the call is about fd
 * itself and names no path (Linux 6.11+ accepts NULL there, older kernels
 * fail it with EFAULT). No link is named, so the procfd plugin reports
 * none of them, whatever the kernel answered; in particular a NULL path
 * that succeeded must not be reported as unreadable with "the kernel fails
 * the call too". A NULL path without AT_EMPTY_PATH is still an unreadable
 * path, reported as such. */
#include "expect.h"

#include <sys/stat.h>

static long sys_statx(int dirfd, const char *path, int flags, struct statx *stx)
{
	return syscall(SYS_statx, dirfd, path, flags, STATX_BASIC_STATS, stx);
}

int main(void)
{
	tmpdir_create();
	int fd = make_file(tmp_path("data"), "data\n");
	struct stat st;
	struct statx stx;
	long r;

	r = sys_fstatat(fd, NULL, &st, AT_EMPTY_PATH);
	CHECK(r == 0 || errno == EFAULT, SC_FSTATAT "(fd, NULL, AT_EMPTY_PATH)");
	r = sys_statx(fd, NULL, AT_EMPTY_PATH, &stx);
	CHECK(r == 0 || errno == EFAULT, "statx(fd, NULL, AT_EMPTY_PATH)");
	r = sys_statx(fd, NULL, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, &stx);
	CHECK(r == 0 || errno == EFAULT, "statx(fd, NULL, AT_EMPTY_PATH|AT_SYMLINK_NOFOLLOW)");
	r = sys_fstatat(fd, "", &st, AT_EMPTY_PATH);
	CHECK_OK(r, SC_FSTATAT "(fd, \"\", AT_EMPTY_PATH)");
	r = sys_statx(fd, "", AT_EMPTY_PATH, &stx);
	CHECK_OK(r, "statx(fd, \"\", AT_EMPTY_PATH)");
	expect_none("{\"event\":\"syscall\",\"syscall\":\"statx\"}");
	expect_none("{\"event\":\"syscall\",\"syscall\":\"" SC_FSTATAT "\",\"dirfd\":%d}", fd);

	/* Without AT_EMPTY_PATH a NULL path is unreadable, to us and the kernel. */
	r = sys_fstatat(AT_FDCWD, NULL, &st, 0);
	CHECK_ERR(r, EFAULT, SC_FSTATAT "(AT_FDCWD, NULL, 0)");
	expect("{%s,\"dirfd\":-100,\"path\":null,\"path_error\":\"EFAULT\",\"result\":-1,"
	       "\"errno\":\"EFAULT\",\"link\":null,\"resolution\":\"error\"}", jcall(SC_FSTATAT));
	sys_close(fd);
	return 0;
}
