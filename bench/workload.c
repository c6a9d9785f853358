/* procfd-trace benchmark workloads (make bench, bench/bench.py).
 *
 *   workload files N DIR         N x (stat + open + close) of ordinary files in DIR
 *   workload fdlink N DIR        N x (readlink + stat + open + close) of
 *                                /proc/self/fd/K, K a deleted file's fd
 *   workload getppid N           N x getppid (never trapped)
 *   workload openclose N DIR     N x (open + close) of an ordinary file
 *   workload children K N DIR    K concurrent children doing "files N/K" between them
 *   workload fds N keep|close DIR  open N fds, then exit with them open (keep)
 *                                or closed (close: same trapped calls, nothing at exit)
 *
 * Raw syscalls where libc could add or merge calls, so that every tracer
 * sees the same ones. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define NFILES 16

static void die(const char *what)
{
	perror(what);
	exit(2);
}

static void file_name(char *out, size_t n, const char *dir, int i)
{
	snprintf(out, n, "%s/f%d", dir, i);
}

/* The NFILES files the path workloads cycle through (cheap if they exist). */
static void make_files(const char *dir)
{
	char name[4096];
	for (int i = 0; i < NFILES; i++) {
		file_name(name, sizeof(name), dir, i);
		int fd = open(name, O_WRONLY | O_CREAT, 0644);
		if (fd < 0)
			die(name);
		close(fd);
	}
}

static void files(long n, const char *dir)
{
	char names[NFILES][4096];
	struct stat st;
	make_files(dir);
	for (int i = 0; i < NFILES; i++)
		file_name(names[i], sizeof(names[i]), dir, i);
	for (long i = 0; i < n; i++) {
		const char *p = names[i % NFILES];
		if (stat(p, &st) < 0)
			die("stat");
		int fd = open(p, O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void fdlink(long n, const char *dir)
{
	char name[4096], link[64], buf[4096];
	struct stat st;
	snprintf(name, sizeof(name), "%s/deleted", dir);
	int held = open(name, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (held < 0 || unlink(name) < 0)
		die(name);
	snprintf(link, sizeof(link), "/proc/self/fd/%d", held);
	for (long i = 0; i < n; i++) {
		if (readlink(link, buf, sizeof(buf)) < 0 || stat(link, &st) < 0)
			die("readlink/stat");
		int fd = open(link, O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void openclose(long n, const char *dir)
{
	char name[4096];
	make_files(dir);
	file_name(name, sizeof(name), dir, 0);
	for (long i = 0; i < n; i++) {
		int fd = open(name, O_RDONLY);
		if (fd < 0)
			die("open");
		close(fd);
	}
}

static void children(long k, long n, const char *dir)
{
	make_files(dir);
	for (long c = 0; c < k; c++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			files(n / k, dir);
			_exit(0);
		}
	}
	int status, rc = 0;
	while (wait(&status) > 0)
		rc |= !WIFEXITED(status) || WEXITSTATUS(status);
	exit(rc);
}

static void fds(long n, const char *how, const char *dir)
{
	struct rlimit rl;
	char name[4096];
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)n + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	make_files(dir);
	file_name(name, sizeof(name), dir, 0);
	int first = -1, last = -1;
	for (long i = 0; i < n; i++) {
		last = open(name, O_RDONLY);
		if (last < 0)
			die("open");
		if (first < 0)
			first = last;
	}
	if (strcmp(how, "close") == 0 && first >= 0)
		for (int fd = first; fd <= last; fd++)
			close(fd);
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "";
	long n = argc > 2 ? atol(argv[2]) : 0;

	if (strcmp(mode, "files") == 0 && argc == 4)
		files(n, argv[3]);
	else if (strcmp(mode, "fdlink") == 0 && argc == 4)
		fdlink(n, argv[3]);
	else if (strcmp(mode, "getppid") == 0 && argc == 3)
		for (long i = 0; i < n; i++)
			syscall(SYS_getppid);
	else if (strcmp(mode, "openclose") == 0 && argc == 4)
		openclose(n, argv[3]);
	else if (strcmp(mode, "children") == 0 && argc == 5)
		children(n, atol(argv[3]), argv[4]);
	else if (strcmp(mode, "fds") == 0 && argc == 5)
		fds(n, argv[3], argv[4]);
	else {
		fprintf(stderr, "usage: see the comment at the top of bench/workload.c\n");
		return 2;
	}
	return 0;
}
