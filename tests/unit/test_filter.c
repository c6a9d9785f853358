/* procfd-trace: unit tests for the seccomp filter (filters/seccomp_filter.c).
 *
 * The filter is exported as classic BPF (seccomp_export_bpf: libseccomp 2.5
 * has no _mem variant, so through a tmpfile) and run by a small interpreter
 * below over hand-made struct seccomp_data: no kernel involved. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "filters/seccomp_filter.h"
#include "procfd/syscalls.h"
#include "filters/traps.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define X32_BIT 0x40000000u
#define RET_ACTION(r) ((r) & SECCOMP_RET_ACTION_FULL)
#define RET_DATA(r) ((r) & SECCOMP_RET_DATA)

/* ---- a classic BPF interpreter, for what libseccomp emits --------------- */

struct prog {
	struct sock_filter *insns;
	size_t len;
};

static uint32_t load_word(const struct seccomp_data *d, uint32_t off)
{
	if (off % 4 != 0 || off > sizeof(*d) - 4)
		fail_msg("BPF load at bad offset %u", off);
	uint32_t w;
	memcpy(&w, (const char *)d + off, sizeof(w));
	return w;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_ADD: return a + v;
	case BPF_SUB: return a - v;
	case BPF_MUL: return a * v;
	case BPF_OR: return a | v;
	case BPF_AND: return a & v;
	case BPF_XOR: return a ^ v;
	case BPF_LSH: return v < 32 ? a << v : 0;
	case BPF_RSH: return v < 32 ? a >> v : 0;
	case BPF_DIV:
		if (v == 0)
			fail_msg("BPF division by zero");
		return a / v;
	case BPF_MOD:
		if (v == 0)
			fail_msg("BPF modulo by zero");
		return a % v;
	default:
		fail_msg("unknown BPF ALU op %#x", op);
	}
	return 0;
}

static bool jump_taken(uint16_t op, uint32_t a, uint32_t v)
{
	switch (op) {
	case BPF_JEQ: return a == v;
	case BPF_JGT: return a > v;
	case BPF_JGE: return a >= v;
	case BPF_JSET: return (a & v) != 0;
	default:
		fail_msg("unknown BPF jump op %#x", op);
	}
	return false;
}

static uint32_t bpf_run(const struct prog *p, const struct seccomp_data *d)
{
	uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
	size_t pc = 0;

	for (size_t steps = 0; steps <= p->len; steps++) {
		if (pc >= p->len)
			fail_msg("BPF ran off the end (pc %zu of %zu)", pc, p->len);
		const struct sock_filter *in = &p->insns[pc++];
		uint16_t code = in->code;
		uint32_t k = in->k;

		switch (BPF_CLASS(code)) {
		case BPF_LD:
			if (code == (BPF_LD | BPF_W | BPF_ABS))
				a = load_word(d, k);
			else if (code == (BPF_LD | BPF_IMM))
				a = k;
			else if (code == (BPF_LD | BPF_MEM) && k < BPF_MEMWORDS)
				a = mem[k];
			else if (code == (BPF_LD | BPF_W | BPF_LEN))
				a = sizeof(*d);
			else
				fail_msg("unknown BPF load %#x at %zu", code, pc - 1);
			break;
		case BPF_LDX:
			if (code == (BPF_LDX | BPF_IMM))
				x = k;
			else if (code == (BPF_LDX | BPF_MEM) && k < BPF_MEMWORDS)
				x = mem[k];
			else if (code == (BPF_LDX | BPF_W | BPF_LEN))
				x = sizeof(*d);
			else
				fail_msg("unknown BPF load-x %#x at %zu", code, pc - 1);
			break;
		case BPF_ST:
			if (code != BPF_ST || k >= BPF_MEMWORDS)
				fail_msg("bad BPF store %#x/%u at %zu", code, k, pc - 1);
			mem[k] = a;
			break;
		case BPF_STX:
			if (code != BPF_STX || k >= BPF_MEMWORDS)
				fail_msg("bad BPF store-x %#x/%u at %zu", code, k, pc - 1);
			mem[k] = x;
			break;
		case BPF_ALU:
			if (BPF_OP(code) == BPF_NEG)
				a = -a;
			else
				a = alu(BPF_OP(code), a, BPF_SRC(code) == BPF_X ? x : k);
			break;
		case BPF_JMP: {
			size_t target;
			if (BPF_OP(code) == BPF_JA) {
				if (BPF_SRC(code) != BPF_K)
					fail_msg("bad BPF_JA %#x", code);
				target = pc + k;
			} else {
				uint32_t v = BPF_SRC(code) == BPF_X ? x : k;
				target = pc + (jump_taken(BPF_OP(code), a, v) ? in->jt : in->jf);
			}
			if (target >= p->len)
				fail_msg("BPF jump out of the program at %zu", pc - 1);
			pc = target;
			break;
		}
		case BPF_RET:
			if (BPF_RVAL(code) == BPF_K)
				return k;
			if (BPF_RVAL(code) == BPF_A)
				return a;
			fail_msg("unknown BPF return %#x", code);
			break;
		case BPF_MISC:
			if (BPF_MISCOP(code) == BPF_TAX)
				x = a;
			else if (BPF_MISCOP(code) == BPF_TXA)
				a = x;
			else
				fail_msg("unknown BPF misc %#x", code);
			break;
		default:
			fail_msg("unknown BPF class in %#x", code);
		}
	}
	fail_msg("BPF program did not return");
	return 0;
}

