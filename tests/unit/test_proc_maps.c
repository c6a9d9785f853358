/* procfd-trace: unit tests for pfd_maps_parse_line and
 * pfd_maps_for_each_exec (tracer/stack/proc_maps.c): the lines of
 * /proc/<tid>/maps the stack service builds its module maps from. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/stack/proc_maps.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

struct line_case {
	const char *line;
	uint64_t start, end, offset;
	unsigned major, minor;
	uint64_t ino;
	bool exec;
	const char *name;
};

static const struct line_case cases[] = {
	{ "55d0c8a00000-55d0c8a05000 r-xp 00002000 fe:00 332835                     /usr/bin/cat\n",
	  0x55d0c8a00000, 0x55d0c8a05000, 0x2000, 0xfe, 0, 332835, true, "/usr/bin/cat" },
	{ "7f00aa000000-7f00aa001000 r--p 00000000 08:01 12 /lib/x86_64-linux-gnu/libc.so.6",
	  0x7f00aa000000, 0x7f00aa001000, 0, 8, 1, 12, false, "/lib/x86_64-linux-gnu/libc.so.6" },
	/* a name with spaces, and a deleted file keep the kernel's text */
	{ "400000-401000 r-xp 00000000 00:2a 77                         /tmp/my dir/a.out (deleted)\n",
	  0x400000, 0x401000, 0, 0, 0x2a, 77, true, "/tmp/my dir/a.out (deleted)" },
	{ "7ffd1b7f0000-7ffd1b7f2000 r-xp 00000000 00:00 0                          [vdso]\n",
	  0x7ffd1b7f0000, 0x7ffd1b7f2000, 0, 0, 0, 0, true, "[vdso]" },
	/* anonymous executable memory (a JIT) has no name */
	{ "7f1234560000-7f1234570000 rwxp 00000000 00:00 0 \n",
	  0x7f1234560000, 0x7f1234570000, 0, 0, 0, 0, true, "" },
	{ "7f1234560000-7f1234570000 rwxp 00000000 00:00 0",
	  0x7f1234560000, 0x7f1234570000, 0, 0, 0, 0, true, "" },
};

static void test_parse_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(cases); i++) {
		char buf[256];
		struct pfd_mapping m;
		snprintf(buf, sizeof(buf), "%s", cases[i].line);
		assert_int_equal(pfd_maps_parse_line(buf, &m), 0);
		assert_int_equal(m.start, cases[i].start);
		assert_int_equal(m.end, cases[i].end);
		assert_int_equal(m.offset, cases[i].offset);
		assert_int_equal(m.dev, makedev(cases[i].major, cases[i].minor));
		assert_int_equal(m.ino, cases[i].ino);
		assert_int_equal(m.exec, cases[i].exec);
		assert_string_equal(m.name, cases[i].name);
	}
}

static void test_reject_malformed(void **state)
{
	(void)state;
	const char *bad[] = { "", "garbage", "1000-2000 r-xp", "2000-1000 r-xp 0 00:00 0 x",
			      "1000-2000 r-xp 0 00:00" };
	for (size_t i = 0; i < ARRAY_LEN(bad); i++) {
		char buf[64];
		struct pfd_mapping m;
		snprintf(buf, sizeof(buf), "%s", bad[i]);
		assert_int_equal(pfd_maps_parse_line(buf, &m), -EINVAL);
	}
}

struct found {
	bool self, all_exec;
	uint64_t last_start;
	bool ordered;
};

static int note(const struct pfd_mapping *m, void *arg)
{
	struct found *f = arg;
	uintptr_t here = (uintptr_t)test_parse_lines;
	f->all_exec &= m->exec;
	f->ordered &= m->start >= f->last_start;
	f->last_start = m->start;
	if (here >= m->start && here < m->end)
		f->self = true;
	return 0;
}

/* Our own maps: this function's code is in an executable mapping. */
static void test_for_each_exec_of_self(void **state)
{
	(void)state;
	struct found f = { .all_exec = true, .ordered = true };
	assert_int_equal(pfd_maps_for_each_exec(getpid(), note, &f), 0);
	assert_true(f.self);
	assert_true(f.all_exec);
	assert_true(f.ordered);
}

static void test_gone_task_is_esrch(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	int status;
	struct found f = { 0 };
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(pfd_maps_for_each_exec(pid, note, &f), -ESRCH);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),
		cmocka_unit_test(test_reject_malformed),
		cmocka_unit_test(test_for_each_exec_of_self),
		cmocka_unit_test(test_gone_task_is_esrch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
