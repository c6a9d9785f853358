/* procfd-trace: one record per traced thread (keyed by tid) and one per
 * traced process (keyed by pid). Only the engine creates them. */
#ifndef PROCFD_PROCTAB_H
#define PROCFD_PROCTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/main.h" /* PFD_MAX_PLUGINS */

enum tcb_flags {
	TCB_SECCOMP = 1u << 0,   /* runs under our filter: resume with PTRACE_CONT */
	TCB_IN_CALL = 1u << 1,   /* a kept call waits for its exit stop */
	TCB_HIDE    = 1u << 2,   /* launched child before its first execve */
	TCB_ATTACHED = 1u << 3,  /* seized with -p, not started by us */
	TCB_DETACHING = 1u << 4, /* interrupted: detach at its next stop */
	TCB_RESTARTING = 1u << 5, /* the kept call exited with ERESTART*: held */
	TCB_EXITING = 1u << 6,   /* reached PTRACE_EVENT_EXIT (counted out of live) */
	TCB_EARLY = 1u << 7,     /* first stop came before the parent's clone event:
				    held stopped until that event */
	TCB_GONE = 1u << 8,      /* reaped: memory and registers are gone */
	TCB_SIGRETURN = 1u << 9, /* with TCB_RESTARTING: in (rt_)sigreturn, whose
				    exit shows what the held call returned */
	TCB_OPTIONS_DUE = 1u << 10, /* seized without PTRACE_O_TRACEEXIT (attach.c):
				       the full options at its next stop */
};

struct pfd_said;

/* A traced process: what its threads share. */
struct pfd_proc {
	pid_t pid;
	unsigned threads;  /* thread records pointing here */
	unsigned live;     /* of them, not yet at PTRACE_EVENT_EXIT */
	bool ended;        /* its process exit was delivered */
	bool hidden;       /* the launched child before its execve */
	char *exe;         /* /proc/PID/exe after the last exec, read on demand */
	struct pfd_said *said; /* topics said on stderr once (tracer/engine/say.c) */
	unsigned guard;     /* why reads of its memory may block (enum pfd_guard_why,
			       tracer/engine/guarded_read.c): time-bounded reads */
	void *state[PFD_MAX_PLUGINS]; /* plugins' per-process storage */
	struct pfd_proc *next;
};

struct call_slot;

/* The thread record is the plugins' tracee handle (opaque to them). */
struct pfd_tracee {
	pid_t tid;
	pid_t tgid;              /* 0 until known */
	unsigned flags;
	uint32_t arch;           /* audit arch of its last call */
	struct pfd_proc *proc;   /* NULL until tgid is known */
	struct call_slot *call;  /* with TCB_IN_CALL or TCB_RESTARTING */
	pid_t early_parent;      /* with TCB_EARLY: the traced relative expected */
	struct pfd_tracee *next; /* hash chain */
};
typedef struct pfd_tracee tcb_t;

tcb_t *pfd_tcb_find(pid_t tid);
/* A new record; NULL when out of memory. */
tcb_t *pfd_tcb_add(pid_t tid);
/* Unlinks the record and its process reference; the caller has released
 * its call. */
void pfd_tcb_drop(tcb_t *t);
/* execve from a non-leader thread: the thread takes the leader's tid. */
void pfd_tcb_rekey(tcb_t *t, pid_t new_tid);
size_t pfd_tcb_count(void);
void pfd_tcb_foreach(void (*fn)(tcb_t *t, void *arg), void *arg);

/* Attach t to the record of process pid, made on first use. 0 or -ENOMEM. */
int pfd_tcb_join_proc(tcb_t *t, pid_t pid);

/* Called when a process record loses its last thread (set by the engine). */
void pfd_proctab_on_release(void (*fn)(struct pfd_proc *p));
struct pfd_proc *pfd_proc_find(pid_t pid);
void pfd_proc_foreach(void (*fn)(struct pfd_proc *p, void *arg), void *arg);

#endif