/* ---- building and exporting the filter --------------------------------- */

/* The engine's table for the same names, to compare with the filter. */
static struct pfd_trap map_traps[256];
static const struct pfd_plugin map_plugin = {
	.name = "names", .api = PFD_PLUGIN_API, .traps = map_traps,
};

static int init_map(const char **names)
{
	static const struct pfd_plugin *const plugins[] = { &map_plugin, NULL };
	const char *bad = NULL;
	size_t n = 0;
	for (; names[n] && n + 1 < ARRAY_LEN(map_traps); n++)
		map_traps[n] = (struct pfd_trap){ .syscall = names[n] };
	map_traps[n] = (struct pfd_trap){ 0 };
	return pfd_traps_init(plugins, 0, &bad);
}

/* Names as the traps of one plugin, every call of each. */
static int build_names(const char *const *names, scmp_filter_ctx *ctx)
{
	static struct pfd_trap traps[256];
	static const struct pfd_trap *list[257];
	size_t n = 0;
	for (; names[n]; n++) {
		assert_true(n < ARRAY_LEN(traps));
		traps[n] = (struct pfd_trap){ .syscall = names[n] };
		list[n] = &traps[n];
	}
	list[n] = NULL;
	return pfd_filter_build(list, ctx);
}

static const char **all_names(void)
{
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	const char **names = calloc(n + 1, sizeof(*names));
	assert_non_null(names);
	for (size_t i = 0; i < n; i++)
		names[i] = t[i].name;
	return names;
}

/* The very program the tracer installs in its child (pfd_filter_export). */
static struct prog export_prog(scmp_filter_ctx ctx)
{
	struct pfd_bpf bpf;
	assert_int_equal(pfd_filter_export(ctx, &bpf), 0);
	assert_true(bpf.len > 0 && bpf.len <= BPF_MAXINSNS);
	struct prog p = { bpf.insns, bpf.len };
	return p;
}

static struct prog prog;

static int setup(void **state)
{
	(void)state;
	const char **names = all_names();
	scmp_filter_ctx ctx;
	int rc = build_names(names, &ctx);
	if (rc == 0)
		rc = init_map(names);
	free(names);
	if (rc != 0)
		return -1;
	prog = export_prog(ctx);
	seccomp_release(ctx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(prog.insns);
	return 0;
}

static uint32_t run_args(uint32_t arch, uint64_t nr, const uint64_t args[6])
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = (int)(uint32_t)nr;
	d.arch = arch;
	d.instruction_pointer = 0x401000;
	memcpy(d.args, args, sizeof(d.args));
	return bpf_run(&prog, &d);
}

static uint32_t run(uint32_t arch, uint64_t nr)
{
	struct seccomp_data d;
	memset(&d, 0, sizeof(d));
	d.nr = (int)(uint32_t)nr;
	d.arch = arch;
	d.instruction_pointer = 0x401000;
	for (int i = 0; i < 6; i++)
		d.args[i] = 0x1111111111111111ull * (uint64_t)(i + 1);
	return bpf_run(&prog, &d);
}

struct arch {
	const char *name;
	uint32_t scmp;
	uint32_t audit;
	uint32_t base; /* bits ORed into the number */
};

