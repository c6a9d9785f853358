/* pfdtest: no-m32 (a wrapper that runs procfd-trace, never the tracee: always native)
 * as_nobody_wrap COMMAND [ARGS...]: runs COMMAND (procfd-trace and its
 * arguments) as uid/gid 65534 with no supplementary groups, so procfd-trace
 * is a non-root tracer; like `setpriv --reuid=65534 --regid=65534
 * --clear-groups`, without needing util-linux. The working directory (the
 * case's {tmp}, where the trace goes) is given to that user first. Already
 * unprivileged: COMMAND runs as is. Cannot drop privileges (no CAP_SETUID
 * here): exit 77, the reason on stderr. */
#include "expect.h"

#include <grp.h>

#define NOBODY 65534

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: as_nobody_wrap COMMAND [ARGS...]");
	if (geteuid() == 0) {
		if (chown(".", NOBODY, NOBODY) < 0)
			skip("cannot give the working directory to uid %d: %s", NOBODY,
			     strerror(errno));
		if (setgroups(0, NULL) < 0 || setresgid(NOBODY, NOBODY, NOBODY) < 0 ||
		    setresuid(NOBODY, NOBODY, NOBODY) < 0)
			skip("cannot drop to uid %d: %s", NOBODY, strerror(errno));
	}
	if (access(argv[1], X_OK) < 0)
		skip("uid %d cannot run %s: %s", (int)geteuid(), argv[1], strerror(errno));
	execvp(argv[1], argv + 1);
	CHECK(0, "exec %s", argv[1]);
}
