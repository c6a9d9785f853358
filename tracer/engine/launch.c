/* procfd-trace: starting the traced command.
 *
 * The child loads the filter, reports whether that worked, stops itself, and
 * execs once we have seized it. Loading before the seize is safe: the filter
 * traps only path calls, and the child makes none before execve, which runs
 * after the seize (a trapped call with no tracer would fail with ENOSYS).
 * The command is found and run as execvp(3) would: a file without "#!"
 * that the kernel refuses (ENOEXEC) runs under /bin/sh. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filters/seccomp_filter.h"
#include "tracer/engine/launch.h"

/* 0 if path is an executable regular file, else the errno execve would give. */
static int executable(const char *path)
{
	struct stat st;
	if (stat(path, &st) < 0)
		return errno;
	if (S_ISDIR(st.st_mode))
		return EACCES;
	if (access(path, X_OK) < 0)
		return errno;
	return 0;
}

static int not_runnable(const char *cmd, int err)
{
	if (err == ENOENT || err == ENOTDIR) {
		fprintf(stderr, "procfd-trace: %s: command not found\n", cmd);
		return 127;
	}
	fprintf(stderr, "procfd-trace: %s: cannot execute: %s\n", cmd, strerror(err));
	return 126;
}

int pfd_resolve_command(const char *cmd, char *out, size_t size)
{
	if (strchr(cmd, '/')) {
		int err = executable(cmd);
		if (err)
			return not_runnable(cmd, err);
		snprintf(out, size, "%s", cmd);
		return 0;
	}
	const char *path = getenv("PATH");
	int first_err = ENOENT;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*cmd && *path) {
		size_t dir_len = strcspn(path, ":");
		int n = snprintf(out, size, "%.*s%s%s", (int)dir_len, path,
				 dir_len ? "/" : "", cmd);
		if (n > 0 && (size_t)n < size) {
			int err = executable(out);
			if (!err)
				return 0;
			/* execvp reports EACCES if any candidate existed but was not runnable */
			if (err == EACCES)
				first_err = EACCES;
		}
		path += dir_len + (path[dir_len] == ':');
	}
	return not_runnable(cmd, first_err);
}

/* A file the kernel cannot run (ENOEXEC: a script without "#!") is run by
 * /bin/sh, as execvp(3) does and as env, nice and timeout then do: argv[0]
 * becomes the shell, the path its first argument. */
static void exec_as_script(const char *path, char **argv)
{
	size_t n = 0;
	while (argv[n])
		n++;
	char **sh_argv = calloc(n + 2, sizeof(*sh_argv));
	if (!sh_argv)
		return;
	sh_argv[0] = (char *)"/bin/sh";
	sh_argv[1] = (char *)path;
	for (size_t i = 1; i < n; i++)
		sh_argv[i + 1] = argv[i];
	execv("/bin/sh", sh_argv);
	free(sh_argv);
	errno = ENOEXEC; /* what the command's own exec said */
}

static void report_and_exec(const char *path, char **argv, const struct pfd_bpf *filter,
			    int report_fd)
{
	int rc = filter ? pfd_filter_install(filter) : 0;
	if (write(report_fd, &rc, sizeof(rc)) != sizeof(rc))
		_exit(127);
	close(report_fd);
	raise(SIGSTOP); /* wait for the tracer */
	execv(path, argv);
	if (errno == ENOEXEC)
		exec_as_script(path, argv);
	int err = errno;
	fprintf(stderr, "procfd-trace: cannot execute %s: %s\n", path, strerror(err));
	_exit(err == ENOENT || err == ENOTDIR ? 127 : 126);
}

static int wait_for_self_stop(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, WSTOPPED) < 0) {
		perror("procfd-trace: waitpid");
		return -1;
	}
	if (!WIFSTOPPED(st)) {
		fprintf(stderr, "procfd-trace: child ended before it could be traced\n");
		return -1;
	}
	return 0;
}

pid_t pfd_launch(const char *path, char **argv, const struct pfd_bpf *filter,
		 unsigned long opts, bool *filter_loaded)
{
	int pipefd[2], rc = -EIO;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		perror("procfd-trace: pipe");
		return -1;
	}
	pid_t pid = fork();
	if (pid < 0) {
		perror("procfd-trace: fork");
		return -1;
	}
	if (pid == 0) {
		close(pipefd[0]);
		report_and_exec(path, argv, filter, pipefd[1]);
	}
	close(pipefd[1]);
	if (read(pipefd[0], &rc, sizeof(rc)) != sizeof(rc))
		rc = -EIO;
	close(pipefd[0]);
	*filter_loaded = filter && rc == 0;
	if (filter && rc < 0)
		fprintf(stderr, "procfd-trace: seccomp filter not loaded (%s): "
				"stopping at every syscall instead\n", strerror(-rc));
	if (wait_for_self_stop(pid) < 0)
		return -1;
	if (ptrace(PTRACE_SEIZE, pid, 0L, opts) < 0) {
		fprintf(stderr, "procfd-trace: cannot trace %d: %s\n", pid, strerror(errno));
		kill(pid, SIGKILL);
		return -1;
	}
	kill(pid, SIGCONT);
	return pid;
}
