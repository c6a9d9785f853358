/* procfd-trace: the leak tracker (--leaks): the report.
 *
 * One report per leaked description, written when no fd table refers to
 * it any more (its last possible holder has exited) or at the end: the
 * file it is, the call that made it, the dup that put it at its number,
 * and every process that held it at exit. Suppressions apply per holder
 * (make's own job pipe is deliberate in make, not in the program that
 * inherited it); a description whose every holder is suppressed is one
 * suppressed leak. Totals count descriptions, and a deleted file's bytes
 * once per inode. */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfd/plugin.h"
#include "tracer/plugins/leaks/leaks_impl.h"

#ifndef PFD_VERSION
#define PFD_VERSION "0.1"
#endif

static struct {
	unsigned processes, leaks, fds, deleted, suppressed;
	unsigned lost; /* fds or reports memory ran out for */
	uint64_t pinned;
	struct pfd_sarif *sarif;
	char **argv;
} total;

void leak_report_count_process(void)
{
	total.processes++;
}

void leak_report_lost(unsigned n)
{
	total.lost += n;
}

bool leak_exe_selected(const char *exe)
{
	if (!leak_cfg.n_exe_globs)
		return true;
	const char *slash = exe ? strrchr(exe, '/') : NULL;
	const char *base = slash ? slash + 1 : exe ? exe : "";
	for (unsigned i = 0; i < leak_cfg.n_exe_globs; i++) {
		const char *g = leak_cfg.exe_globs[i];
		/* a pattern without '/' is about the program's name */
		if (fnmatch(g, strchr(g, '/') ? (exe ? exe : "") : base, 0) == 0)
			return true;
	}
	return false;
}

/* ---- deleted files, counted once per inode ---------------------------------------- */

static struct {
	uint64_t *keys; /* dev << 44 ^ ino, 0 = empty (an inode 0 is never held) */
	size_t cap, used;
} inodes;

static uint64_t inode_key(const struct pfd_target *t)
{
	return ((uint64_t)t->dev_major << 52 | (uint64_t)t->dev_minor << 32) ^ t->ino;
}

/* Whether the inode is counted now for the first time. */
static bool first_count(uint64_t key)
{
	if ((inodes.used + 1) * 2 > inodes.cap) {
		size_t cap = inodes.cap ? inodes.cap * 2 : 64;
		uint64_t *k = calloc(cap, sizeof(*k));
		if (!k)
			return true; /* counted twice rather than lost */
		for (size_t i = 0; i < inodes.cap; i++)
			for (size_t j = inodes.keys[i] % cap; inodes.keys[i]; j = (j + 1) % cap)
				if (!k[j]) {
					k[j] = inodes.keys[i];
					break;
				}
		free(inodes.keys);
		inodes.keys = k;
		inodes.cap = cap;
	}
	size_t j = key % inodes.cap;
	for (; inodes.keys[j]; j = (j + 1) % inodes.cap)
		if (inodes.keys[j] == key)
			return false;
	inodes.keys[j] = key;
	inodes.used++;
	return true;
}

/* ---- the description, in words ------------------------------------------------------ */

/* A deleted file's blocks stay allocated while the fd is open ("df says
 * full, du says empty"). A memfd never had a name: it is not counted. */
static bool deleted_file(const struct pfd_target *t)
{
	return t->deleted && pfd_fdesc_kind(&t->fdesc) != PFD_KIND_MEMFD;
}

static uint64_t pinned_bytes(const struct pfd_target *t)
{
	return deleted_file(t) && t->have_stat ? t->blocks * 512 : 0;
}

/* What the fd holds, in a few words: "deleted file "/tmp/x" (36 bytes, pins
 * 4096 bytes of disk)", "pipe:[1234] (read end)", and for what has no path,
 * the class's own words: "socket TCP 127.0.0.1:34567 -> 127.0.0.1:80
 * (established)", "net namespace 4026531833". */
