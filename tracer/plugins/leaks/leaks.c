/* procfd-trace: the leak tracker (--leaks): tracking.
 *
 * A leak is an open file description still open when a process ends. Only
 * the calls that make or copy fds stop the tracee, at their exit, to record
 * which description each new fd refers to: a new one, with the call, thread
 * and stack that made it, or, for the dup family, the description of the
 * fd it copies (and the dup as the call that put it at that number). The
 * fds a process has when the trace first sees it (the command's at its
 * exec, a -p process's) are descriptions from before the trace: inherited.
 * fork copies a table, exec keeps it: descriptions go along.
 *
 * close need not be trapped: the fd table at a process's end is the truth
 * (PTRACE_EVENT_EXIT of its last thread, when /proc/PID/fd is still there).
 * Each fd it holds then makes it a holder of the fd's description; the
 * description is reported once, by leaks_report.c, when no table refers to
 * it any more. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procfd/plugin.h"
#include "tracer/plugins/builtin.h"
#include "tracer/plugins/leaks/leaks_impl.h"

struct leak_cfg leak_cfg;

/* ---- options -------------------------------------------------------------------- */

static const struct pfd_option leak_options[] = {
	{ "leaks", 0, PFD_OPT_OPTIONAL, "all",
	  "report the fds each process leaves open at exit (=all: also stdio and "
	  "those from before the trace)", true },
	{ "error-exitcode", 0, PFD_OPT_REQUIRED, "N",
	  "exit N when a leak was reported and COMMAND exited 0 (turns --leaks on, "
	  "and says so)", true },
	{ "suppressions", 0, PFD_OPT_REQUIRED, "FILE",
	  "leaks matching an entry of FILE are not reported (docs/suppressions.md)", true },
	{ "no-default-suppressions", 0, PFD_OPT_NO_ARG, NULL,
	  "report the deliberate fds of make, shells, interpreters too", false },
	{ "leaks-exe", 0, PFD_OPT_REQUIRED, "GLOB",
	  "report only leaks held by processes whose executable matches GLOB (repeatable)",
	  true },
	{ "gen-suppressions", 0, PFD_OPT_NO_ARG, NULL,
	  "print a ready suppression entry with each leak", true },
	{ "sarif", 0, PFD_OPT_REQUIRED, "FILE", "write the leaks as SARIF 2.1.0 to FILE", true },
	{ NULL, 0, 0, NULL, NULL, false },
};

static int parse_exitcode(const char *arg)
{
	char *end;
	long v = strtol(arg ? arg : "", &end, 10);
	if (!arg || end == arg || *end || v < 1 || v > 255) {
		fprintf(stderr, "procfd-trace: --error-exitcode: '%s' is not a status 1..255\n",
			arg ? arg : "");
		return -EINVAL;
	}
	leak_cfg.error_exitcode = (int)v;
	return 0;
}

static int load_suppressions(const char *path)
{
	char err[512];
	struct pfd_supp_set *set = NULL;
	if (pfd_supp_load(path, &set, err, sizeof(err)) < 0) {
		fprintf(stderr, "procfd-trace: --suppressions: %s\n", err);
		return -EINVAL;
	}
	leak_add_suppressions(set);
	return 0;
}

void leak_add_suppressions(struct pfd_supp_set *set)
{
	if (leak_cfg.supp) {
		pfd_supp_merge(leak_cfg.supp, set);
		pfd_supp_free(set);
	} else {
		leak_cfg.supp = set;
	}
}

static int add_exe_glob(const char *glob)
{
	if (!glob || !*glob || leak_cfg.n_exe_globs == LEAK_MAX_EXE_GLOBS) {
		fprintf(stderr, "procfd-trace: --leaks-exe: %s\n",
			glob && *glob ? "at most 32 of them" : "an empty pattern");
		return -EINVAL;
	}
	leak_cfg.exe_globs[leak_cfg.n_exe_globs++] = glob;
	return 0;
}

