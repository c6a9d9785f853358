/* procfd-trace: the leak tracker (--leaks).
 *
 * close need not be trapped: the fd table at a process's end is the truth
 * (PTRACE_EVENT_EXIT of its last thread, when /proc/PID/fd is still there).
 * So only the calls that create fds stop the tracee, at their exit, to
 * record who made each new fd: the call, the thread, its stack. At the end
 * each open fd is matched with its record by (fd, dev, ino); an fd with no
 * record existed before the trace (0, 1, 2, what the shell passed) and is
 * reported only with --leaks=all. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "procfd/leaks.h"
#include "procfd/leaks_track.h"
#include "procfd/plugin.h"
#include "procfd/procfd.h"

#ifndef PFD_VERSION
#define PFD_VERSION "0.1"
#endif

/* ---- options -------------------------------------------------------------------- */

static struct {
	bool all;              /* --leaks=all: fds from before the trace too */
	int error_exitcode;    /* --error-exitcode=N */
	bool gen_suppressions;
	const char *sarif_path;
	struct pfd_supp_set *supp;
	char **argv;           /* for SARIF's invocation */
} cfg;

static const struct pfd_option leak_options[] = {
	{ "leaks", 0, PFD_OPT_OPTIONAL, "all",
	  "report the fds each process leaves open at exit (=all: also those from before)",
	  true },
	{ "error-exitcode", 0, PFD_OPT_REQUIRED, "N",
	  "with --leaks: exit N when a leak was reported and COMMAND exited 0", true },
	{ "suppressions", 0, PFD_OPT_REQUIRED, "FILE",
	  "leaks matching an entry of FILE are not reported (docs/suppressions.md)", true },
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
	cfg.error_exitcode = (int)v;
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
	if (cfg.supp) {
		pfd_supp_merge(cfg.supp, set);
		pfd_supp_free(set);
	} else {
		cfg.supp = set;
	}
	return 0;
}

static int leak_on_option(const char *name, const char *arg)
{
	if (strcmp(name, "leaks") == 0) {
		if (arg && strcmp(arg, "all") != 0) {
			fprintf(stderr, "procfd-trace: --leaks takes no value but 'all'\n");
			return -EINVAL;
		}
		cfg.all = arg != NULL;
		return 0;
	}
	if (strcmp(name, "error-exitcode") == 0)
		return parse_exitcode(arg);
	if (strcmp(name, "suppressions") == 0)
		return load_suppressions(arg);
	if (strcmp(name, "gen-suppressions") == 0) {
		cfg.gen_suppressions = true;
		return 0;
	}
	if (strcmp(name, "sarif") == 0) {
		cfg.sarif_path = arg;
		return 0;
	}
	return -EINVAL;
}

/* ---- per-process state ------------------------------------------------------------ */

struct leak_proc {
	struct leak_table *table;
	unsigned image;      /* execs so far: a record of an older image crossed one */
	const char *exe;     /* interned, as of the last exec */
};

static void leak_proc_fini(void *state)
{
	struct leak_proc *p = state;
	leak_table_put(p->table);
}

extern const struct pfd_plugin pfd_plugin_leaks;

/* The state of t's process, with a table: NULL only when out of memory. */
static struct leak_proc *proc_of(struct pfd_tracee *t)
{
	struct leak_proc *p = pfd_proc_state(t, &pfd_plugin_leaks);
	if (p && !p->table)
		p->table = leak_table_new();
	if (p && !p->exe)
		p->exe = leak_intern(pfd_tracee_exe(t));
	return p && p->table ? p : NULL;
}

/* ---- creation ----------------------------------------------------------------------- */

static unsigned leak_on_enter(struct pfd_tracee *t, struct pfd_call *c)
{
	return leak_call_may_create(t, c) ? PFD_NEED_EXIT : PFD_PASS;
}

/* dev/ino of the new fd, to match it at exit: read through the creator's
 * own table (/proc/TID/fd: a thread may have unshared its table). */
