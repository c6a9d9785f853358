/* The issue-22 holder: 13 fds of the states that matter (stdio, a file, a
 * deleted, a renamed, a replaced and a hard-link-removed file, an
 * O_TMPFILE, a memfd, a pipe, a socket, an eventfd), then
 * `ls -l --color=always /proc/PID/fd` on them with a colour database for
 * broken links, as a user would look at them. Run under procfd-trace's
 * text output by tests/integration/compact_check.py, which checks the
 * trace against what this prints on stdout:
 *
 *   holder PID
 *   ls PID
 *   link FD TEXT      one per fd ls saw (TEXT as readlink gives it)
 *
 * The links are read after ls ran, so that the fd states the trace shows
 * once are shown in ls's part of the trace.
 *
 * No JSON expectations: the case is +raw (the check is of the text).
 * pfdtest: no-m32 (ls is the traced tool; the holder's arch changes nothing) */
#include "expect.h"

#include <dirent.h>
#include <sys/wait.h>

static void make_fds(void)
{
	static const char *const kinds[] = {
		"file", "deleted", "renamed", "replaced", "hardlink-removed", "tmpfile",
		"memfd", "pipe", "socketpair", "eventfd",
	};
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		struct made_fd m = make_fd(kinds[i], (struct fd_params){
			.name = sfmt("f%zu", i), .name2 = sfmt("g%zu", i) });
		if (m.fd2 >= 0)
			sys_close(m.fd2); /* one end: each fd's text is its own */
	}
}

/* Every fd open now, with its text: what ls will list. */
static void print_links(void)
{
	DIR *d = opendir("/proc/self/fd");
	CHECK(d != NULL, "opendir /proc/self/fd");
	int skip = dirfd(d);
	for (struct dirent *e; (e = readdir(d));) {
		char text[4096];
		if (e->d_name[0] == '.' || atoi(e->d_name) == skip)
			continue;
		ssize_t n = readlinkat(skip, e->d_name, text, sizeof(text) - 1);
		CHECK(n > 0, "readlink fd %s", e->d_name);
		text[n] = '\0';
		printf("link %s %s\n", e->d_name, text);
	}
	closedir(d);
}

int main(void)
{
	tmpdir_create();
	make_fds();
	printf("holder %d\n", (int)getpid());
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1); /* ls's listing is not what is checked */
		close(null);
		/* with a colour for orphans ls stats each text, as dircolors sets up */
		setenv("LS_COLORS", "or=40;31;01:mi=01;05;37;41", 1);
		execlp("ls", "ls", "-l", "--color=always", sfmt("/proc/%d/fd", (int)getppid()),
		       (char *)NULL);
		_exit(127);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ls failed");
	printf("ls %d\n", (int)child);
	print_links();
	return 0;
}
