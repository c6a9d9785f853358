/* procfd-trace: the path syscalls and where their arguments live.
 *
 * One descriptor per syscall name; the argument layout is the same on every
 * arch that has the call, so numbers are not kept here: the engine maps
 * (audit arch, number) to names with libseccomp's own tables
 * (filters/traps.c), as the filter does. */
#ifndef PROCFD_SYSCALLS_H
#define PROCFD_SYSCALLS_H

#include "procfd/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What the call does with the final component of its path. */
enum pfd_sc_class {
	PFD_SC_OPEN,     /* open, openat, creat, openat2: follows unless O_NOFOLLOW */
	PFD_SC_STAT,     /* stat family: follows */
	PFD_SC_LSTAT,    /* lstat family: the link itself */
	PFD_SC_STATAT,   /* newfstatat, fstatat64, statx: AT_SYMLINK_NOFOLLOW decides */
	PFD_SC_READLINK, /* readlink, readlinkat: the link itself */
	PFD_SC_ACCESS,   /* access, faccessat: follows; faccessat2 flags decide */
	PFD_SC_LINKAT,   /* linkat's and link's source, name_to_handle_at: follows
			  * only with AT_SYMLINK_FOLLOW (link has no flags: never) */
	PFD_SC_FOLLOW,   /* truncate, chdir, statfs, execve, chmod, chown, utimes,
			  * setxattr...: follows; AT_SYMLINK_NOFOLLOW in flags
			  * (execveat, fchownat, fchmodat2, utimensat) decides */
	PFD_SC_NOFOLLOW, /* lchown, lsetxattr, lgetxattr...: the link itself */
	PFD_SC_INOTIFY,  /* inotify_add_watch: follows unless IN_DONT_FOLLOW */
	PFD_SC_NAME,     /* unlink, rmdir, mkdir, mknod, rename (first path): creates
			  * or removes a name in the directory, so the final
			  * component is never followed: on an fd link they act on
			  * the entry of the fd directory (and procfs refuses) */
};

/* How the flags argument is decoded. */
enum pfd_flags_kind {
	PFD_FLAGS_NONE,
	PFD_FLAGS_OPEN,   /* O_* */
	PFD_FLAGS_AT,     /* AT_* */
	PFD_FLAGS_ACCESS_AT, /* faccessat2: AT_EACCESS shares AT_REMOVEDIR's bit */
	PFD_FLAGS_HANDLE_AT, /* name_to_handle_at: AT_HANDLE_FID shares it too */
	PFD_FLAGS_INOTIFY,   /* inotify_add_watch's mask: IN_* */
	PFD_FLAGS_RENAME,    /* renameat2: RENAME_* */
};

#define PFD_NO_ARG (-1)

struct pfd_syscall_desc {
	const char *name;       /* the kernel's name, as libseccomp spells it */
	enum pfd_sc_class cls;
	int8_t dirfd_arg;       /* PFD_NO_ARG when the call takes no dirfd */
	int8_t path_arg;
	int8_t flags_arg;
	enum pfd_flags_kind flags_kind;
	int8_t mode_arg;        /* access(2) mode, the creation mode of open, mkdir,
				 * mknod, or the new mode of chmod */
	int8_t how_arg;         /* openat2's struct open_how */
	uint32_t implicit_flags; /* creat(2) is open(O_CREAT|O_WRONLY|O_TRUNC) */
	bool null_path_is_dirfd; /* utimensat, futimesat: a NULL path acts on the
				  * dirfd itself, naming no path */
};

/* The whole table, in a stable order. */
PFD_API const struct pfd_syscall_desc *pfd_syscalls(size_t *count);
PFD_API const struct pfd_syscall_desc *pfd_syscall_by_name(const char *name);

#endif
