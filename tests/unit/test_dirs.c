/* procfd-trace: unit tests for the probe's kept directories
 * (tracer/plugins/procfd/procfd_dirs.c) and the access mode from open flags
 * (pfd_link_mode_of_flags, tracer/plugins/procfd/procfd_probe.c). The directories
 * are this test's own /proc/self and root. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/plugins/procfd/procfd.h"

/* The link's permission bits as procfs sets them (tests/programs/access_modes.c
 * checks the kernel agrees), and the names the report gives them. */
static void test_link_mode_of_flags(void **state)
{
	(void)state;
	static const struct { uint64_t flags; uint32_t mode; const char *name; } cases[] = {
		{ O_RDONLY, S_IFLNK | 0500, "read" },
		{ O_WRONLY | O_APPEND, S_IFLNK | 0300, "write" },
		{ O_RDWR | O_CLOEXEC, S_IFLNK | 0700, "read-write" },
		{ O_PATH | O_CLOEXEC, S_IFLNK, "path" },
		{ O_PATH | O_NOFOLLOW | O_DIRECTORY, S_IFLNK, "path" },
		{ O_ACCMODE, S_IFLNK, "path" }, /* mode 3: neither read nor write */
		{ O_RDONLY | O_LARGEFILE | O_DIRECTORY, S_IFLNK | 0500, "read" },
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t mode = pfd_link_mode_of_flags(cases[i].flags);
		assert_int_equal(mode, cases[i].mode);
		assert_string_equal(pfd_access_name(mode), cases[i].name);
	}
}

/* A root kept for a thread is reused until a change of root begins; while
 * it is in flight nothing is kept; after it, a fresh one is opened. */
static void test_root_dropped_around_a_change(void **state)
{
	(void)state;
	struct pfd_dirs d = { 0 };
	pid_t me = getpid();
	struct pfd_dirs_root *r = pfd_dirs_root(&d, me);
	assert_non_null(r);
	unsigned gen = r->gen;
	r->numbering = PFD_NUMBERING_SAME;
	assert_ptr_equal(pfd_dirs_root(&d, me), r);
	assert_int_equal(r->numbering, PFD_NUMBERING_SAME);
	assert_true(pfd_dirs_fresh(gen));

	pfd_dirs_change_begin();
	assert_false(pfd_dirs_fresh(gen));
	assert_null(pfd_dirs_root(&d, me));
	pfd_dirs_change_end();
	assert_false(pfd_dirs_fresh(gen));

	r = pfd_dirs_root(&d, me);
	assert_non_null(r);
	assert_int_not_equal(r->gen, gen);
	assert_int_equal(r->numbering, PFD_NUMBERING_UNKNOWN); /* asked again */
	pfd_dirs_drop(&d);
	assert_int_equal(pfd_dirs_open_fds(), 0);
}

/* Each thread has its own root slot; a thread's exit closes its own. */
static void test_root_per_thread(void **state)
{
	(void)state;
	struct pfd_dirs d = { 0 };
	pid_t me = getpid(), other = fork(); /* a task id whose root we may open */
	assert_true(other >= 0);
	if (other == 0) {
		pause();
		_exit(0);
	}
	struct pfd_dirs_root *a = pfd_dirs_root(&d, me);
	struct pfd_dirs_root *b = pfd_dirs_root(&d, other);
	bool two = a && b && a != b && pfd_dirs_open_fds() == 2;
	pfd_dirs_drop_thread(&d, other);
	bool one = pfd_dirs_open_fds() == 1 && pfd_dirs_root(&d, me) == a;
	pfd_dirs_drop(&d); /* before any assertion: d is on the global list */
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	assert_true(two);
	assert_true(one);
	assert_int_equal(pfd_dirs_open_fds(), 0);
}

/* The dirfds are the tracer's own: O_CLOEXEC, and bounded in number (the
 * least recently used process gives its up). */