static const struct arch arches[] = {
	{ "x86_64", SCMP_ARCH_X86_64, AUDIT_ARCH_X86_64, 0 },
	{ "i386", SCMP_ARCH_X86, AUDIT_ARCH_I386, 0 },
	{ "x32", SCMP_ARCH_X32, AUDIT_ARCH_X86_64, X32_BIT },
};

static void expect_trace(const struct arch *a, const char *name, uint32_t nr, uint32_t ret,
			 unsigned index)
{
	if (RET_ACTION(ret) != SECCOMP_RET_TRACE || RET_DATA(ret) != index)
		fail_msg("%s: %s (%#x) gives %#x, want TRACE data %u", a->name, name, nr, ret,
			 index);
}

/* ---- the tests --------------------------------------------------------- */

static void test_every_name_traced(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t ai = 0; ai < ARRAY_LEN(arches); ai++) {
		const struct arch *a = &arches[ai];
		size_t traced = 0;
		for (size_t i = 0; i < n; i++) {
			int nr = seccomp_syscall_resolve_name_arch(a->scmp, t[i].name);
			if (nr < 0)
				continue; /* absent on this arch */
			assert_int_equal((uint32_t)nr & X32_BIT, a->base);
			expect_trace(a, t[i].name, (uint32_t)nr, run(a->audit, (uint32_t)nr), PFD_FILTER_TRACE_DATA);
			traced++;
		}
		assert_true(traced > 10);
	}
}

/* Known numbers, independent of libseccomp's tables. */
static void test_known_numbers(void **state)
{
	(void)state;
	const struct arch *x86_64 = &arches[0], *i386 = &arches[1], *x32 = &arches[2];
	expect_trace(x86_64, "open", 2, run(AUDIT_ARCH_X86_64, 2), PFD_FILTER_TRACE_DATA);
	expect_trace(x86_64, "openat2", 437, run(AUDIT_ARCH_X86_64, 437), PFD_FILTER_TRACE_DATA);
	expect_trace(i386, "stat64", 195, run(AUDIT_ARCH_I386, 195), PFD_FILTER_TRACE_DATA);
	expect_trace(i386, "fstatat64", 300, run(AUDIT_ARCH_I386, 300), PFD_FILTER_TRACE_DATA);
	expect_trace(x32, "execve", X32_BIT | 520, run(AUDIT_ARCH_X86_64, X32_BIT | 520), PFD_FILTER_TRACE_DATA);
	/* i386 2 is fork, 4 is write: x86_64's open and stat must not leak */
	assert_int_equal(run(AUDIT_ARCH_I386, 2), SECCOMP_RET_ALLOW);
	assert_int_equal(run(AUDIT_ARCH_I386, 4), SECCOMP_RET_ALLOW);
	/* x32's execve is 520: plain 59 with the bit is not a call there */
	assert_int_equal(RET_ACTION(run(AUDIT_ARCH_X86_64, X32_BIT | 59)) == SECCOMP_RET_TRACE,
			 0);
}

static void test_untrapped_allowed(void **state)
{
	(void)state;
	static const char *const others[] = { "read", "write", "getpid", "mmap", "mmap2",
					      "lseek", "fstat", "exit_group", "futex" };
	for (size_t ai = 0; ai < ARRAY_LEN(arches); ai++) {
		const struct arch *a = &arches[ai];
		size_t checked = 0;
		for (size_t i = 0; i < ARRAY_LEN(others); i++) {
			int nr = seccomp_syscall_resolve_name_arch(a->scmp, others[i]);
			if (nr < 0)
				continue;
			uint32_t ret = run(a->audit, (uint32_t)nr);
			if (ret != SECCOMP_RET_ALLOW)
				fail_msg("%s: %s (%#x) gives %#x, want ALLOW", a->name, others[i],
					 (uint32_t)nr, ret);
			checked++;
		}
		assert_true(checked >= 6);
	}
}

/* Exhaustively: trapped iff the map knows the number, with its index. */
static void test_filter_agrees_with_map(void **state)
{
	(void)state;
	for (size_t ai = 0; ai < ARRAY_LEN(arches); ai++) {
		const struct arch *a = &arches[ai];
		for (uint32_t nr = 0; nr < 1100; nr++) {
			uint32_t full = a->base | nr;
			uint32_t ret = run(a->audit, full);
			const struct trap_entry *e = pfd_traps_lookup(a->audit, full);
			if (e)
				expect_trace(a, e->name, full, ret, PFD_FILTER_TRACE_DATA);
			else if (ret != SECCOMP_RET_ALLOW)
				fail_msg("%s: %#x gives %#x, want ALLOW", a->name, full, ret);
		}
	}
}