static void identify(struct leak_rec *r, pid_t tid)
{
	char path[64];
	struct stat st;
	snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, r->fd);
	r->have_id = stat(path, &st) == 0 && LEAK_DEV_FITS(major(st.st_dev), minor(st.st_dev));
	if (r->have_id) {
		r->dev = LEAK_DEV(major(st.st_dev), minor(st.st_dev));
		r->ino = st.st_ino;
	}
}

static void record(struct leak_proc *p, struct pfd_tracee *t, const struct pfd_call *c,
		   const struct pfd_stack *stack, int fd)
{
	struct leak_rec *r = leak_rec_new();
	if (!r)
		return;
	r->fd = fd;
	r->syscall = leak_creator_name(c);
	r->pid = c->pid;
	r->tid = c->tid;
	r->stack = stack;
	r->exe = p->exe;
	r->image = p->image;
	identify(r, pfd_tracee_tid(t));
	leak_table_set(p->table, r);
}

static unsigned leak_on_exit(struct pfd_tracee *t, struct pfd_call *c)
{
	int fds[LEAK_MAX_NEW_FDS];
	struct leak_proc *p;
	size_t n = leak_created_fds(t, c, fds, LEAK_MAX_NEW_FDS);
	if (n == 0 || !(p = proc_of(t)))
		return PFD_PASS;
	const struct pfd_stack *stack = pfd_tracee_stack(t, NULL);
	for (size_t i = 0; i < n; i++)
		record(p, t, c, stack, fds[i]);
	return PFD_PASS;
}

/* ---- process events ------------------------------------------------------------------ */

/* A CLONE_PIDFD pidfd is in the parent's table at the fork event
 * (leak_fork_pidfd): recorded with the parent as its creator, after the
 * child's copy of the table, which does not hold it. */
static void record_fork_pidfd(const struct pfd_fork *f)
{
	int fd;
	const char *creator;
	struct leak_proc *p;
	if (!leak_fork_pidfd(f, &fd, &creator) || !(p = proc_of(f->parent)))
		return;
	struct pfd_call c = { .pid = pfd_tracee_pid(f->parent), .tid = pfd_tracee_tid(f->parent),
			      .name = creator };
	record(p, f->parent, &c, pfd_tracee_stack(f->parent, NULL), fd);
}

static void leak_on_fork(const struct pfd_fork *f)
{
	if (f->kind == PFD_CLONE_THREAD) {
		record_fork_pidfd(f);
		return;
	}
	struct leak_proc *parent = proc_of(f->parent);
	struct leak_proc *child = pfd_proc_state(f->child, &pfd_plugin_leaks);
	if (!parent || !child)
		return;
	if (f->files == PFD_FILES_SHARED) {
		child->table = parent->table;
		parent->table->refs++;
	} else {
		child->table = leak_table_copy(parent->table);
	}
	child->image = parent->image;
	child->exe = parent->exe;
	record_fork_pidfd(f);
}

/* After an exec the O_CLOEXEC fds are gone and the rest crossed into the
 * new image. execve gives a process a table of its own. */
static void leak_on_exec(struct pfd_tracee *t, const struct pfd_exec *e)
{
	struct leak_proc *p;
	if (e->phase != PFD_EXEC_DONE || !(p = proc_of(t)))
		return;
	if (p->table->refs > 1) {
		struct leak_table *own = leak_table_copy(p->table);
		if (own) {
			leak_table_put(p->table);
			p->table = own;
		}
	}
	p->image++;
	p->exe = leak_intern(pfd_tracee_exe(t));
}

/* ---- the report ------------------------------------------------------------------------ */

static struct {
	unsigned processes, fds, deleted, suppressed;
	uint64_t pinned;
	struct pfd_sarif *sarif;
} total;

struct proc_totals {
	unsigned fds, deleted, suppressed;
	uint64_t pinned;
};

/* What one open fd at exit is: its description and, if the trace made it,
 * its record (NULL: it existed before, or came by a way nobody traps). */
