/* procfd-trace: unit tests for the leak tracker's bookkeeping
 * (tracer/plugins/leaks/leaks_fds.c): fd tables as hashes, descriptions shared by
 * records, holders, and when a description is handed over for its report. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdlib.h>

#include "tracer/plugins/leaks/leaks_track.h"

/* ---- what the drain hands over, in order ---- */

static struct leak_desc *drained[64];
static int drained_fd[64];
static unsigned n_drained;

static void collect(struct leak_desc *d, void *arg)
{
	(void)arg;
	drained_fd[n_drained] = d->report->holders[d->report->primary].fd;
	drained[n_drained++] = d;
}

static void drain(bool all)
{
	n_drained = 0;
	leak_descs_drain(all, collect, NULL);
}

static struct leak_holder holder(pid_t pid, int fd)
{
	return (struct leak_holder){ .pid = pid, .fd = fd, .exe = "/bin/x", .cloexec = -1 };
}

/* fd -> a record of a new description made by pid; the table keeps it. */
static struct leak_desc *made(struct leak_table *t, int fd, pid_t pid)
{
	struct leak_desc *d = leak_desc_new(LEAK_MADE);
	assert_non_null(d);
	d->made.pid = pid;
	assert_int_equal(leak_table_set(t, leak_rec_new(fd, d, NULL, 0)), 0);
	leak_desc_put(d);
	return d;
}

static void test_table_hash_follows_records_not_numbers(void **state)
{
	(void)state;
	struct leak_table *t = leak_table_new();
	struct leak_desc *d = made(t, 19999, 1);
	assert_ptr_equal(leak_table_get(t, 19999)->desc, d);
	assert_null(leak_table_get(t, 19998));
	assert_true(t->cap <= 16); /* one record: a small table, whatever its number */
	for (int fd = 0; fd < 1000; fd++)
		made(t, fd * 7, 1);
	for (int fd = 0; fd < 1000; fd++)
		assert_int_equal(leak_table_get(t, fd * 7)->fd, fd * 7);
	assert_int_equal(t->used, 1001);
	assert_true(t->cap >= 2 * t->used && t->cap <= 4 * t->used);
	assert_int_equal(leak_records_live(), 1001);
	leak_table_put(t);
	assert_int_equal(leak_records_live(), 0);
	assert_int_equal(leak_descs_live(), 0); /* no holders: freed, never drained */
	drain(true);
	assert_int_equal(n_drained, 0);
}

static void test_replaced_slot_releases_its_record(void **state)
{
	(void)state;
	struct leak_table *t = leak_table_new();
	made(t, 5, 1);
	made(t, 5, 1); /* the number reused */
	assert_int_equal(t->used, 1);
	assert_int_equal(leak_records_live(), 1);
	assert_int_equal(leak_descs_live(), 1);
	leak_table_put(t);
	assert_int_equal(leak_descs_live(), 0);
}

/* A forked copy shares the records; the description is reported once its
 * last table is gone, with every holder. */
static void test_report_waits_for_the_last_table(void **state)
{
	(void)state;
	struct leak_table *parent = leak_table_new();
	struct leak_desc *d = made(parent, 3, 100);
	struct leak_table *child = leak_table_copy(parent);
	assert_ptr_equal(leak_table_get(child, 3)->desc, d);

	struct leak_holder h = holder(101, 3);
	assert_int_equal(leak_desc_add_holder(d, &h), 1); /* the first is primary */
	leak_table_put(child);
	drain(false);
	assert_int_equal(n_drained, 0); /* the parent may still hold it */

	h = holder(100, 3);
	assert_int_equal(leak_desc_add_holder(d, &h), 1); /* its maker: primary now */
	leak_table_put(parent);
	drain(false);
	assert_int_equal(n_drained, 1);
	assert_int_equal(leak_descs_live(), 0);
}

static void test_dup_shares_the_description(void **state)
{
	(void)state;
	struct leak_table *t = leak_table_new();
	struct leak_desc *d = made(t, 3, 1);
	struct leak_site dup2 = { .syscall = "dup2", .pid = 1, .tid = 1 };
	assert_int_equal(leak_table_set(t, leak_rec_new(60, d, &dup2, 0)), 0);
	assert_ptr_equal(leak_table_get(t, 60)->desc, d);
	assert_string_equal(leak_table_get(t, 60)->installed->syscall, "dup2");
	assert_null(leak_table_get(t, 3)->installed);
	struct leak_holder a = holder(1, 3), b = holder(1, 60);
	assert_int_equal(leak_desc_add_holder(d, &a), 1);
	assert_int_equal(leak_desc_add_holder(d, &b), 0);
	leak_table_put(t);
	drain(false);
	assert_int_equal(n_drained, 1);
	assert_int_equal(drained_fd[0], 3);
}

/* Ready descriptions come by holder pid, then fd; at the end, those still
 * referred to come too, and are freed only with their last reference. */
static void test_drain_order_and_the_end(void **state)
{
	(void)state;
	struct leak_table *t = leak_table_new(), *live = leak_table_new();
	int fds[] = { 9, 4, 7 };
	for (unsigned i = 0; i < 3; i++) {
		struct leak_desc *d = made(t, fds[i], 1);
		struct leak_holder h = holder(1, fds[i]);
		leak_desc_add_holder(d, &h);
	}
	struct leak_desc *kept = made(live, 8, 2);
	struct leak_holder h = holder(2, 8);
	leak_desc_add_holder(kept, &h);
	leak_table_put(t);
	drain(false);
	assert_int_equal(n_drained, 3);
	assert_int_equal(drained_fd[0], 4);
	assert_int_equal(drained_fd[1], 7);
	assert_int_equal(drained_fd[2], 9);
	drain(true);
	assert_int_equal(n_drained, 1);
	assert_ptr_equal(drained[0], kept);
	assert_int_equal(leak_descs_live(), 1);
	leak_table_put(live);
	drain(true);
	assert_int_equal(n_drained, 0); /* reported already */
	assert_int_equal(leak_descs_live(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_table_hash_follows_records_not_numbers),
		cmocka_unit_test(test_replaced_slot_releases_its_record),
		cmocka_unit_test(test_report_waits_for_the_last_table),
		cmocka_unit_test(test_dup_shares_the_description),
		cmocka_unit_test(test_drain_order_and_the_end),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
