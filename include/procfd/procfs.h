/* procfd-trace: the fields of /proc/<tid>/status the tracer and plugins need. */
#ifndef PROCFD_PROCFS_H
#define PROCFD_PROCFS_H

#include "procfd/export.h"

#include <sys/types.h>

#define PFD_NSPID_MAX 32 /* pid namespaces nest at most 32 deep */

struct pfd_proc_status {
	pid_t tgid, ppid, tracer_pid;
	long uid;                  /* real uid; -1 when unknown */
	long euid, egid;           /* effective ids; -1 when unknown */
	long no_new_privs;         /* NoNewPrivs: 0 or 1; -1 when unknown */
	pid_t nspid[PFD_NSPID_MAX]; /* from the reader's namespace inward */
	int nspid_count;
};

/* 0 or -errno (ENOENT: the task is gone). Missing fields read as 0 / -1. */
PFD_API int pfd_read_proc_status(pid_t tid, struct pfd_proc_status *st);

#endif
