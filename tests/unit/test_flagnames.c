/* Unit tests for tracer/output/flagnames.c: every formatter by table of expected
 * strings, the snprintf-style truncation contract, and errno names. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <string.h>
#include <unistd.h>

#include "procfd/flagnames.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel's O_LARGEFILE: glibc defines the name as 0 on x86_64, but the
 * kernel sets this bit in f_flags and i386 callers pass it. */
#define K_O_LARGEFILE 0100000
/* The kernel's __O_SYNC and __O_TMPFILE: the high bits of the composites. */
#define K_O_SYNC_BIT 04000000
#define K_O_TMPFILE_BIT 020000000

typedef size_t (*formatter)(uint64_t, char *, size_t);

struct flag_case {
	uint64_t flags;
	const char *want;
};

static void check_table(formatter fmt, const struct flag_case *cases, size_t n)
{
	char buf[256];

	for (size_t i = 0; i < n; i++) {
		size_t len = fmt(cases[i].flags, buf, sizeof(buf));
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("case %zu (0x%llx): got \"%s\", want \"%s\"", i,
				 (unsigned long long)cases[i].flags, buf, cases[i].want);
		assert_int_equal(len, strlen(cases[i].want));
	}
}

/* ---- open flags -------------------------------------------------------- */

static const struct flag_case open_cases[] = {
	{ O_RDONLY, "O_RDONLY" },
	{ O_WRONLY, "O_WRONLY" },
	{ O_RDWR, "O_RDWR" },
	{ O_WRONLY | O_CREAT | O_TRUNC, "O_WRONLY|O_CREAT|O_TRUNC" },
	{ O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, "O_RDWR|O_CREAT|O_EXCL|O_CLOEXEC" },
	{ O_WRONLY | O_APPEND | O_NOCTTY | O_NONBLOCK,
	  "O_WRONLY|O_NOCTTY|O_APPEND|O_NONBLOCK" },
	{ O_RDONLY | O_ASYNC | O_DIRECT | O_NOATIME, "O_RDONLY|O_ASYNC|O_DIRECT|O_NOATIME" },
	{ O_PATH | O_NOFOLLOW, "O_RDONLY|O_NOFOLLOW|O_PATH" },
	{ O_PATH | O_DIRECTORY | O_CLOEXEC, "O_RDONLY|O_DIRECTORY|O_CLOEXEC|O_PATH" },
	/* What fdinfo shows for a plain open() on a 64-bit kernel. */
	{ K_O_LARGEFILE | O_CLOEXEC, "O_RDONLY|O_LARGEFILE|O_CLOEXEC" },
	/* O_TMPFILE includes O_DIRECTORY's bit: one name, not both. */
	{ O_TMPFILE | O_RDWR, "O_RDWR|O_TMPFILE" },
	{ O_TMPFILE | O_WRONLY | O_EXCL | O_CLOEXEC, "O_WRONLY|O_EXCL|O_CLOEXEC|O_TMPFILE" },
	{ O_DIRECTORY | O_NOFOLLOW, "O_RDONLY|O_DIRECTORY|O_NOFOLLOW" },
	{ K_O_TMPFILE_BIT, "O_RDONLY|0x400000" },  /* half of O_TMPFILE */
	/* O_SYNC includes O_DSYNC's bit: same treatment. */
	{ O_DSYNC, "O_RDONLY|O_DSYNC" },
	{ O_SYNC, "O_RDONLY|O_SYNC" },
	{ O_WRONLY | O_SYNC | O_CLOEXEC, "O_WRONLY|O_CLOEXEC|O_SYNC" },
	{ O_WRONLY | O_DSYNC | O_CLOEXEC, "O_WRONLY|O_DSYNC|O_CLOEXEC" },
	{ K_O_SYNC_BIT, "O_RDONLY|0x100000" },  /* half of O_SYNC */
	/* Unknown bits kept in hex, after the names. */
	{ O_RDWR | 0x80000000u, "O_RDWR|0x80000000" },
	{ O_CREAT | (1ull << 40), "O_RDONLY|O_CREAT|0x10000000000" },
	{ O_ACCMODE, "0x3" },  /* mode 3 has no name of its own */
	{ O_ACCMODE | O_CREAT, "O_CREAT|0x3" },
	{ UINT64_MAX, "O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC|O_APPEND|O_NONBLOCK|O_ASYNC|"
		      "O_DIRECT|O_LARGEFILE|O_NOFOLLOW|O_NOATIME|O_CLOEXEC|O_SYNC|"
		      "O_PATH|O_TMPFILE|0xffffffffff80003f" },
};

