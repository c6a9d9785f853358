/* procfd-trace: the seccomp filter, built with libseccomp. */
#ifndef PROCFD_SECCOMP_FILTER_H
#define PROCFD_SECCOMP_FILTER_H

#include <linux/filter.h>
#include <seccomp.h>

#include "procfd/plugin.h"

/* The SECCOMP_RET_DATA of our traps: a tracee's own filter that answers
 * RET_TRACE (most use data 0) gets a stop that is not ours, which the
 * engine tells by this value (PTRACE_GETEVENTMSG). */
#define PFD_FILTER_TRACE_DATA 0x7066u

/* A filter that traps (SECCOMP_RET_TRACE, data PFD_FILTER_TRACE_DATA) every
 * call the traps (NULL-terminated) name, under their argument conditions, on
 * x86_64, i386 and x32, and allows everything else. The engine finds the
 * call from (arch, nr), never from the data alone, which a tracee's own
 * filter can forge. 0 or -errno (-EINVAL: a name libseccomp does not know). */
int pfd_filter_build(const struct pfd_trap *const *traps, scmp_filter_ctx *out);

/* The filter as the kernel takes it, exported once by the tracer so that the
 * child it forks only makes one syscall to install it. */
struct pfd_bpf {
	struct sock_filter *insns;
	unsigned short len;
};

/* Export ctx's BPF program (malloc'd; free with pfd_bpf_free). 0 or -errno. */
int pfd_filter_export(scmp_filter_ctx ctx, struct pfd_bpf *out);
void pfd_bpf_free(struct pfd_bpf *bpf);

/* Install into the calling process with seccomp(2), no library call: safe
 * in a freshly forked child. Without CAP_SYS_ADMIN the kernel requires
 * no_new_privs; it is set only then (EACCES), since it changes what setuid
 * programs do. 0 or the kernel's -errno. */
int pfd_filter_install(const struct pfd_bpf *bpf);

#endif