/* --sarif's report is written at the end (through FILE.tmp and a rename
 * when FILE is a regular file or missing, else through it). A FILE that
 * cannot be written would be found out only after COMMAND ran, and CI would
 * lose its artifact: whatever can be checked without writing is checked
 * now, before anything runs (a full disk still shows only at the end). */
static int sarif_writable(const char *path)
{
	struct stat st;
	bool exists = lstat(path, &st) == 0;
	if (!exists && errno != ENOENT)
		return -errno; /* ENOTDIR, EACCES, ELOOP... */
	if (exists && !S_ISREG(st.st_mode)) { /* written through */
		if (stat(path, &st) < 0)
			return errno == ENOENT ? 0 : -errno; /* a dangling symlink: created */
		if (S_ISDIR(st.st_mode))
			return -EISDIR;
		return faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0 ? -errno : 0;
	}
	if (exists && faccessat(AT_FDCWD, path, W_OK, AT_EACCESS) < 0)
		return -errno;
	/* FILE.tmp is made in FILE's directory */
	const char *slash = strrchr(path, '/');
	char dir[PATH_MAX];
	if (!slash)
		strcpy(dir, ".");
	else if ((size_t)(slash - path) >= sizeof(dir))
		return -ENAMETOOLONG;
	else
		snprintf(dir, sizeof(dir), "%.*s", slash == path ? 1 : (int)(slash - path), path);
	return faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0 ? -errno : 0;
}

static int set_sarif_path(const char *path)
{
	int rc = path && *path ? sarif_writable(path) : -ENOENT;
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: --sarif %s: %s: the report could not be written "
				"there\n", path ? path : "", strerror(-rc));
		return -EINVAL;
	}
	leak_cfg.sarif_path = path;
	return 0;
}

/* --leaks itself given: other leak options turn it on too, and
 * --error-exitcode says so (a status rule alone would not tell that the
 * run now also tracks leaks, and costs their stops). */
static bool leaks_given;

static int leak_on_option(const char *name, const char *arg)
{
	if (strcmp(name, "leaks") == 0) {
		leaks_given = true;
		if (arg && strcmp(arg, "all") != 0) {
			fprintf(stderr, "procfd-trace: --leaks takes no value but 'all'\n");
			return -EINVAL;
		}
		leak_cfg.all = arg != NULL;
		return 0;
	}
	if (strcmp(name, "error-exitcode") == 0)
		return parse_exitcode(arg);
	if (strcmp(name, "suppressions") == 0)
		return load_suppressions(arg);
	if (strcmp(name, "leaks-exe") == 0)
		return add_exe_glob(arg);
	if (strcmp(name, "no-default-suppressions") == 0)
		leak_cfg.no_default_supp = true;
	else if (strcmp(name, "gen-suppressions") == 0)
		leak_cfg.gen_suppressions = true;
	else if (strcmp(name, "sarif") == 0)
		return set_sarif_path(arg);
	else
		return -EINVAL;
	return 0;
}

/* ---- per-process state ------------------------------------------------------------ */

static void leak_proc_fini(void *state)
{
	struct leak_proc *p = state;
	leak_table_put(p->table);
}

extern const struct pfd_plugin pfd_plugin_leaks;

/* dev/ino of fd as thread tid sees it (/proc/TID/fd: a thread may have
 * unshared its table). False when it cannot be read. */
static bool fd_identity(pid_t tid, int fd, uint32_t *dev, uint64_t *ino)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, fd);
	if (stat(path, &st) < 0 || !LEAK_DEV_FITS(major(st.st_dev), minor(st.st_dev)))
		return false;
	*dev = LEAK_DEV(major(st.st_dev), minor(st.st_dev));
	*ino = st.st_ino;
	return true;
}