struct leak {
	pid_t pid;
	int fd;
	const char *exe;
	const struct pfd_target *target;
	const struct leak_rec *rec;
	const struct leak_proc *proc;
	struct pfd_frame frames[PFD_STACK_MAX_FRAMES];
	size_t n_frames;
};

/* A deleted file's blocks stay allocated while the fd is open ("df says
 * full, du says empty"). A memfd never had a name: it is not counted. */
static bool deleted_file(const struct pfd_target *t)
{
	return t->deleted && t->kind != PFD_KIND_MEMFD;
}

static uint64_t pinned_bytes(const struct pfd_target *t)
{
	return deleted_file(t) && t->have_stat ? t->blocks * 512 : 0;
}

static bool crossed_exec(const struct leak *l)
{
	return l->rec && l->rec->image < l->proc->image;
}

static bool cloexec_known(const struct pfd_target *t, bool *on)
{
	*on = t->have_fdinfo && (t->fd_flags & O_CLOEXEC);
	return t->have_fdinfo;
}

static void symbolize(struct leak *l)
{
	const struct pfd_stack *s = l->rec ? l->rec->stack : NULL;
	l->n_frames = 0;
	for (size_t i = 0; s && i < pfd_stack_depth(s) && i < PFD_STACK_MAX_FRAMES; i++)
		if (pfd_stack_frame(s, i, &l->frames[l->n_frames]) == 0)
			l->n_frames++;
}

static void view_of(const struct leak *l, struct pfd_leak_view *v)
{
	*v = (struct pfd_leak_view){
		.pid = l->pid, .fd = l->fd, .exe = l->exe,
		.syscall = l->rec ? l->rec->syscall : NULL,
		.kind = pfd_target_kind_name(l->target->kind),
		.path = l->target->name_len ? l->target->name : "",
		.deleted = deleted_file(l->target), .bytes_pinned = pinned_bytes(l->target),
		.frames = l->frames, .n_frames = l->n_frames,
	};
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* What the fd holds, in a few words: "deleted file "/tmp/x" (36 bytes, pins
 * 4096 bytes of disk)", "pipe:[1234] (read end)". */
static void held_phrase(struct pfd_buf *b, const struct pfd_target *t)
{
	bool sized = t->have_stat && (t->kind == PFD_KIND_REGULAR || t->kind == PFD_KIND_MEMFD);
	if (t->kind == PFD_KIND_REGULAR)
		pfd_buf_puts(b, deleted_file(t) ? "deleted file " : "file ");
	else if (t->kind == PFD_KIND_DIRECTORY)
		pfd_buf_puts(b, t->deleted ? "removed directory " : "directory ");
	else if (t->kind == PFD_KIND_MEMFD)
		pfd_buf_puts(b, "memfd ");
	else if (pfd_target_nameable(t))
		pfd_buf_puts(b, pfd_target_kind_name(t->kind)), pfd_buf_putc(b, ' ');
	pfd_buf_quote(b, t->name, t->name_len);
	if (t->kind == PFD_KIND_PIPE)
		pfd_buf_puts(b, (t->link_mode & 0200) ? " (write end)" : " (read end)");
	if (!sized)
		return;
	pfd_buf_puts(b, " (");
	pfd_buf_uint(b, t->size);
	pfd_buf_puts(b, " bytes");
	if (pinned_bytes(t)) {
		pfd_buf_puts(b, ", pins ");
		pfd_buf_uint(b, pinned_bytes(t));
		pfd_buf_puts(b, " bytes of disk");
	}
	pfd_buf_putc(b, ')');
}

static void leak_title(struct pfd_buf *b, const struct leak *l)
{
	pfd_buf_clear(b);
	pfd_buf_puts(b, "fd ");
	pfd_buf_int(b, l->fd);
	pfd_buf_puts(b, " open at exit of pid ");
	pfd_buf_int(b, l->pid);
	pfd_buf_puts(b, " (");
	pfd_buf_puts(b, base_name(l->exe));
	pfd_buf_puts(b, "): ");
	held_phrase(b, l->target);
}

