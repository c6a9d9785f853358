/* For tests/integration/oom_sweep.py: procfd-trace runs under a small
 * address-space limit (its soft RLIMIT_AS), which this program, its
 * command, inherits. It lifts its own limit back to the hard one first, so
 * that it runs the same whatever procfd-trace's limit, then leaks N files
 * opened from a named function (each report symbolizes a stack: libdw's
 * memory) and writes MARKER when it got to its end: procfd-trace running
 * out of memory must never take its command down. Prints no expectations
 * (pfdtest: no-m32 the sweep runs the native build only). */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

__attribute__((noinline)) static int open_one(void)
{
	return open("/etc/hostname", O_RDONLY);
}

int main(int argc, char **argv)
{
	struct rlimit rl;
	if (argc != 3 || getrlimit(RLIMIT_AS, &rl) < 0)
		return 2;
	rl.rlim_cur = rl.rlim_max;
	if (setrlimit(RLIMIT_AS, &rl) < 0)
		return 2;
	int n = atoi(argv[1]);
	for (int i = 0; i < n; i++)
		if (open_one() < 0)
			return 3;
	FILE *f = fopen(argv[2], "w");
	if (!f || fputs("done\n", f) < 0 || fclose(f) < 0)
		return 4;
	return 0;
}
