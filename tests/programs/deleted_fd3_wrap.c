/* pfdtest: no-m32 (a wrapper that runs procfd-trace, never the tracee: always native)
 * deleted_fd3_wrap COMMAND [ARGS...]: runs COMMAND with fd 3 open on a file
 * that was deleted, and expects the README's example: procfd-trace --json --
 * cat /proc/self/fd/3 shows openat resolution "followed", target.deleted
 * true and text_target "missing" (and cat prints the deleted content). */
#include "expect.h"

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: deleted_fd3_wrap COMMAND [ARGS...]");
	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){
		.name = "x", .content = "content of a deleted file\n" });
	CHECK(m.fd == 3 || dup2(m.fd, 3) == 3, "fd 3");
	if (m.fd != 3)
		close(m.fd);
	m.fd = 3;
	const char *target = jtarget_made(&m, NULL);
	expect("{\"event\":\"syscall\",\"syscall\":\"openat\",\"path\":\"/proc/self/fd/3\","
	       "\"errno\":null,\"link\":{\"what\":\"fd\",\"fd\":3,\"spelling\":\"/proc/self/fd/N\"},"
	       "\"target\":%s,\"text_target\":\"missing\",\"resolution\":\"followed\"}",
	       target);
	expect("{\"event\":\"exit\",\"leader\":true,\"status\":0}");
	tmpdir_remove(); /* the file is gone already; exec skips atexit */
	execvp(argv[1], argv + 1);
	CHECK(0, "exec %s: %s", argv[1], strerror(errno));
	return 99;
}
