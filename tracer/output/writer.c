/* procfd-trace: the event writer both sinks implement (include/procfd/writer.h).
 *
 * One format is chosen for the run: JSON Lines or text. A writer renders
 * each field as it comes into the event's own buffer, and the finished event
 * goes to the output in one write (output.c). The text form is line based:
 * a headline, then one line per top-level field, with the fields of an
 * object inline ("k=v, k=v") and each element of a top-level array, or
 * frame of a stack, on a line of its own. */
#include <errno.h>
#include <string.h>
#include <time.h>

#include "procfd/stack.h"
#include "tracer/output/escape.h"
#include "tracer/output/output.h"
#include "tracer/output/api_rc.h"
#include "tracer/output/writer_impl.h"

#define MAX_DEPTH 16
#define INDENT 4

enum container {
	C_EVENT,     /* the event itself */
	C_TOP_OBJ,   /* text: an object field of the event, inline on its line */
	C_TOP_ARR,   /* text: an array field of the event, an element per line */
	C_ELEM_OBJ,  /* text: an object element of a top-level array, on its line */
	C_INLINE,    /* text: a nested object, "k={...}" */
	C_INLINE_ARR,/* text: a nested array, "k=[...]" */
	C_JSON_OBJ,
	C_JSON_ARR,
};

struct pfd_writer {
	bool in_use;
	bool json;
	bool json_only;       /* fields are for JSON only */
	bool text_only;       /* fields are for text only */
	unsigned skip_depth;  /* text: inside a JSON-only container, how deep */
	int depth;
	enum container kind[MAX_DEPTH];
	bool first[MAX_DEPTH];
	bool overflow;        /* nested too deep: the event is dropped */
	bool line_open;       /* text: a detail line is being written */
	struct pfd_buf body;  /* JSON: the object; text: the detail lines */
	struct pfd_buf title; /* text: the headline after the prefix */
	pid_t text_id;
	struct timespec at;   /* when it happened (pfd_clock_now) */
	char kind_name[32];
};

static struct pfd_writer writers[PFD_WRITERS];
static bool json_format;

void pfd_writer_set_format(bool json)
{
	json_format = json;
}

/* ---- life cycle ---------------------------------------------------------- */

struct pfd_writer *pfd_writer_begin(const char *kind, pid_t json_pid, pid_t text_id)
{
	return pfd_writer_begin_at(kind, json_pid, text_id, NULL);
}

struct pfd_writer *pfd_writer_begin_at(const char *kind, pid_t json_pid, pid_t text_id,
				       const struct timespec *at)
{
	struct pfd_writer *w = NULL;
	for (size_t i = 0; i < PFD_WRITERS && !w; i++)
		if (!writers[i].in_use)
			w = &writers[i];
	if (!w || !kind)
		return NULL;
	w->in_use = true;
	w->json = json_format;
	w->json_only = false;
	w->text_only = false;
	w->skip_depth = 0;
	w->depth = 0;
	w->kind[0] = w->json ? C_JSON_OBJ : C_EVENT;
	w->first[0] = true;
	w->overflow = false;
	w->line_open = false;
	w->text_id = text_id;
	if (at)
		w->at = *at;
	else
		pfd_clock_now(&w->at);
	pfd_buf_clear(&w->body);
	pfd_buf_clear(&w->title);
	size_t n = strlen(kind);
	if (n >= sizeof(w->kind_name))
		n = sizeof(w->kind_name) - 1;
	memcpy(w->kind_name, kind, n);
	w->kind_name[n] = '\0';
	if (w->json) {
		pfd_w_str(w, "event", kind);
		if (json_pid)
			pfd_w_int(w, "pid", json_pid);
	}
	return w;
}

struct pfd_writer *pfd_event_begin(const char *kind, pid_t pid)
{
	return pfd_writer_begin(kind, pid, pid);
}

void pfd_event_cancel(struct pfd_writer *w)
{
	if (w)
		w->in_use = false;
}

static void text_end_line(struct pfd_writer *w)
{
	if (w->line_open) {
		pfd_buf_putc(&w->body, '\n');
		w->line_open = false;
	}
}

static unsigned decimal_digits(unsigned v)
{
	unsigned n = 1;
	for (; v >= 10; v /= 10)
		n++;
	return n;
}

/* ---- times -------------------------------------------------------------------- */

#define NSEC 1000000000L

static unsigned absolute_times; /* -t: 1, -tt: 2, -ttt: 3 */
static bool relative_times;     /* -r */
static struct timespec last_headline;
static bool have_last_headline;

