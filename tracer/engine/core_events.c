/* procfd-trace: the engine's events, through the same writer plugins use:
 * the call (its generic fields, then each plugin's on_report), exec, exit,
 * attach and detach, built as fields only. Their text form is said once,
 * in core_events_text.c. */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "procfd/flagnames.h"
#include "procfd/stack.h"
#include "tracer/engine/core_events.h"
#include "tracer/engine/plugin_api.h"
#include "tracer/output/writer_impl.h"

#define FLAGS_MAX 512

static pfd_flags_formatter mode_formatter(const struct pfd_syscall_desc *sc)
{
	return sc->cls == PFD_SC_ACCESS ? pfd_format_access_mode : pfd_format_file_mode;
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

/* A path or struct open_how the tracee's memory would not give is shown
 * in text as strace does, by its address; JSON has path_error instead and
 * no raw arguments for path calls, so these are the text's alone. */
static void write_raw_args(struct pfd_writer *w, const struct pfd_call *c)
{
	pfd_w_text_only(w, true);
	pfd_w_array(w, "raw_args");
	for (int i = 0; i < 6; i++)
		pfd_w_uint(w, NULL, c->args[i]);
	pfd_w_end(w);
	pfd_w_text_only(w, false);
}

static void write_generic(struct pfd_writer *w, const struct pfd_call *c)
{
	pfd_w_int(w, "tid", c->tid);
	pfd_w_str(w, "syscall", c->name);
	pfd_w_str(w, "arch", c->arch);
	if (c->path) {
		write_path_args(w, c->path);
		if (c->path->path_errno || c->path->how_errno)
			write_raw_args(w, c);
	} else {
		pfd_w_array(w, "args");
		for (int i = 0; i < c->sc->nargs; i++)
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
	const struct pfd_call *c = &s->call;
	struct pfd_writer *w = pfd_writer_begin_at("syscall", c->pid, c->tid, &s->entered);
	if (!w)
		return;
	write_times(w, s);
	write_generic(w, c);
	if (backtrace)
		write_backtrace(w, stack);
	for (int i = 0; pfd_plugins[i]; i++) {
		if (!(s->plugins & (1u << i)) || !pfd_plugins[i]->on_report)
			continue;
		pfd_w_json_only(w, false);
		pfd_w_text_only(w, false);
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
	struct pfd_writer *w = pfd_writer_begin("exec", tid, tid);
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

void pfd_write_exit(pid_t pid, pid_t tid, int status)
{
	struct pfd_writer *w = pfd_writer_begin("exit", pid, tid);
	char sig[32];
	write_now(w);
	pfd_w_int(w, "tid", tid);
	pfd_w_bool(w, "leader", pid == tid);
	if (WIFSIGNALED(status)) {
		signal_name(WTERMSIG(status), sig, sizeof(sig));
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
	struct pfd_writer *w = pfd_writer_begin("attach", pid, pid);
	write_now(w);
	pfd_w_uint(w, "threads", threads);
	pfd_event_end(w);
}

void pfd_write_detach(pid_t pid, pid_t tid, bool last)
{
	struct pfd_writer *w = pfd_writer_begin("detach", pid, tid);
	write_now(w);
	pfd_w_int(w, "tid", tid);
	pfd_w_bool(w, "last", last);
	pfd_event_end(w);
}
