/* The longest path the kernel takes: 4095 bytes (PATH_MAX with its NUL),
 * "/////.../proc/self/fd/N". It names the link and must be reported whole.
 * One byte more is ENAMETOOLONG: the kernel resolves nothing, so it is not
 * reported as a link. */
#include "expect.h"

/* "//...//proc/self/fd/N" of exactly len bytes, in buf. */
static const char *padded(char *buf, size_t len, int fd)
{
	char tail[64];
	size_t tl = (size_t)snprintf(tail, sizeof tail, "proc/self/fd/%d", fd);
	CHECK(len > tl && len < 8192, "length %zu", len);
	memset(buf, '/', len - tl);
	memcpy(buf + len - tl, tail, tl + 1);
	CHECK(strlen(buf) == len, "padded length");
	return buf;
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("long");
	int fd = make_file(file, "long\n");
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	static char longest[8192], too_long[8192], shorter[8192];
	struct stat st;
	long r;
	int e;

	padded(shorter, 4000, fd);
	r = sys_fstatat(AT_FDCWD, shorter, &st, 0);
	e = errno;
	CHECK(r == 0, "a 4000-byte path");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(shorter), jres(r, e), jself(fd), target);

	padded(longest, PATH_MAX - 1, fd);
	r = sys_fstatat(AT_FDCWD, longest, &st, 0);
	e = errno;
	CHECK(r == 0, "a %d-byte path", PATH_MAX - 1);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(longest), jres(r, e), jself(fd), target);

	padded(too_long, PATH_MAX, fd);
	r = sys_fstatat(AT_FDCWD, too_long, &st, 0);
	CHECK(r == -1 && errno == ENAMETOOLONG, "a %d-byte path", PATH_MAX);
	expect_none("{\"event\":\"syscall\",\"errno\":\"ENAMETOOLONG\",\"link\":{\"what\":\"$any\"}}");
	expect_count(2, "{\"event\":\"syscall\",\"link\":{\"fd\":%d}}", fd);
	sys_close(fd);
	return 0;
}
