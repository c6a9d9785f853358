/* procfd-trace: the procfd plugin. Annotates every path call whose path names
 * a /proc fd link (or fd directory) with what the fd held at entry and how
 * the call resolved.
 *
 * Entry is the hot path: most trapped calls name ordinary files, and for
 * them this plugin does no /proc read, touches no state and asks for no
 * exit stop. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "procfd/flagnames.h"
#include "procfd/plugin.h"
#include "tracer/plugins/procfd/procfd.h"
#include "tracer/plugins/builtin.h"

#define TRAP(name) { .syscall = name }

static const struct pfd_trap procfd_traps[] = {
	TRAP("open"), TRAP("openat"), TRAP("openat2"), TRAP("creat"),
	TRAP("stat"), TRAP("lstat"), TRAP("newfstatat"), TRAP("statx"),
	TRAP("stat64"), TRAP("lstat64"), TRAP("oldstat"), TRAP("oldlstat"), TRAP("fstatat64"),
	TRAP("readlink"), TRAP("readlinkat"),
	TRAP("access"), TRAP("faccessat"), TRAP("faccessat2"),
	TRAP("linkat"), TRAP("execve"), TRAP("execveat"), TRAP("chdir"),
	TRAP("truncate"), TRAP("truncate64"), TRAP("statfs"), TRAP("statfs64"),
	/* calls that act through the link on the held inode, or on the link */
	TRAP("chmod"), TRAP("fchmodat"), TRAP("fchmodat2"),
	TRAP("chown"), TRAP("lchown"), TRAP("fchownat"), TRAP("chown32"), TRAP("lchown32"),
	TRAP("utime"), TRAP("utimes"), TRAP("futimesat"), TRAP("utimensat"),
	TRAP("utimensat_time64"),
	TRAP("setxattr"), TRAP("lsetxattr"), TRAP("getxattr"), TRAP("lgetxattr"),
	TRAP("listxattr"), TRAP("llistxattr"), TRAP("removexattr"), TRAP("lremovexattr"),
	TRAP("inotify_add_watch"), TRAP("name_to_handle_at"),
	/* calls that create or remove a name: on an fd link, its fd-directory entry */
	TRAP("mknod"), TRAP("mknodat"), TRAP("mkdir"), TRAP("mkdirat"),
	TRAP("unlink"), TRAP("unlinkat"), TRAP("rmdir"),
	TRAP("rename"), TRAP("renameat"), TRAP("renameat2"), TRAP("link"),
	/* calls that may change a root or the mounts under it: the probe's
	 * cached root dirfds and facts must not outlive them (procfd_dirs.c) */
	TRAP("chroot"), TRAP("pivot_root"), TRAP("setns"), TRAP("unshare"),
	TRAP("mount"), TRAP("umount"), TRAP("umount2"), TRAP("move_mount"),
	{ 0 },
};

/* Which calls these are is the syscall table's fact (procfd/syscalls.h). */
static bool changes_root(const struct pfd_call *c)
{
	return c->sc->facts & PFD_SC_CHANGES_ROOT;
}

/* ---- options ------------------------------------------------------------ */

enum only_bits {
	ONLY_DELETED = 1u << 0,   /* the fd held a deleted file */
	ONLY_BROKEN = 1u << 1,    /* the text names nothing: tools call the link broken */
	ONLY_FAILED = 1u << 2,    /* the call failed */
	ONLY_FOLLOW_UP = 1u << 3, /* a call on a link's text */
};

/* -P/--link: a holder, and one of its fds or all of them (fd -1). */
struct link_sel {
	pid_t pid;
	int fd;
};
#define MAX_LINK_SEL 64

static struct {
	bool summary;      /* -c or -C: count each link's calls, the table at the end */
	bool summary_only; /* -c: and no call lines */
	bool verbose;      /* -v: the fd's whole state and every call's sentence */
	bool all_paths;
	unsigned only;     /* 0: everything */
	int color;         /* -1 auto, 0 never, 1 always */
	struct link_sel links[MAX_LINK_SEL];
	size_t n_links;    /* 0: every link */
} opt = { .color = -1 };
static bool use_color;

