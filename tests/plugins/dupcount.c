/* procfd-trace: an example plugin, built only for the tests
 * (build/tests/procfd-trace-example). It proves that a new analysis is a new
 * file on the public API, with no engine change:
 *
 *   - a trap on a call that takes no path, with an argument condition:
 *     fcntl (and i386's fcntl64) only with F_DUPFD or F_DUPFD_CLOEXEC, so
 *     F_GETFD & co. never stop the tracee;
 *   - per-process state: the dups each process made, and how it began;
 *   - a fork event: a child starts from what its parent had made, when it
 *     got a copy of the fd table;
 *   - exec and process-exit events, and an event of its own, "dupcount",
 *     written at each process's end (its last thread's PTRACE_EVENT_EXIT,
 *     while its fds are still there), built as fields only; its text
 *     layout, registered at init, reads those fields to make the headline
 *     and leaves every field to the default layout ("    dups: 2");
 * It reports each trapped fcntl as a call too, with the new fd (fields no
 * layout claims: text shows them in the default layout). */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include <procfd/plugin.h>

#define FCNTL_DUP(name) { .syscall = name, .op = PFD_ARG_IN, .arg = 1, .n_values = 2, \
			  .values = { F_DUPFD, F_DUPFD_CLOEXEC } }

static const struct pfd_trap dupcount_traps[] = {
	FCNTL_DUP("fcntl"),
	FCNTL_DUP("fcntl64"),
	{ 0 },
};

struct dup_state {
	unsigned dups;       /* successful F_DUPFD* of this process */
	unsigned cloexec;    /* of them, F_DUPFD_CLOEXEC */
	unsigned inherited;  /* the parent's count at fork, when the table was copied */
	pid_t parent;        /* the traced parent, 0 for the first process */
	const char *files;   /* "copied", "shared", "unknown", or NULL */
	unsigned execs;
	int last_fd;
};

extern const struct pfd_plugin dupcount_plugin;

static unsigned dup_on_enter(struct pfd_tracee *t, struct pfd_call *c,
			     const struct pfd_trap *trap)
{
	(void)t;
	(void)c;
	(void)trap;
	return PFD_NEED_EXIT | PFD_REPORT;
}

static unsigned dup_on_exit(struct pfd_tracee *t, struct pfd_call *c)
{
	struct dup_state *s = pfd_proc_state(t, &dupcount_plugin);
	if (s && c->finished && !c->err) {
		s->dups++;
		s->cloexec += (c->args[1] & UINT32_MAX) == F_DUPFD_CLOEXEC;
		s->last_fd = (int)c->result;
	}
	return PFD_PASS;
}

static void dup_on_report(const struct pfd_call *c, struct pfd_writer *w)
{
	pfd_w_str(w, "dup_cmd", (c->args[1] & UINT32_MAX) == F_DUPFD ? "F_DUPFD"
								      : "F_DUPFD_CLOEXEC");
	pfd_w_int(w, "new_fd", c->finished ? c->result : -1);
}

static const char *files_name(enum pfd_files f)
{
	return f == PFD_FILES_COPIED ? "copied" : f == PFD_FILES_SHARED ? "shared" : "unknown";
}

static void dup_on_fork(const struct pfd_fork *f)
{
	if (f->kind == PFD_CLONE_THREAD)
		return; /* same process, same state */
	struct dup_state *parent = pfd_proc_state(f->parent, &dupcount_plugin);
	struct dup_state *child = pfd_proc_state(f->child, &dupcount_plugin);
	if (!parent || !child)
		return;
	child->parent = pfd_tracee_pid(f->parent);
	child->files = files_name(f->files);
	if (f->files == PFD_FILES_COPIED)
		child->inherited = parent->dups + parent->inherited;
}

static void dup_on_exec(struct pfd_tracee *t, const struct pfd_exec *e)
{
	struct dup_state *s = pfd_proc_state(t, &dupcount_plugin);
	if (s && e->phase == PFD_EXEC_DONE)
		s->execs++;
}

static void dup_on_exit_process(struct pfd_tracee *t, const struct pfd_exit *e)
{
	struct dup_state *s = pfd_proc_state(t, &dupcount_plugin);
	if (!s)
		return;
	struct pfd_writer *w = pfd_event_begin("dupcount", pfd_tracee_pid(t));
	pfd_w_int(w, "last_tid", pfd_tracee_tid(t));
	pfd_w_uint(w, "dups", s->dups);
	pfd_w_uint(w, "cloexec", s->cloexec);
	pfd_w_uint(w, "inherited", s->inherited);
	if (s->parent)
		pfd_w_int(w, "parent", s->parent);
	else
		pfd_w_null(w, "parent");
	pfd_w_str(w, "files", s->files);
	pfd_w_uint(w, "execs", s->execs);
	pfd_w_bool(w, "live", e->live);
	pfd_w_bytes(w, "exe", pfd_tracee_exe(t), strlen(pfd_tracee_exe(t)));
	pfd_event_end(w);
}

/* Text: "[pid N] dupcount: 2 dups (1 with O_CLOEXEC), 0 inherited", then
 * every field in the default layout ("    dups: 2"), but exe: the tracee's
 * bytes, which a JSON trace reads back as a plain string, so the layout
 * says they are quoted. */
static void dupcount_text(const struct pfd_event *ev, struct pfd_text *t)
{
	char title[128];
	struct pfd_buf line = PFD_BUF_INIT, bytes = PFD_BUF_INIT;
	snprintf(title, sizeof(title), "dupcount: %llu dups (%llu with O_CLOEXEC), %llu inherited",
		 (unsigned long long)pfd_f_uint(pfd_event_get(ev, "dups")),
		 (unsigned long long)pfd_f_uint(pfd_event_get(ev, "cloexec")),
		 (unsigned long long)pfd_f_uint(pfd_event_get(ev, "inherited")));
	pfd_text_headline(t, pfd_event_pid(ev), title);
	for (const struct pfd_field *f = pfd_event_first(ev); f; f = pfd_f_next(f)) {
		size_t len = 0;
		const char *exe = strcmp(pfd_f_key(f), "exe") == 0 ? pfd_f_bytes(f, &bytes, &len) : NULL;
		if (!exe) {
			pfd_text_field(t, f);
			continue;
		}
		pfd_buf_puts(&line, "exe: ");
		pfd_buf_quote(&line, exe, len);
		pfd_text_row(t, pfd_buf_str(&line));
	}
	pfd_buf_free(&line);
	pfd_buf_free(&bytes);
}

static const struct pfd_text_layout dupcount_layout = {
	.kind = "dupcount", .render = dupcount_text,
};

static int dup_init(void)
{
	return pfd_text_layout(&dupcount_layout);
}

const struct pfd_plugin dupcount_plugin = {
	.name = "dupcount",
	.api = PFD_PLUGIN_API,
	.traps = dupcount_traps,
	.proc_state = { .size = sizeof(struct dup_state) },
	.on_enter = dup_on_enter,
	.on_exit = dup_on_exit,
	.on_report = dup_on_report,
	.on_fork = dup_on_fork,
	.on_exec = dup_on_exec,
	.on_exit_process = dup_on_exit_process,
	.init = dup_init,
};