void pfd_writer_set_times(unsigned absolute, bool relative)
{
	absolute_times = absolute;
	relative_times = relative;
}

/* CLOCK_REALTIME and CLOCK_MONOTONIC read together once: the wall-clock
 * time of every later monotonic moment. */
static struct timespec base_real, base_mono;
static bool have_base;

void pfd_clock_now(struct timespec *mono)
{
	clock_gettime(CLOCK_MONOTONIC, mono);
	if (!have_base) {
		clock_gettime(CLOCK_REALTIME, &base_real);
		base_mono = *mono;
		have_base = true;
	}
}

static int64_t ns_between(const struct timespec *from, const struct timespec *to)
{
	return (int64_t)(to->tv_sec - from->tv_sec) * NSEC + (to->tv_nsec - from->tv_nsec);
}

/* The wall-clock time of a monotonic moment. */
static struct timespec wall_time(const struct timespec *at)
{
	struct timespec mono;
	if (!have_base)
		pfd_clock_now(&mono);
	int64_t ns = (int64_t)base_real.tv_nsec + ns_between(&base_mono, at);
	int64_t sec = (int64_t)base_real.tv_sec + ns / NSEC;
	ns %= NSEC;
	if (ns < 0) {
		ns += NSEC;
		sec--;
	}
	return (struct timespec){ .tv_sec = (time_t)sec, .tv_nsec = (long)ns };
}

/* "S.UUUUUU", "-S.UUUUUU": seconds from a count of nanoseconds, to the
 * microsecond (truncated, as strace does). */
static void put_seconds(struct pfd_buf *b, int64_t ns)
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

void pfd_buf_duration(struct pfd_buf *b, const struct timespec *from, const struct timespec *to)
{
	put_seconds(b, ns_between(from, to));
}

/* strace's layouts: -t "14:03:07 ", -tt "14:03:07.123456 ", -ttt
 * "1765202587.123456 ", -r "     0.000123 " (right-aligned in 13). */
static void put_headline_time(struct pfd_buf *out, const struct timespec *at)
{
	static struct pfd_buf num = PFD_BUF_INIT;
	pfd_buf_clear(&num);
	if (relative_times) {
		put_seconds(&num, have_last_headline ? ns_between(&last_headline, at) : 0);
		for (size_t n = num.len; n < 13; n++)
			pfd_buf_putc(out, ' ');
		pfd_buf_puts(out, pfd_buf_str(&num));
		pfd_buf_putc(out, ' ');
		return;
	}
	struct timespec wall = wall_time(at);
	if (absolute_times >= 3) {
		put_seconds(out, (int64_t)wall.tv_sec * NSEC + wall.tv_nsec);
	} else {
		char hms[16];
		struct tm tm;
		if (!localtime_r(&wall.tv_sec, &tm) || !strftime(hms, sizeof(hms), "%H:%M:%S", &tm))
			strcpy(hms, "??:??:??");
		pfd_buf_puts(out, hms);
		if (absolute_times == 2) {
			put_seconds(&num, wall.tv_nsec); /* "0.123456" */
			pfd_buf_puts(out, pfd_buf_str(&num) + 1);
		}
	}
	pfd_buf_putc(out, ' ');
}

static void text_headline(struct pfd_writer *w, struct pfd_buf *out)
{
	if (w->text_id) {
		unsigned v = (unsigned)w->text_id;
		pfd_buf_puts(out, "[pid ");
		for (unsigned n = decimal_digits(v); n < 5; n++)
			pfd_buf_putc(out, ' '); /* right-aligned in 5, as strace's "[pid  NNN]" */
		pfd_buf_uint(out, v);
		pfd_buf_puts(out, "] ");
	}
	if (absolute_times || relative_times) {
		put_headline_time(out, &w->at); /* after "[pid N] ", as strace -f does */
		last_headline = w->at;
		have_last_headline = true;
	}
	pfd_buf_puts(out, w->title.len ? pfd_buf_str(&w->title) : w->kind_name);
	pfd_buf_putc(out, '\n');
}

int pfd_event_end(struct pfd_writer *w)
{
	static struct pfd_buf out = PFD_BUF_INIT;
	if (!w)
		return -EINVAL;
	w->in_use = false;
	if (w->overflow || w->depth != 0)
		return -EINVAL; /* unbalanced: never write a malformed event */
	pfd_buf_clear(&out);
	if (w->json) {
		pfd_buf_put(&out, w->body.data, w->body.len);
		pfd_buf_puts(&out, w->first[0] ? "{}\n" : "}\n");
	} else {
		text_end_line(w);
		text_headline(w, &out);
		pfd_buf_put(&out, pfd_buf_str(&w->body), w->body.len);
	}
	if (out.failed || w->body.failed) {
		pfd_output_drop(ENOMEM);
		return -ENOMEM;
	}
	/* Plugins call this: the output's own errno (EPIPE, ENOSPC...) is
	 * outside the API's error set. */
	return pfd_api_rc(pfd_output_write(out.data, out.len));
}