static void held_phrase(struct pfd_buf *b, const struct pfd_target *t)
{
	enum pfd_kind kind = pfd_fdesc_kind(&t->fdesc);
	bool sized = t->have_stat && pfd_fdesc_has_size(&t->fdesc) &&
		     (kind == PFD_KIND_REGULAR || kind == PFD_KIND_MEMFD);
	if (t->fdesc.cls && (kind == PFD_KIND_SOCKET || kind == PFD_KIND_ANON_INODE ||
			     kind == PFD_KIND_NSFS || kind == PFD_KIND_MQUEUE ||
			     kind == PFD_KIND_CHAR_DEVICE || kind == PFD_KIND_OTHER)) {
		pfd_fdesc_text(b, &t->fdesc);
		return;
	}
	if (kind == PFD_KIND_REGULAR)
		pfd_buf_puts(b, deleted_file(t) ? "deleted file " : "file ");
	else if (kind == PFD_KIND_DIRECTORY)
		pfd_buf_puts(b, t->deleted ? "removed directory " : "directory ");
	else if (kind == PFD_KIND_MEMFD)
		pfd_buf_puts(b, "memfd ");
	else if (pfd_target_nameable(t))
		pfd_buf_puts(b, pfd_fdesc_kind_name(&t->fdesc)), pfd_buf_putc(b, ' ');
	pfd_buf_quote(b, t->name, t->name_len);
	if (kind == PFD_KIND_PIPE)
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

static void quote_exe(struct pfd_buf *b, const char *exe)
{
	pfd_buf_quote(b, exe, strlen(exe));
}

/* "pid 12 (prog)" */
static void put_holder(struct pfd_buf *b, const struct leak_holder *h)
{
	pfd_buf_puts(b, "pid ");
	pfd_buf_int(b, h->pid);
	pfd_buf_puts(b, " (");
	pfd_put_program_name(b, h->exe);
	pfd_buf_putc(b, ')');
}

/* "fd 3 open at exit of pid 12 (prog): file "/etc/hostname" (3 bytes)" */
static void leak_title(struct pfd_buf *b, const struct leak_holder *h, unsigned n_holders,
		       const struct pfd_target *t)
{
	pfd_buf_clear(b);
	pfd_buf_puts(b, "fd ");
	pfd_buf_int(b, h->fd);
	pfd_buf_puts(b, " open at exit of ");
	put_holder(b, h);
	if (n_holders > 1) {
		pfd_buf_puts(b, " and ");
		pfd_buf_uint(b, n_holders - 1);
		pfd_buf_puts(b, n_holders == 2 ? " more fd" : " more fds");
	}
	pfd_buf_puts(b, ": ");
	held_phrase(b, t);
}

/* ---- one leak -------------------------------------------------------------------------- */

/* A leak as written: the description and the holders still to show. */
struct leak {
	const struct leak_desc *d;
	const struct pfd_target *target;
	const struct leak_holder *shown; /* the holder the event is about */
	bool show_installed;             /* shown is the primary: its dup is known */
	const struct leak_holder **holders;
	unsigned n;
	struct pfd_frame frames[PFD_STACK_MAX_FRAMES];
	size_t n_frames;
};

static const char *origin_name(enum leak_origin o)
{
	return o == LEAK_MADE ? "trace" : o == LEAK_INHERITED ? "inherited" : "unknown";
}

static void symbolize(struct leak *l)
{
	const struct pfd_stack *s = l->d->origin == LEAK_MADE ? l->d->made.stack : NULL;
	l->n_frames = pfd_stack_symbolize(s, l->frames, PFD_STACK_MAX_FRAMES);
}

static void view_of(const struct leak *l, const struct leak_holder *h, struct pfd_leak_view *v)
{
	const struct pfd_target *t = l->target;
	*v = (struct pfd_leak_view){
		.pid = h->pid, .fd = h->fd, .exe = h->exe,
		.syscall = l->d->origin == LEAK_MADE ? l->d->made.syscall : NULL,
		.kind = pfd_fdesc_kind_name(&t->fdesc),
		.path = t->name_len ? t->name : "",
		.deleted = deleted_file(t), .bytes_pinned = pinned_bytes(t),
		.frames = l->frames, .n_frames = l->n_frames,
	};
}

/* A recorded stack, symbolized by the stack service; null when none was
 * captured. */
static void write_stack(struct pfd_writer *w, const char *key, const struct pfd_stack *s)
{
	struct pfd_frame frames[PFD_STACK_MAX_FRAMES];
	if (!s) {
		pfd_w_null(w, key);
		return;
	}
	pfd_w_frames(w, key, frames, pfd_stack_symbolize(s, frames, PFD_STACK_MAX_FRAMES));
}

static void write_site(struct pfd_writer *w, const char *key, const struct leak_site *s, int fd)
{
	pfd_w_object(w, key);
	pfd_w_str(w, "syscall", s->syscall);
	pfd_w_int(w, "pid", s->pid);
	pfd_w_int(w, "tid", s->tid);
	if (fd >= 0)
		pfd_w_int(w, "fd", fd);
	pfd_w_bytes(w, "exe", s->exe ? s->exe : "", s->exe ? strlen(s->exe) : 0);
	write_stack(w, "backtrace", s->stack);
	if (s->spawn)
		write_stack(w, "spawned_at", s->spawn);
	else
		pfd_w_null(w, "spawned_at");
	pfd_w_end(w);
}

static void write_cloexec(struct pfd_writer *w, int8_t cloexec)
{
	if (cloexec < 0)
		pfd_w_null(w, "cloexec");
	else
		pfd_w_bool(w, "cloexec", cloexec);
}

static void write_crossed(struct pfd_writer *w, const struct leak_holder *h)
{
	if (!h->crossed_from) {
		pfd_w_null(w, "crossed_exec");
		return;
	}
	pfd_w_object(w, "crossed_exec");
	pfd_w_bytes(w, "from", h->crossed_from, strlen(h->crossed_from));
	pfd_w_bytes(w, "to", h->exe, strlen(h->exe));
	pfd_w_end(w);
}

static void write_holders(struct pfd_writer *w, const struct leak *l)
{
	pfd_w_array(w, "held_by");
	for (unsigned i = 0; i < l->n; i++) {
		const struct leak_holder *h = l->holders[i];
		pfd_w_object(w, NULL);
		pfd_w_int(w, "pid", h->pid);
		pfd_w_bytes(w, "exe", h->exe, strlen(h->exe));
		pfd_w_int(w, "fd", h->fd);
		write_cloexec(w, h->cloexec);
		write_crossed(w, h);
		pfd_w_end(w);
	}
	pfd_w_end(w);
}

/* No holder's fd may be a later one of the same file than its record's. */
static bool certain(const struct leak *l)
{
	for (unsigned i = 0; i < l->n; i++)
		if (l->holders[i]->uncertain)
			return false;
	return true;
}

static void write_structured(struct pfd_writer *w, const struct leak *l, const char *supp)
{
	const struct leak_desc *d = l->d;
	pfd_w_int(w, "fd", l->shown->fd);
	pfd_w_bytes(w, "exe", l->shown->exe, strlen(l->shown->exe));
	pfd_w_str(w, "origin", origin_name(d->origin));
	pfd_w_bool(w, "certain", certain(l));
	pfd_w_bool(w, "inherited", d->origin == LEAK_INHERITED);
	pfd_w_object(w, "target");
	pfd_write_target_fields(w, l->target);
	if (l->target->have_stat && pfd_fdesc_has_size(&l->target->fdesc))
		pfd_w_uint(w, "size", l->target->size);
	else
		pfd_w_null(w, "size");
	pfd_w_uint(w, "bytes_pinned", pinned_bytes(l->target));
	pfd_w_end(w);
	if (d->origin == LEAK_MADE)
		write_site(w, "opened_by", &d->made, -1);
	else
		pfd_w_null(w, "opened_by");
	if (l->show_installed && d->report->installed.syscall)
		write_site(w, "installed_by", &d->report->installed, l->shown->fd);
	else
		pfd_w_null(w, "installed_by");
	write_holders(w, l);
	write_cloexec(w, l->shown->cloexec);
	write_crossed(w, l->shown);
	if (supp)
		pfd_w_str(w, "suppression", supp);
}

/* "pid 12 (dash) as fd 3, crossed execve without O_CLOEXEC from "prog"" */
static void holder_phrase(struct pfd_buf *b, const struct leak_holder *h)
{
	put_holder(b, h);
	pfd_buf_puts(b, " as fd ");
	pfd_buf_int(b, h->fd);
	if (h->crossed_from) {
		pfd_buf_puts(b, ", crossed execve without O_CLOEXEC");
		if (*h->crossed_from) {
			pfd_buf_puts(b, " from ");
			quote_exe(b, h->crossed_from);
		}
	}
}

/* "made by socket in pid 12, tid 12:" and the frames; "spawned at:" and the
 * parent's frames when a child made it before its exec. */
static void text_site(struct pfd_writer *w, struct pfd_buf *line, const char *what,
		      const struct leak_site *s, int fd)
{
	pfd_buf_clear(line);
	pfd_buf_puts(line, what);
	if (fd >= 0) {
		pfd_buf_puts(line, " as fd ");
		pfd_buf_int(line, fd);
	}
	pfd_buf_puts(line, " by ");
	pfd_buf_puts(line, s->syscall);
	pfd_buf_puts(line, " in pid ");
	pfd_buf_int(line, s->pid);
	pfd_buf_puts(line, ", tid ");
	pfd_buf_int(line, s->tid);
	if (s->stack)
		write_stack(w, pfd_buf_str(line), s->stack);
	else
		pfd_w_text(w, pfd_buf_str(line));
	if (s->spawn)
		write_stack(w, "  in a child spawned at", s->spawn);
}

static const char *origin_sentence(enum leak_origin o)
{
	return o == LEAK_INHERITED ? "open before the trace began (inherited)"
				   : "made by no traced call: unknown origin (io_uring, or a "
				     "call procfd-trace does not trap)";
}

/* valgrind's layout: the fd, then where it was made, frame by frame. */
static void write_text(struct pfd_writer *w, const struct leak *l, const char *supp)
{
	static struct pfd_buf line = PFD_BUF_INIT;
	const struct leak_desc *d = l->d;
	pfd_buf_clear(&line);
	pfd_target_text(&line, l->target);
	pfd_w_text(w, pfd_buf_str(&line));
	if (l->n > 1 || l->shown->crossed_from) { /* else the title says it all */
		pfd_buf_clear(&line);
		pfd_buf_puts(&line, "held by ");
		holder_phrase(&line, l->shown);
		pfd_w_text(w, pfd_buf_str(&line));
	}
	for (unsigned i = 0; i < l->n; i++) {
		if (l->holders[i] == l->shown)
			continue;
		pfd_buf_clear(&line);
		pfd_buf_puts(&line, "also held by ");
		holder_phrase(&line, l->holders[i]);
		pfd_w_text(w, pfd_buf_str(&line));
	}
	if (!certain(l))
		pfd_w_text(w, "uncertain: this process used io_uring or fanotify, which install fds "
			      "without a traced call: the fd may be a later one of the same file "
			      "than the one made below");
	if (d->origin == LEAK_MADE)
		text_site(w, &line, "opened", &d->made, -1);
	else
		pfd_w_text(w, origin_sentence(d->origin));
	if (l->show_installed && d->report->installed.syscall)
		text_site(w, &line, "installed", &d->report->installed, l->shown->fd);
	if (supp)
		pfd_w_text_block(w, supp);
}

static void count(const struct leak *l)
{
	total.leaks++;
	total.fds += l->n;
	if (deleted_file(l->target) && first_count(inode_key(l->target))) {
		total.deleted++;
		total.pinned += pinned_bytes(l->target);
	}
	if (leak_cfg.error_exitcode)
		pfd_request_exit_code(leak_cfg.error_exitcode);
}

/* Whether an entry covers the fd of holder h as the dup that put it at its
 * number made it: a shell's `exec 6>&1` of a description a program opened
 * is the shell's redirection in every process that inherits fd 6. */
static bool installer_suppressed(const struct leak *l, const struct leak_holder *h,
				 struct pfd_leak_view *v)
{
	static struct pfd_frame frames[PFD_STACK_MAX_FRAMES];
	if (!h->inst_syscall || !h->inst_stack)
		return false;
	view_of(l, h, v);
	v->syscall = h->inst_syscall;
	v->frames = frames;
	v->n_frames = pfd_stack_symbolize(h->inst_stack, frames, PFD_STACK_MAX_FRAMES);
	return pfd_supp_match(leak_cfg.supp, v) != NULL;
}

/* The holders no suppression covers, into l->holders: an entry matches the
 * call that made the description, or the dup that installed the holder's
 * fd. */
static void unsuppressed_holders(struct leak *l, const struct leak_report *r)
{
	struct pfd_leak_view v;
	l->n = 0;
	for (unsigned i = 0; i < r->n_holders; i++) {
		const struct leak_holder *h = &r->holders[i];
		view_of(l, h, &v);
		if (leak_cfg.supp && (pfd_supp_match(leak_cfg.supp, &v) ||
				      installer_suppressed(l, h, &v)))
			continue;
		l->holders[l->n++] = h;
	}
}

static void write_leak(struct leak *l)
{
	static struct pfd_buf title = PFD_BUF_INIT, supp = PFD_BUF_INIT;
	struct pfd_leak_view v;
	view_of(l, l->shown, &v);
	pfd_buf_clear(&supp);
	if (leak_cfg.gen_suppressions)
		pfd_supp_generate(&v, &supp);
	const char *s = leak_cfg.gen_suppressions ? pfd_buf_str(&supp) : NULL;
	struct pfd_writer *w = pfd_event_begin("leak", l->shown->pid);
	leak_title(&title, l->shown, l->n, l->target);
	pfd_w_title(w, pfd_buf_str(&title));
	pfd_w_json_only(w, true);
	write_structured(w, l, s);
	pfd_w_json_only(w, false);
	pfd_w_text_only(w, true);
	write_text(w, l, s);
	pfd_w_text_only(w, false);
	pfd_event_end(w);
	if (total.sarif)
		pfd_sarif_add(total.sarif, &v, pfd_buf_str(&title));
}

static void report_desc(struct leak_desc *d, void *arg)
{
	(void)arg;
	static struct leak l;
	static const struct leak_holder **holders;
	static unsigned cap;
	const struct leak_report *r = d->report;
	if (!r->target)
		return; /* out of memory when its primary holder ended: counted lost */
	if (r->n_holders > cap) {
		const struct leak_holder **h = realloc(holders, r->n_holders * sizeof(*h));
		if (!h) {
			total.lost++;
			return;
		}
		holders = h;
		cap = r->n_holders;
	}
	l = (struct leak){ .d = d, .target = r->target, .holders = holders };
	/* the frames, symbolized, are for suppressions, generated ones and
	 * SARIF; the report itself symbolizes as it writes */
	if (leak_cfg.supp || leak_cfg.gen_suppressions || total.sarif)
		symbolize(&l);
	unsuppressed_holders(&l, r);
	if (!l.n) {
		total.suppressed++;
		return;
	}
	l.shown = l.holders[0];
	for (unsigned i = 0; i < l.n; i++)
		if (l.holders[i] == &r->holders[r->primary])
			l.shown = l.holders[i];
	l.show_installed = l.shown == &r->holders[r->primary];
	write_leak(&l);
	count(&l);
}

void leak_report_one(struct leak_desc *d)
{
	leak_desc_report_now(d, report_desc, NULL);
}

void leak_report_ready(bool all)
{
	leak_descs_drain(all, report_desc, NULL);
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

/* The shipped suppressions (suppressions/default.supp, built in). */
extern const char pfd_default_suppressions[];

static int load_default_suppressions(void)
{
	char err[512];
	struct pfd_supp_set *set = NULL;
	if (leak_cfg.no_default_supp)
		return 0;
	int rc = pfd_supp_parse(pfd_default_suppressions, strlen(pfd_default_suppressions),
				"default.supp", &set, err, sizeof(err));
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: the default suppressions: %s\n", err);
		return rc;
	}
	leak_add_suppressions(set);
	return 0;
}

int leak_report_init(void)
{
	int rc = load_default_suppressions();
	if (rc < 0 || !leak_cfg.sarif_path)
		return rc;
	total.argv = read_cmdline();
	total.sarif = pfd_sarif_new(PFD_VERSION, total.argv);
	return total.sarif ? 0 : -ENOMEM;
}

static void print_used(const char *name, unsigned hits, void *arg)
{
	char line[512];
	snprintf(line, sizeof(line), "used suppression: %u %s", hits, name);
	pfd_w_text(arg, line);
}

/* "leaks: 2 leaks (3 fds) open at exit in 4 processes, 1 deleted file
 * pinning 4096 bytes, 1 suppressed", from the event's counts. */
static void render_total(const struct pfd_event *ev, struct pfd_text *t)
{
	char title[256];
	uint64_t leaks = pfd_f_uint(pfd_event_get(ev, "leaks"));
	uint64_t fds = pfd_f_uint(pfd_event_get(ev, "fds"));
	uint64_t processes = pfd_f_uint(pfd_event_get(ev, "processes"));
	uint64_t deleted = pfd_f_uint(pfd_event_get(ev, "deleted"));
	uint64_t suppressed = pfd_f_uint(pfd_event_get(ev, "suppressed"));
	snprintf(title, sizeof(title), "leaks: %llu leak%s (%llu fd%s) open at exit in %llu process%s",
		 (unsigned long long)leaks, leaks == 1 ? "" : "s", (unsigned long long)fds,
		 fds == 1 ? "" : "s", (unsigned long long)processes, processes == 1 ? "" : "es");
	if (deleted)
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 ", %llu deleted file%s pinning %llu bytes", (unsigned long long)deleted,
			 deleted == 1 ? "" : "s",
			 (unsigned long long)pfd_f_uint(pfd_event_get(ev, "bytes_pinned")));
	if (suppressed)
		snprintf(title + strlen(title), sizeof(title) - strlen(title), ", %llu suppressed",
			 (unsigned long long)suppressed);
	pfd_text_headline(t, 0, title);
}