static const struct pfd_option procfd_options[] = {
	{ "summary-only", 'c', PFD_OPT_NO_ARG, NULL,
	  "no trace: only a table of the /proc fd links touched, problems first (strace -c)",
	  false },
	{ "summary", 'C', PFD_OPT_NO_ARG, NULL, "the trace, then that table (strace -C)", false },
	{ "verbose", 'v', PFD_OPT_NO_ARG, NULL,
	  "every call's full sentence and the fd's whole state (dev, ino, name)", false },
	{ "link", 'P', PFD_OPT_REQUIRED, "PID[:FD]",
	  "report only calls on the fd links of holder PID (its fd FD); repeatable; "
	  "/proc/self/fd/N is held by the caller", false },
	{ "color", 0, PFD_OPT_OPTIONAL, "WHEN", "colour the text: auto (a terminal), always, never",
	  false },
	{ "only", 0, PFD_OPT_REQUIRED, "LIST",
	  "report only calls that are: deleted,broken,failed,follow-up (comma list)", false },
	{ "all-paths", 0, PFD_OPT_NO_ARG, NULL,
	  "also write the other traced path calls, as plain lines", false },
	{ NULL, 0, 0, NULL, NULL, false },
};

static int parse_only(const char *arg)
{
	static const struct { const char *name; unsigned bit; } words[] = {
		{ "deleted", ONLY_DELETED }, { "broken", ONLY_BROKEN },
		{ "failed", ONLY_FAILED }, { "follow-up", ONLY_FOLLOW_UP },
	};
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", arg ? arg : "");
	char *save = NULL;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		size_t i = 0;
		while (i < sizeof(words) / sizeof(words[0]) && strcmp(words[i].name, w) != 0)
			i++;
		if (i == sizeof(words) / sizeof(words[0])) {
			fprintf(stderr, "procfd-trace: --only: '%s' is not one of deleted, broken, "
					"failed, follow-up\n", w);
			return -EINVAL;
		}
		opt.only |= words[i].bit;
	}
	return opt.only ? 0 : -EINVAL;
}

/* A decimal number that fills [s, end) exactly, within [min, INT_MAX]. */
static bool whole_number(const char *s, const char *end, long min, long *out)
{
	char *stop;
	errno = 0;
	long v = strtol(s, &stop, 10);
	if (errno || stop == s || stop != end || *s == '-' || *s == '+' || v < min || v > INT32_MAX)
		return false;
	*out = v;
	return true;
}

/* -P PID, PID:FD, or as strace's -P takes a path: /proc/PID/fd or
 * /proc/PID/fd/FD. "self" is refused: it would name procfd-trace. */
static int parse_link(const char *arg)
{
	const char *s = arg ? arg : "", *colon, *end = s + strlen(s);
	long pid, fd = -1;
	bool ok;
	if (strncmp(s, "/proc/", 6) == 0) {
		const char *slash = strchr(s + 6, '/');
		ok = slash && whole_number(s + 6, slash, 1, &pid) &&
		     (strcmp(slash, "/fd") == 0 || strcmp(slash, "/fd/") == 0 ||
		      (strncmp(slash, "/fd/", 4) == 0 && whole_number(slash + 4, end, 0, &fd)));
	} else if ((colon = strchr(s, ':'))) {
		ok = whole_number(s, colon, 1, &pid) && whole_number(colon + 1, end, 0, &fd);
	} else {
		ok = whole_number(s, end, 1, &pid);
	}
	if (!ok) {
		fprintf(stderr, "procfd-trace: -P: '%s' is not PID, PID:FD, /proc/PID/fd or "
				"/proc/PID/fd/FD\n", s);
		return -EINVAL;
	}
	if (opt.n_links == MAX_LINK_SEL) {
		fprintf(stderr, "procfd-trace: -P: at most %d links\n", MAX_LINK_SEL);
		return -EINVAL;
	}
	opt.links[opt.n_links++] = (struct link_sel){ (pid_t)pid, (int)fd };
	return 0;
}

