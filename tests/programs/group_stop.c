/* Job control under the tracer: a child stops itself with SIGSTOP. It must
 * stay stopped (state T or t in /proc/<child>/stat, and it makes no progress)
 * until the parent sends SIGCONT, and then run on: its next call is traced
 * and it exits 0. A tracer that resumes a group-stop as if it were a plain
 * stop lets the child run on before SIGCONT; one that leaves it in a ptrace
 * stop after SIGCONT hangs the test. Exits 3 when job control misbehaved. */
#include "expect.h"

#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

static char child_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int f = (int)sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	CHECK(f >= 0, "open %s", path);
	ssize_t n = read(f, buf, sizeof buf - 1);
	sys_close(f);
	CHECK(n > 0, "read %s", path);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	CHECK(p != NULL && p[1] == ' ', "format of %s", path);
	return p[2];
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void fail(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "group_stop: ");
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n");
	va_end(ap);
	exit(3);
}

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "held",
							      .content = "x\n" });
	int fd = m.fd;
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	const char *p = self_fd(fd);
	int progress[2];
	CHECK(pipe2(progress, O_CLOEXEC) == 0, "pipe");

	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		sys_close(progress[0]);
		raise(SIGSTOP);
		/* only after SIGCONT */
		struct stat st;
		long r = sys_fstatat(AT_FDCWD, p, &st, 0);
		CHECK(r == 0 && st.st_nlink == 0, "child: stat after SIGCONT");
		CHECK(write(progress[1], "c", 1) == 1, "child: write");
		_exit(0);
	}
	sys_close(progress[1]);

	/* stopped: within 5 s */
	char state = 0;
	for (int i = 0; i < 500; i++) {
		state = child_state(child);
		if (state == 'T' || state == 't')
			break;
		sleep_ms(10);
	}
	if (state != 'T' && state != 't')
		fail("the child did not stop after raise(SIGSTOP): state %c", state);
	/* and stays stopped, making no progress, for 300 ms */
	for (int i = 0; i < 30; i++) {
		sleep_ms(10);
		state = child_state(child);
		if (state != 'T' && state != 't')
			fail("the stopped child runs again without SIGCONT: state %c", state);
	}
	struct pollfd pfd = { .fd = progress[0], .events = POLLIN };
	if (poll(&pfd, 1, 0) != 0)
		fail("the stopped child made its call before SIGCONT");

	CHECK(kill(child, SIGCONT) == 0, "SIGCONT");
	/* resumes: its call is made within 5 s */
	if (poll(&pfd, 1, 5000) != 1)
		fail("the child did not resume after SIGCONT (state %c)", child_state(child));
	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		fail("the child ended with status 0x%x, expected exit 0", status);

	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT "\",\"path\":%s,"
	       "\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,\"text_target\":\"missing\","
	       "\"resolution\":\"followed\"}",
	       (int)child, (int)child, jstr(p), jlink(child, 0, fd, "/proc/self/fd/N", "path", "open"),
	       target);
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":0,"
	       "\"signal\":null}",
	       (int)child, (int)child);

	/* The other way round: this process (the command procfd-trace
	 * launched) stops itself, a helper child checks it stays stopped and
	 * sends SIGCONT. */
	int resumed[2];
	CHECK(pipe2(resumed, O_CLOEXEC) == 0, "pipe");
	pid_t me = getpid();
	fflush(stdout);
	pid_t helper = fork();
	CHECK(helper >= 0, "fork");
	if (helper == 0) {
		sys_close(resumed[1]);
		for (int i = 0; i < 500; i++) {
			state = child_state(me);
			if (state == 'T' || state == 't')
				break;
			sleep_ms(10);
		}
		if (state != 'T' && state != 't')
			fail("the parent did not stop after raise(SIGSTOP): state %c", state);
		for (int i = 0; i < 30; i++) {
			sleep_ms(10);
			state = child_state(me);
			if (state != 'T' && state != 't')
				fail("the stopped parent runs again without SIGCONT: state %c", state);
		}
		struct pollfd hp = { .fd = resumed[0], .events = POLLIN };
		if (poll(&hp, 1, 0) != 0)
			fail("the stopped parent went on before SIGCONT");
		CHECK(kill(me, SIGCONT) == 0, "SIGCONT to the parent");
		_exit(0);
	}
	/* resumed[0] stays open here too: the helper may be gone by the
	 * time this process writes (no SIGPIPE) */
	raise(SIGSTOP);
	CHECK(write(resumed[1], "p", 1) == 1, "write");
	CHECK(waitpid(helper, &status, 0) == helper, "waitpid helper");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
		exit(3); /* the helper said why */

	/* and the parent is traced after its own stop */
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0, "parent: stat");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), target);
	expect_count(2, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	return 0;
}
