/* procfd-trace: attaching to running processes (-p). */
#ifndef PROCFD_ATTACH_H
#define PROCFD_ATTACH_H

#include <sys/types.h>

/* Seize pid and every thread of it, and interrupt them so the engine starts
 * stopping them at each syscall. Attached processes carry no filter of ours:
 * a seccomp filter cannot be added to a running process. Returns 0, or -errno
 * after printing a message that names the reason. */
int pfd_attach_process(pid_t pid, unsigned long opts);

/* Why PTRACE_SEIZE said EPERM, in words: traced already, Yama, other user. */
void pfd_attach_diagnose_eperm(pid_t pid, char *buf, size_t size);

#endif
