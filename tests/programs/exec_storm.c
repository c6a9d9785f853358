/* pfdtest: no-m32 (a target of make stress, not a case of the table)
 * exec_storm: a thread that is not the leader execs this program again,
 * about every millisecond, for ever (each new image makes a new such
 * thread). Prints "ready PID" once, from the first image. The target of
 * tests/stress/attach_exec.sh: procfd-trace -p must never deadlock
 * against these execs, and must let go of it on SIGINT. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static char self_exe[4096];
static char **self_argv;

static void *exec_thread(void *arg)
{
	(void)arg;
	usleep(1000);
	execv(self_exe, self_argv);
	_exit(9);
	return NULL;
}

int main(int argc, char **argv)
{
	(void)argc;
	ssize_t n = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
	if (n <= 0)
		return 99;
	self_exe[n] = '\0';
	self_argv = argv;
	if (!getenv("EXEC_STORM_STARTED")) {
		setenv("EXEC_STORM_STARTED", "1", 1);
		printf("ready %d\n", (int)getpid());
		fflush(stdout);
	}
	pthread_t th;
	if (pthread_create(&th, NULL, exec_thread, NULL) != 0)
		return 99;
	for (;;)
		pause();
}
