/* procfd-trace: unit tests for the path classifier (tracer/plugins/procfd/classify.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "tracer/plugins/procfd/classify.h"

/* Bytes with an explicit length: the cases include embedded NULs. */
#define BYTES(s) s, sizeof(s) - 1

struct expect {
	enum pfd_link_what what;
	enum pfd_owner owner;
	long pid;
	long task;
	int fd;
	bool trailing;
	const char *spelling;
	const char *rest; /* PFD_LINK_THROUGH: the path text after the link */
};

#define NONE { PFD_LINK_NONE, PFD_OWNER_SELF, -1, -1, -1, false, NULL, NULL }
#define FDLINK(owner, pid, task, fd, trailing, spelling) \
	{ PFD_LINK_FD, owner, pid, task, fd, trailing, spelling, NULL }
#define FDDIR(owner, pid, task, trailing, spelling) \
	{ PFD_LINK_FD_DIR, owner, pid, task, -1, trailing, spelling, NULL }
#define THROUGH(owner, pid, task, fd, spelling, rest) \
	{ PFD_LINK_THROUGH, owner, pid, task, fd, false, spelling, rest }
#define OWN_SELF PFD_OWNER_SELF
#define OWN_THREAD PFD_OWNER_THREAD_SELF
#define OWN_PID PFD_OWNER_PID

struct path_case {
	const char *path;
	size_t len;
	struct expect want;
};

struct relative_case {
	const char *base;
	size_t base_len;
	const char *path;
	size_t len;
	struct expect want;
};

