/* A call through the link that blocks and is interrupted by a signal: a
 * FIFO held by an O_PATH fd, opened for reading through /proc/self/fd/N,
 * waits for a writer. With SA_RESTART the kernel restarts the open after
 * the handler (the tracer sees the call enter again): still one event, with
 * the final result. Without SA_RESTART it fails with EINTR: one event. */
#include "expect.h"

#include <signal.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

static void arm(int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_alarm;
	sa.sa_flags = flags;
	CHECK(sigaction(SIGALRM, &sa, NULL) == 0, "sigaction");
	struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = 300000 } };
	CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer");
}

int main(void)
{
	tmpdir_create();
	const char *fifo = tmp_path("fifo");
	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
	int fd = (int)sys_openat(AT_FDCWD, fifo, O_PATH, 0);
	CHECK(fd >= 0, "O_PATH open of the fifo");
	const char *p = self_fd(fd);
	const char *target = jtarget_full(fd, fifo, strlen(fifo), fifo, strlen(fifo), false, "fifo",
					  "path", "O_RDONLY|O_PATH");

	/* A writer that comes after the alarm. */
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		struct timespec ts = { 1, 0 };
		nanosleep(&ts, NULL);
		int w = (int)sys_openat(AT_FDCWD, fifo, O_WRONLY, 0);
		CHECK(w >= 0, "writer open");
		CHECK(write(w, "ok", 2) == 2, "write");
		_exit(0);
	}
	arm(SA_RESTART);
	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "restarted open through the link");
	CHECK(alarms == 1, "the open was interrupted once (alarms %d)", (int)alarms);
	char buf[4] = "";
	CHECK(read((int)r, buf, 2) == 2 && memcmp(buf, "ok", 2) == 0, "read from the fifo");
	expect("{%s,\"path\":%s,\"flags\":\"$flags:O_RDONLY\",%s,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	sys_close((int)r);
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "writer");

	/* No writer, no restart: EINTR. */
	arm(0);
	r = sys_openat(AT_FDCWD, p, O_RDONLY | O_CLOEXEC, 0);
	e = errno;
	CHECK(r == -1 && e == EINTR && alarms == 2, "interrupted open gives EINTR");
	expect("{%s,\"path\":%s,\"flags\":\"$flags:O_RDONLY|O_CLOEXEC\",%s,\"link\":%s,"
	       "\"target\":%s,\"resolution\":\"error\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);

	/* One event per call: no report of the interrupted attempt. */
	expect_count(2, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	expect_none("{\"event\":\"syscall\",\"errno\":\"ERESTARTSYS\"}");
	sys_close(fd);
	return 0;
}
