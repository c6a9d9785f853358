/* --leaks with 5000 leaked fds: every one is reported. */
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
		CHECK(syscall(SYS_dup, 0) >= 0, "dup %d", i);
	expect_count(N, "{\"event\":\"leak\",\"pid\":%d,\"opened_by\":{\"syscall\":\"dup\"}}",
		     (int)getpid());
	expect("{\"event\":\"leak_summary\",\"pid\":%d,\"fds\":%d}", (int)getpid(), N);
	return 0;
}
