/* procfd-trace --explain: one "explain" event per link.
 *
 * JSON carries every cell as an object (docs/json-schema.md); the text form
 * is the seed's table, one row per call, within 100 columns: the verdict
 * first, the table, then the remedy, each sentence on one line (the writer
 * wraps on a terminal only). A quoted text is never cut: the readlink cell
 * that cannot hold it points to the headline, which has it whole. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "procfd/flagnames.h"
#include "tracer/explain/explain_impl.h"

#define LABEL_W 18
#define CELL_W 38 /* 4 + 18 + 38 + 38 = 98 columns */

static const char *const row_keys[XROW_COUNT] = {
	"open", "stat", "lstat", "readlink", "access", "stat_text",
};
static const char *const row_labels[XROW_COUNT] = {
	"open O_RDONLY", "stat", "lstat", "readlink", "access R_OK", "stat of the text",
};

static const char *errname(int err)
{
	const char *n = pfd_errno_name(err);
	return n ? n : "EIO";
}

/* ---- JSON ------------------------------------------------------------------- */

static void write_stat_fields(struct pfd_writer *w, const struct xlink *l, const struct xcell *c)
{
	pfd_w_str(w, "kind", pfd_xkind(l, c));
	if (!c->have_st) {
		pfd_w_null(w, "dev");
		pfd_w_null(w, "ino");
		pfd_w_null(w, "nlink");
		pfd_w_null(w, "size");
		pfd_w_null(w, "held");
		return;
	}
	char dev[32];
	snprintf(dev, sizeof(dev), "%u:%u", major(c->st.st_dev), minor(c->st.st_dev));
	pfd_w_str(w, "dev", dev);
	pfd_w_uint(w, "ino", (uint64_t)c->st.st_ino);
	pfd_w_uint(w, "nlink", (uint64_t)c->st.st_nlink);
	pfd_w_uint(w, "size", (uint64_t)c->st.st_size);
	pfd_w_bool(w, "held", c->held);
}

static void write_cell(struct pfd_writer *w, const char *key, const struct xlink *l,
		       const struct xcell *c, enum xrow row)
{
	if (!c->known) {
		pfd_w_null(w, key);
		return;
	}
	pfd_w_object(w, key);
	pfd_w_bool(w, "ok", c->ok);
	pfd_w_str(w, "errno", c->ok ? NULL : errname(c->err));
	write_stat_fields(w, l, c);
	if (row == XROW_READLINK) {
		if (c->ok)
			pfd_w_bytes(w, "text", l->t.text, l->t.text_len);
		else
			pfd_w_null(w, "text");
	}
	if (row == XROW_OPEN)
		pfd_w_str(w, "opened", c->ok ? c->opened : NULL);
	pfd_w_str(w, "note", c->note);
	pfd_w_end(w);
}

static void write_rows(struct pfd_writer *w, const struct xlink *l)
{
	for (int i = 0; i < XROW_COUNT; i++) {
		pfd_w_object(w, row_keys[i]);
		write_cell(w, "magic", l, &l->magic[i], (enum xrow)i);
		write_cell(w, "regular", l, &l->regular[i], (enum xrow)i);
		pfd_w_end(w);
	}
}

static const char *probe_name(const struct xlink *l)
{
	switch (l->xcase) {
	case XCASE_NO_FD: return "no-fd";
	case XCASE_NO_PROCESS: return "no-process";
	case XCASE_DENIED: return "denied";
	default: return l->probe_err ? "failed" : "open";
	}
}