static void test_fds_bounded_and_cloexec(void **state)
{
	(void)state;
	enum { N = PFD_DIRS_MAX_FDS + 8 };
	struct pfd_dirs *d = calloc(N, sizeof(*d));
	assert_non_null(d);
	for (size_t i = 0; i < N; i++)
		assert_true(pfd_dirs_proc_fd(&d[i], getpid()) >= 0);
	assert_true(pfd_dirs_open_fds() <= PFD_DIRS_MAX_FDS);
	assert_true(d[N - 1].proc_open);
	assert_false(d[0].proc_open); /* the oldest went first */
	int fd = pfd_dirs_proc_fd(&d[N - 1], getpid());
	assert_int_equal(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	for (size_t i = 0; i < N; i++)
		pfd_dirs_drop(&d[i]);
	assert_int_equal(pfd_dirs_open_fds(), 0);
	free(d);
}

/* The flags fdinfo shows, read from a kept fdinfo file; -1 when the read
 * fails (no file holds the number). */
static long kept_flags(struct pfd_dirs *d, pid_t task, int num)
{
	char buf[512];
	int f = pfd_dirs_fdinfo(d, task, num);
	ssize_t n = f >= 0 ? pread(f, buf, sizeof(buf) - 1, 0) : -1;
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	char *flags = strstr(buf, "flags:");
	return flags ? strtol(flags + 6, NULL, 8) : -1;
}

/* A kept fdinfo file says what holds the number now: after a dup2 put
 * another file there, after a close (no file), after a reopen. One is kept
 * per (task, number), a bounded few per process, and a thread's go with it. */
static void test_fdinfo_kept_and_fresh(void **state)
{
	(void)state;
	struct pfd_dirs d = { 0 };
	assert_true(pfd_dirs_proc_fd(&d, getpid()) >= 0);
	int num = open("/dev/null", O_RDONLY);
	int other = open("/dev/null", O_WRONLY | O_APPEND);
	assert_true(num >= 0 && other >= 0);
	assert_int_equal(kept_flags(&d, 0, num) & (O_ACCMODE | O_APPEND), O_RDONLY);
	assert_int_equal(kept_flags(&d, 0, other) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	assert_int_equal(kept_flags(&d, 0, num) & (O_ACCMODE | O_APPEND), O_RDONLY);
	int kept = pfd_dirs_fdinfo(&d, 0, num);
	assert_true(dup2(other, num) == num);
	assert_int_equal(pfd_dirs_fdinfo(&d, 0, num), kept); /* the same file, read again */
	assert_int_equal(kept_flags(&d, 0, num) & (O_ACCMODE | O_APPEND), O_WRONLY | O_APPEND);
	close(num);
	assert_int_equal(kept_flags(&d, 0, num), -1);
	assert_true(open("/dev/null", O_RDWR) == num);
	assert_int_equal(kept_flags(&d, 0, num) & O_ACCMODE, O_RDWR);
	assert_int_equal(fcntl(kept, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);

	/* more numbers than slots: the least recently read gives its slot up */
	unsigned before = pfd_dirs_open_fds();
	for (int i = 0; i <= PFD_DIRS_FDINFOS; i++)
		assert_true(kept_flags(&d, 0, i % 3) >= 0);
	assert_true(kept_flags(&d, getpid(), num) >= 0); /* task/TID/fdinfo: its own slot */
	assert_true(pfd_dirs_open_fds() <= 1 + PFD_DIRS_FDINFOS);
	assert_true(pfd_dirs_open_fds() >= before);
	unsigned with_task = pfd_dirs_open_fds();
	pfd_dirs_drop_thread(&d, getpid());
	assert_int_equal(pfd_dirs_open_fds(), with_task - 1);
	pfd_dirs_drop(&d);
	assert_int_equal(pfd_dirs_open_fds(), 0);
	close(num);
	close(other);
}

static void test_path_builder(void **state)
{
	(void)state;
	struct pfd_path p;
	pfd_path_init(&p, "/proc/");
	pfd_path_int(&p, 1234);
	pfd_path_puts(&p, "/fd/");
	pfd_path_int(&p, -5);
	assert_string_equal(p.s, "/proc/1234/fd/-5");
	assert_false(p.overflow);
	char big[PATH_MAX + 200];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	pfd_path_puts(&p, big);
	assert_true(p.overflow);
	assert_string_equal(p.s, "/proc/1234/fd/-5"); /* never cut: refused whole */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_link_mode_of_flags),
		cmocka_unit_test(test_root_dropped_around_a_change),
		cmocka_unit_test(test_root_per_thread),
		cmocka_unit_test(test_fdinfo_kept_and_fresh),
		cmocka_unit_test(test_fds_bounded_and_cloexec),
		cmocka_unit_test(test_path_builder),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
