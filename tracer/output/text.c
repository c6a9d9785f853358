/* procfd-trace: the text rendering of an event (include/procfd/writer.h).
 *
 * Each kind's text is said once, by its layouts (pfd_text_layout), which
 * read the built fields; the fields no layout claims get the default
 * layout. Text is line based: a headline, then lines indented under it. */
#include <errno.h>
#include <stdbool.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>
#include <time.h>

#include "procfd/stack.h"
#include "tracer/output/escape.h"
#include "tracer/output/output.h"
#include "tracer/output/event_impl.h"
#include "tracer/output/writer_impl.h"

#define INDENT 4
#define NSEC 1000000000L

struct pfd_text {
	const struct pfd_event *ev;
	struct pfd_buf *body;  /* the lines under the headline */
	struct pfd_buf *head;  /* the headline */
	bool line_open;
	bool dropped;
};

/* ---- layouts -------------------------------------------------------------------- */

static const struct pfd_text_layout *layouts[PFD_TEXT_LAYOUTS];
static size_t n_layouts;

int pfd_text_layout(const struct pfd_text_layout *l)
{
	if (!l || !l->kind || !l->render)
		return -EINVAL;
	for (size_t i = 0; i < n_layouts; i++)
		if (layouts[i] == l)
			return 0; /* registered twice (pfd_main run again in a test) */
	if (n_layouts == PFD_TEXT_LAYOUTS)
		return -ENOSPC;
	layouts[n_layouts++] = l;
	return 0;
}

static bool layout_claims(const struct pfd_text_layout *l, const char *key)
{
	if (!l->keys)
		return true;
	for (size_t i = 0; key && l->keys[i]; i++)
		if (l->keys[i][0] == key[0] && strcmp(l->keys[i], key) == 0)
			return true;
	return false;
}

/* The layouts of a kind, found once per event. */
struct kind_layouts {
	const struct pfd_text_layout *l[PFD_TEXT_LAYOUTS];
	size_t n;
	bool all; /* one of them claims every field */
};

static void layouts_of(const struct pfd_event *ev, struct kind_layouts *k)
{
	k->n = 0;
	k->all = false;
	for (size_t i = 0; i < n_layouts; i++)
		if (layouts[i]->kind[0] == ev->kind[0] && strcmp(layouts[i]->kind, ev->kind) == 0) {
			k->l[k->n++] = layouts[i];
			k->all |= !layouts[i]->keys;
		}
}

static bool claimed_in(const struct kind_layouts *k, const struct pfd_field *f)
{
	if (k->all)
		return true;
	for (size_t i = 0; i < k->n; i++)
		if (layout_claims(k->l[i], pfd_f_key(f)))
			return true;
	return false;
}

static bool claimed(const struct pfd_event *ev, const struct pfd_field *f)
{
	struct kind_layouts k;
	layouts_of(ev, &k);
	return claimed_in(&k, f);
}

/* ---- escaping ----------------------------------------------------------------------- */

static void put_octal(struct pfd_buf *b, unsigned char c)
{
	char e[] = { '\\', (char)('0' + (c >> 6)), (char)('0' + (c >> 3 & 7)), (char)('0' + (c & 7)) };
	pfd_buf_put(b, e, sizeof(e));
}

/* A UTF-8 sequence a terminal would act on (C1 control, bidi override),
 * written as its bytes in octal, strace-style ("\342\200\256"). */
static size_t put_unsafe(struct pfd_buf *b, const unsigned char *p)
{
	uint32_t cp;
	size_t n = pfd_utf8_terminal_unsafe(p, strnlen((const char *)p, 3), &cp);
	for (size_t i = 0; i < n; i++)
		put_octal(b, p[i]);
	return n;
}

/* Our own text on one line: a control character would break the layout.
 * ESC passes: a plugin's colours (tracee bytes are quoted before they get
 * here, ESC included). Explanations quote names the tracee chose, so the
 * C1 controls and bidi overrides are escaped here too. */