static struct leak_desc *desc_of_fd(enum leak_origin origin, pid_t tid, int fd)
{
	struct leak_desc *d = leak_desc_new(origin);
	if (d)
		d->have_id = fd_identity(tid, fd, &d->dev, &d->ino);
	return d;
}

/* Put a record of fd -> d in the table (the table takes its own reference
 * on d; the caller keeps its). */
static void install(struct leak_proc *p, int fd, struct leak_desc *d,
		    const struct leak_site *installed)
{
	struct leak_rec *r = leak_rec_new(fd, d, installed, p->image);
	if (!r || leak_table_set(p->table, r) < 0)
		leak_report_lost(1);
}

/* The fds a process has when the trace first sees it without a parent
 * that handed them over (the command at its first exec, a -p process):
 * each is a description from before the trace. */
static struct leak_table *inherited_table(struct leak_proc *p, pid_t tid)
{
	char dir[64];
	snprintf(dir, sizeof(dir), "/proc/%d/fd", tid);
	p->table = leak_table_new();
	DIR *d = p->table ? opendir(dir) : NULL;
	for (struct dirent *de; d && (de = readdir(d));) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end || fd > INT32_MAX)
			continue;
		struct leak_desc *desc = desc_of_fd(LEAK_INHERITED, tid, (int)fd);
		if (!desc) {
			leak_report_lost(1);
			continue;
		}
		install(p, (int)fd, desc, NULL);
		leak_desc_put(desc);
	}
	if (d)
		closedir(d);
	return p->table;
}

/* The state of t's process, with a table: NULL only when out of memory. */
static struct leak_proc *proc_of(struct pfd_tracee *t)
{
	struct leak_proc *p = pfd_proc_state(t, &pfd_plugin_leaks);
	if (p && !p->exe)
		p->exe = leak_intern(pfd_tracee_exe(t));
	if (p && !p->table)
		inherited_table(p, pfd_tracee_tid(t));
	return p && p->table ? p : NULL;
}

/* ---- fds made and copied ------------------------------------------------------------ */

/* What on_exit needs of the trap that fired. */
struct leak_call {
	const struct leak_how *how;
};

static unsigned leak_on_enter(struct pfd_tracee *t, struct pfd_call *c,
			      const struct pfd_trap *trap)
{
	const struct leak_how *how = leak_how_of(trap);
	struct leak_call *lc;
	if (!leak_call_may_create(t, c, how) || !(lc = pfd_call_state(c, &pfd_plugin_leaks)))
		return PFD_PASS;
	lc->how = how;
	return PFD_NEED_EXIT;
}

static struct leak_site site_of(const struct leak_proc *p, const struct pfd_call *c,
				const struct leak_how *how, const struct pfd_stack *stack)
{
	return (struct leak_site){ .syscall = leak_creator_name(c, how), .pid = c->pid,
				   .tid = c->tid, .exe = p->exe, .stack = stack,
				   .spawn = p->spawn };
}

/* fd, as thread tid sees it, is a new description that site made. */
static void make(struct leak_proc *p, pid_t tid, int fd, const struct leak_site *site)
{
	struct leak_desc *d = desc_of_fd(LEAK_MADE, tid, fd);
	if (!d) {
		leak_report_lost(1);
		return;
	}
	d->made = *site;
	install(p, fd, d, NULL);
	leak_desc_put(d);
}

/* The description the dup's new fd shares: the source fd's, when its
 * record still describes the same file; else one of unknown origin (the
 * source came by a way nobody traps). A new reference. */
static struct leak_desc *dup_source(struct leak_proc *p, pid_t tid, int source, int fd)
{
	struct leak_rec *src = leak_table_get(p->table, source);
	uint32_t dev;
	uint64_t ino;
	bool have = fd_identity(tid, fd, &dev, &ino);
	if (src && (!have || !src->desc->have_id ||
		    (src->desc->dev == dev && src->desc->ino == ino))) {
		leak_desc_get(src->desc);
		return src->desc;
	}
	struct leak_desc *d = leak_desc_new(LEAK_UNKNOWN);
	if (d && (d->have_id = have))
		d->dev = dev, d->ino = ino;
	return d;
}

