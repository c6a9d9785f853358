/* procfd-trace: the leak tracker's bookkeeping (tracer/plugins/leaks/leaks_fds.c,
 * leaks_newfds.c): which open file description each fd of each fd table
 * refers to, who made that description and who put it at that number, and
 * which fds a finished call created. Shared by the plugin's files and its
 * unit tests.
 *
 * A leak is an open file description, not an fd number: dup, fork and exec
 * give one description several fds in several processes. So a description
 * (struct leak_desc) is recorded once, where it was made; every fd that
 * refers to it is a struct leak_rec in an fd table. At a process's exit
 * each fd it still holds makes that process a holder of the description;
 * the description is reported once, when no table refers to it any more
 * (its last possible holder has exited), or at the end of the trace. */
#ifndef PROCFD_LEAKS_TRACK_H
#define PROCFD_LEAKS_TRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/plugin.h"

enum leak_origin {
	LEAK_MADE,      /* a traced call made it */
	LEAK_INHERITED, /* open before the trace: the command's, or at attach */
	LEAK_UNKNOWN,   /* no traced call made it, yet it was not there at the start */
};

/* A call that made a description or put it at an fd number. */
struct leak_site {
	const char *syscall;          /* static: the trap table's name; NULL: none */
	pid_t pid, tid;
	const char *exe;              /* interned: the caller's image */
	const struct pfd_stack *stack; /* NULL when none could be taken */
	/* A child between fork/vfork/clone and its exec: the parent's stack at
	 * the spawning call (posix_spawn's child only shows __spawni_child). */
	const struct pfd_stack *spawn;
};

/* One process that held the description when it exited. */
struct leak_holder {
	pid_t pid;
	int fd;
	const char *exe;        /* interned, as of its last exec */
	const char *crossed_from; /* interned: the image it crossed execve from
				     without O_CLOEXEC; NULL when it did not */
	int8_t cloexec;         /* 1, 0, -1 unknown */
	/* The process installs fds no traced call makes (io_uring, fanotify's
	 * event fds): an fd matched with a record by (dev, ino) may be a later
	 * one of the same file, so the record may be stale. */
	bool uncertain;
	/* The dup that put the fd at this number in this holder (a shell's
	 * `exec 6>&1`), for suppressions: NULL when it was made there. */
	const char *inst_syscall;           /* static, as leak_site's */
	const struct pfd_stack *inst_stack; /* NULL when none could be taken */
};

struct pfd_target;

/* What the report of a description will say: kept only once it has a
 * holder, so a description nobody leaked costs no more than its origin. */
struct leak_report {
	struct leak_holder *holders;
	unsigned n_holders, cap_holders;
	/* The holder the report is about (its pid, fd and description), and
	 * how its fd got that number when a dup put it there. */
	unsigned primary;
	struct pfd_target *target; /* described at the primary holder's exit */
	struct leak_site installed;
	struct leak_desc *prev, *next; /* the pending list */
};

/* An open file description the trace knows of. Made by leak_desc_new with
 * one reference; every leak_rec holds one. */
struct leak_desc {
	unsigned refs;
	uint8_t origin;         /* enum leak_origin */
	bool have_id;           /* dev/ino were read when it was first seen */
	uint32_t dev;           /* LEAK_DEV(major, minor) */
	uint64_t ino;
	struct leak_site made;  /* LEAK_MADE only */
	struct leak_report *report; /* NULL until its first holder */
};

/* One fd of a table: its number and the description it refers to.
 * Immutable once made; shared by the tables that copied it at fork. */
struct leak_rec {
	unsigned refs;
	int fd;
	unsigned image;         /* the process's exec count when the fd was put here */
	struct leak_desc *desc;
	struct leak_site *installed; /* the dup that put it here; NULL when made here */
};

/* A device number as the kernel keeps it (MINORBITS 20, majors below 4096). */
#define LEAK_DEV(major, minor) ((uint32_t)(major) << 20 | ((uint32_t)(minor) & 0xfffffu))
#define LEAK_DEV_FITS(major, minor) ((major) < 4096u && (minor) < (1u << 20))

struct leak_desc *leak_desc_new(enum leak_origin origin);
void leak_desc_get(struct leak_desc *d);
/* Drop a reference. A description nobody refers to any more is freed, or,
 * when it has holders, handed to the drain (leak_descs_drain). */
void leak_desc_put(struct leak_desc *d);
/* Add a holder (copied). The first holder is the primary one, unless a
 * later one is the process that made the description. 1 when h became the
 * primary holder (the caller then sets report->target and ->installed), 0,
 * or -ENOMEM. */
int leak_desc_add_holder(struct leak_desc *d, const struct leak_holder *h);
/* Descriptions ready to report: nobody refers to them any more (all = false),
 * or every description that has holders (all = true, the end of the trace).
 * Each is passed to fn once, in the order their last reference went, then
 * freed. */
