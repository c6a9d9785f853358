/* procfd-trace: what describing one open fd costs at a process's exit.
 *
 * The leak report describes every open fd of an ending process. This
 * program opens N fds of one file (a deleted one with "deleted"), then times
 * the steps of a description one by one over all N fds, through paths
 * (/proc/PID/fd/N) and through a directory fd (readlinkat/fstatat/openat on
 * /proc/PID/fd), and the whole pfd_describe_fd_in with and without the
 * lookup of the text in the root. Its own fds stand in for the tracee's:
 * the kernel's work is the same.
 *
 *   make build/bench/describe_cost && build/bench/describe_cost [N [deleted]]
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "tracer/plugins/procfd/procfd.h"

static int nfds, first_fd;
static pid_t self;
static int fd_dir, fdinfo_dir;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void step_readlink(int fd)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", self, fd);
	if (readlink(path, buf, sizeof(buf)) < 0)
		exit(2);
}

static void step_readlinkat(int fd)
{
	char name[16], buf[4096];
	snprintf(name, sizeof(name), "%d", fd);
	if (readlinkat(fd_dir, name, buf, sizeof(buf)) < 0)
		exit(2);
}

static void step_stat(int fd)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", self, fd);
	if (stat(path, &st) < 0 || lstat(path, &st) < 0)
		exit(2);
}

static void step_fstatat(int fd)
{
	char name[16];
	struct stat st;
	snprintf(name, sizeof(name), "%d", fd);
	if (fstatat(fd_dir, name, &st, 0) < 0 || fstatat(fd_dir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		exit(2);
}

static void step_fdinfo(int fd)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%d", self, fd);
	int f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0 || read(f, buf, sizeof(buf)) <= 0)
		exit(2);
	close(f);
}

static void step_fdinfo_at(int fd)
{
	char name[16], buf[512];
	snprintf(name, sizeof(name), "%d", fd);
	int f = openat(fdinfo_dir, name, O_RDONLY | O_CLOEXEC);
	if (f < 0 || read(f, buf, sizeof(buf)) <= 0)
		exit(2);
	close(f);
}

static const char *file_name;

static void step_root_lookup(int fd)
{
	char path[4200];
	struct stat st;
	(void)fd;
	snprintf(path, sizeof(path), "/proc/%d/root%s", self, file_name);
	stat(path, &st); /* ENOENT for a deleted file: the cost is the walk */
}

static struct pfd_fd_dir dir;
static struct pfd_target target;

static void describe_full(int fd)
{
	if (pfd_describe_fd_in(&dir, fd, self, 0, &target) < 0)
		exit(2);
}

static void describe_no_lookup(int fd)
{
	if (pfd_describe_fd_in(&dir, fd, self, PFD_DESCRIBE_NO_LOOKUP, &target) < 0)
		exit(2);
}

static void describe_old(int fd)
{
	if (pfd_describe_fd(self, fd, self, &target) < 0)
		exit(2);
}

static bool deleted;

/* N fresh fds for each step, as at a real exit, where every fd is looked
 * at once: /proc's dentries of the previous numbers go stale on close. */
static void fresh_fds(void)
{
	for (int i = 0; i < nfds; i++)
		close(first_fd + i);
	int f = open(file_name, O_RDWR | O_CREAT, 0600);
	if (f != first_fd)
		exit(2);
	for (int i = 1; i < nfds; i++)
		if (open(file_name, O_RDONLY) < 0)
			exit(2);
	if (deleted)
		unlink(file_name);
}

/* The leak report's loop: the fd directory listed, each number described;
 * or (without --leaks=all) the numbers known from the records, unlisted. */
static void listed_and_described(bool listed)
{
	fresh_fds();
	double t0 = now();
	if (listed) {
		char path[64];
		snprintf(path, sizeof(path), "/proc/%d/fd", self);
		DIR *d = opendir(path);
		for (struct dirent *de; d && (de = readdir(d));) {
			int fd = atoi(de->d_name);
			if (de->d_name[0] != '.' && fd >= first_fd)
				describe_no_lookup(fd);
		}
		if (d)
			closedir(d);
	} else {
		for (int i = 0; i < nfds; i++)
			describe_no_lookup(first_fd + i);
	}
	printf("  %-44s %6.2f us/fd\n", listed ? "readdir + describe (the report's loop)"
					     : "describe by the numbers, no readdir",
	       (now() - t0) * 1e6 / nfds);
}

static void timed(const char *what, void (*step)(int))
{
	fresh_fds();
	double t0 = now();
	for (int i = 0; i < nfds; i++)
		step(first_fd + i);
	printf("  %-44s %6.2f us/fd\n", what, (now() - t0) * 1e6 / nfds);
}

int main(int argc, char **argv)
{
	nfds = argc > 1 ? atoi(argv[1]) : 1000;
	deleted = argc > 2 && strcmp(argv[2], "deleted") == 0;
	char tmpl[] = "/tmp/pfd-describe-XXXXXX";
	struct rlimit rl = { (rlim_t)nfds + 64, (rlim_t)nfds + 64 };
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max < (rlim_t)nfds + 64) {
		fprintf(stderr, "describe_cost: RLIMIT_NOFILE's hard limit is %llu\n",
			(unsigned long long)rl.rlim_max);
		return 2;
	}
	rl.rlim_cur = (rlim_t)nfds + 64;
	setrlimit(RLIMIT_NOFILE, &rl);
	self = getpid();
	/* the directory fds before the N fds: those are remade from first_fd */
	if (pfd_fd_dir_open(&dir, self) < 0)
		return 2;
	fd_dir = openat(dir.proc_dir, "fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	fdinfo_dir = openat(dir.proc_dir, "fdinfo", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd_dir < 0 || fdinfo_dir < 0)
		return 2;
	int f = mkstemp(tmpl);
	if (f < 0)
		return 2;
	file_name = tmpl;
	first_fd = f;
	close(f);
	printf("describe_cost: %d fds of %s%s\n", nfds, tmpl, deleted ? " (deleted)" : "");
	timed("readlink /proc/PID/fd/N", step_readlink);
	timed("readlinkat(fd dir, N)", step_readlinkat);
	timed("stat+lstat /proc/PID/fd/N", step_stat);
	timed("fstatat(fd dir, N) x2 (follow, not)", step_fstatat);
	timed("open+read+close /proc/PID/fdinfo/N", step_fdinfo);
	timed("openat(fdinfo dir, N)+read+close", step_fdinfo_at);
	timed("stat /proc/PID/root/PATH (the text lookup)", step_root_lookup);
	timed("pfd_describe_fd (paths, lookup)", describe_old);
	timed("pfd_describe_fd_in (dirfds, lookup)", describe_full);
	timed("pfd_describe_fd_in (dirfds, NO_LOOKUP)", describe_no_lookup);
	listed_and_described(true);
	listed_and_described(false);
	pfd_fd_dir_close(&dir);
	unlink(tmpl);
	return 0;
}
