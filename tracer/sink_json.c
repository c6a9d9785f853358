/* procfd-trace: JSON Lines sink (docs/json-schema.md). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "filters/flagnames.h"
#include "tracer/escape.h"
#include "tracer/output.h"

/* One object being written: keeps the commas right. */
struct jw {
	FILE *f;
	bool first;
};

static void key(struct jw *w, const char *k)
{
	fputs(w->first ? "{\"" : ",\"", w->f);
	fputs(k, w->f);
	fputs("\":", w->f);
	w->first = false;
}

static void kv_int(struct jw *w, const char *k, long long v)
{
	key(w, k);
	fprintf(w->f, "%lld", v);
}

static void kv_uint(struct jw *w, const char *k, unsigned long long v)
{
	key(w, k);
	fprintf(w->f, "%llu", v);
}

static void kv_null(struct jw *w, const char *k)
{
	key(w, k);
	fputs("null", w->f);
}

static void kv_bool(struct jw *w, const char *k, bool v)
{
	key(w, k);
	fputs(v ? "true" : "false", w->f);
}

static void kv_str(struct jw *w, const char *k, const char *s)
{
	key(w, k);
	if (s)
		pfd_json_string(w->f, s);
	else
		fputs("null", w->f);
}

static void kv_bytes(struct jw *w, const char *k, const char *buf, size_t len)
{
	key(w, k);
	pfd_json_bytes(w->f, buf, len);
}

static void end(struct jw *w)
{
	fputs(w->first ? "{}" : "}", w->f);
}

static void kv_flags(struct jw *w, const char *k,
		     size_t (*fmt)(uint64_t, char *, size_t), uint64_t v)
{
	char buf[512];
	fmt(v, buf, sizeof(buf));
	kv_str(w, k, buf);
}

static void write_link(struct jw *w, const struct pfd_syscall_event *ev)
{
	const struct pfd_link *l = &ev->link;
	struct jw o = { w->f, true };

	key(w, "link");
	kv_str(&o, "what", pfd_link_what_name(l->what));
	if (l->pid)
		kv_int(&o, "pid", l->pid);
	else
		kv_null(&o, "pid"); /* a pid of another namespace with no match in ours */
	if (l->tid)
		kv_int(&o, "tid", l->tid);
	else
		kv_null(&o, "tid");
	if (l->what == PFD_LINK_FD)
		kv_int(&o, "fd", l->fd);
	else
		kv_null(&o, "fd");
	kv_str(&o, "spelling", l->spelling);
	kv_str(&o, "via", pfd_via_name(l->via));
	if (l->via != PFD_VIA_PATH)
		kv_bytes(&o, "base", l->base, l->base_len);
	if (l->ns_translated) {
		kv_int(&o, "ns_pid", l->ns_pid);
		if (l->ns_tid)
			kv_int(&o, "ns_tid", l->ns_tid);
		else
			kv_null(&o, "ns_tid");
	}
	kv_str(&o, "probe", pfd_probe_name(ev->probe));
	if (ev->probe_errno)
		kv_str(&o, "probe_errno", pfd_errno_name(ev->probe_errno));
	end(&o);
}

static void write_target(struct jw *w, const struct pfd_target *t)
{
	struct jw o = { w->f, true };
	char dev[32];

	key(w, "target");
	kv_bytes(&o, "text", t->text, t->text_len);
	kv_bytes(&o, "name", t->name, t->name_len);
	kv_bool(&o, "name_deleted", t->name_marked);
	kv_str(&o, "kind", pfd_target_kind_name(t->kind));
	if (t->kind == PFD_KIND_ANON_INODE)
		kv_str(&o, "anon_name", t->anon_name);
	kv_bool(&o, "deleted", t->deleted);
	if (t->have_stat) {
		snprintf(dev, sizeof(dev), "%u:%u", t->dev_major, t->dev_minor);
		kv_uint(&o, "nlink", t->nlink);
		kv_str(&o, "dev", dev);
		kv_uint(&o, "ino", t->ino);
	} else {
		kv_null(&o, "nlink");
		kv_null(&o, "dev");
		kv_null(&o, "ino");
	}
	kv_str(&o, "access", pfd_access_name(t->link_mode));
	if (t->have_fdinfo)
		kv_flags(&o, "fd_flags", pfd_format_open_flags, t->fd_flags);
	else
		kv_null(&o, "fd_flags");
	end(&o);
}

