/* procfd-trace: the engine's events, through the same writer plugins use.
 *
 * A call's text headline is the strace line, "openat(AT_FDCWD, "/x",
 * O_RDONLY) = 3"; its JSON carries the same as fields. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "procfd/flagnames.h"
#include "procfd/stack.h"
#include "tracer/engine/core_events.h"
#include "tracer/engine/plugin_api.h"
#include "tracer/output/writer_impl.h"

#define FLAGS_MAX 512

/* -q hides the attach and detach lines, -qq the exec and exit lines too,
 * as strace's -q and -qq hide its "attached"/"exited" messages. In text
 * only: JSON is for programs, which pick the events they want, and a
 * consumer that pairs calls with their process's end must not lose it
 * because a human asked for a shorter text. */
static unsigned quiet;
static bool show_duration; /* -T */

void pfd_core_events_configure(unsigned quiet_level, bool call_duration,
			       unsigned absolute_time, bool relative_time)
{
	quiet = quiet_level;
	show_duration = call_duration;
	pfd_writer_set_times(absolute_time, relative_time);
}

/* A text line -q (level 1) or -qq (level 2) hides: the event is dropped. */
static bool hidden(struct pfd_writer *w, unsigned level)
{
	if (quiet < level || pfd_writer_is_json(w))
		return false;
	pfd_event_cancel(w);
	return true;
}

static void put_flags(struct pfd_buf *b, pfd_flags_formatter fmt, uint64_t v)
{
	char tmp[FLAGS_MAX];
	fmt(v, tmp, sizeof(tmp));
	pfd_buf_puts(b, tmp);
}

static pfd_flags_formatter mode_formatter(const struct pfd_syscall_desc *sc)
{
	return sc->cls == PFD_SC_ACCESS ? pfd_format_access_mode : pfd_format_file_mode;
}

/* One argument of a path call, as strace shows it; false if i is none. */
static bool put_path_arg(struct pfd_buf *b, const struct pfd_call *c, int i)
{
	const struct pfd_path_args *p = c->path;
	const struct pfd_syscall_desc *sc = p->desc;

	if (i == sc->dirfd_arg) {
		char tmp[32];
		pfd_format_dirfd(p->dirfd, tmp, sizeof(tmp));
		pfd_buf_puts(b, tmp);
	} else if (i == sc->path_arg) {
		if (p->no_path)
			pfd_buf_puts(b, "NULL");
		else if (p->path_errno)
			pfd_buf_hex(b, c->args[i]);
		else
			pfd_buf_quote(b, p->path, p->path_len);
	} else if (i == sc->flags_arg) {
		put_flags(b, pfd_flags_formatter_for(sc->flags_kind), p->flags);
	} else if (i == sc->how_arg && p->how_errno) {
		pfd_buf_hex(b, c->args[i]); /* struct open_how could not be read */
	} else if (i == sc->how_arg) {
		pfd_buf_puts(b, "{flags=");
		put_flags(b, pfd_format_open_flags, p->flags);
		pfd_buf_puts(b, ", resolve=");
		put_flags(b, pfd_format_resolve, p->resolve);
		pfd_buf_putc(b, '}');
	} else if (i == sc->mode_arg && p->has_mode) {
		put_flags(b, mode_formatter(sc), p->mode);
	} else {
		return false;
	}
	return true;
}

static void put_result(struct pfd_buf *b, const struct pfd_call *c)
{
	if (!c->finished) {
		pfd_buf_puts(b, " = ? <unfinished>");
		return;
	}
	pfd_buf_puts(b, " = ");
	pfd_buf_int(b, c->result);
	if (c->err) {
		const char *name = pfd_errno_name(c->err);
		pfd_buf_putc(b, ' ');
		pfd_buf_puts(b, name ? name : "E?");
		pfd_buf_puts(b, " (");
		pfd_buf_puts(b, strerror(c->err));
		pfd_buf_putc(b, ')');
	}
}

/* -T: " <0.000123>", the time between the entry and exit stops, after the
 * result (none for a call whose exit was not seen). */
static void put_duration(struct pfd_buf *b, const struct call_slot *s)
{
	if (!show_duration || !s->call.finished)
		return;
	pfd_buf_puts(b, " <");
	pfd_buf_duration(b, &s->entered, &s->exited);
	pfd_buf_putc(b, '>');
}

