/* procfd-trace: unit tests for the leak tracker's fd creators
 * (tracer/plugins/leaks/leaks_newfds.c): the trap table, as the engine merges it
 * with the other built-in plugins' and as the kernel runs the filter built
 * from it, and the decisions that need no tracee memory. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <linux/audit.h>
#include <linux/ioctl.h>
#include <linux/net.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filters/seccomp_filter.h"
#include "tracer/plugins/leaks/leaks_track.h"
#include "filters/traps.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* The kernel's numbers (uapi headers), independent of the table's macros. */
#define NS_GET_USERNS 0xb701u
#define NS_GET_NSTYPE 0xb703u
#define NS_MNT_GET_INFO_V0 _IOC(_IOC_READ, 0xb7, 10, 16)
#define NS_MNT_GET_NEXT_V0 _IOC(_IOC_READ, 0xb7, 11, 16)
#define NS_MNT_GET_PREV_V1 _IOC(_IOC_READ, 0xb7, 12, 24) /* a later, larger struct */
#define PIDFD_GET_UTS_NAMESPACE 0xff0au
#define PIDFD_GET_INFO _IOC(_IOC_READ | _IOC_WRITE, 0xff, 11, 64)
#define TCGETS 0x5401u
#define KVM_CREATE_VM 0xae01u
#define KVM_RUN 0xae80u
#define BPF_MAP_CREATE 0
#define BPF_MAP_LOOKUP_ELEM 1
#define BPF_OBJ_GET_INFO_BY_FD 15
#define BPF_TOKEN_CREATE 36
#define SO_PEERPIDFD 77
#define SOL_SCTP 132
#define SCTP_SOCKOPT_PEELOFF 102

extern const struct pfd_plugin pfd_plugin_procfd, pfd_plugin_leaks, pfd_plugin_untraced,
	pfd_plugin_uffd, pfd_plugin_own_filter;

/* The built-in plugins, the leak tracker at index 1. */
static const struct pfd_plugin *const builtins[] = {
	&pfd_plugin_procfd, &pfd_plugin_leaks, &pfd_plugin_untraced, &pfd_plugin_uffd,
	&pfd_plugin_own_filter, NULL,
};
#define LEAKS_BIT (1u << 1)

static int setup(void **state)
{
	(void)state;
	const char *bad = NULL;
	return pfd_traps_init(builtins, 0, &bad) == 0 ? 0 : -1;
}

/* Each name is a syscall of x86-64 or i386 (a name neither has would stop
 * procfd-trace at start-up), and the engine takes the whole union, within
 * its per-syscall limit of conditions. */
static void test_names_exist(void **state)
{
	(void)state;
	for (const struct pfd_trap *t = leak_traps; t->syscall; t++) {
		bool somewhere = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, t->syscall) >= 0 ||
				 seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, t->syscall) >= 0;
		if (!somewhere)
			fail_msg("%s: no such syscall on x86_64 or i386", t->syscall);
	}
	const char *bad = NULL;
	assert_int_equal(pfd_traps_init(builtins, 0, &bad), 0);
}

struct sample {
	const char *syscall;
	uint64_t args[6];
	bool leaks;
};

/* Calls and whether the leak tracker stops for them. */
static const struct sample samples[] = {
	{ "ioctl", { 3, NS_GET_USERNS }, true },
	{ "ioctl", { 3, NS_GET_NSTYPE }, false },
	{ "ioctl", { 3, NS_MNT_GET_NEXT_V0 }, true },
	{ "ioctl", { 3, NS_MNT_GET_PREV_V1 }, true },
	{ "ioctl", { 3, NS_MNT_GET_INFO_V0 }, false },
	{ "ioctl", { 3, PIDFD_GET_UTS_NAMESPACE }, true },
	{ "ioctl", { 3, PIDFD_GET_INFO }, false },
	{ "ioctl", { 3, TCGETS }, false },
	{ "ioctl", { 3, KVM_CREATE_VM }, true },
	{ "ioctl", { 3, KVM_RUN }, false },
	{ "ioctl", { 3, 0xdead0000ull << 32 | NS_GET_USERNS }, true }, /* an int: low half */
	{ "bpf", { BPF_MAP_CREATE }, true },
	{ "bpf", { BPF_TOKEN_CREATE }, true },
	{ "bpf", { BPF_MAP_LOOKUP_ELEM }, false },
	{ "bpf", { BPF_OBJ_GET_INFO_BY_FD }, false },
	{ "seccomp", { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER }, true },
	{ "seccomp", { SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_TSYNC }, false },
	{ "getsockopt", { 3, SOL_SOCKET, SO_PEERPIDFD }, true },
	{ "getsockopt", { 3, SOL_SOCKET, SO_TYPE }, false },
	{ "socketcall", { SYS_GETSOCKOPT }, true },
	{ "socketcall", { SYS_SETSOCKOPT }, false },
	{ "mq_open", { 0 }, true },
	{ "fcntl", { 3, F_GETFL }, false },
};