/* -c and -C say opposite things of the trace: as strace does, refuse both. */
static int set_summary(bool only)
{
	if (opt.summary && opt.summary_only != only) {
		fprintf(stderr, "procfd-trace: -c and -C are mutually exclusive\n");
		return -EINVAL;
	}
	opt.summary = true;
	opt.summary_only = only;
	return 0;
}

static int set_color(const char *arg)
{
	if (!arg || strcmp(arg, "always") == 0)
		opt.color = 1;
	else if (strcmp(arg, "never") == 0)
		opt.color = 0;
	else if (strcmp(arg, "auto") == 0)
		opt.color = -1;
	else {
		fprintf(stderr, "procfd-trace: --color: auto, always or never\n");
		return -EINVAL;
	}
	return 0;
}

static int procfd_on_option(const char *name, const char *arg)
{
	if (strcmp(name, "summary-only") == 0)
		return set_summary(true);
	if (strcmp(name, "summary") == 0)
		return set_summary(false);
	if (strcmp(name, "verbose") == 0)
		opt.verbose = true;
	else if (strcmp(name, "link") == 0)
		return parse_link(arg);
	else if (strcmp(name, "all-paths") == 0)
		opt.all_paths = true;
	else if (strcmp(name, "only") == 0)
		return parse_only(arg);
	else if (strcmp(name, "color") == 0)
		return set_color(arg);
	return 0;
}

/* -P: whether the calls on holder pid's fd (-1: its fd directory) are
 * reported. The pid is the holder's in our namespace: the caller's for
 * /proc/self, a translated one for a pid written in the tracee's. */
static bool link_selected(pid_t pid, int fd)
{
	if (!opt.n_links)
		return true;
	for (size_t i = 0; i < opt.n_links; i++)
		if (opt.links[i].pid == pid && (opt.links[i].fd < 0 || opt.links[i].fd == fd))
			return true;
	return false;
}

/* NO_COLOR (no-color.org) turns auto off; --color=always wins over it. */
static int procfd_init(void)
{
	const char *no = getenv("NO_COLOR");
	use_color = opt.color == 1 || (opt.color == -1 && !(no && *no) && pfd_output_is_tty());
	return 0;
}

/* Whether a finished call is one --only asks for. */
static bool wanted(const struct pfd_annot *a)
{
	if (!opt.only)
		return true;
	const struct pfd_target *t = &a->target;
	bool has = a->probe == PFD_PROBE_OPEN && a->link.what == PFD_LINK_FD;
	if ((opt.only & ONLY_DELETED) && ((has && t->deleted) || (a->follow.active &&
							     a->follow.read.deleted)))
		return true;
	if ((opt.only & ONLY_BROKEN) &&
	    ((has && (t->text_target == PFD_TEXT_MISSING || t->text_target == PFD_TEXT_NOT_A_PATH)) ||
	     (a->follow.active && a->follow.reached == PFD_FU_NOTHING)))
		return true;
	if ((opt.only & ONLY_FAILED) && a->call->finished && a->call->err)
		return true;
	return (opt.only & ONLY_FOLLOW_UP) && a->follow.active;
}

/* What the plugin keeps per process: the links it read, for follow-ups,
 * and the /proc directories the probe keeps open. */
struct procfd_proc {
	struct pfd_fu_table *fu;
	struct pfd_dirs dirs;
};

static void procfd_proc_fini(void *state)
{
	struct procfd_proc *p = state;
	pfd_fu_free(p->fu);
	pfd_dirs_drop(&p->dirs);
}

/* The new image may be another program with other credentials: what was
 * opened for the old one is not reused (the follow-ups stay: their fds may
 * have crossed the exec). */
static void procfd_on_exec(struct pfd_tracee *t, const struct pfd_exec *e)
{
	struct procfd_proc *pp = pfd_proc_state_peek(t, &pfd_plugin_procfd);
	if (pp && e->phase == PFD_EXEC_DONE)
		pfd_dirs_drop(&pp->dirs);
}

static void procfd_on_exit_thread(struct pfd_tracee *t, const struct pfd_exit *e)
{
	struct procfd_proc *pp = pfd_proc_state_peek(t, &pfd_plugin_procfd);
	(void)e;
	if (pp)
		pfd_dirs_drop_thread(&pp->dirs, pfd_tracee_tid(t));
}

