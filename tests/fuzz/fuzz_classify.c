/* procfd-trace: libFuzzer target for the path classifier (tracer/plugins/procfd/classify.c).
 * Build and run: make fuzz (or make fuzz-smoke).
 *
 * The input is a path; when it holds a NUL byte, the bytes before the first
 * NUL are also tried as the base of a relative lookup and the bytes after it
 * as the relative path. Every text is handed over in a heap buffer exactly
 * len bytes long with no terminator, so ASan reports any read past len.
 *
 * Beyond not crashing it checks (abort() otherwise, which libFuzzer reports
 * as a crash with the input):
 *  - the verdict is self-consistent: PFD_LINK_FD has fd >= 0 and a spelling,
 *    PFD_LINK_NONE has fd, pid, task -1 and no spelling, an owner by pid has
 *    a pid, the spelling agrees with the owner, task and fd;
 *  - what the kernel's walk ignores changes nothing: doubled slashes and a
 *    "./" after every slash give the same verdict;
 *  - a relative path equals itself under "/" as base and as "/" + path;
 *  - pfd_relative_may_name_link's promise: when it says no, no base makes
 *    the path an fd link or fd directory (tried with the input's base and
 *    with bases that reach into /proc). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/plugins/procfd/classify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(stderr, "fuzz_classify: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                    \
			abort();                                                     \
		}                                                                    \
	} while (0)

/* A copy of n bytes in a buffer of exactly n bytes (ASan redzone after it). */
static char *exact_copy(const void *p, size_t n)
{
	char *c = malloc(n ? n : 1);

	if (!c)
		abort();
	if (n)
		memcpy(c, p, n);
	return c;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);

	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static void check_class(const struct pfd_path_class *c)
{
	CHECK(c->what == PFD_LINK_NONE || c->what == PFD_LINK_FD || c->what == PFD_LINK_FD_DIR ||
	      c->what == PFD_LINK_THROUGH);
	CHECK(c->task >= -1);
	if (c->what == PFD_LINK_NONE) {
		CHECK(c->fd == -1 && c->pid == -1 && c->task == -1);
		CHECK(c->spelling == NULL && !c->trailing_slash);
		return;
	}
	CHECK(c->spelling != NULL && c->spelling[0] == '/');
	CHECK(c->owner == PFD_OWNER_SELF || c->owner == PFD_OWNER_THREAD_SELF ||
	      c->owner == PFD_OWNER_PID);
	if (c->owner == PFD_OWNER_PID)
		CHECK(c->pid >= 0 && c->pid <= INT32_MAX);
	else
		CHECK(c->pid == -1);
	CHECK(c->task <= INT32_MAX);

	const char *s = c->spelling;
	bool dev_stdio = strcmp(s, "/dev/stdin") == 0 || strcmp(s, "/dev/stdout") == 0 ||
			 strcmp(s, "/dev/stderr") == 0;
	if (c->what == PFD_LINK_FD || c->what == PFD_LINK_THROUGH) {
		/* a walk through a link names the link as an fd link does */
		CHECK(c->fd >= 0);
		CHECK(ends_with(s, "/fd/N") || dev_stdio);
		if (dev_stdio)
			CHECK(c->fd == (s[8] == 'i' ? 0 : s[8] == 'o' ? 1 : 2));
	} else {
		CHECK(c->fd == -1);
		CHECK(ends_with(s, "/fd") && !dev_stdio);
	}
	/* The spelling names the route: PID and TID placeholders match the
	 * owner and task, /dev routes are the caller's own table. */
	CHECK((strstr(s, "/proc/PID/") != NULL) == (c->owner == PFD_OWNER_PID));
	CHECK((strstr(s, "/proc/thread-self/") != NULL) == (c->owner == PFD_OWNER_THREAD_SELF));
	CHECK((strstr(s, "/task/TID/") != NULL) == (c->task >= 0));
	if (strncmp(s, "/dev/", 5) == 0)
		CHECK(c->owner == PFD_OWNER_SELF && c->task == -1);
}

static bool same_class(const struct pfd_path_class *a, const struct pfd_path_class *b)
{
	return a->what == b->what && a->owner == b->owner && a->pid == b->pid &&
	       a->task == b->task && a->fd == b->fd && a->trailing_slash == b->trailing_slash &&
	       a->spelling == b->spelling;
}

static void report_diff(const char *what, const char *p1, size_t l1, const char *p2, size_t l2)
{
	fprintf(stderr, "fuzz_classify: %s differ:\n  '%.*s'\n  '%.*s'\n", what, (int)l1, p1,
		(int)l2, p2);
	abort();
}

/* The text with every '/' written as "//" (doubled) or as "/./" (dot). */
static char *rewrite_slashes(const char *p, size_t len, const char *with, size_t *out_len)
{
	size_t wl = strlen(with), n = 0;

	for (size_t i = 0; i < len; i++)
		n += p[i] == '/' ? wl : 1;
	char *tmp = malloc(n ? n : 1);
	if (!tmp)
		abort();
	n = 0;
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '/') {
			memcpy(tmp + n, with, wl);
			n += wl;
		} else {
			tmp[n++] = p[i];
		}
	}
	*out_len = n;
	return tmp;
}

