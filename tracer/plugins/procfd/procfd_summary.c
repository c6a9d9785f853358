/* procfd-trace: -c/--summary, one row per (owner pid, fd) whose link the
 * trace touched: what it held, how the calls on it resolved, which
 * programs touched it, and a verdict. Rows with a problem (a deleted file,
 * a tool that called the link broken or reached another file) come first. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/plugins/procfd/procfd.h"

#define MAX_ROWS 4096u
#define MAX_TOOLS 4u

struct row {
	pid_t pid;
	int fd;
	uint64_t ino;
	enum pfd_kind kind;
	bool deleted, have_stat;
	uint64_t nlink, size;
	enum pfd_text_target text_target, name_target;
	unsigned followed, link_itself, fu_failed, fu_other, failed;
	const char *tools[MAX_TOOLS]; /* interned basenames */
	unsigned n_tools;
	char *text;        /* the link's text, as the first call read it */
	size_t text_len;
};

static struct row *rows;
static size_t n_rows, dropped;

static struct row *row_for(pid_t pid, int fd, uint64_t ino)
{
	for (size_t i = n_rows; i-- > 0;) /* recent rows first: calls come in runs */
		if (rows[i].pid == pid && rows[i].fd == fd && rows[i].ino == ino)
			return &rows[i];
	if (n_rows == MAX_ROWS) {
		dropped++;
		return NULL;
	}
	if (!rows && !(rows = calloc(MAX_ROWS, sizeof(*rows))))
		return NULL;
	struct row *r = &rows[n_rows++];
	*r = (struct row){ .pid = pid, .fd = fd, .ino = ino };
	return r;
}

/* The row shows the link's text: what the tool saw, and what grep finds. */
static void keep_text(struct row *r, const char *text, size_t len)
{
	if (r->text || !text || !(r->text = malloc(len + 1)))
		return;
	memcpy(r->text, text, len);
	r->text[len] = '\0';
	r->text_len = len;
}

static const char *intern_tool(const char *exe)
{
	static char *names[64];
	static size_t n;
	const char *slash = exe ? strrchr(exe, '/') : NULL;
	const char *base = slash ? slash + 1 : exe ? exe : "?";
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], base) == 0)
			return names[i];
	if (n == sizeof(names) / sizeof(names[0]))
		return "...";
	return names[n++] = strdup(base);
}

static void add_tool(struct row *r, const char *exe)
{
	const char *t = intern_tool(exe);
	for (unsigned i = 0; i < r->n_tools; i++)
		if (r->tools[i] == t)
			return;
	if (r->n_tools < MAX_TOOLS && t)
		r->tools[r->n_tools++] = t;
}

void pfd_summary_count(const struct pfd_annot *a)
{
	struct row *r;
	if (a->follow.active) {
		const struct pfd_link_read *rd = &a->follow.read;
		if (!(r = row_for(rd->owner, rd->fd, rd->ino)))
			return;
		r->kind = rd->kind;
		r->deleted = rd->deleted;
		keep_text(r, rd->text, rd->text_len);
		r->fu_failed += a->follow.reached == PFD_FU_NOTHING && a->follow.how != PFD_FU_PREFIX;
		/* a prefix of the text names a directory on the way: not another file */
		r->fu_other += a->follow.reached == PFD_FU_OTHER && a->follow.how != PFD_FU_PREFIX;
		add_tool(r, a->tool);
		return;
	}
	if (a->link.what != PFD_LINK_FD || a->probe != PFD_PROBE_OPEN ||
	    !(r = row_for(a->link.pid, a->link.fd, a->target.ino)))
		return;
	const struct pfd_target *t = &a->target;
	r->kind = pfd_fdesc_kind(&t->fdesc);
	r->deleted = t->deleted;
	r->have_stat = t->have_stat;
	keep_text(r, t->text, t->text_len);
	r->nlink = t->nlink;
	r->size = t->size;
	r->text_target = t->text_target;
	r->name_target = t->name_target;
	r->followed += a->resolution == PFD_RES_FOLLOWED;
	r->link_itself += a->resolution == PFD_RES_LINK_ITSELF;
	r->failed += a->call->finished && a->call->err;
	add_tool(r, a->tool);
}