static void write_json(struct pfd_writer *w, const struct xlink *l, const char *verdict,
		       const char *remedy)
{
	pfd_w_bytes(w, "path", l->asked, strlen(l->asked));
	pfd_w_str(w, "link", l->fd >= 0 ? l->link : NULL);
	if (l->fd >= 0)
		pfd_w_int(w, "fd", l->fd);
	else
		pfd_w_null(w, "fd");
	pfd_w_bool(w, "self", l->self);
	pfd_w_str(w, "probe", probe_name(l));
	pfd_w_str(w, "probe_errno", l->probe_err && !strcmp(probe_name(l), "failed")
					    ? errname(l->probe_err) : NULL);
	pfd_w_str(w, "case", pfd_xcase_name(l->xcase));
	if (l->probe_err)
		pfd_w_null(w, "target");
	else
		pfd_write_target(w, "target", &l->t);
	/* what the text and the name name, as the trace's probe says (one
	 * probe for both: they agree for every kind); the table's own lookups
	 * of the text are its rows */
	if (l->probe_err) {
		pfd_w_null(w, "text_target");
		pfd_w_null(w, "name_target");
	} else {
		pfd_w_str(w, "text_target", pfd_text_target_name(l->t.text_target));
		pfd_w_str(w, "name_target", l->t.name_target == PFD_TEXT_NONE
						    ? NULL : pfd_text_target_name(l->t.name_target));
	}
	if (l->other_name[0])
		pfd_w_bytes(w, "other_name", l->other_name, strlen(l->other_name));
	else
		pfd_w_null(w, "other_name");
	write_rows(w, l);
	pfd_w_str(w, "verdict", verdict);
	pfd_w_str(w, "remedy", remedy);
}

/* ---- text ------------------------------------------------------------------- */

/* s in width columns, one of them the gap to the next column, cut to its
 * head when longer (cells of words only: a quoted text is never cut, see
 * readlink_cell), in color when there is one. */
static void put_fit(struct pfd_buf *b, const char *s, size_t width, const char *color)
{
	size_t n = strlen(s), room = width - 1;
	if (color)
		pfd_buf_puts(b, color);
	if (n <= room) {
		pfd_buf_puts(b, s);
	} else {
		pfd_buf_put(b, s, room - 3);
		pfd_buf_puts(b, "...");
		n = room;
	}
	if (color)
		pfd_buf_puts(b, PFD_COLOR_END);
	for (; n < width; n++)
		pfd_buf_putc(b, ' ');
}

/* Link count and size only say something for what holds data. */
static bool has_size(mode_t mode)
{
	return S_ISREG(mode) || S_ISDIR(mode);
}

/* The text, quoted whole; when that does not fit its column, a pointer to
 * the headline, which has it whole: a quoted string is never cut. */
static void readlink_cell(struct pfd_buf *b, const struct xlink *l, bool magic)
{
	struct pfd_buf q = PFD_BUF_INIT;
	pfd_buf_quote(&q, l->t.text, l->t.text_len);
	if (q.len < CELL_W - 1)
		pfd_buf_put(b, q.data, q.len);
	else
		pfd_buf_puts(b, magic ? "OK: the text in the headline" : "OK: the same text");
	pfd_buf_free(&q);
}

/* "OK: regular (held), nlink 0, 36 B", "ENOENT", "OK: symlink 0700 (the link itself)". */
static void cell_text(struct pfd_buf *b, const struct xlink *l, const struct xcell *c,
		      enum xrow row, bool magic)
{
	if (!c->known) {
		pfd_buf_puts(b, "?");
		return;
	}
	if (!c->ok) {
		pfd_buf_puts(b, errname(c->err));
		return;
	}
	if (row == XROW_READLINK) {
		readlink_cell(b, l, magic);
		return;
	}
	if (!c->have_st) {
		pfd_buf_puts(b, row == XROW_LSTAT ? "OK: symlink (the symlink itself)" : "OK");
		return;
	}
	if (row == XROW_OPEN && c->opened && !strcmp(c->opened, "path")) {
		pfd_buf_puts(b, "not tried: a device (O_PATH only)");
		return;
	}
	pfd_buf_puts(b, "OK: ");
	pfd_buf_puts(b, pfd_xkind(l, c));
	if (row == XROW_LSTAT && magic) {
		char mode[16];
		snprintf(mode, sizeof(mode), " %04o", (unsigned)(c->st.st_mode & 07777));
		pfd_buf_puts(b, mode);
		pfd_buf_puts(b, " (the link itself)");
		return;
	}
	if (c->held) {
		pfd_buf_puts(b, " (held)");
	} else {
		pfd_buf_puts(b, " ino ");
		pfd_buf_uint(b, (uint64_t)c->st.st_ino);
	}
	if (!has_size(c->st.st_mode) || (c->held && !pfd_fdesc_has_size(&l->t.fdesc)))
		return; /* a message queue's st_size is its status text's length */
	pfd_buf_puts(b, ", nlink ");
	pfd_buf_uint(b, (uint64_t)c->st.st_nlink);
	pfd_buf_puts(b, ", ");
	pfd_buf_uint(b, (uint64_t)c->st.st_size);
	pfd_buf_puts(b, " B");
}

