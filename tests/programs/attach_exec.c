/* pfdtest: no-m32 (run by the harness for -p, always native)
 * A process to attach to with -p that execs from a thread just as the
 * attach begins: attach_exec COUNT.
 *
 * The main thread makes IDLE threads and then the exec'ing one, so that
 * procfd-trace, seizing threads in the order of /proc/PID/task (by tid),
 * comes to the exec'ing thread last. That thread waits until the main
 * thread is traced (TracerPid in /proc/self/status), then calls execve at
 * once: the execve takes the process's cred_guard_mutex, which
 * PTRACE_SEIZE of any of its threads waits for, and holds it until every
 * other thread has died. A tracer that seized the main thread with
 * PTRACE_O_TRACEEXIT leaves it stopped at PTRACE_EVENT_EXIT, waiting for
 * the tracer, which waits for the mutex: a deadlock, and SIGINT could not
 * end it. Run under the old attach it hung in 20 of 20 runs.
 *
 * The new image ("after") stats /proc/self/fd/N COUNT times, 100 ms apart
 * (the harness waits for two of these events, sends SIGINT and checks the
 * process runs on untraced), and exits 0; earlier on SIGTERM. */
#include "expect.h"

#include <pthread.h>
#include <signal.h>
#include <time.h>

#define IDLE 40

static char self_exe[PATH_MAX];
static volatile sig_atomic_t stop;
static int fd;
static const char *count_arg;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void *idle_thread(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static bool main_thread_traced(void)
{
	char line[256];
	bool traced = false;
	FILE *f = fopen("/proc/self/status", "re");
	CHECK(f != NULL, "open /proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "TracerPid:", 10))
			traced = atoi(line + 10) != 0;
	fclose(f);
	return traced;
}

static void *exec_thread(void *arg)
{
	(void)arg;
	char fdarg[16];
	snprintf(fdarg, sizeof fdarg, "%d", fd);
	char *argv[] = { self_exe, "after", (char *)count_arg, fdarg, NULL };
	while (!main_thread_traced())
		;
	execv(self_exe, argv);
	CHECK(0, "execv %s", self_exe);
	return NULL;
}

/* The new image: the stats the harness waits for, then a normal end. */
static int after_exec(int count, int link_fd)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_term;
	CHECK(sigaction(SIGTERM, &sa, NULL) == 0, "sigaction");
	const char *p = self_fd(link_fd);
	expect_min(2, "{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"" SC_FSTATAT
		      "\",\"path\":%s,\"result\":0}", (int)getpid(), (int)getpid(), jstr(p));
	expect_none("{\"event\":\"syscall\",\"resolution\":\"unfinished\"}");
	fflush(stdout);
	for (int i = 0; i < count && !stop; i++) {
		struct stat st;
		long r = sys_fstatat(AT_FDCWD, p, &st, 0);
		if (r != 0) {
			fprintf(stderr, "attach_exec: round %d: stat %s: %s\n", i, p, strerror(errno));
			return 4;
		}
		struct timespec ts = { 0, 100000000 };
		if (nanosleep(&ts, NULL) != 0 && !stop) {
			fprintf(stderr, "attach_exec: round %d: nanosleep: %s\n", i, strerror(errno));
			return 4;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	self_exe[n] = '\0';
	if (argc == 4 && strcmp(argv[1], "after") == 0)
		return after_exec(atoi(argv[2]), atoi(argv[3]));
	CHECK(argc == 2 && atoi(argv[1]) > 0, "usage: attach_exec COUNT");
	count_arg = argv[1];
	fd = open("/dev/null", O_RDONLY);
	CHECK(fd >= 0, "open /dev/null");

	pthread_t th;
	for (int i = 0; i < IDLE; i++)
		CHECK(pthread_create(&th, NULL, idle_thread, NULL) == 0, "pthread_create");
	CHECK(pthread_create(&th, NULL, exec_thread, NULL) == 0, "pthread_create");
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	for (;;)
		pause();
}
