/* procfd-trace: the syscall table, as data.
 *
 * One entry per syscall procfd-trace knows: its name, how many arguments it
 * takes, which of them are a path, a dirfd, flags (and how they are
 * decoded), fds, and facts plugins decide by (it may create an fd, it may
 * change the root, it is a sigreturn...). The layout is the same on every
 * arch that has the call, so numbers are not kept here: they come from
 * libseccomp's tables once at start (pfd_syscall_by_number), as the
 * filter's do, so the table, the filter and the kernel agree by
 * construction. A plugin may trap a syscall the table lacks (libseccomp
 * knows every name): its calls then get an entry with no path, no facts
 * and six arguments, since their real count is not known. */
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
	PFD_SC_NO_PATH,  /* no path argument is decoded (path_arg is PFD_NO_ARG) */
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

/* What a call of the path table does to the inode its path names, when it
 * acts on it at all (open, stat, access... are told apart by the class). */
enum pfd_sc_effect {
	PFD_EFFECT_NONE = 0,
	PFD_EFFECT_MODE,      /* chmod family */
	PFD_EFFECT_OWNER,     /* chown family */
	PFD_EFFECT_TIMES,     /* utime family */
	PFD_EFFECT_XATTR_SET, /* setxattr, removexattr and their l forms */
	PFD_EFFECT_XATTR_GET, /* getxattr, listxattr and their l forms */
	PFD_EFFECT_WATCH,     /* inotify_add_watch */
	PFD_EFFECT_HANDLE,    /* name_to_handle_at */
	PFD_EFFECT_LINK,      /* link, linkat: a new name for the inode */
	PFD_EFFECT_CREATE,    /* mkdir, mknod: a new name in the directory */
	PFD_EFFECT_REMOVE,    /* unlink, rmdir */
	PFD_EFFECT_RENAME,    /* rename family (the first path) */
};

/* Facts about a syscall, as bits of pfd_syscall_desc.facts. */
enum pfd_sc_fact {
	/* May put a new fd into the caller's table (for some of its arguments:
	 * fcntl only with F_DUPFD*, ioctl with a few requests...). */
	PFD_SC_CREATES_FD = 1u << 0,
	/* May replace the caller's root or change the mounts under it, so a
	 * cached /proc/PID/root (and what was learnt of its /proc) is stale:
	 * chroot, pivot_root, setns and unshare (a mount namespace brings its
	 * own root and mounts), mount, umount, umount2, move_mount. Not fsmount
	 * or open_tree (a detached mount, attached by move_mount), nor
	 * mount_setattr (flags of a mount, not what is mounted). */
	PFD_SC_CHANGES_ROOT = 1u << 1,
	/* Ends a signal handler: restores the registers it saved, and with them
	 * an interrupted call's restart or its EINTR. */
	PFD_SC_SIGRETURN = 1u << 2,
	/* Replaces the program: execve, execveat. */
	PFD_SC_EXECS = 1u << 3,
	/* Creates a process or thread: its flags say which (clone, clone3). */
	PFD_SC_CLONES = 1u << 4,
	/* Takes its arguments as a struct args[0] points to, of args[1] bytes
	 * (clone3: the flags are the struct's first u64). */
	PFD_SC_ARGS_STRUCT = 1u << 5,
};

#define PFD_NO_ARG (-1)
#define PFD_SC_ARGS_MAX 6

struct pfd_syscall_desc {
	const char *name;       /* the kernel's name, as libseccomp spells it */
	uint8_t nargs;          /* how many arguments it takes (the kernel's
				 * SYSCALL_DEFINEn; for an i386-only call,
				 * i386's count) */
	uint8_t fd_args;        /* bit i: args[i] is an fd (dup2's both; a
				 * call without path slots lists its dirfds
				 * too: move_mount's two; dirfd_arg is not
				 * repeated here) */
	uint32_t facts;         /* enum pfd_sc_fact bits */
	enum pfd_sc_effect effect;
	/* The path arguments, for the calls the procfd plugin classifies
	 * (cls != PFD_SC_NO_PATH); every slot PFD_NO_ARG otherwise. A call
	 * whose path procfd-trace does not classify (chroot, mount...) has no
	 * path slot: its path is not read, and it is printed raw. */
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
/* The entry named so, or NULL: for start-up, not for a stop (a scan). */
PFD_API const struct pfd_syscall_desc *pfd_syscall_by_name(const char *name);
/* The entry of (audit arch, number) as the kernel reports a call
 * (AUDIT_ARCH_X86_64 with x32's __X32_SYSCALL_BIT for x32), or NULL when
 * the number is none of the table's on that arch. A lookup in arrays built
 * from libseccomp's tables at the first call (procfd-trace makes it before
 * tracing starts). */
PFD_API const struct pfd_syscall_desc *pfd_syscall_by_number(uint32_t audit_arch, uint64_t nr);
/* Whether the call takes a path the table decodes (path_arg is a slot). */
PFD_API bool pfd_syscall_has_path(const struct pfd_syscall_desc *d);

#endif
