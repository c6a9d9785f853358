/* pfdtest: no-m32 (a wrapper that runs procfd-trace, never the tracee: always native)
 * ctrl_c_wrap BIN ARGS...: runs "BIN -p PID ARGS..." as the foreground job
 * of a new pseudo-terminal, where PID is a process of its own (pause()
 * forever), waits until that process is traced, and types Ctrl-C. The
 * terminal's SIGINT reaches procfd-trace and its command, not PID: the
 * command decides for itself, and procfd-trace must still detach PID.
 * Exits 0 when procfd-trace ended within 5 s and PID is untraced and not
 * stopped; 1 otherwise (with why on stderr). */
#include "expect.h"

#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

/* TracerPid of pid, and its state letter. */
static int tracer_of(pid_t pid, char *state)
{
	char line[256];
	int tracer = -1;
	FILE *f = fopen(sfmt("/proc/%d/status", (int)pid), "re");
	CHECK(f != NULL, "open the target's status");
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "TracerPid:", 10))
			tracer = atoi(line + 10);
		if (!strncmp(line, "State:", 6))
			*state = line[7];
	}
	fclose(f);
	return tracer;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: ctrl_c_wrap BIN ARGS...");
	pid_t target = fork();
	CHECK(target >= 0, "fork");
	if (target == 0) {
		for (;;)
			pause();
	}
	char **args = calloc((size_t)argc + 3, sizeof(*args));
	CHECK(args != NULL, "calloc");
	args[0] = argv[1];
	args[1] = (char *)"-p";
	args[2] = (char *)sfmt("%d", (int)target);
	for (int i = 2; i < argc; i++)
		args[i + 1] = argv[i];

	int master;
	pid_t tracer = forkpty(&master, NULL, NULL, NULL);
	CHECK(tracer >= 0, "forkpty");
	if (tracer == 0) {
		execv(args[0], args);
		_exit(127);
	}
	char state = '?';
	int waited = 0;
	while (tracer_of(target, &state) <= 0 && waited++ < 1000)
		sleep_ms(10);
	sleep_ms(200); /* the command is running too */
	CHECK(write(master, "\003", 1) == 1, "type Ctrl-C");

	int status = 0, ok = 1;
	pid_t done = 0;
	for (int i = 0; i < 500 && done == 0; i++) {
		done = waitpid(tracer, &status, WNOHANG);
		if (done == 0)
			sleep_ms(10);
	}
	if (done == 0) {
		fprintf(stderr, "ctrl_c_wrap: procfd-trace still runs 5 s after Ctrl-C\n");
		kill(tracer, SIGKILL);
		waitpid(tracer, &status, 0);
		ok = 0;
	}
	int tr = tracer_of(target, &state);
	if (tr != 0 || state == 't' || state == 'T') {
		fprintf(stderr, "ctrl_c_wrap: after Ctrl-C the -p process has TracerPid %d, "
				"State %c\n", tr, state);
		ok = 0;
	}
	kill(target, SIGKILL);
	waitpid(target, NULL, 0);
	return ok ? 0 : 1;
}
