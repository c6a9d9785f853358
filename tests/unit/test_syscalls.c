/* procfd-trace: unit tests for the syscall table (filters/syscalls.c) and
 * its (audit arch, number) map, checked against sources of their own: the
 * kernel's uapi syscall tables (<asm/unistd_*.h>, read as text), libseccomp's
 * tables, and argument counts and layouts written here from the man pages
 * and the kernel's SYSCALL_DEFINEn. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfd/syscalls.h"
#include "tracer/plugins/builtin.h"
#include "tracer/plugins/leaks/leaks_track.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define X32_BIT 0x40000000u
#define N PFD_NO_ARG

struct arch {
	const char *name;
	uint32_t scmp;
	uint32_t audit;
};

static const struct arch arches[] = {
	{ "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64 },
	{ "i386", SCMP_ARCH_X86, AUDIT_ARCH_I386 },
	/* x32 shares the audit arch; its numbers carry __X32_SYSCALL_BIT */
	{ "x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64 },
};

/* (arch, nr) -> the table's entry, as the engine finds it. */
static const struct pfd_syscall_desc *lookup(uint32_t audit_arch, uint64_t nr)
{
	return pfd_syscall_by_number(audit_arch, nr);
}

static const struct pfd_syscall_desc *desc(const char *name)
{
	const struct pfd_syscall_desc *d = pfd_syscall_by_name(name);
	if (!d)
		fail_msg("%s is not in the syscall table", name);
	return d;
}

/* ---- the table itself ------------------------------------------------- */

static void test_names_unique_and_indexed(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	assert_true(n > 0);
	/* the map keeps index + 1 in a byte; RET_TRACE data is 16 bits */
	assert_true(n < 255);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(t[i].name);
		assert_ptr_equal(pfd_syscall_by_name(t[i].name), &t[i]);
		for (size_t j = i + 1; j < n; j++)
			if (strcmp(t[i].name, t[j].name) == 0)
				fail_msg("%s twice in the table", t[i].name);
	}
	assert_null(pfd_syscall_by_name("getpid"));
	assert_null(pfd_syscall_by_name(""));
	assert_null(pfd_syscall_by_name("Open"));
}

/* STYLE.md: every name is one libseccomp knows, and exists somewhere. */
static void test_names_known_to_libseccomp(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		bool somewhere = false;
		for (size_t a = 0; a < ARRAY_LEN(arches); a++) {
			int nr = seccomp_syscall_resolve_name_arch(arches[a].scmp, t[i].name);
			if (nr == __NR_SCMP_ERROR)
				fail_msg("libseccomp does not know %s on %s", t[i].name, arches[a].name);
			somewhere = somewhere || nr >= 0;
		}
		if (!somewhere)
			fail_msg("%s exists on none of x86_64, i386, x32", t[i].name);
	}
}

/* The i386 stat family has its own names: newfstatat is absent there, and
 * stat64/fstatat64 are absent on x86_64; the table must carry both. */
static void test_arch_specific_names(void **state)
{
	(void)state;
	assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "newfstatat") < 0);
	assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "newfstatat") >= 0);
	assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "fstatat64") < 0);
	assert_non_null(desc("newfstatat"));
	assert_non_null(desc("fstatat64"));
	assert_non_null(desc("stat64"));
	assert_non_null(desc("lstat64"));
	/* i386's 32-bit-id chown family and time64 utimensat exist only there */
	static const char *const i386_only[] = { "chown32", "lchown32", "utimensat_time64" };
	for (size_t i = 0; i < ARRAY_LEN(i386_only); i++) {
		assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, i386_only[i]) >= 0);
		assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, i386_only[i]) < 0);
		assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, i386_only[i]) < 0);
	}
	/* fchmodat2 (Linux 6.6) has the same number on both */
	assert_int_equal(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "fchmodat2"), 452);
	assert_int_equal(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, "fchmodat2"), 452);
}

static bool slot_ok(int8_t slot)
{
	return slot == N || (slot >= 0 && slot <= 5);
}