static void procfd_on_exit_process(struct pfd_tracee *t, const struct pfd_exit *e)
{
	struct procfd_proc *pp = pfd_proc_state_peek(t, &pfd_plugin_procfd);
	if (pp && !opt.summary_only) /* -c: no event but the table */
		pfd_fu_exit_process(pp->fu, pfd_tracee_exe(t), e, pfd_tracee_pid(t));
}

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
	l->rest = pc->what == PFD_LINK_THROUGH ? a->call->path->path + pc->rest : NULL;
	l->rest_len = l->rest ? a->call->path->path_len - pc->rest : 0;
	l->has_task = pc->task >= 0 || pc->owner == PFD_OWNER_THREAD_SELF;
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

/* Annotated calls are reported at entry, unless --only or -c must see the
 * result first (then the exit decides). */
static unsigned entry_want(void)
{
	return opt.only || opt.summary ? PFD_NEED_EXIT : PFD_REPORT;
}

/* A call on a path a tool derived from a link's text (see procfd_followup.c):
 * one hash lookup, nothing else for a path that matches nothing. */
static unsigned follow_up_at_entry(struct pfd_tracee *t, struct pfd_call *c)
{
	struct procfd_proc *pp = pfd_proc_state_peek(t, &pfd_plugin_procfd);
	if (!pp || !pp->fu)
		return PFD_PASS;
	int key = pfd_fu_find(pp->fu, c);
	struct pfd_annot *a;
	if (key < 0 || !(a = annot_for(c)))
		return PFD_PASS;
	a->link.what = PFD_LINK_NONE;
	pfd_fu_fill(pp->fu, key, &a->follow);
	if (!link_selected(a->follow.read.owner, a->follow.read.fd))
		return PFD_PASS;
	if (c->path->desc->cls == PFD_SC_NAME)
		pfd_fu_reached_at_entry(&a->follow, c);
	return entry_want();
}

/* --all-paths: a path call that names no link is written too, plainly. */
static unsigned plain_path(struct pfd_call *c)
{
	struct pfd_annot *a;
	if (!opt.all_paths || opt.only || opt.n_links || !(a = annot_for(c)))
		return PFD_PASS;
	a->link.what = PFD_LINK_NONE;
	a->plain = true;
	return PFD_REPORT;
}

/* A successful readlink of an fd link: remember what the tool now knows. */
static void remember_read(struct pfd_tracee *t, const struct pfd_annot *a)
{
	const struct pfd_call *c = a->call;
	const struct pfd_target *tg = &a->target;
	struct procfd_proc *pp;
	if (a->link.what != PFD_LINK_FD || a->probe != PFD_PROBE_OPEN ||
	    c->path->desc->cls != PFD_SC_READLINK || !c->finished || c->err || c->result <= 0 ||
	    !(pp = pfd_proc_state(t, &pfd_plugin_procfd)))
		return;
	struct pfd_link_read r = {
		.owner = a->link.pid, .fd = a->link.fd, .syscall = c->name,
		.link_path = (char *)c->path->path, .link_len = c->path->path_len,
		.text = (char *)tg->text,
		.text_len = (size_t)c->result < tg->text_len ? (size_t)c->result : tg->text_len,
		.kind = pfd_fdesc_kind(&tg->fdesc), .deleted = tg->deleted, .have_stat = tg->have_stat,
		.dev_major = tg->dev_major, .dev_minor = tg->dev_minor, .ino = tg->ino,
		.size = tg->size, .walk_tid = c->tid,
	};
	pfd_fu_record(&pp->fu, &r);
}

