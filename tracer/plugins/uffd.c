/* procfd-trace: the uffd plugin. A page registered with userfaultfd that is
 * not resident makes every read of it wait until the tracee's own handler
 * serves the fault, and that handler may be stopped waiting for us: the
 * tracer would sleep in the kernel for good, deaf to SIGTERM. So a process
 * that creates a userfaultfd is marked (pfd_tracee_set_may_fault), and the
 * engine then reads its memory with a time bound (tracer/engine/tracee_mem.c);
 * every other process is read directly and pays nothing.
 *
 * A userfaultfd comes from userfaultfd(2) or from ioctl(USERFAULTFD_IOC_NEW)
 * on /dev/userfaultfd: both are trapped at entry (whether or not they then
 * succeed: the mark only makes reads slower). Its registrations are on the
 * creator's memory, which its threads share (the mark is per process) and a
 * fork copies (the child is marked too: with UFFD_FEATURE_EVENT_FORK it
 * inherits them). exec replaces the memory, and clears the mark. */
#include "procfd/plugin.h"
#include "tracer/plugins/builtin.h"

#define USERFAULTFD_IOC_NEW_ 0xAA00u /* _IO(0xAA, 0x00), linux/userfaultfd.h */

static const struct pfd_trap uffd_traps[] = {
	{ .syscall = "userfaultfd" },
	{ .syscall = "ioctl", .op = PFD_ARG_IN, .arg = 1, .n_values = 1,
	  .values = { USERFAULTFD_IOC_NEW_ } },
	{ 0 },
};

static unsigned uffd_on_enter(struct pfd_tracee *t, struct pfd_call *c,
			      const struct pfd_trap *trap)
{
	(void)c;
	(void)trap;
	pfd_tracee_set_may_fault(t, true);
	return PFD_PASS;
}

static void uffd_on_fork(const struct pfd_fork *f)
{
	if (f->kind != PFD_CLONE_THREAD && pfd_tracee_may_fault(f->parent))
		pfd_tracee_set_may_fault(f->child, true);
}

static void uffd_on_exec(struct pfd_tracee *t, const struct pfd_exec *e)
{
	if (e->phase == PFD_EXEC_DONE)
		pfd_tracee_set_may_fault(t, false);
}

const struct pfd_plugin pfd_plugin_uffd = {
	.name = "uffd",
	.api = PFD_PLUGIN_API,
	.traps = uffd_traps,
	.on_enter = uffd_on_enter,
	.on_fork = uffd_on_fork,
	.on_exec = uffd_on_exec,
};
