/* procfd-trace: argument decoding, driven by the syscall table: a call's
 * entry (c->sc) says how many arguments it has and which are a path, a
 * dirfd, flags; only those with a path slot have their path read. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/openat2.h>
#include <string.h>

#include "tracer/engine/decode.h"
#include "tracer/engine/tracee_mem.h"

#define X32_BIT 0x40000000u

const char *pfd_arch_name(uint32_t arch, uint64_t nr)
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

static void decode_path(struct call_slot *s, const struct pfd_mem_src *m, uint64_t addr)
{
	struct pfd_path_args *p = &s->path;
	bool truncated;
	ssize_t n = pfd_read_string_from(m, addr, s->path_buf, sizeof(s->path_buf), &truncated);

	p->path = s->path_buf;
	p->path_truncated = truncated;
	if (n < 0) {
		p->path_errno = (int)-n;
		p->path_len = 0;
		s->path_buf[0] = '\0';
	} else {
		p->path_errno = 0;
		p->path_len = (size_t)n;
	}
}

#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif

/* A NULL path that makes the call act on its dirfd itself names no path and
 * is not an unreadable one either, so it is not read:
 * - utimensat(fd, NULL, times, 0) and futimesat(fd, NULL, ...) always (glibc's
 *   futimens is the first);
 * - statx/fstatat(fd, NULL, AT_EMPTY_PATH): Linux 6.11+ accepts the NULL
 *   (older kernels fail it with EFAULT, which result then says); calling it
 *   unreadable would say the kernel fails it, which is false on current
 *   kernels. AT_EMPTY_PATH is checked only on calls whose flags are AT_*:
 *   0x1000 is O_DSYNC for open. */
static bool acts_on_dirfd_alone(const struct pfd_path_args *p, uint64_t path)
{
	if (path != 0)
		return false;
	if (p->desc->null_path_is_dirfd)
		return true;
	bool at_flags = p->desc->flags_kind == PFD_FLAGS_AT ||
			p->desc->flags_kind == PFD_FLAGS_ACCESS_AT;
	return at_flags && p->has_flags && (p->flags & AT_EMPTY_PATH);
}

/* openat2 passes flags and resolve in a struct; only its first 24 bytes are
 * ours to know (later kernels may extend it). */
static void decode_how(struct pfd_path_args *ev, const struct pfd_mem_src *m, uint64_t addr)
{
	struct open_how how;
	int rc = pfd_read_mem_from(m, addr, &how, sizeof(how));
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

static void decode_flags_and_mode(struct pfd_path_args *ev, const uint64_t args[6])
{
	const struct pfd_syscall_desc *sc = ev->desc;

	if (sc->flags_arg != PFD_NO_ARG) {
		ev->has_flags = true;
		ev->flags = args[sc->flags_arg] | sc->implicit_flags;
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
	ev->mode = args[sc->mode_arg];
}

static void decode_path_args(struct call_slot *s, const struct pfd_mem_src *m, const struct pfd_syscall_desc *sc,
			     const uint64_t args[6])
{
	struct pfd_path_args *p = &s->path;

	*p = (struct pfd_path_args){ .desc = sc, .path = s->path_buf };
	if (sc->dirfd_arg != PFD_NO_ARG) {
		p->has_dirfd = true;
		p->dirfd = (int)args[sc->dirfd_arg]; /* an int in every ABI */
	}
	decode_flags_and_mode(p, args);
	if (acts_on_dirfd_alone(p, args[sc->path_arg]))
		p->no_path = true; /* path stays "": nothing to read */
	else
		decode_path(s, m, args[sc->path_arg]);
	if (sc->how_arg != PFD_NO_ARG)
		decode_how(p, m, args[sc->how_arg]);
}

void pfd_decode_entry(struct call_slot *s, pid_t pid, pid_t tid, bool may_fault,
		      const struct trap_entry *e, uint32_t arch, uint64_t nr, const uint64_t args[6])
{
	struct pfd_mem_src m = { .tid = tid, .tgid = pid, .may_fault = may_fault };

	struct pfd_call *c = &s->call;

	c->pid = pid;
	c->tid = tid;
	c->audit_arch = arch;
	c->arch = pfd_arch_name(arch, nr);
	c->nr = nr;
	c->name = e->name;
	c->sc = e->desc;
	memcpy(c->args, args, sizeof(c->args));
	c->finished = false;
	c->result = 0;
	c->err = 0;
	c->path = NULL;
	if (pfd_syscall_has_path(e->desc)) {
		decode_path_args(s, &m, e->desc, args);
		c->path = &s->path;
	}
}

void pfd_decode_exit(struct pfd_call *c, int64_t rval, bool is_error)
{
	c->finished = true;
	if (is_error) {
		c->result = -1;
		c->err = (int)-rval;
	} else {
		c->result = rval;
		c->err = 0;
	}
}
