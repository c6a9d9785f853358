/* procfd-trace: the guarded-read policy (tracer/engine/guarded_read.c):
 * which processes' memory may block a read, and how such a read is
 * bounded. */
#ifndef PROCFD_GUARDED_READ_H
#define PROCFD_GUARDED_READ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "tracer/engine/tracee_mem.h"

struct pfd_proc;
struct pfd_tracee;

/* Why a process's reads are guarded (struct pfd_proc's guard). */
enum pfd_guard_why {
	PFD_GUARD_UFFD = 1u << 0, /* it may have userfaultfd-registered pages */
	PFD_GUARD_FUSE = 1u << 1, /* its executable is on a FUSE file system */
};

/* ---- who is marked ---- */
bool pfd_guard_needed(const struct pfd_proc *p);
/* Its executable is on FUSE: the tracer must not stat or getxattr it (the
 * daemon, maybe a tracee stopped for us, would be asked). */
bool pfd_guard_exe_on_fuse(const struct pfd_proc *p);
/* It created a userfaultfd (the uffd plugin's report). */
void pfd_guard_note_uffd(struct pfd_proc *p);
/* A new process (not a thread) inherits its parent's marks. */
void pfd_guard_on_fork(const struct pfd_proc *parent, struct pfd_proc *child);
/* PTRACE_EVENT_EXEC: a new image; marked only if its executable is on FUSE. */
void pfd_guard_on_exec(struct pfd_proc *p, pid_t pid);
/* Seized with -p: userfaultfd ranges in its smaps, or its executable on FUSE. */
void pfd_guard_on_attach(struct pfd_proc *p, pid_t pid);
/* Whose memory a reader reads, with the policy's answer (every reader of a
 * tracee's memory builds its source here). */
struct pfd_mem_src pfd_guard_src(const struct pfd_tracee *t);

/* ---- how: a read of a marked process, on a helper thread. 0 or -errno
 * (-ETIMEDOUT: the helper slept 200 ms in all, or another of the process's
 * reads is stuck on the same range, or every helper is) ---- */
int pfd_guarded_read(pid_t tid, pid_t tgid, uint64_t addr, void *buf, size_t len);

/* ---- pure parts, for the tests ---- */
/* A smaps "VmFlags:" line with um, uw or ui (userfaultfd missing,
 * write-protect, minor). */
bool pfd_guard_vmflags_uffd(const char *line);
/* A mountinfo line of device major:minor whose type is fuse, fuse.* or
 * fuseblk. */
bool pfd_guard_mountinfo_fuse(const char *line, unsigned major, unsigned minor);
/* A /proc/TID/stat line whose state is S or D (sleeping: waiting for
 * something, not for a CPU). */
bool pfd_guard_stat_sleeps(const char *stat);
/* Whether a read of [addr, addr+len) of tgid touches the pages a job of
 * job_tgid reads (from job_addr's page to its end). */
bool pfd_guard_overlaps(pid_t job_tgid, uint64_t job_addr, size_t job_len, pid_t tgid,
			uint64_t addr, size_t len);

#endif