static bool plain_byte(const unsigned char *p)
{
	uint32_t cp;
	if (*p >= 0x80)
		return pfd_utf8_terminal_unsafe(p, strnlen((const char *)p, 3), &cp) == 0;
	return *p == 0x1b || (*p >= 0x20 && *p != 0x7f);
}

static void text_plain(struct pfd_buf *b, const char *s)
{
	while (*s) {
		/* a run of bytes that pass as they are, in one copy (a leak
		 * report is hundreds of lines of them) */
		size_t run = 0;
		while (s[run] && plain_byte((const unsigned char *)s + run))
			run++;
		pfd_buf_put(b, s, run);
		s += run;
		if (!*s)
			break;
		size_t n = (unsigned char)*s >= 0x80 ? put_unsafe(b, (const unsigned char *)s) : 0;
		if (n > 0) {
			s += n;
			continue;
		}
		unsigned char c = (unsigned char)*s++;
		if (c == '\n') {
			pfd_buf_puts(b, "\\n");
		} else {
			pfd_buf_puts(b, "\\x");
			pfd_buf_putc(b, "0123456789abcdef"[c >> 4]);
			pfd_buf_putc(b, "0123456789abcdef"[c & 15]);
		}
	}
}

/* The byte length of the well-formed UTF-8 sequence at p that a terminal
 * shows as a character (not a C1 control or bidi override), else 0. */
static size_t printable_utf8(const unsigned char *p)
{
	size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : *p >= 0xc0 ? 2 : 0;
	uint32_t cp;
	if (n == 0 || strnlen((const char *)p, n) < n || !pfd_utf8_valid((const char *)p, n))
		return 0;
	return pfd_utf8_terminal_unsafe(p, n, &cp) ? 0 : n;
}

/* A name from the tracee's files (module path, symbol, source file) on a
 * frame line: printable text as it is, every other byte (ESC, BEL, C1,
 * invalid UTF-8) and the backslash in octal as strace quotes them, so a
 * hostile name cannot drive the terminal. Unquoted: frames are names. */
static void text_tracee_name(struct pfd_buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p;) {
		size_t n = *p >= 0x80 ? printable_utf8(p) : (*p >= 0x20 && *p != 0x7f && *p != '\\');
		if (n > 0) {
			pfd_buf_put(b, p, n);
			p += n;
		} else {
			put_octal(b, *p++);
		}
	}
}

/* ---- values ---------------------------------------------------------------------------- */

void pfd_put_seconds(struct pfd_buf *b, int64_t ns)
{
	char digits[8];
	if (ns < 0) {
		pfd_buf_putc(b, '-');
		ns = -ns;
	}
	pfd_buf_int(b, ns / NSEC);
	long us = (long)(ns % NSEC / 1000);
	for (int i = 5; i >= 0; i--, us /= 10)
		digits[i] = (char)('0' + us % 10);
	pfd_buf_putc(b, '.');
	pfd_buf_put(b, digits, 6);
}

static void put_members(struct pfd_buf *b, const struct pfd_field *f);

/* A value inline: nested objects "{k=v}", arrays "[a, b]". */
static void put_value(struct pfd_buf *b, const struct pfd_field *f, bool braces)
{
	size_t len;
	const char *s;
	switch (f->type) {
	case PFD_F_INT: pfd_buf_int(b, f->v.i); break;
	case PFD_F_UINT: pfd_buf_uint(b, f->v.u); break;
	case PFD_F_BOOL: pfd_buf_puts(b, f->v.i ? "true" : "false"); break;
	case PFD_F_SECONDS: pfd_put_seconds(b, f->v.i); break;
	case PFD_F_STR: text_plain(b, pfd_f_str(f, NULL)); break;
	case PFD_F_BYTES:
		s = pfd_f_str(f, &len);
		pfd_text_quote(b, s, len);
		break;
	case PFD_F_OBJECT:
		pfd_buf_puts(b, braces ? "{" : "");
		put_members(b, f);
		pfd_buf_puts(b, braces ? "}" : "");
		break;
	case PFD_F_ARRAY:
		pfd_buf_putc(b, '[');
		put_members(b, f);
		pfd_buf_putc(b, ']');
		break;
	default: pfd_buf_puts(b, "null"); break;
	}
}