/* The bad-arch action is allow: a tracee on an arch we did not list is never
 * killed, whatever the number. */
static void test_unknown_arch_allowed(void **state)
{
	(void)state;
	static const uint32_t others[] = { AUDIT_ARCH_AARCH64, AUDIT_ARCH_ARM, 0,
					   AUDIT_ARCH_X86_64 & ~__AUDIT_ARCH_64BIT };
	static const uint64_t nrs[] = { 0, 2, 4, 5, 56, 79, 195, 257, 262, 437, X32_BIT | 2,
					0xffffffff };
	for (size_t i = 0; i < ARRAY_LEN(others); i++)
		for (size_t j = 0; j < ARRAY_LEN(nrs); j++) {
			uint32_t ret = run(others[i], nrs[j]);
			if (ret != SECCOMP_RET_ALLOW)
				fail_msg("arch %#x nr %#llx gives %#x, want ALLOW", others[i],
					 (unsigned long long)nrs[j], ret);
		}
}

/* Odd numbers on the known arches: never a kill, never a trap. */
static void test_odd_numbers_allowed(void **state)
{
	(void)state;
	static const uint32_t nrs[] = { 0xffffffff, 0x7fffffff, 0x80000000, X32_BIT | 0xffff,
					0x3fffffff, 1u << 20 };
	for (size_t i = 0; i < ARRAY_LEN(nrs); i++) {
		assert_int_equal(run(AUDIT_ARCH_X86_64, nrs[i]), SECCOMP_RET_ALLOW);
		assert_int_equal(run(AUDIT_ARCH_I386, nrs[i]), SECCOMP_RET_ALLOW);
	}
	/* the x32 bit on i386 means nothing: i386 open (5) with it is not open */
	assert_int_equal(run(AUDIT_ARCH_I386, X32_BIT | 5), SECCOMP_RET_ALLOW);
}

static void test_attributes(void **state)
{
	(void)state;
	const char **names = all_names();
	scmp_filter_ctx ctx;
	assert_int_equal(build_names(names, &ctx), 0);
	free(names);
	uint32_t v = 12345;
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_DEFAULT, &v), 0);
	assert_int_equal(v, SCMP_ACT_ALLOW);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_ACT_BADARCH, &v), 0);
	assert_int_equal(v, SCMP_ACT_ALLOW);
	assert_int_equal(seccomp_attr_get(ctx, SCMP_FLTATR_CTL_NNP, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X86_64), 0);
	assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X86), 0);
	assert_int_equal(seccomp_arch_exist(ctx, SCMP_ARCH_X32), 0);
	seccomp_release(ctx);
}

static void test_build_errors(void **state)
{
	(void)state;
	/* not a syscall at all */
	const char *bogus[] = { "open", "no_such_syscall", NULL };
	scmp_filter_ctx ctx = (scmp_filter_ctx)&ctx;
	int rc = build_names(bogus, &ctx);
	assert_true(rc < 0);
	assert_int_equal(rc, -EINVAL);
	assert_ptr_equal(ctx, (scmp_filter_ctx)&ctx); /* untouched on failure */

	/* a real syscall that takes no path: any call can be trapped now */
	const char *not_ours[] = { "getpid", NULL };
	rc = build_names(not_ours, &ctx);
	assert_int_equal(rc, 0);
	seccomp_release(ctx);
}

/* Two plugins may ask for the same call; an empty set traps nothing. */
static void test_build_subsets(void **state)
{
	(void)state;
	const char *dup[] = { "openat", "stat64", "openat", NULL };
	scmp_filter_ctx ctx;
	assert_int_equal(build_names(dup, &ctx), 0);
	struct prog saved = prog;
	prog = export_prog(ctx);
	seccomp_release(ctx);
	unsigned openat = PFD_FILTER_TRACE_DATA, stat64 = PFD_FILTER_TRACE_DATA;
	expect_trace(&arches[0], "openat", 257, run(AUDIT_ARCH_X86_64, 257), openat);
	expect_trace(&arches[1], "openat", 295, run(AUDIT_ARCH_I386, 295), openat);
	expect_trace(&arches[1], "stat64", 195, run(AUDIT_ARCH_I386, 195), stat64);
	expect_trace(&arches[2], "openat", X32_BIT | 257, run(AUDIT_ARCH_X86_64, X32_BIT | 257),
		     openat);
	assert_int_equal(run(AUDIT_ARCH_X86_64, 2), SECCOMP_RET_ALLOW);  /* open */
	assert_int_equal(run(AUDIT_ARCH_X86_64, 4), SECCOMP_RET_ALLOW);  /* stat */
	assert_int_equal(run(AUDIT_ARCH_I386, 5), SECCOMP_RET_ALLOW);    /* open */
	free(prog.insns);

	const char *none[] = { NULL };
	assert_int_equal(build_names(none, &ctx), 0);
	prog = export_prog(ctx);
	seccomp_release(ctx);
	for (size_t ai = 0; ai < ARRAY_LEN(arches); ai++)
		for (uint32_t nr = 0; nr < 600; nr++)
			assert_int_equal(run(arches[ai].audit, arches[ai].base | nr),
					 SECCOMP_RET_ALLOW);
	free(prog.insns);
	prog = saved;
}