static unsigned leak_on_exit(struct pfd_tracee *t, struct pfd_call *c)
{
	int fds[LEAK_MAX_NEW_FDS], source;
	struct leak_proc *p;
	const struct leak_call *lc = pfd_call_state_peek(c, &pfd_plugin_leaks);
	if (!lc)
		return PFD_PASS; /* kept by another plugin only */
	size_t n = leak_created_fds(t, c, lc->how, fds, LEAK_MAX_NEW_FDS);
	if (n == 0)
		return PFD_PASS;
	if (!(p = proc_of(t))) {
		leak_report_lost((unsigned)n);
		return PFD_PASS;
	}
	pid_t tid = pfd_tracee_tid(t);
	struct leak_site site = site_of(p, c, lc->how, pfd_tracee_stack(t, NULL));
	bool dup = leak_call_dups(c, lc->how, &source);
	for (size_t i = 0; i < n; i++) {
		if (!dup) {
			make(p, tid, fds[i], &site);
			continue;
		}
		struct leak_desc *d = dup_source(p, tid, source, fds[i]);
		if (!d) {
			leak_report_lost(1);
			continue;
		}
		install(p, fds[i], d, &site);
		leak_desc_put(d);
	}
	p->untraced_installs |= lc->how->installs_untraced;
	return PFD_PASS;
}

/* ---- process events ------------------------------------------------------------------ */

/* A CLONE_PIDFD pidfd is in the parent's table at the fork event
 * (leak_fork_pidfd): recorded with the parent as its creator, after the
 * child's copy of the table, which does not hold it. */
/* stack: the parent's, when the caller has it already (NULL: taken here,
 * only if there is a pidfd). */
static void record_fork_pidfd(const struct pfd_fork *f, const struct pfd_stack *stack)
{
	int fd;
	const char *creator;
	struct leak_proc *p;
	if (!leak_fork_pidfd(f, &fd, &creator) || !(p = proc_of(f->parent)))
		return;
	struct leak_site site = { .syscall = creator, .pid = pfd_tracee_pid(f->parent),
				  .tid = pfd_tracee_tid(f->parent), .exe = p->exe,
				  .stack = stack ? stack : pfd_tracee_stack(f->parent, NULL),
				  .spawn = p->spawn };
	make(p, site.tid, fd, &site);
}

static void leak_on_fork(const struct pfd_fork *f)
{
	if (f->kind == PFD_CLONE_THREAD) {
		record_fork_pidfd(f, NULL);
		return;
	}
	const struct pfd_stack *stack = pfd_tracee_stack(f->parent, NULL);
	struct leak_proc *parent = proc_of(f->parent);
	struct leak_proc *child = pfd_proc_state(f->child, &pfd_plugin_leaks);
	if (!parent || !child)
		return;
	if (f->files == PFD_FILES_SHARED) {
		child->table = parent->table;
		parent->table->refs++;
	} else {
		child->table = leak_table_copy(parent->table);
		if (!child->table) /* its fds will look inherited: say it */
			leak_report_lost((unsigned)parent->table->used);
	}
	child->image = parent->image;
	child->exe = parent->exe;
	child->prev_exe = parent->prev_exe;
	child->untraced_installs = parent->untraced_installs;
	/* What the child makes before its exec, it makes for this caller. */
	child->spawn = stack;
	child->spawned = true;
	record_fork_pidfd(f, stack);
}

/* After an exec the O_CLOEXEC fds are gone and the rest crossed into the
 * new image. execve gives a process a table of its own. */
