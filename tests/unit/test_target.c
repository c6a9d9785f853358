/* procfd-trace: unit tests for the kind of what an fd holds, which the
 * fd-description library's class decides from readlink's text and the
 * st_mode (tracer/fdesc/, pfd_fdesc_kind), and the anon inode's name the
 * probe keeps (tracer/plugins/procfd/procfd_probe.c); and
 * pfd_describe_fd_in's cheap form (the leak report's) against the full one. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/fdesc/fdesc_impl.h"
#include "tracer/plugins/procfd/procfd.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct kind_case {
	const char *text;
	bool have_stat;
	uint32_t mode;
	uint64_t nlink;
	enum pfd_kind want;
	const char *anon_name; /* expected anon_name ("" unless ANON_INODE) */
};

static const struct kind_case kind_cases[] = {
	{ "/tmp/file", true, S_IFREG | 0644, 1, PFD_KIND_REGULAR, "" },
	{ "/tmp/file (deleted)", true, S_IFREG | 0644, 0, PFD_KIND_REGULAR, "" },
	{ "/memfd:x (deleted)", true, S_IFREG | 0777, 0, PFD_KIND_MEMFD, "" },
	{ "/memfd: (deleted)", true, S_IFREG | 0777, 0, PFD_KIND_MEMFD, "" },
	/* a real file whose name starts like a memfd: it has a link */
	{ "/memfd:x (deleted)", true, S_IFREG | 0644, 1, PFD_KIND_REGULAR, "" },
	/* a deleted file in a directory called memfd:... is not a memfd */
	{ "/tmp/memfd:x (deleted)", true, S_IFREG | 0644, 0, PFD_KIND_REGULAR, "" },
	{ "/tmp", true, S_IFDIR | 0755, 2, PFD_KIND_DIRECTORY, "" },
	{ "/tmp/d (deleted)", true, S_IFDIR | 0755, 0, PFD_KIND_DIRECTORY, "" },
	{ "pipe:[1]", true, S_IFIFO | 0600, 1, PFD_KIND_PIPE, "" },
	{ "pipe:[4026532]", true, S_IFIFO | 0600, 1, PFD_KIND_PIPE, "" },
	{ "/tmp/fifo", true, S_IFIFO | 0644, 1, PFD_KIND_FIFO, "" },
	{ "/tmp/pipe:[1]", true, S_IFIFO | 0644, 1, PFD_KIND_FIFO, "" },
	{ "socket:[12345]", true, S_IFSOCK | 0777, 1, PFD_KIND_SOCKET, "" },
	{ "/run/bound.sock", true, S_IFSOCK | 0755, 1, PFD_KIND_SOCKET, "" },
	{ "anon_inode:[eventfd]", true, 0600, 1, PFD_KIND_ANON_INODE, "[eventfd]" },
	{ "anon_inode:[pidfd]", true, 0600, 1, PFD_KIND_ANON_INODE, "[pidfd]" },
	{ "anon_inode:inotify", true, 0600, 1, PFD_KIND_ANON_INODE, "inotify" },
	/* the text decides for an anon inode, even without a stat */
	{ "anon_inode:[signalfd]", false, 0, 0, PFD_KIND_ANON_INODE, "[signalfd]" },
	{ "anon_inode:", true, 0600, 1, PFD_KIND_ANON_INODE, "" },
	{ "/dev/null", true, S_IFCHR | 0666, 1, PFD_KIND_CHAR_DEVICE, "" },
	{ "/dev/pts/0", true, S_IFCHR | 0620, 1, PFD_KIND_CHAR_DEVICE, "" },
	{ "/dev/sda", true, S_IFBLK | 0660, 1, PFD_KIND_BLOCK_DEVICE, "" },
	/* an O_PATH|O_NOFOLLOW fd on a symlink */
	{ "/tmp/link", true, S_IFLNK | 0777, 1, PFD_KIND_SYMLINK, "" },
	/* without a stat the mode is not looked at */
	{ "/tmp/file", false, S_IFREG | 0644, 1, PFD_KIND_OTHER, "" },
	{ "/tmp", false, S_IFDIR | 0755, 2, PFD_KIND_OTHER, "" },
	{ "/memfd:x (deleted)", false, S_IFREG | 0777, 0, PFD_KIND_OTHER, "" },
	{ "socket:[9]", false, 0, 0, PFD_KIND_SOCKET, "" },
	{ "pipe:[9]", false, 0, 0, PFD_KIND_PIPE, "" },
	{ "", false, 0, 0, PFD_KIND_OTHER, "" },
	/* a stat with no type bits and a path text */
	{ "/weird", true, 0644, 1, PFD_KIND_OTHER, "" },
	{ "net:[4026531840]", true, 0444, 1, PFD_KIND_OTHER, "" },
	/* nsfs: a namespace's text, on a regular file (or not stat'ed) */
	{ "net:[4026531840]", true, S_IFREG | 0444, 1, PFD_KIND_NSFS, "" },
	{ "pid_for_children:[4026531836]", false, 0, 0, PFD_KIND_NSFS, "" },
	{ "Net:[4026531840]", true, S_IFREG | 0444, 1, PFD_KIND_REGULAR, "" },
	/* an mqueue is told by its file system's magic (statfs), which a
	 * description made by hand has not: test_fdesc_live covers it */
};