static void put_members(struct pfd_buf *b, const struct pfd_field *f)
{
	bool first = true;
	for (const struct pfd_field *c = pfd_f_first(f); c; c = pfd_f_next(c)) {
		if (c->flags & F_JSON_ONLY)
			continue;
		pfd_buf_puts(b, first ? "" : ", ");
		first = false;
		if (f->type == PFD_F_OBJECT && c->key) {
			pfd_buf_puts(b, pfd_f_key(c));
			pfd_buf_putc(b, '=');
		}
		put_value(b, c, true);
	}
}

void pfd_buf_field(struct pfd_buf *b, const struct pfd_field *f)
{
	if (b && f)
		put_value(b, f, false);
}

/* ---- lines -------------------------------------------------------------------------------- */

static void end_line(struct pfd_text *t)
{
	if (t->line_open) {
		pfd_buf_putc(t->body, '\n');
		t->line_open = false;
	}
}

static void indent(struct pfd_text *t, unsigned level)
{
	static const char spaces[] = "                                ";
	end_line(t);
	for (unsigned n = level * INDENT; n;) {
		unsigned k = n < sizeof(spaces) - 1 ? n : (unsigned)sizeof(spaces) - 1;
		pfd_buf_put(t->body, spaces, k);
		n -= k;
	}
	t->line_open = true;
}

/* Where to break s so that it fits in width columns: the last space before
 * the limit outside a quoted string (ESC sequences take no column), else
 * the first one after it, or 0 when it fits or cannot break. A quoted path
 * is never split, so grep finds it whole even on a terminal: a piece that
 * is one long quoted string stays long. */
static size_t wrap_point(const char *s, size_t width)
{
	size_t col = 0, best = 0;
	bool quoted = false;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == 0x1b) { /* colour: ESC [ ... m */
			while (s[i] && s[i] != 'm')
				i++;
			if (!s[i])
				break;
			continue;
		}
		if (quoted && s[i] == '\\' && s[i + 1]) {
			i++; /* an escape: its next byte neither ends nor opens a quote */
			col += 2;
			continue;
		}
		if (s[i] == '"')
			quoted = !quoted;
		if (!quoted && s[i] == ' ' && i > 0 && s[i - 1] != ' ' && s[i + 1] && s[i + 1] != ' ') {
			if (col <= width)
				best = i;
			else
				return best ? best : i; /* a long quote first: break right after it */
		}
		if (++col > width && best)
			return best;
	}
	return 0;
}

/* The wrap policy: a text line is wrapped only on a terminal, at its width
 * (TIOCGWINSZ on the output, read for each line so a resized window is
 * followed), going on over lines indented two more than it. A file or a
 * pipe gets every line whole, as strace writes them: grep and scripts see
 * one line per line. COLUMNS is not read: strace ignores it too, and a
 * shell sets it without exporting it, so it would be stale or absent. 0:
 * do not wrap. */
static size_t text_wrap_width(void)
{
	struct winsize ws;
	int fd = pfd_output_fd();
	if (fd < 0 || !isatty(fd) || ioctl(fd, TIOCGWINSZ, &ws) < 0 || ws.ws_col == 0)
		return 0;
	return ws.ws_col;
}

void pfd_text_line(struct pfd_text *t, const char *line)
{
	static struct pfd_buf piece = PFD_BUF_INIT;
	size_t width = text_wrap_width();
	bool first = true;
	if (!t || !line)
		return;
	while (*line) {
		size_t room = width > INDENT + 2 + 20 ? width - INDENT - (first ? 0 : 2) : 0;
		size_t cut = room ? wrap_point(line, room) : 0;
		size_t n = cut ? cut : strlen(line);
		pfd_buf_clear(&piece);
		pfd_buf_put(&piece, line, n);
		indent(t, 1);
		if (!first)
			pfd_buf_puts(t->body, "  ");
		text_plain(t->body, pfd_buf_str(&piece));
		end_line(t);
		line += cut ? cut + 1 : n;
		first = false;
	}
}

