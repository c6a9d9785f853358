/* procfd-trace: unit tests for the follow-up table's walks
 * (tracer/plugins/procfd/procfd_followup.c): a leading part of a link's text
 * is a follow-up only as the next step of a walk by the reading thread. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/plugins/procfd/procfd.h"
#include "procfd/syscalls.h"

#define READER 100
#define OTHER 101
#define TEXT "/tmp/pfdtest.abc/held (deleted)"

struct test_call {
	struct pfd_call call;
	struct pfd_path_args path;
};

static struct test_call *make_call(const char *name, const char *path, pid_t tid)
{
	static struct test_call c;
	memset(&c, 0, sizeof(c));
	c.path.desc = pfd_syscall_by_name(name);
	assert_non_null(c.path.desc);
	c.path.path = path;
	c.path.path_len = strlen(path);
	c.call.pid = READER;
	c.call.tid = tid;
	c.call.name = c.path.desc->name;
	c.call.path = &c.path;
	return &c;
}

/* A table that has seen READER's readlink of fd 3, whose text is TEXT. */
static struct pfd_fu_table *table_after_read(void)
{
	struct pfd_fu_table *t = NULL;
	struct pfd_link_read r = {
		.owner = READER, .fd = 3, .link_path = (char *)"/proc/self/fd/3",
		.link_len = strlen("/proc/self/fd/3"), .syscall = "readlink", .text = (char *)TEXT,
		.text_len = strlen(TEXT), .deleted = true, .walk_tid = READER,
	};
	pfd_fu_record(&t, &r);
	assert_non_null(t);
	return t;
}

/* The how of what find says of this call, or -1 for no follow-up. */
static int how_of(struct pfd_fu_table *t, const char *name, const char *path, pid_t tid,
		  bool *ends_walk)
{
	static struct pfd_followup fu;
	int key = pfd_fu_find(t, &make_call(name, path, tid)->call);
	if (key < 0)
		return -1;
	pfd_fu_fill(t, key, &fu);
	if (ends_walk)
		*ends_walk = fu.ends_walk;
	return (int)fu.how;
}

static void test_walk_steps_in_order(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	bool ends = true;
	assert_int_equal(how_of(t, "readlink", "/tmp", READER, NULL), PFD_FU_PREFIX);
	assert_int_equal(how_of(t, "readlink", "/tmp/pfdtest.abc", READER, NULL), PFD_FU_PREFIX);
	assert_int_equal(how_of(t, "readlink", TEXT, READER, &ends), PFD_FU_VERBATIM);
	assert_true(ends);
	pfd_fu_free(t);
}

static void test_lstat_walk(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	assert_int_equal(how_of(t, "lstat", "/tmp", READER, NULL), PFD_FU_PREFIX);
	assert_int_equal(how_of(t, "newfstatat", "/tmp/pfdtest.abc", READER, NULL), PFD_FU_PREFIX);
	pfd_fu_free(t);
}

static void test_skipped_component_is_no_walk(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	assert_int_equal(how_of(t, "lstat", "/tmp/pfdtest.abc", READER, NULL), -1);
	/* and the walk is over: its first step no longer counts */
	assert_int_equal(how_of(t, "readlink", "/tmp", READER, NULL), -1);
	pfd_fu_free(t);
}

static void test_rmdir_ends_the_walk(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	assert_int_equal(how_of(t, "rmdir", "/tmp", READER, NULL), -1);
	assert_int_equal(how_of(t, "readlink", "/tmp", READER, NULL), -1);
	pfd_fu_free(t);
}

static void test_other_call_ends_the_walk(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	assert_int_equal(how_of(t, "readlink", "/tmp", READER, NULL), PFD_FU_PREFIX);
	assert_int_equal(how_of(t, "openat", "/etc/passwd", READER, NULL), -1);
	assert_int_equal(how_of(t, "readlink", "/tmp/pfdtest.abc", READER, NULL), -1);
	pfd_fu_free(t);
}

static void test_other_thread_does_not_walk(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	bool ends = true;
	assert_int_equal(how_of(t, "readlink", "/tmp", OTHER, NULL), -1);
	/* the whole text is a follow-up from any thread, but ends no walk */
	assert_int_equal(how_of(t, "statx", TEXT, OTHER, &ends), PFD_FU_VERBATIM);
	assert_false(ends);
	/* the reader's walk is untouched by the other thread */
	assert_int_equal(how_of(t, "readlink", "/tmp", READER, NULL), PFD_FU_PREFIX);
	pfd_fu_free(t);
}

static void test_text_without_walk(void **state)
{
	(void)state;
	struct pfd_fu_table *t = table_after_read();
	bool ends = true;
	/* ls: statx of the text at once, no walk before it */
	assert_int_equal(how_of(t, "statx", TEXT, READER, &ends), PFD_FU_VERBATIM);
	assert_false(ends);
	pfd_fu_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_steps_in_order),
		cmocka_unit_test(test_lstat_walk),
		cmocka_unit_test(test_skipped_component_is_no_walk),
		cmocka_unit_test(test_rmdir_ends_the_walk),
		cmocka_unit_test(test_other_call_ends_the_walk),
		cmocka_unit_test(test_other_thread_does_not_walk),
		cmocka_unit_test(test_text_without_walk),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
