/* procfd-trace: unit tests for the plugin limit (issue 21): as many extra
 * plugins as fit all run; one more is refused at start-up, loudly, with
 * status 2, instead of being left out. Each case runs pfd_main in a child:
 * it traces, and its state is per process. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfd/main.h"
#include "procfd/plugin.h"

/* Where each extra plugin's init writes its name: the parent reads it. */
static int init_fd = -1;

#define EXTRA(i)                                                               \
	static int extra##i##_init(void)                                           \
	{                                                                          \
		return write(init_fd, "extra" #i "\n", 7) == 7 ? 0 : -1;               \
	}                                                                          \
	static const struct pfd_plugin extra##i = { .name = "extra" #i,            \
						    .api = PFD_PLUGIN_API,             \
						    .init = extra##i##_init }
EXTRA(0);
EXTRA(1);
EXTRA(2);
EXTRA(3);

static const struct pfd_plugin *const all_extras[] = { &extra0, &extra1, &extra2, &extra3, NULL };

struct outcome {
	int status;        /* pfd_main's result, or -1 */
	char inits[64];    /* what the inits wrote */
	char stderr[1024]; /* what pfd_main said */
};

/* The first n of all_extras, NULL-terminated. */
static const struct pfd_plugin *const *first_extras(size_t n)
{
	static const struct pfd_plugin *list[5];
	for (size_t i = 0; i < n; i++)
		list[i] = all_extras[i];
	list[n] = NULL;
	return list;
}

static void read_all(int fd, char *buf, size_t size)
{
	size_t n = 0;
	ssize_t r;
	while (n + 1 < size && (r = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)r;
	buf[n] = '\0';
}

/* pfd_main(procfd-trace -o /dev/null -- true) with n extra plugins. */
static struct outcome run_with(size_t n)
{
	struct outcome o = { .status = -1 };
	int inits[2], err[2];
	assert_int_equal(pipe(inits), 0);
	assert_int_equal(pipe(err), 0);
	fflush(NULL);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(inits[0]);
		close(err[0]);
		init_fd = inits[1];
		dup2(err[1], STDERR_FILENO);
		char *argv[] = { "procfd-trace", "-o", "/dev/null", "--", "true", NULL };
		_exit(pfd_main(5, argv, first_extras(n)));
	}
	close(inits[1]);
	close(err[1]);
	read_all(inits[0], o.inits, sizeof(o.inits));
	read_all(err[0], o.stderr, sizeof(o.stderr));
	close(inits[0]);
	close(err[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st))
		o.status = WEXITSTATUS(st);
	return o;
}

static void test_limit_is_built_in_plus_extra(void **state)
{
	(void)state;
	assert_int_equal(PFD_MAX_EXTRA_PLUGINS, 3);
}

static void test_extras_up_to_the_limit_all_run(void **state)
{
	(void)state;
	struct outcome o = run_with(PFD_MAX_EXTRA_PLUGINS);
	assert_string_equal(o.stderr, "");
	assert_int_equal(o.status, 0);
	assert_string_equal(o.inits, "extra0\nextra1\nextra2\n");
}

static void test_one_extra_too_many_is_refused(void **state)
{
	(void)state;
	struct outcome o = run_with(PFD_MAX_EXTRA_PLUGINS + 1);
	assert_int_equal(o.status, 2);
	assert_string_equal(o.inits, ""); /* nothing ran */
	assert_non_null(strstr(o.stderr, "4 extra plugins given, at most 3 fit"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limit_is_built_in_plus_extra),
		cmocka_unit_test(test_extras_up_to_the_limit_all_run),
		cmocka_unit_test(test_one_extra_too_many_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