static void write_opened_by(struct pfd_writer *w, const struct leak *l)
{
	if (!l->rec) {
		pfd_w_null(w, "opened_by");
		return;
	}
	pfd_w_object(w, "opened_by");
	pfd_w_str(w, "syscall", l->rec->syscall);
	pfd_w_int(w, "pid", l->rec->pid);
	pfd_w_int(w, "tid", l->rec->tid);
	pfd_w_stack(w, "backtrace", l->rec->stack);
	pfd_w_end(w);
}

static void write_structured(struct pfd_writer *w, const struct leak *l, const char *supp)
{
	bool on;
	pfd_w_int(w, "fd", l->fd);
	pfd_w_bytes(w, "exe", l->exe, strlen(l->exe));
	pfd_w_bool(w, "inherited", l->rec == NULL);
	pfd_w_object(w, "target");
	pfd_write_target_fields(w, l->target);
	if (l->target->have_stat)
		pfd_w_uint(w, "size", l->target->size);
	else
		pfd_w_null(w, "size");
	pfd_w_uint(w, "bytes_pinned", pinned_bytes(l->target));
	pfd_w_end(w);
	write_opened_by(w, l);
	if (cloexec_known(l->target, &on))
		pfd_w_bool(w, "cloexec", on);
	else
		pfd_w_null(w, "cloexec");
	if (crossed_exec(l)) {
		pfd_w_object(w, "crossed_exec");
		pfd_w_bytes(w, "from", l->rec->exe, strlen(l->rec->exe));
		pfd_w_bytes(w, "to", l->proc->exe, strlen(l->proc->exe));
		pfd_w_end(w);
	} else {
		pfd_w_null(w, "crossed_exec");
	}
	if (supp)
		pfd_w_str(w, "suppression", supp);
}

/* valgrind's layout: the fd, then where it was opened, frame by frame. */
static void write_text(struct pfd_writer *w, const struct leak *l, const char *supp)
{
	static struct pfd_buf line = PFD_BUF_INIT;
	pfd_buf_clear(&line);
	pfd_target_text(&line, l->target);
	pfd_w_text(w, pfd_buf_str(&line));
	pfd_buf_clear(&line);
	if (l->rec) {
		pfd_buf_puts(&line, "opened by ");
		pfd_buf_puts(&line, l->rec->syscall);
		pfd_buf_puts(&line, " in pid ");
		pfd_buf_int(&line, l->rec->pid);
		pfd_buf_puts(&line, ", tid ");
		pfd_buf_int(&line, l->rec->tid);
		if (l->rec->stack)
			pfd_w_stack(w, pfd_buf_str(&line), l->rec->stack);
		else
			pfd_w_text(w, pfd_buf_str(&line));
	} else {
		pfd_w_text(w, "open before the trace began (inherited)");
	}
	if (crossed_exec(l)) {
		pfd_buf_clear(&line);
		pfd_buf_puts(&line, "crossed execve without O_CLOEXEC: ");
		pfd_buf_quote(&line, l->rec->exe, strlen(l->rec->exe));
		pfd_buf_puts(&line, " -> ");
		pfd_buf_quote(&line, l->proc->exe, strlen(l->proc->exe));
		pfd_w_text(w, pfd_buf_str(&line));
	}
	if (supp)
		pfd_w_text(w, supp);
}

