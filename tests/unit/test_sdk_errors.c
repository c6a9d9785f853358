/* procfd-trace: unit tests for the SDK's closed error set (include/procfd/
 * plugin.h): what a lower layer says beyond the set reaches a plugin as
 * -EIO. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <signal.h>
#include <unistd.h>

#include "procfd/writer.h"
#include "tracer/output/output.h"
#include "tracer/engine/plugin_api.h"

static void test_guard_keeps_the_set_and_maps_the_rest(void **state)
{
	(void)state;
	assert_int_equal(pfd_api_rc(0), 0);
	assert_int_equal(pfd_api_rc(7), 7);
	assert_int_equal(pfd_api_rc(-E2BIG), -E2BIG);
	assert_int_equal(pfd_api_rc(-ETIMEDOUT), -ETIMEDOUT);
	assert_int_equal(pfd_api_rc(-EFBIG), -EIO);
	assert_int_equal(pfd_api_rc(-EPIPE), -EIO);
}

/* A write the output refuses with EPIPE (its reader is gone): the plugin
 * that wrote the event gets -EIO. */
static void test_event_end_maps_a_write_error(void **state)
{
	(void)state;
	int p[2];
	assert_int_equal(pipe(p), 0);
	close(p[0]);
	signal(SIGPIPE, SIG_IGN);
	assert_int_equal(pfd_output_use_fd(p[1], true), 0);
	struct pfd_writer *w = pfd_event_begin("sdk_test", 1);
	assert_non_null(w);
	pfd_w_int(w, "n", 1);
	assert_int_equal(pfd_event_end(w), -EIO);
	pfd_output_close();
	close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guard_keeps_the_set_and_maps_the_rest),
		cmocka_unit_test(test_event_end_maps_a_write_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
