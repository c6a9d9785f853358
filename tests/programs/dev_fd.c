/* The /dev spellings: /dev/fd/N, /dev/stdin (with stdin redirected from a
 * file by dup2), /dev/stderr, and the /dev/fd directory. */
#include "expect.h"

static const char CONTENT[] = "read via /dev/stdin\n";

int main(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/dev/fd", buf, sizeof buf - 1);
	CHECK(n > 0, "/dev/fd must be a symlink");
	buf[n] = '\0';
	CHECK(strcmp(buf, "/proc/self/fd") == 0, "/dev/fd -> /proc/self/fd, got %s", buf);
	n = readlink("/dev/stdin", buf, sizeof buf - 1);
	CHECK(n > 0, "/dev/stdin must be a symlink");

	tmpdir_create();
	pid_t pid = getpid();
	const char *file = tmp_path("stdin-file");
	int fd = make_file(file, CONTENT);
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);

	/* /dev/fd/N */
	const char *p = sfmt("/dev/fd/%d", fd);
	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open /dev/fd/N");
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, CONTENT) == 0, "content via /dev/fd/N");
	expect("{%s,\"dirfd\":-100,\"path\":%s,%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e),
	       jlink(pid, 0, fd, "/dev/fd/N", "path", "open"), target);
	sys_close((int)r);

	/* /dev/stdin, after stdin is redirected from the file */
	CHECK(dup2(fd, 0) == 0, "dup2 to stdin");
	const char *target0 = jtarget_file(0, file, false, "read-write", "O_RDWR" EXP_LF);
	r = sys_openat(AT_FDCWD, "/dev/stdin", O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, "open /dev/stdin");
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, CONTENT) == 0, "content via /dev/stdin");
	expect("{%s,\"dirfd\":-100,\"path\":\"/dev/stdin\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall("openat"), jres(r, e), jlink(pid, 0, 0, "/dev/stdin", "path", "open"),
	       target0);
	sys_close((int)r);

	/* /dev/stderr: whatever stderr is, the target is its inode. */
	struct stat st, est = fd_stat(2);
	r = sys_fstatat(AT_FDCWD, "/dev/stderr", &st, 0);
	e = errno;
	CHECK(r == 0 && st.st_ino == est.st_ino, "stat /dev/stderr");
	expect("{%s,\"path\":\"/dev/stderr\",\"flags\":\"0\",%s,\"link\":%s,\"target\":{"
	       "\"ino\":%lu,\"dev\":%s,\"nlink\":%lu},\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jres(r, e), jlink(pid, 0, 2, "/dev/stderr", "path", "open"),
	       (unsigned long)est.st_ino, jdev(est.st_dev), (unsigned long)est.st_nlink);

	/* the directory /dev/fd itself */
	r = sys_openat(AT_FDCWD, "/dev/fd", O_RDONLY | O_DIRECTORY, 0);
	e = errno;
	CHECK_OK(r, "open /dev/fd");
	expect("{%s,\"path\":\"/dev/fd\",%s,\"link\":{\"what\":\"fd-directory\",\"pid\":%d,"
	       "\"tid\":null,\"fd\":null,\"spelling\":\"/dev/fd\",\"via\":\"path\"},"
	       "\"resolution\":\"directory\"}",
	       jcall("openat"), jres(r, e), (int)pid);
	sys_close((int)r);
	sys_close(fd);
	return 0;
}
