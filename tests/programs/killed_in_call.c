/* A thread killed inside a reported call: the child holds a FIFO opened
 * O_RDONLY|O_NONBLOCK and reopens it through /proc/self/fd/N without
 * O_NONBLOCK, which waits for a writer that never comes. When the child is
 * asleep in that open (its /proc/<pid>/syscall shows openat and its state is
 * S, not a ptrace stop), the parent SIGKILLs it. SIGKILL gives no exit stop:
 * the call must be reported once, unfinished (result null), with what the
 * fd held at entry, and the child's end as killed by SIGKILL. */
#include "expect.h"

#include <signal.h>
#include <sys/wait.h>
#include <time.h>

/* /proc/<pid>/stat's state letter */
static char proc_state(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	int f = (int)sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (f < 0)
		return '?';
	ssize_t n = read(f, buf, sizeof buf - 1);
	sys_close(f);
	if (n <= 0)
		return '?';
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* the syscall number in /proc/<pid>/syscall, -1 if running or unknown */
static long proc_syscall(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof path, "/proc/%d/syscall", (int)pid);
	int f = (int)sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	if (f < 0)
		return -1;
	ssize_t n = read(f, buf, sizeof buf - 1);
	sys_close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *end;
	long nr = strtol(buf, &end, 10);
	return end == buf ? -1 : nr;
}

int main(void)
{
	tmpdir_create();
	const char *fifo = tmp_path("fifo");
	CHECK(mkfifo(fifo, 0600) == 0, "mkfifo");
	int fd = (int)sys_openat(AT_FDCWD, fifo, O_RDONLY | O_NONBLOCK, 0);
	CHECK(fd >= 0, "open the fifo O_RDONLY|O_NONBLOCK");
	const char *p = self_fd(fd);
	const char *target = jtarget_full(fd, fifo, strlen(fifo), fifo, strlen(fifo), false, "fifo",
					  "read", "O_RDONLY|O_NONBLOCK" EXP_LF);

	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
		CHECK(0, "the blocking open returned %ld", r);
	}

	/* in the call, asleep: bounded at 10 s */
	bool asleep = false;
	for (int i = 0; i < 1000 && !asleep; i++) {
		asleep = proc_syscall(child) == SYS_openat && proc_state(child) == 'S';
		if (!asleep) {
			struct timespec ts = { 0, 10000000 };
			nanosleep(&ts, NULL);
		}
	}
	CHECK(asleep, "the child sleeps in openat (syscall %ld, state %c)", proc_syscall(child),
	      proc_state(child));
	CHECK(kill(child, SIGKILL) == 0, "SIGKILL");
	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	CHECK(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "killed by SIGKILL (0x%x)", status);

	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"openat\","
	       "\"arch\":\"" EXP_ARCH "\",\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY\","
	       "\"result\":null,\"errno\":null,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"unfinished\",\"explanation\":\"$any\"}",
	       (int)child, (int)child, jstr(p), jlink(child, 0, fd, "/proc/self/fd/N", "path", "open"),
	       target);
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":null,"
	       "\"signal\":\"SIGKILL\",\"core_dumped\":false}",
	       (int)child, (int)child);
	expect_count(1, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	sys_close(fd);
	return 0;
}
