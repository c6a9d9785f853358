/* A process to attach to with procfd-trace -p (run by the harness, not
 * traced at first): attach_target COUNT [thread]. It holds a deleted log
 * file at fd N, prints its expectations and then "ready PID", and then COUNT
 * times: stats /proc/self/fd/N and sleeps 100 ms. With "thread", a second
 * thread does the same through /proc/thread-self/fd/N: both threads must be
 * attached (their events carry their tids) and both let go. It exits 0 after
 * COUNT rounds, or earlier on SIGTERM.
 *
 * The harness attaches, waits for events, detaches with SIGINT and checks
 * this process runs on, untraced and not stopped, to its normal end. Exits
 * 4 when a call or a sleep was disturbed (a stat that failed, a sleep cut
 * short by EINTR): attaching and detaching must not be visible. */
#include "expect.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

static volatile sig_atomic_t stop;
static int count, fd;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* COUNT rounds of a stat of path and a sleep; the rounds made, or -1. */
static int rounds(const char *path)
{
	int i = 0;
	for (; i < count && !stop; i++) {
		struct stat st;
		long r = sys_fstatat(AT_FDCWD, path, &st, 0);
		if (r != 0 || st.st_nlink != 0) {
			fprintf(stderr, "attach_target: round %d: stat %s gave %ld (%s)\n", i, path, r,
				strerror(errno));
			return -1;
		}
		struct timespec ts = { 0, 100000000 };
		if (nanosleep(&ts, NULL) != 0 && !stop) {
			fprintf(stderr, "attach_target: round %d: nanosleep: %s\n", i, strerror(errno));
			return -1;
		}
	}
	return i;
}

static pthread_barrier_t ready;
static pid_t thread_tid;

static void *thread_main(void *arg)
{
	(void)arg;
	thread_tid = exp_gettid();
	pthread_barrier_wait(&ready);
	pthread_barrier_wait(&ready); /* expectations printed */
	return (void *)(intptr_t)rounds(sfmt("/proc/thread-self/fd/%d", fd));
}

int main(int argc, char **argv)
{
	bool threaded = argc == 3 && strcmp(argv[2], "thread") == 0;
	CHECK((argc == 2 || threaded) && atoi(argv[1]) > 0, "usage: attach_target COUNT [thread]");
	count = atoi(argv[1]);
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	CHECK(sigaction(SIGTERM, &sa, NULL) == 0, "sigaction");

	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "app.log",
							      .content = "log line\n" });
	fd = m.fd;
	const char *p = self_fd(fd);
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	pthread_t th;
	if (threaded) {
		CHECK(pthread_barrier_init(&ready, NULL, 2) == 0, "barrier");
		CHECK(pthread_create(&th, NULL, thread_main, NULL) == 0, "pthread_create");
		pthread_barrier_wait(&ready);
	}
	/* At least two rounds are traced (the harness waits for the events),
	 * each a stat through the link to the deleted log. */
	const char *ev = sfmt("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"0\",\"result\":0,"
			      "\"errno\":null,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
			      "\"resolution\":\"followed\"}",
			      jcall(SC_FSTATAT), jstr(p), jself(fd), target);
	if (!threaded) {
		expect("%s", ev);
		expect("%s", ev);
	} else {
		/* two threads: their events interleave */
		expect_min(2, "%s", ev);
		const char *tp = sfmt("/proc/thread-self/fd/%d", fd);
		expect_min(2, "{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\","
			   "\"path\":%s,\"result\":0,\"link\":%s,\"target\":%s,"
			   "\"text_target\":\"missing\",\"resolution\":\"followed\"}",
			   (int)getpid(), (int)thread_tid, jstr(tp),
			   jlink(getpid(), thread_tid, fd, "/proc/thread-self/fd/N", "path", "open"),
			   target);
	}
	expect_none("{\"event\":\"syscall\",\"resolution\":\"unfinished\"}");
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	if (threaded)
		pthread_barrier_wait(&ready);

	int n = rounds(p);
	if (n < 0)
		return 4;
	if (threaded) {
		void *tn;
		CHECK(pthread_join(th, &tn) == 0, "pthread_join");
		if ((intptr_t)tn < 0)
			return 4;
	}
	printf("rounds %d%s\n", n, stop ? " (SIGTERM)" : "");
	sys_close(fd);
	return 0;
}