static unsigned procfd_on_enter(struct pfd_tracee *t, struct pfd_call *c,
				const struct pfd_trap *trap)
{
	(void)trap;
	const struct pfd_path_args *p = c->path;
	struct pfd_path_class pc;
	struct pfd_annot *a;

	if (!p) {
		if (!changes_root(c))
			return PFD_PASS;
		pfd_dirs_change_begin(); /* ended at its exit, or when the thread is gone */
		return PFD_NEED_EXIT;
	}
	if (p->no_path)
		return plain_path(c); /* names no link: --all-paths shows it, as strace does */
	if (p->path_errno) /* unreadable: reported as such, unless -P asks for links */
		return !opt.n_links && annot_for(c) ? entry_want() : PFD_PASS;
	if (p->path_truncated || p->path_len == 0)
		return plain_path(c);
	if (!(a = classify(c, &pc))) {
		unsigned fu = follow_up_at_entry(t, c);
		return fu ? fu : plain_path(c);
	}
	fill_link(a, &pc);
	struct procfd_proc *pp = pfd_proc_state(t, &pfd_plugin_procfd);
	a->dirs = pp ? &pp->dirs : NULL;
	if (!pfd_caller_proc_is_procfs(a->dirs, c->tid, &a->proc_f_type)) {
		a->probe = PFD_PROBE_NOT_PROCFS; /* no magic link: nothing of ours to probe */
		return link_selected(a->link.pid, a->link.fd) ? entry_want() : PFD_PASS;
	}
	pfd_pidns_caller(a);
	pfd_pidns_link_dir(a, &a->link, &pc);
	if (!link_selected(a->link.pid, a->link.what == PFD_LINK_FD_DIR ? -1 : a->link.fd)) {
		if (p->desc->cls != PFD_SC_READLINK || a->link.what != PFD_LINK_FD)
			return PFD_PASS; /* -P: before the probe, which is most of a call's cost */
		a->unselected = true; /* two pipe ends share a text: remember whose it was */
	}
	pfd_probe_link(a);
	return a->unselected ? PFD_NEED_EXIT : entry_want();
}

static unsigned procfd_on_exit(struct pfd_tracee *t, struct pfd_call *c)
{
	if (!c->path && changes_root(c)) {
		pfd_dirs_change_end();
		return PFD_PASS;
	}
	struct pfd_annot *a = pfd_call_state_peek(c, &pfd_plugin_procfd);
	if (!a)
		return PFD_PASS;
	a->tool = pfd_tracee_exe(t);
	if (a->follow.active) {
		struct procfd_proc *pp = pfd_proc_state_peek(t, &pfd_plugin_procfd);
		pfd_fu_reached(pp ? pp->fu : NULL, &a->follow, c, pfd_call_follows(a));
	}
	pfd_verify_open(a);
	if (c->finished && c->err == ENOENT && a->probe == PFD_PROBE_OPEN &&
	    a->link.what == PFD_LINK_FD)
		pfd_recheck_link(a); /* a torn path, or the fd closed meanwhile */
	a->resolution = a->plain ? PFD_RES_PLAIN : pfd_resolve(a);
	remember_read(t, a);
	if (a->unselected)
		return PFD_PASS;
	if (opt.summary && !a->plain)
		pfd_summary_count(a);
	if (opt.summary_only)
		return PFD_PASS; /* -c: counted, not written */
	return !a->plain && (opt.only || opt.summary) && wanted(a) ? PFD_REPORT : PFD_PASS;
}

