/* procfd-trace: the seccomp filter, built with libseccomp. */
#ifndef PROCFD_SECCOMP_FILTER_H
#define PROCFD_SECCOMP_FILTER_H

#include <seccomp.h>

/* A filter that traps (SECCOMP_RET_TRACE, data = table index) each named path
 * syscall on x86_64, i386 and x32 and allows everything else. Names must be in
 * the syscall table. 0 or -errno. */
int pfd_filter_build(const char *const *names, scmp_filter_ctx *out);

/* Load into the calling process. Without CAP_SYS_ADMIN the kernel requires
 * no_new_privs; it is set only then, since it changes what setuid programs do.
 * 0 or -errno. Async-signal-safe enough for a freshly forked child. */
int pfd_filter_load(scmp_filter_ctx ctx);

#endif
