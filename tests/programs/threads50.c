/* 50 threads at once, each with a file of its own: each stats
 * /proc/thread-self/fd/N for its fd while all 50 are alive (a barrier holds
 * them), so the tracer juggles 50 concurrent stops. Every event must carry
 * the caller's tid (event and link), and the inode of that thread's file:
 * an event attributed to the wrong thread, or probed in the wrong table,
 * shows up as a wrong tid or ino. Every thread's exit is reported. */
#include "expect.h"

#include <pthread.h>

#define NTHREADS 50

struct slot {
	int index;
	int fd;
	pid_t tid;
	long r;
	int e;
	const char *target; /* built by the thread while its fd is open */
};

static struct slot slots[NTHREADS];
static pthread_barrier_t all_alive;

static void *thread_main(void *arg)
{
	struct slot *s = arg;
	s->tid = exp_gettid();
	s->fd = make_file(tmp_path(sfmt("thread-%02d", s->index)), sfmt("thread %d\n", s->index));
	s->target = strdup(jtarget_file(s->fd, tmp_path(sfmt("thread-%02d", s->index)), false,
					"read-write", "O_RDWR" EXP_LF));
	CHECK(s->target != NULL, "strdup");
	pthread_barrier_wait(&all_alive);
	struct stat st;
	s->r = sys_fstatat(AT_FDCWD, sfmt("/proc/thread-self/fd/%d", s->fd), &st, 0);
	s->e = errno;
	CHECK(s->r == 0 && st.st_ino == fd_stat(s->fd).st_ino, "thread %d: stat own fd", s->index);
	pthread_barrier_wait(&all_alive); /* nobody exits before all called */
	return NULL;
}

int main(void)
{
	tmpdir_create();
	pid_t pid = getpid();
	pthread_t th[NTHREADS];
	CHECK(pthread_barrier_init(&all_alive, NULL, NTHREADS) == 0, "barrier");
	for (int i = 0; i < NTHREADS; i++) {
		slots[i].index = i;
		CHECK(pthread_create(&th[i], NULL, thread_main, &slots[i]) == 0, "pthread_create %d",
		      i);
	}
	for (int i = 0; i < NTHREADS; i++)
		CHECK(pthread_join(th[i], NULL) == 0, "pthread_join %d", i);

	for (int i = 0; i < NTHREADS; i++) {
		struct slot *s = &slots[i];
		CHECK(s->tid != pid, "thread %d has a tid of its own", i);
		const char *p = sfmt("/proc/thread-self/fd/%d", s->fd);
		expect_count(1, "{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
			     "\"arch\":\"" EXP_ARCH "\",\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",%s,"
			     "\"link\":%s,\"target\":%s,\"text_target\":\"same-file\","
			     "\"resolution\":\"followed\"}",
			     (int)pid, (int)s->tid, jstr(p), jres(s->r, s->e),
			     jlink(pid, s->tid, s->fd, "/proc/thread-self/fd/N", "path", "open"),
			     s->target);
		/* joined: the thread's end is reported, as a thread's */
		expect_count(1, "{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":false,"
			     "\"status\":0,\"signal\":null}",
			     (int)pid, (int)s->tid);
	}
	expect_count(NTHREADS, "{\"event\":\"syscall\",\"link\":{\"spelling\":\"/proc/thread-self/fd/N\"}}");
	expect_count(NTHREADS, "{\"event\":\"exit\",\"pid\":%d,\"leader\":false}", (int)pid);
	for (int i = 0; i < NTHREADS; i++)
		sys_close(slots[i].fd);
	return 0;
}