void pfd_text_row(struct pfd_text *t, const char *line)
{
	if (!t || !line)
		return;
	indent(t, 1);
	text_plain(t->body, line);
	end_line(t);
}

/* Verbatim: only what a terminal would act on is escaped (the generator of
 * suppressions never writes such bytes: they are not in any entry). */
void pfd_text_block(struct pfd_text *t, const char *text)
{
	if (!t || !text)
		return;
	end_line(t);
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		size_t n = *p >= 0x80 ? printable_utf8(p) : (*p >= 0x20 && *p != 0x7f) || *p == '\t';
		if (*p == '\n') {
			pfd_buf_putc(t->body, '\n');
			p++;
		} else if (n > 0) {
			pfd_buf_put(t->body, p, n);
			p += n;
		} else {
			put_octal(t->body, *p++);
		}
	}
	if (p != (const unsigned char *)text && p[-1] != '\n')
		pfd_buf_putc(t->body, '\n');
}

void pfd_text_drop(struct pfd_text *t)
{
	if (t)
		t->dropped = true;
}

/* ---- frames ---------------------------------------------------------------------------------- */

static struct pfd_frame frame_of(const struct pfd_field *o)
{
	const struct pfd_field *module = pfd_f_get(o, "module");
	return (struct pfd_frame){
		.ip = pfd_f_uint(pfd_f_get(o, "ip")),
		.function = pfd_f_str(pfd_f_get(o, "function"), NULL),
		.offset = pfd_f_uint(pfd_f_get(o, "offset")),
		.module = pfd_f_str(module, NULL),
		.module_offset = pfd_f_uint(pfd_f_get(o, "module_offset")),
		.file = pfd_f_str(pfd_f_get(o, "file"), NULL),
		.line = (unsigned)pfd_f_uint(pfd_f_get(o, "line")),
	};
}

/* "at main (leaky.c:42)"; without file:line "by f+0x1f (/lib/.../libc.so.6)",
 * or, with no symbol, the module offset: "by 0x1abe (/usr/bin/git)", which
 * `eu-addr2line -e /usr/bin/git 0x1abe` resolves later. */
static void put_frame(struct pfd_buf *b, const struct pfd_frame *f, bool innermost)
{
	pfd_buf_puts(b, innermost ? "at " : "by ");
	if (f->function) {
		text_tracee_name(b, f->function);
		if (!f->file && f->offset) {
			pfd_buf_putc(b, '+');
			pfd_buf_hex(b, f->offset);
		}
	} else {
		pfd_buf_hex(b, f->module ? f->module_offset : f->ip);
	}
	if (f->file) {
		const char *base = strrchr(f->file, '/');
		pfd_buf_puts(b, " (");
		text_tracee_name(b, base ? base + 1 : f->file);
		pfd_buf_putc(b, ':');
		pfd_buf_uint(b, f->line);
		pfd_buf_putc(b, ')');
	} else if (f->module) {
		pfd_buf_puts(b, " (");
		text_tracee_name(b, f->module);
		pfd_buf_putc(b, ')');
	}
}

/* glibc's frames between _start and main: the same in every program, so
 * the text leaves them out from the first one on, as valgrind does
 * (--show-below-main=no); JSON keeps every frame. */
static bool below_main(const struct pfd_frame *f)
{
	static const char *const names[] = { "__libc_start_call_main", "__libc_start_main",
					      "_start" };
	for (size_t i = 0; f->function && i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(f->function, names[i]) == 0)
			return true;
	return false;
}

