/* --leaks on a clean program: every fd it makes is closed. With
 * --error-exitcode the run still exits 0, and no leak is reported. */
#include "leakexp.h"

#include <sys/socket.h>

int main(void)
{
	for (int i = 0; i < 20; i++) {
		int p[2];
		CHECK(pipe(p) == 0, "pipe");
		int d = dup(p[0]);
		FILE *f = fopen("/etc/hostname", "r");
		CHECK(d >= 0 && f, "dup, fopen");
		fclose(f);
		close(d);
		close(p[0]);
		close(p[1]);
	}
	expect_none("{\"event\":\"leak\"}");
	expect("{\"event\":\"leak_total\",\"processes\":1,\"leaks\":0,\"fds\":0,\"suppressed\":0}");
	return 0;
}