static void procfd_on_finish(void)
{
	if (opt.summary)
		pfd_summary_write();
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
	if (l->tid || (l->has_task && !l->ns_translated))
		pfd_w_int(w, "tid", l->tid); /* "task/0" is written 0: a number, not none */
	else
		pfd_w_null(w, "tid");
	if (l->what == PFD_LINK_FD || l->what == PFD_LINK_THROUGH)
		pfd_w_int(w, "fd", l->fd);
	else
		pfd_w_null(w, "fd");
	pfd_w_str(w, "spelling", l->spelling);
	if (l->what == PFD_LINK_THROUGH)
		pfd_w_bytes(w, "rest", l->rest, l->rest_len);
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

static const char *fu_how_name(enum pfd_fu_how h)
{
	static const char *const names[] = { "verbatim", "stripped", "relative", "prefix" };
	return (unsigned)h < 4 ? names[h] : "verbatim";
}

static const char *fu_reached_name(enum pfd_fu_reached r)
{
	static const char *const names[] = { "nothing", "held-inode", "different-inode", "unknown" };
	return (unsigned)r < 4 ? names[r] : "unknown";
}

static void write_follow_up(struct pfd_writer *w, const struct pfd_followup *fu)
{
	const struct pfd_link_read *r = &fu->read;
	pfd_w_object(w, "follow_up_of");
	pfd_w_int(w, "pid", r->owner);
	pfd_w_int(w, "fd", r->fd);
	pfd_w_bytes(w, "link_path", r->link_path, r->link_len);
	pfd_w_str(w, "syscall", r->syscall);
	pfd_w_bytes(w, "text", r->text, r->text_len);
	pfd_w_str(w, "how", fu_how_name(fu->how));
	pfd_w_end(w);
	pfd_w_str(w, "reached", fu_reached_name(fu->reached));
	if (fu->have_other) {
		pfd_w_object(w, "reached_file");
		pfd_w_str(w, "dev", pfd_dev_text(fu->other_dev_major, fu->other_dev_minor));
		pfd_w_uint(w, "ino", fu->other_ino);
		pfd_w_uint(w, "size", fu->other_size);
		pfd_w_end(w);
	} else {
		pfd_w_null(w, "reached_file");
	}
}

static bool has_target(const struct pfd_annot *a)
{
	return a->probe == PFD_PROBE_OPEN &&
	       (a->link.what == PFD_LINK_FD || a->link.what == PFD_LINK_THROUGH);
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
		if (a->target.name_target != PFD_TEXT_NONE)
			pfd_w_str(w, "name_target", pfd_text_target_name(a->target.name_target));
		else
			pfd_w_null(w, "name_target");
	} else {
		pfd_w_null(w, "target");
		pfd_w_null(w, "text_target");
		pfd_w_null(w, "name_target");
	}
	if (a->follow.active)
		write_follow_up(w, &a->follow);
	if (a->verified == PFD_VERIFY_SAME || a->verified == PFD_VERIFY_DIFFERENT ||
	    a->verified == PFD_VERIFY_NO_FD)
		pfd_w_bool(w, "verified", a->verified == PFD_VERIFY_SAME);
	else
		pfd_w_null(w, "verified");
	pfd_w_str(w, "resolution", pfd_resolution_name(a->resolution));
	pfd_w_str(w, "explanation", why);
}

/* ls's colours: orphan (broken) and missing, for what tools call broken. */
#define COLOR_BROKEN "\033[40;31;01m"
#define COLOR_GOOD "\033[32m"
#define COLOR_LINK "\033[36m"
#define COLOR_END "\033[0m"

static bool looks_broken(const struct pfd_annot *a)
{
	if (a->follow.active)
		return a->follow.reached == PFD_FU_NOTHING || a->follow.reached == PFD_FU_OTHER;
	return has_target(a) && (a->target.deleted || a->target.text_target == PFD_TEXT_MISSING ||
				 a->target.text_target == PFD_TEXT_DIFFERENT_FILE);
}

static const char *resolution_color(const struct pfd_annot *a)
{
	if (looks_broken(a) && a->resolution != PFD_RES_FOLLOWED)
		return COLOR_BROKEN;
	switch (a->resolution) {
	case PFD_RES_FOLLOWED: return COLOR_GOOD;
	case PFD_RES_LINK_ITSELF: case PFD_RES_DIRECTORY: return COLOR_LINK;
	default: return a->call->err ? COLOR_BROKEN : NULL;
	}
}

/* An fd's state is printed in full once per (process, fd, state), and
 * referred to after: ls -l of a directory touches each link four times. */
#define SEEN_SLOTS 1024u

static bool state_seen_before(const struct pfd_annot *a)
{
	static struct { pid_t pid; int fd; uint64_t ino; uint32_t state; } seen[SEEN_SLOTS];
	const struct pfd_target *t = &a->target;
	uint32_t state = (uint32_t)t->deleted | (uint32_t)t->text_target << 1 |
			 (uint32_t)t->name_target << 4 | (uint32_t)(t->nlink & 0xffff) << 8;
	unsigned h = ((unsigned)a->link.pid * 31u + (unsigned)a->link.fd) & (SEEN_SLOTS - 1);
	if (seen[h].pid == a->link.pid && seen[h].fd == a->link.fd && seen[h].ino == t->ino &&
	    seen[h].state == state)
		return true;
	seen[h].pid = a->link.pid;
	seen[h].fd = a->link.fd;
	seen[h].ino = t->ino;
	seen[h].state = state;
	return false;
}