static void report(struct leak *l, struct proc_totals *pt)
{
	static struct pfd_buf title = PFD_BUF_INIT, supp = PFD_BUF_INIT;
	struct pfd_leak_view v;

	/* the frames, symbolized, are for suppressions, generated ones and
	 * SARIF; the report itself symbolizes as it writes */
	if (cfg.supp || cfg.gen_suppressions || total.sarif)
		symbolize(l);
	else
		l->n_frames = 0;
	view_of(l, &v);
	if (cfg.supp && pfd_supp_match(cfg.supp, &v)) {
		pt->suppressed++;
		return;
	}
	pfd_buf_clear(&supp);
	if (cfg.gen_suppressions)
		pfd_supp_generate(&v, &supp);
	struct pfd_writer *w = pfd_event_begin("leak", l->pid);
	leak_title(&title, l);
	pfd_w_title(w, pfd_buf_str(&title));
	pfd_w_json_only(w, true);
	write_structured(w, l, cfg.gen_suppressions ? pfd_buf_str(&supp) : NULL);
	pfd_w_json_only(w, false);
	pfd_w_text_only(w, true);
	write_text(w, l, cfg.gen_suppressions ? pfd_buf_str(&supp) : NULL);
	pfd_w_text_only(w, false);
	pfd_event_end(w);
	if (total.sarif)
		pfd_sarif_add(total.sarif, &v, pfd_buf_str(&title));
	pt->fds++;
	pt->deleted += deleted_file(l->target);
	pt->pinned += pinned_bytes(l->target);
}

/* The record still describes the open fd: same inode (an fd closed and
 * made again by a way nobody traps, io_uring's, would not be). */
static bool record_matches(const struct leak_rec *r, const struct pfd_target *t)
{
	if (!r->have_id || !t->have_stat)
		return true;
	return r->ino == t->ino && LEAK_DEV_FITS(t->dev_major, t->dev_minor) &&
	       r->dev == LEAK_DEV(t->dev_major, t->dev_minor);
}

/* What a leak shows of the target: the JSON has no text_target/name_target
 * and the text line omits them when not looked up, so the lookup of the
 * text in the root (a path walk per fd) is skipped; the access mode comes
 * from fdinfo's flags, read anyway for cloexec. */
#define LEAK_DESCRIBE PFD_DESCRIBE_NO_LOOKUP

static void check_fd(struct leak *l, const struct pfd_fd_dir *dir, pid_t tid,
		     struct proc_totals *pt)
{
	static struct pfd_target target;
	const struct leak_rec *r = leak_table_get(l->proc->table, l->fd);
	if (!r && !cfg.all)
		return;
	if (pfd_describe_fd_in(dir, l->fd, tid, LEAK_DESCRIBE, &target) < 0)
		return; /* closed meanwhile by another thread of a shared table */
	l->target = &target;
	l->rec = r && record_matches(r, &target) ? r : NULL;
	if (l->rec || cfg.all)
		report(l, pt);
}

static void write_summary(pid_t pid, const char *exe, const struct proc_totals *pt)
{
	char title[PATH_MAX + 256];
	snprintf(title, sizeof(title), "%u fd%s open at exit of pid %d (%s)%s", pt->fds,
		 pt->fds == 1 ? "" : "s", pid, exe, pt->deleted ? "," : "");
	if (pt->deleted)
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 " %u deleted file%s pinning %llu bytes", pt->deleted,
			 pt->deleted == 1 ? "" : "s", (unsigned long long)pt->pinned);
	if (pt->suppressed)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), " (%u suppressed)",
			 pt->suppressed);
	struct pfd_writer *w = pfd_event_begin("leak_summary", pid);
	pfd_w_title(w, title);
	pfd_w_json_only(w, true);
	pfd_w_bytes(w, "exe", exe, strlen(exe));
	pfd_w_uint(w, "fds", pt->fds);
	pfd_w_uint(w, "deleted", pt->deleted);
	pfd_w_uint(w, "bytes_pinned", pt->pinned);
	pfd_w_uint(w, "suppressed", pt->suppressed);
	pfd_event_end(w);
}

/* The process's last thread is at PTRACE_EVENT_EXIT: its fds are still
 * there, read through that thread (the leader may be a zombie already). */