static void test_argument_slots_sane(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		const struct pfd_syscall_desc *d = &t[i];
		int8_t slots[] = { d->dirfd_arg, d->path_arg, d->flags_arg, d->mode_arg, d->how_arg };
		if (!pfd_syscall_has_path(d)) {
			/* no path: no slot, no class, nothing implied */
			for (size_t a = 0; a < ARRAY_LEN(slots); a++)
				if (slots[a] != N)
					fail_msg("%s: no path but slot %zu is %d", d->name, a,
						 slots[a]);
			if (d->cls != PFD_SC_NO_PATH || d->flags_kind != PFD_FLAGS_NONE ||
			    d->implicit_flags || d->null_path_is_dirfd || d->effect)
				fail_msg("%s: no path, but class %d", d->name, d->cls);
			continue;
		}
		if (d->path_arg < 0 || d->path_arg > 5 || d->cls == PFD_SC_NO_PATH)
			fail_msg("%s: path_arg %d class %d", d->name, d->path_arg, d->cls);
		for (size_t a = 0; a < ARRAY_LEN(slots); a++) {
			if (!slot_ok(slots[a]))
				fail_msg("%s: slot %zu is %d", d->name, a, slots[a]);
			/* every slot is one of the call's real arguments */
			if (slots[a] != N && slots[a] >= d->nargs)
				fail_msg("%s: slot %zu is %d of %u arguments", d->name, a,
					 slots[a], d->nargs);
			for (size_t b = a + 1; b < ARRAY_LEN(slots); b++)
				if (slots[a] != N && slots[a] == slots[b])
					fail_msg("%s: slots %zu and %zu both %d", d->name, a, b,
						 slots[a]);
		}
		/* the path follows its dirfd */
		if (d->dirfd_arg != N && d->path_arg != d->dirfd_arg + 1)
			fail_msg("%s: path %d does not follow dirfd %d", d->name, d->path_arg,
				 d->dirfd_arg);
		/* a flags word (openat2's how, creat's implicit flags) comes with a decoding */
		bool has_flags = d->flags_arg != N || d->how_arg != N || d->implicit_flags;
		if (has_flags != (d->flags_kind != PFD_FLAGS_NONE))
			fail_msg("%s: flags slot %d / how %d with kind %d", d->name, d->flags_arg,
				 d->how_arg, d->flags_kind);
		/* open flags only for the open class; AT_* flags never for it */
		if ((d->flags_kind == PFD_FLAGS_OPEN) != (d->cls == PFD_SC_OPEN))
			fail_msg("%s: flags kind %d for class %d", d->name, d->flags_kind, d->cls);
		if (d->implicit_flags && d->flags_arg != N)
			fail_msg("%s: implicit flags and a flags argument", d->name);
	}
}

struct layout {
	const char *name;
	enum pfd_sc_class cls;
	int8_t dirfd, path, flags;
	enum pfd_flags_kind kind;
	int8_t mode, how;
};