/* Traps with an argument condition: the filter traps exactly the calls whose
 * argument matches, on every arch, comparing an int argument's low 32 bits
 * as the kernel does; and the engine's own check (pfd_trap_matches, used
 * without a filter) agrees with the filter on every sample. */
static void test_argument_conditions(void **state)
{
	(void)state;
	static const struct pfd_trap fcntl_dup = {
		.syscall = "fcntl", .op = PFD_ARG_IN, .arg = 1, .n_values = 2,
		.values = { 0 /* F_DUPFD */, 1030 /* F_DUPFD_CLOEXEC */ },
	};
	static const struct pfd_trap clone_untraced = {
		.syscall = "clone", .op = PFD_ARG_MASKED_EQ, .arg = 0,
		.values = { 0x00800000, 0x00800000 }, /* CLONE_UNTRACED */
	};
	static const struct pfd_trap *const list[] = { &fcntl_dup, &clone_untraced, NULL };
	static const struct {
		const struct pfd_trap *trap;
		uint64_t arg;
		bool traced;
	} samples[] = {
		{ &fcntl_dup, 0, true }, { &fcntl_dup, 1030, true },
		{ &fcntl_dup, 1, false }, { &fcntl_dup, 4, false }, { &fcntl_dup, 1031, false },
		{ &fcntl_dup, 0xdead000000000000ull | 1030, true }, /* upper half ignored */
		{ &clone_untraced, 0x00800000 | 0x100, true }, { &clone_untraced, 0x100, false },
		{ &clone_untraced, 0x11, false },
	};
	scmp_filter_ctx ctx;
	assert_int_equal(pfd_filter_build(list, &ctx), 0);
	struct prog saved = prog;
	prog = export_prog(ctx);
	seccomp_release(ctx);
	for (size_t ai = 0; ai < ARRAY_LEN(arches); ai++) {
		const struct arch *a = &arches[ai];
		for (size_t i = 0; i < ARRAY_LEN(samples); i++) {
			const struct pfd_trap *t = samples[i].trap;
			int nr = seccomp_syscall_resolve_name_arch(a->scmp, t->syscall);
			assert_true(nr >= 0);
			uint64_t args[6] = { 0 };
			args[t->arg] = samples[i].arg;
			if (a->scmp == SCMP_ARCH_X86)
				args[t->arg] &= UINT32_MAX; /* what an i386 register can hold */
			uint32_t ret = run_args(a->audit, (uint32_t)nr, args);
			bool traced = RET_ACTION(ret) == SECCOMP_RET_TRACE;
			if (traced != samples[i].traced)
				fail_msg("%s: %s(%#llx) gives %#x", a->name, t->syscall,
					 (unsigned long long)samples[i].arg, ret);
			assert_int_equal(pfd_trap_matches(t, args), samples[i].traced);
		}
	}
	free(prog.insns);
	prog = saved;
}

/* The trap that fired: each plugin is handed its own first trap whose
 * condition the call meets, with its data; a syscall outside the table gets
 * an entry of six arguments; the engine's traps are the table's calls with
 * the facts it asks for. */