static struct pfd_target *new_target(const char *text, bool have_stat, uint32_t mode,
				     uint64_t nlink)
{
	struct pfd_target *t = calloc(1, sizeof(*t));
	assert_non_null(t);
	snprintf(t->text, sizeof(t->text), "%s", text);
	t->text_len = strlen(t->text);
	t->have_stat = have_stat;
	t->mode = mode;
	t->nlink = nlink;
	/* stale values from an earlier probe must not leak through */
	snprintf(t->anon_name, sizeof(t->anon_name), "stale");
	return t;
}

/* The class the library chooses from what a probe saw, as
 * pfd_fdesc_describe_seen does before its reads. */
static enum pfd_kind kind_of(const char *text, bool have_stat, uint32_t mode, uint64_t nlink)
{
	struct pfd_fdesc *d = calloc(1, sizeof(*d));
	enum pfd_kind k;
	assert_non_null(d);
	snprintf(d->text, sizeof(d->text), "%s", text);
	d->text_len = strlen(d->text);
	d->have_stat = have_stat;
	d->mode = mode;
	d->nlink = nlink;
	d->pid = -1; /* no process: the mqueue class's statfs finds nothing */
	if (strncmp(text, "anon_inode:", 11) == 0) {
		const char *n = text + 11;
		size_t len = strlen(n);
		if (len >= 2 && n[0] == '[' && n[len - 1] == ']')
			n++, len -= 2;
		snprintf(d->anon_name, sizeof(d->anon_name), "%.*s", (int)len, n);
	}
	pfd_fdesc_classify(d);
	k = pfd_fdesc_kind(d);
	free(d);
	return k;
}

static void test_kinds(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(kind_cases); i++) {
		const struct kind_case *c = &kind_cases[i];
		enum pfd_kind k = kind_of(c->text, c->have_stat, c->mode, c->nlink);
		if (k != c->want)
			fail_msg("case %zu \"%s\" mode %#o%s: %s, want %s", i, c->text, c->mode,
				 c->have_stat ? "" : " (no stat)", pfd_kind_name(k),
				 pfd_kind_name(c->want));
		struct pfd_target *t = new_target(c->text, c->have_stat, c->mode, c->nlink);
		pfd_target_take_anon_name(t);
		if (strcmp(t->anon_name, c->anon_name) != 0)
			fail_msg("case %zu \"%s\": anon_name \"%s\", want \"%s\"", i, c->text,
				 t->anon_name, c->anon_name);
		free(t);
	}
}

/* Every kind but mqueue (see the table) is reached by some case. */
static void test_kinds_covered(void **state)
{
	(void)state;
	for (int k = PFD_KIND_UNSET + 1; k < PFD_KIND_COUNT; k++) {
		bool seen = k == PFD_KIND_MQUEUE;
		for (size_t i = 0; i < ARRAY_LEN(kind_cases); i++)
			seen = seen || kind_cases[i].want == (enum pfd_kind)k;
		if (!seen)
			fail_msg("no case for kind %s", pfd_kind_name((enum pfd_kind)k));
	}
}

