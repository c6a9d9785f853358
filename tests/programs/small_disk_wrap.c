/* pfdtest: no-m32 (a wrapper that runs procfd-trace, never the tracee: always native)
 * small_disk_wrap COMMAND [ARGS...]: runs COMMAND (procfd-trace and its
 * arguments) with files limited to SMALL_DISK bytes (RLIMIT_FSIZE) and
 * SIGXFSZ ignored, so that a write past the limit fails with EFBIG as a
 * write to a full disk fails with ENOSPC, for any file, on any filesystem,
 * without privileges or a mount. The limit is far below a SARIF report
 * (its rules alone are larger) and above nothing else the case writes:
 * +raw sends the trace to a pipe, which the limit does not apply to. */
#include "expect.h"

#include <signal.h>
#include <sys/resource.h>

#define SMALL_DISK 512

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: small_disk_wrap COMMAND [ARGS...]");
	struct rlimit lim = { SMALL_DISK, SMALL_DISK };
	CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0, "setrlimit");
	CHECK(signal(SIGXFSZ, SIG_IGN) != SIG_ERR, "SIGXFSZ");
	execvp(argv[1], argv + 1);
	CHECK(0, "exec %s", argv[1]);
}
