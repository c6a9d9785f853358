/* The example plugin (tests/plugins/dupcount.c), run by procfd-trace-example:
 * fcntl is trapped only with F_DUPFD or F_DUPFD_CLOEXEC (F_GETFD never
 * stops us, so it is never reported); each process's count is written at
 * its end, also when the leader is not its last thread; a forked child
 * starts from its parent's count when its fd table is a copy, a
 * clone(CLONE_FILES) child shares the table. */
#include "expect.h"

#include <pthread.h>
#include <sched.h>
#include <sys/wait.h>

static pid_t leader;
static int dups, cloexec;

static long dup_from(int cmd, int min)
{
	long r = syscall(SYS_fcntl, 0, cmd, min);
	CHECK_OK(r, "fcntl dup");
	dups++;
	cloexec += cmd == F_DUPFD_CLOEXEC;
	/* fcntl takes three arguments: exactly those, no register garbage */
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"fcntl\","
	       "\"args\":[0,%d,%d],\"result\":%ld,\"errno\":null,\"dup_cmd\":\"%s\","
	       "\"new_fd\":%ld}",
	       (int)leader, (int)gettid(), cmd, min, r,
	       cmd == F_DUPFD ? "F_DUPFD" : "F_DUPFD_CLOEXEC", r);
	return r;
}

static void *thread_dup(void *arg)
{
	(void)arg;
	dup_from(F_DUPFD, 30);
	return NULL;
}

/* The leader is a zombie once it called pthread_exit and others run on. */
static bool leader_gone(void)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)leader);
	FILE *f = fopen(path, "r");
	if (!f)
		return true;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	char *p = strrchr(buf, ')');
	return p && (p[2] == 'Z' || p[2] == 'X');
}

/* Runs after the leader left: the process ends when this thread does. */
static void *last_thread(void *arg)
{
	(void)arg;
	for (int i = 0; i < 2000 && !leader_gone(); i++)
		usleep(1000);
	CHECK(leader_gone(), "the leader should have exited");
	dup_from(F_DUPFD_CLOEXEC, 40);
	expect_count(dups, "{\"event\":\"syscall\",\"pid\":%d,\"syscall\":\"fcntl\"}", (int)leader);
	expect("{\"event\":\"dupcount\",\"pid\":%d,\"last_tid\":%d,\"dups\":%d,\"cloexec\":%d,"
	       "\"inherited\":0,\"parent\":null,\"files\":null,\"execs\":1,\"live\":true}",
	       (int)leader, (int)gettid(), dups, cloexec);
	fflush(stdout);
	exit(0);
}

int main(void)
{
	leader = getpid();
	long a = dup_from(F_DUPFD, 10);
	long b = dup_from(F_DUPFD_CLOEXEC, 20);
	CHECK(syscall(SYS_fcntl, (int)b, F_GETFD) == FD_CLOEXEC, "F_GETFD");
	CHECK(syscall(SYS_fcntl, (int)a, F_GETFL) >= 0, "F_GETFL");

	pthread_t th;
	CHECK(pthread_create(&th, NULL, thread_dup, NULL) == 0, "pthread_create");
	CHECK(pthread_join(th, NULL) == 0, "pthread_join");

	/* A forked child: a copy of the table, and of the count. */
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		long r = syscall(SYS_fcntl, 0, F_DUPFD, 50);
		CHECK_OK(r, "child dup");
		_exit(0);
	}
	CHECK(waitpid(child, NULL, 0) == child, "waitpid");
	expect_count(1, "{\"event\":\"dupcount\",\"pid\":%d,\"dups\":1,\"cloexec\":0,"
		     "\"inherited\":%d,\"parent\":%d,\"files\":\"copied\",\"execs\":0,\"live\":true}",
		     (int)child, dups, (int)leader);
	expect_count(1, "{\"event\":\"syscall\",\"pid\":%d,\"syscall\":\"fcntl\",\"new_fd\":50}",
		     (int)child);

	/* clone(CLONE_FILES): one table for both, so nothing is inherited. */
	fflush(stdout);
	long shared = syscall(SYS_clone, CLONE_FILES | SIGCHLD, 0, 0, 0, 0);
	CHECK(shared >= 0, "clone");
	if (shared == 0)
		_exit(0);
	CHECK(waitpid((pid_t)shared, NULL, 0) == shared, "waitpid shared");
	expect_count(1, "{\"event\":\"dupcount\",\"pid\":%ld,\"dups\":0,\"inherited\":0,"
		     "\"parent\":%d,\"files\":\"shared\"}", shared, (int)leader);

	/* The leader leaves first; the last thread ends the process. */
	CHECK(pthread_create(&th, NULL, last_thread, NULL) == 0, "pthread_create");
	fflush(stdout);
	pthread_exit(NULL);
}