/* ---- JSON ------------------------------------------------------------------ */

static void json_key(struct pfd_writer *w, const char *key)
{
	int d = w->depth;
	if (w->kind[d] == C_JSON_OBJ) {
		pfd_buf_puts(&w->body, w->first[d] ? "{\"" : ",\"");
		pfd_buf_puts(&w->body, key ? key : "");
		pfd_buf_puts(&w->body, "\":");
	} else {
		pfd_buf_puts(&w->body, w->first[d] ? "[" : ",");
	}
	w->first[d] = false;
}

/* ---- text ------------------------------------------------------------------- */

static void text_indent(struct pfd_writer *w, unsigned level)
{
	static const char spaces[] = "                                ";
	text_end_line(w);
	for (unsigned n = level * INDENT; n;) {
		unsigned k = n < sizeof(spaces) - 1 ? n : (unsigned)sizeof(spaces) - 1;
		pfd_buf_put(&w->body, spaces, k);
		n -= k;
	}
	w->line_open = true;
}

/* Where the next value goes, and its key. */
static void text_key(struct pfd_writer *w, const char *key)
{
	int d = w->depth;
	switch (w->kind[d]) {
	case C_EVENT:
		text_indent(w, 1);
		pfd_buf_puts(&w->body, key ? key : "");
		pfd_buf_putc(&w->body, ':');
		break;
	case C_TOP_ARR:
		text_indent(w, 2);
		break;
	default:
		if (!w->first[d])
			pfd_buf_puts(&w->body, ", ");
		if (!w->line_open)
			text_indent(w, 2); /* a line broken by a stack goes on */
		if (key && w->kind[d] != C_INLINE_ARR) {
			pfd_buf_puts(&w->body, key);
			pfd_buf_putc(&w->body, '=');
		}
		break;
	}
	w->first[d] = false;
}

/* ---- fields ---------------------------------------------------------------- */

/* Fields written now are not for this writer's format. */
static bool skipping(const struct pfd_writer *w)
{
	return w->skip_depth || (w->json ? w->text_only : w->json_only);
}

/* Whether this field is written, and its key placed. */
static bool field(struct pfd_writer *w, const char *key)
{
	if (!w || w->overflow)
		return false;
	if (skipping(w))
		return false;
	if (w->json) {
		json_key(w, key);
	} else {
		bool top = w->kind[w->depth] == C_EVENT;
		text_key(w, key);
		if (top)
			pfd_buf_putc(&w->body, ' ');
	}
	return true;
}

/* A UTF-8 sequence a terminal would act on (C1 control, bidi override),
 * written as its bytes in octal, strace-style ("\342\200\256"). */
