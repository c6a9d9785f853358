/* procfd-trace: one traced syscall, as every plugin sees it.
 *
 * The engine fills a struct pfd_call at the call's entry stop and completes
 * it at its exit stop. It is the same for every syscall; the decoded path
 * arguments are an optional part, present only for the calls the syscall
 * table gives a path (procfd/syscalls.h). Nothing here refers to ptrace. */
#ifndef PROCFD_CALL_H
#define PROCFD_CALL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/syscalls.h"

/* The path arguments, decoded by the table (dirfd, path, flags, mode, how). */
struct pfd_path_args {
	const struct pfd_syscall_desc *desc;
	bool has_dirfd;
	int dirfd;           /* an int in every ABI */
	const char *path;    /* the bytes as passed, NUL-terminated; "" when unreadable */
	size_t path_len;
	int path_errno;      /* 0, or why the path could not be read (EFAULT...) */
	bool no_path;        /* a NULL path that makes the call act on its dirfd
				(utimensat(fd, NULL, ...), AT_EMPTY_PATH): not read,
				path is "", and it names nothing */
	bool path_truncated; /* no NUL within PATH_MAX bytes (the kernel: ENAMETOOLONG) */
	bool has_flags;
	uint64_t flags;      /* O_*, AT_* or access flags, per desc->flags_kind */
	bool has_mode;
	uint64_t mode;       /* access(2) mode, or the creation mode of open */
	bool has_resolve;
	uint64_t resolve;    /* openat2's how.resolve */
	int how_errno;       /* openat2: why struct open_how could not be read */
};

struct pfd_call {
	pid_t pid, tid;      /* in procfd-trace's pid namespace */
	uint32_t audit_arch; /* AUDIT_ARCH_X86_64 (x32 too) or AUDIT_ARCH_I386 */
	const char *arch;    /* "x86_64", "i386", "x32" */
	uint64_t nr;         /* the number as the arch has it (x32's bit included) */
	const char *name;    /* the kernel's name, as libseccomp spells it */
	/* Its entry in the syscall table (argument count, fd arguments,
	 * facts); never NULL: a syscall the table lacks has one with no path,
	 * no facts and six arguments. */
	const struct pfd_syscall_desc *sc;
	uint64_t args[6];    /* as passed; 32-bit tracees' values are zero-extended;
				those past sc->nargs are whatever the registers held */

	/* Set at the exit stop. finished is false when the thread died inside
	 * the call (SIGKILL, another thread's execve) or was let go (detach). */
	bool finished;
	int64_t result;      /* the return value, or -1 on error (the libc convention) */
	int err;             /* errno, 0 on success */

	/* NULL for a call that takes no path. */
	const struct pfd_path_args *path;
};

#endif
