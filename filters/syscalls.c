/* procfd-trace: the syscall table (data, not code).
 *
 * Argument counts are the kernel's (SYSCALL_DEFINEn, and for i386-only
 * calls the ia32 entry's); tests/unit/test_syscalls.c checks them against
 * a list written from the man pages, and the names against the kernel's
 * uapi tables and libseccomp's. */
#include <fcntl.h>
#include <pthread.h>
#include <string.h>

#include "filters/sysnum.h"
#include "procfd/syscalls.h"

#define N PFD_NO_ARG
#define F false
#define T true
#define A(i) (1u << (i))

/* A call of the path table: name, argument count, facts, effect, class,
 * dirfd, path, flags, flags kind, mode, how, implicit flags, NULL path acts
 * on the dirfd. */
#define PATH(nm, n, fct, eff, c, d, p, fl, fk, m, h, imp, np) \
	{ .name = nm, .nargs = n, .facts = fct, .effect = PFD_EFFECT_##eff, .cls = PFD_SC_##c, \
	  .dirfd_arg = d, .path_arg = p, .flags_arg = fl, .flags_kind = PFD_FLAGS_##fk, \
	  .mode_arg = m, .how_arg = h, .implicit_flags = imp, .null_path_is_dirfd = np }
/* A call without decoded path: name, argument count, fd arguments, facts. */
#define CALL(nm, n, fds, fct) \
	{ .name = nm, .nargs = n, .fd_args = fds, .facts = fct, .cls = PFD_SC_NO_PATH, \
	  .dirfd_arg = N, .path_arg = N, .flags_arg = N, .mode_arg = N, .how_arg = N }

#define FD PFD_SC_CREATES_FD
#define ROOT PFD_SC_CHANGES_ROOT