static void frame_lines(struct pfd_text *t, const struct pfd_field *frames, unsigned level)
{
	size_t i = 0;
	for (const struct pfd_field *o = pfd_f_first(frames); o; o = pfd_f_next(o), i++) {
		struct pfd_frame f = frame_of(o);
		if (i > 0 && below_main(&f))
			break;
		indent(t, level);
		put_frame(t->body, &f, i == 0);
	}
	end_line(t);
}

void pfd_text_frames(struct pfd_text *t, const char *label, const struct pfd_field *frames)
{
	if (!t || !label)
		return;
	indent(t, 1);
	pfd_buf_puts(t->body, label);
	pfd_buf_putc(t->body, ':');
	frame_lines(t, frames, 2);
}

/* ---- the default layout ------------------------------------------------------------------ */

/* An element of a top-level array, on a line of its own. */
static void element_line(struct pfd_text *t, const struct pfd_field *e)
{
	indent(t, 2);
	put_value(t->body, e, false);
}

/* "key: value"; an object's fields inline, an array's elements a line
 * each; frames as frame lines; stacks inside an object break its line. */
void pfd_text_field(struct pfd_text *t, const struct pfd_field *f)
{
	if (!t || !f || (f->flags & F_JSON_ONLY))
		return;
	switch (f->type) {
	case F_TEXT_LINE: pfd_text_line(t, pfd_f_str(f, NULL)); return;
	case F_TEXT_ROW: pfd_text_row(t, pfd_f_str(f, NULL)); return;
	case F_TEXT_BLOCK: pfd_text_block(t, pfd_f_str(f, NULL)); return;
	default: break;
	}
	if (f->flags & F_FRAMES) {
		pfd_text_frames(t, pfd_f_key(f) ? pfd_f_key(f) : "", f);
		return;
	}
	indent(t, 1);
	pfd_buf_puts(t->body, pfd_f_key(f) ? pfd_f_key(f) : "");
	pfd_buf_putc(t->body, ':');
	if (f->type != PFD_F_ARRAY) {
		pfd_buf_putc(t->body, ' ');
		put_value(t->body, f, false);
		return;
	}
	for (const struct pfd_field *e = pfd_f_first(f); e; e = pfd_f_next(e))
		if (!(e->flags & F_JSON_ONLY))
			element_line(t, e);
}

/* ---- the headline -------------------------------------------------------------------------- */

static unsigned absolute_times; /* -t: 1, -tt: 2, -ttt: 3 */
static bool relative_times;     /* -r */
static int64_t last_headline;
static bool have_last_headline;

void pfd_text_set_times(unsigned absolute, bool relative)
{
	absolute_times = absolute;
	relative_times = relative;
}

void pfd_text_times_get(int64_t *last, bool *have)
{
	*last = last_headline;
	*have = have_last_headline;
}

void pfd_text_times_put(int64_t last, bool have)
{
	last_headline = last;
	have_last_headline = have;
}

static unsigned decimal_digits(unsigned v)
{
	unsigned n = 1;
	for (; v >= 10; v /= 10)
		n++;
	return n;
}

/* strace's layouts: -t "14:03:07 ", -tt "14:03:07.123456 ", -ttt
 * "1765202587.123456 ", -r "     0.000123 " (right-aligned in 13). */
static void put_headline_time(struct pfd_buf *out, int64_t wall)
{
	static struct pfd_buf num = PFD_BUF_INIT;
	pfd_buf_clear(&num);
	if (relative_times) {
		pfd_put_seconds(&num, have_last_headline ? wall - last_headline : 0);
		for (size_t n = num.len; n < 13; n++)
			pfd_buf_putc(out, ' ');
		pfd_buf_puts(out, pfd_buf_str(&num));
		pfd_buf_putc(out, ' ');
		return;
	}
	if (absolute_times >= 3) {
		pfd_put_seconds(out, wall);
	} else {
		char hms[16];
		struct tm tm;
		time_t sec = (time_t)(wall / NSEC);
		if (!localtime_r(&sec, &tm) || !strftime(hms, sizeof(hms), "%H:%M:%S", &tm))
			strcpy(hms, "??:??:??");
		pfd_buf_puts(out, hms);
		if (absolute_times == 2) {
			pfd_put_seconds(&num, wall % NSEC); /* "0.123456" */
			pfd_buf_puts(out, pfd_buf_str(&num) + 1);
		}
	}
	pfd_buf_putc(out, ' ');
}

