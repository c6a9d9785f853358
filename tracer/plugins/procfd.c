/* procfd-trace: the procfd plugin. Annotates every path call whose path names
 * a /proc fd link (or fd directory) with what the fd held at entry and how
 * the call resolved.
 *
 * Entry is the hot path: most trapped calls name ordinary files, and for
 * them this plugin does no /proc read, touches no state and asks for no
 * exit stop. */
#include <fcntl.h>
#include <string.h>

#include "procfd/flagnames.h"
#include "procfd/plugin.h"
#include "procfd/procfd.h"

#define TRAP(name) { .syscall = name }

static const struct pfd_trap procfd_traps[] = {
	TRAP("open"), TRAP("openat"), TRAP("openat2"), TRAP("creat"),
	TRAP("stat"), TRAP("lstat"), TRAP("newfstatat"), TRAP("statx"),
	TRAP("stat64"), TRAP("lstat64"), TRAP("oldstat"), TRAP("oldlstat"), TRAP("fstatat64"),
	TRAP("readlink"), TRAP("readlinkat"),
	TRAP("access"), TRAP("faccessat"), TRAP("faccessat2"),
	TRAP("linkat"), TRAP("execve"), TRAP("execveat"), TRAP("chdir"),
	TRAP("truncate"), TRAP("truncate64"), TRAP("statfs"), TRAP("statfs64"),
	{ 0 },
};

static struct pfd_annot *annot_for(struct pfd_call *c)
{
	struct pfd_annot *a = pfd_call_state(c, &pfd_plugin_procfd);
	if (a)
		a->call = c;
	return a;
}

/* Resolve a relative path against the caller's dirfd or cwd. Only called
 * when its text could name a link from somewhere: "foo.txt" costs nothing. */
static void classify_relative(struct pfd_annot *a, struct pfd_path_class *pc)
{
	const struct pfd_path_args *p = a->call->path;
	struct pfd_link *l = &a->link;
	int dirfd = p->has_dirfd ? p->dirfd : AT_FDCWD;

	pc->what = PFD_LINK_NONE;
	if (dirfd < 0 && dirfd != AT_FDCWD)
		return; /* the kernel fails it with EBADF */
	ssize_t n = pfd_probe_base(a->call->tid, dirfd == AT_FDCWD ? -1 : dirfd, l->base,
				   sizeof(l->base));
	if (n <= 0 || l->base[0] != '/')
		return; /* gone, or a dirfd on a pipe or socket */
	l->base_len = (size_t)n;
	l->via = dirfd == AT_FDCWD ? PFD_VIA_CWD : PFD_VIA_DIRFD;
	pfd_classify_relative(l->base, l->base_len, p->path, p->path_len, pc);
}

/* self and thread-self mean the caller, not the tracer. */
static void fill_link(struct pfd_annot *a, const struct pfd_path_class *pc)
{
	struct pfd_link *l = &a->link;

	l->what = pc->what;
	l->fd = pc->fd;
	l->spelling = pc->spelling;
	l->trailing_slash = pc->trailing_slash;
	switch (pc->owner) {
	case PFD_OWNER_SELF:
		l->pid = a->call->pid;
		l->tid = pc->task >= 0 ? (pid_t)pc->task : 0;
		break;
	case PFD_OWNER_THREAD_SELF:
		l->pid = a->call->pid;
		l->tid = pc->task >= 0 ? (pid_t)pc->task : a->call->tid;
		break;
	case PFD_OWNER_PID:
		l->pid = (pid_t)pc->pid;
		l->tid = pc->task >= 0 ? (pid_t)pc->task : 0;
		break;
	}
}

/* The link the path names, or NULL (no state touched) when none. */
static struct pfd_annot *classify(struct pfd_call *c, struct pfd_path_class *pc)
{
	const struct pfd_path_args *p = c->path;
	struct pfd_annot *a;

	if (p->path[0] == '/') {
		pfd_classify_path(p->path, p->path_len, pc);
		return pc->what == PFD_LINK_NONE ? NULL : annot_for(c);
	}
	if (!pfd_relative_may_name_link(p->path, p->path_len) || !(a = annot_for(c)))
		return NULL;
	classify_relative(a, pc);
	return pc->what == PFD_LINK_NONE ? NULL : a;
}

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* statx/fstatat(fd, NULL, AT_EMPTY_PATH) acts on fd itself: Linux 6.11+
 * accepts the NULL (older kernels fail it with EFAULT). Such a call names no
 * path, hence no link; reporting it as an unreadable path would say the
 * kernel fails it, which is false on current kernels. (AT_EMPTY_PATH is
 * checked only on calls whose flags are AT_*: 0x1000 is O_DSYNC for open.) */
static bool names_no_path(const struct pfd_call *c)
{
	const struct pfd_path_args *p = c->path;
	bool at_flags = p->desc->flags_kind == PFD_FLAGS_AT ||
			p->desc->flags_kind == PFD_FLAGS_ACCESS_AT;
	return c->args[p->desc->path_arg] == 0 && at_flags && p->has_flags &&
	       (p->flags & AT_EMPTY_PATH);
}

