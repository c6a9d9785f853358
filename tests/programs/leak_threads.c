/* --leaks from threads: the creator is the thread that made the fd (its
 * tid and its stack); the process reports once, at its end. */
#include "leakexp.h"

#include <pthread.h>

static pid_t worker_tid;

NOINLINE static void *worker(void *arg)
{
	(void)arg;
	worker_tid = (pid_t)syscall(SYS_gettid);
	int fd = (int)syscall(SYS_eventfd2, 0, 0); int line = __LINE__;
	CHECK(fd >= 0, "eventfd2");
	expect_leak(fd, "eventfd2", "\"opened_by\":{\"tid\":%d,\"backtrace\":%s}",
		    (int)worker_tid, jframes("worker", line, NULL));
	KEEP_FRAME();
	return NULL;
}

int main(void)
{
	pthread_t th[3];
	for (int i = 0; i < 3; i++) {
		CHECK(pthread_create(&th[i], NULL, worker, NULL) == 0, "pthread_create");
		CHECK(pthread_join(th[i], NULL) == 0, "pthread_join");
	}
	expect_count(1, "{\"event\":\"leak_total\",\"leaks\":3,\"fds\":3}");
	return 0;
}
