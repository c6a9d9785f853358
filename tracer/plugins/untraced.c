/* procfd-trace: the untraced plugin. A child made with CLONE_UNTRACED is not
 * followed (the kernel reports no clone event and the child is not ours),
 * yet it inherits procfd-trace's seccomp filter: with no tracer, each call
 * the filter traps fails with ENOSYS, and the program would break with no
 * word from us. So clone's flags are checked at entry and the user is told,
 * once per process, what the child will see.
 *
 * clone passes its flags in a register, and the filter traps only the clones
 * that have CLONE_UNTRACED; clone3 passes them in struct clone_args, which
 * the filter cannot see: every clone3 stops once (glibc's pthread_create
 * uses it), for a read of 8 bytes, and is never kept. */
#include <sched.h>
#include <stdio.h>

#include "procfd/plugin.h"
#include "tracer/plugins/builtin.h"

#ifndef CLONE_UNTRACED
#define CLONE_UNTRACED 0x00800000
#endif

/* Where a call's clone flags are: the traps' data. */
enum flags_at { FLAGS_IN_ARG0, FLAGS_IN_STRUCT };
static const enum flags_at in_arg0 = FLAGS_IN_ARG0, in_struct = FLAGS_IN_STRUCT;

static const struct pfd_trap untraced_traps[] = {
	{ .syscall = "clone", .op = PFD_ARG_MASKED_EQ, .arg = 0, .n_values = 2,
	  .values = { CLONE_UNTRACED, CLONE_UNTRACED }, .data = &in_arg0 },
	{ .syscall = "clone3", .data = &in_struct },
	{ 0 },
};

#define TOPIC "untraced:clone-untraced"

/* clone: flags are args[0] on every arch; clone3: the first u64 of its
 * struct, when the size (args[1]) covers it. */
static bool clone_flags(struct pfd_tracee *t, const struct pfd_call *c, enum flags_at at,
			uint64_t *flags)
{
	if (at == FLAGS_IN_ARG0) {
		*flags = c->args[0];
		return true;
	}
	return c->args[1] >= sizeof(*flags) &&
	       pfd_tracee_read(t, c->args[0], flags, sizeof(*flags)) == 0;
}

static void tell_untraced(struct pfd_tracee *t, const struct pfd_call *c)
{
	char msg[320];
	if (pfd_tracee_filtered(t))
		snprintf(msg, sizeof(msg), "pid %d called %s with CLONE_UNTRACED: the child is not "
					   "traced, and it keeps procfd-trace's seccomp filter without a "
					   "tracer, so every path call it makes (open, stat, access, "
					   "execve...) fails with ENOSYS", c->pid, c->name);
	else
		snprintf(msg, sizeof(msg), "pid %d called %s with CLONE_UNTRACED: the child is not "
					   "traced, and its calls are not reported", c->pid, c->name);
	pfd_say_once(t, TOPIC, msg);
}

static unsigned untraced_on_enter(struct pfd_tracee *t, struct pfd_call *c,
				  const struct pfd_trap *trap)
{
	uint64_t flags;
	const enum flags_at *at = trap->data;
	if (!clone_flags(t, c, *at, &flags) || !(flags & CLONE_UNTRACED) || pfd_said(t, TOPIC))
		return PFD_PASS;
	tell_untraced(t, c);
	return PFD_PASS;
}

const struct pfd_plugin pfd_plugin_untraced = {
	.name = "untraced",
	.api = PFD_PLUGIN_API,
	.traps = untraced_traps,
	.on_enter = untraced_on_enter,
};