static void test_open_flags(void **state)
{
	(void)state;
	check_table(pfd_format_open_flags, open_cases, ARRAY_LEN(open_cases));
}

/* ---- AT flags ---------------------------------------------------------- */

static const struct flag_case at_cases[] = {
	{ 0, "0" },
	{ AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW" },
	{ AT_REMOVEDIR, "AT_REMOVEDIR" },
	{ AT_EACCESS, "AT_REMOVEDIR" },  /* same bit; see flagnames.c */
	{ AT_SYMLINK_FOLLOW, "AT_SYMLINK_FOLLOW" },
	{ AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH" },
	{ AT_NO_AUTOMOUNT | AT_STATX_FORCE_SYNC, "AT_NO_AUTOMOUNT|AT_STATX_FORCE_SYNC" },
	{ AT_STATX_DONT_SYNC, "AT_STATX_DONT_SYNC" },
	{ AT_RECURSIVE | AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW|AT_RECURSIVE" },
	{ 0x1, "0x1" },
	{ AT_SYMLINK_NOFOLLOW | 0x10000, "AT_SYMLINK_NOFOLLOW|0x10000" },
};

static void test_at_flags(void **state)
{
	(void)state;
	check_table(pfd_format_at_flags, at_cases, ARRAY_LEN(at_cases));
}

/* faccessat2: 0x200 is AT_EACCESS there, never AT_REMOVEDIR. */
static const struct flag_case access_at_cases[] = {
	{ 0, "0" },
	{ AT_EACCESS, "AT_EACCESS" },
	{ AT_EACCESS | AT_SYMLINK_NOFOLLOW, "AT_SYMLINK_NOFOLLOW|AT_EACCESS" },
	{ AT_EMPTY_PATH, "AT_EMPTY_PATH" },
	{ 0x400, "0x400" },
};

static void test_access_at_flags(void **state)
{
	(void)state;
	check_table(pfd_format_access_at_flags, access_at_cases, ARRAY_LEN(access_at_cases));
	assert_ptr_equal(pfd_flags_formatter_for(PFD_FLAGS_ACCESS_AT), pfd_format_access_at_flags);
	assert_ptr_equal(pfd_flags_formatter_for(PFD_FLAGS_AT), pfd_format_at_flags);
	assert_ptr_equal(pfd_flags_formatter_for(PFD_FLAGS_OPEN), pfd_format_open_flags);
}

/* ---- name_to_handle_at, inotify_add_watch, renameat2 ------------------ */

/* 0x200 is AT_HANDLE_FID in name_to_handle_at's word, not AT_REMOVEDIR. */
static const struct flag_case handle_at_cases[] = {
	{ 0, "0" },
	{ 0x400, "AT_SYMLINK_FOLLOW" },
	{ 0x1000 | 0x400, "AT_SYMLINK_FOLLOW|AT_EMPTY_PATH" },
	{ 0x200, "AT_HANDLE_FID" },
	{ 0x1 | 0x2, "AT_HANDLE_MNT_ID_UNIQUE|AT_HANDLE_CONNECTABLE" },
	{ 0x100, "0x100" },
};

static const struct flag_case inotify_cases[] = {
	{ 0, "0" },
	{ 0x2, "IN_MODIFY" },
	{ 0x2 | 0x4 | 0x02000000, "IN_MODIFY|IN_ATTRIB|IN_DONT_FOLLOW" },
	{ 0x80000000u | 0x01000000, "IN_ONLYDIR|IN_ONESHOT" },
	{ 0x40000000, "0x40000000" }, /* IN_ISDIR: events only */
};

static const struct flag_case rename_cases[] = {
	{ 0, "0" },
	{ 1, "RENAME_NOREPLACE" },
	{ 2 | 4, "RENAME_EXCHANGE|RENAME_WHITEOUT" },
	{ 8, "0x8" },
};

static void test_other_flag_words(void **state)
{
	(void)state;
	check_table(pfd_format_handle_at_flags, handle_at_cases, ARRAY_LEN(handle_at_cases));
	check_table(pfd_format_inotify_mask, inotify_cases, ARRAY_LEN(inotify_cases));
	check_table(pfd_format_rename_flags, rename_cases, ARRAY_LEN(rename_cases));
	assert_ptr_equal(pfd_flags_formatter_for(PFD_FLAGS_HANDLE_AT), pfd_format_handle_at_flags);
	assert_ptr_equal(pfd_flags_formatter_for(PFD_FLAGS_INOTIFY), pfd_format_inotify_mask);
	assert_ptr_equal(pfd_flags_formatter_for(PFD_FLAGS_RENAME), pfd_format_rename_flags);
}

/* ---- RESOLVE flags ----------------------------------------------------- */

static const struct flag_case resolve_cases[] = {
	{ 0, "0" },
	{ RESOLVE_NO_MAGICLINKS, "RESOLVE_NO_MAGICLINKS" },
	{ RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, "RESOLVE_NO_SYMLINKS|RESOLVE_BENEATH" },
	{ RESOLVE_IN_ROOT | RESOLVE_NO_XDEV, "RESOLVE_NO_XDEV|RESOLVE_IN_ROOT" },
	{ 0x3f, "RESOLVE_NO_XDEV|RESOLVE_NO_MAGICLINKS|RESOLVE_NO_SYMLINKS|"
		"RESOLVE_BENEATH|RESOLVE_IN_ROOT|RESOLVE_CACHED" },
	{ 0x40, "0x40" },
	{ RESOLVE_CACHED | 0x80, "RESOLVE_CACHED|0x80" },
};

static void test_resolve(void **state)
{
	(void)state;
	check_table(pfd_format_resolve, resolve_cases, ARRAY_LEN(resolve_cases));
}

/* ---- access mode ------------------------------------------------------- */

static const struct flag_case access_cases[] = {
	{ F_OK, "F_OK" },
	{ R_OK, "R_OK" },
	{ W_OK, "W_OK" },
	{ X_OK, "X_OK" },
	{ R_OK | W_OK, "R_OK|W_OK" },
	{ X_OK | W_OK | R_OK, "R_OK|W_OK|X_OK" },
	{ 8, "0x8" },
	{ R_OK | 0x10, "R_OK|0x10" },
};

static void test_access_mode(void **state)
{
	(void)state;
	check_table(pfd_format_access_mode, access_cases, ARRAY_LEN(access_cases));
}

/* ---- file mode --------------------------------------------------------- */

static const struct flag_case file_mode_cases[] = {
	{ 0, "000" },
	{ 07, "007" },
	{ 0600, "0600" },
	{ 0644, "0644" },
	{ 0777, "0777" },
	{ 04755, "04755" },
	{ 07777, "07777" },
	{ 0100644, "0100644" },  /* S_IFREG from mknod: kept, not dropped */
};

static void test_file_mode(void **state)
{
	(void)state;
	check_table(pfd_format_file_mode, file_mode_cases, ARRAY_LEN(file_mode_cases));
}

/* ---- dirfd ------------------------------------------------------------- */

static void test_dirfd(void **state)
{
	static const struct {
		int fd;
		const char *want;
	} cases[] = {
		{ AT_FDCWD, "AT_FDCWD" },
		{ 0, "0" },
		{ 3, "3" },
		{ -1, "-1" },
		{ -101, "-101" },
		{ INT_MAX, "2147483647" },
		{ INT_MIN, "-2147483648" },
	};
	char buf[32];

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		size_t len = pfd_format_dirfd(cases[i].fd, buf, sizeof(buf));
		assert_string_equal(buf, cases[i].want);
		assert_int_equal(len, strlen(cases[i].want));
	}
}

/* ---- the snprintf contract -------------------------------------------- */

static size_t format_dirfd_u64(uint64_t v, char *buf, size_t size)
{
	return pfd_format_dirfd((int)(int64_t)v, buf, size);
}

/* For every buffer size from 0 up past the full length: the return value is
 * always the full length, the buffer holds the longest prefix that fits plus
 * a NUL, and nothing past size is touched. */
static void check_truncation(formatter fmt, uint64_t v)
{
	char full[256], buf[256];
	size_t need = fmt(v, full, sizeof(full));

	assert_true(need > 0 && need < sizeof(full) - 2);
	assert_int_equal(fmt(v, NULL, 0), need);
	for (size_t size = 0; size <= need + 2; size++) {
		memset(buf, 'X', sizeof(buf));
		assert_int_equal(fmt(v, buf, size), need);
		for (size_t k = size; k < sizeof(buf); k++)
			assert_int_equal(buf[k], 'X');
		if (size == 0)
			continue;
		size_t kept = need < size - 1 ? need : size - 1;
		assert_memory_equal(buf, full, kept);
		assert_int_equal(buf[kept], '\0');
	}
}

static void test_truncation(void **state)
{
	(void)state;
	check_truncation(pfd_format_open_flags, O_WRONLY | O_CREAT | O_TRUNC | 0x80000000u);
	check_truncation(pfd_format_open_flags, O_RDONLY);
	check_truncation(pfd_format_at_flags, 0);
	check_truncation(pfd_format_at_flags, AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | 0x10000);
	check_truncation(pfd_format_resolve, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
	check_truncation(pfd_format_access_mode, R_OK | X_OK);
	check_truncation(pfd_format_access_mode, F_OK);
	check_truncation(pfd_format_file_mode, 04755);
	check_truncation(format_dirfd_u64, (uint64_t)(int64_t)AT_FDCWD);
	check_truncation(format_dirfd_u64, (uint64_t)(int64_t)-12345);
}

/* ---- errno names ------------------------------------------------------- */

static void test_errno_names(void **state)
{
	static const struct {
		int err;
		const char *want;
	} cases[] = {
		{ EPERM, "EPERM" },     { ENOENT, "ENOENT" },
		{ EINTR, "EINTR" },     { ENXIO, "ENXIO" },
		{ EAGAIN, "EAGAIN" },   { EWOULDBLOCK, "EAGAIN" },
		{ EFAULT, "EFAULT" },   { EACCES, "EACCES" },
		{ EXDEV, "EXDEV" },     { ENOTDIR, "ENOTDIR" },
		{ EDEADLK, "EDEADLK" }, { EDEADLOCK, "EDEADLK" },
		{ ENAMETOOLONG, "ENAMETOOLONG" }, { ELOOP, "ELOOP" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { ENOTSUP, "EOPNOTSUPP" },
		{ ESTALE, "ESTALE" },   { EHWPOISON, "EHWPOISON" },
		{ 512, "ERESTARTSYS" }, { 513, "ERESTARTNOINTR" },
		{ 514, "ERESTARTNOHAND" }, { 515, "ENOIOCTLCMD" },
		{ 516, "ERESTART_RESTARTBLOCK" },
	};

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		const char *got = pfd_errno_name(cases[i].err);
		assert_non_null(got);
		assert_string_equal(got, cases[i].want);
	}
}

static void test_errno_unknown(void **state)
{
	static const int unknown[] = { 0, -1, -ENOENT, -512, 41, 58, 134, 200,
				       511, 517, 4095, INT_MAX, INT_MIN };

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(unknown); i++) {
		if (pfd_errno_name(unknown[i]) != NULL)
			fail_msg("errno %d should have no name", unknown[i]);
	}
}

/* Every errno the C library knows by name, with the same (primary) name:
 * glibc's strerrorname_np is an independent list of the same values. */
static void test_errno_matches_libc(void **state)
{
	int named = 0;

	(void)state;
	for (int e = 1; e < 512; e++) {
		const char *ours = pfd_errno_name(e);
		const char *libc = strerrorname_np(e);
		if (libc == NULL) {
			if (ours != NULL)
				fail_msg("%d: we say %s, libc has no name", e, ours);
			continue;
		}
		if (ours == NULL || strcmp(ours, libc) != 0)
			fail_msg("%d: got %s, libc says %s", e, ours ? ours : "NULL", libc);
		named++;
	}
	assert_int_equal(named, 131);  /* 1..133 minus the unused 41 and 58 */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_open_flags),
		cmocka_unit_test(test_at_flags),
		cmocka_unit_test(test_access_at_flags),
		cmocka_unit_test(test_other_flag_words),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_access_mode),
		cmocka_unit_test(test_file_mode),
		cmocka_unit_test(test_dirfd),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_errno_names),
		cmocka_unit_test(test_errno_unknown),
		cmocka_unit_test(test_errno_matches_libc),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
