/* procfd-trace: the text form of the engine's events, said once.
 *
 * Each layout reads only the event's fields, so a JSON trace renders to
 * the same text (procfd-render). A call's headline is the strace line,
 * "openat(AT_FDCWD, "/x", O_RDONLY) = 3", rebuilt from the call's fields
 * and the path table's argument slots; exec, exit, attach and detach are
 * strace's "+++ ... +++" lines. */
#include <string.h>

#include "procfd/flagnames.h"
#include "procfd/syscalls.h"
#include "tracer/engine/core_events.h"
#include "tracer/output/writer_impl.h"

/* -q hides the attach and detach lines, -qq the exec and exit lines too,
 * as strace's -q and -qq hide its "attached"/"exited" messages. In text
 * only: JSON is for programs, which pick the events they want, and a
 * consumer that pairs calls with their process's end must not lose it
 * because a human asked for a shorter text. */
static unsigned quiet;
static bool show_duration; /* -T */

static const struct pfd_field *get(const struct pfd_event *ev, const char *key)
{
	return pfd_event_get(ev, key);
}

static pid_t tid_of(const struct pfd_event *ev)
{
	const struct pfd_field *tid = get(ev, "tid");
	return tid ? (pid_t)pfd_f_int(tid) : pfd_event_pid(ev);
}

/* ---- a call's headline -------------------------------------------------------- */

static void put_str(struct pfd_buf *b, const struct pfd_field *f)
{
	const char *s = pfd_f_str(f, NULL);
	pfd_buf_puts(b, s ? s : "");
}

/* Argument i as the tracee passed it (only a path call whose path or
 * open_how could not be read keeps them). */
static void put_raw(struct pfd_buf *b, const struct pfd_event *ev, int i)
{
	const struct pfd_field *a = pfd_f_first(get(ev, "raw_args"));
	for (; a && i > 0; i--)
		a = pfd_f_next(a);
	if (a)
		pfd_buf_hex(b, pfd_f_uint(a));
	else
		pfd_buf_putc(b, '?'); /* rendered from JSON, which has no raw arguments */
}

/* One argument of a path call, as strace shows it; false if i is none. */
static bool put_path_arg(struct pfd_buf *b, const struct pfd_event *ev,
			 const struct pfd_syscall_desc *sc, int i)
{
	const struct pfd_field *flags = get(ev, "flags"), *mode = get(ev, "mode");
	if (i == sc->dirfd_arg) {
		char tmp[32];
		pfd_format_dirfd((int)pfd_f_int(get(ev, "dirfd")), tmp, sizeof(tmp));
		pfd_buf_puts(b, tmp);
	} else if (i == sc->path_arg) {
		static struct pfd_buf bytes = PFD_BUF_INIT;
		size_t len;
		const char *path = pfd_f_bytes(get(ev, "path"), &bytes, &len);
		if (get(ev, "path_error"))
			put_raw(b, ev, i);
		else if (!path)
			pfd_buf_puts(b, "NULL");
		else
			pfd_buf_quote(b, path, len);
	} else if (i == sc->flags_arg) {
		put_str(b, flags);
	} else if (i == sc->how_arg && !get(ev, "resolve")) {
		put_raw(b, ev, i); /* struct open_how could not be read */
	} else if (i == sc->how_arg) {
		pfd_buf_puts(b, "{flags=");
		put_str(b, flags);
		pfd_buf_puts(b, ", resolve=");
		put_str(b, get(ev, "resolve"));
		pfd_buf_putc(b, '}');
	} else if (i == sc->mode_arg && mode) {
		put_str(b, mode);
	} else {
		return false;
	}
	return true;
}

static int errno_number(const char *name)
{
	for (int e = 1; name && e < 4096; e++) {
		const char *n = pfd_errno_name(e);
		if (n && strcmp(n, name) == 0)
			return e;
	}
	return 0;
}

static void put_result(struct pfd_buf *b, const struct pfd_event *ev)
{
	const struct pfd_field *result = get(ev, "result"), *err = get(ev, "errno");
	if (pfd_f_type(result) != PFD_F_INT) {
		pfd_buf_puts(b, " = ? <unfinished>");
		return;
	}
	pfd_buf_puts(b, " = ");
	pfd_buf_int(b, pfd_f_int(result));
	if (pfd_f_type(err) == PFD_F_STR) {
		const char *name = pfd_f_str(err, NULL);
		pfd_buf_putc(b, ' ');
		pfd_buf_puts(b, name);
		pfd_buf_puts(b, " (");
		pfd_buf_puts(b, strerror(errno_number(name)));
		pfd_buf_putc(b, ')');
	}
}

/* -T: " <0.000123>", the time between the entry and exit stops, after the
 * result (none for a call whose exit was not seen). */
static void put_duration(struct pfd_buf *b, const struct pfd_event *ev)
{
	const struct pfd_field *d = get(ev, "duration");
	if (!show_duration || pfd_f_type(d) != PFD_F_SECONDS)
		return;
	pfd_buf_puts(b, " <");
	pfd_buf_field(b, d);
	pfd_buf_putc(b, '>');
}

/* The path table's entry of a call, by name: the table is searched once
 * per name (a trace calls a few syscalls many times). */
static const struct pfd_syscall_desc *desc_of(const char *name)
{
	static struct { char name[32]; const struct pfd_syscall_desc *sc; } cache[16];
	static unsigned next;
	if (!name || strlen(name) >= sizeof(cache[0].name))
		return name ? pfd_syscall_by_name(name) : NULL;
	for (unsigned i = 0; i < 16; i++)
		if (cache[i].name[0] == name[0] && strcmp(cache[i].name, name) == 0)
			return cache[i].sc;
	unsigned i = next++ % 16;
	strcpy(cache[i].name, name);
	cache[i].sc = pfd_syscall_by_name(name);
	return cache[i].sc;
}