static bool same_spelling(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

static bool matches(const struct pfd_path_class *got, const struct expect *want,
		    const char *path, size_t len)
{
	if (got->what != want->what || got->fd != want->fd || got->task != want->task ||
	    !same_spelling(got->spelling, want->spelling))
		return false;
	if (want->what == PFD_LINK_NONE)
		return true;
	if (want->what == PFD_LINK_THROUGH &&
	    (got->rest > len || len - got->rest != strlen(want->rest) ||
	     memcmp(path + got->rest, want->rest, len - got->rest) != 0))
		return false;
	return got->owner == want->owner && got->pid == want->pid &&
	       got->trailing_slash == want->trailing;
}

/* Print the input (escaped: it may hold any byte) and both verdicts. */
static void report_mismatch(const char *base, size_t base_len, const char *path, size_t len,
			    const struct pfd_path_class *got, const struct expect *want)
{
	char shown[128];
	size_t used = 0;

	for (size_t i = 0; i < len && used + 5 < sizeof(shown); i++) {
		unsigned char c = (unsigned char)path[i];

		if (c >= 0x20 && c < 0x7f)
			shown[used++] = (char)c;
		else
			used += (size_t)snprintf(shown + used, sizeof(shown) - used, "\\x%02x", c);
	}
	shown[used] = '\0';
	print_error("base \"%.*s\" path \"%s\" (len %zu)\n"
		    "  got  what=%d owner=%d pid=%ld task=%ld fd=%d trailing=%d spelling=%s\n"
		    "  want what=%d owner=%d pid=%ld task=%ld fd=%d trailing=%d spelling=%s\n",
		    (int)base_len, base ? base : "", shown, len, got->what, got->owner, got->pid,
		    got->task, got->fd, got->trailing_slash, got->spelling ? got->spelling : "NULL",
		    want->what, want->owner, want->pid, want->task, want->fd, want->trailing,
		    want->spelling ? want->spelling : "NULL");
}

/* Poison the output first so a field the classifier forgot shows up. */
static void classify_poisoned(const char *path, size_t len, struct pfd_path_class *out)
{
	memset(out, 0xa5, sizeof(*out));
	pfd_classify_path(path, len, out);
}

static void relative_poisoned(const char *base, size_t base_len, const char *path, size_t len,
			      struct pfd_path_class *out)
{
	memset(out, 0xa5, sizeof(*out));
	pfd_classify_relative(base, base_len, path, len, out);
}

static void run_path_cases(const struct path_case *cases, size_t n)
{
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		struct pfd_path_class got;

		classify_poisoned(cases[i].path, cases[i].len, &got);
		if (!matches(&got, &cases[i].want, cases[i].path, cases[i].len)) {
			report_mismatch(NULL, 0, cases[i].path, cases[i].len, &got, &cases[i].want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_every_spelling(void **state)
{
	static const struct path_case cases[] = {
		{ BYTES("/proc/self/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/proc/thread-self/fd/4"),
		  FDLINK(OWN_THREAD, -1, -1, 4, false, "/proc/thread-self/fd/N") },
		{ BYTES("/proc/1234/fd/5"), FDLINK(OWN_PID, 1234, -1, 5, false, "/proc/PID/fd/N") },
		{ BYTES("/proc/1234/task/1240/fd/6"),
		  FDLINK(OWN_PID, 1234, 1240, 6, false, "/proc/PID/task/TID/fd/N") },
		{ BYTES("/proc/self/task/77/fd/7"),
		  FDLINK(OWN_SELF, -1, 77, 7, false, "/proc/self/task/TID/fd/N") },
		{ BYTES("/dev/fd/8"), FDLINK(OWN_SELF, -1, -1, 8, false, "/dev/fd/N") },
		{ BYTES("/dev/stdin"), FDLINK(OWN_SELF, -1, -1, 0, false, "/dev/stdin") },
		{ BYTES("/dev/stdout"), FDLINK(OWN_SELF, -1, -1, 1, false, "/dev/stdout") },
		{ BYTES("/dev/stderr"), FDLINK(OWN_SELF, -1, -1, 2, false, "/dev/stderr") },
		{ BYTES("/proc/self/fd"), FDDIR(OWN_SELF, -1, -1, false, "/proc/self/fd") },
		{ BYTES("/proc/thread-self/fd"), FDDIR(OWN_THREAD, -1, -1, false, "/proc/thread-self/fd") },
		{ BYTES("/proc/1234/fd"), FDDIR(OWN_PID, 1234, -1, false, "/proc/PID/fd") },
		{ BYTES("/proc/1234/task/1240/fd"),
		  FDDIR(OWN_PID, 1234, 1240, false, "/proc/PID/task/TID/fd") },
		{ BYTES("/proc/self/task/77/fd"), FDDIR(OWN_SELF, -1, 77, false, "/proc/self/task/TID/fd") },
		{ BYTES("/dev/fd"), FDDIR(OWN_SELF, -1, -1, false, "/dev/fd") },
		/* the pid of a thread that is not the leader is still a /proc entry */
		{ BYTES("/proc/1/fd/0"), FDLINK(OWN_PID, 1, -1, 0, false, "/proc/PID/fd/N") },
	};
	(void)state;
	run_path_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_slashes_and_dots(void **state)
{
	static const struct path_case cases[] = {
		{ BYTES("//proc///self/./fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/./proc/./self/./fd/./3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("///dev//fd//9"), FDLINK(OWN_SELF, -1, -1, 9, false, "/dev/fd/N") },
		{ BYTES("/proc/self/fd/3/"), FDLINK(OWN_SELF, -1, -1, 3, true, "/proc/self/fd/N") },
		{ BYTES("/proc/self/fd/3//"), FDLINK(OWN_SELF, -1, -1, 3, true, "/proc/self/fd/N") },
		{ BYTES("/proc/self/fd/3/."), FDLINK(OWN_SELF, -1, -1, 3, true, "/proc/self/fd/N") },
		{ BYTES("/proc/self/fd/3/./"), FDLINK(OWN_SELF, -1, -1, 3, true, "/proc/self/fd/N") },
		{ BYTES("/proc/self/fd/3/./."), FDLINK(OWN_SELF, -1, -1, 3, true, "/proc/self/fd/N") },
		{ BYTES("/dev/stdin/"), FDLINK(OWN_SELF, -1, -1, 0, true, "/dev/stdin") },
		{ BYTES("/proc/self/fd/"), FDDIR(OWN_SELF, -1, -1, true, "/proc/self/fd") },
		{ BYTES("/dev/fd/."), FDDIR(OWN_SELF, -1, -1, true, "/dev/fd") },
		/* a name that merely starts with '.' is an ordinary (unknown) name */
		{ BYTES("/proc/self/fd/3/.x"), THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", ".x") },
		{ BYTES("/proc/self/fd/.3"), NONE },
		{ BYTES("/proc/self/fd/.../3"), NONE },
	};
	(void)state;
	run_path_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_dotdot(void **state)
{
	static const struct path_case cases[] = {
		{ BYTES("/proc/self/fd/../fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/proc/self/../self/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/proc/self/../1234/fd/3"), FDLINK(OWN_PID, 1234, -1, 3, false, "/proc/PID/fd/N") },
		{ BYTES("/../proc/self/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/../../dev/stdout"), FDLINK(OWN_SELF, -1, -1, 1, false, "/dev/stdout") },
		{ BYTES("/dev/../dev/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/dev/fd/N") },
		{ BYTES("/proc/../dev/stderr"), FDLINK(OWN_SELF, -1, -1, 2, false, "/dev/stderr") },
		/* /dev/fd is a symlink to /proc/self/fd: its ".." is /proc/self */
		{ BYTES("/dev/fd/.."), NONE },
		{ BYTES("/dev/fd/../fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/dev/fd/../fd"), FDDIR(OWN_SELF, -1, -1, false, "/proc/self/fd") },
		{ BYTES("/dev/fd/../task/5/fd/3"),
		  FDLINK(OWN_SELF, -1, 5, 3, false, "/proc/self/task/TID/fd/N") },
		{ BYTES("/dev/fd/../../1234/fd"), FDDIR(OWN_PID, 1234, -1, false, "/proc/PID/fd") },
		{ BYTES("/dev/fd/../../../dev/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/dev/fd/N") },
		{ BYTES("/proc/self/fd/../../../dev/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/dev/fd/N") },
		/* /proc/thread-self is a task directory: ".." is the task list */
		{ BYTES("/proc/thread-self/../42/fd/3"),
		  FDLINK(OWN_SELF, -1, 42, 3, false, "/proc/self/task/TID/fd/N") },
		{ BYTES("/proc/thread-self/../../fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/proc/thread-self/fd/../fd/3"),
		  FDLINK(OWN_THREAD, -1, -1, 3, false, "/proc/thread-self/fd/N") },
		{ BYTES("/proc/1234/task/1240/../../fd/9"), FDLINK(OWN_PID, 1234, -1, 9, false, "/proc/PID/fd/N") },
		/* ".." of an fd link is taken inside its target: the walk goes
		 * through the link, and where it ends is not decided by the text */
		{ BYTES("/proc/self/fd/3/.."), THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", "..") },
		{ BYTES("/proc/self/fd/3/../4"),
		  THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", "../4") },
		{ BYTES("/dev/stdin/.."), THROUGH(OWN_SELF, -1, -1, 0, "/dev/stdin", "..") },
		{ BYTES("/dev/fd/0/../1"), THROUGH(OWN_SELF, -1, -1, 0, "/dev/fd/N", "../1") },
		{ BYTES("/proc/self/fd/3/child"),
		  THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", "child") },
		{ BYTES("/dev/fd/3/x"), THROUGH(OWN_SELF, -1, -1, 3, "/dev/fd/N", "x") },
		{ BYTES("/dev/fd/3//./x/"), THROUGH(OWN_SELF, -1, -1, 3, "/dev/fd/N", "x/") },
		{ BYTES("/proc/42/task/43/fd/5/a/b"),
		  THROUGH(OWN_PID, 42, 43, 5, "/proc/PID/task/TID/fd/N", "a/b") },
		{ BYTES("/proc/thread-self/fd/1/x"),
		  THROUGH(OWN_THREAD, -1, -1, 1, "/proc/thread-self/fd/N", "x") },
		{ BYTES("/proc/self/fd/3/../../proc/self/fd/4"),
		  THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", "../../proc/self/fd/4") },
		/* an unknown name may be a symlink: what follows is undecidable */
		{ BYTES("/foo/../proc/self/fd/3"), NONE },
		{ BYTES("/proc/self/fdinfo/../fd/3"), NONE },
		{ BYTES("/proc/self/cwd/../fd/3"), NONE },
		{ BYTES("/proc/self/fd/.."), NONE },
		{ BYTES("/proc/self/fd/../.."), NONE },
	};
	(void)state;
	run_path_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_numbers(void **state)
{
	static const struct path_case cases[] = {
		{ BYTES("/proc/self/fd/0"), FDLINK(OWN_SELF, -1, -1, 0, false, "/proc/self/fd/N") },
		{ BYTES("/proc/self/fd/03"), NONE },
		{ BYTES("/proc/self/fd/00"), NONE },
		{ BYTES("/proc/0123/fd/3"), NONE },
		{ BYTES("/proc/self/task/012/fd/1"), NONE },
		{ BYTES("/proc/0/fd/1"), FDLINK(OWN_PID, 0, -1, 1, false, "/proc/PID/fd/N") },
		{ BYTES("/proc/self/fd/2147483647"),
		  FDLINK(OWN_SELF, -1, -1, INT_MAX, false, "/proc/self/fd/N") },
		{ BYTES("/proc/2147483647/task/2147483647/fd/2147483647"),
		  FDLINK(OWN_PID, INT_MAX, INT_MAX, INT_MAX, false, "/proc/PID/task/TID/fd/N") },
		{ BYTES("/proc/self/fd/2147483648"), NONE },
		{ BYTES("/proc/self/fd/99999999999"), NONE },
		{ BYTES("/proc/self/fd/4294967299"), NONE }, /* 3 modulo 2^32 */
		{ BYTES("/proc/self/fd/18446744073709551619"), NONE }, /* 3 modulo 2^64 */
		{ BYTES("/proc/2147483648/fd/1"), NONE },
		{ BYTES("/proc/self/task/99999999999/fd/1"), NONE },
		{ BYTES("/proc/self/fd/+3"), NONE },
		{ BYTES("/proc/self/fd/-1"), NONE },
		{ BYTES("/proc/-1/fd/1"), NONE },
		{ BYTES("/proc/+1/fd/1"), NONE },
		{ BYTES("/proc/self/fd/ 3"), NONE },
		{ BYTES("/proc/self/fd/3 "), NONE },
		{ BYTES("/proc/self/fd/3a"), NONE },
		{ BYTES("/proc/self/fd/0x3"), NONE },
		{ BYTES("/proc/self/fd/3.0"), NONE },
	};
	(void)state;
	run_path_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_not_a_link(void **state)
{
	static const struct path_case cases[] = {
		{ BYTES(""), NONE },
		{ BYTES("/"), NONE },
		{ BYTES("//"), NONE },
		{ BYTES("/proc"), NONE },
		{ BYTES("/proc/self"), NONE },
		{ BYTES("/proc/self/"), NONE },
		{ BYTES("/proc/1234"), NONE },
		{ BYTES("/proc/thread-self"), NONE },
		{ BYTES("/proc/self/task"), NONE },
		{ BYTES("/proc/self/task/5"), NONE },
		{ BYTES("/dev"), NONE },
		{ BYTES("/dev/null"), NONE },
		/* relative paths need a base */
		{ BYTES("proc/self/fd/3"), NONE },
		{ BYTES("self/fd/3"), NONE },
		{ BYTES("3"), NONE },
		{ BYTES("./dev/stdin"), NONE },
		/* through the link into its target: no link named, one crossed */
		{ BYTES("/proc/self/fd/3/x"), THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", "x") },
		{ BYTES("/proc/1234/fd/3/x/y"), THROUGH(OWN_PID, 1234, -1, 3, "/proc/PID/fd/N", "x/y") },
		{ BYTES("/dev/stdin/x"), THROUGH(OWN_SELF, -1, -1, 0, "/dev/stdin", "x") },
		{ BYTES("/proc/self/fd/3/fd/4"),
		  THROUGH(OWN_SELF, -1, -1, 3, "/proc/self/fd/N", "fd/4") },
		/* unknown names */
		{ BYTES("/proc/self/fdinfo/3"), NONE },
		{ BYTES("/proc/self/fdinfo"), NONE },
		{ BYTES("/proc/selff/fd/3"), NONE },
		{ BYTES("/proc/Self/fd/3"), NONE },
		{ BYTES("/PROC/self/fd/3"), NONE },
		{ BYTES("/proc/self/fd/stdin"), NONE },
		{ BYTES("/proc/self/cwd/fd/3"), NONE },
		{ BYTES("/proc/self/root/proc/self/fd/3"), NONE },
		{ BYTES("/proc/thread-self/task"), NONE },
		{ BYTES("/proc/thread-self/task/1/fd/3"), NONE },
		{ BYTES("/proc/self/task/1/task/1/fd/3"), NONE },
		{ BYTES("/proc/fd/3"), NONE },
		{ BYTES("/proc/task/1/fd/3"), NONE },
		{ BYTES("/dev/fd0"), NONE },
		{ BYTES("/dev/stdin2"), NONE },
		{ BYTES("/dev/fd/stdin"), NONE },
		{ BYTES("/dev/self/fd/3"), NONE },
		{ BYTES("/sys/proc/self/fd/3"), NONE },
		{ BYTES("/tmp/proc/self/fd/3"), NONE },
		{ BYTES("/fd/3"), NONE },
		{ BYTES("/stdin"), NONE },
	};
	(void)state;
	run_path_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_odd_bytes(void **state)
{
	static const struct path_case cases[] = {
		{ BYTES("/proc/self/fd/3\0"), NONE },
		{ BYTES("/proc/self/fd\0/3"), NONE },
		{ BYTES("/proc/self/fd/\0"), NONE },
		{ BYTES("/proc\0/self/fd/3"), NONE },
		{ BYTES("\0/proc/self/fd/3"), NONE },
		{ BYTES("/dev/stdin\0"), NONE },
		{ BYTES("\0"), NONE },
		{ BYTES("/proc/\xff\xfe/fd/3"), NONE },
		{ BYTES("/proc/self/fd/\xc3\xa9"), NONE },
		{ BYTES("/proc/self/fd/\xd9\xa3"), NONE }, /* ARABIC-INDIC DIGIT THREE */
		{ BYTES("/proc/self/fd/\x80"), NONE },
		{ BYTES("/\xff/../proc/self/fd/3"), NONE },
		/* only len bytes count: no NUL needed, none looked for */
		{ "/proc/self/fd/34", 15, FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ "/proc/self/fd/3/x", 15, FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ "/proc/self/fd/3/x", 16, FDLINK(OWN_SELF, -1, -1, 3, true, "/proc/self/fd/N") },
		{ "/dev/stdinx", 10, FDLINK(OWN_SELF, -1, -1, 0, false, "/dev/stdin") },
		{ "/proc/self/fd/3", 0, NONE },
		{ NULL, 0, NONE },
	};
	(void)state;
	run_path_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void run_relative_cases(const struct relative_case *cases, size_t n)
{
	int failures = 0;

	for (size_t i = 0; i < n; i++) {
		const struct relative_case *c = &cases[i];
		struct pfd_path_class got;

		relative_poisoned(c->base, c->base_len, c->path, c->len, &got);
		if (!matches(&got, &c->want, c->path, c->len)) {
			report_mismatch(c->base, c->base_len, c->path, c->len, &got, &c->want);
			failures++;
		}
	}
	assert_int_equal(failures, 0);
}

static void test_relative(void **state)
{
	static const struct relative_case cases[] = {
		{ BYTES("/proc/123/fd"), BYTES("3"), FDLINK(OWN_PID, 123, -1, 3, false, "/proc/PID/fd/N") },
		{ BYTES("/proc"), BYTES("self/fd/4"), FDLINK(OWN_SELF, -1, -1, 4, false, "/proc/self/fd/N") },
		{ BYTES("/dev"), BYTES("stdin"), FDLINK(OWN_SELF, -1, -1, 0, false, "/dev/stdin") },
		{ BYTES("/"), BYTES("proc/self/fd/1"), FDLINK(OWN_SELF, -1, -1, 1, false, "/proc/self/fd/N") },
		{ BYTES("/proc"), BYTES("thread-self/fd/2"),
		  FDLINK(OWN_THREAD, -1, -1, 2, false, "/proc/thread-self/fd/N") },
		{ BYTES("/proc/123/task/124"), BYTES("fd/5"),
		  FDLINK(OWN_PID, 123, 124, 5, false, "/proc/PID/task/TID/fd/N") },
		{ BYTES("/proc/123/task"), BYTES("124/fd"),
		  FDDIR(OWN_PID, 123, 124, false, "/proc/PID/task/TID/fd") },
		{ BYTES("/dev"), BYTES("fd"), FDDIR(OWN_SELF, -1, -1, false, "/dev/fd") },
		{ BYTES("/dev"), BYTES("fd/7"), FDLINK(OWN_SELF, -1, -1, 7, false, "/dev/fd/N") },
		{ BYTES("/dev"), BYTES("fd/../fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/proc/123/fd/"), BYTES("3/"), FDLINK(OWN_PID, 123, -1, 3, true, "/proc/PID/fd/N") },
		{ BYTES("/proc/123/fd"), BYTES("./3"), FDLINK(OWN_PID, 123, -1, 3, false, "/proc/PID/fd/N") },
		{ BYTES("/proc/123/fd"), BYTES("../fd/7"), FDLINK(OWN_PID, 123, -1, 7, false, "/proc/PID/fd/N") },
		/* "." on a dirfd of the fd directory names the directory */
		{ BYTES("/proc/123/fd"), BYTES("."), FDDIR(OWN_PID, 123, -1, true, "/proc/PID/fd") },
		{ BYTES("/proc/123/fd"), BYTES(".."), NONE },
		/* the base is canonical: ".." climbs out of its real directories */
		{ BYTES("/proc/123/fdinfo"), BYTES("../fd/3"), FDLINK(OWN_PID, 123, -1, 3, false, "/proc/PID/fd/N") },
		{ BYTES("/home/user"), BYTES("../../proc/self/fd/3"),
		  FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/home/user/"), BYTES("../../../../dev/stderr"),
		  FDLINK(OWN_SELF, -1, -1, 2, false, "/dev/stderr") },
		{ BYTES("/home/user"), BYTES("../proc/self/fd/3"), NONE },
		{ BYTES("/home/user"), BYTES("3"), NONE },
		/* but unknown names in the path text stay undecidable */
		{ BYTES("/home/user"), BYTES("x/../../../proc/self/fd/3"), NONE },
		/* ... except that a walk went through an fd link */
		{ BYTES("/proc/123/fd"), BYTES("3/x"),
		  THROUGH(OWN_PID, 123, -1, 3, "/proc/PID/fd/N", "x") },
		{ BYTES("/proc/123/fd"), BYTES("3/.."),
		  THROUGH(OWN_PID, 123, -1, 3, "/proc/PID/fd/N", "..") },
		{ BYTES("/dev"), BYTES("stdout/x"), THROUGH(OWN_SELF, -1, -1, 1, "/dev/stdout", "x") },
		{ BYTES("/proc/123/fd"), BYTES("03"), NONE },
		{ BYTES("/proc/123/fd"), BYTES("x"), NONE },
		{ BYTES("/proc/123/fd"), BYTES(""), NONE },
		{ BYTES("/tmp"), BYTES("foo.txt"), NONE },
		{ BYTES("/"), BYTES("../proc/self/fd/1"), FDLINK(OWN_SELF, -1, -1, 1, false, "/proc/self/fd/N") },
		/* an absolute path ignores the base */
		{ BYTES("/proc/123/fd"), BYTES("/proc/self/fd/3"),
		  FDLINK(OWN_SELF, -1, -1, 3, false, "/proc/self/fd/N") },
		{ BYTES("/proc/123/fd"), BYTES("/tmp/3"), NONE },
		{ BYTES(""), BYTES("/dev/fd/3"), FDLINK(OWN_SELF, -1, -1, 3, false, "/dev/fd/N") },
		/* a base that is not absolute cannot anchor anything */
		{ BYTES(""), BYTES("3"), NONE },
		{ BYTES("proc/123/fd"), BYTES("3"), NONE },
		{ NULL, 0, BYTES("3"), NONE },
		{ BYTES("/proc/123/fd\0"), BYTES("3"), NONE },
	};
	(void)state;
	run_relative_cases(cases, sizeof(cases) / sizeof(cases[0]));
}

static void test_may_name_link(void **state)
{
	static const char *const yes[] = {
		"3", "0", "03", "fd", "stdin", "stdout", "stderr", "../x", "a/..", "..",
		"fd/3/", "3/.", "3//", "self/fd/12", "x/fd", ".", "./", "./.", "a/../b",
		"3/x", "task/1/fd/3/x", "stdin/x", "fd/3/x/y",
	};
	static const char *const no[] = {
		"/proc/self/fd/3", "/", "foo.txt", "a/b", "fdinfo", "3a", "stdin2", "fd/x",
		"self", "...", ".x", "-1", "x/3a/y", "03x/y",
	};
	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (!pfd_relative_may_name_link(yes[i], strlen(yes[i])))
			fail_msg("\"%s\" should be a candidate", yes[i]);
	}
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++) {
		if (pfd_relative_may_name_link(no[i], strlen(no[i])))
			fail_msg("\"%s\" should not be a candidate", no[i]);
	}
	assert_false(pfd_relative_may_name_link("", 0));
	assert_false(pfd_relative_may_name_link(NULL, 0));
	assert_false(pfd_relative_may_name_link(BYTES("3\0")));
	assert_true(pfd_relative_may_name_link("3x", 1));
}

/* Relative paths built from every sequence of up to four tokens, with and
 * without a trailing slash, into buf. Calls visit(path, len, ctx) for each. */
static const char *const tokens[] = {
	"3", "0", "03", "fd", "self", "thread-self", "proc", "dev", "task", "12",
	"..", ".", "", "stdin", "stderr", "x", "fdinfo",
};
#define TOKEN_COUNT (sizeof(tokens) / sizeof(tokens[0]))
#define TOKENS_MAX 4

typedef void visit_fn(const char *path, size_t len, void *ctx);

static void generate(char *buf, size_t used, unsigned depth, visit_fn *visit, void *ctx)
{
	if (used > 0) {
		visit(buf, used, ctx);
		buf[used] = '/';
		visit(buf, used + 1, ctx);
	}
	if (depth == TOKENS_MAX)
		return;
	for (size_t t = 0; t < TOKEN_COUNT; t++) {
		size_t at = used > 0 ? used + 1 : 0;
		size_t len = strlen(tokens[t]);

		if (used > 0)
			buf[used] = '/';
		memcpy(buf + at, tokens[t], len);
		generate(buf, at + len, depth + 1, visit, ctx);
	}
}

struct property_stats {
	unsigned long paths;
	unsigned long classified;
	unsigned long violations;
};

static const char *const bases[] = {
	"/", "/proc", "/proc/123", "/proc/123/fd", "/proc/123/task", "/proc/123/task/124",
	"/proc/123/task/124/fd", "/proc/123/fdinfo", "/dev", "/home/user", "/home/user/a/b",
	"/proc/self", "/dev/fd",
};

/* Whenever some base makes the path a link or fd directory, the cheap
 * pre-test must have let it through. */
static void check_pretest(const char *path, size_t len, void *ctx)
{
	struct property_stats *stats = ctx;
	bool candidate = pfd_relative_may_name_link(path, len);

	stats->paths++;
	for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++) {
		struct pfd_path_class got;

		pfd_classify_relative(bases[b], strlen(bases[b]), path, len, &got);
		if (got.what == PFD_LINK_NONE)
			continue;
		stats->classified++;
		if (!candidate) {
			print_error("pre-test says no to \"%.*s\" (base %s)\n", (int)len, path,
				    bases[b]);
			stats->violations++;
		}
	}
}

static void test_property_pretest_is_conservative(void **state)
{
	char buf[TOKENS_MAX * 16];
	struct property_stats stats = { 0, 0, 0 };

	(void)state;
	generate(buf, 0, 0, check_pretest, &stats);
	assert_int_equal(stats.violations, 0);
	/* make sure the property was exercised, not vacuously true */
	assert_true(stats.paths > 10000);
	assert_true(stats.classified > 1000);
}

/* From the root, a relative path means the same as its absolute form. */
static void check_root_equivalence(const char *path, size_t len, void *ctx)
{
	char absolute[TOKENS_MAX * 16 + 2];
	struct pfd_path_class rel, abs;
	unsigned long *mismatches = ctx;

	absolute[0] = '/';
	memcpy(absolute + 1, path, len);
	pfd_classify_relative("/", 1, path, len, &rel);
	pfd_classify_path(absolute, len + 1, &abs);
	if (rel.what != abs.what || rel.owner != abs.owner || rel.pid != abs.pid ||
	    rel.task != abs.task || rel.fd != abs.fd || rel.trailing_slash != abs.trailing_slash ||
	    !same_spelling(rel.spelling, abs.spelling)) {
		print_error("\"/\" + \"%.*s\" differs from its absolute form\n", (int)len, path);
		(*mismatches)++;
	}
}

static void test_property_root_base_equals_absolute(void **state)
{
	char buf[TOKENS_MAX * 16];
	unsigned long mismatches = 0;

	(void)state;
	generate(buf, 0, 0, check_root_equivalence, &mismatches);
	assert_int_equal(mismatches, 0);
}

/* Fill buf[0..len) with pad, then put tail at the end. */
static void pad_before(char *buf, size_t len, const char *pad, const char *tail)
{
	size_t tail_len = strlen(tail), pad_len = strlen(pad), i = 0;

	while (i + tail_len < len) {
		buf[i] = pad[i % pad_len];
		i++;
	}
	memcpy(buf + i, tail, tail_len);
}

static void test_longest_paths(void **state)
{
	static char path[PATH_MAX], base[PATH_MAX];
	const size_t longest = PATH_MAX - 1;
	struct pfd_path_class got;
	size_t used;

	(void)state;
	/* "/" then redundant slashes up to the name */
	pad_before(path, longest, "/", "proc/self/fd/3");
	classify_poisoned(path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_FD);
	assert_int_equal(got.fd, 3);

	/* "/./././...": every "." is skipped ("//" joins odd padding) */
	pad_before(path, longest, "/.", "/dev/fd/12");
	classify_poisoned(path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_FD);
	assert_int_equal(got.fd, 12);
	assert_string_equal(got.spelling, "/dev/fd/N");

	/* ".." at the root, thousands of times */
	pad_before(path, longest, "/..", "/proc/77/fd");
	classify_poisoned(path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_FD_DIR);
	assert_int_equal(got.pid, 77);

	/* one enormous fd number, and one enormous unknown name */
	memcpy(path, "/proc/self/fd/", 14);
	memset(path + 14, '7', longest - 14);
	classify_poisoned(path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_NONE);
	memset(path + 14, '0', longest - 14);
	classify_poisoned(path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_NONE);
	path[0] = '/';
	memset(path + 1, 'a', longest - 1);
	classify_poisoned(path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_NONE);

	/* a full-length base of 1000 real directories, climbed out of by a
	 * full-length relative path: 2 * PATH_MAX bytes of walk */
	used = 0;
	for (int i = 0; i < 1000; i++) {
		base[used++] = '/';
		base[used++] = 'a';
	}
	memset(base + used, '/', longest - used);
	used = 0;
	for (int i = 0; i < 1000; i++) {
		memcpy(path + used, "../", 3);
		used += 3;
	}
	/* "/." padding, so it joins "../" and the name with slashes either way */
	pad_before(path + used, longest - used, "/.", "/proc/self/fd/5");
	relative_poisoned(base, longest, path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_FD);
	assert_int_equal(got.fd, 5);
	assert_string_equal(got.spelling, "/proc/self/fd/N");
	assert_true(pfd_relative_may_name_link(path, longest));

	/* one ".." short: still inside /a */
	path[0] = '.';
	path[1] = '/';
	relative_poisoned(base, longest, path, longest, &got);
	assert_int_equal(got.what, PFD_LINK_NONE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_spelling),
		cmocka_unit_test(test_slashes_and_dots),
		cmocka_unit_test(test_dotdot),
		cmocka_unit_test(test_numbers),
		cmocka_unit_test(test_not_a_link),
		cmocka_unit_test(test_odd_bytes),
		cmocka_unit_test(test_relative),
		cmocka_unit_test(test_may_name_link),
		cmocka_unit_test(test_property_pretest_is_conservative),
		cmocka_unit_test(test_property_root_base_equals_absolute),
		cmocka_unit_test(test_longest_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
