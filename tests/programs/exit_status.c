/* Exits with the status given in argv[1]: procfd-trace must pass it on. The
 * exec and the exit are reported. */
#include "expect.h"

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: exit_status STATUS");
	int status = atoi(argv[1]);
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	exe[n] = '\0';
	int pid = (int)getpid();
	expect("{\"event\":\"exec\",\"pid\":%d,\"tid\":%d,\"old_tid\":%d,\"exe\":%s}", pid, pid, pid,
	       jstr(exe));
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":%d,"
	       "\"signal\":null,\"core_dumped\":false}",
	       pid, pid, status & 0xff);
	expect_count(1, "{\"event\":\"exit\",\"pid\":%d}", pid);
	exit(status);
}
