/* A tracee with its own /proc: in a new user and mount namespace (what
 * `unshare -rm` does) it mounts a tmpfs over /proc, makes /proc/self/fd
 * there, and opens /proc/self/fd/N for writing, N being an fd it really
 * holds. The write lands in a new tmpfs file, not in the held file.
 * procfd-trace's own /proc would describe fd N and say "followed": it must
 * see that the caller's /proc is not a procfs and say that instead
 * (probe and resolution "not-procfs"). Exit 77 (skip) without user
 * namespaces. */
#include "expect.h"

#include <sched.h>
#include <sys/mount.h>

static void write_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY);
	CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s", path);
	close(fd);
}

/* A probe of fd's link while /proc is still a procfs: procfd-trace keeps
 * that answer with the caller's root (procfd_pidns.c), and the mount that
 * follows must make it stale, or the open below would be called followed. */
static void probe_while_procfs(int fd)
{
	struct stat st;
	const char *p = self_fd(fd);
	long r = sys_stat(p, &st);
	CHECK(r == 0, "stat %s before the mount", p);
	expect("{%s,\"path\":%s,%s,\"link\":{\"what\":\"fd\",\"fd\":%d,\"probe\":\"open\"},"
	       "\"resolution\":\"followed\"}", jcall(SC_STAT), jstr(p), jres(r, 0), fd);
}

/* unshare -rm: root in a new user namespace, a mount namespace of our own. */
static void enter_namespaces(int fd)
{
	uid_t uid = getuid();
	gid_t gid = getgid();
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		skip("user namespaces are unavailable: unshare(CLONE_NEWUSER|CLONE_NEWNS): %s",
		     strerror(errno));
	write_file("/proc/self/setgroups", "deny");
	write_file("/proc/self/uid_map", sfmt("0 %d 1", (int)uid));
	write_file("/proc/self/gid_map", sfmt("0 %d 1", (int)gid));
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		skip("cannot make / private in the new mount namespace: %s", strerror(errno));
	probe_while_procfs(fd);
	if (mount("pfdtest", "/proc", "tmpfs", 0, NULL) < 0)
		skip("cannot mount a tmpfs over /proc: %s", strerror(errno));
}

int main(void)
{
	tmpdir_create();
	const char *held = tmp_path("held");
	int fd = make_file(held, "held\n");
	char buf[64];

	enter_namespaces(fd);
	CHECK(mkdir("/proc/self", 0755) == 0 && mkdir("/proc/self/fd", 0755) == 0,
	      "mkdir in the tmpfs");
	const char *p = self_fd(fd);
	long r = sys_openat(AT_FDCWD, p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	int e = errno;
	CHECK(r >= 0, "create %s on the tmpfs", p);
	CHECK(write((int)r, "tmpfs\n", 6) == 6, "write");
	sys_close((int)r);
	CHECK(pread(fd, buf, sizeof(buf), 0) == 5 && memcmp(buf, "held\n", 5) == 0,
	      "the held file is untouched");
	expect("{%s,\"path\":%s,%s,\"link\":{\"what\":\"fd\",\"fd\":%d,\"probe\":\"not-procfs\"},"
	       "\"target\":null,\"resolution\":\"not-procfs\","
	       "\"explanation\":\"$re:not a procfs \\\\(file system magic 0x1021994\"}",
	       jcall("openat"), jstr(p), jres(r, e), fd);

	struct stat st;
	r = sys_stat(p, &st);
	e = errno;
	CHECK(r == 0 && S_ISREG(st.st_mode) && st.st_size == 6, "stat %s", p);
	expect("{%s,\"path\":%s,%s,\"resolution\":\"not-procfs\"}", jcall(SC_STAT), jstr(p),
	       jres(r, e));
	expect_none("{\"syscall\":\"openat\",\"resolution\":\"followed\"}");
	return 0;
}