static void call_title(struct pfd_buf *b, const struct pfd_event *ev)
{
	const char *name = pfd_f_str(get(ev, "syscall"), NULL);
	const struct pfd_field *args = get(ev, "args");
	const struct pfd_syscall_desc *sc = args ? NULL : desc_of(name);
	const char *sep = "";
	pfd_buf_clear(b);
	pfd_buf_puts(b, name ? name : "?");
	pfd_buf_putc(b, '(');
	for (const struct pfd_field *a = pfd_f_first(args); a; a = pfd_f_next(a), sep = ", ") {
		pfd_buf_puts(b, sep);
		pfd_buf_hex(b, pfd_f_uint(a));
	}
	for (int i = 0; sc && i < 6; i++) {
		size_t mark = b->len;
		pfd_buf_puts(b, sep);
		if (!put_path_arg(b, ev, sc, i)) {
			b->len = mark; /* not an argument of this call */
			b->data[mark] = '\0';
			continue;
		}
		sep = ", ";
	}
	pfd_buf_putc(b, ')');
	put_result(b, ev);
	pfd_buf_puts(b, pfd_event_title_tail(ev)); /* a plugin's tag: before -T's */
	put_duration(b, ev);
}

/* The headline says the call; -k's frames under it. */
static void render_call(const struct pfd_event *ev, struct pfd_text *t)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	const struct pfd_field *bt = get(ev, "backtrace");
	call_title(&title, ev);
	pfd_text_headline(t, tid_of(ev), pfd_buf_str(&title));
	if (pfd_f_type(bt) == PFD_F_ARRAY)
		pfd_text_frames(t, "backtrace", bt);
	else if (bt)
		pfd_text_field(t, bt); /* "backtrace: null": it could not be taken */
}

static const char *const call_keys[] = {
	"time", "duration", "tid", "syscall", "arch", "dirfd", "path", "path_error", "flags",
	"mode", "resolve", "args", "raw_args", "result", "errno", "backtrace", NULL,
};

/* ---- process events ---------------------------------------------------------- */

static void render_exec(const struct pfd_event *ev, struct pfd_text *t)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	if (quiet >= 2) {
		pfd_text_drop(t);
		return;
	}
	pfd_buf_clear(&title);
	static struct pfd_buf bytes = PFD_BUF_INIT;
	size_t len = 0;
	const char *exe = pfd_f_bytes(get(ev, "exe"), &bytes, &len);
	pfd_buf_puts(&title, "+++ exec ");
	pfd_buf_quote(&title, exe ? exe : "", len); /* the tracee's bytes, even read back as a string */
	pfd_buf_puts(&title, " +++");
	pfd_text_headline(t, tid_of(ev), pfd_buf_str(&title));
}

/* Text shows the process's end (the leader's), as strace -f does; JSON has
 * every thread's. */
static void render_exit(const struct pfd_event *ev, struct pfd_text *t)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	const struct pfd_field *sig = get(ev, "signal");
	if (quiet >= 2 || !pfd_f_bool(get(ev, "leader"))) {
		pfd_text_drop(t);
		return;
	}
	pfd_buf_clear(&title);
	if (pfd_f_type(sig) == PFD_F_STR) {
		pfd_buf_puts(&title, "+++ killed by ");
		put_str(&title, sig);
		pfd_buf_puts(&title, pfd_f_bool(get(ev, "core_dumped")) ? " (core dumped) +++"
									 : " +++");
	} else {
		pfd_buf_puts(&title, "+++ exited with ");
		pfd_buf_int(&title, pfd_f_int(get(ev, "status")));
		pfd_buf_puts(&title, " +++");
	}
	pfd_text_headline(t, tid_of(ev), pfd_buf_str(&title));
}

static void render_attach(const struct pfd_event *ev, struct pfd_text *t)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	uint64_t threads = pfd_f_uint(get(ev, "threads"));
	if (quiet >= 1) {
		pfd_text_drop(t);
		return;
	}
	pfd_buf_clear(&title);
	pfd_buf_puts(&title, "+++ attached (");
	pfd_buf_uint(&title, threads);
	pfd_buf_puts(&title, threads == 1 ? " thread) +++" : " threads) +++");
	pfd_text_headline(t, pfd_event_pid(ev), pfd_buf_str(&title));
}

/* Text: once per process, at its last thread. */
static void render_detach(const struct pfd_event *ev, struct pfd_text *t)
{
	if (quiet >= 1 || !pfd_f_bool(get(ev, "last"))) {
		pfd_text_drop(t);
		return;
	}
	pfd_text_headline(t, tid_of(ev), "+++ detached: it goes on untraced +++");
}

static const struct pfd_text_layout layouts[] = {
	{ .kind = "syscall", .keys = call_keys, .render = render_call },
	{ .kind = "exec", .render = render_exec },
	{ .kind = "exit", .render = render_exit },
	{ .kind = "attach", .render = render_attach },
	{ .kind = "detach", .render = render_detach },
};

void pfd_core_events_configure(unsigned quiet_level, bool call_duration,
			       unsigned absolute_time, bool relative_time)
{
	quiet = quiet_level;
	show_duration = call_duration;
	pfd_writer_set_times(absolute_time, relative_time);
	for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
		pfd_text_layout(&layouts[i]);
}
