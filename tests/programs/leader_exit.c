/* The thread-group leader calls pthread_exit while another thread lives on.
 * /proc/self is still /proc/PID, the leader's directory, whose fd table is
 * gone with the leader: /proc/self/fd/N gives ENOENT (no-such-fd) although
 * the process holds the fd, while /proc/thread-self/fd/N still works. The
 * probe must agree with the kernel on both. */
#include "expect.h"

#include <pthread.h>
#include <time.h>

static int fd;
static const char *target;
static pid_t leader;

static void *survivor(void *arg)
{
	(void)arg;
	/* wait until the leader has exited (its /proc status says zombie) */
	for (int i = 0; i < 500; i++) {
		char path[64], buf[512];
		snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)leader, (int)leader);
		int f = (int)sys_openat(AT_FDCWD, path, O_RDONLY, 0);
		ssize_t n = f >= 0 ? read(f, buf, sizeof buf - 1) : -1;
		if (f >= 0)
			sys_close(f);
		if (n > 0) {
			buf[n] = '\0';
			char *st = strrchr(buf, ')');
			if (st && st[2] == 'Z')
				break;
		}
		struct timespec ts = { 0, 10000000 };
		nanosleep(&ts, NULL);
	}
	pid_t tid = exp_gettid();
	struct stat st;
	const char *p = self_fd(fd);
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == -1 && e == ENOENT, "/proc/self/fd/N after the leader exited");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"resolution\":\"no-such-fd\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(leader, 0, fd, "/proc/self/fd/N", "path", "no-fd"));

	p = sfmt("/proc/thread-self/fd/%d", fd);
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0, "/proc/thread-self/fd/N after the leader exited");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(leader, tid, fd, "/proc/thread-self/fd/N", "path", "open"), target);
	exit(0);
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("survives");
	fd = make_file(file, "x\n");
	target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	leader = getpid();
	pthread_t th;
	CHECK(pthread_create(&th, NULL, survivor, NULL) == 0, "pthread_create");
	pthread_exit(NULL);
}
