/* Run a command as uid/gid 65534 (nobody): `as_nobody COMMAND [ARGS...]`.
 * For +wrap cases where procfd-trace must be another user than the holder
 * of the fds (root). Exits 77 (the case's +skip-exit) saying why when it
 * cannot become that user: not root, or a user namespace that maps only
 * root. pfdtest: no-m32 (a wrapper, never traced itself) */
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: as_nobody COMMAND [ARGS...]\n");
		return 2;
	}
	if (geteuid() != 0) {
		fprintf(stderr, "skip: not root (euid %d): cannot become another user\n",
			(int)geteuid());
		return 77;
	}
	if (setgroups(0, NULL) != 0 || setgid(65534) != 0 || setuid(65534) != 0) {
		fprintf(stderr, "skip: cannot become uid/gid 65534: %s\n", strerror(errno));
		return 77;
	}
	execvp(argv[1], argv + 1);
	fprintf(stderr, "as_nobody: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
