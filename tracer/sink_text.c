/* procfd-trace: human-readable sink, strace-like: the call and its result on
 * one line, then the annotation indented under it. */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "filters/flagnames.h"
#include "tracer/escape.h"
#include "tracer/output.h"

static void print_flags(FILE *f, size_t (*fmt)(uint64_t, char *, size_t), uint64_t v)
{
	char buf[512];
	fmt(v, buf, sizeof(buf));
	fputs(buf, f);
}

static void print_dirfd(FILE *f, int dirfd)
{
	char buf[32];
	pfd_format_dirfd(dirfd, buf, sizeof(buf));
	fputs(buf, f);
}

/* The decoded arguments, in the order the call takes them. */
static void print_args(FILE *f, const struct pfd_syscall_event *ev)
{
	const struct pfd_syscall_desc *sc = ev->sc;
	const char *sep = "";

	for (int i = 0; i < 6; i++) {
		if (i == sc->dirfd_arg) {
			fputs(sep, f);
			print_dirfd(f, ev->dirfd);
		} else if (i == sc->path_arg) {
			fputs(sep, f);
			if (ev->path_errno)
				fprintf(f, "%#llx", (unsigned long long)ev->args[i]);
			else
				pfd_text_quote(f, ev->path, ev->path_len);
		} else if (i == sc->flags_arg) {
			fputs(sep, f);
			print_flags(f, pfd_flags_formatter_for(sc->flags_kind), ev->flags);
		} else if (i == sc->how_arg && ev->how_errno) {
			fputs(sep, f); /* struct open_how could not be read */
			fprintf(f, "%#llx", (unsigned long long)ev->args[i]);
		} else if (i == sc->how_arg) {
			fputs(sep, f);
			fputs("{flags=", f);
			print_flags(f, pfd_format_open_flags, ev->flags);
			fputs(", resolve=", f);
			print_flags(f, pfd_format_resolve, ev->resolve);
			fputs("}", f);
		} else if (i == sc->mode_arg && ev->has_mode) {
			fputs(sep, f);
			print_flags(f, sc->cls == PFD_SC_ACCESS ? pfd_format_access_mode
								: pfd_format_file_mode, ev->mode);
		} else {
			continue;
		}
		sep = ", ";
	}
}

static void print_result(FILE *f, const struct pfd_syscall_event *ev)
{
	if (!ev->finished) {
		fputs(" = ? <unfinished>", f);
		return;
	}
	if (!ev->err) {
		fprintf(f, " = %lld", (long long)ev->result);
		return;
	}
	const char *name = pfd_errno_name(ev->err);
	fprintf(f, " = -1 %s (%s)", name ? name : "E?", strerror(ev->err));
}

static void print_target(FILE *f, const struct pfd_syscall_event *ev)
{
	const struct pfd_target *t = &ev->target;

	fprintf(f, "\n    fd %d of pid %d -> ", ev->link.fd, ev->link.pid);
	pfd_text_quote(f, t->text, t->text_len);
	fprintf(f, ": %s", pfd_target_kind_name(t->kind));
	if (t->kind == PFD_KIND_ANON_INODE)
		fprintf(f, " %s", t->anon_name);
	/* Deleted or not only means something for what can have a name. */
	bool nameable = t->text_target != PFD_TEXT_NOT_A_PATH || t->kind == PFD_KIND_MEMFD;
	if (t->have_stat)
		fprintf(f, ", %s%snlink %llu%s, dev %u:%u, ino %llu",
			nameable ? (t->deleted ? "deleted" : "not deleted") : "",
			nameable ? " (" : "", (unsigned long long)t->nlink, nameable ? ")" : "",
			t->dev_major, t->dev_minor, (unsigned long long)t->ino);
	fprintf(f, ", %s", pfd_access_name(t->link_mode));
	if (t->text_target != PFD_TEXT_NOT_A_PATH) {
		fputs("; name ", f);
		pfd_text_quote(f, t->name, t->name_len);
		fprintf(f, ": %s", pfd_text_target_name(t->text_target));
	}
}

static void text_syscall(FILE *f, const struct pfd_syscall_event *ev)
{
	fprintf(f, "[pid %5d] %s(", ev->tid, ev->sc->name);
	print_args(f, ev);
	fputc(')', f);
	print_result(f, ev);
	if (ev->link.what == PFD_LINK_FD && ev->probe == PFD_PROBE_OPEN)
		print_target(f, ev);
	fprintf(f, "\n    %s: %s\n", pfd_resolution_name(ev->resolution), ev->explanation);
}

static void text_proc(FILE *f, const struct pfd_proc_event *pe)
{
	switch (pe->kind) {
	case PFD_PROC_EXEC:
		fprintf(f, "[pid %5d] +++ exec ", pe->tid);
		pfd_text_quote(f, pe->exe, strlen(pe->exe));
		fputs(" +++\n", f);
		break;
	case PFD_PROC_EXIT:
		if (pe->leader)
			fprintf(f, "[pid %5d] +++ exited with %d +++\n", pe->tid, pe->status);
		break;
	case PFD_PROC_KILLED:
		if (pe->leader) {
			const char *abbrev = sigabbrev_np(pe->status);
			fprintf(f, "[pid %5d] +++ killed by SIG%s%s +++\n", pe->tid,
				abbrev ? abbrev : "UNKNOWN", pe->core_dumped ? " (core dumped)" : "");
		}
		break;
	}
}

const struct pfd_sink pfd_sink_text = { text_syscall, text_proc };