static bool problem(const struct row *r)
{
	return r->deleted || r->fu_failed || r->fu_other || r->text_target == PFD_TEXT_MISSING ||
	       r->text_target == PFD_TEXT_DIFFERENT_FILE;
}

static const char *verdict(const struct row *r)
{
	if (r->fu_other || r->text_target == PFD_TEXT_DIFFERENT_FILE)
		return "its text names another file: tools that follow it describe that one";
	if (r->deleted && r->kind == PFD_KIND_MEMFD)
		return "a memfd: never had a name, reachable only through the fd";
	if (r->deleted)
		return "deleted but held: open reaches it, tools that follow the text call it broken";
	if (r->name_target == PFD_TEXT_DIFFERENT_FILE)
		return "replaced: the name now belongs to another file";
	if (r->fu_failed || r->text_target == PFD_TEXT_NOT_A_PATH)
		return "has no name: tools that look its text up call it broken";
	if (r->text_target == PFD_TEXT_MISSING)
		return "its name is gone, the inode lives on (another hard link)";
	return "fine: the text names the held file";
}

static int by_problem(const void *x, const void *y)
{
	const struct row *a = x, *b = y;
	if (problem(a) != problem(b))
		return problem(a) ? -1 : 1;
	if (a->pid != b->pid)
		return a->pid < b->pid ? -1 : 1;
	return a->fd < b->fd ? -1 : a->fd > b->fd;
}

static void write_row_json(struct pfd_writer *w, const struct row *r)
{
	pfd_w_object(w, NULL);
	pfd_w_int(w, "pid", r->pid);
	pfd_w_int(w, "fd", r->fd);
	if (r->text)
		pfd_w_bytes(w, "text", r->text, r->text_len);
	else
		pfd_w_null(w, "text");
	pfd_w_str(w, "kind", pfd_kind_name(r->kind));
	pfd_w_bool(w, "deleted", r->deleted);
	if (r->have_stat) {
		pfd_w_uint(w, "nlink", r->nlink);
		pfd_w_uint(w, "size", r->size);
	} else {
		pfd_w_null(w, "nlink");
		pfd_w_null(w, "size");
	}
	pfd_w_object(w, "calls");
	pfd_w_uint(w, "followed", r->followed);
	pfd_w_uint(w, "link_itself", r->link_itself);
	pfd_w_uint(w, "failed", r->failed);
	pfd_w_uint(w, "follow_up_failed", r->fu_failed);
	pfd_w_uint(w, "follow_up_other_file", r->fu_other);
	pfd_w_end(w);
	pfd_w_array(w, "programs");
	for (unsigned i = 0; i < r->n_tools; i++)
		pfd_w_str(w, NULL, r->tools[i]);
	pfd_w_end(w);
	pfd_w_bool(w, "problem", problem(r));
	pfd_w_str(w, "verdict", verdict(r));
	pfd_w_end(w);
}

/* ---- text: the table, from the event's fields ------------------------------ */

static uint64_t calls_of(const struct pfd_field *link, const char *key)
{
	return pfd_f_uint(pfd_f_get(pfd_f_get(link, "calls"), key));
}

/* "-" where the link could not be stat'ed (null). */
static void cell_count(char *cell, size_t size, const struct pfd_field *f)
{
	if (pfd_f_type(f) == PFD_F_NULL || !f)
		snprintf(cell, size, "-");
	else
		snprintf(cell, size, "%llu", (unsigned long long)pfd_f_uint(f));
}

/* The table's columns, each header a word or two that says what is
 * counted (docs/procfd-trace.1, SUMMARY). */
#define TABLE_HEAD "    PID   FD KIND        DELETED LINKS      SIZE FOLLOWED ON-LINK FAILED " \
		   "TEXT-MISSING TEXT-OTHER PROGRAMS  TEXT: VERDICT"