/* From the man pages (the raw syscalls, not the libc wrappers). */
static const struct layout layouts[] = {
	/* open(path, flags, mode) */
	{ "open", PFD_SC_OPEN, N, 0, 1, PFD_FLAGS_OPEN, 2, N },
	/* openat(dirfd, path, flags, mode) */
	{ "openat", PFD_SC_OPEN, 0, 1, 2, PFD_FLAGS_OPEN, 3, N },
	/* openat2(dirfd, path, how, size) */
	{ "openat2", PFD_SC_OPEN, 0, 1, N, PFD_FLAGS_OPEN, N, 2 },
	/* creat(path, mode) */
	{ "creat", PFD_SC_OPEN, N, 0, N, PFD_FLAGS_OPEN, 1, N },
	{ "stat", PFD_SC_STAT, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "stat64", PFD_SC_STAT, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "oldstat", PFD_SC_STAT, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lstat", PFD_SC_LSTAT, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lstat64", PFD_SC_LSTAT, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "oldlstat", PFD_SC_LSTAT, N, 0, N, PFD_FLAGS_NONE, N, N },
	/* newfstatat(dirfd, path, statbuf, flags) */
	{ "newfstatat", PFD_SC_STATAT, 0, 1, 3, PFD_FLAGS_AT, N, N },
	{ "fstatat64", PFD_SC_STATAT, 0, 1, 3, PFD_FLAGS_AT, N, N },
	/* statx(dirfd, path, flags, mask, statxbuf) */
	{ "statx", PFD_SC_STATAT, 0, 1, 2, PFD_FLAGS_AT, N, N },
	/* readlink(path, buf, size); readlinkat(dirfd, path, buf, size) */
	{ "readlink", PFD_SC_READLINK, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "readlinkat", PFD_SC_READLINK, 0, 1, N, PFD_FLAGS_NONE, N, N },
	/* access(path, mode); faccessat(dirfd, path, mode): the syscall has no flags */
	{ "access", PFD_SC_ACCESS, N, 0, N, PFD_FLAGS_NONE, 1, N },
	{ "faccessat", PFD_SC_ACCESS, 0, 1, N, PFD_FLAGS_NONE, 2, N },
	/* faccessat2(dirfd, path, mode, flags) */
	{ "faccessat2", PFD_SC_ACCESS, 0, 1, 3, PFD_FLAGS_ACCESS_AT, 2, N },
	/* linkat(olddirfd, oldpath, newdirfd, newpath, flags) */
	{ "linkat", PFD_SC_LINKAT, 0, 1, 4, PFD_FLAGS_AT, N, N },
	/* execve(path, argv, envp); execveat(dirfd, path, argv, envp, flags) */
	{ "execve", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "execveat", PFD_SC_FOLLOW, 0, 1, 4, PFD_FLAGS_AT, N, N },
	{ "chdir", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "truncate", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "truncate64", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "statfs", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "statfs64", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	/* chmod(path, mode); fchmodat(dirfd, path, mode): the syscall has no
	 * flags; fchmodat2(dirfd, path, mode, flags) */
	{ "chmod", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, 1, N },
	{ "fchmodat", PFD_SC_FOLLOW, 0, 1, N, PFD_FLAGS_NONE, 2, N },
	{ "fchmodat2", PFD_SC_FOLLOW, 0, 1, 3, PFD_FLAGS_AT, 2, N },
	/* chown(path, owner, group), lchown, the i386 *32 forms;
	 * fchownat(dirfd, path, owner, group, flags) */
	{ "chown", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "chown32", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lchown", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lchown32", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "fchownat", PFD_SC_FOLLOW, 0, 1, 4, PFD_FLAGS_AT, N, N },
	/* utime(path, times), utimes(path, times); futimesat(dirfd, path,
	 * times); utimensat(dirfd, path, times, flags), its i386 time64 twin */
	{ "utime", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "utimes", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "futimesat", PFD_SC_FOLLOW, 0, 1, N, PFD_FLAGS_NONE, N, N },
	{ "utimensat", PFD_SC_FOLLOW, 0, 1, 3, PFD_FLAGS_AT, N, N },
	{ "utimensat_time64", PFD_SC_FOLLOW, 0, 1, 3, PFD_FLAGS_AT, N, N },
	/* setxattr(path, name, value, size, flags): XATTR_* not decoded;
	 * getxattr(path, name, value, size); listxattr(path, list, size);
	 * removexattr(path, name); the l forms the same */
	{ "setxattr", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "getxattr", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "listxattr", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "removexattr", PFD_SC_FOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lsetxattr", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lgetxattr", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "llistxattr", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "lremovexattr", PFD_SC_NOFOLLOW, N, 0, N, PFD_FLAGS_NONE, N, N },
	/* inotify_add_watch(fd, path, mask): fd is the inotify instance */
	{ "inotify_add_watch", PFD_SC_INOTIFY, N, 1, 2, PFD_FLAGS_INOTIFY, N, N },
	/* name_to_handle_at(dirfd, path, handle, mount_id, flags) */
	{ "name_to_handle_at", PFD_SC_LINKAT, 0, 1, 4, PFD_FLAGS_HANDLE_AT, N, N },
	/* mknod(path, mode, dev); mknodat(dirfd, path, mode, dev);
	 * mkdir(path, mode); mkdirat(dirfd, path, mode) */
	{ "mknod", PFD_SC_NAME, N, 0, N, PFD_FLAGS_NONE, 1, N },
	{ "mknodat", PFD_SC_NAME, 0, 1, N, PFD_FLAGS_NONE, 2, N },
	{ "mkdir", PFD_SC_NAME, N, 0, N, PFD_FLAGS_NONE, 1, N },
	{ "mkdirat", PFD_SC_NAME, 0, 1, N, PFD_FLAGS_NONE, 2, N },
	/* unlink(path); unlinkat(dirfd, path, flags); rmdir(path) */
	{ "unlink", PFD_SC_NAME, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "unlinkat", PFD_SC_NAME, 0, 1, 2, PFD_FLAGS_AT, N, N },
	{ "rmdir", PFD_SC_NAME, N, 0, N, PFD_FLAGS_NONE, N, N },
	/* rename(old, new); renameat(olddirfd, old, newdirfd, new);
	 * renameat2(..., flags): the first path only */
	{ "rename", PFD_SC_NAME, N, 0, N, PFD_FLAGS_NONE, N, N },
	{ "renameat", PFD_SC_NAME, 0, 1, N, PFD_FLAGS_NONE, N, N },
	{ "renameat2", PFD_SC_NAME, 0, 1, 4, PFD_FLAGS_RENAME, N, N },
	/* link(old, new): linkat(AT_FDCWD, old, AT_FDCWD, new, 0) */
	{ "link", PFD_SC_LINKAT, N, 0, N, PFD_FLAGS_NONE, N, N },
};

static void test_argument_slots_per_man_page(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(layouts); i++) {
		const struct layout *l = &layouts[i];
		const struct pfd_syscall_desc *d = desc(l->name);
		if (d->cls != l->cls || d->dirfd_arg != l->dirfd || d->path_arg != l->path ||
		    d->flags_arg != l->flags || d->flags_kind != l->kind || d->mode_arg != l->mode ||
		    d->how_arg != l->how)
			fail_msg("%s: class %d dirfd %d path %d flags %d/%d mode %d how %d; want "
				 "%d %d %d %d/%d %d %d", l->name, d->cls, d->dirfd_arg, d->path_arg,
				 d->flags_arg, d->flags_kind, d->mode_arg, d->how_arg, l->cls,
				 l->dirfd, l->path, l->flags, l->kind, l->mode, l->how);
	}
	assert_int_equal(desc("creat")->implicit_flags, O_CREAT | O_WRONLY | O_TRUNC);
	assert_int_equal(desc("open")->implicit_flags, 0);
	/* utimensat(fd, NULL, times, 0) and futimesat(fd, NULL, times) act on fd */
	static const char *const null_ok[] = { "utimensat", "utimensat_time64", "futimesat" };
	size_t n_null = 0;
	for (size_t i = 0; i < ARRAY_LEN(null_ok); i++)
		assert_true(desc(null_ok[i])->null_path_is_dirfd);

	/* every row with a path is described above */
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		bool seen = !pfd_syscall_has_path(&t[i]);
		n_null += t[i].null_path_is_dirfd;
		for (size_t j = 0; j < ARRAY_LEN(layouts); j++)
			seen = seen || strcmp(layouts[j].name, t[i].name) == 0;
		if (!seen)
			fail_msg("%s has no expected layout in this test", t[i].name);
	}
	assert_int_equal(n_null, ARRAY_LEN(null_ok));
}