static void test_trap_fired(void **state)
{
	(void)state;
	static const int d1, d2, d3;
	static const struct pfd_trap a_traps[] = {
		{ .syscall = "ioctl", .op = PFD_ARG_IN, .arg = 1, .n_values = 1,
		  .values = { 0x1234 }, .data = &d1 },
		{ .syscall = "ioctl", .op = PFD_ARG_IN, .arg = 1, .n_values = 2,
		  .values = { 0x5678, 0x1234 }, .data = &d2 },
		{ .syscall = "getpid" },
		{ 0 },
	};
	static const struct pfd_trap b_traps[] = { { .syscall = "ioctl", .data = &d3 }, { 0 } };
	static const struct pfd_plugin a = { .name = "a", .api = PFD_PLUGIN_API, .traps = a_traps };
	static const struct pfd_plugin b = { .name = "b", .api = PFD_PLUGIN_API, .traps = b_traps };
	static const struct pfd_plugin *const plugins[] = { &a, &b, NULL };
	const char *bad = NULL;
	assert_int_equal(pfd_traps_init(plugins, PFD_SC_EXECS, &bad), 0);

	const struct trap_entry *e = pfd_traps_lookup(AUDIT_ARCH_X86_64, 16); /* ioctl */
	assert_non_null(e);
	assert_ptr_equal(e->desc, pfd_syscall_by_name("ioctl"));
	assert_int_equal(e->desc->nargs, 3);
	uint64_t args[6] = { 3, 0x5678 };
	assert_int_equal(pfd_traps_select(e, args), 3u);
	assert_ptr_equal(pfd_traps_fired(e, 0, args)->data, &d2);
	assert_ptr_equal(pfd_traps_fired(e, 1, args)->data, &d3);
	args[1] = 0x1234; /* both of a's match: its first */
	assert_ptr_equal(pfd_traps_fired(e, 0, args)->data, &d1);
	args[1] = 0x9999;
	assert_int_equal(pfd_traps_select(e, args), 2u);
	assert_null(pfd_traps_fired(e, 0, args));
	assert_ptr_equal(pfd_traps_fired(e, 1, args)->data, &d3);

	e = pfd_traps_lookup(AUDIT_ARCH_I386, 20); /* getpid: not in the table */
	assert_non_null(e);
	assert_null(pfd_syscall_by_name("getpid"));
	assert_string_equal(e->desc->name, "getpid");
	assert_int_equal(e->desc->nargs, 6);
	assert_false(pfd_syscall_has_path(e->desc));
	assert_ptr_equal(pfd_traps_fired(e, 0, args), &a_traps[2]);

	uint64_t none[6] = { 0 };
	e = pfd_traps_lookup(AUDIT_ARCH_X86_64, 59); /* execve: the engine's */
	assert_non_null(e);
	assert_int_equal(pfd_traps_select(e, none), 1u << PFD_ENGINE_BIT);
	assert_non_null(pfd_traps_lookup(AUDIT_ARCH_I386, 358)); /* execveat */
	assert_null(pfd_traps_lookup(AUDIT_ARCH_X86_64, 2)); /* open: nobody's */
}

/* The interpreter itself: a hand-written program, and an unknown opcode. */
static void test_interpreter_selfcheck(void **state)
{
	(void)state;
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, ~X32_BIT),
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 100, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 1),
		BPF_STMT(BPF_MISC | BPF_TAX, 0),
		BPF_STMT(BPF_LD | BPF_IMM, 7),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_X, 0, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE | 7),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct prog saved = prog;
	prog = (struct prog){ insns, ARRAY_LEN(insns) };
	assert_int_equal(run(AUDIT_ARCH_I386, 7), SECCOMP_RET_KILL_PROCESS);
	assert_int_equal(run(AUDIT_ARCH_X86_64, 7), SECCOMP_RET_TRACE | 7);
	assert_int_equal(run(AUDIT_ARCH_X86_64, X32_BIT | 7), SECCOMP_RET_TRACE | 7);
	assert_int_equal(run(AUDIT_ARCH_X86_64, 8), SECCOMP_RET_ALLOW);
	assert_int_equal(run(AUDIT_ARCH_X86_64, 200), SECCOMP_RET_ERRNO | 1);
	prog = saved;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_interpreter_selfcheck),
		cmocka_unit_test(test_every_name_traced),
		cmocka_unit_test(test_known_numbers),
		cmocka_unit_test(test_untrapped_allowed),
		cmocka_unit_test(test_filter_agrees_with_map),
		cmocka_unit_test(test_unknown_arch_allowed),
		cmocka_unit_test(test_odd_numbers_allowed),
		cmocka_unit_test(test_attributes),
		cmocka_unit_test(test_build_errors),
		cmocka_unit_test(test_build_subsets),
		cmocka_unit_test(test_argument_conditions),
		cmocka_unit_test(test_trap_fired),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
