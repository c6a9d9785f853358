/* procfd-trace: the uffd plugin. A page registered with userfaultfd that is
 * not resident makes every read of it wait until the tracee's own handler
 * serves the fault, and that handler may be stopped waiting for us: the
 * tracer would sleep in the kernel for good, deaf to SIGTERM. The engine's
 * guarded-read policy (tracer/engine/guarded_read.c) bounds the reads of the
 * processes it marks; what it cannot see without a trap is a userfaultfd
 * being made, and this plugin reports just that fact
 * (pfd_tracee_note_may_fault). Threads, forks and exec are the policy's.
 *
 * A userfaultfd comes from userfaultfd(2) or from ioctl(USERFAULTFD_IOC_NEW)
 * on /dev/userfaultfd: both are trapped at entry (whether or not they then
 * succeed: the mark only makes reads slower). */
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
	pfd_tracee_note_may_fault(t);
	return PFD_PASS;
}

const struct pfd_plugin pfd_plugin_uffd = {
	.name = "uffd",
	.api = PFD_PLUGIN_API,
	.traps = uffd_traps,
	.on_enter = uffd_on_enter,
};