/* ---- argument counts ---------------------------------------------------- */

struct count {
	const char *name;
	uint8_t nargs;
};

/* From the kernel's SYSCALL_DEFINEn (COMPAT_/ia32 entries for the calls
 * only i386 has) as the man pages' raw prototypes show them: written here
 * apart from the table, so a wrong count there fails. */
static const struct count counts[] = {
	{ "open", 3 }, { "openat", 4 }, { "openat2", 4 }, /* (dfd, path, how, size) */
	{ "creat", 2 }, { "stat", 2 }, { "lstat", 2 }, { "newfstatat", 4 },
	{ "statx", 5 }, /* (dfd, path, flags, mask, buf) */
	{ "readlink", 3 }, { "readlinkat", 4 }, { "access", 2 }, { "faccessat", 3 },
	{ "faccessat2", 4 }, { "stat64", 2 }, { "lstat64", 2 }, { "oldstat", 2 },
	{ "oldlstat", 2 }, { "fstatat64", 4 }, { "linkat", 5 }, { "execve", 3 },
	{ "execveat", 5 }, { "chdir", 1 }, { "truncate", 2 },
	{ "truncate64", 3 }, /* ia32: (path, offset_low, offset_high) */
	{ "statfs", 2 }, { "statfs64", 3 }, /* (path, size, buf) */
	{ "chmod", 2 }, { "fchmodat", 3 }, { "fchmodat2", 4 }, { "chown", 3 },
	{ "lchown", 3 }, { "fchownat", 5 }, { "utime", 2 }, { "utimes", 2 },
	{ "futimesat", 3 }, { "utimensat", 4 }, { "setxattr", 5 }, { "getxattr", 4 },
	{ "listxattr", 3 }, { "removexattr", 2 }, { "lsetxattr", 5 }, { "lgetxattr", 4 },
	{ "llistxattr", 3 }, { "lremovexattr", 2 }, { "inotify_add_watch", 3 },
	{ "name_to_handle_at", 5 }, { "chown32", 3 }, { "lchown32", 3 },
	{ "utimensat_time64", 4 }, { "mknod", 3 }, { "mknodat", 4 }, { "mkdir", 2 },
	{ "mkdirat", 3 }, { "unlink", 1 }, { "unlinkat", 3 }, { "rmdir", 1 },
	{ "rename", 2 }, { "renameat", 4 }, { "renameat2", 5 }, { "link", 2 },
	{ "open_by_handle_at", 3 }, { "open_tree", 3 }, { "dup", 1 }, { "dup2", 2 },
	{ "dup3", 3 }, { "fcntl", 3 }, { "fcntl64", 3 }, { "pipe", 1 }, { "pipe2", 2 },
	{ "socket", 3 }, { "socketpair", 4 }, { "accept", 3 }, { "accept4", 4 },
	{ "recvmsg", 3 }, { "recvmmsg", 5 }, { "recvmmsg_time64", 5 },
	{ "getsockopt", 5 }, { "socketcall", 2 }, { "eventfd", 1 }, { "eventfd2", 2 },
	{ "signalfd", 3 }, { "signalfd4", 4 }, { "timerfd_create", 2 },
	{ "epoll_create", 1 }, { "epoll_create1", 1 }, { "inotify_init", 0 },
	{ "inotify_init1", 1 }, { "fanotify_init", 2 }, { "memfd_create", 2 },
	{ "memfd_secret", 1 }, { "pidfd_open", 2 }, { "pidfd_getfd", 3 },
	{ "userfaultfd", 1 }, { "perf_event_open", 5 }, { "io_uring_setup", 2 },
	{ "fsopen", 2 }, { "fsmount", 3 }, { "fspick", 3 }, { "mq_open", 4 },
	{ "landlock_create_ruleset", 3 }, { "seccomp", 3 }, { "bpf", 3 }, { "ioctl", 3 },
	{ "clone", 5 }, { "clone3", 2 }, { "chroot", 1 }, { "pivot_root", 2 },
	{ "setns", 2 }, { "unshare", 1 }, { "mount", 5 },
	{ "umount", 1 }, /* i386's oldumount(name) */
	{ "umount2", 2 }, { "move_mount", 5 }, { "rt_sigreturn", 0 }, { "sigreturn", 0 },
	{ "prctl", 5 }, { "fchdir", 1 }, { "close", 1 }, { "close_range", 3 },
};

