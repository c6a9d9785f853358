/* Kills itself with the signal named in argv[1] (KILL or SEGV): procfd-trace
 * must end the same way (re-raise) or exit 128+signal. Core dumps are
 * disabled so a SIGSEGV leaves no core file. */
#include "expect.h"

#include <signal.h>
#include <sys/resource.h>

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: killed KILL|SEGV");
	int sig;
	if (strcmp(argv[1], "KILL") == 0)
		sig = SIGKILL;
	else if (strcmp(argv[1], "SEGV") == 0)
		sig = SIGSEGV;
	else
		CHECK(0, "unknown signal %s", argv[1]);
	struct rlimit nocore = { 0, 0 };
	CHECK(setrlimit(RLIMIT_CORE, &nocore) == 0, "setrlimit");
	int pid = (int)getpid();
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":null,"
	       "\"signal\":\"SIG%s\",\"core_dumped\":false}",
	       pid, pid, argv[1]);
	signal(sig, SIG_DFL);
	raise(sig);
	CHECK(0, "still alive after raise(SIG%s)", argv[1]);
}