static void leak_on_exit_process(struct pfd_tracee *t, const struct pfd_exit *e)
{
	struct leak_proc *p = proc_of(t);
	struct proc_totals pt = { 0 };
	struct pfd_fd_dir fds;
	char dir[64];
	pid_t tid = pfd_tracee_tid(t);

	total.processes++;
	if (!p || !e->live || p->table->refs > 1)
		return; /* gone already, or another process still has this table */
	if (pfd_fd_dir_open(&fds, tid) < 0)
		return;
	snprintf(dir, sizeof(dir), "/proc/%d/fd", tid);
	DIR *d = opendir(dir);
	if (!d) {
		pfd_fd_dir_close(&fds);
		return;
	}
	struct leak l = { .pid = pfd_tracee_pid(t), .exe = p->exe ? p->exe : "", .proc = p };
	for (struct dirent *de; (de = readdir(d));) {
		char *end;
		long fd = strtol(de->d_name, &end, 10);
		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end || fd > INT32_MAX)
			continue;
		l.fd = (int)fd;
		check_fd(&l, &fds, tid, &pt);
	}
	closedir(d);
	pfd_fd_dir_close(&fds);
	if (pt.fds || pt.suppressed)
		write_summary(l.pid, l.exe, &pt);
	total.fds += pt.fds;
	total.deleted += pt.deleted;
	total.pinned += pt.pinned;
	total.suppressed += pt.suppressed;
	if (pt.fds && cfg.error_exitcode)
		pfd_request_exit_code(cfg.error_exitcode);
}

/* ---- start and end ------------------------------------------------------------------------ */

/* Our own command line, for SARIF's invocation. */
static char **read_cmdline(void)
{
	static char buf[65536];
	static char *argv[512];
	size_t n = 0, argc = 0;
	FILE *f = fopen("/proc/self/cmdline", "re");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	for (size_t i = 0; i < n && argc + 1 < sizeof(argv) / sizeof(argv[0]);
	     i += strlen(buf + i) + 1)
		argv[argc++] = buf + i;
	argv[argc] = NULL;
	return argv;
}

static int leak_init(void)
{
	if (!cfg.sarif_path)
		return 0;
	cfg.argv = read_cmdline();
	total.sarif = pfd_sarif_new(PFD_VERSION, cfg.argv);
	return total.sarif ? 0 : -ENOMEM;
}

static void print_used(const char *name, unsigned hits, void *arg)
{
	char line[512];
	snprintf(line, sizeof(line), "used suppression: %u %s", hits, name);
	pfd_w_text(arg, line);
}

static void leak_on_finish(void)
{
	char title[256];
	snprintf(title, sizeof(title), "leaks: %u fd%s open at exit in %u process%s", total.fds,
		 total.fds == 1 ? "" : "s", total.processes, total.processes == 1 ? "" : "es");
	if (total.deleted)
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 ", %u deleted file%s pinning %llu bytes", total.deleted,
			 total.deleted == 1 ? "" : "s", (unsigned long long)total.pinned);
	if (total.suppressed)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), ", %u suppressed",
			 total.suppressed);
	struct pfd_writer *w = pfd_event_begin("leak_total", 0);
	pfd_w_title(w, title);
	pfd_w_json_only(w, true);
	pfd_w_uint(w, "processes", total.processes);
	pfd_w_uint(w, "fds", total.fds);
	pfd_w_uint(w, "deleted", total.deleted);
	pfd_w_uint(w, "bytes_pinned", total.pinned);
	pfd_w_uint(w, "suppressed", total.suppressed);
	pfd_w_json_only(w, false);
	if (cfg.supp)
		pfd_supp_foreach_used(cfg.supp, print_used, w);
	pfd_event_end(w);
	if (total.sarif) {
		int rc = pfd_sarif_write(total.sarif, cfg.sarif_path);
		total.sarif = NULL;
		if (rc < 0)
			fprintf(stderr, "procfd-trace: --sarif %s: %s\n", cfg.sarif_path, strerror(-rc));
	}
	pfd_supp_free(cfg.supp);
	cfg.supp = NULL;
}

const struct pfd_plugin pfd_plugin_leaks = {
	.name = "leaks",
	.api = PFD_PLUGIN_API,
	.traps = leak_traps,
	.proc_state = { .size = sizeof(struct leak_proc), .fini = leak_proc_fini },
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
