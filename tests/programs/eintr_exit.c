/* An open through the link that blocks (a FIFO with no writer) and is
 * interrupted by a signal whose handler has no SA_RESTART: the kernel ends
 * it with EINTR, and that is the event, even when:
 *  - the thread then exits at once (the call was held as ERESTARTSYS and
 *    was reported "unfinished", as if the thread had been killed in it);
 *  - the program retries with the same arguments (the retry was taken for
 *    the kernel's restart, and the EINTR attempt was dropped: 2 calls, 1
 *    event). The retry succeeds once a writer comes. */
#include "expect.h"

#include <pthread.h>
#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t signals;
static int link_fd;
static volatile pid_t opener_tid;
static long thread_r;
static int thread_e;

static void on_signal(int sig)
{
	(void)sig;
	signals++;
}

static void catch_without_restart(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	CHECK(sigaction(sig, &sa, NULL) == 0, "sigaction");
}

static void *open_then_exit(void *arg)
{
	(void)arg;
	opener_tid = exp_gettid();
	thread_r = sys_openat(AT_FDCWD, self_fd(link_fd), O_RDONLY, 0);
	thread_e = errno;
	return NULL; /* the thread exits right after the EINTR */
}

/* The thread sleeps in openat (state S, /proc/.../syscall names openat). */
static bool blocked_in_openat(pid_t tid)
{
	char buf[256];
	int fd = open(sfmt("/proc/self/task/%d/stat", (int)tid), O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof buf - 1);
	close(fd);
	const char *paren = n > 0 ? (buf[n] = '\0', strrchr(buf, ')')) : NULL;
	if (!paren || paren[1] != ' ' || paren[2] != 'S')
		return false;
	fd = open(sfmt("/proc/self/task/%d/syscall", (int)tid), O_RDONLY);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof buf - 1);
	close(fd);
	return n > 0 && (buf[n] = '\0', atol(buf) == SYS_openat);
}

static void eintr_then_thread_exit(const char *target)
{
	catch_without_restart(SIGUSR1);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, open_then_exit, NULL) == 0, "pthread_create");
	for (int i = 0; i < 5000 && !(opener_tid && blocked_in_openat(opener_tid)); i++)
		usleep(1000);
	CHECK(opener_tid && blocked_in_openat(opener_tid), "the thread blocks in openat");
	pthread_kill(th, SIGUSR1);
	CHECK(pthread_join(th, NULL) == 0, "pthread_join");
	CHECK(thread_r == -1 && thread_e == EINTR, "the thread's open: EINTR, got %ld", thread_r);
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"openat\","
	       "\"path\":%s,\"flags\":\"$flags:O_RDONLY\",%s,\"link\":%s,\"target\":%s,"
	       "\"resolution\":\"error\"}",
	       (int)getpid(), (int)opener_tid, jstr(self_fd(link_fd)), jres(thread_r, thread_e),
	       jself(link_fd), target);
	expect_none("{\"event\":\"syscall\",\"resolution\":\"unfinished\"}");
}

static void eintr_then_retry(const char *fifo, const char *target)
{
	catch_without_restart(SIGALRM);
	fflush(stdout);
	pid_t writer = fork();
	CHECK(writer >= 0, "fork");
	if (writer == 0) { /* comes after the alarm */
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);
		int w = (int)sys_openat(AT_FDCWD, fifo, O_WRONLY, 0);
		_exit(w >= 0 ? 0 : 1);
	}
	struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = 300000 } };
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
	const char *p = self_fd(link_fd);
	long r1 = sys_openat(AT_FDCWD, p, O_RDONLY | O_NOCTTY, 0);
	int e1 = errno;
	CHECK(r1 == -1 && e1 == EINTR, "the first open: EINTR");
	long r2 = sys_openat(AT_FDCWD, p, O_RDONLY | O_NOCTTY, 0);
	int e2 = errno;
	CHECK_OK(r2, "the retry, once the writer came");
	int status;
	CHECK(waitpid(writer, &status, 0) == writer && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "writer");
	const char *call = sfmt("%s,\"path\":%s,\"flags\":\"$flags:O_RDONLY|O_NOCTTY\"",
				jcall("openat"), jstr(p));
	expect("{%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"error\"}", call, jres(r1, e1),
	       jself(link_fd), target);
	expect("{%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}", call,
	       jres(r2, e2), jself(link_fd), target);
	expect_count(2, "{%s}", call);
	sys_close((int)r2);
}

int main(void)
{
	tmpdir_create();
	const char *fifo = tmp_path("fifo");
	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
	link_fd = (int)sys_openat(AT_FDCWD, fifo, O_PATH, 0);
	CHECK(link_fd >= 0, "O_PATH open of the fifo");
	const char *target = jtarget_full(link_fd, fifo, strlen(fifo), fifo, strlen(fifo), false,
					  "fifo", "path", "O_RDONLY|O_PATH");
	eintr_then_thread_exit(target);
	eintr_then_retry(fifo, target);
	expect_none("{\"event\":\"syscall\",\"errno\":\"ERESTARTSYS\"}");
	sys_close(link_fd);
	return 0;
}