static void classify_abs(const char *p, size_t len, struct pfd_path_class *out)
{
	char *c = exact_copy(p, len);

	pfd_classify_path(c, len, out);
	free(c);
}

static void classify_rel(const char *base, size_t base_len, const char *p, size_t len,
			 struct pfd_path_class *out)
{
	char *cb = exact_copy(base, base_len), *cp = exact_copy(p, len);

	pfd_classify_relative(cb, base_len, cp, len, out);
	free(cb);
	free(cp);
}

/* Absolute paths: consistency, and the walk ignores redundant "/" and "./". */
static void check_path(const char *p, size_t len)
{
	struct pfd_path_class c, c2;
	static const char *const rewrites[] = { "//", "/./" };

	classify_abs(p, len, &c);
	check_class(&c);
	if (len == 0 || p[0] != '/') {
		CHECK(c.what == PFD_LINK_NONE);
		return;
	}
	for (size_t i = 0; i < sizeof(rewrites) / sizeof(rewrites[0]); i++) {
		size_t l2;
		char *p2 = rewrite_slashes(p, len, rewrites[i], &l2);
		classify_abs(p2, l2, &c2);
		if (!same_class(&c, &c2))
			report_diff("verdicts after rewriting slashes", p, len, p2, l2);
		free(p2);
	}
}

/* Bases from which a short relative path reaches every fd table route. */
/* Bases as the tracer gets them, from readlink of a cwd or dirfd: resolved
 * directories, never an fd link itself (a path relative to one would go
 * through it, which the base's own readlink already resolved). */
static const char *const probe_bases[] = {
	"/", "/proc", "/proc/self", "/proc/self/fd", "/proc/1/task", "/proc/1/task/1",
	"/proc/1/task/1/fd", "/dev", "/home/u", "/proc/self/task/7/fd", "/proc/1",
};

/* As readlink gives a directory: absolute, no empty, "." or ".." component. */
static bool canonical(const char *b, size_t len)
{
	if (len == 0 || b[0] != '/')
		return false;
	for (size_t i = 1; i <= len; i++) {
		if (i < len && b[i] != '/')
			continue;
		size_t start = i - 1;
		while (start > 0 && b[start] != '/')
			start--;
		size_t n = i - start - 1; /* the component between two slashes */
		if (i < len || n > 0) {
			if (n == 0 || (n == 1 && b[start + 1] == '.') ||
			    (n == 2 && b[start + 1] == '.' && b[start + 2] == '.'))
				return len == 1; /* "/" alone is fine */
		}
		if (memchr(b + start + 1, '\0', n))
			return false;
	}
	return true;
}

static bool may_name_link(const char *p, size_t len)
{
	char *c = exact_copy(p, len);
	bool may = pfd_relative_may_name_link(c, len);

	free(c);
	return may;
}

/* Relative lookups: consistency, "/" as base is the same as "/" + path, and
 * a "no" from pfd_relative_may_name_link holds for every base. */
static void check_relative(const char *base, size_t base_len, const char *p, size_t len)
{
	struct pfd_path_class c, c2;
	bool absolute = len > 0 && p[0] == '/';
	bool may = may_name_link(p, len);

	if (absolute || len == 0)
		CHECK(!may);
	classify_rel(base, base_len, p, len, &c);
	check_class(&c);
	if (absolute) {
		classify_abs(p, len, &c2);
		if (!same_class(&c, &c2))
			report_diff("relative to a base and alone, an absolute path's verdicts",
				    base, base_len, p, len);
		return;
	}
	if (len == 0)
		return;
	/* A base from readlink is resolved: canonical, never an fd link; a path
	 * relative to a base that is not (the fuzzer's can be anything) may go
	 * through a link whatever its own text says. */
	classify_abs(base, base_len, &c2);
	if (!may && canonical(base, base_len) && c2.what == PFD_LINK_NONE)
		CHECK(c.what == PFD_LINK_NONE);

	/* "/" + path, against "/" as the base. */
	char *joined = malloc(len + 1);
	if (!joined)
		abort();
	joined[0] = '/';
	memcpy(joined + 1, p, len);
	classify_abs(joined, len + 1, &c);
	classify_rel("/", 1, p, len, &c2);
	if (!same_class(&c, &c2))
		report_diff("'/' + path and path under '/'", joined, len + 1, p, len);
	free(joined);

	for (size_t i = 0; i < sizeof(probe_bases) / sizeof(probe_bases[0]); i++) {
		classify_rel(probe_bases[i], strlen(probe_bases[i]), p, len, &c);
		check_class(&c);
		if (!may && c.what != PFD_LINK_NONE)
			report_diff("pfd_relative_may_name_link said no, but base and path",
				    probe_bases[i], strlen(probe_bases[i]), p, len);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nul = memchr(text, '\0', size);

	check_path(text, size);
	check_relative("/proc/self/fd", 13, text, size);
	if (nul) {
		size_t base_len = (size_t)(nul - text);
		const char *rel = nul + 1;
		size_t rel_len = size - base_len - 1;

		check_path(text, base_len);
		check_relative(text, base_len, rel, rel_len);
	}
	return 0;
}
