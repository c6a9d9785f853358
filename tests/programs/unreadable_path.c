/* Path arguments the kernel cannot read (EFAULT): NULL, a pointer into an
 * unmapped page, and "/proc/self/fd/N" with no NUL before an unmapped page.
 * None of them names a link, so none may be reported as one (the partial
 * "/proc/self/fd/N" must not be taken for a path), and the tracer must
 * survive them. A path whose NUL is the last byte before the unmapped page
 * is valid and must be reported (the tracer must read it page by page). */
#include "expect.h"

#include <sys/mman.h>

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("readable");
	int fd = make_file(file, "readable\n");
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page * 2, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED, "mmap");
	CHECK(munmap(map + page, (size_t)page) == 0, "munmap second page");
	char *hole = map + page;
	struct stat st;
	char buf[64];
	long r;

	r = sys_fstatat(AT_FDCWD, hole, &st, 0);
	CHECK(r == -1 && errno == EFAULT, "newfstatat on an unmapped page");
	r = sys_openat(AT_FDCWD, hole, O_RDONLY, 0);
	CHECK(r == -1 && errno == EFAULT, "openat on an unmapped page");
	r = sys_readlinkat(AT_FDCWD, hole, buf, sizeof buf);
	CHECK(r == -1 && errno == EFAULT, "readlinkat on an unmapped page");
	r = sys_stat(NULL, &st);
	CHECK(r == -1 && errno == EFAULT, "stat(NULL)");
	r = syscall(SYS_access, (char *)1, R_OK);
	CHECK(r == -1 && errno == EFAULT, "access((char *)1)");

	/* "/proc/self/fd/N" running into the hole: no NUL, EFAULT. */
	const char *p = self_fd(fd);
	size_t len = strlen(p);
	char *cut = hole - len;
	memcpy(cut, p, len);
	r = sys_fstatat(AT_FDCWD, cut, &st, 0);
	CHECK(r == -1 && errno == EFAULT, "a path without NUL before the hole");
	r = sys_openat(AT_FDCWD, cut, O_RDONLY, 0);
	CHECK(r == -1 && errno == EFAULT, "a path without NUL before the hole (openat)");
	/* Never reported as a link: each is reported as an unreadable path
	 * ("path": null, "link": null, the read's errno), and a path the tracer
	 * could not read is one the kernel could not read either. */
	expect_count(7, "{\"event\":\"syscall\",\"path\":null,\"path_error\":\"EFAULT\","
		     "\"result\":-1,\"errno\":\"EFAULT\",\"link\":null,\"target\":null,"
		     "\"resolution\":\"error\"}");
	expect("{\"event\":\"syscall\",\"syscall\":\"" SC_STAT "\",\"path\":null,\"link\":null}");
	expect("{\"event\":\"syscall\",\"syscall\":\"access\",\"path\":null,\"mode\":\"R_OK\"}");
	expect_none("{\"event\":\"syscall\",\"errno\":\"EFAULT\",\"link\":{\"what\":\"$any\"}}");
	expect_none("{\"event\":\"syscall\",\"path\":null,\"errno\":null}");
	expect_none("{\"event\":\"syscall\",\"path\":%s,\"errno\":\"EFAULT\"}", jstr(p));

	/* The same path with its NUL as the last byte of the page: valid. */
	char *whole = hole - len - 1;
	memcpy(whole, p, len + 1);
	r = sys_fstatat(AT_FDCWD, whole, &st, 0);
	int e = errno;
	CHECK(r == 0, "a path ending exactly at the page end");
	expect("{%s,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	/* The tracer is still alive and reporting. */
	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "open after the faults");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	expect_count(2, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	sys_close((int)r);
	sys_close(fd);
	return 0;
}
