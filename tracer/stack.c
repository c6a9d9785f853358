/* procfd-trace: the stack-trace service, until an unwinder is built in. */
#include <errno.h>

#include "tracer/stack.h"

int pfd_stack_init(void)
{
	return 0;
}

const struct pfd_stack *pfd_stack_capture(pid_t pid, pid_t tid, uint32_t arch, int *err)
{
	(void)pid;
	(void)tid;
	(void)arch;
	*err = -ENOSYS;
	return NULL;
}

void pfd_stack_forget_process(pid_t pid)
{
	(void)pid;
}

void pfd_stack_shutdown(void)
{
}

size_t pfd_stack_depth(const struct pfd_stack *s)
{
	(void)s;
	return 0;
}

uint64_t pfd_stack_ip(const struct pfd_stack *s, size_t i)
{
	(void)s;
	(void)i;
	return 0;
}

int pfd_stack_frame(const struct pfd_stack *s, size_t i, struct pfd_frame *out)
{
	(void)s;
	(void)i;
	(void)out;
	return -EINVAL;
}
