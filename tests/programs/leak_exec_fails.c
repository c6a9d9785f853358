/* --leaks with a child whose exec fails: posix_spawn of a missing program
 * (glibc's CLONE_VFORK child exits 127) and fork + execve of a missing file
 * (the child _exits 127, as find -exec or a shell does for a command not
 * found). The child never ran a program of its own; the exec it tried would
 * have closed the parent's O_CLOEXEC fds, so those are no leak of it, and the
 * parent closes its own copies. A fd without O_CLOEXEC would have crossed
 * the exec: still the child's leak. */
#include "leakexp.h"

#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

static int open_hostname(int flags)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY | flags, 0);
	CHECK(fd >= 0, "open /etc/hostname");
	return fd;
}

static void spawn_missing(void)
{
	char *argv[] = { "pfdtest-no-such-program", NULL };
	pid_t pid;
	int rc = posix_spawnp(&pid, argv[0], NULL, NULL, argv, environ);
	if (rc == 0) { /* an older glibc reports the failure as exit 127 */
		int st;
		CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	}
}

static void fork_exec_missing(int keep)
{
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		char *argv[] = { "/nonexistent/pfdtest-missing", NULL };
		execve(argv[0], argv, environ);
		(void)keep;
		_exit(127);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 127,
	      "the child's exec failed");
}

int main(void)
{
	int cloexec = open_hostname(O_CLOEXEC);
	spawn_missing();
	fork_exec_missing(-1);
	/* without O_CLOEXEC: it would have crossed the exec */
	int plain = open_hostname(0);
	expect_count(1, "{\"event\":\"leak\",\"fd\":%d,\"held_by\":[{\"fd\":%d}]}", plain, plain);
	fork_exec_missing(plain);
	CHECK(close(plain) == 0 && close(cloexec) == 0, "close");
	expect_none("{\"event\":\"leak\",\"fd\":%d}", cloexec);
	expect("{\"event\":\"leak_total\",\"leaks\":1,\"fds\":1}");
	return 0;
}
