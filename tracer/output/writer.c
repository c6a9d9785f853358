/* procfd-trace: building events (include/procfd/writer.h) and writing them.
 *
 * A writer builds its event as a tree of typed fields (event.c); at
 * pfd_event_end the event is rendered in the run's one format, JSON Lines
 * here, mechanically, or text by the kind's layout (text.c), and goes to
 * the output in one write (output.c). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "procfd/stack.h"
#include "tracer/output/api_rc.h"
#include "tracer/output/escape.h"
#include "tracer/output/event_impl.h"
#include "tracer/output/output.h"
#include "tracer/output/writer_impl.h"

#define MAX_DEPTH 16

struct pfd_writer {
	struct pfd_event ev;
	bool in_use;
	bool overflow;     /* nested too deep, or unbalanced: the event is dropped */
	uint8_t flags;     /* F_JSON_ONLY / F_TEXT_ONLY while the toggles are on */
	int depth;
	uint32_t open[MAX_DEPTH]; /* the open containers' nodes; open[0] = 0, the event */
};

static struct pfd_writer writers[PFD_WRITERS];
static bool json_format;

void pfd_writer_set_format(bool json)
{
	json_format = json;
}

/* ---- times ------------------------------------------------------------------- */

#define NSEC 1000000000L

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

/* The wall-clock time of a monotonic moment, in nanoseconds since the epoch. */
static int64_t wall_ns(const struct timespec *at)
{
	struct timespec mono;
	if (!have_base)
		pfd_clock_now(&mono);
	return (int64_t)base_real.tv_sec * NSEC + base_real.tv_nsec + ns_between(&base_mono, at);
}

void pfd_writer_set_times(unsigned absolute, bool relative)
{
	pfd_text_set_times(absolute, relative);
}

void pfd_buf_duration(struct pfd_buf *b, const struct timespec *from, const struct timespec *to)
{
	pfd_put_seconds(b, ns_between(from, to));
}

/* ---- life cycle ---------------------------------------------------------------- */

struct pfd_writer *pfd_writer_begin(const char *kind, pid_t json_pid, pid_t text_id)
{
	return pfd_writer_begin_at(kind, json_pid, text_id, NULL);
}

