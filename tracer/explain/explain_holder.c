/* procfd-trace --explain: whose fd a remedy names.
 *
 * A remedy ("cp /proc/P/fd/N ./recovered") must name a process that is
 * still there when the user runs it. For /dev/fd/N, /proc/self/fd/N and
 * /dev/stdin the fd is procfd-trace's own, gone when it exits: the holder
 * is another process with the same file open, the parent first (the shell
 * that handed the fd down), then any process whose fds we may read. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracer/explain/explain_impl.h"

static bool same_file(const struct stat *st, const struct pfd_target *t)
{
	return st->st_ino == t->ino && major(st->st_dev) == t->dev_major &&
	       minor(st->st_dev) == t->dev_minor;
}

/* An fd of process pid that holds t's file: its number, or -1. */
static int fd_holding(pid_t pid, const struct pfd_target *t)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	if (!d)
		return -1; /* gone, or not ours to read */
	int found = -1;
	struct dirent *e;
	struct stat st;
	while (found < 0 && (e = readdir(d)))
		if (e->d_name[0] != '.' && fstatat(dirfd(d), e->d_name, &st, 0) == 0 &&
		    same_file(&st, t))
			found = atoi(e->d_name);
	closedir(d);
	return found;
}

static bool take(struct xholder *h, pid_t pid, int fd)
{
	if (fd < 0)
		return false;
	h->pid = pid;
	h->fd = fd;
	h->found = true;
	snprintf(h->link, sizeof(h->link), "/proc/%d/fd/%d", (int)pid, fd);
	return true;
}

static void search_others(struct xholder *h, const struct pfd_target *t)
{
	pid_t me = getpid(), parent = getppid();
	if (parent > 1 && take(h, parent, fd_holding(parent, t)))
		return;
	DIR *d = opendir("/proc");
	if (!d)
		return;
	struct dirent *e;
	while (!h->found && (e = readdir(d))) {
		pid_t pid = (pid_t)atoi(e->d_name);
		if (pid > 0 && pid != me && pid != parent)
			take(h, pid, fd_holding(pid, t));
	}
	closedir(d);
}

void pfd_explain_holder(const struct xlink *l, struct xholder *h)
{
	*h = (struct xholder){ .pid = l->pid, .fd = l->fd, .found = !l->self };
	snprintf(h->link, sizeof(h->link), "%s", l->link);
	if (l->self && !l->probe_err && l->t.have_stat)
		search_others(h, &l->t);
}