static const struct pfd_syscall_desc table[] = {
	PATH("open",        3, FD, NONE, OPEN,     N, 0, 1, OPEN, 2, N, 0, F),
	PATH("openat",      4, FD, NONE, OPEN,     0, 1, 2, OPEN, 3, N, 0, F),
	PATH("openat2",     4, FD, NONE, OPEN,     0, 1, N, OPEN, N, 2, 0, F),
	PATH("creat",       2, FD, NONE, OPEN,     N, 0, N, OPEN, 1, N,
	     O_CREAT | O_WRONLY | O_TRUNC, F),
	PATH("stat",        2, 0, NONE, STAT,      N, 0, N, NONE, N, N, 0, F),
	PATH("lstat",       2, 0, NONE, LSTAT,     N, 0, N, NONE, N, N, 0, F),
	PATH("newfstatat",  4, 0, NONE, STATAT,    0, 1, 3, AT,   N, N, 0, F),
	PATH("statx",       5, 0, NONE, STATAT,    0, 1, 2, AT,   N, N, 0, F),
	PATH("readlink",    3, 0, NONE, READLINK,  N, 0, N, NONE, N, N, 0, F),
	PATH("readlinkat",  4, 0, NONE, READLINK,  0, 1, N, NONE, N, N, 0, F),
	PATH("access",      2, 0, NONE, ACCESS,    N, 0, N, NONE, 1, N, 0, F),
	PATH("faccessat",   3, 0, NONE, ACCESS,    0, 1, N, NONE, 2, N, 0, F),
	PATH("faccessat2",  4, 0, NONE, ACCESS,    0, 1, 3, ACCESS_AT, 2, N, 0, F),
	/* i386 spellings of the stat family (absent on x86_64: libseccomp skips them) */
	PATH("stat64",      2, 0, NONE, STAT,      N, 0, N, NONE, N, N, 0, F),
	PATH("lstat64",     2, 0, NONE, LSTAT,     N, 0, N, NONE, N, N, 0, F),
	PATH("oldstat",     2, 0, NONE, STAT,      N, 0, N, NONE, N, N, 0, F),
	PATH("oldlstat",    2, 0, NONE, LSTAT,     N, 0, N, NONE, N, N, 0, F),
	PATH("fstatat64",   4, 0, NONE, STATAT,    0, 1, 3, AT,   N, N, 0, F),
	/* Other calls that follow a magic link users meet: naming an O_TMPFILE
	 * (linkat AT_SYMLINK_FOLLOW), fexecve and `bash /dev/fd/63`, cd into a
	 * held directory, truncating or statfs'ing a held file. truncate64 and
	 * statfs64 are i386's: the length in two registers, statfs64 a size. */
	PATH("linkat",      5, 0, LINK, LINKAT,    0, 1, 4, AT,   N, N, 0, F),
	PATH("execve",      3, PFD_SC_EXECS, NONE, FOLLOW, N, 0, N, NONE, N, N, 0, F),
	PATH("execveat",    5, PFD_SC_EXECS, NONE, FOLLOW, 0, 1, 4, AT, N, N, 0, F),
	PATH("chdir",       1, 0, NONE, FOLLOW,    N, 0, N, NONE, N, N, 0, F),
	PATH("truncate",    2, 0, NONE, FOLLOW,    N, 0, N, NONE, N, N, 0, F),
	PATH("truncate64",  3, 0, NONE, FOLLOW,    N, 0, N, NONE, N, N, 0, F),
	PATH("statfs",      2, 0, NONE, FOLLOW,    N, 0, N, NONE, N, N, 0, F),
	PATH("statfs64",    3, 0, NONE, FOLLOW,    N, 0, N, NONE, N, N, 0, F),
	/* Calls that change or read the held inode through the link: they
	 * follow it (chmod 644 /proc/PID/fd/5 changes the held file), their l*
	 * forms and AT_SYMLINK_NOFOLLOW act on the /proc link itself. The
	 * syscall fchmodat has no flags word (glibc emulates one). setxattr's
	 * XATTR_CREATE/REPLACE word is not decoded: it has no say in the walk. */
	PATH("chmod",       2, 0, MODE, FOLLOW,    N, 0, N, NONE, 1, N, 0, F),
	PATH("fchmodat",    3, 0, MODE, FOLLOW,    0, 1, N, NONE, 2, N, 0, F),
	PATH("fchmodat2",   4, 0, MODE, FOLLOW,    0, 1, 3, AT,   2, N, 0, F),
	PATH("chown",       3, 0, OWNER, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("lchown",      3, 0, OWNER, NOFOLLOW, N, 0, N, NONE, N, N, 0, F),
	PATH("fchownat",    5, 0, OWNER, FOLLOW,   0, 1, 4, AT,   N, N, 0, F),
	PATH("utime",       2, 0, TIMES, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("utimes",      2, 0, TIMES, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("futimesat",   3, 0, TIMES, FOLLOW,   0, 1, N, NONE, N, N, 0, T),
	PATH("utimensat",   4, 0, TIMES, FOLLOW,   0, 1, 3, AT,   N, N, 0, T),
	PATH("setxattr",    5, 0, XATTR_SET, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("getxattr",    4, 0, XATTR_GET, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("listxattr",   3, 0, XATTR_GET, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("removexattr", 2, 0, XATTR_SET, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("lsetxattr",   5, 0, XATTR_SET, NOFOLLOW, N, 0, N, NONE, N, N, 0, F),
	PATH("lgetxattr",   4, 0, XATTR_GET, NOFOLLOW, N, 0, N, NONE, N, N, 0, F),
	PATH("llistxattr",  3, 0, XATTR_GET, NOFOLLOW, N, 0, N, NONE, N, N, 0, F),
	PATH("lremovexattr", 2, 0, XATTR_SET, NOFOLLOW, N, 0, N, NONE, N, N, 0, F),
	/* inotify_add_watch(fd, path, mask): arg 0 is the inotify fd, no dirfd */
	PATH("inotify_add_watch", 3, 0, WATCH, INOTIFY, N, 1, 2, INOTIFY, N, N, 0, F),
	/* name_to_handle_at(dirfd, path, handle, mount_id, flags) */
	PATH("name_to_handle_at", 5, 0, HANDLE, LINKAT, 0, 1, 4, HANDLE_AT, N, N, 0, F),
	/* i386 spellings: chown and lchown there take 16-bit ids, the *32 forms
	 * are what libc calls; utimensat_time64 is utimensat with 64-bit times */
	PATH("chown32",     3, 0, OWNER, FOLLOW,   N, 0, N, NONE, N, N, 0, F),
	PATH("lchown32",    3, 0, OWNER, NOFOLLOW, N, 0, N, NONE, N, N, 0, F),
	PATH("utimensat_time64", 4, 0, TIMES, FOLLOW, 0, 1, 3, AT, N, N, 0, T),
	/* Calls that create or remove a name: the final component is the name,
	 * never followed. On /proc/PID/fd/N they act on the fd directory's
	 * entry. rename's second path (where the name goes) is not classified:
	 * only the first path is a slot here. link is linkat without flags. */
	PATH("mknod",       3, 0, CREATE, NAME,    N, 0, N, NONE, 1, N, 0, F),
	PATH("mknodat",     4, 0, CREATE, NAME,    0, 1, N, NONE, 2, N, 0, F),
	PATH("mkdir",       2, 0, CREATE, NAME,    N, 0, N, NONE, 1, N, 0, F),
	PATH("mkdirat",     3, 0, CREATE, NAME,    0, 1, N, NONE, 2, N, 0, F),
	PATH("unlink",      1, 0, REMOVE, NAME,    N, 0, N, NONE, N, N, 0, F),
	PATH("unlinkat",    3, 0, REMOVE, NAME,    0, 1, 2, AT,   N, N, 0, F),
	PATH("rmdir",       1, 0, REMOVE, NAME,    N, 0, N, NONE, N, N, 0, F),
	PATH("rename",      2, 0, RENAME, NAME,    N, 0, N, NONE, N, N, 0, F),
	PATH("renameat",    4, 0, RENAME, NAME,    0, 1, N, NONE, N, N, 0, F),
	PATH("renameat2",   5, 0, RENAME, NAME,    0, 1, 4, RENAME, N, N, 0, F),
	PATH("link",        2, 0, LINK, LINKAT,    N, 0, N, NONE, N, N, 0, F),

	/* Calls that may install a new fd (the leaks plugin traps them, with
	 * its own conditions where only some arguments make one). */
	CALL("open_by_handle_at", 3, A(0), FD), /* mount_fd, handle, flags */
	CALL("open_tree",   3, A(0), FD),       /* dirfd, path, flags */
	CALL("dup",         1, A(0), FD),
	CALL("dup2",        2, A(0) | A(1), FD),
	CALL("dup3",        3, A(0) | A(1), FD),
	CALL("fcntl",       3, A(0), FD),       /* F_DUPFD, F_DUPFD_CLOEXEC */
	CALL("fcntl64",     3, A(0), FD),
	CALL("pipe",        1, 0, FD),
	CALL("pipe2",       2, 0, FD),
	CALL("socket",      3, 0, FD),
	CALL("socketpair",  4, 0, FD),
	CALL("accept",      3, A(0), FD),
	CALL("accept4",     4, A(0), FD),
	CALL("recvmsg",     3, A(0), FD),       /* SCM_RIGHTS, SCM_PIDFD */
	CALL("recvmmsg",    5, A(0), FD),
	CALL("recvmmsg_time64", 5, A(0), FD),
	CALL("getsockopt",  5, A(0), FD),       /* SO_PEERPIDFD, SCTP peel-off */
	CALL("socketcall",  2, 0, FD),          /* i386: (operation, args array) */
	CALL("eventfd",     1, 0, FD),
	CALL("eventfd2",    2, 0, FD),
	CALL("signalfd",    3, A(0), FD),       /* fd -1: a new one */
	CALL("signalfd4",   4, A(0), FD),
	CALL("timerfd_create", 2, 0, FD),
	CALL("epoll_create", 1, 0, FD),
	CALL("epoll_create1", 1, 0, FD),
	CALL("inotify_init", 0, 0, FD),
	CALL("inotify_init1", 1, 0, FD),
	CALL("fanotify_init", 2, 0, FD),
	CALL("memfd_create", 2, 0, FD),
	CALL("memfd_secret", 1, 0, FD),
	CALL("pidfd_open",  2, 0, FD),
	CALL("pidfd_getfd", 3, A(0) | A(1), FD),
	CALL("userfaultfd", 1, 0, FD),
	CALL("perf_event_open", 5, A(3), FD),   /* group_fd */
	CALL("io_uring_setup", 2, 0, FD),
	CALL("fsopen",      2, 0, FD),
	CALL("fsmount",     3, A(0), FD),
	CALL("fspick",      3, A(0), FD),       /* dirfd, path, flags */
	CALL("mq_open",     4, 0, FD),
	CALL("landlock_create_ruleset", 3, 0, FD),
	CALL("seccomp",     3, 0, FD),          /* SECCOMP_FILTER_FLAG_NEW_LISTENER */
	CALL("bpf",         3, 0, FD),
	CALL("ioctl",       3, A(0), FD),
	/* CLONE_PIDFD: the pidfd is installed in the parent */
	CALL("clone",       5, 0, FD | PFD_SC_CLONES),
	CALL("clone3",      2, 0, FD | PFD_SC_CLONES | PFD_SC_ARGS_STRUCT),

	/* Calls that may replace the caller's root or change its mounts
	 * (PFD_SC_CHANGES_ROOT: why these and no others). Their paths are not
	 * decoded: procfd-trace does not classify them. */
	CALL("chroot",      1, 0, ROOT),
	CALL("pivot_root",  2, 0, ROOT),
	CALL("setns",       2, A(0), ROOT),
	CALL("unshare",     1, 0, ROOT),
	CALL("mount",       5, 0, ROOT),
	CALL("umount",      1, 0, ROOT),        /* i386's oldumount */
	CALL("umount2",     2, 0, ROOT),
	CALL("move_mount",  5, A(0) | A(2), ROOT), /* from_dfd, .., to_dfd */

	/* The end of a signal handler (the engine watches them while a call
	 * that the kernel may restart is held). */
	CALL("rt_sigreturn", 0, 0, PFD_SC_SIGRETURN),
	CALL("sigreturn",   0, 0, PFD_SC_SIGRETURN),   /* i386 */

	/* Others procfd-trace or its example plugins trap. */
	CALL("prctl",       5, 0, 0),           /* own_filter: PR_SET_SECCOMP */
	CALL("fchdir",      1, A(0), 0),
	CALL("close",       1, A(0), 0),
	CALL("close_range", 3, 0, 0),
};

#undef N
#undef F
#undef T

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

const struct pfd_syscall_desc *pfd_syscalls(size_t *count)
{
	*count = TABLE_LEN;
	return table;
}

const struct pfd_syscall_desc *pfd_syscall_by_name(const char *name)
{
	for (size_t i = 0; i < TABLE_LEN; i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

bool pfd_syscall_has_path(const struct pfd_syscall_desc *d)
{
	return d->path_arg != PFD_NO_ARG;
}

/* ---- numbers ---------------------------------------------------------- */

static pfd_nr_map numbers;
static pthread_once_t numbers_once = PTHREAD_ONCE_INIT;
/* i386's direct socket calls are found by a scan of every number, which
 * costs more than the rest of the map: done at the first lookup of an
 * arch that needs it that the direct part misses (the trap table resolves
 * its own names, so a run without an i386 tracee never pays it). */
static unsigned numbers_pending;
static pthread_once_t complete_once = PTHREAD_ONCE_INIT;

static const char *table_name(size_t i, const void *ctx)
{
	(void)ctx;
	return table[i].name;
}

static void build_numbers(void)
{
	numbers_pending = pfd_nr_map_build_direct(numbers, table_name, TABLE_LEN, NULL);
}

static void complete_numbers(void)
{
	pfd_nr_map_complete(numbers, numbers_pending, table_name, TABLE_LEN, NULL);
}

static int find_number(uint32_t audit_arch, uint64_t nr)
{
	return pfd_nr_map_find((const uint16_t(*)[PFD_NR_MAX])numbers, audit_arch, nr);
}

const struct pfd_syscall_desc *pfd_syscall_by_number(uint32_t audit_arch, uint64_t nr)
{
	pthread_once(&numbers_once, build_numbers);
	int i = find_number(audit_arch, nr);
	if (i < 0 && numbers_pending) {
		pthread_once(&complete_once, complete_numbers);
		i = find_number(audit_arch, nr);
	}
	return i < 0 ? NULL : &table[i];
}