static void put_colored(struct pfd_buf *b, const char *color, const char *s)
{
	if (use_color && color)
		pfd_buf_puts(b, color);
	pfd_buf_puts(b, s);
	if (use_color && color)
		pfd_buf_puts(b, COLOR_END);
}

/* The resolution as a short tag on the call's line, the way strace ends a
 * line with what it adds ("(No such file or directory)"): a word for how the
 * lookup went, and for a followed link what it reached. */
static const char *tag_word(enum pfd_resolution r)
{
	static const char *const words[] = {
		[PFD_RES_NONE] = "none",
		[PFD_RES_FOLLOWED] = "followed",
		[PFD_RES_LINK_ITSELF] = "link itself",
		[PFD_RES_DIRECTORY] = "fd directory",
		[PFD_RES_NO_SUCH_FD] = "no such fd",
		[PFD_RES_NO_SUCH_PROCESS] = "no such process",
		[PFD_RES_DENIED] = "denied",
		[PFD_RES_REFUSED_NOFOLLOW] = "refused: no-follow lookup",
		[PFD_RES_REFUSED_SCOPED] = "refused: scoped lookup",
		[PFD_RES_NOT_REOPENABLE] = "not reopenable",
		[PFD_RES_UNFINISHED] = "unfinished",
		[PFD_RES_HELD_SYMLINK] = "held symlink",
		[PFD_RES_FOLLOW_UP] = "follow-up",
		[PFD_RES_PLAIN] = "plain",
		[PFD_RES_THROUGH] = "through link",
		[PFD_RES_NOT_PROCFS] = "not procfs",
		[PFD_RES_NO_SUCH_THREAD] = "no such thread",
		[PFD_RES_UNCONFIRMED] = "unconfirmed",
		[PFD_RES_RACED] = "raced",
		[PFD_RES_ERROR] = "error",
	};
	return (unsigned)r < sizeof(words) / sizeof(words[0]) && words[r] ? words[r] : "none";
}

static const char *fu_reached_words(const struct pfd_followup *fu)
{
	if (fu->how == PFD_FU_PREFIX && fu->reached != PFD_FU_NOTHING)
		return "a walk, on the way";
	switch (fu->reached) {
	case PFD_FU_HELD: return "reached the held file";
	case PFD_FU_NOTHING: return "names nothing";
	case PFD_FU_OTHER: return "reached another file";
	case PFD_FU_UNKNOWN: break;
	}
	return "not seen";
}

/* " [followed: deleted file, 36 B]", " [link itself]",
 * " [follow-up of fd 3: names nothing]". */
static void put_tag(struct pfd_buf *b, const struct pfd_annot *a)
{
	static struct pfd_buf tag = PFD_BUF_INIT;
	pfd_buf_clear(&tag);
	pfd_buf_putc(&tag, '[');
	pfd_buf_puts(&tag, tag_word(a->resolution));
	if (a->follow.active) {
		pfd_buf_puts(&tag, " of fd ");
		pfd_buf_int(&tag, a->follow.read.fd);
		pfd_buf_puts(&tag, ": ");
		pfd_buf_puts(&tag, fu_reached_words(&a->follow));
	} else if (a->resolution == PFD_RES_FOLLOWED && has_target(a)) {
		pfd_buf_puts(&tag, ": ");
		pfd_target_short(&tag, &a->target);
	}
	pfd_buf_putc(&tag, ']');
	pfd_buf_putc(b, ' ');
	put_colored(b, resolution_color(a), pfd_buf_str(&tag));
}

/* Where the default text gives the whole sentence: where something is
 * decided. The call on the text where the tool found nothing or another
 * file; a followed open of a deleted file (it reads what no name gives);
 * a failure, or an open the kernel did not confirm. Not a step of a walk
 * that goes on (realpath's readlink of a directory: EINVAL). */