const char *pfd_event_title_tail(const struct pfd_event *ev)
{
	return pfd_buf_str(&ev->title_tail);
}

void pfd_text_headline(struct pfd_text *t, pid_t id, const char *title)
{
	if (!t)
		return;
	struct pfd_buf *out = t->head;
	pfd_buf_clear(out);
	if (id) {
		unsigned v = (unsigned)id;
		pfd_buf_puts(out, "[pid ");
		for (unsigned n = decimal_digits(v); n < 5; n++)
			pfd_buf_putc(out, ' '); /* right-aligned in 5, as strace's "[pid  NNN]" */
		pfd_buf_uint(out, v);
		pfd_buf_puts(out, "] ");
	}
	if (absolute_times || relative_times)
		put_headline_time(out, t->ev->wall_ns); /* after "[pid N] ", as strace -f does */
	pfd_buf_puts(out, title ? title : "");
	pfd_buf_putc(out, '\n');
}

/* ---- an event ------------------------------------------------------------------------------ */

bool pfd_event_has_layout(const struct pfd_event *ev)
{
	for (size_t i = 0; i < n_layouts; i++)
		if (strcmp(layouts[i]->kind, ev->kind) == 0)
			return true;
	return false;
}

bool pfd_event_claimed(const struct pfd_field *f)
{
	return claimed(f->ev, f);
}

/* The layouts' part alone: what they say of the fields they claim. */
static bool render_layouts(const struct pfd_event *ev, struct pfd_text *t,
			   const struct kind_layouts *k)
{
	for (size_t i = 0; i < k->n && !t->dropped; i++) {
		k->l[i]->render(ev, t);
		end_line(t);
	}
	return !t->dropped;
}

/* An event's text: its layouts' part, and with whole the default layout for
 * the fields they leave, the headline when none wrote one, and the time the
 * next -r counts from. */
static void event_text(const struct pfd_event *ev, struct pfd_buf *out, bool whole)
{
	static struct pfd_buf body = PFD_BUF_INIT, head = PFD_BUF_INIT, title = PFD_BUF_INIT;
	struct pfd_text t = { .ev = ev, .body = &body, .head = &head };
	struct kind_layouts k;
	pfd_buf_clear(&body);
	pfd_buf_clear(&head);
	layouts_of(ev, &k);
	if (!render_layouts(ev, &t, &k))
		return;
	if (whole) {
		for (const struct pfd_field *f = pfd_f_first(&ev->nodes[0]); f && !k.all;
		     f = pfd_f_next(f))
			if (!claimed_in(&k, f))
				pfd_text_field(&t, f);
		end_line(&t);
		if (!head.len) {
			pfd_buf_clear(&title);
			pfd_buf_puts(&title, ev->title.len ? pfd_buf_str(&ev->title) : ev->kind);
			pfd_buf_puts(&title, pfd_buf_str(&ev->title_tail));
			pfd_text_headline(&t, ev->text_id, pfd_buf_str(&title));
		}
		if (absolute_times || relative_times) {
			last_headline = ev->wall_ns;
			have_last_headline = true;
		}
	}
	if (head.len) /* an empty buffer has no data to copy */
		pfd_buf_put(out, head.data, head.len);
	if (body.len)
		pfd_buf_put(out, body.data, body.len);
}

void pfd_event_text_layouts(const struct pfd_event *ev, struct pfd_buf *out)
{
	event_text(ev, out, false);
}

void pfd_event_text(const struct pfd_event *ev, struct pfd_buf *out)
{
	event_text(ev, out, true);
}
