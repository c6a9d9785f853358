/* --leaks with 5000 leaked descriptions: every one is reported, once. */
#include "leakexp.h"

#include <sys/resource.h>

#define N 5000

int main(void)
{
	struct rlimit rl;
	CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0, "getrlimit");
	if (rl.rlim_cur < N + 64) {
		rl.rlim_cur = rl.rlim_max < N + 64 ? rl.rlim_max : N + 64;
		CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= N + 64,
		      "RLIMIT_NOFILE %llu", (unsigned long long)rl.rlim_cur);
	}
	for (int i = 0; i < N; i++)
		CHECK(syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY, 0) >= 0, "open %d", i);
	expect_count(N, "{\"event\":\"leak\",\"pid\":%d,\"opened_by\":{\"syscall\":\"openat\"}}",
		     (int)getpid());
	expect("{\"event\":\"leak_total\",\"leaks\":%d,\"fds\":%d}", N, N);
	return 0;
}
