/* procfd-trace: the table of path syscalls (data, not code). */
#include <fcntl.h>
#include <string.h>

#include "procfd/syscalls.h"

#define N PFD_NO_ARG
#define F false
#define T true

/* name, class, dirfd, path, flags, flags kind, mode, how, implicit flags,
 * NULL path acts on the dirfd */
static const struct pfd_syscall_desc table[] = {
	{ "open",        PFD_SC_OPEN,     N, 0, 1, PFD_FLAGS_OPEN, 2, N, 0, F },
	{ "openat",      PFD_SC_OPEN,     0, 1, 2, PFD_FLAGS_OPEN, 3, N, 0, F },
	{ "openat2",     PFD_SC_OPEN,     0, 1, N, PFD_FLAGS_OPEN, N, 2, 0, F },
	{ "creat",       PFD_SC_OPEN,     N, 0, N, PFD_FLAGS_OPEN, 1, N,
	  O_CREAT | O_WRONLY | O_TRUNC, F },
	{ "stat",        PFD_SC_STAT,     N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lstat",       PFD_SC_LSTAT,    N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "newfstatat",  PFD_SC_STATAT,   0, 1, 3, PFD_FLAGS_AT,   N, N, 0, F },
	{ "statx",       PFD_SC_STATAT,   0, 1, 2, PFD_FLAGS_AT,   N, N, 0, F },
	{ "readlink",    PFD_SC_READLINK, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "readlinkat",  PFD_SC_READLINK, 0, 1, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "access",      PFD_SC_ACCESS,   N, 0, N, PFD_FLAGS_NONE, 1, N, 0, F },
	{ "faccessat",   PFD_SC_ACCESS,   0, 1, N, PFD_FLAGS_NONE, 2, N, 0, F },
	{ "faccessat2",  PFD_SC_ACCESS,   0, 1, 3, PFD_FLAGS_ACCESS_AT, 2, N, 0, F },
	/* i386 spellings of the stat family (absent on x86_64: libseccomp skips them) */
	{ "stat64",      PFD_SC_STAT,     N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lstat64",     PFD_SC_LSTAT,    N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "oldstat",     PFD_SC_STAT,     N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "oldlstat",    PFD_SC_LSTAT,    N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "fstatat64",   PFD_SC_STATAT,   0, 1, 3, PFD_FLAGS_AT,   N, N, 0, F },
	/* Other calls that follow a magic link users meet: naming an O_TMPFILE
	 * (linkat AT_SYMLINK_FOLLOW), fexecve and `bash /dev/fd/63`, cd into a
	 * held directory, truncating or statfs'ing a held file. */
	{ "linkat",      PFD_SC_LINKAT,   0, 1, 4, PFD_FLAGS_AT,   N, N, 0, F },
	{ "execve",      PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "execveat",    PFD_SC_FOLLOW,   0, 1, 4, PFD_FLAGS_AT,   N, N, 0, F },
	{ "chdir",       PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "truncate",    PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "truncate64",  PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "statfs",      PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "statfs64",    PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	/* Calls that change or read the held inode through the link: they
	 * follow it (chmod 644 /proc/PID/fd/5 changes the held file), their l*
	 * forms and AT_SYMLINK_NOFOLLOW act on the /proc link itself. The
	 * syscall fchmodat has no flags word (glibc emulates one). setxattr's
	 * XATTR_CREATE/REPLACE word is not decoded: it has no say in the walk. */
	{ "chmod",       PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, 1, N, 0, F },
	{ "fchmodat",    PFD_SC_FOLLOW,   0, 1, N, PFD_FLAGS_NONE, 2, N, 0, F },
	{ "fchmodat2",   PFD_SC_FOLLOW,   0, 1, 3, PFD_FLAGS_AT,   2, N, 0, F },
	{ "chown",       PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lchown",      PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "fchownat",    PFD_SC_FOLLOW,   0, 1, 4, PFD_FLAGS_AT,   N, N, 0, F },
	{ "utime",       PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "utimes",      PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "futimesat",   PFD_SC_FOLLOW,   0, 1, N, PFD_FLAGS_NONE, N, N, 0, T },
	{ "utimensat",   PFD_SC_FOLLOW,   0, 1, 3, PFD_FLAGS_AT,   N, N, 0, T },
	{ "setxattr",    PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "getxattr",    PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "listxattr",   PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "removexattr", PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lsetxattr",   PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lgetxattr",   PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "llistxattr",  PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lremovexattr", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	/* inotify_add_watch(fd, path, mask): arg 0 is the inotify fd, no dirfd */
	{ "inotify_add_watch", PFD_SC_INOTIFY, N, 1, 2, PFD_FLAGS_INOTIFY, N, N, 0, F },
	/* name_to_handle_at(dirfd, path, handle, mount_id, flags) */
	{ "name_to_handle_at", PFD_SC_LINKAT, 0, 1, 4, PFD_FLAGS_HANDLE_AT, N, N, 0, F },
	/* i386 spellings: chown and lchown there take 16-bit ids, the *32 forms
	 * are what libc calls; utimensat_time64 is utimensat with 64-bit times */
	{ "chown32",     PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "lchown32",    PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "utimensat_time64", PFD_SC_FOLLOW, 0, 1, 3, PFD_FLAGS_AT, N, N, 0, T },
	/* Calls that create or remove a name: the final component is the name,
	 * never followed. On /proc/PID/fd/N they act on the fd directory's
	 * entry. rename's second path (where the name goes) is not classified:
	 * only the first path is a slot here. link is linkat without flags. */
	{ "mknod",       PFD_SC_NAME,     N, 0, N, PFD_FLAGS_NONE, 1, N, 0, F },
	{ "mknodat",     PFD_SC_NAME,     0, 1, N, PFD_FLAGS_NONE, 2, N, 0, F },
	{ "mkdir",       PFD_SC_NAME,     N, 0, N, PFD_FLAGS_NONE, 1, N, 0, F },
	{ "mkdirat",     PFD_SC_NAME,     0, 1, N, PFD_FLAGS_NONE, 2, N, 0, F },
	{ "unlink",      PFD_SC_NAME,     N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "unlinkat",    PFD_SC_NAME,     0, 1, 2, PFD_FLAGS_AT,   N, N, 0, F },
	{ "rmdir",       PFD_SC_NAME,     N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "rename",      PFD_SC_NAME,     N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "renameat",    PFD_SC_NAME,     0, 1, N, PFD_FLAGS_NONE, N, N, 0, F },
	{ "renameat2",   PFD_SC_NAME,     0, 1, 4, PFD_FLAGS_RENAME, N, N, 0, F },
	{ "link",        PFD_SC_LINKAT,   N, 0, N, PFD_FLAGS_NONE, N, N, 0, F },
};

#undef N
#undef F
#undef T

const struct pfd_syscall_desc *pfd_syscalls(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct pfd_syscall_desc *pfd_syscall_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}
