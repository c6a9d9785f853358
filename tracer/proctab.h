/* procfd-trace: one record per traced thread, keyed by tid. */
#ifndef PROCFD_PROCTAB_H
#define PROCFD_PROCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "procfd/event.h"

enum tcb_flags {
	TCB_SECCOMP = 1u << 0,  /* runs under our filter: resume with PTRACE_CONT */
	TCB_IN_CALL = 1u << 1,  /* a reported call waits for its exit stop */
	TCB_HIDE    = 1u << 2,  /* launched child before its first execve */
	TCB_ATTACHED = 1u << 3, /* seized with -p, not started by us */
	TCB_DETACHING = 1u << 4, /* interrupted: detach at its next stop */
	TCB_RESTARTING = 1u << 5, /* the reported call exited with ERESTART*: held */
};

struct tcb {
	pid_t tid;
	pid_t tgid;                    /* 0 until known */
	unsigned flags;
	struct pfd_syscall_event *ev;  /* allocated at the first reported call */
	struct tcb *next;              /* hash chain */
};

struct tcb *pfd_tcb_find(pid_t tid);
/* A new record; NULL when out of memory. */
struct tcb *pfd_tcb_add(pid_t tid);
void pfd_tcb_drop(struct tcb *t);
/* execve from a non-leader thread: the thread takes the leader's tid. */
void pfd_tcb_rekey(struct tcb *t, pid_t new_tid);
size_t pfd_tcb_count(void);
void pfd_tcb_foreach(void (*fn)(struct tcb *t, void *arg), void *arg);
/* The event buffer of t, allocated on first use; NULL when out of memory. */
struct pfd_syscall_event *pfd_tcb_event(struct tcb *t);

#endif