/* A tool that follows the text finds nothing, or another file. */
static bool text_misleads(const struct xlink *l)
{
	return l->text_find == XFIND_NOTHING || l->text_find == XFIND_OTHER ||
	       l->text_find == XFIND_FAILED;
}

/* The trace's colours: a failed call in the broken colour, a call that
 * reached the held inode in the good one, a misleading text as broken. */
static const char *cell_color(const struct xlink *l, const struct xcell *c, enum xrow row)
{
	if (!c->known)
		return NULL;
	if (!c->ok)
		return PFD_COLOR_BROKEN;
	if (row == XROW_READLINK)
		return text_misleads(l) ? PFD_COLOR_BROKEN : NULL;
	return c->held ? PFD_COLOR_GOOD : NULL;
}

static void text_row(struct pfd_writer *w, const char *label, const char *magic,
		     const char *magic_color, const char *regular, const char *regular_color)
{
	struct pfd_buf line = PFD_BUF_INIT;
	put_fit(&line, label, LABEL_W, NULL);
	put_fit(&line, magic, CELL_W, magic_color);
	put_fit(&line, regular, CELL_W - 1, regular_color);
	while (line.len && line.data[line.len - 1] == ' ')
		line.data[--line.len] = '\0';
	pfd_w_text(w, pfd_buf_str(&line));
	pfd_buf_free(&line);
}

static void text_table(struct pfd_writer *w, const struct xlink *l, bool color)
{
	struct pfd_buf m = PFD_BUF_INIT, r = PFD_BUF_INIT;
	text_row(w, "call", l->fd >= 0 ? l->link : "the fd directory", NULL,
		 "a symlink with the same text", NULL);
	for (int i = 0; i < XROW_COUNT; i++) {
		pfd_buf_clear(&m);
		pfd_buf_clear(&r);
		cell_text(&m, l, &l->magic[i], (enum xrow)i, true);
		cell_text(&r, l, &l->regular[i], (enum xrow)i, false);
		text_row(w, row_labels[i], pfd_buf_str(&m),
			 color ? cell_color(l, &l->magic[i], (enum xrow)i) : NULL, pfd_buf_str(&r),
			 color ? cell_color(l, &l->regular[i], (enum xrow)i) : NULL);
	}
	pfd_buf_free(&m);
	pfd_buf_free(&r);
}

/* head then s on one line: the writer wraps it on a terminal, at its width,
 * never inside a quoted string, and never in a file or a pipe. */
static void text_sentence(struct pfd_writer *w, const char *head, const char *head_color,
			  const char *s)
{
	struct pfd_buf line = PFD_BUF_INIT;
	if (head_color)
		pfd_buf_puts(&line, head_color);
	pfd_buf_puts(&line, head);
	if (head_color)
		pfd_buf_puts(&line, PFD_COLOR_END);
	pfd_buf_puts(&line, ": ");
	pfd_buf_puts(&line, s);
	pfd_w_text(w, pfd_buf_str(&line));
	pfd_buf_free(&line);
}

/* The case in the trace's colours: broken when a tool that follows the
 * text is misled or the link could not be examined, good when the text
 * leads to the held inode. */