static void test_argument_counts(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < ARRAY_LEN(counts); i++)
		if (desc(counts[i].name)->nargs != counts[i].nargs)
			fail_msg("%s takes %u arguments, the table says %u", counts[i].name,
				 counts[i].nargs, desc(counts[i].name)->nargs);
	for (size_t i = 0; i < n; i++) {
		bool listed = false;
		for (size_t j = 0; j < ARRAY_LEN(counts); j++)
			listed = listed || strcmp(counts[j].name, t[i].name) == 0;
		if (!listed)
			fail_msg("%s: no argument count to check it against here", t[i].name);
		if (t[i].nargs > PFD_SC_ARGS_MAX || (t[i].fd_args >> t[i].nargs))
			fail_msg("%s: fd arguments %#x of %u", t[i].name, t[i].fd_args, t[i].nargs);
	}
}

/* ---- against the kernel's own tables -------------------------------------- */

/* The kernel's uapi tables as installed (linux-libc-dev), read as text:
 * "#define __NR_open 2", x32's "(__X32_SYSCALL_BIT + 2)". -1: not there. */
static long uapi_number(const char *file, const char *name)
{
	char path[128], line[256], want[96];
	snprintf(path, sizeof(path), "/usr/include/asm/%s", file);
	snprintf(want, sizeof(want), "#define __NR_%s ", name);
	FILE *f = fopen(path, "r");
	long nr = -1;
	if (!f)
		return -2;
	while (nr < 0 && fgets(line, sizeof(line), f)) {
		if (strncmp(line, want, strlen(want)) != 0)
			continue;
		const char *v = line + strlen(want);
		if (strncmp(v, "(__X32_SYSCALL_BIT + ", 21) == 0)
			nr = (long)X32_BIT | strtol(v + 21, NULL, 10);
		else
			nr = strtol(v, NULL, 10);
	}
	fclose(f);
	return nr;
}

static const char *const uapi_files[] = { "unistd_64.h", "unistd_32.h", "unistd_x32.h" };

/* Newer than Debian 12's uapi headers (Linux 6.1): libseccomp knows them. */
static const char *const newer_than_headers[] = {
	"fchmodat2", /* Linux 6.6 */
};

static bool listed_in(const char *name, const char *const *list, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(list[i], name) == 0)
			return true;
	return false;
}

/* Each name is a syscall of the kernel's tables, and the number the kernel
 * reports for it finds its entry: i386's socket calls included, which
 * libseccomp names by socketcall's pseudo-numbers. */
