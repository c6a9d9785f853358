/* 1,000,000 trapped calls, of which exactly 1,000 are reported: fstatat of
 * an ordinary file (trapped, classified, not reported) 999 times out of
 * 1000, and of /proc/self/fd/N (reported) once in 1000. The trace must hold
 * exactly 1,000 syscall events: a dropped or duplicated event at this scale
 * shows up as a wrong count.
 *
 * The tracer's memory must stay flat: the program reads VmRSS from
 * /proc/<TracerPid>/status after 10%, 50% and 100% of the loop and fails
 * (exit 1, so procfd-trace exits 1) when it grew by more than RSS_SLACK_KIB
 * after the 10% warm-up. A leak of even a few bytes per call would be
 * hundreds of KiB here. The same holds under ASan: its quarantine keeps
 * freed blocks, but the tracer allocates nothing per unreported call.
 *
 * Under --no-seccomp every syscall stops twice (entry and exit), which would
 * take minutes: there (Seccomp: 0 in our own status) the loop is scaled down
 * to 100,000 calls, 100 reported. The 1,000,000 run stays for the filter. */
#include "expect.h"

#define CALLS_FILTERED 1000000L
#define CALLS_UNFILTERED 100000L
#define REPORT_EVERY 1000L
#define RSS_SLACK_KIB 512L

/* The value of "Key:" in /proc/PID/status (-1 when absent). */
static long status_field(pid_t pid, const char *key)
{
	char path[64], line[256];
	size_t klen = strlen(key);
	long v = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "r");
	CHECK(f != NULL, "open %s", path);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

/* Our own seccomp mode: 2 under procfd-trace's filter, 0 with --no-seccomp. */
static bool under_filter(void)
{
	return status_field(getpid(), "Seccomp") == 2;
}

int main(void)
{
	tmpdir_create();
	const char *plain = tmp_path("plain");
	int fd = make_file(plain, "plain\n");
	const char *link = sfmt("/proc/self/fd/%d", fd);
	pid_t tracer = (pid_t)status_field(getpid(), "TracerPid");
	CHECK(tracer > 0, "run under procfd-trace (TracerPid %d)", (int)tracer);
	long calls = under_filter() ? CALLS_FILTERED : CALLS_UNFILTERED;
	long rss[3] = { 0, 0, 0 };
	struct stat st;

	for (long i = 1; i <= calls; i++) {
		const char *p = i % REPORT_EVERY == 0 ? link : plain;
		CHECK(sys_fstatat(AT_FDCWD, p, &st, 0) == 0, "stat %s", p);
		if (i == calls / 10)
			rss[0] = status_field(tracer, "VmRSS");
		else if (i == calls / 2)
			rss[1] = status_field(tracer, "VmRSS");
	}
	rss[2] = status_field(tracer, "VmRSS");
	CHECK(rss[0] > 0 && rss[1] > 0 && rss[2] > 0, "VmRSS of the tracer %d", (int)tracer);

	long reported = calls / REPORT_EVERY;
	printf("%ld calls, tracer VmRSS KiB at 10%%: %ld, 50%%: %ld, 100%%: %ld\n", calls,
	       rss[0], rss[1], rss[2]);
	expect_count((int)reported, "{\"event\":\"syscall\"}");
	expect_count((int)reported,
		     "{\"event\":\"syscall\",\"syscall\":\"" SC_FSTATAT "\",\"path\":%s,"
		     "\"result\":0,\"resolution\":\"followed\"}",
		     jstr(link));
	sys_close(fd);
	fflush(stdout);
	if (rss[2] - rss[0] > RSS_SLACK_KIB || rss[1] - rss[0] > RSS_SLACK_KIB) {
		fprintf(stderr, "million_calls: the tracer's VmRSS grew after warm-up: %ld, %ld, "
				"%ld KiB (more than %ld KiB)\n",
			rss[0], rss[1], rss[2], RSS_SLACK_KIB);
		return 1;
	}
	return 0;
}
