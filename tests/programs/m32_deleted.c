/* The deleted-file scenario in an i386 tracee (build with cc -m32): a file
 * held open and unlinked, reached through /proc/self/fd/N with the i386
 * calls openat, fstatat64, stat64, lstat64 and readlinkat. The events must
 * say "arch":"i386" and name the i386 syscalls, and the annotation must be
 * the same as for a 64-bit caller (the tracer reads 32-bit arguments and
 * pointers). */
#if !defined(__i386__)
#error "m32_deleted.c is an i386 program: build it with cc -m32"
#endif
#include "expect.h"

static const char CONTENT[] = "deleted, seen from i386\n";

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "deleted32.txt",
							      .content = CONTENT });
	int fd = m.fd;
	const char *file = m.path;
	/* a raw 32-bit open does not get O_LARGEFILE from the kernel: exactly O_RDWR */
	CHECK(fdinfo_flags(fd) == (O_RDWR | OPEN_O_LARGEFILE), "fdinfo flags 0%lo",
	      fdinfo_flags(fd));
	const char *fl = "O_RDWR" EXP_LF;
	const char *target = jtarget_made(&m, fl);
	const char *p = self_fd(fd);
	const char *common = sfmt("\"path\":%s,\"link\":%s,\"target\":%s,\"text_target\":\"missing\"",
				  jstr(p), jself(fd), target);
	struct stat st;
	long r;
	int e;

	r = syscall(SYS_openat, AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "openat of the deleted file's link");
	char buf[256];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, CONTENT) == 0, "content through the link: '%s'", buf);
	sys_close((int)r);
	expect("{%s,\"dirfd\":-100,\"flags\":\"$flags:O_RDONLY\",%s,%s,\"resolution\":\"followed\"}",
	       jcall("openat"), jres(r, e), common);

	r = syscall(SYS_fstatat64, AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0 && st.st_nlink == 0, "fstatat64 follows to the deleted inode");
	expect("{%s,\"dirfd\":-100,\"flags\":\"0\",%s,%s,\"resolution\":\"followed\"}",
	       jcall("fstatat64"), jres(r, e), common);

	r = syscall(SYS_fstatat64, AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == 0 && S_ISLNK(st.st_mode), "fstatat64 NOFOLLOW: the link itself");
	expect("{%s,\"dirfd\":-100,\"flags\":\"AT_SYMLINK_NOFOLLOW\",%s,%s,"
	       "\"resolution\":\"link-itself\"}",
	       jcall("fstatat64"), jres(r, e), common);

	r = syscall(SYS_stat64, p, &st);
	e = errno;
	CHECK(r == 0 && st.st_nlink == 0, "stat64 follows to the deleted inode");
	expect("{%s,\"dirfd\":null,\"flags\":null,%s,%s,\"resolution\":\"followed\"}",
	       jcall("stat64"), jres(r, e), common);

	r = syscall(SYS_lstat64, p, &st);
	e = errno;
	CHECK(r == 0 && S_ISLNK(st.st_mode), "lstat64: the link itself");
	expect("{%s,\"dirfd\":null,\"flags\":null,%s,%s,\"resolution\":\"link-itself\"}",
	       jcall("lstat64"), jres(r, e), common);

	char text[PATH_MAX];
	r = syscall(SYS_readlinkat, AT_FDCWD, p, text, sizeof text);
	e = errno;
	CHECK(r > 0 && (size_t)r == strlen(file) + strlen(" (deleted)"), "readlinkat length");
	expect("{%s,\"dirfd\":-100,%s,%s,\"resolution\":\"link-itself\"}", jcall("readlinkat"),
	       jres(r, e), common);

	expect_count(6, "{\"event\":\"syscall\",\"arch\":\"i386\",\"path\":%s}", jstr(p));
	expect_count(1, "{\"event\":\"syscall\",\"arch\":\"i386\",\"syscall\":\"openat\",\"path\":%s}", jstr(p));
	expect_count(2, "{\"event\":\"syscall\",\"arch\":\"i386\",\"syscall\":\"fstatat64\",\"path\":%s}",
		     jstr(p));
	expect_none("{\"event\":\"syscall\",\"arch\":\"x86_64\",\"path\":%s}", jstr(p));
	sys_close(fd);
	return 0;
}