static void write_args(struct jw *w, const struct pfd_syscall_event *ev)
{
	if (ev->has_dirfd)
		kv_int(w, "dirfd", ev->dirfd);
	else
		kv_null(w, "dirfd");
	if (ev->path_errno) {
		kv_null(w, "path");
		kv_str(w, "path_error", pfd_errno_name(ev->path_errno));
	} else {
		kv_bytes(w, "path", ev->path, ev->path_len);
	}
	if (!ev->has_flags)
		kv_null(w, "flags");
	else
		kv_flags(w, "flags", pfd_flags_formatter_for(ev->sc->flags_kind), ev->flags);
	if (ev->has_mode)
		kv_flags(w, "mode", ev->sc->cls == PFD_SC_ACCESS ? pfd_format_access_mode
								  : pfd_format_file_mode, ev->mode);
	if (ev->has_resolve)
		kv_flags(w, "resolve", pfd_format_resolve, ev->resolve);
}

static void write_result(struct jw *w, const struct pfd_syscall_event *ev)
{
	if (!ev->finished) {
		kv_null(w, "result");
		kv_null(w, "errno");
		return;
	}
	kv_int(w, "result", ev->result);
	if (ev->err)
		kv_str(w, "errno", pfd_errno_name(ev->err));
	else
		kv_null(w, "errno");
}

static void json_syscall(FILE *f, const struct pfd_syscall_event *ev)
{
	struct jw w = { f, true };

	kv_str(&w, "event", "syscall");
	kv_int(&w, "pid", ev->pid);
	kv_int(&w, "tid", ev->tid);
	kv_str(&w, "syscall", ev->sc->name);
	kv_str(&w, "arch", ev->arch);
	if (ev->in_pidns) {
		struct jw o = { f, true };
		key(&w, "pidns");
		kv_int(&o, "pid", ev->ns_pid);
		kv_int(&o, "tid", ev->ns_tid);
		end(&o);
	}
	write_args(&w, ev);
	write_result(&w, ev);
	if (ev->link.what != PFD_LINK_NONE)
		write_link(&w, ev);
	else
		kv_null(&w, "link");
	if (ev->probe == PFD_PROBE_OPEN && ev->link.what == PFD_LINK_FD) {
		write_target(&w, &ev->target);
		kv_str(&w, "text_target", pfd_text_target_name(ev->target.text_target));
	} else {
		kv_null(&w, "target");
		kv_null(&w, "text_target");
	}
	kv_str(&w, "resolution", pfd_resolution_name(ev->resolution));
	kv_str(&w, "explanation", ev->explanation);
	end(&w);
	fputc('\n', f);
}

static void json_proc(FILE *f, const struct pfd_proc_event *pe)
{
	struct jw w = { f, true };

	switch (pe->kind) {
	case PFD_PROC_EXEC:
		kv_str(&w, "event", "exec");
		kv_int(&w, "pid", pe->pid);
		kv_int(&w, "tid", pe->tid);
		kv_int(&w, "old_tid", pe->old_tid);
		kv_bytes(&w, "exe", pe->exe, strlen(pe->exe));
		break;
	case PFD_PROC_EXIT:
	case PFD_PROC_KILLED:
		kv_str(&w, "event", "exit");
		kv_int(&w, "pid", pe->pid);
		kv_int(&w, "tid", pe->tid);
		kv_bool(&w, "leader", pe->leader);
		if (pe->kind == PFD_PROC_EXIT) {
			kv_int(&w, "status", pe->status);
			kv_null(&w, "signal");
		} else {
			char name[16];
			const char *abbrev = sigabbrev_np(pe->status);
			snprintf(name, sizeof(name), "SIG%s", abbrev ? abbrev : "UNKNOWN");
			kv_null(&w, "status");
			kv_str(&w, "signal", name);
		}
		kv_bool(&w, "core_dumped", pe->core_dumped);
		break;
	}
	end(&w);
	fputc('\n', f);
}

const struct pfd_sink pfd_sink_json = { json_syscall, json_proc };
