/* procfd-trace: argument decoding, driven by the syscall table. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/openat2.h>
#include <string.h>

#include "tracer/decode.h"
#include "tracer/tracee_mem.h"

#define X32_BIT 0x40000000u

static const char *arch_name(uint32_t arch, uint64_t nr)
{
	if (arch == AUDIT_ARCH_X86_64)
		return (nr & X32_BIT) ? "x32" : "x86_64";
	if (arch == AUDIT_ARCH_I386)
		return "i386";
	return "unknown";
}

/* O_TMPFILE includes O_DIRECTORY's bit: test all of its bits. */
static bool creates(uint64_t flags)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE;
}

static void decode_path(struct pfd_syscall_event *ev, uint64_t addr)
{
	bool truncated;
	ssize_t n = pfd_read_string(ev->tid, addr, ev->path, sizeof(ev->path), &truncated);

	ev->path_truncated = truncated;
	if (n < 0) {
		ev->path_errno = (int)-n;
		ev->path_len = 0;
		ev->path[0] = '\0';
	} else {
		ev->path_errno = 0;
		ev->path_len = (size_t)n;
	}
}

/* openat2 passes flags and resolve in a struct; only its first 24 bytes are
 * ours to know (later kernels may extend it). */
static void decode_how(struct pfd_syscall_event *ev, uint64_t addr)
{
	struct open_how how;
	int rc = pfd_read_mem(ev->tid, addr, &how, sizeof(how));
	if (rc < 0) {
		ev->how_errno = -rc;
		return;
	}
	ev->has_flags = true;
	ev->flags = how.flags;
	ev->has_resolve = true;
	ev->resolve = how.resolve;
	if (creates(how.flags)) {
		ev->has_mode = true;
		ev->mode = how.mode;
	}
}

static void decode_flags_and_mode(struct pfd_syscall_event *ev)
{
	const struct pfd_syscall_desc *sc = ev->sc;

	if (sc->flags_arg != PFD_NO_ARG) {
		ev->has_flags = true;
		ev->flags = ev->args[sc->flags_arg] | sc->implicit_flags;
	} else if (sc->implicit_flags) {
		ev->has_flags = true;
		ev->flags = sc->implicit_flags;
	}
	if (sc->mode_arg == PFD_NO_ARG)
		return;
	/* open's mode only means something when a file may be created. */
	if (sc->cls == PFD_SC_OPEN && !creates(ev->flags))
		return;
	ev->has_mode = true;
	ev->mode = ev->args[sc->mode_arg];
}

/* Every field but the PATH_MAX buffers, which are written before use: the
 * event is reused for each call of the thread, and clearing 16 KiB per call
 * would be wasted on the hot path. */
static void reset_event(struct pfd_syscall_event *ev)
{
	ev->has_dirfd = false;
	ev->dirfd = 0;
	ev->path_len = 0;
	ev->path_errno = 0;
	ev->path_truncated = false;
	ev->has_flags = ev->has_mode = ev->has_resolve = false;
	ev->flags = ev->mode = ev->resolve = 0;
	ev->how_errno = 0;
	ev->finished = false;
	ev->result = 0;
	ev->err = 0;
	ev->link.what = PFD_LINK_NONE;
	ev->link.via = PFD_VIA_PATH;
	ev->link.pid = ev->link.tid = 0;
	ev->link.fd = -1;
	ev->link.spelling = NULL;
	ev->link.base_len = 0;
	ev->link.base[0] = '\0';
	ev->link.ns_translated = false;
	ev->link.proc_dir[0] = '\0';
	ev->in_pidns = false;
	ev->probe = PFD_PROBE_NOT_DONE;
	ev->probe_errno = 0;
	ev->target.text_len = ev->target.name_len = 0;
	ev->resolution = PFD_RES_NONE;
	ev->explanation[0] = '\0';
}

void pfd_decode_entry(struct pfd_syscall_event *ev, pid_t pid, pid_t tid,
		      const struct pfd_syscall_desc *sc, uint32_t arch, uint64_t nr,
		      const uint64_t args[6])
{
	reset_event(ev);
	ev->pid = pid;
	ev->tid = tid;
	ev->sc = sc;
	ev->audit_arch = arch;
	ev->arch = arch_name(arch, nr);
	memcpy(ev->args, args, sizeof(ev->args));
	if (sc->dirfd_arg != PFD_NO_ARG) {
		ev->has_dirfd = true;
		ev->dirfd = (int)args[sc->dirfd_arg]; /* an int in every ABI */
	}
	decode_path(ev, args[sc->path_arg]);
	decode_flags_and_mode(ev);
	if (sc->how_arg != PFD_NO_ARG)
		decode_how(ev, args[sc->how_arg]);
}

void pfd_decode_exit(struct pfd_syscall_event *ev, int64_t rval, bool is_error)
{
	ev->finished = true;
	if (is_error) {
		ev->result = -1;
		ev->err = (int)-rval;
	} else {
		ev->result = rval;
		ev->err = 0;
	}
}