static void leak_on_exec(struct pfd_tracee *t, const struct pfd_exec *e)
{
	struct leak_proc *p = pfd_proc_state(t, &pfd_plugin_leaks);
	if (!p)
		return;
	/* set at the entry, cleared when it succeeds: still set at the exit
	 * of a process whose exec failed */
	p->exec_failed = e->phase != PFD_EXEC_DONE;
	if (e->phase != PFD_EXEC_DONE)
		return;
	/* First the image, so that a first sight (the command's own exec)
	 * records its inherited fds as already in this image. */
	p->image++;
	p->prev_exe = p->exe;
	p->exe = leak_intern(pfd_tracee_exe(t));
	p->spawn = NULL;
	p->spawned = false;
	if (!proc_of(t) || p->table->refs == 1)
		return;
	struct leak_table *own = leak_table_copy(p->table);
	if (own) {
		leak_table_put(p->table);
		p->table = own;
	}
}

/* ---- a process's end ------------------------------------------------------------------ */

/* What the description of an open fd is: its record's, when the record
 * still describes this file (same inode: an fd closed and made again by a
 * way nobody traps, io_uring's, would not be); else a new one of unknown
 * origin. A new reference. */
static struct leak_desc *desc_at_exit(const struct leak_rec *r, const struct pfd_target *t)
{
	bool same = r && (!r->desc->have_id || !t->have_stat ||
			  (r->desc->ino == t->ino && LEAK_DEV_FITS(t->dev_major, t->dev_minor) &&
			   r->desc->dev == LEAK_DEV(t->dev_major, t->dev_minor)));
	if (same) {
		leak_desc_get(r->desc);
		return r->desc;
	}
	struct leak_desc *d = leak_desc_new(LEAK_UNKNOWN);
	if (d && t->have_stat && LEAK_DEV_FITS(t->dev_major, t->dev_minor)) {
		d->have_id = true;
		d->dev = LEAK_DEV(t->dev_major, t->dev_minor);
		d->ino = t->ino;
	}
	return d;
}

static int8_t cloexec_of(const struct pfd_target *t)
{
	return t->have_fdinfo ? (t->fd_flags & O_CLOEXEC) != 0 : -1;
}

/* The image an fd lived in before it crossed this process's last exec
 * (NULL: it did not cross one). */
static const char *crossed_from(const struct leak_proc *p, const struct leak_rec *r)
{
	if (!r || r->image >= p->image)
		return NULL;
	return p->prev_exe ? p->prev_exe : "";
}

/* The process holds d at fd: one more holder; the primary one keeps the
 * description (a copy: the report may come after this process is gone). */
static void hold(struct leak_desc *d, const struct leak_proc *p, pid_t pid, int fd,
		 const struct leak_rec *r, const struct pfd_target *target)
{
	struct leak_holder h = { .pid = pid, .fd = fd, .exe = p->exe,
				 .crossed_from = crossed_from(p, r),
				 .cloexec = cloexec_of(target),
				 .uncertain = p->untraced_installs && r && r->desc == d };
	if (r && r->desc == d && r->installed) {
		h.inst_syscall = r->installed->syscall;
		h.inst_stack = r->installed->stack;
	}
	int rc = leak_desc_add_holder(d, &h);
	if (rc < 0)
		leak_report_lost(1);
	if (rc <= 0)
		return;
	struct leak_report *rep = d->report;
	rep->installed = r && r->installed && r->desc == d ? *r->installed
							       : (struct leak_site){ 0 };
	if (d->refs == 2 && r && r->desc == d && r->refs == 1) {
		/* two references, its record's and the caller's: its only fd,
		 * in this table alone, so nobody else can hold it. It is
		 * reported now, without a copy of its description (a process
		 * leaving 20000 files would keep 20000 copies) */
		free(rep->target); /* an earlier primary holder's copy */
		rep->target = (struct pfd_target *)target;
		leak_report_one(d);
		rep->target = NULL;
		return;
	}
	if (!rep->target && !(rep->target = malloc(sizeof(*rep->target)))) {
		leak_report_lost(1);
		return;
	}
	memcpy(rep->target, target, sizeof(*target));
}