static void call_title(struct pfd_buf *b, const struct pfd_call *c)
{
	const char *sep = "";
	pfd_buf_clear(b);
	pfd_buf_puts(b, c->name);
	pfd_buf_putc(b, '(');
	for (int i = 0; i < 6; i++) {
		size_t mark = b->len;
		pfd_buf_puts(b, sep);
		if (c->path ? !put_path_arg(b, c, i) : false) {
			b->len = mark; /* not an argument of this call */
			b->data[mark] = '\0';
			continue;
		}
		if (!c->path)
			pfd_buf_hex(b, c->args[i]);
		sep = ", ";
	}
	pfd_buf_putc(b, ')');
	put_result(b, c);
}

static void write_flags(struct pfd_writer *w, const char *key, pfd_flags_formatter fmt,
			uint64_t v)
{
	char tmp[FLAGS_MAX];
	fmt(v, tmp, sizeof(tmp));
	pfd_w_str(w, key, tmp);
}

static void write_path_args(struct pfd_writer *w, const struct pfd_path_args *p)
{
	if (p->has_dirfd)
		pfd_w_int(w, "dirfd", p->dirfd);
	else
		pfd_w_null(w, "dirfd");
	if (p->no_path) {
		pfd_w_null(w, "path"); /* NULL, acting on dirfd: no path_error */
	} else if (p->path_errno) {
		pfd_w_null(w, "path");
		pfd_w_str(w, "path_error", pfd_errno_name(p->path_errno));
	} else {
		pfd_w_bytes(w, "path", p->path, p->path_len);
	}
	if (p->has_flags)
		write_flags(w, "flags", pfd_flags_formatter_for(p->desc->flags_kind), p->flags);
	else
		pfd_w_null(w, "flags");
	if (p->has_mode)
		write_flags(w, "mode", mode_formatter(p->desc), p->mode);
	if (p->has_resolve)
		write_flags(w, "resolve", pfd_format_resolve, p->resolve);
}

/* The call's entry time, and the time it took where its exit was seen. */
static void write_times(struct pfd_writer *w, const struct call_slot *s)
{
	pfd_w_time(w, "time", &s->entered);
	if (s->call.finished)
		pfd_w_duration(w, "duration", &s->entered, &s->exited);
	else
		pfd_w_null(w, "duration");
}

static void write_generic(struct pfd_writer *w, const struct pfd_call *c)
{
	pfd_w_int(w, "tid", c->tid);
	pfd_w_str(w, "syscall", c->name);
	pfd_w_str(w, "arch", c->arch);
	if (c->path) {
		write_path_args(w, c->path);
	} else {
		pfd_w_array(w, "args");
		for (int i = 0; i < 6; i++)
			pfd_w_uint(w, NULL, c->args[i]);
		pfd_w_end(w);
	}
	if (!c->finished) {
		pfd_w_null(w, "result");
		pfd_w_null(w, "errno");
		return;
	}
	pfd_w_int(w, "result", c->result);
	if (c->err)
		pfd_w_str(w, "errno", pfd_errno_name(c->err));
	else
		pfd_w_null(w, "errno");
}

/* -k: the stack captured at the stop, symbolized by the stack service;
 * null when it could not be taken. */
static void write_backtrace(struct pfd_writer *w, const struct pfd_stack *st)
{
	struct pfd_frame frames[PFD_STACK_MAX_FRAMES];
	if (!st) {
		pfd_w_null(w, "backtrace");
		return;
	}
	pfd_w_frames(w, "backtrace", frames, pfd_stack_symbolize(st, frames, PFD_STACK_MAX_FRAMES));
}

void pfd_write_call(struct call_slot *s, bool backtrace, const struct pfd_stack *stack)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	const struct pfd_call *c = &s->call;
	struct pfd_writer *w = pfd_writer_begin_at("syscall", c->pid, c->tid, &s->entered);
	if (!w)
		return;
	call_title(&title, c);
	put_duration(&title, s);
	pfd_w_title(w, pfd_buf_str(&title));
	pfd_w_json_only(w, true); /* the headline says it in text */
	write_times(w, s);
	write_generic(w, c);
	pfd_w_json_only(w, false);
	if (backtrace)
		write_backtrace(w, stack);
	for (int i = 0; pfd_plugins[i]; i++) {
		if (!(s->plugins & (1u << i)) || !pfd_plugins[i]->on_report)
			continue;
		pfd_w_json_only(w, false);
		pfd_plugins[i]->on_report(c, w);
	}
	pfd_event_end(w);
}