static unsigned procfd_on_enter(struct pfd_tracee *t, struct pfd_call *c)
{
	const struct pfd_path_args *p = c->path;
	struct pfd_path_class pc;
	struct pfd_annot *a;

	(void)t;
	if (!p || names_no_path(c))
		return PFD_PASS;
	if (p->path_errno)
		return annot_for(c) ? PFD_REPORT : PFD_PASS; /* unreadable: reported as such */
	if (p->path_truncated || p->path_len == 0 || !(a = classify(c, &pc)))
		return PFD_PASS;
	fill_link(a, &pc);
	pfd_pidns_caller(a);
	pfd_pidns_link_dir(a, &a->link, &pc);
	pfd_probe_link(a);
	return PFD_REPORT;
}

static unsigned procfd_on_exit(struct pfd_tracee *t, struct pfd_call *c)
{
	struct pfd_annot *a = pfd_call_state_peek(c, &pfd_plugin_procfd);
	(void)t;
	if (a)
		a->resolution = pfd_resolve(a);
	return PFD_PASS;
}

/* ---- the report ------------------------------------------------------------ */

static void write_link(struct pfd_writer *w, const struct pfd_annot *a)
{
	const struct pfd_link *l = &a->link;

	pfd_w_object(w, "link");
	pfd_w_str(w, "what", pfd_link_what_name(l->what));
	if (l->pid)
		pfd_w_int(w, "pid", l->pid);
	else
		pfd_w_null(w, "pid"); /* a pid of another namespace with no match in ours */
	if (l->tid)
		pfd_w_int(w, "tid", l->tid);
	else
		pfd_w_null(w, "tid");
	if (l->what == PFD_LINK_FD)
		pfd_w_int(w, "fd", l->fd);
	else
		pfd_w_null(w, "fd");
	pfd_w_str(w, "spelling", l->spelling);
	pfd_w_str(w, "via", pfd_via_name(l->via));
	if (l->via != PFD_VIA_PATH)
		pfd_w_bytes(w, "base", l->base, l->base_len);
	if (l->ns_translated) {
		pfd_w_int(w, "ns_pid", l->ns_pid);
		if (l->ns_tid)
			pfd_w_int(w, "ns_tid", l->ns_tid);
		else
			pfd_w_null(w, "ns_tid");
	}
	pfd_w_str(w, "probe", pfd_probe_name(a->probe));
	if (a->probe_errno)
		pfd_w_str(w, "probe_errno", pfd_errno_name(a->probe_errno));
	pfd_w_end(w);
}

static bool has_target(const struct pfd_annot *a)
{
	return a->probe == PFD_PROBE_OPEN && a->link.what == PFD_LINK_FD;
}

static void write_fields(struct pfd_writer *w, const struct pfd_annot *a, const char *why)
{
	if (a->in_pidns) {
		pfd_w_object(w, "pidns");
		pfd_w_int(w, "pid", a->ns_pid);
		pfd_w_int(w, "tid", a->ns_tid);
		pfd_w_end(w);
	}
	if (a->link.what != PFD_LINK_NONE)
		write_link(w, a);
	else
		pfd_w_null(w, "link");
	if (has_target(a)) {
		pfd_write_target(w, "target", &a->target);
		pfd_w_str(w, "text_target", pfd_text_target_name(a->target.text_target));
	} else {
		pfd_w_null(w, "target");
		pfd_w_null(w, "text_target");
	}
	pfd_w_str(w, "resolution", pfd_resolution_name(a->resolution));
	pfd_w_str(w, "explanation", why);
}

/* Text: the fd's state on one line, then "resolution: why". */
static void write_lines(struct pfd_writer *w, const struct pfd_annot *a, const char *why)
{
	static struct pfd_buf line = PFD_BUF_INIT;
	if (has_target(a)) {
		pfd_buf_clear(&line);
		pfd_buf_puts(&line, "fd ");
		pfd_buf_int(&line, a->link.fd);
		pfd_buf_puts(&line, " of pid ");
		pfd_buf_int(&line, a->link.pid);
		pfd_buf_puts(&line, " -> ");
		pfd_target_text(&line, &a->target);
		pfd_w_text(w, pfd_buf_str(&line));
	}
	pfd_buf_clear(&line);
	pfd_buf_puts(&line, pfd_resolution_name(a->resolution));
	pfd_buf_puts(&line, ": ");
	pfd_buf_puts(&line, why);
	pfd_w_text(w, pfd_buf_str(&line));
}

static void procfd_on_report(const struct pfd_call *c, struct pfd_writer *w)
{
	static struct pfd_buf why = PFD_BUF_INIT;
	const struct pfd_annot *a = pfd_call_state_peek(c, &pfd_plugin_procfd);
	if (!a || (a->link.what == PFD_LINK_NONE && !c->path->path_errno))
		return; /* reported for another plugin: nothing of ours to say */
	pfd_buf_clear(&why);
	pfd_explain(a, &why);
	pfd_w_json_only(w, true);
	write_fields(w, a, pfd_buf_str(&why));
	pfd_w_json_only(w, false);
	write_lines(w, a, pfd_buf_str(&why));
}

const struct pfd_plugin pfd_plugin_procfd = {
	.name = "procfd",
	.api = PFD_PLUGIN_API,
	.traps = procfd_traps,
	.call_state = { .size = sizeof(struct pfd_annot) },
	.on_enter = procfd_on_enter,
	.on_exit = procfd_on_exit,
	.on_report = procfd_on_report,
};