static void test_numbers_per_kernel_headers(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	if (uapi_number(uapi_files[0], "read") == -2)
		skip(); /* no kernel headers installed */
	for (size_t i = 0; i < n; i++) {
		bool somewhere = false;
		for (size_t a = 0; a < ARRAY_LEN(arches); a++) {
			long nr = uapi_number(uapi_files[a], t[i].name);
			if (nr < 0)
				continue;
			somewhere = true;
			const struct pfd_syscall_desc *got = lookup(arches[a].audit, (uint64_t)nr);
			if (got != &t[i])
				fail_msg("%s: the kernel's %s is %ld, which finds %s", arches[a].name,
					 t[i].name, nr, got ? got->name : "nothing");
		}
		if (!somewhere && !listed_in(t[i].name, newer_than_headers,
					     ARRAY_LEN(newer_than_headers)))
			fail_msg("%s is in none of the kernel's syscall tables", t[i].name);
	}
	/* and the table's map holds nothing else */
	for (size_t a = 0; a < ARRAY_LEN(arches); a++) {
		uint64_t base = arches[a].scmp == SCMP_ARCH_X32 ? X32_BIT : 0;
		for (uint64_t nr = 0; nr < 1024; nr++) {
			const struct pfd_syscall_desc *d = lookup(arches[a].audit, base | nr);
			long want = d ? uapi_number(uapi_files[a], d->name) : -1;
			if (d && want >= 0 && (uint64_t)want != (base | nr))
				fail_msg("%s: %llu finds %s, which the kernel numbers %ld",
					 arches[a].name, (unsigned long long)(base | nr), d->name, want);
		}
	}
}

/* Names only one of the two ABIs has: each is said here, so that a name
 * that resolves nowhere it should is a failure, not a silent skip. */
static const char *const i386_only[] = {
	"stat64", "lstat64", "oldstat", "oldlstat", "fstatat64", "truncate64", "statfs64",
	"chown32", "lchown32", "utimensat_time64", "fcntl64", "recvmmsg_time64",
	"socketcall", "sigreturn", "umount",
};
/* i386 reaches accept only through socketcall(SYS_ACCEPT): no direct call */
static const char *const x86_64_only[] = { "newfstatat", "accept" };

static void test_names_per_abi(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		bool x86_64 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, t[i].name) >= 0;
		bool x32 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X32, t[i].name) >= 0;
		/* by name, i386's socket calls are pseudo-numbers: its kernel table */
		bool i386 = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, t[i].name) >= 0 ||
			    uapi_number("unistd_32.h", t[i].name) >= 0;
		bool only32 = listed_in(t[i].name, i386_only, ARRAY_LEN(i386_only));
		bool only64 = listed_in(t[i].name, x86_64_only, ARRAY_LEN(x86_64_only));
		if (x86_64 != !only32 || x32 != x86_64 || i386 != !only64)
			fail_msg("%s: x86_64 %d x32 %d i386 %d, but listed i386-only %d, "
				 "x86_64-only %d", t[i].name, x86_64, x32, i386, only32, only64);
	}
}

/* ---- facts ---------------------------------------------------------------- */

static void expect_fact(uint32_t fact, const char *const *names, size_t n_names)
{
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		bool want = listed_in(t[i].name, names, n_names);
		if (want != !!(t[i].facts & fact))
			fail_msg("%s: fact %#x is %s", t[i].name, fact, want ? "missing" : "extra");
	}
}

static void test_facts(void **state)
{
	(void)state;
	static const char *const sigreturns[] = { "rt_sigreturn", "sigreturn" };
	static const char *const roots[] = { "chroot", "pivot_root", "setns", "unshare",
					     "mount", "umount", "umount2", "move_mount" };
	static const char *const execs[] = { "execve", "execveat" };
	static const char *const clones[] = { "clone", "clone3" };
	expect_fact(PFD_SC_SIGRETURN, sigreturns, ARRAY_LEN(sigreturns));
	expect_fact(PFD_SC_CHANGES_ROOT, roots, ARRAY_LEN(roots));
	expect_fact(PFD_SC_EXECS, execs, ARRAY_LEN(execs));
	expect_fact(PFD_SC_CLONES, clones, ARRAY_LEN(clones));
	expect_fact(PFD_SC_ARGS_STRUCT, clones + 1, 1); /* clone3 */
	/* the engine finds a handler's return by the kernel's numbers */
	assert_true(lookup(AUDIT_ARCH_X86_64, 15)->facts & PFD_SC_SIGRETURN);
	assert_true(lookup(AUDIT_ARCH_X86_64, X32_BIT | 513)->facts & PFD_SC_SIGRETURN);
	assert_true(lookup(AUDIT_ARCH_I386, 119)->facts & PFD_SC_SIGRETURN);
	assert_true(lookup(AUDIT_ARCH_I386, 173)->facts & PFD_SC_SIGRETURN);
	assert_null(lookup(AUDIT_ARCH_X86_64, 119)); /* x86_64's 119 is setresgid */
}