static bool decides(const struct pfd_annot *a)
{
	const struct pfd_call *c = a->call;
	const struct pfd_followup *fu = &a->follow;
	if (fu->active) {
		if (fu->how == PFD_FU_PREFIX)
			return fu->reached == PFD_FU_NOTHING && c->err != EINVAL;
		return fu->reached == PFD_FU_NOTHING || fu->reached == PFD_FU_OTHER;
	}
	if ((c->finished && c->err) || a->resolution == PFD_RES_UNCONFIRMED ||
	    a->resolution == PFD_RES_RACED)
		return true;
	return a->resolution == PFD_RES_FOLLOWED && has_target(a) && a->target.deleted &&
	       c->path->desc->cls == PFD_SC_OPEN;
}

/* "fd 3 of pid 21269" and, the first time this (process, fd, state) is
 * seen, its state; -v: the whole state, and "state as above" after. False
 * when there is nothing to write. */
static bool fd_line(struct pfd_buf *line, const struct pfd_annot *a)
{
	static struct pfd_buf state = PFD_BUF_INIT;
	bool seen = state_seen_before(a);
	if (seen && !opt.verbose)
		return false;
	pfd_buf_clear(line);
	pfd_buf_puts(line, "fd ");
	pfd_buf_int(line, a->link.fd);
	pfd_buf_puts(line, " of pid ");
	pfd_buf_int(line, a->link.pid);
	if (seen) {
		pfd_buf_puts(line, ": state as above");
		return true;
	}
	pfd_buf_puts(line, " -> ");
	pfd_buf_clear(&state);
	if (opt.verbose)
		pfd_target_text(&state, &a->target);
	else
		pfd_target_text_short(&state, &a->target);
	put_colored(line, looks_broken(a) ? COLOR_BROKEN : NULL, pfd_buf_str(&state));
	return true;
}

/* The default text: the tag (and, where something is decided, the
 * sentence) on the call's own line, then the fd's state once. -v: the state
 * line, then "resolution: sentence" for every call, under the line. */
static void write_lines(struct pfd_writer *w, const struct pfd_annot *a, const char *why)
{
	static struct pfd_buf line = PFD_BUF_INIT;
	if (!opt.verbose) {
		pfd_buf_clear(&line);
		put_tag(&line, a);
		if (decides(a)) {
			pfd_buf_putc(&line, ' ');
			pfd_buf_puts(&line, why);
		}
		pfd_w_title_append(w, pfd_buf_str(&line));
	}
	if (has_target(a) && fd_line(&line, a))
		pfd_w_text(w, pfd_buf_str(&line));
	if (!opt.verbose)
		return;
	pfd_buf_clear(&line);
	put_colored(&line, resolution_color(a), pfd_resolution_name(a->resolution));
	pfd_buf_puts(&line, ": ");
	pfd_buf_puts(&line, why);
	pfd_w_text(w, pfd_buf_str(&line));
}

static void procfd_on_report(const struct pfd_call *c, struct pfd_writer *w)
{
	static struct pfd_buf why = PFD_BUF_INIT;
	const struct pfd_annot *a = pfd_call_state_peek(c, &pfd_plugin_procfd);
	if (!a || (a->link.what == PFD_LINK_NONE && !c->path->path_errno && !a->follow.active &&
		   !a->plain))
		return; /* reported for another plugin: nothing of ours to say */
	if (a->plain) {
		pfd_w_json_only(w, true);
		write_fields(w, a, c->path->no_path ? "no path: a NULL path makes the call act on its "
							"dirfd itself"
						    : "the path names no /proc fd link");
		pfd_w_json_only(w, false);
		return;
	}
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
	.proc_state = { .size = sizeof(struct procfd_proc), .fini = procfd_proc_fini },
	.call_state = { .size = sizeof(struct pfd_annot) },
	.on_enter = procfd_on_enter,
	.on_exit = procfd_on_exit,
	.on_report = procfd_on_report,
	.on_exec = procfd_on_exec,
	.on_exit_thread = procfd_on_exit_thread,
	.on_exit_process = procfd_on_exit_process,
	.on_finish = procfd_on_finish,
	.options = procfd_options,
	.on_option = procfd_on_option,
	.init = procfd_init,
};