/* exec, exit, attach, detach: when the tracer saw it (the event began). */
static void write_now(struct pfd_writer *w)
{
	pfd_w_time(w, "time", NULL);
}

void pfd_write_exec(pid_t tid, pid_t old_tid, const char *exe)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	struct pfd_writer *w = pfd_writer_begin("exec", tid, tid);
	if (!w || hidden(w, 2))
		return;
	pfd_buf_clear(&title);
	pfd_buf_puts(&title, "+++ exec ");
	pfd_buf_quote(&title, exe, strlen(exe));
	pfd_buf_puts(&title, " +++");
	pfd_w_title(w, pfd_buf_str(&title));
	pfd_w_json_only(w, true);
	write_now(w);
	pfd_w_int(w, "tid", tid);
	pfd_w_int(w, "old_tid", old_tid);
	pfd_w_bytes(w, "exe", exe, strlen(exe));
	pfd_event_end(w);
}

static void signal_name(int sig, char *buf, size_t size)
{
	const char *abbrev = sigabbrev_np(sig);
	size_t n = 0;
	const char *parts[] = { "SIG", abbrev ? abbrev : "UNKNOWN" };
	for (size_t p = 0; p < 2; p++)
		for (const char *q = parts[p]; *q && n + 1 < size; q++)
			buf[n++] = *q;
	buf[n] = '\0';
}

/* Text shows the process's end (the leader's), as strace -f does; JSON has
 * every thread's. */
void pfd_write_exit(pid_t pid, pid_t tid, int status)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	bool leader = pid == tid;
	struct pfd_writer *w = pfd_writer_begin("exit", pid, tid);
	char sig[32];
	if (!w)
		return;
	if (hidden(w, 2))
		return;
	if (!leader && !pfd_writer_is_json(w)) {
		pfd_event_cancel(w);
		return;
	}
	pfd_buf_clear(&title);
	if (WIFSIGNALED(status)) {
		signal_name(WTERMSIG(status), sig, sizeof(sig));
		pfd_buf_puts(&title, "+++ killed by ");
		pfd_buf_puts(&title, sig);
		pfd_buf_puts(&title, WCOREDUMP(status) ? " (core dumped) +++" : " +++");
	} else {
		pfd_buf_puts(&title, "+++ exited with ");
		pfd_buf_int(&title, WEXITSTATUS(status));
		pfd_buf_puts(&title, " +++");
	}
	pfd_w_title(w, pfd_buf_str(&title));
	pfd_w_json_only(w, true);
	write_now(w);
	pfd_w_int(w, "tid", tid);
	pfd_w_bool(w, "leader", leader);
	if (WIFSIGNALED(status)) {
		pfd_w_null(w, "status");
		pfd_w_str(w, "signal", sig);
	} else {
		pfd_w_int(w, "status", WEXITSTATUS(status));
		pfd_w_null(w, "signal");
	}
	pfd_w_bool(w, "core_dumped", WIFSIGNALED(status) && WCOREDUMP(status));
	pfd_event_end(w);
}

void pfd_write_attach(pid_t pid, unsigned threads)
{
	static struct pfd_buf title = PFD_BUF_INIT;
	struct pfd_writer *w = pfd_writer_begin("attach", pid, pid);
	if (!w || hidden(w, 1))
		return;
	pfd_buf_clear(&title);
	pfd_buf_puts(&title, "+++ attached (");
	pfd_buf_uint(&title, threads);
	pfd_buf_puts(&title, threads == 1 ? " thread) +++" : " threads) +++");
	pfd_w_title(w, pfd_buf_str(&title));
	pfd_w_json_only(w, true);
	write_now(w);
	pfd_w_uint(w, "threads", threads);
	pfd_event_end(w);
}

void pfd_write_detach(pid_t pid, pid_t tid, bool last)
{
	struct pfd_writer *w = pfd_writer_begin("detach", pid, tid);
	if (!w || hidden(w, 1))
		return;
	if (!last && !pfd_writer_is_json(w)) { /* text: once per process */
		pfd_event_cancel(w);
		return;
	}
	pfd_w_title(w, "+++ detached: it goes on untraced +++");
	pfd_w_json_only(w, true);
	write_now(w);
	pfd_w_int(w, "tid", tid);
	pfd_w_bool(w, "last", last);
	pfd_event_end(w);
}
