/* --leaks and spawn sites: an fd a child gets between its fork/vfork/
 * posix_spawn and its exec is set up for the code that spawned it, which
 * the child's own stack cannot show (posix_spawn's child runs
 * __spawni_child). So the report carries the parent's stack at the
 * spawning call as spawned_at:
 *   - a pipe end posix_spawn's file action dup2's onto fd 5 of /usr/bin/true
 *     (the parent closes its own copy): one leak in true, made by pipe2 in
 *     the parent, installed as fd 5 by dup2 in the child, spawned at
 *     spawn_true's posix_spawn;
 *   - a file a forked child opens before it execs /usr/bin/true: made by
 *     openat in the child, spawned at fork_opener's fork. */
#include "leakexp.h"

#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

NOINLINE static int make_pipe(int p[2])
{
	int rc = (int)syscall(SYS_pipe2, p, O_CLOEXEC); int line = __LINE__;
	CHECK(rc == 0, "pipe2"); /* O_CLOEXEC: only the dup2 crosses into true */
	KEEP_FRAME();
	return line;
}

NOINLINE static pid_t spawn_true(int wfd, int *line)
{
	posix_spawn_file_actions_t fa;
	pid_t pid;
	char *argv[] = { "true", NULL };
	CHECK(posix_spawn_file_actions_init(&fa) == 0, "file actions");
	CHECK(posix_spawn_file_actions_adddup2(&fa, wfd, 5) == 0, "adddup2");
	int rc = posix_spawn(&pid, "/usr/bin/true", &fa, NULL, argv, environ); *line = __LINE__;
	CHECK(rc == 0, "posix_spawn");
	posix_spawn_file_actions_destroy(&fa);
	KEEP_FRAME();
	return pid;
}

NOINLINE static pid_t fork_opener(int *line, int *open_line)
{
	*open_line = __LINE__ + 4;
	pid_t pid = fork(); *line = __LINE__;
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		int fd = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY, 0);
		if (fd < 0)
			_exit(99);
		execl("/usr/bin/true", "true", (char *)NULL);
		_exit(99);
	}
	KEEP_FRAME();
	return pid;
}

int main(void)
{
	int p[2], spawn_line, fork_line, open_line, status;
	int pipe_line = make_pipe(p);
	fflush(stdout);
	pid_t a = spawn_true(p[1], &spawn_line); int main_spawn = __LINE__;
	CHECK(close(p[1]) == 0 && close(p[0]) == 0, "close");
	CHECK(waitpid(a, &status, 0) == a && status == 0, "wait true");
	expect_count(1, "{\"event\":\"leak\",\"pid\":%d,\"fd\":5,\"exe\":\"/usr/bin/true\","
		     "\"target\":{\"kind\":\"pipe\"},\"held_by\":[{\"pid\":%d,\"fd\":5}],"
		     "\"opened_by\":{\"syscall\":\"pipe2\",\"pid\":%d,\"backtrace\":%s,"
		     "\"spawned_at\":null},"
		     "\"installed_by\":{\"syscall\":\"dup2\",\"pid\":%d,\"fd\":5,\"spawned_at\":%s}}",
		     (int)a, (int)a, (int)getpid(), jframes("make_pipe", pipe_line, NULL), (int)a,
		     jframes("spawn_true", spawn_line, "main", main_spawn, NULL));

	pid_t b = fork_opener(&fork_line, &open_line); int main_fork = __LINE__;
	CHECK(waitpid(b, &status, 0) == b && status == 0, "wait child");
	expect_count(1, "{\"event\":\"leak\",\"pid\":%d,\"exe\":\"/usr/bin/true\","
		     "\"target\":{\"name\":\"/etc/hostname\"},"
		     "\"opened_by\":{\"syscall\":\"openat\",\"pid\":%d,\"backtrace\":%s,"
		     "\"spawned_at\":%s},\"installed_by\":null}",
		     (int)b, (int)b, jframes("fork_opener", open_line, NULL),
		     jframes("fork_opener", fork_line, "main", main_fork, NULL));
	expect("{\"event\":\"leak_total\",\"leaks\":2,\"fds\":2}");
	return 0;
}