/* Creates an fd: exactly the calls the leak tracker traps, and clone and
 * clone3 (CLONE_PIDFD, read at the fork event rather than trapped). */
static void test_creates_fd_is_what_leaks_traps(void **state)
{
	(void)state;
	const char *names[128];
	size_t n_names = 0;
	for (const struct pfd_trap *t = leak_traps; t->syscall; t++) {
		assert_true(n_names < ARRAY_LEN(names) - 2);
		if (!listed_in(t->syscall, names, n_names))
			names[n_names++] = t->syscall;
	}
	names[n_names++] = "clone";
	names[n_names++] = "clone3";
	expect_fact(PFD_SC_CREATES_FD, names, n_names);
}

/* Every syscall a built-in plugin traps is in the table (so it is printed
 * with its real count), and the procfd plugin traps exactly the table's
 * path calls and its root-changing ones: the plugin's list is checked
 * against the table, not kept apart from it. */
static void test_builtin_traps_are_the_tables(void **state)
{
	(void)state;
	const struct pfd_plugin *const builtins[] = {
		&pfd_plugin_procfd, &pfd_plugin_leaks, &pfd_plugin_untraced, &pfd_plugin_uffd,
		&pfd_plugin_own_filter,
	};
	const char *procfd[160];
	size_t n_procfd = 0;
	for (size_t p = 0; p < ARRAY_LEN(builtins); p++)
		for (const struct pfd_trap *t = builtins[p]->traps; t->syscall; t++) {
			if (!pfd_syscall_by_name(t->syscall))
				fail_msg("%s traps %s, which the table lacks", builtins[p]->name,
					 t->syscall);
			if (p == 0 && n_procfd < ARRAY_LEN(procfd))
				procfd[n_procfd++] = t->syscall;
		}
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		bool want = pfd_syscall_has_path(&t[i]) || (t[i].facts & PFD_SC_CHANGES_ROOT);
		if (want != listed_in(t[i].name, procfd, n_procfd))
			fail_msg("%s: procfd %s it", t[i].name, want ? "does not trap" : "traps");
	}
}

/* ---- the map ------------------------------------------------------------ */

static void test_lookup_every_name(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t a = 0; a < ARRAY_LEN(arches); a++) {
		size_t found = 0;
		for (size_t i = 0; i < n; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arches[a].scmp, t[i].name);
			if (nr < 0)
				continue;
			if (arches[a].scmp == SCMP_ARCH_X32)
				assert_true((uint32_t)nr & X32_BIT);
			const struct pfd_syscall_desc *got =
				lookup(arches[a].audit, (uint64_t)nr);
			if (got != &t[i])
				fail_msg("%s: %s (%d) -> %s", arches[a].name, t[i].name, nr,
					 got ? got->name : "NULL");
			found++;
		}
		assert_true(found > 10);
	}
}

/* Exhaustively: a number maps to a name iff libseccomp names it so. */
static void test_lookup_agrees_with_libseccomp(void **state)
{
	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(arches); a++) {
		uint64_t base = arches[a].scmp == SCMP_ARCH_X32 ? X32_BIT : 0;
		for (uint64_t nr = 0; nr < 1100; nr++) {
			const struct pfd_syscall_desc *got =
				lookup(arches[a].audit, base | nr);
			char *name = seccomp_syscall_resolve_num_arch(arches[a].scmp, (int)(base | nr));
			const struct pfd_syscall_desc *want = name ? pfd_syscall_by_name(name) : NULL;
			if (got != want)
				fail_msg("%s: %llu (%s) -> %s, want %s", arches[a].name,
					 (unsigned long long)(base | nr), name ? name : "?",
					 got ? got->name : "NULL", want ? want->name : "NULL");
			free(name);
		}
	}
}

static void test_lookup_i386(void **state)
{
	(void)state;
	/* arch/x86/entry/syscalls/syscall_32.tbl */
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 195), desc("stat64"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 196), desc("lstat64"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 300), desc("fstatat64"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 5), desc("open"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 295), desc("openat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 383), desc("statx"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 18), desc("oldstat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 15), desc("chmod"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 182), desc("chown"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 212), desc("chown32"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 198), desc("lchown32"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 10), desc("unlink"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 292), desc("inotify_add_watch"));
	assert_ptr_equal(lookup(AUDIT_ARCH_I386, 412), desc("utimensat_time64"));
	/* i386 number 4 is write, 2 is fork: x86_64's stat and open numbers */
	assert_null(lookup(AUDIT_ARCH_I386, 4));
	assert_null(lookup(AUDIT_ARCH_I386, 2));
	/* newfstatat does not exist on i386 */
	assert_true(seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, "newfstatat") < 0);
	for (uint64_t nr = 0; nr < 2048; nr++)
		assert_ptr_not_equal(lookup(AUDIT_ARCH_I386, nr), desc("newfstatat"));
}