/* The counts are the layout's; the used suppressions' lines (text only:
 * the JSON schema has no field for them) follow in the default layout. */
static const char *const total_keys[] = {
	"processes", "leaks", "fds", "deleted", "bytes_pinned", "suppressed", "lost", NULL,
};

void leak_report_register_text(void)
{
	static const struct pfd_text_layout layout = {
		.kind = "leak_total", .keys = total_keys, .render = render_total,
	};
	pfd_text_layout(&layout);
}

void leak_report_finish(void)
{
	if (total.lost) {
		fprintf(stderr, "procfd-trace: --leaks: out of memory: %u fd record%s or report%s "
			"could not be kept; the leak report is incomplete\n", total.lost,
			total.lost == 1 ? "" : "s", total.lost == 1 ? "" : "s");
		pfd_request_exit_code(leak_cfg.error_exitcode ? leak_cfg.error_exitcode : 1);
	}
	leak_report_register_text();
	struct pfd_writer *w = pfd_event_begin("leak_total", 0);
	pfd_w_uint(w, "processes", total.processes);
	pfd_w_uint(w, "leaks", total.leaks);
	pfd_w_uint(w, "fds", total.fds);
	pfd_w_uint(w, "deleted", total.deleted);
	pfd_w_uint(w, "bytes_pinned", total.pinned);
	pfd_w_uint(w, "suppressed", total.suppressed);
	pfd_w_uint(w, "lost", total.lost);
	if (leak_cfg.supp)
		pfd_supp_foreach_used(leak_cfg.supp, print_used, w);
	pfd_event_end(w);
	if (total.sarif) {
		int rc = pfd_sarif_write(total.sarif, leak_cfg.sarif_path);
		total.sarif = NULL;
		if (rc < 0) {
			fprintf(stderr, "procfd-trace: --sarif %s: %s: no report was written\n",
				leak_cfg.sarif_path, strerror(-rc));
			/* status 1, as a trace that -o could not write whole
			 * (PFD_EXIT_OUTPUT): CI must not take this for a clean run */
			pfd_request_exit_code(1);
		}
	}
	pfd_supp_free(leak_cfg.supp);
	leak_cfg.supp = NULL;
	free(inodes.keys);
	inodes.keys = NULL;
	inodes.cap = inodes.used = 0;
}
