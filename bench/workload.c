/* procfd-trace benchmark workloads (make bench, bench/bench.py).
 *
 *   workload files N DIR         N x (stat + open + close) of ordinary files in DIR
 *   workload fdlink N DIR        N x (readlink + stat + open + close) of
 *                                /proc/self/fd/K, K a deleted file's fd
 *   workload getppid N           N x getppid (never trapped)
 *   workload openclose N DIR     N x (open + close) of an ordinary file
 *   workload children K N DIR    K concurrent children doing "files N/K" between them
 *   workload fds N keep|close DIR  open N fds, then exit with them open (keep)
 *                                or closed (close: same trapped calls, nothing at exit);
 *                                past RLIMIT_NOFILE's hard limit, in children that
 *                                hold their shares at once
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

/* Room for n fds (what the soft limit allows now): the soft limit up to the hard one, and past the hard one
 * where that is allowed (root: up to fs.nr_open), for 100000 fds. */
static rlim_t raise_nofile(rlim_t n)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur >= n)
		return n;
	struct rlimit want = { n, n > rl.rlim_max ? n : rl.rlim_max };
	if (setrlimit(RLIMIT_NOFILE, &want) == 0)
		return n;
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	return rl.rlim_cur;
}

/* Open n fds of one file and, with "close", close them again. */
static void open_n(long n, const char *how, const char *dir)
{
	char name[4096];
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

/* More fds than one process may hold (RLIMIT_NOFILE's hard limit, 20000
 * in a container without CAP_SYS_RESOURCE): split among children that all
 * hold their share at the same moment (a pipe barrier), so that the
 * tracer holds n live records at once, then exit together. */
static void fds_split(long n, long per, const char *how, const char *dir)
{
	int ready[2], go[2];
	long kids = (n + per - 1) / per;
	if (pipe(ready) < 0 || pipe(go) < 0)
		die("pipe");
	make_files(dir);
	for (long k = 0; k < kids; k++) {
		pid_t pid = fork();
		if (pid < 0)
			die("fork");
		if (pid == 0) {
			char c = 0;
			/* the pipes stay below the fds opened: "close" closes a range */
			open_n(k + 1 < kids ? per : n - per * (kids - 1), how, dir);
			close(ready[0]);
			close(go[1]);
			if (write(ready[1], &c, 1) != 1 || read(go[0], &c, 1) < 0)
				_exit(2);
			_exit(0);
		}
	}
	close(ready[1]);
	close(go[0]);
	char c;
	for (long k = 0; k < kids; k++)
		if (read(ready[0], &c, 1) != 1)
			die("barrier");
	close(go[1]);
	int status, rc = 0;
	while (wait(&status) > 0)
		rc |= !WIFEXITED(status) || WEXITSTATUS(status);
	if (rc)
		exit(2);
}

static void fds(long n, const char *how, const char *dir)
{
	struct rlimit rl;
	rlim_t room = raise_nofile((rlim_t)n + 64);
	if (room >= (rlim_t)n + 64 || getrlimit(RLIMIT_NOFILE, &rl) < 0)
		open_n(n, how, dir);
	else
		fds_split(n, (long)rl.rlim_cur - 64, how, dir);
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
