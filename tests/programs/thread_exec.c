/* execve from a thread that is not the leader: the new image takes the
 * leader's tid. The exec event names the thread that called it (old_tid),
 * and calls after the exec are the process's, tid == pid. An fd without
 * O_CLOEXEC (a memfd) survives the exec and is named again afterwards. */
#include "expect.h"

#include <pthread.h>
#include <sys/mman.h>

static char self_exe[PATH_MAX];
static int memfd;

static void *exec_thread(void *arg)
{
	(void)arg;
	char fdarg[16], tidarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", memfd);
	snprintf(tidarg, sizeof tidarg, "%d", (int)exp_gettid());
	CHECK(exp_gettid() != getpid(), "a thread of its own");
	char *argv[] = { self_exe, "after", fdarg, tidarg, NULL };
	fflush(stdout);
	execv(self_exe, argv);
	CHECK(0, "execv %s", self_exe);
	return NULL;
}

static int after_exec(int fd, pid_t old_tid)
{
	pid_t pid = getpid();
	CHECK(exp_gettid() == pid, "after exec, the caller is the leader");
	expect("{\"event\":\"exec\",\"pid\":%d,\"tid\":%d,\"old_tid\":%d,\"exe\":%s}", (int)pid,
	       (int)pid, (int)old_tid, jstr(self_exe));
	const char *p = self_fd(fd);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, p, &st, 0);
	int e = errno;
	CHECK(r == 0, "stat the memfd after exec");
	const char *text = "/memfd:pfdtest-exec (deleted)";
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":{\"text\":%s,\"kind\":\"memfd\","
	       "\"ino\":%lu,\"nlink\":0},\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(p), jres(r, e), jself(fd), jstr(text),
	       (unsigned long)fd_stat(fd).st_ino);
	expect_count(1, "{\"event\":\"exec\",\"pid\":%d,\"old_tid\":%d}", (int)pid, (int)old_tid);
	/* the old thread id never makes a call after the exec */
	expect_none("{\"event\":\"syscall\",\"tid\":%d}", (int)old_tid);
	return 0;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	self_exe[n] = '\0';
	if (argc == 4 && strcmp(argv[1], "after") == 0)
		return after_exec(atoi(argv[2]), (pid_t)atoi(argv[3]));

	memfd = memfd_create("pfdtest-exec", 0);
	CHECK(memfd >= 0, "memfd_create");
	pthread_t th;
	CHECK(pthread_create(&th, NULL, exec_thread, NULL) == 0, "pthread_create");
	pthread_join(th, NULL);
	CHECK(0, "the exec did not replace the process");
	return 1;
}