/* What a leak shows of the target: the JSON has no text_target/name_target
 * and the text line omits them when not looked up, so the lookup of the
 * text in the root (a path walk per fd) is skipped; the access mode comes
 * from fdinfo's flags, read anyway for cloexec. */
#define LEAK_DESCRIBE (PFD_DESCRIBE_NO_LOOKUP | PFD_DESCRIBE_HOLDER_STOPPED)

static void check_fd(const struct pfd_fd_dir *dir, const struct leak_proc *p, pid_t pid,
		     pid_t tid, int fd)
{
	static struct pfd_target target;
	const struct leak_rec *r = leak_table_get(p->table, fd);
	bool inherited = r && r->desc->origin == LEAK_INHERITED;
	if (!leak_cfg.all && (fd <= 2 || inherited))
		return; /* stdio, and what was there before: set up by others */
	if (pfd_describe_fd_in(dir, fd, tid, LEAK_DESCRIBE, &target) < 0)
		return; /* closed meanwhile by another thread of a shared table */
	if (p->spawned && p->exec_failed && cloexec_of(&target) == 1)
		return; /* a spawned child whose exec failed: its parent's, not its own */
	struct leak_desc *d = desc_at_exit(r, &target);
	if (!d) {
		leak_report_lost(1);
		return;
	}
	if (leak_cfg.all || d->origin != LEAK_INHERITED)
		hold(d, p, pid, fd, r, &target);
	leak_desc_put(d);
}

static void scan_fds(const struct leak_proc *p, pid_t pid, pid_t tid)
{
	struct pfd_fd_dir fds;
	char dir[64];
	if (pfd_fd_dir_open(&fds, tid) < 0)
		return;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", tid);
	DIR *d = opendir(dir);
	for (struct dirent *de; d && (de = readdir(d));) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (de->d_name[0] >= '0' && de->d_name[0] <= '9' && !*end && fd <= INT32_MAX)
			check_fd(&fds, p, pid, tid, (int)fd);
	}
	if (d)
		closedir(d);
	pfd_fd_dir_close(&fds);
}

/* The process's last thread is at PTRACE_EVENT_EXIT: its fds are still
 * there, read through that thread (the leader may be a zombie already). A
 * table another live process shares is read when the last one ends. Then
 * the table goes, and with it the last reference to what only it held. */
static void leak_on_exit_process(struct pfd_tracee *t, const struct pfd_exit *e)
{
	struct leak_proc *p = proc_of(t);
	leak_report_count_process();
	if (!p)
		return;
	if (e->live && p->table->refs == 1 && leak_exe_selected(p->exe))
		scan_fds(p, pfd_tracee_pid(t), pfd_tracee_tid(t));
	leak_table_put(p->table);
	p->table = NULL;
	leak_report_ready(false);
}

static int leak_init(void)
{
	if (leak_cfg.error_exitcode && !leaks_given)
		fprintf(stderr, "procfd-trace: --error-exitcode=%d turned --leaks on\n",
			leak_cfg.error_exitcode);
	return leak_report_init();
}

static void leak_on_finish(void)
{
	leak_report_ready(true);
	leak_report_finish();
}

const struct pfd_plugin pfd_plugin_leaks = {
	.name = "leaks",
	.api = PFD_PLUGIN_API,
	.traps = leak_traps,
	.proc_state = { .size = sizeof(struct leak_proc), .fini = leak_proc_fini },
	.call_state = { .size = sizeof(struct leak_call) },
	.options = leak_options,
	.opt_in = true,
	.on_option = leak_on_option,
	.init = leak_init,
	.on_enter = leak_on_enter,
	.on_exit = leak_on_exit,
	.on_fork = leak_on_fork,
	.on_exec = leak_on_exec,
	.on_exit_process = leak_on_exit_process,
	.on_finish = leak_on_finish,
};
