/* procfd-trace: the procfd plugin. Annotates every path call whose path names
 * a /proc fd link (or fd directory) with what the fd held at entry and how the
 * call resolved.
 *
 * Entry is the hot path: most trapped calls name ordinary files, and for
 * them this plugin does no /proc read and asks for no exit stop. */
#include <fcntl.h>
#include <string.h>

#include "filters/classify.h"
#include "procfd/plugin.h"
#include "tracer/plugins/procfd_pidns.h"
#include "tracer/plugins/procfd_probe.h"
#include "tracer/plugins/procfd_rules.h"

static const char *const procfd_syscalls[] = {
	"open", "openat", "openat2", "creat",
	"stat", "lstat", "newfstatat", "statx",
	"stat64", "lstat64", "oldstat", "oldlstat", "fstatat64",
	"readlink", "readlinkat",
	"access", "faccessat", "faccessat2",
	"linkat", "execve", "execveat", "chdir",
	"truncate", "truncate64", "statfs", "statfs64",
	NULL,
};

/* Resolve a relative path against the caller's dirfd or cwd, but only when
 * its text could name a link from somewhere: "foo.txt" costs nothing. */
static void classify_relative(struct pfd_syscall_event *ev, struct pfd_path_class *pc)
{
	struct pfd_link *l = &ev->link;
	int dirfd = ev->has_dirfd ? ev->dirfd : AT_FDCWD;

	pc->what = PFD_LINK_NONE;
	if (!pfd_relative_may_name_link(ev->path, ev->path_len))
		return;
	if (dirfd < 0 && dirfd != AT_FDCWD)
		return; /* the kernel fails it with EBADF */
	ssize_t n = pfd_probe_base(ev->tid, dirfd == AT_FDCWD ? -1 : dirfd, l->base,
				   sizeof(l->base));
	if (n <= 0 || l->base[0] != '/')
		return; /* gone, or a dirfd on a pipe or socket */
	l->base_len = (size_t)n;
	l->via = dirfd == AT_FDCWD ? PFD_VIA_CWD : PFD_VIA_DIRFD;
	pfd_classify_relative(l->base, l->base_len, ev->path, ev->path_len, pc);
}

/* self and thread-self mean the caller, not the tracer. */
static void fill_link(struct pfd_syscall_event *ev, const struct pfd_path_class *pc)
{
	struct pfd_link *l = &ev->link;

	l->what = pc->what;
	l->fd = pc->fd;
	l->spelling = pc->spelling;
	l->trailing_slash = pc->trailing_slash;
	switch (pc->owner) {
	case PFD_OWNER_SELF:
		l->pid = ev->pid;
		l->tid = pc->task >= 0 ? (pid_t)pc->task : 0;
		break;
	case PFD_OWNER_THREAD_SELF:
		l->pid = ev->pid;
		l->tid = pc->task >= 0 ? (pid_t)pc->task : ev->tid;
		break;
	case PFD_OWNER_PID:
		l->pid = (pid_t)pc->pid;
		l->tid = pc->task >= 0 ? (pid_t)pc->task : 0;
		break;
	}
}

static enum pfd_verdict procfd_on_enter(struct pfd_syscall_event *ev)
{
	struct pfd_path_class pc;

	if (ev->path_errno)
		return PFD_WANT_EXIT; /* an unreadable path is reported as such */
	if (ev->path_truncated || ev->path_len == 0)
		return PFD_PASS;
	if (ev->path[0] == '/')
		pfd_classify_path(ev->path, ev->path_len, &pc);
	else
		classify_relative(ev, &pc);
	if (pc.what == PFD_LINK_NONE) {
		ev->link.via = PFD_VIA_PATH;
		ev->link.base_len = 0;
		return PFD_PASS;
	}
	fill_link(ev, &pc);
	pfd_pidns_caller(ev);
	pfd_pidns_link_dir(ev, &ev->link, &pc);
	pfd_probe_link(ev);
	return PFD_WANT_EXIT;
}

static void procfd_on_exit(struct pfd_syscall_event *ev)
{
	if (ev->link.what == PFD_LINK_NONE && !ev->path_errno)
		return; /* reported for another plugin */
	ev->resolution = pfd_resolve(ev);
	pfd_explain(ev, ev->explanation, sizeof(ev->explanation));
}

const struct pfd_plugin pfd_plugin_procfd = {
	.name = "procfd",
	.syscalls = procfd_syscalls,
	.on_enter = procfd_on_enter,
	.on_exit = procfd_on_exit,
};
