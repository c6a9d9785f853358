/* Spellings of the same link, the fd directory itself, names that are not
 * links, and link texts that need escaping (a newline, a control character)
 * or are not UTF-8 (written as a byte array). */
#include "expect.h"

/* stat path (following); the expected link object; returns nothing. */
static void stat_link(const char *path, const char *link, const char *target)
{
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, path, &st, 0);
	int e = errno;
	CHECK(r == 0, "stat %s", path);
	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(path), jres(r, e), link, target);
}

/* readlink the link of a new file called name, which needs care in JSON. */
static void readlink_named(const char *name, size_t name_len)
{
	char path[PATH_MAX];
	int plen = snprintf(path, sizeof path, "%s", tmp_path("")); /* ends with '/' */
	CHECK(plen > 0 && (size_t)plen + name_len < sizeof path, "name too long");
	memcpy(path + plen, name, name_len);
	path[plen + name_len] = '\0';
	int fd = make_file(path, "odd name\n");
	const char *target = jtarget_full(fd, path, strlen(path), path, strlen(path), false,
					  "regular", "read-write", "O_RDWR" EXP_LF);
	const char *p = self_fd(fd);
	char buf[PATH_MAX];
	long r = sys_readlinkat(AT_FDCWD, p, buf, sizeof buf);
	int e = errno;
	CHECK(r == (long)strlen(path) && memcmp(buf, path, (size_t)r) == 0, "readlink odd name");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"same-file\","
	       "\"resolution\":\"link-itself\"}",
	       jcall("readlinkat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close(fd);
}

int main(void)
{
	tmpdir_create();
	pid_t pid = getpid();
	const char *file = tmp_path("spelled");
	int fd = make_file(file, "spelled\n");
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);

	stat_link(sfmt("/proc/%d/fd/%d", (int)pid, fd),
		  jlink(pid, 0, fd, "/proc/PID/fd/N", "path", "open"), target);
	stat_link(sfmt("/proc/%d/task/%d/fd/%d", (int)pid, (int)pid, fd),
		  jlink(pid, pid, fd, "/proc/PID/task/TID/fd/N", "path", "open"), target);
	stat_link(sfmt("/proc/self/task/%d/fd/%d", (int)pid, fd),
		  jlink(pid, pid, fd, "/proc/self/task/TID/fd/N", "path", "open"), target);
	stat_link(sfmt("/proc/thread-self/fd/%d", fd),
		  jlink(pid, pid, fd, "/proc/thread-self/fd/N", "path", "open"), target);
	stat_link(sfmt("/proc/self/fd/../fd/%d", fd), jself(fd), target);
	stat_link(sfmt("///proc//self/./fd/%d", fd), jself(fd), target);

	/* A high fd number. */
	CHECK(dup2(fd, 1000) == 1000, "dup2 1000");
	stat_link("/proc/self/fd/1000", jself(1000),
		  jtarget_file(1000, file, false, "read-write", "O_RDWR" EXP_LF));
	sys_close(1000);

	/* "//proc/./self/fd/N/" with a trailing slash, on a directory fd. */
	int dfd = (int)sys_openat(AT_FDCWD, tmp_path(""), O_RDONLY | O_DIRECTORY, 0);
	CHECK(dfd >= 0, "open tmpdir");
	const char *dtext = sfmt("%s", tmp_path(""));
	size_t dlen = strlen(dtext) - 1; /* the kernel's text has no trailing slash */
	const char *dtarget = jtarget_full(dfd, dtext, dlen, dtext, dlen, false, "directory",
					   "read", "O_RDONLY|O_DIRECTORY" EXP_LF);
	const char *slash = sfmt("//proc/./self/fd/%d/", dfd);
	long r = sys_openat(AT_FDCWD, slash, O_RDONLY | O_DIRECTORY, 0);
	int e = errno;
	CHECK_OK(r, "open //proc/./self/fd/N/ of a directory");
	CHECK(fd_stat((int)r).st_ino == fd_stat(dfd).st_ino, "the same directory");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"same-file\","
	       "\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(slash), jres(r, e), jself(dfd), dtarget);
	sys_close((int)r);

	/* The fd directory itself. */
	static const char *const dirs[] = { "/proc/self/fd", "/proc/self/fd/" };
	for (size_t i = 0; i < 2; i++) {
		r = sys_openat(AT_FDCWD, dirs[i], O_RDONLY | O_DIRECTORY, 0);
		e = errno;
		CHECK_OK(r, dirs[i]);
		expect("{%s,\"path\":%s,%s,\"link\":{\"what\":\"fd-directory\",\"pid\":%d,"
		       "\"tid\":null,\"fd\":null,\"spelling\":\"/proc/self/fd\",\"via\":\"path\"},"
		       "\"resolution\":\"directory\"}",
		       jcall("openat"), jstr(dirs[i]), jres(r, e), (int)pid);
		sys_close((int)r);
	}
	const char *piddir = sfmt("/proc/%d/fd", (int)pid);
	r = sys_openat(AT_FDCWD, piddir, O_RDONLY | O_DIRECTORY, 0);
	e = errno;
	CHECK_OK(r, piddir);
	expect("{%s,\"path\":%s,%s,\"link\":{\"what\":\"fd-directory\",\"pid\":%d,\"tid\":null,"
	       "\"fd\":null,\"spelling\":\"/proc/PID/fd\"},\"resolution\":\"directory\"}",
	       jcall("openat"), jstr(piddir), jres(r, e), (int)pid);
	sys_close((int)r);

	/* Not links: leading zero, trailing garbage, fdinfo. */
	struct stat st;
	const char *zero = sfmt("/proc/self/fd/0%d", fd);
	r = sys_fstatat(AT_FDCWD, zero, &st, 0);
	CHECK(r == -1 && errno == ENOENT, "procfs rejects a leading zero");
	const char *junk = sfmt("/proc/self/fd/%dx", fd);
	r = sys_fstatat(AT_FDCWD, junk, &st, 0);
	CHECK(r == -1 && errno == ENOENT, "no fd named Nx");
	const char *info = sfmt("/proc/self/fdinfo/%d", fd);
	r = sys_fstatat(AT_FDCWD, info, &st, 0);
	CHECK(r == 0 && S_ISREG(st.st_mode), "fdinfo is a file");
	expect_none("{\"path\":%s}", jstr(zero));
	expect_none("{\"path\":%s}", jstr(junk));
	expect_none("{\"path\":%s}", jstr(info));

	/* Link texts needing escapes, and one that is not UTF-8. */
	static const char nl[] = "new\nline\t\x1b[1m\"q\"\\";
	readlink_named(nl, sizeof nl - 1);
	static const char bad[] = "latin1-\xe9t\xe9-\xff";
	readlink_named(bad, sizeof bad - 1);
	static const char utf8[] = "caf\xc3\xa9-\xe2\x9c\x93";
	readlink_named(utf8, sizeof utf8 - 1);
	sys_close(dfd);
	sys_close(fd);
	return 0;
}
