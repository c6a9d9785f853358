/* Calls from a second thread: pid is the process, tid the thread's.
 * /proc/thread-self/fd/N and /proc/self/task/TID/fd/N name the thread
 * (link.tid). After unshare(CLONE_FILES) and a close in the thread only,
 * /proc/thread-self/fd/N names no fd while /proc/self/fd/N (the leader's
 * table) still does: the probe must look at the table the path names. */
#include "expect.h"

#include <pthread.h>
#include <sched.h>

static int fd;
static const char *target;
static pid_t thread_tid;
static pthread_barrier_t step;

static void *thread_main(void *arg)
{
	(void)arg;
	pid_t pid = getpid(), tid = exp_gettid();
	CHECK(tid != pid, "a thread has its own tid");
	thread_tid = tid;
	struct stat st;
	long r;
	int e;

	const char *p = sfmt("/proc/thread-self/fd/%d", fd);
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0, "thread: stat %s", p);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(pid, tid, fd, "/proc/thread-self/fd/N", "path", "open"), target);

	p = sfmt("/proc/self/task/%d/fd/%d", (int)tid, fd);
	r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	e = errno;
	CHECK_OK(r, p);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e),
	       jlink(pid, tid, fd, "/proc/self/task/TID/fd/N", "path", "open"), target);
	sys_close((int)r);

	p = self_fd(fd);
	r = sys_fstatat(AT_FDCWD, p, &st, AT_SYMLINK_NOFOLLOW);
	e = errno;
	CHECK(r == 0, "thread: lstat %s", p);
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"link-itself\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	/* A table of its own, without fd. */
	CHECK(unshare(CLONE_FILES) == 0, "unshare(CLONE_FILES)");
	sys_close(fd);
	p = sfmt("/proc/thread-self/fd/%d", fd);
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == -1 && e == ENOENT, "thread: own table has no fd");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"resolution\":\"no-such-fd\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(pid, tid, fd, "/proc/thread-self/fd/N", "path", "no-fd"));
	p = self_fd(fd);
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0, "thread: /proc/self/fd is the leader's table, which has the fd");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);

	pthread_barrier_wait(&step); /* main thread: look at this thread */
	pthread_barrier_wait(&step); /* main thread: done */
	return NULL;
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("threaded");
	fd = make_file(file, "threads\n");
	target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	pthread_barrier_init(&step, NULL, 2);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0, "pthread_create");
	pthread_barrier_wait(&step);

	/* The main thread names the other thread's table, then its own. */
	pid_t pid = getpid();
	struct stat st;
	const char *p = sfmt("/proc/%d/task/%d/fd/%d", (int)pid, (int)thread_tid, fd);
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == -1 && e == ENOENT, "main: the thread's table has no fd");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"resolution\":\"no-such-fd\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(pid, thread_tid, fd, "/proc/PID/task/TID/fd/N", "path", "no-fd"));
	p = sfmt("/proc/%d/task/%d/fd/%d", (int)pid, (int)pid, fd);
	r = sys_fstatat(AT_FDCWD, p, &st, 0);
	e = errno;
	CHECK(r == 0, "main: own table has the fd");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e),
	       jlink(pid, pid, fd, "/proc/PID/task/TID/fd/N", "path", "open"), target);

	pthread_barrier_wait(&step);
	pthread_join(th, NULL);
	expect_count(5, "{\"event\":\"syscall\",\"tid\":%d,\"link\":{\"fd\":%d}}", (int)thread_tid, fd);
	/* the thread's exit, not the process's */
	expect_count(1, "{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":false}", (int)pid,
		     (int)thread_tid);
	return 0;
}