static const char *case_color(const struct xlink *l)
{
	if (l->probe_err || text_misleads(l))
		return PFD_COLOR_BROKEN;
	return l->text_find == XFIND_HELD ? PFD_COLOR_GOOD : PFD_COLOR_LINK;
}

/* "holds: regular, deleted (nlink 0), dev 8:1, ino 12, 36 bytes, read-write" */
static void text_holds(struct pfd_writer *w, const struct xlink *l)
{
	struct pfd_buf b = PFD_BUF_INIT;
	const struct pfd_target *t = &l->t;
	if (l->probe_err)
		return;
	pfd_buf_puts(&b, "holds: ");
	pfd_buf_puts(&b, pfd_fdesc_kind_name(&t->fdesc));
	if (pfd_fdesc_kind(&t->fdesc) == PFD_KIND_ANON_INODE) {
		pfd_buf_putc(&b, ' ');
		pfd_buf_puts(&b, t->anon_name);
	}
	if (t->fdesc.cls && !pfd_fdesc_text_is_path(&t->fdesc)) {
		pfd_buf_puts(&b, ": "); /* what the class knows: addresses, state, fdinfo */
		pfd_fdesc_text(&b, &t->fdesc);
	}
	if (t->have_stat) {
		if (pfd_target_nameable(t) || pfd_fdesc_is_directory(&t->fdesc))
			pfd_buf_puts(&b, t->deleted ? ", deleted" : ", not deleted");
		pfd_buf_puts(&b, " (nlink ");
		pfd_buf_uint(&b, t->nlink);
		pfd_buf_puts(&b, "), dev ");
		pfd_buf_uint(&b, t->dev_major);
		pfd_buf_putc(&b, ':');
		pfd_buf_uint(&b, t->dev_minor);
		pfd_buf_puts(&b, ", ino ");
		pfd_buf_uint(&b, t->ino);
		if (pfd_fdesc_has_size(&t->fdesc)) {
			pfd_buf_puts(&b, ", ");
			pfd_buf_uint(&b, t->size);
			pfd_buf_puts(&b, " bytes");
		}
	}
	pfd_buf_puts(&b, ", ");
	pfd_buf_puts(&b, pfd_access_name(t->link_mode));
	pfd_w_text(w, pfd_buf_str(&b));
	pfd_buf_free(&b);
}

static void write_text(struct pfd_writer *w, const struct xlink *l, const char *verdict,
		       const char *remedy, bool color)
{
	text_sentence(w, pfd_xcase_name(l->xcase), color ? case_color(l) : NULL, verdict);
	text_holds(w, l);
	if (l->fd >= 0)
		text_table(w, l, color);
	text_sentence(w, "remedy", NULL, remedy);
}

static void set_title(struct pfd_writer *w, const struct xlink *l)
{
	struct pfd_buf t = PFD_BUF_INIT;
	pfd_buf_puts(&t, "explain ");
	pfd_buf_puts(&t, l->fd >= 0 ? l->link : l->asked);
	if (!l->probe_err) {
		pfd_buf_puts(&t, " -> ");
		pfd_buf_quote(&t, l->t.text, l->t.text_len);
	}
	pfd_w_title(w, pfd_buf_str(&t));
	pfd_buf_free(&t);
}

void pfd_explain_write(const struct xlink *l, bool color)
{
	struct pfd_buf verdict = PFD_BUF_INIT, remedy = PFD_BUF_INIT;
	pfd_explain_verdict(l, &verdict);
	pfd_explain_remedy(l, &remedy);
	struct pfd_writer *w = pfd_event_begin("explain", l->pid);
	set_title(w, l);
	pfd_w_json_only(w, true);
	write_json(w, l, pfd_buf_str(&verdict), pfd_buf_str(&remedy));
	pfd_w_json_only(w, false);
	write_text(w, l, pfd_buf_str(&verdict), pfd_buf_str(&remedy), color);
	pfd_event_end(w);
	pfd_buf_free(&verdict);
	pfd_buf_free(&remedy);
}
