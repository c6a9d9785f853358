/* procfd-trace: unit tests for the say service (tracer/engine/say.c):
 * pfd_say_once says a topic once per process, each topic on its own, and a
 * process that goes is forgotten, so a new one with its pid is told anew.
 * stderr is a temporary file here, read back after each step. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfd/plugin.h"
#include "tracer/engine/proctab.h"

static int saved_stderr = -1;
static FILE *captured;

static int capture_stderr(void **state)
{
	(void)state;
	captured = tmpfile();
	saved_stderr = dup(STDERR_FILENO);
	if (!captured || saved_stderr < 0 || dup2(fileno(captured), STDERR_FILENO) < 0)
		return -1;
	return 0;
}

static int restore_stderr(void **state)
{
	(void)state;
	dup2(saved_stderr, STDERR_FILENO);
	close(saved_stderr);
	fclose(captured);
	return 0;
}

/* What was written to stderr since the last call. */
static const char *said_since(void)
{
	static char buf[4096];
	size_t n = (size_t)pread(STDERR_FILENO, buf, sizeof(buf) - 1, 0);
	buf[n < sizeof(buf) ? n : 0] = '\0';
	if (ftruncate(STDERR_FILENO, 0) == 0)
		lseek(STDERR_FILENO, 0, SEEK_SET);
	return buf;
}

static tcb_t *thread_of(pid_t tid, pid_t pid)
{
	tcb_t *t = pfd_tcb_add(tid);
	assert_non_null(t);
	assert_int_equal(pfd_tcb_join_proc(t, pid), 0);
	return t;
}

static void test_line_is_prefixed_and_whole(void **state)
{
	(void)state;
	said_since();
	pfd_say("pid 7 did a thing");
	assert_string_equal(said_since(), "procfd-trace: pid 7 did a thing\n");
}

static void test_once_per_process_across_threads(void **state)
{
	(void)state;
	tcb_t *a = thread_of(1001, 1001), *b = thread_of(1002, 1001);
	said_since();
	assert_false(pfd_said(a, "t:one"));
	assert_true(pfd_say_once(a, "t:one", "first"));
	assert_false(pfd_say_once(b, "t:one", "second")); /* another thread, same process */
	assert_false(pfd_say_once(a, "t:one", "third"));
	assert_true(pfd_said(b, "t:one"));
	assert_string_equal(said_since(), "procfd-trace: first\n");
	pfd_tcb_drop(a);
	pfd_tcb_drop(b);
}

static void test_each_topic_on_its_own(void **state)
{
	(void)state;
	tcb_t *a = thread_of(2001, 2001);
	char topic[16];
	said_since();
	assert_true(pfd_say_once(a, "t:one", "one"));
	strcpy(topic, "t:two"); /* compared by content, not by pointer */
	assert_true(pfd_say_once(a, topic, "two"));
	strcpy(topic, "t:one");
	assert_false(pfd_say_once(a, topic, "one again"));
	assert_string_equal(said_since(), "procfd-trace: one\nprocfd-trace: two\n");
	pfd_tcb_drop(a);
}

static void test_each_process_on_its_own(void **state)
{
	(void)state;
	tcb_t *a = thread_of(3001, 3001), *b = thread_of(3002, 3002);
	said_since();
	assert_true(pfd_say_once(a, "t:one", "to a"));
	assert_false(pfd_said(b, "t:one"));
	assert_true(pfd_say_once(b, "t:one", "to b"));
	assert_string_equal(said_since(), "procfd-trace: to a\nprocfd-trace: to b\n");
	pfd_tcb_drop(a);
	pfd_tcb_drop(b);
}

/* The process record goes with its last thread, and what it was told with
 * it: a new process that gets the pid is told anew. One thread going is
 * not the process going. */
static void test_forgotten_when_the_process_goes(void **state)
{
	(void)state;
	tcb_t *a = thread_of(4001, 4001), *b = thread_of(4002, 4001);
	said_since();
	assert_true(pfd_say_once(a, "t:one", "old"));
	pfd_tcb_drop(a);
	assert_true(pfd_said(b, "t:one"));
	pfd_tcb_drop(b);
	assert_null(pfd_proc_find(4001));
	tcb_t *c = thread_of(4001, 4001);
	assert_false(pfd_said(c, "t:one"));
	assert_true(pfd_say_once(c, "t:one", "new"));
	assert_string_equal(said_since(), "procfd-trace: old\nprocfd-trace: new\n");
	pfd_tcb_drop(c);
}

static void test_null_tracee_is_once_a_run(void **state)
{
	(void)state;
	tcb_t *a = thread_of(5001, 5001);
	said_since();
	assert_true(pfd_say_once(NULL, "t:run", "run"));
	assert_false(pfd_say_once(NULL, "t:run", "run again"));
	assert_false(pfd_said(a, "t:run")); /* not a process's topic */
	assert_string_equal(said_since(), "procfd-trace: run\n");
	pfd_tcb_drop(a);
}

/* No process record to remember it by: told each time, never silenced. */
static void test_without_a_process_record_said_each_time(void **state)
{
	(void)state;
	tcb_t *t = pfd_tcb_add(6001);
	assert_non_null(t);
	said_since();
	assert_true(pfd_say_once(t, "t:one", "a"));
	assert_true(pfd_say_once(t, "t:one", "b"));
	assert_string_equal(said_since(), "procfd-trace: a\nprocfd-trace: b\n");
	pfd_tcb_drop(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_line_is_prefixed_and_whole),
		cmocka_unit_test(test_once_per_process_across_threads),
		cmocka_unit_test(test_each_topic_on_its_own),
		cmocka_unit_test(test_each_process_on_its_own),
		cmocka_unit_test(test_forgotten_when_the_process_goes),
		cmocka_unit_test(test_null_tracee_is_once_a_run),
		cmocka_unit_test(test_without_a_process_record_said_each_time),
	};
	return cmocka_run_group_tests(tests, capture_stderr, restore_stderr);
}
