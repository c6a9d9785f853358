/* procfd-trace: unit tests for the waiting policy's verdict
 * (tracer/engine/waiting.c). The cycles are rounds measured on the 2-core VM with
 * a debug build: tracer and command on one CPU, and split. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "tracer/engine/waiting.h"

#define US(...) { __VA_ARGS__ }
#define N 24

/* The verdict on N rounds of each way given in us, as a first trial. */
static bool first_verdict(const unsigned *sleep_us, const unsigned *poll_us, bool was_poll,
			  unsigned *epoch)
{
	uint64_t s[N], p[N];
	for (unsigned i = 0; i < N; i++) {
		s[i] = (uint64_t)sleep_us[i] * 1000u;
		p[i] = (uint64_t)poll_us[i] * 1000u;
	}
	*epoch = 0;
	return pfd_wait_verdict(s, N, p, N, was_poll, epoch);
}

/* Both on one CPU: a poll usually finds the stop at once (the tracee took
 * the CPU at the resume), but a third of the rounds wait out the window. Its
 * median is lower than sleeping's, its cost is not: sleeping must win. */
static void test_shared_cpu_tail_makes_sleep_win(void **state)
{
	(void)state;
	static const unsigned sleep_us[N] = US(12, 12, 13, 11, 13, 11, 12, 11, 13, 11, 12, 11,
					       12, 11, 13, 11, 12, 11, 13, 38, 15, 12, 13, 11);
	static const unsigned poll_us[N] = US(11, 10, 11, 25, 11, 26, 11, 10, 27, 10, 11, 26,
					      11, 10, 27, 11, 11, 26, 11, 27, 11, 10, 11, 25);
	unsigned epoch;
	assert_false(first_verdict(sleep_us, poll_us, true, &epoch));
	assert_int_equal(epoch, PFD_WAIT_EPOCH_MIN);
}

/* Split: sleeping pays a wake-up of the other CPU every round. One long
 * round (the tracee worked) in the polling block does not turn it. */
static void test_split_polls(void **state)
{
	(void)state;
	static const unsigned sleep_us[N] = US(55, 49, 51, 75, 64, 50, 61, 59, 63, 52, 48, 57,
					       55, 49, 51, 75, 64, 50, 61, 59, 63, 52, 48, 57);
	static const unsigned poll_us[N] = US(20, 19, 21, 20, 18, 2000, 20, 19, 22, 20, 21, 19,
					      20, 19, 21, 20, 18, 20, 20, 19, 22, 20, 21, 19);
	unsigned epoch;
	assert_true(first_verdict(sleep_us, poll_us, false, &epoch));
	assert_int_equal(epoch, PFD_WAIT_EPOCH_MIN);
}

/* A verdict that confirms the last doubles the epoch up to the cap; one that
 * changes it starts over. Without rounds of both ways nothing changes. */
static void test_epoch_grows_while_confirmed(void **state)
{
	(void)state;
	uint64_t s[N], p[N];
	unsigned epoch = PFD_WAIT_EPOCH_MIN;
	for (unsigned i = 0; i < 20; i++) {
		for (unsigned k = 0; k < N; k++) {
			s[k] = 50000;
			p[k] = 20000;
		}
		assert_true(pfd_wait_verdict(s, N, p, N, true, &epoch));
	}
	assert_int_equal(epoch, PFD_WAIT_EPOCH_MAX);
	for (unsigned k = 0; k < N; k++)
		p[k] = 90000;
	assert_false(pfd_wait_verdict(s, N, p, N, true, &epoch));
	assert_int_equal(epoch, PFD_WAIT_EPOCH_MIN);
	unsigned before = epoch;
	assert_false(pfd_wait_verdict(s, 0, p, N, false, &epoch));
	assert_true(pfd_wait_verdict(s, N, p, 0, true, &epoch));
	assert_int_equal(epoch, before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shared_cpu_tail_makes_sleep_win),
		cmocka_unit_test(test_split_polls),
		cmocka_unit_test(test_epoch_grows_while_confirmed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
