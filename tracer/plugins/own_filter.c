/* procfd-trace: the own_filter plugin. A tracee may install a seccomp
 * filter of its own (sandboxes, browsers, systemd services). The kernel
 * runs every filter of a thread and acts on the answer of highest
 * precedence, so a call the tracee's filter fails, traps, kills or hands to
 * a user-notification supervisor (RET_ERRNO, RET_TRAP, RET_KILL,
 * RET_USER_NOTIF, even when the supervisor answers CONTINUE and the kernel
 * runs the call) never reaches our RET_TRACE: under the
 * filter mode procfd-trace does not stop for it, and it is missing from the
 * trace without a word (README, Limits). So a filter the tracee installs is
 * said on stderr, once per process, with what to do about it. Without our
 * filter (--no-seccomp, -p) the entry stop comes before any filter runs and
 * nothing is missed: nothing is said.
 *
 * Filters come from seccomp(SECCOMP_SET_MODE_FILTER) and
 * prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER); strict mode (the other value
 * of both) allows only read, write, exit and sigreturn, and is said too.
 * Only the calls with those operations are trapped; each is kept to its
 * exit, since only a filter that was installed matters. */
#include <stdio.h>

#include "procfd/plugin.h"
#include "tracer/plugins/builtin.h"

#define SECCOMP_SET_MODE_STRICT_ 0u
#define SECCOMP_SET_MODE_FILTER_ 1u
#define SECCOMP_FILTER_FLAG_NEW_LISTENER_ (1u << 3)
#define PR_SET_SECCOMP_ 22u
#define SECCOMP_MODE_STRICT_ 1u
#define SECCOMP_MODE_FILTER_ 2u

/* How each call says strict mode, and whether its flags may ask for a
 * listener fd: the traps' data. */
struct mode_call {
	uint8_t mode_arg;
	uint32_t strict;
	bool flags_in_arg1; /* seccomp(op, flags, args) */
};
static const struct mode_call by_seccomp = { 0, SECCOMP_SET_MODE_STRICT_, true };
static const struct mode_call by_prctl = { 1, SECCOMP_MODE_STRICT_, false };

static const struct pfd_trap own_filter_traps[] = {
	{ .syscall = "seccomp", .op = PFD_ARG_IN, .arg = 0, .n_values = 2,
	  .values = { SECCOMP_SET_MODE_STRICT_, SECCOMP_SET_MODE_FILTER_ }, .data = &by_seccomp },
	{ .syscall = "prctl", .op = PFD_ARG_IN, .arg = 0, .n_values = 1,
	  .values = { PR_SET_SECCOMP_ }, .data = &by_prctl },
	{ 0 },
};

#define TOPIC "own_filter:installed"

/* What the exit needs, read from the arguments at entry. */
struct own_filter_call {
	bool strict;
	bool listener; /* SECCOMP_FILTER_FLAG_NEW_LISTENER */
};

/* Installed: 0, or with SECCOMP_FILTER_FLAG_NEW_LISTENER the listener's fd.
 * With TSYNC a positive result is the thread that could not be synced: an
 * error, nothing installed. */
static bool installed(const struct pfd_call *c, const struct own_filter_call *oc)
{
	if (!c->finished || c->err || c->result < 0)
		return false;
	return c->result == 0 || oc->listener;
}

static unsigned own_filter_on_enter(struct pfd_tracee *t, struct pfd_call *c,
				    const struct pfd_trap *trap)
{
	if (!pfd_tracee_filtered(t))
		return PFD_PASS; /* every call stops at its entry: none can be hidden */
	struct own_filter_call *oc;
	if (pfd_said(t, TOPIC) || !(oc = pfd_call_state(c, &pfd_plugin_own_filter)))
		return PFD_PASS;
	const struct mode_call *m = trap->data;
	oc->strict = (uint32_t)c->args[m->mode_arg] == m->strict;
	oc->listener = m->flags_in_arg1 && (c->args[1] & SECCOMP_FILTER_FLAG_NEW_LISTENER_);
	return PFD_NEED_EXIT;
}

static unsigned own_filter_on_exit(struct pfd_tracee *t, struct pfd_call *c)
{
	char msg[400];
	const struct own_filter_call *oc = pfd_call_state_peek(c, &pfd_plugin_own_filter);
	if (!oc || !installed(c, oc) || pfd_said(t, TOPIC))
		return PFD_PASS;
	if (oc->strict)
		snprintf(msg, sizeof(msg), "pid %d entered seccomp strict mode: it may only read, "
					   "write and exit now, and is killed for any other call", c->pid);
	else
		snprintf(msg, sizeof(msg), "pid %d installed a seccomp filter of its own (%s): a "
					   "call that filter fails, traps, kills or hands to a "
					   "user-notification supervisor (even one the supervisor lets the "
					   "kernel run) is not seen by procfd-trace's filter and is missing "
					   "from the trace; --no-seccomp sees every call", c->pid, c->name);
	pfd_say_once(t, TOPIC, msg);
	return PFD_PASS;
}

const struct pfd_plugin pfd_plugin_own_filter = {
	.name = "own_filter",
	.api = PFD_PLUGIN_API,
	.traps = own_filter_traps,
	.call_state = { .size = sizeof(struct own_filter_call) },
	.on_enter = own_filter_on_enter,
	.on_exit = own_filter_on_exit,
};
