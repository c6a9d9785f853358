/* procfd-trace: the SDK's closed error set, enforced where an error
 * leaves the tracer for a plugin. It lives in the lowest wing that returns
 * errors to plugins (the writer's pfd_event_end), so the engine and the
 * output share one guard. */
#include <errno.h>

#include "tracer/output/api_rc.h"

int pfd_api_rc(int rc)
{
	if (rc >= 0)
		return rc;
	switch (-rc) {
	case EFAULT: case ESRCH: case EPERM: case EACCES: case ENOENT: case EINVAL:
	case ENOMEM: case ENOSYS: case E2BIG: case EIO: case ENAMETOOLONG: case ETIMEDOUT:
		return rc;
	default:
		return -EIO;
	}
}
