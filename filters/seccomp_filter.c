/* procfd-trace: build and load the seccomp filter. */
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "filters/seccomp_filter.h"
#include "procfd/plugin.h"

static int add_arches(scmp_filter_ctx ctx)
{
	/* The native arch is already there; 32-bit tracees need their own
	 * numbers. EEXIST: the arch is the native one on this build. */
	static const uint32_t extra[] = { SCMP_ARCH_X86, SCMP_ARCH_X32 };
	for (size_t i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		int rc = seccomp_arch_add(ctx, extra[i]);
		if (rc < 0 && rc != -EEXIST)
			return rc;
	}
	return 0;
}

static int set_attributes(scmp_filter_ctx ctx)
{
	/* An arch we did not list must not kill the tracee: allow it. */
	int rc = seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	if (rc < 0)
		return rc;
	/* no_new_privs only if the kernel asks for it (pfd_filter_install). */
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	if (rc < 0)
		return rc;
	/* A binary tree of syscall numbers: fewer BPF instructions per syscall
	 * than a linear list. Older libseccomp lacks it; the filter still works. */
	(void)seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	return 0;
}

/* The low 32 bits of an int argument, or all 64 for a wide one: the kernel
 * ignores the upper half of an int, so the filter must too. */
static struct scmp_arg_cmp cond_cmp(const struct pfd_trap *t, uint64_t mask, uint64_t value)
{
	uint64_t width = t->wide ? UINT64_MAX : UINT32_MAX;
	return (struct scmp_arg_cmp){ .arg = t->arg, .op = SCMP_CMP_MASKED_EQ,
				      .datum_a = mask & width, .datum_b = value & width };
}

static int add_one(scmp_filter_ctx ctx, int nr, unsigned n, const struct scmp_arg_cmp *cmp)
{
	/* seccomp_rule_add (not _exact) skips the arches that lack the call.
	 * EEXIST: another trap already asked for the same. */
	int rc = seccomp_rule_add_array(ctx, SCMP_ACT_TRACE(PFD_FILTER_TRACE_DATA), nr, n, cmp);
	return rc == -EEXIST ? 0 : rc;
}

/* An IN condition is one rule per value: rules of one call are ORed. */
static int add_trap(scmp_filter_ctx ctx, const struct pfd_trap *t)
{
	int nr = seccomp_syscall_resolve_name(t->syscall);
	if (nr == __NR_SCMP_ERROR)
		return -EINVAL;
	switch (t->op) {
	case PFD_ARG_ANY:
		return add_one(ctx, nr, 0, NULL);
	case PFD_ARG_IN:
		for (unsigned i = 0; i < t->n_values && i < PFD_TRAP_MAX_VALUES; i++) {
			struct scmp_arg_cmp c = cond_cmp(t, UINT64_MAX, t->values[i]);
			int rc = add_one(ctx, nr, 1, &c);
			if (rc < 0)
				return rc;
		}
		return t->n_values ? 0 : -EINVAL;
	case PFD_ARG_MASKED_EQ: {
		struct scmp_arg_cmp c = cond_cmp(t, t->values[0], t->values[1]);
		return add_one(ctx, nr, 1, &c);
	}
	}
	return -EINVAL;
}

int pfd_filter_build(const struct pfd_trap *const *traps, scmp_filter_ctx *out)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	if (!ctx)
		return -ENOMEM;
	int rc = add_arches(ctx);
	if (rc == 0)
		rc = set_attributes(ctx);
	for (size_t i = 0; rc == 0 && traps[i]; i++)
		rc = add_trap(ctx, traps[i]);
	if (rc < 0) {
		seccomp_release(ctx);
		return rc;
	}
	*out = ctx;
	return 0;
}

int pfd_filter_export(scmp_filter_ctx ctx, struct pfd_bpf *out)
{
	int fd = memfd_create("pfd-bpf", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	int rc = seccomp_export_bpf(ctx, fd);
	off_t size = rc == 0 ? lseek(fd, 0, SEEK_END) : -1;
	if (rc == 0 && (size <= 0 || size % sizeof(struct sock_filter) ||
			size / sizeof(struct sock_filter) > BPF_MAXINSNS))
		rc = -EINVAL;
	if (rc == 0 && !(out->insns = malloc((size_t)size)))
		rc = -ENOMEM;
	if (rc == 0 && pread(fd, out->insns, (size_t)size, 0) != size) {
		free(out->insns);
		rc = -EIO;
	}
	close(fd);
	if (rc == 0)
		out->len = (unsigned short)(size / sizeof(struct sock_filter));
	return rc;
}

void pfd_bpf_free(struct pfd_bpf *bpf)
{
	free(bpf->insns);
	bpf->insns = NULL;
	bpf->len = 0;
}

static int set_filter(const struct pfd_bpf *bpf)
{
	struct sock_fprog prog = { bpf->len, bpf->insns };
	return syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0 ? 0 : -errno;
}

int pfd_filter_install(const struct pfd_bpf *bpf)
{
	int rc = set_filter(bpf);
	if (rc == -EACCES) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
			return -errno;
		rc = set_filter(bpf);
	}
	return rc;
}
