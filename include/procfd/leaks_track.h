/* procfd-trace: the leak tracker's bookkeeping (tracer/plugins/leaks_fds.c,
 * leaks_newfds.c): who created each fd, per fd table, and which fds a
 * finished call created. Shared by the plugin's files and its unit tests. */
#ifndef PROCFD_LEAKS_TRACK_H
#define PROCFD_LEAKS_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/plugin.h"

/* How an fd came to be: immutable once made, shared by every table that
 * holds the fd (a forked child's copy of its parent's table). One per fd
 * the trace created and still knows of: 56 bytes, laid out without holes
 * (100k live records are ~6 MiB of the tracer's RSS). */
struct leak_rec {
	unsigned refs : 31;
	unsigned have_id : 1;         /* dev/ino were read when it was made */
	int fd;
	pid_t pid, tid;               /* the creator */
	unsigned image;               /* the creator process's exec count then */
	uint32_t dev;                 /* LEAK_DEV(major, minor): the kernel's 12+20 bits */
	uint64_t ino;
	const char *syscall;          /* static: the trap table's name */
	const struct pfd_stack *stack; /* NULL when none could be taken */
	const char *exe;              /* interned: the creator's image */
};

/* A device number as the kernel keeps it (MINORBITS 20, majors below 4096). */
#define LEAK_DEV(major, minor) ((uint32_t)(major) << 20 | ((uint32_t)(minor) & 0xfffffu))
#define LEAK_DEV_FITS(major, minor) ((major) < 4096u && (minor) < (1u << 20))

/* One fd table: fd -> the record of its creation. Shared by the threads of
 * a process and by CLONE_FILES processes (refs); copied at fork. */
struct leak_table {
	unsigned refs;
	struct leak_rec **slot;
	size_t cap;
};

struct leak_rec *leak_rec_new(void);
void leak_rec_put(struct leak_rec *r);

struct leak_table *leak_table_new(void);
/* A table of its own for a forked child: the same records, referenced again. */
struct leak_table *leak_table_copy(const struct leak_table *t);
void leak_table_put(struct leak_table *t);
/* fd's record becomes r (taking the caller's reference); the one it
 * replaces (a dup2 onto an open fd, or a number reused after close) goes.
 * 0 or -ENOMEM (r is released then). */
int leak_table_set(struct leak_table *t, struct leak_rec *r);
struct leak_rec *leak_table_get(const struct leak_table *t, int fd);

/* A string kept until the end of the trace, one copy per distinct value. */
const char *leak_intern(const char *s);
void leak_intern_free_all(void);

/* Records alive now (tests, the bench's RSS figure). */
size_t leak_records_live(void);

/* ---- which fds a finished call created (leaks_newfds.c) ---------------- */

/* The traps of every call that may install an fd (ends with syscall NULL). */
extern const struct pfd_trap leak_traps[];

/* A dup-family call (dup, dup2, dup3, fcntl F_DUPFD*): the new fd shares
 * the description of *source (the fd it copies). */
bool leak_call_dups(const struct pfd_call *c, int *source);

#define LEAK_MAX_NEW_FDS 253 /* SCM_RIGHTS carries at most 253 */

/* Is the call one that may create fds, and is its exit worth a stop?
 * (recvmsg without a control buffer cannot receive any; getsockopt only
 * at the levels of its fd-making options; seccomp only when installing a
 * filter; landlock_create_ruleset's version queries make none.) */
bool leak_call_may_create(struct pfd_tracee *t, const struct pfd_call *c);

/* The fds the successful call c created, into fds (at most max): how many.
 * Reads the tracee's memory for pipe's pair, socketpair's, the SCM_RIGHTS
 * and SCM_PIDFD of recvmsg/recvmmsg (64- and 32-bit layouts), and the fd
 * getsockopt (SO_PEERPIDFD, SCTP peel-off) or KVM_CREATE_DEVICE wrote. */
size_t leak_created_fds(struct pfd_tracee *t, const struct pfd_call *c, int *fds, size_t max);

/* The name to give as the fds' creator: the call's, or for i386's
 * socketcall(2) the socket operation it carried ("recvmsg"). */
const char *leak_creator_name(const struct pfd_call *c);

/* At the parent's fork event (on_fork): the pidfd a clone or clone3 with
 * CLONE_PIDFD installed in the parent's table, and the call's name
 * ("clone", "clone3"). false when the call made none (fork, vfork, no
 * CLONE_PIDFD) or it could not be read. */
bool leak_fork_pidfd(const struct pfd_fork *f, int *pidfd, const char **creator);

#endif
