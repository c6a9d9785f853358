/* procfd-trace: unit tests for the guarded-read policy's pure parts
 * (tracer/engine/guarded_read.c): who is marked (a userfaultfd reported, a
 * fork inherits, exec forgets), and the parsers it decides with (smaps
 * VmFlags, mountinfo's FUSE types, a helper's sleep state, overlapping
 * reads). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <unistd.h>

#include "tracer/engine/guarded_read.h"
#include "tracer/engine/proctab.h"

static struct pfd_proc *proc_of(pid_t tid, pid_t pid)
{
	tcb_t *t = pfd_tcb_add(tid);
	assert_non_null(t);
	assert_int_equal(pfd_tcb_join_proc(t, pid), 0);
	return t->proc;
}

static void drop(pid_t tid)
{
	pfd_tcb_drop(pfd_tcb_find(tid));
}

static void test_uffd_marks_and_fork_inherits(void **state)
{
	(void)state;
	struct pfd_proc *parent = proc_of(101, 101), *thread = proc_of(102, 101);
	struct pfd_proc *child = proc_of(103, 103), *other = proc_of(104, 104);
	assert_false(pfd_guard_needed(parent));
	pfd_guard_note_uffd(parent);
	assert_true(pfd_guard_needed(parent));
	assert_true(pfd_guard_needed(thread)); /* threads share the process */
	assert_false(pfd_guard_needed(child));
	pfd_guard_on_fork(parent, child);
	assert_true(pfd_guard_needed(child));
	pfd_guard_on_fork(other, parent); /* an unmarked parent takes nothing away */
	assert_true(pfd_guard_needed(parent));
	assert_false(pfd_guard_needed(other));
	assert_false(pfd_guard_needed(NULL));
	for (pid_t tid = 101; tid <= 104; tid++)
		drop(tid);
}

/* exec replaces the memory: the userfaultfd mark goes (this test program's
 * own executable is not on FUSE, so nothing new is marked). */
static void test_exec_forgets_uffd(void **state)
{
	(void)state;
	struct pfd_proc *p = proc_of(getpid(), getpid());
	pfd_guard_note_uffd(p);
	pfd_guard_on_exec(p, getpid());
	assert_false(pfd_guard_needed(p));
	drop(getpid());
}

static void test_vmflags(void **state)
{
	(void)state;
	assert_true(pfd_guard_vmflags_uffd("VmFlags: rd wr mr mw me ac um \n"));
	assert_true(pfd_guard_vmflags_uffd("VmFlags: uw rd\n"));
	assert_true(pfd_guard_vmflags_uffd("VmFlags: rd ui"));
	assert_false(pfd_guard_vmflags_uffd("VmFlags: rd wr mr mw me ac sd \n"));
	assert_false(pfd_guard_vmflags_uffd("VmFlags: rd umx wr\n")); /* whole flags only */
	assert_false(pfd_guard_vmflags_uffd("Name: um\n"));
	assert_false(pfd_guard_vmflags_uffd("VmFlags:\n"));
}

static void test_mountinfo_fuse(void **state)
{
	(void)state;
	const char *sshfs = "84 29 0:45 / /mnt/remote rw,nosuid,nodev,relatime shared:45 - "
			    "fuse.sshfs host:/ rw,user_id=0,group_id=0\n";
	const char *plain = "85 29 0:46 / /mnt/f rw - fuse /dev/fuse rw,user_id=0\n";
	const char *blk = "86 29 0:47 / /mnt/b rw - fuseblk /dev/sdb1 rw\n";
	const char *tmpfs = "87 29 0:48 / /tmp rw,nosuid shared:3 - tmpfs tmpfs rw\n";
	const char *ctl = "88 29 0:49 / /sys/fs/fuse/connections rw - fusectl fusectl rw\n";
	assert_true(pfd_guard_mountinfo_fuse(sshfs, 0, 45));
	assert_false(pfd_guard_mountinfo_fuse(sshfs, 0, 46)); /* another device */
	assert_true(pfd_guard_mountinfo_fuse(plain, 0, 46));
	assert_true(pfd_guard_mountinfo_fuse(blk, 0, 47));
	assert_false(pfd_guard_mountinfo_fuse(tmpfs, 0, 48));
	assert_false(pfd_guard_mountinfo_fuse(ctl, 0, 49));
	assert_false(pfd_guard_mountinfo_fuse("garbage\n", 0, 45));
}

static void test_helper_sleep_state(void **state)
{
	(void)state;
	assert_true(pfd_guard_stat_sleeps("4242 (procfd-trace) S 1 2 3"));
	assert_true(pfd_guard_stat_sleeps("4242 (a) b) D 1 2 3")); /* a ')' in the comm */
	assert_false(pfd_guard_stat_sleeps("4242 (procfd-trace) R 1 2 3"));
	assert_false(pfd_guard_stat_sleeps("4242 (x) S) R 1"));
	assert_false(pfd_guard_stat_sleeps(""));
}

/* A stuck read blocks the pages it covers, from its first page's start to
 * its end, for its own process only. */
static void test_overlaps(void **state)
{
	(void)state;
	assert_true(pfd_guard_overlaps(7, 0x1100, 0x100, 7, 0x1000, 1)); /* same page, before */
	assert_true(pfd_guard_overlaps(7, 0x1100, 0x100, 7, 0x11ff, 1));
	assert_false(pfd_guard_overlaps(7, 0x1100, 0x100, 7, 0x1200, 8)); /* after its end */
	assert_false(pfd_guard_overlaps(7, 0x1100, 0x100, 7, 0x0ff0, 0x10)); /* page before */
	assert_false(pfd_guard_overlaps(7, 0x1100, 0x100, 8, 0x1100, 1)); /* another process */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uffd_marks_and_fork_inherits),
		cmocka_unit_test(test_exec_forgets_uffd),
		cmocka_unit_test(test_vmflags),
		cmocka_unit_test(test_mountinfo_fuse),
		cmocka_unit_test(test_helper_sleep_state),
		cmocka_unit_test(test_overlaps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