static void row_text(struct pfd_buf *b, const struct pfd_field *link)
{
	static struct pfd_buf text = PFD_BUF_INIT;
	char nlink[24], size[24], cell[160];
	const char *kind = pfd_f_str(pfd_f_get(link, "kind"), NULL), *t;
	size_t text_len;
	cell_count(nlink, sizeof(nlink), pfd_f_get(link, "nlink"));
	cell_count(size, sizeof(size), pfd_f_get(link, "size"));
	snprintf(cell, sizeof(cell), "%7d %4d %-11s %-7s %5s %9s %8u %7u %6u %12u %10u ",
		 (int)pfd_f_int(pfd_f_get(link, "pid")), (int)pfd_f_int(pfd_f_get(link, "fd")),
		 kind ? kind : "?", pfd_f_bool(pfd_f_get(link, "deleted")) ? "yes" : "no", nlink,
		 size, (unsigned)calls_of(link, "followed"), (unsigned)calls_of(link, "link_itself"),
		 (unsigned)calls_of(link, "failed"), (unsigned)calls_of(link, "follow_up_failed"),
		 (unsigned)calls_of(link, "follow_up_other_file"));
	pfd_buf_clear(b);
	pfd_buf_puts(b, cell);
	const struct pfd_field *p = pfd_f_first(pfd_f_get(link, "programs"));
	pfd_buf_puts(b, p ? "" : "-");
	for (const char *sep = ""; p; p = pfd_f_next(p), sep = ",") {
		pfd_buf_puts(b, sep);
		pfd_put_program_name(b, pfd_f_str(p, NULL)); /* the tracee named it: escaped */
	}
	pfd_buf_puts(b, "  ");
	if ((t = pfd_f_bytes(pfd_f_get(link, "text"), &text, &text_len)))
		pfd_buf_quote(b, t, text_len);
	else
		pfd_buf_puts(b, "?");
	pfd_buf_puts(b, ": ");
	const char *v = pfd_f_str(pfd_f_get(link, "verdict"), NULL);
	pfd_buf_puts(b, v ? v : "");
}

/* "summary: 2 links touched, 1 with a problem", then the table. */
static void render_summary(const struct pfd_event *ev, struct pfd_text *t)
{
	static struct pfd_buf line = PFD_BUF_INIT;
	const struct pfd_field *links = pfd_event_get(ev, "links");
	size_t n = 0, problems = 0;
	char title[128];
	for (const struct pfd_field *l = pfd_f_first(links); l; l = pfd_f_next(l), n++)
		problems += pfd_f_bool(pfd_f_get(l, "problem"));
	snprintf(title, sizeof(title), "summary: %zu link%s touched, %zu with a problem%s", n,
		 n == 1 ? "" : "s", problems,
		 pfd_f_uint(pfd_event_get(ev, "not_counted")) ? " (table full: some not counted)"
							       : "");
	pfd_text_headline(t, 0, title);
	if (n)
		pfd_text_row(t, TABLE_HEAD);
	for (const struct pfd_field *l = pfd_f_first(links); l; l = pfd_f_next(l)) {
		row_text(&line, l);
		pfd_text_row(t, pfd_buf_str(&line));
	}
}

void pfd_summary_register_text(void)
{
	static const struct pfd_text_layout layout = { .kind = "summary",
						       .render = render_summary };
	pfd_text_layout(&layout);
}

void pfd_summary_write(void)
{
	if (n_rows) /* qsort of no rows would be given a NULL array */
		qsort(rows, n_rows, sizeof(*rows), by_problem);
	pfd_summary_register_text();
	struct pfd_writer *w = pfd_event_begin("summary", 0);
	pfd_w_array(w, "links");
	for (size_t i = 0; i < n_rows; i++)
		write_row_json(w, &rows[i]);
	pfd_w_end(w);
	pfd_w_uint(w, "not_counted", dropped);
	pfd_event_end(w);
	for (size_t i = 0; i < n_rows; i++)
		free(rows[i].text);
	free(rows);
	rows = NULL;
	n_rows = 0;
}
