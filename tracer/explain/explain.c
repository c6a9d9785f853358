/* procfd-trace --explain PATH...: which links the arguments name.
 *
 * An argument is a bare PID (its fd directory), or any spelling of an fd
 * link or fd directory that the classifier knows (tracer/plugins/procfd/classify.h):
 * /proc/PID/fd/N, /proc/PID/task/TID/fd, /dev/fd/N, /dev/stdin... A relative
 * path is taken from the working directory.
 *
 * /proc/self, /dev/fd and /dev/std* name procfd-trace itself. That is
 * useful: the shell hands it the fds to look at ("procfd-trace --explain
 * /dev/fd/3 3<FILE", "... --explain /dev/stdin < FILE"). Listing its own fd
 * directory leaves out the fds procfd-trace opened itself (its output, the
 * listing's directory), which are not the caller's. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfd/writer.h"
#include "tracer/plugins/procfd/classify.h"
#include "tracer/explain/explain.h"
#include "tracer/explain/explain_impl.h"

/* --color's answer: the trace's colours in the text report. */
static bool use_color;

/* NO_COLOR (no-color.org) turns auto off; always wins over it, as in the
 * trace. The output is open by the time a link is written, not yet here:
 * auto is decided at the first write. */
static int color_mode = -1; /* -1 auto (the trace's default), 0 never, 1 always */

int pfd_explain_options(bool color_given, const char *color, const char *only)
{
	if (color_given) {
		if (!color || strcmp(color, "always") == 0) {
			color_mode = 1;
		} else if (strcmp(color, "never") == 0) {
			color_mode = 0;
		} else if (strcmp(color, "auto") == 0) {
			color_mode = -1;
		} else {
			fprintf(stderr, "procfd-trace: --color: auto, always or never\n");
			return -1;
		}
	}
	return only ? pfd_explain_only_parse(only) : 0;
}

static void decide_color(void)
{
	const char *no = getenv("NO_COLOR");
	use_color = color_mode == 1 || (color_mode == -1 && !(no && *no) && pfd_output_is_tty());
}

/* What one argument names: the fds of a process, or one of them. */
struct xarg {
	const char *asked;
	pid_t pid;  /* the /proc directory: a thread's id for task/TID and thread-self */
	int fd;     /* -1: every fd */
	bool self;
};

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static void classify_arg(const char *s, struct pfd_path_class *pc)
{
	char cwd[PATH_MAX];
	if (s[0] == '/') {
		pfd_classify_path(s, strlen(s), pc);
	} else if (getcwd(cwd, sizeof(cwd))) {
		pfd_classify_relative(cwd, strlen(cwd), s, strlen(s), pc);
	} else {
		pc->what = PFD_LINK_NONE;
	}
}

/* 0, or -1 after saying why the argument names no link. */
static int parse_arg(const char *s, struct xarg *a)
{
	struct pfd_path_class pc;
	a->asked = s;
	a->fd = -1;
	a->self = false;
	if (all_digits(s)) {
		long v = strtol(s, NULL, 10);
		a->pid = v > 0 && v < (1L << 22) ? (pid_t)v : -1;
		if (a->pid > 0)
			return 0;
	} else {
		classify_arg(s, &pc);
		if (pc.what != PFD_LINK_NONE) {
			a->self = pc.owner != PFD_OWNER_PID;
			a->pid = pc.owner == PFD_OWNER_SELF ? getpid()
				 : pc.owner == PFD_OWNER_THREAD_SELF ? gettid() : (pid_t)pc.pid;
			if (pc.task >= 0)
				a->pid = (pid_t)pc.task;
			/* a path through a link ("fd/3/..") asks about the link crossed */
			a->fd = pc.what == PFD_LINK_FD || pc.what == PFD_LINK_THROUGH ? pc.fd : -1;
			return 0;
		}
	}
	fprintf(stderr, "procfd-trace: --explain: '%s' is not a /proc fd link, fd directory or "
			"process id (e.g. /proc/PID/fd/N, /proc/PID/fd, PID)\n", s);
	return -1;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

/* The fds of /proc/PID/fd in order, into a malloc'd array; -errno. */
static int list_fds(pid_t pid, bool self, int own_fd, int **out)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(dir);
	if (!d)
		return -errno;
	int n = 0, cap = 0, *fds = NULL;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (!all_digits(e->d_name))
			continue;
		int fd = atoi(e->d_name);
		if (self && (fd == dirfd(d) || fd == own_fd))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			int *more = realloc(fds, (size_t)cap * sizeof(*fds));
			if (!more)
				break;
			fds = more;
		}
		fds[n++] = fd;
	}
	closedir(d);
	if (n > 1) /* fds is NULL with no fd at all */
		qsort(fds, (size_t)n, sizeof(*fds), cmp_int);
	*out = fds;
	return n;
}

/* Examine and write one link; whether it was there to examine. */
static bool explain_one(const struct xarg *a, int fd)
{
	static struct xlink l; /* large: PATH_MAX texts */
	memset(&l, 0, sizeof(l));
	l.asked = a->asked;
	l.pid = a->pid;
	l.fd = fd;
	l.self = a->self;
	pfd_explain_examine(&l);
	if (pfd_explain_wanted(&l))
		pfd_explain_write(&l, use_color);
	return l.probe_err == 0;
}

/* A directory that cannot be listed: one event saying why. */
static void explain_unlisted(const struct xarg *a, int err)
{
	static struct xlink l;
	memset(&l, 0, sizeof(l));
	l.asked = a->asked;
	l.pid = a->pid;
	l.fd = -1;
	l.self = a->self;
	l.probe_err = err;
	l.xcase = err == ENOENT || err == ESRCH ? XCASE_NO_PROCESS
		  : err == EACCES || err == EPERM ? XCASE_DENIED : XCASE_FAILED;
	if (pfd_explain_wanted(&l))
		pfd_explain_write(&l, use_color);
}

static bool explain_arg(const struct xarg *a, int own_fd)
{
	if (a->fd >= 0)
		return explain_one(a, a->fd);
	int *fds = NULL;
	int n = list_fds(a->pid, a->self, own_fd, &fds);
	if (n < 0) {
		explain_unlisted(a, -n);
		return false;
	}
	bool all = true;
	for (int i = 0; i < n; i++)
		all &= explain_one(a, fds[i]);
	free(fds);
	return all;
}

int pfd_explain_main(char *const *paths, int n, int own_fd)
{
	struct xarg *args = calloc((size_t)n, sizeof(*args));
	if (!args)
		return 1;
	for (int i = 0; i < n; i++) {
		if (parse_arg(paths[i], &args[i]) < 0) {
			free(args);
			return 2;
		}
	}
	decide_color();
	bool all = true;
	for (int i = 0; i < n; i++)
		all &= explain_arg(&args[i], own_fd);
	free(args);
	return all ? 0 : 1;
}