static void test_lookup_x86_64(void **state)
{
	(void)state;
	/* arch/x86/entry/syscalls/syscall_64.tbl */
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 2), desc("open"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 4), desc("stat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 257), desc("openat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 262), desc("newfstatat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 332), desc("statx"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 437), desc("openat2"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 439), desc("faccessat2"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 90), desc("chmod"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 94), desc("lchown"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 87), desc("unlink"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 263), desc("unlinkat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 280), desc("utimensat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 303), desc("name_to_handle_at"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 452), desc("fchmodat2"));
	/* no 64-bit stat64 */
	for (uint64_t nr = 0; nr < 2048; nr++) {
		const struct pfd_syscall_desc *d = lookup(AUDIT_ARCH_X86_64, nr);
		assert_ptr_not_equal(d, desc("stat64"));
		assert_ptr_not_equal(d, desc("fstatat64"));
	}
}

static void test_lookup_x32(void **state)
{
	(void)state;
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, X32_BIT | 2), desc("open"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, X32_BIT | 257), desc("openat"));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, X32_BIT | 262), desc("newfstatat"));
	/* x32's own execve is 520, not 59 */
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, X32_BIT | 520), desc("execve"));
	assert_null(lookup(AUDIT_ARCH_X86_64, X32_BIT | 59));
	assert_ptr_equal(lookup(AUDIT_ARCH_X86_64, 59), desc("execve"));
	/* x86_64 without the bit does not have 520 */
	assert_null(lookup(AUDIT_ARCH_X86_64, 520));
}

static void test_lookup_unrelated(void **state)
{
	(void)state;
	static const char *const others[] = { "getpid", "write", "read", "mmap", "fstat",
					      "fchmod", "fchown", "fsetxattr", "fgetxattr",
					      "symlink", "futex", "exit_group" };
	for (size_t a = 0; a < ARRAY_LEN(arches); a++)
		for (size_t i = 0; i < ARRAY_LEN(others); i++) {
			int nr = seccomp_syscall_resolve_name_arch(arches[a].scmp, others[i]);
			if (nr < 0)
				continue;
			if (lookup(arches[a].audit, (uint64_t)nr))
				fail_msg("%s: %s (%d) maps to an entry of the table",
					 arches[a].name, others[i], nr);
		}
}

static void test_lookup_out_of_range(void **state)
{
	(void)state;
	static const uint64_t nrs[] = { 1024, 1025, 4095, 65536, 0x7fffffff, 0xffffffff,
					UINT64_MAX, (uint64_t)-1 & ~(uint64_t)X32_BIT,
					X32_BIT | 1024, X32_BIT | 0xfffff, 0x100000002ull,
					0x8000000000000002ull };
	for (size_t i = 0; i < ARRAY_LEN(nrs); i++) {
		assert_null(lookup(AUDIT_ARCH_X86_64, nrs[i]));
		assert_null(lookup(AUDIT_ARCH_I386, nrs[i]));
	}
	/* the x32 bit is not meaningful on i386 */
	assert_null(lookup(AUDIT_ARCH_I386, X32_BIT | 5));
	/* unknown arches */
	assert_null(lookup(AUDIT_ARCH_AARCH64, 56)); /* openat there */
	assert_null(lookup(AUDIT_ARCH_AARCH64, 2));
	assert_null(lookup(AUDIT_ARCH_ARM, 5));
	assert_null(lookup(0, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_unique_and_indexed),
		cmocka_unit_test(test_names_known_to_libseccomp),
		cmocka_unit_test(test_arch_specific_names),
		cmocka_unit_test(test_argument_slots_sane),
		cmocka_unit_test(test_argument_slots_per_man_page),
		cmocka_unit_test(test_argument_counts),
		cmocka_unit_test(test_numbers_per_kernel_headers),
		cmocka_unit_test(test_names_per_abi),
		cmocka_unit_test(test_facts),
		cmocka_unit_test(test_creates_fd_is_what_leaks_traps),
		cmocka_unit_test(test_builtin_traps_are_the_tables),
		cmocka_unit_test(test_lookup_every_name),
		cmocka_unit_test(test_lookup_agrees_with_libseccomp),
		cmocka_unit_test(test_lookup_i386),
		cmocka_unit_test(test_lookup_x86_64),
		cmocka_unit_test(test_lookup_x32),
		cmocka_unit_test(test_lookup_unrelated),
		cmocka_unit_test(test_lookup_out_of_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