/* Only text_len bytes count: the text is not NUL-terminated by contract. */
static void test_text_len_respected(void **state)
{
	(void)state;
	struct pfd_target *t = new_target("anon_inode:[eventfd]", true, S_IFREG | 0600, 1);
	t->text_len = 5; /* "anon_" */
	pfd_target_take_anon_name(t);
	assert_string_equal(t->anon_name, "");
	free(t);

	t = new_target("anon_inode:[eventfd]XYZ", true, 0600, 1);
	t->text_len = strlen("anon_inode:[eventfd]");
	pfd_target_take_anon_name(t);
	assert_string_equal(t->anon_name, "[eventfd]");
	free(t);
}

/* An anon name longer than the field: cut, NUL-terminated, no overflow. */
static void test_long_anon_name(void **state)
{
	(void)state;
	char text[256];
	int n = snprintf(text, sizeof(text), "anon_inode:[");
	memset(text + n, 'a', 200);
	snprintf(text + n + 200, sizeof(text) - (size_t)n - 200, "]");
	struct pfd_target *t = new_target(text, true, 0600, 1);
	pfd_target_take_anon_name(t);
	assert_int_equal(kind_of(text, true, 0600, 1), PFD_KIND_ANON_INODE);
	assert_int_equal(strlen(t->anon_name), sizeof(t->anon_name) - 1);
	assert_memory_equal(t->anon_name, "[aaaa", 5);
	free(t);
}

/* Our own fd described both ways: the cheap form (no lookup in the root,
 * the access mode from fdinfo's flags) must say what the full one says of
 * every field the leak report shows. */
static void check_cheap_matches_full(int fd)
{
	struct pfd_fd_dir dir;
	struct pfd_target *full = calloc(1, sizeof(*full)), *cheap = calloc(1, sizeof(*cheap));
	assert_non_null(full);
	assert_non_null(cheap);
	assert_int_equal(pfd_fd_dir_open(&dir, getpid()), 0);
	assert_int_equal(pfd_describe_fd(getpid(), fd, 0, full), 0);
	assert_int_equal(pfd_describe_fd_in(&dir, fd, 0, PFD_DESCRIBE_NO_LOOKUP, cheap), 0);
	pfd_fd_dir_close(&dir);
	assert_string_equal(cheap->text, full->text);
	assert_string_equal(cheap->name, full->name);
	assert_int_equal(cheap->name_marked, full->name_marked);
	assert_int_equal(pfd_fdesc_kind(&cheap->fdesc), pfd_fdesc_kind(&full->fdesc));
	assert_int_equal(cheap->deleted, full->deleted);
	assert_int_equal(cheap->ino, full->ino);
	assert_int_equal(cheap->size, full->size);
	assert_int_equal(cheap->fd_flags, full->fd_flags);
	assert_string_equal(pfd_access_name(cheap->link_mode), pfd_access_name(full->link_mode));
	/* nothing to look up (a pipe), or not looked up */
	assert_int_equal(cheap->text_target, full->text_target == PFD_TEXT_NOT_A_PATH
						     ? PFD_TEXT_NOT_A_PATH : PFD_TEXT_NONE);
	free(full);
	free(cheap);
}

static void test_cheap_describe(void **state)
{
	(void)state;
	char path[] = "/tmp/pfd-test-target-XXXXXX";
	int rw = mkstemp(path);
	assert_true(rw >= 0);
	int ro = open(path, O_RDONLY), wo = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	int opath = open(path, O_PATH), dir = open("/tmp", O_RDONLY | O_DIRECTORY);
	int p[2], sv[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	int mfd = memfd_create("pfd-test", 0), efd = eventfd(0, EFD_CLOEXEC), ep = epoll_create1(0);
	assert_true(mfd >= 0 && efd >= 0 && ep >= 0);
	int fds[] = { rw, ro, wo, opath, dir, p[0], p[1], sv[0], mfd, efd, ep };
	for (size_t i = 0; i < ARRAY_LEN(fds); i++)
		check_cheap_matches_full(fds[i]);
	/* deleted: the name is told from the text without a lookup */
	assert_int_equal(unlink(path), 0);
	check_cheap_matches_full(rw);
	check_cheap_matches_full(opath);
	for (size_t i = 0; i < ARRAY_LEN(fds); i++)
		close(fds[i]);
	close(sv[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kinds),
		cmocka_unit_test(test_kinds_covered),
		cmocka_unit_test(test_text_len_respected),
		cmocka_unit_test(test_long_anon_name),
		cmocka_unit_test(test_cheap_describe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
