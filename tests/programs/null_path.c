/* A NULL path that makes the call act on its dirfd itself (utimensat(fd,
 * NULL, ...), which is glibc's futimens; statx(fd, NULL, AT_EMPTY_PATH),
 * accepted since Linux 6.11) names no path: under --all-paths it is written
 * with "path": null and no path_error, as a plain call. Reading the NULL and
 * calling the path unreadable (EFAULT) would say the kernel fails the call,
 * which it does not. Without --all-paths nothing is written
 * (act_through_link checks that). Run with --all-paths (cases.txt). */
#include "expect.h"

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef SYS_statx
#define SYS_statx 383 /* i386 */
#endif

int main(void)
{
	tmpdir_create();
	int fd = make_file(tmp_path("times"), "x");

	long r = syscall(SYS_utimensat, fd, NULL, NULL, 0);
	int e = errno;
	CHECK(r == 0, "utimensat(fd, NULL, NULL, 0)");
	expect("{%s,\"dirfd\":%d,\"path\":null,\"flags\":\"0\",%s,\"link\":null,"
	       "\"resolution\":\"plain\",\"explanation\":\"$re:^no path: a NULL path\"}",
	       jcall("utimensat"), fd, jres(r, e));

	char buf[256];
	r = syscall(SYS_statx, fd, NULL, AT_EMPTY_PATH, 0xfff, buf);
	e = errno;
	/* Linux < 6.11 fails it with EFAULT: the event says so by its result. */
	expect("{%s,\"dirfd\":%d,\"path\":null,\"flags\":\"AT_EMPTY_PATH\",%s,\"link\":null,"
	       "\"resolution\":\"plain\"}", jcall("statx"), fd, jres(r, e));
	expect_none("{\"syscall\":\"utimensat\",\"path_error\":\"$any\"}");
	expect_none("{\"syscall\":\"statx\",\"path_error\":\"$any\"}");
	return 0;
}
