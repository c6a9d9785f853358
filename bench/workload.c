/* procfd-trace benchmark workload: a mix of syscalls the filter lets through
 * (getppid), trapped path calls on ordinary files (one stop each), and
 * trapped calls on a /proc fd link (reported: two stops each).
 * usage: workload UNTRAPPED TRAPPED REPORTED */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long untrapped = argc > 1 ? atol(argv[1]) : 100000;
	long trapped = argc > 2 ? atol(argv[2]) : 10000;
	long reported = argc > 3 ? atol(argv[3]) : 1000;
	struct stat st;
	char link[64];
	int fd = open("/etc/hostname", O_RDONLY);

	if (fd < 0)
		return 1;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	for (long i = 0; i < untrapped; i++)
		syscall(SYS_getppid);
	for (long i = 0; i < trapped; i++)
		stat("/etc/hostname", &st);
	for (long i = 0; i < reported; i++)
		stat(link, &st);
	return 0;
}