static const struct {
	uint32_t scmp, audit;
} arches[] = { { SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64 }, { SCMP_ARCH_X86, AUDIT_ARCH_I386 } };

/* The engine's dispatch (every mode: without a filter it decides alone). */
static void test_engine_selects(void **state)
{
	(void)state;
	for (size_t a = 0; a < ARRAY_LEN(arches); a++) {
		for (size_t i = 0; i < ARRAY_LEN(samples); i++) {
			const struct sample *s = &samples[i];
			int nr = seccomp_syscall_resolve_name_arch(arches[a].scmp, s->syscall);
			if (nr < 0)
				continue; /* socketcall: i386 only */
			const struct trap_entry *e = pfd_traps_lookup(arches[a].audit, (uint32_t)nr);
			bool leaks = e && (pfd_traps_select(e, s->args) & LEAKS_BIT);
			if (leaks != s->leaks)
				fail_msg("arch %#x: %s(%#llx, %#llx, %#llx): leaks %s", arches[a].audit,
					 s->syscall, (unsigned long long)s->args[0],
					 (unsigned long long)s->args[1], (unsigned long long)s->args[2],
					 leaks ? "stops" : "does not stop");
		}
	}
}

/* The filter the tracee gets, run by the kernel: with no tracer attached,
 * SECCOMP_RET_TRACE fails the call with ENOSYS (seccomp(2)), so in a child
 * that installed it a trapped call says ENOSYS and an untrapped one its own
 * error (every call here is made on fd -1 or with no buffer). This checks
 * that libseccomp merged the IN and MASKED_EQ rules of one syscall (several
 * plugins' too) into a program that traps exactly what the engine's own
 * dispatch selects. */
static int kernel_verdict(const struct pfd_bpf *bpf, long nr, const uint64_t args[6])
{
	pid_t pid = fork();
	if (pid == 0) {
		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || pfd_filter_install(bpf) < 0)
			_exit(100);
		long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);
		_exit(r < 0 && errno == ENOSYS ? 1 : 0);
	}
	int status = 0;
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

static void test_kernel_runs_filter(void **state)
{
	(void)state;
	scmp_filter_ctx ctx;
	struct pfd_bpf bpf;
	assert_int_equal(pfd_filter_build(pfd_traps_all(), &ctx), 0);
	assert_int_equal(pfd_filter_export(ctx, &bpf), 0);
	seccomp_release(ctx);
	for (size_t i = 0; i < ARRAY_LEN(samples); i++) {
		const struct sample *s = &samples[i];
		int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, s->syscall);
		if (nr < 0 || strcmp(s->syscall, "mq_open") == 0)
			continue; /* not on x86-64; mq_open's NULL name: EFAULT either way */
		uint64_t args[6];
		memcpy(args, s->args, sizeof(args));
		if (strcmp(s->syscall, "ioctl") == 0 || strcmp(s->syscall, "getsockopt") == 0 ||
		    strcmp(s->syscall, "fcntl") == 0)
			args[0] = (uint64_t)-1; /* EBADF when it runs */
		/* whoever traps it: the filter is the union of every plugin's traps */
		const struct trap_entry *e = pfd_traps_lookup(AUDIT_ARCH_X86_64, (uint32_t)nr);
		bool trapped = e && pfd_traps_select(e, args) != 0;
		assert_true(trapped || !s->leaks);
		int v = kernel_verdict(&bpf, nr, args);
		if (v == 100)
			skip(); /* no seccomp here */
		if (v != (trapped ? 1 : 0))
			fail_msg("%s(%#llx, %#llx, %#llx): the kernel's verdict %d", s->syscall,
				 (unsigned long long)args[0], (unsigned long long)args[1],
				 (unsigned long long)args[2], v);
	}
	pfd_bpf_free(&bpf);
}