void leak_descs_drain(bool all, void (*fn)(struct leak_desc *d, void *arg), void *arg);
/* Report d now (fn), while its holder's description is at hand: the caller
 * knows no other fd can hold it (its only record, in a table that is going).
 * It is then freed with its last reference, as a description reported at
 * the end is. */
void leak_desc_report_now(struct leak_desc *d, void (*fn)(struct leak_desc *d, void *arg),
			  void *arg);
/* Descriptions alive now (tests, the bench's RSS figure). */
size_t leak_descs_live(void);

/* A record of fd referring to d (takes a reference on d). NULL when out of
 * memory. installed is copied (NULL: the fd was made at this number). */
struct leak_rec *leak_rec_new(int fd, struct leak_desc *d, const struct leak_site *installed,
			      unsigned image);
void leak_rec_put(struct leak_rec *r);

/* One fd table: fd -> record. Shared by the threads of a process and by
 * CLONE_FILES processes (refs); copied at fork. A hash of the fds the trace
 * knows, so its size follows the live records, not the highest fd number. */
struct leak_table {
	unsigned refs;
	struct leak_rec **slot;
	size_t cap, used;
};

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

/* The traps of every call that may install an fd (ends with syscall NULL).
 * Each trap's data is a struct leak_how: where the call puts its fds. */
extern const struct pfd_trap leak_traps[];

enum leak_how_kind {
	LEAK_BY_RESULT = 0,      /* the result is the new fd */
	LEAK_BY_DUP,             /* the result, a copy of args[0] (dup2/dup3(fd, fd): none) */
	LEAK_BY_PAIR,            /* two ints written at args[arg] (pipe, socketpair) */
	LEAK_BY_MSGHDR,          /* SCM_RIGHTS, SCM_PIDFD in the msghdr at args[1] */
	LEAK_BY_MMSGHDR,         /* the same in each of the result's mmsghdrs at args[1] */
	LEAK_BY_SOCKOPT,         /* getsockopt: written at optval, for some options */
	LEAK_BY_SOCKETCALL,      /* i386's socketcall(2): by the operation it carries */
	LEAK_BY_KVM_DEVICE,      /* written into struct kvm_create_device */
	LEAK_BY_NEW_SIGNALFD,    /* the result, only when args[0] is -1 (else it
				    changes an existing signalfd) */
	LEAK_BY_SECCOMP_LISTENER, /* the result, only for SECCOMP_SET_MODE_FILTER */
	LEAK_BY_LANDLOCK_RULESET, /* the result, unless a version or errata query */
};

struct leak_how {
	enum leak_how_kind kind;
	uint8_t arg;             /* LEAK_BY_PAIR: the argument pointing at the pair */
	/* The call gives its process a way to install fds without a syscall of
	 * their own (io_uring_setup: the ring's openat and accept;
	 * fanotify_init: an event's fd, installed by read). */
	bool installs_untraced;
};

/* The trap's data, or (a trap without) the result is the fd. */
const struct leak_how *leak_how_of(const struct pfd_trap *trap);

/* A dup-family call (dup, dup2, dup3, fcntl F_DUPFD*): the new fd shares
 * the description of *source (the fd it copies). */
bool leak_call_dups(const struct pfd_call *c, const struct leak_how *how, int *source);

#define LEAK_MAX_NEW_FDS 253 /* SCM_RIGHTS carries at most 253 */

/* Is the call one that may create fds, and is its exit worth a stop?
 * (recvmsg without a control buffer cannot receive any; getsockopt only
 * at the levels of its fd-making options; seccomp only when installing a
 * filter; landlock_create_ruleset's version queries make none.) */
bool leak_call_may_create(struct pfd_tracee *t, const struct pfd_call *c,
			  const struct leak_how *how);

/* The fds the successful call c created, into fds (at most max): how many.
 * Reads the tracee's memory for pipe's pair, socketpair's, the SCM_RIGHTS
 * and SCM_PIDFD of recvmsg/recvmmsg (64- and 32-bit layouts), and the fd
 * getsockopt (SO_PEERPIDFD, SCTP peel-off) or KVM_CREATE_DEVICE wrote. */
size_t leak_created_fds(struct pfd_tracee *t, const struct pfd_call *c,
			const struct leak_how *how, int *fds, size_t max);

/* The name to give as the fds' creator: the call's, or for i386's
 * socketcall(2) the socket operation it carried ("recvmsg"). */
const char *leak_creator_name(const struct pfd_call *c, const struct leak_how *how);

/* At the parent's fork event (on_fork): the pidfd a clone or clone3 with
 * CLONE_PIDFD installed in the parent's table, and the call's name
 * ("clone", "clone3"). false when the call made none (fork, vfork, no
 * CLONE_PIDFD) or it could not be read. */
bool leak_fork_pidfd(const struct pfd_fork *f, int *pidfd, const char **creator);

#endif