struct pfd_writer *pfd_writer_begin_at(const char *kind, pid_t json_pid, pid_t text_id,
				       const struct timespec *at)
{
	struct pfd_writer *w = NULL;
	struct timespec now;
	for (size_t i = 0; i < PFD_WRITERS && !w; i++)
		if (!writers[i].in_use)
			w = &writers[i];
	if (!w || !kind)
		return NULL;
	w->in_use = true;
	w->overflow = false;
	w->flags = 0;
	w->depth = 0;
	w->open[0] = 0;
	pfd_event_reset(&w->ev, kind, json_pid, text_id);
	if (!at) {
		pfd_clock_now(&now);
		at = &now;
	}
	w->ev.wall_ns = wall_ns(at);
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

/* ---- the render check ------------------------------------------------------------
 *
 * With PROCFD_RENDER_CHECK set in the environment (the integration tests),
 * each event is rendered as text, and as JSON read back (event_json.c) and
 * rendered as text again, whatever the run's format: the two texts must be
 * equal, so the text says nothing its JSON does not. Of an event that still
 * carries transitional text (pfd_w_text*, the toggles) only its layouts'
 * part is compared, and nothing of one with a title of its own. The
 * verdict goes to stderr. */

static struct {
	bool on, known;
	unsigned long checked, layouts, transitional, differ;
} check;

static void check_report(void)
{
	fprintf(stderr, "procfd-trace: render check: %lu events checked, %lu differ, "
		"%lu with transitional text not checked, %lu of them checked in their layouts' "
		"part\n", check.checked + check.layouts, check.differ,
		check.transitional + check.layouts, check.layouts);
}

static bool render_check_on(void)
{
	if (!check.known) {
		const char *v = getenv("PROCFD_RENDER_CHECK");
		check.on = v && *v && strcmp(v, "0") != 0;
		check.known = true;
		if (check.on)
			atexit(check_report);
	}
	return check.on;
}

static bool transitional_node(const struct pfd_field *f)
{
	return f->flags & (F_JSON_ONLY | F_TEXT_ONLY) || f->type >= F_TEXT_LINE;
}

/* Whether a top-level field, or anything under it, is transitional (a
 * field's subtree is the nodes after it up to its next sibling: events are
 * built depth first). */
static bool transitional_field(const struct pfd_event *ev, const struct pfd_field *f)
{
	uint32_t at = (uint32_t)(f - ev->nodes), end = f->next ? f->next : ev->n_nodes;
	for (uint32_t i = at; i < end; i++)
		if (transitional_node(&ev->nodes[i]))
			return true;
	return false;
}

/* How much of an event the check can compare: all of it; only its layouts'
 * part, when its transitional text is all in fields no layout claims (a
 * call annotated by the procfd plugin: its strace line is checked); or
 * nothing (a title of its own, or a layout's field that JSON does not
 * carry). */
enum checkable { CHECK_ALL, CHECK_LAYOUTS, CHECK_NONE };

static enum checkable checkable(const struct pfd_event *ev)
{
	bool any = false;
	if (ev->title.len || ev->title_tail.len) /* text of its own */
		return CHECK_NONE;
	for (const struct pfd_field *f = pfd_event_first(ev); f; f = pfd_f_next(f)) {
		if (!transitional_field(ev, f))
			continue;
		if (pfd_event_claimed(f))
			return CHECK_NONE;
		any = true;
	}
	if (!any)
		return CHECK_ALL;
	return pfd_event_has_layout(ev) ? CHECK_LAYOUTS : CHECK_NONE;
}

static void check_render(const struct pfd_event *ev)
{
	static struct pfd_event copy;
	static struct pfd_buf json = PFD_BUF_INIT, live = PFD_BUF_INIT, again = PFD_BUF_INIT;
	int64_t last;
	bool have;
	enum checkable what = checkable(ev);
	if (what == CHECK_NONE) {
		check.transitional++;
		return;
	}
	void (*render)(const struct pfd_event *, struct pfd_buf *) =
		what == CHECK_ALL ? pfd_event_text : pfd_event_text_layouts;
	pfd_buf_clear(&json);
	pfd_buf_clear(&live);
	pfd_buf_clear(&again);
	pfd_event_json(ev, &json);
	pfd_text_times_get(&last, &have);
	int rc = pfd_event_parse(&copy, json.data, json.len);
	copy.wall_ns = ev->wall_ns; /* not every kind has a time field */
	if (rc == 0)
		render(&copy, &again);
	pfd_text_times_put(last, have);
	render(ev, &live);
	pfd_text_times_put(last, have);
	if (what == CHECK_ALL)
		check.checked++;
	else
		check.layouts++;
	if (rc == 0 && live.len == again.len &&
	    (live.len == 0 || memcmp(live.data, again.data, live.len) == 0)) /* -q: both dropped */
		return;
	check.differ++;
	fprintf(stderr, "procfd-trace: render check: the text of a %s event is not its JSON's:\n"
		"--- text\n%s--- from its JSON (%s)\n%s", ev->kind, pfd_buf_str(&live),
		pfd_buf_str(&json), rc ? strerror(-rc) : pfd_buf_str(&again));
}

int pfd_event_end(struct pfd_writer *w)
{
	static struct pfd_buf out = PFD_BUF_INIT;
	if (!w)
		return -EINVAL;
	w->in_use = false;
	if (w->ev.failed) { /* memory ran out while it was built */
		pfd_output_drop(ENOMEM);
		return -ENOMEM;
	}
	if (w->overflow || w->depth != 0)
		return -EINVAL; /* unbalanced: never write a malformed event */
	pfd_buf_clear(&out);
	if (render_check_on())
		check_render(&w->ev);
	if (json_format)
		pfd_event_json(&w->ev, &out);
	else
		pfd_event_text(&w->ev, &out);
	if (out.failed || w->ev.failed) {
		pfd_output_drop(ENOMEM);
		return -ENOMEM;
	}
	if (!out.len)
		return 0; /* a text layout dropped it (-q) */
	/* Plugins call this: the output's own errno (EPIPE, ENOSPC...) is
	 * outside the API's error set. */
	return pfd_api_rc(pfd_output_write(out.data, out.len));
}

/* ---- building ------------------------------------------------------------------ */

/* A new node in the innermost open container, or 0 when none is made. */
static uint32_t add(struct pfd_writer *w, uint8_t type, const char *key)
{
	if (!w || w->overflow)
		return 0;
	uint32_t i = pfd_event_add(&w->ev, w->open[w->depth], type, key);
	if (i)
		w->ev.nodes[i].flags = w->flags;
	return i;
}

static void add_int(struct pfd_writer *w, uint8_t type, const char *key, int64_t v)
{
	uint32_t i = add(w, type, key);
	if (i)
		w->ev.nodes[i].v.i = v;
}

static void add_string(struct pfd_writer *w, uint8_t type, const char *key, const char *s,
		       size_t len)
{
	uint32_t i = add(w, type, key);
	if (!i)
		return;
	uint32_t off = pfd_event_store(&w->ev, s, len);
	w->ev.nodes[i].v.s.off = off; /* after the store: nodes do not move, strings may */
	w->ev.nodes[i].v.s.len = (uint32_t)len;
}

void pfd_w_int(struct pfd_writer *w, const char *key, int64_t v)
{
	add_int(w, PFD_F_INT, key, v);
}

void pfd_w_uint(struct pfd_writer *w, const char *key, uint64_t v)
{
	add_int(w, PFD_F_UINT, key, (int64_t)v);
}

void pfd_w_bool(struct pfd_writer *w, const char *key, bool v)
{
	add_int(w, PFD_F_BOOL, key, v);
}

void pfd_w_null(struct pfd_writer *w, const char *key)
{
	add(w, PFD_F_NULL, key);
}

void pfd_w_str(struct pfd_writer *w, const char *key, const char *s)
{
	if (!s)
		pfd_w_null(w, key);
	else
		add_string(w, PFD_F_STR, key, s, strlen(s));
}

void pfd_w_bytes(struct pfd_writer *w, const char *key, const char *buf, size_t len)
{
	add_string(w, PFD_F_BYTES, key, buf ? buf : "", buf ? len : 0);
}

void pfd_w_time(struct pfd_writer *w, const char *key, const struct timespec *at)
{
	if (w)
		add_int(w, PFD_F_SECONDS, key, at ? wall_ns(at) : w->ev.wall_ns);
}

void pfd_w_duration(struct pfd_writer *w, const char *key, const struct timespec *from,
		    const struct timespec *to)
{
	add_int(w, PFD_F_SECONDS, key, ns_between(from, to));
}

static void open_container(struct pfd_writer *w, const char *key, uint8_t type, uint8_t flags)
{
	if (!w || w->overflow)
		return;
	if (w->depth + 1 >= MAX_DEPTH) {
		w->overflow = true;
		return;
	}
	uint32_t i = add(w, type, key);
	if (!i) {
		w->overflow = true; /* out of memory: ev.failed reports it */
		return;
	}
	w->ev.nodes[i].flags |= flags;
	w->open[++w->depth] = i;
}

void pfd_w_object(struct pfd_writer *w, const char *key)
{
	open_container(w, key, PFD_F_OBJECT, 0);
}

void pfd_w_array(struct pfd_writer *w, const char *key)
{
	open_container(w, key, PFD_F_ARRAY, 0);
}

void pfd_w_end(struct pfd_writer *w)
{
	if (!w || w->overflow)
		return;
	if (w->depth == 0) {
		w->overflow = true; /* more ends than opens */
		return;
	}
	w->depth--;
}

/* Frames keep their module's name and file offset even where nothing
 * symbolizes them now (a stripped binary): `module_offset` with the
 * module's build-id is what eu-addr2line, or a debuginfod server, needs
 * later. The module's path is the tracee's bytes (lossless in JSON). */
static void frame_fields(struct pfd_writer *w, const struct pfd_frame *f)
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

void pfd_w_frames(struct pfd_writer *w, const char *key, const struct pfd_frame *frames,
		  size_t n)
{
	open_container(w, key, PFD_F_ARRAY, F_FRAMES);
	for (size_t i = 0; i < n; i++)
		frame_fields(w, &frames[i]);
	pfd_w_end(w);
}

/* ---- transitional: text beside the fields -------------------------------------- */

void pfd_w_title(struct pfd_writer *w, const char *title)
{
	if (!w || !title)
		return;
	pfd_buf_clear(&w->ev.title);
	pfd_buf_puts(&w->ev.title, title);
}

/* Kept apart from the title: the call's layout puts it before -T's
 * duration, which strace keeps last (core_events_text.c). */
void pfd_w_title_append(struct pfd_writer *w, const char *s)
{
	if (!w || !s)
		return;
	pfd_buf_puts(&w->ev.title_tail, s);
}

/* A line is shown whatever the toggles say; a block not while JSON-only. */
static void add_text(struct pfd_writer *w, uint8_t type, const char *text)
{
	if (!w || !text || (type == F_TEXT_BLOCK && (w->flags & F_JSON_ONLY)))
		return;
	uint8_t flags = w->flags;
	w->flags = F_TEXT_ONLY;
	add_string(w, type, NULL, text, strlen(text));
	w->flags = flags;
}

void pfd_w_text(struct pfd_writer *w, const char *line)
{
	add_text(w, F_TEXT_LINE, line);
}

void pfd_w_text_row(struct pfd_writer *w, const char *line)
{
	add_text(w, F_TEXT_ROW, line);
}

void pfd_w_text_block(struct pfd_writer *w, const char *text)
{
	add_text(w, F_TEXT_BLOCK, text);
}

void pfd_w_json_only(struct pfd_writer *w, bool on)
{
	if (w)
		w->flags = on ? (uint8_t)(w->flags | F_JSON_ONLY) : (uint8_t)(w->flags & ~F_JSON_ONLY);
}

void pfd_w_text_only(struct pfd_writer *w, bool on)
{
	if (w)
		w->flags = on ? (uint8_t)(w->flags | F_TEXT_ONLY) : (uint8_t)(w->flags & ~F_TEXT_ONLY);
}

/* ---- JSON: the tree as it is ---------------------------------------------------- */

static void json_value(const struct pfd_field *f, struct pfd_buf *out);

static void json_members(const struct pfd_field *f, struct pfd_buf *out, bool object)
{
	bool first = true;
	for (const struct pfd_field *c = pfd_f_first(f); c; c = pfd_f_next(c)) {
		if (c->flags & F_TEXT_ONLY)
			continue;
		pfd_buf_putc(out, first ? (object ? '{' : '[') : ',');
		first = false;
		if (object) {
			pfd_buf_putc(out, '"');
			pfd_buf_puts(out, c->key ? pfd_f_key(c) : "");
			pfd_buf_puts(out, "\":");
		}
		json_value(c, out);
	}
	if (first)
		pfd_buf_putc(out, object ? '{' : '[');
	pfd_buf_putc(out, object ? '}' : ']');
}

static void json_value(const struct pfd_field *f, struct pfd_buf *out)
{
	size_t len;
	const char *s;
	switch (f->type) {
	case PFD_F_INT: pfd_buf_int(out, f->v.i); break;
	case PFD_F_UINT: pfd_buf_uint(out, f->v.u); break;
	case PFD_F_BOOL: pfd_buf_puts(out, f->v.i ? "true" : "false"); break;
	case PFD_F_SECONDS: pfd_put_seconds(out, f->v.i); break;
	case PFD_F_STR: pfd_json_string(out, pfd_f_str(f, NULL)); break;
	case PFD_F_BYTES:
		s = pfd_f_str(f, &len);
		pfd_json_bytes(out, s, len);
		break;
	case PFD_F_OBJECT: json_members(f, out, true); break;
	case PFD_F_ARRAY: json_members(f, out, false); break;
	default: pfd_buf_puts(out, "null"); break;
	}
}

void pfd_event_json(const struct pfd_event *ev, struct pfd_buf *out)
{
	pfd_buf_puts(out, "{\"event\":");
	pfd_json_string(out, ev->kind);
	if (ev->pid) {
		pfd_buf_puts(out, ",\"pid\":");
		pfd_buf_int(out, ev->pid);
	}
	for (const struct pfd_field *c = pfd_f_first(&ev->nodes[0]); c; c = pfd_f_next(c)) {
		if (c->flags & F_TEXT_ONLY)
			continue;
		pfd_buf_puts(out, ",\"");
		pfd_buf_puts(out, c->key ? pfd_f_key(c) : "");
		pfd_buf_puts(out, "\":");
		json_value(c, out);
	}
	pfd_buf_puts(out, "}\n");
}