static struct pfd_call call(const char *name, uint64_t a0, uint64_t a1, uint64_t a2,
			    int64_t result)
{
	struct pfd_call c = { .pid = 1, .tid = 1, .audit_arch = AUDIT_ARCH_X86_64,
			      .arch = "x86_64", .name = name, .sc = pfd_syscall_by_name(name),
			      .args = { a0, a1, a2 }, .finished = true, .result = result };
	assert_non_null(c.sc);
	return c;
}

/* What the engine hands the leak tracker's on_enter: its trap that the
 * call's arguments select, and that trap's data. */
static const struct leak_how *how(const struct pfd_call *c)
{
	int nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86_64, c->name);
	uint32_t audit = AUDIT_ARCH_X86_64;
	if (nr < 0) {
		nr = seccomp_syscall_resolve_name_arch(SCMP_ARCH_X86, c->name);
		audit = AUDIT_ARCH_I386;
	}
	const struct trap_entry *e = nr >= 0 ? pfd_traps_lookup(audit, (uint32_t)nr) : NULL;
	const struct pfd_trap *t = e ? pfd_traps_fired(e, 1, c->args) : NULL;
	return leak_how_of(t);
}

static bool may_create(const struct pfd_call *c)
{
	return leak_call_may_create(NULL, c, how(c));
}

/* Forms the trap cannot tell apart, decided at entry from the registers. */
static void test_may_create(void **state)
{
	(void)state;
	struct pfd_call c = call("landlock_create_ruleset", 0x1000, 8, 0, 0);
	assert_true(may_create(&c));
	c.args[2] = 1; /* LANDLOCK_CREATE_RULESET_VERSION: a number */
	assert_false(may_create(&c));
	c.args[2] = 2; /* LANDLOCK_CREATE_RULESET_ERRATA: a bit mask */
	assert_false(may_create(&c));
	c = call("seccomp", SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER, 0, 0);
	assert_true(may_create(&c));
	c.args[0] = SECCOMP_SET_MODE_STRICT;
	assert_false(may_create(&c));
	c = call("getsockopt", 3, SOL_SOCKET, SO_PEERPIDFD, 0);
	assert_true(may_create(&c));
	c.args[1] = 0; /* SOL_IP: option 77 is something else there */
	assert_false(may_create(&c));
	c = call("getsockopt", 3, SOL_SCTP, SCTP_SOCKOPT_PEELOFF, 0);
	assert_true(may_create(&c));
	c.args[1] = SOL_SOCKET; /* 102 at SOL_SOCKET is not a peel-off */
	assert_false(may_create(&c));
}

/* Calls whose result is the new fd need no memory. */
static void test_result_is_the_fd(void **state)
{
	(void)state;
	static const char *const by_result[] = { "ioctl", "bpf", "seccomp", "mq_open",
						 "landlock_create_ruleset", "fsmount" };
	int fds[4];
	for (size_t i = 0; i < ARRAY_LEN(by_result); i++) {
		struct pfd_call c = call(by_result[i], 3, NS_GET_USERNS, 0, 9);
		assert_int_equal(leak_created_fds(NULL, &c, how(&c), fds, ARRAY_LEN(fds)), 1);
		assert_int_equal(fds[0], 9);
		assert_string_equal(leak_creator_name(&c, how(&c)), by_result[i]);
		c.result = -1;
		c.err = EPERM;
		assert_int_equal(leak_created_fds(NULL, &c, how(&c), fds, ARRAY_LEN(fds)), 0);
	}
	struct pfd_call sc = call("socketcall", SYS_GETSOCKOPT, 0, 0, 0);
	assert_string_equal(leak_creator_name(&sc, how(&sc)), "getsockopt");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_exist),
		cmocka_unit_test(test_engine_selects),
		cmocka_unit_test(test_kernel_runs_filter),
		cmocka_unit_test(test_may_create),
		cmocka_unit_test(test_result_is_the_fd),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