static size_t text_put_unsafe(struct pfd_buf *b, const unsigned char *p)
{
	uint32_t cp;
	size_t n = pfd_utf8_terminal_unsafe(p, strnlen((const char *)p, 3), &cp);

	for (size_t i = 0; i < n; i++) {
		char e[] = { '\\', (char)('0' + (p[i] >> 6)), (char)('0' + (p[i] >> 3 & 7)),
			     (char)('0' + (p[i] & 7)) };
		pfd_buf_put(b, e, sizeof(e));
	}
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
		size_t n = (unsigned char)*s >= 0x80 ? text_put_unsafe(b, (const unsigned char *)s) : 0;
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

void pfd_w_int(struct pfd_writer *w, const char *key, int64_t v)
{
	if (field(w, key))
		pfd_buf_int(&w->body, v);
}

void pfd_w_time(struct pfd_writer *w, const char *key, const struct timespec *at)
{
	if (!w)
		return;
	struct timespec wall = wall_time(at ? at : &w->at);
	if (field(w, key))
		put_seconds(&w->body, (int64_t)wall.tv_sec * NSEC + wall.tv_nsec);
}

void pfd_w_duration(struct pfd_writer *w, const char *key, const struct timespec *from,
		    const struct timespec *to)
{
	if (field(w, key))
		put_seconds(&w->body, ns_between(from, to));
}

void pfd_w_uint(struct pfd_writer *w, const char *key, uint64_t v)
{
	if (field(w, key))
		pfd_buf_uint(&w->body, v);
}

void pfd_w_bool(struct pfd_writer *w, const char *key, bool v)
{
	if (field(w, key))
		pfd_buf_puts(&w->body, v ? "true" : "false");
}

void pfd_w_null(struct pfd_writer *w, const char *key)
{
	if (field(w, key))
		pfd_buf_puts(&w->body, "null");
}

void pfd_w_str(struct pfd_writer *w, const char *key, const char *s)
{
	if (!field(w, key))
		return;
	if (w->json)
		pfd_json_string(&w->body, s);
	else
		text_plain(&w->body, s ? s : "null");
}

void pfd_w_bytes(struct pfd_writer *w, const char *key, const char *buf, size_t len)
{
	if (!field(w, key))
		return;
	if (w->json)
		pfd_json_bytes(&w->body, buf, len);
	else
		pfd_text_quote(&w->body, buf, len);
}

static bool push(struct pfd_writer *w, enum container kind)
{
	if (w->depth + 1 >= MAX_DEPTH) {
		w->overflow = true;
		return false;
	}
	w->depth++;
	w->kind[w->depth] = kind;
	w->first[w->depth] = true;
	return true;
}

static enum container text_container(const struct pfd_writer *w, bool array)
{
	switch (w->kind[w->depth]) {
	case C_EVENT: return array ? C_TOP_ARR : C_TOP_OBJ;
	case C_TOP_ARR: return array ? C_INLINE_ARR : C_ELEM_OBJ;
	default: return array ? C_INLINE_ARR : C_INLINE;
	}
}

static void open_container(struct pfd_writer *w, const char *key, bool array)
{
	if (!w || w->overflow)
		return;
	if (skipping(w)) {
		w->skip_depth++;
		return;
	}
	enum container kind = w->json ? (array ? C_JSON_ARR : C_JSON_OBJ) : text_container(w, array);
	if (w->json) {
		json_key(w, key);
	} else {
		text_key(w, key);
		if (kind == C_TOP_OBJ)
			pfd_buf_putc(&w->body, ' ');
		else if (kind == C_INLINE)
			pfd_buf_putc(&w->body, '{');
		else if (kind == C_INLINE_ARR)
			pfd_buf_putc(&w->body, '[');
	}
	push(w, kind);
}

void pfd_w_object(struct pfd_writer *w, const char *key)
{
	open_container(w, key, false);
}

void pfd_w_array(struct pfd_writer *w, const char *key)
{
	open_container(w, key, true);
}

void pfd_w_end(struct pfd_writer *w)
{
	if (!w || w->overflow)
		return;
	if (w->skip_depth) {
		w->skip_depth--;
		return;
	}
	if (w->depth == 0) {
		w->overflow = true; /* more ends than opens */
		return;
	}
	enum container kind = w->kind[w->depth];
	bool first = w->first[w->depth];
	w->depth--;
	switch (kind) {
	case C_JSON_OBJ: pfd_buf_puts(&w->body, first ? "{}" : "}"); break;
	case C_JSON_ARR: pfd_buf_puts(&w->body, first ? "[]" : "]"); break;
	case C_INLINE: pfd_buf_putc(&w->body, '}'); break;
	case C_INLINE_ARR: pfd_buf_putc(&w->body, ']'); break;
	default: break;
	}
}

/* ---- stacks ------------------------------------------------------------------ */

/* Frames keep their module's name and file offset even where nothing
 * symbolizes them now (a stripped binary): `module_offset` with the
 * module's build-id is what eu-addr2line, or a debuginfod server, needs
 * later. The module's path is the tracee's bytes, so JSON writes it as
 * bytes (lossless). */
static void json_frame(struct pfd_writer *w, const struct pfd_frame *f)
{
	pfd_w_object(w, NULL);
	pfd_w_uint(w, "ip", f->ip);
	pfd_w_str(w, "function", f->function);
	if (f->function)
		pfd_w_uint(w, "offset", f->offset);
	else
		pfd_w_null(w, "offset");
	if (f->module) {
		pfd_w_bytes(w, "module", f->module, strlen(f->module));
		pfd_w_uint(w, "module_offset", f->module_offset);
	} else {
		pfd_w_null(w, "module");
		pfd_w_null(w, "module_offset");
	}
	pfd_w_str(w, "build_id", f->build_id);
	pfd_w_str(w, "file", f->file);
	if (f->line)
		pfd_w_uint(w, "line", f->line);
	else
		pfd_w_null(w, "line");
	pfd_w_end(w);
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

static void put_octal(struct pfd_buf *b, unsigned char c)
{
	char e[] = { '\\', (char)('0' + (c >> 6)), (char)('0' + (c >> 3 & 7)), (char)('0' + (c & 7)) };
	pfd_buf_put(b, e, sizeof(e));
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

/* "at main (leaky.c:42)"; without file:line "by f+0x1f (/lib/.../libc.so.6)",
 * or, with no symbol, the module offset: "by 0x1abe (/usr/bin/git)", which
 * `eu-addr2line -e /usr/bin/git 0x1abe` resolves later. */
static void text_frame(struct pfd_buf *b, const struct pfd_frame *f, bool innermost)
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

void pfd_w_frames(struct pfd_writer *w, const char *key, const struct pfd_frame *frames,
		  size_t n)
{
	if (!w || w->overflow || skipping(w))
		return;
	if (w->json) {
		pfd_w_array(w, key);
		for (size_t i = 0; i < n; i++)
			json_frame(w, &frames[i]);
		pfd_w_end(w);
		return;
	}
	/* Text: the key on the current line, then a line per frame under it. */
	unsigned level = w->kind[w->depth] == C_EVENT ? 2 : 3;
	text_key(w, key);
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && below_main(&frames[i]))
			break;
		text_indent(w, level);
		text_frame(&w->body, &frames[i], i == 0);
	}
	text_end_line(w);
}

/* ---- presentation ------------------------------------------------------------ */

void pfd_w_title(struct pfd_writer *w, const char *title)
{
	if (!w || !title)
		return;
	pfd_buf_clear(&w->title);
	pfd_buf_puts(&w->title, title);
}

/* Where to break s so that it fits in width columns: the last space before
 * the limit (ESC sequences take no column), or 0 when it fits or cannot. */
static size_t wrap_point(const char *s, size_t width)
{
	size_t col = 0, best = 0;
	for (size_t i = 0; s[i]; i++) {
		if (s[i] == 0x1b) { /* colour: ESC [ ... m */
			while (s[i] && s[i] != 'm')
				i++;
			if (!s[i])
				break;
			continue;
		}
		if (s[i] == ' ' && i > 0 && s[i - 1] != ' ' && s[i + 1] && s[i + 1] != ' ')
			best = col >= width ? best : i;
		if (++col > width)
			return best;
	}
	return 0;
}

/* A text line longer than TEXT_WIDTH columns goes on over lines indented two
 * more than it (readers join them back: the continuation's indent says so). */
#define TEXT_WIDTH 100u

void pfd_w_text_row(struct pfd_writer *w, const char *line)
{
	if (!w || w->json || !line)
		return;
	text_indent(w, (unsigned)(w->depth == 0 ? 1 : 2));
	text_plain(&w->body, line);
	text_end_line(w);
}

void pfd_w_text(struct pfd_writer *w, const char *line)
{
	static struct pfd_buf piece = PFD_BUF_INIT;
	if (!w || w->json || !line)
		return;
	unsigned level = (unsigned)(w->depth == 0 ? 1 : 2);
	size_t indent = level * INDENT;
	bool first = true;
	while (*line) {
		size_t cut = wrap_point(line, TEXT_WIDTH - indent - (first ? 0 : 2));
		size_t n = cut ? cut : strlen(line);
		pfd_buf_clear(&piece);
		pfd_buf_put(&piece, line, n);
		text_indent(w, level);
		if (!first)
			pfd_buf_puts(&w->body, "  ");
		text_plain(&w->body, pfd_buf_str(&piece));
		text_end_line(w);
		line += cut ? cut + 1 : n;
		first = false;
	}
}

/* Verbatim: only what a terminal would act on is escaped (the generator of
 * suppressions never writes such bytes: they are not in any entry). */
void pfd_w_text_block(struct pfd_writer *w, const char *text)
{
	if (!w || w->json || w->overflow || skipping(w) || !text)
		return;
	text_end_line(w);
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		size_t n = *p >= 0x80 ? printable_utf8(p) : (*p >= 0x20 && *p != 0x7f) || *p == '\t';
		if (*p == '\n') {
			pfd_buf_putc(&w->body, '\n');
			p++;
		} else if (n > 0) {
			pfd_buf_put(&w->body, p, n);
			p += n;
		} else {
			put_octal(&w->body, *p++);
		}
	}
	if (p != (const unsigned char *)text && p[-1] != '\n')
		pfd_buf_putc(&w->body, '\n');
}

void pfd_w_json_only(struct pfd_writer *w, bool on)
{
	if (w)
		w->json_only = on;
}

void pfd_w_text_only(struct pfd_writer *w, bool on)
{
	if (w)
		w->text_only = on;
}

bool pfd_writer_is_json(const struct pfd_writer *w)
{
	return w && w->json;
}
