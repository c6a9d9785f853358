/* --leaks on popen without "e": a socket made without SOCK_CLOEXEC before
 * popen("sleep 0; cat") goes into /bin/sh, sleep and cat with the program.
 * It is one open file description: one leak, made by socket at its line
 * here, held at exit by sleep, cat, sh and the program, in that order (sh
 * waits for each child, pclose for sh). */
#include "leakexp.h"

#include <sys/socket.h>

NOINLINE static int make_socket(void)
{
	int fd = (int)syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0); int line = __LINE__;
	CHECK(fd >= 0, "socket");
	expect_count(1, "{\"event\":\"leak\",\"pid\":\"$any\",\"fd\":%d,\"origin\":\"trace\","
		     "\"target\":{\"kind\":\"socket\"},"
		     "\"opened_by\":{\"syscall\":\"socket\",\"pid\":%d,\"backtrace\":%s},"
		     "\"held_by\":[{\"exe\":\"$re:/sleep$\",\"fd\":%d,\"cloexec\":false},"
		     "{\"exe\":\"$re:/cat$\",\"fd\":%d,\"cloexec\":false},"
		     "{\"exe\":\"$re:/(ba|da)?sh$\",\"fd\":%d,\"cloexec\":false},"
		     "{\"pid\":%d,\"fd\":%d,\"crossed_exec\":null}]}",
		     fd, (int)getpid(), jframes("make_socket", line, NULL), fd, fd, fd,
		     (int)getpid(), fd);
	KEEP_FRAME();
	return fd;
}

int main(void)
{
	make_socket();
	/* the one leak, and nothing of popen's own pipe (CLOEXEC, and fd 0 or
	 * 1 in the children: their stdio) */
	expect_count(1, "{\"event\":\"leak\"}");
	expect("{\"event\":\"leak_total\",\"leaks\":1,\"fds\":4,\"suppressed\":0}");
	fflush(stdout);
	FILE *p = popen("sleep 0; cat", "w");
	CHECK(p != NULL, "popen");
	fputs("through cat\n", p);
	CHECK(pclose(p) == 0, "pclose");
	return 0;
}
