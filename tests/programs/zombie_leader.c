/* pfdtest: no-m32 (a target for -p, not a tracee of the table's modes)
 * zombie_leader: the main thread exits with pthread_exit and stays a zombie
 * while a second thread lives on (up to 30 s, or until SIGTERM). Prints
 * "ready PID" once the main thread is a zombie. The kernel refuses to seize
 * a zombie main thread (EPERM), which procfd-trace -p must explain as such,
 * not as a permission problem. */
#include "expect.h"

#include <pthread.h>
#include <time.h>

static pid_t pid;

static bool leader_is_zombie(void)
{
	char line[256];
	bool zombie = false;
	FILE *f = fopen(sfmt("/proc/%d/task/%d/status", (int)pid, (int)pid), "re");
	CHECK(f != NULL, "open the main thread's status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "State:", 6))
			zombie = strchr(line, 'Z') != NULL;
	fclose(f);
	return zombie;
}

static void *survivor(void *arg)
{
	(void)arg;
	struct timespec ms = { 0, 1000000 };
	while (!leader_is_zombie())
		nanosleep(&ms, NULL);
	printf("ready %d\n", (int)pid);
	fflush(stdout);
	struct timespec s = { 30, 0 };
	nanosleep(&s, NULL);
	exit(0);
	return NULL;
}

int main(void)
{
	pid = getpid();
	pthread_t th;
	CHECK(pthread_create(&th, NULL, survivor, NULL) == 0, "pthread_create");
	pthread_exit(NULL);
}
