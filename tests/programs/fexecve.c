/* fexecve done the classic way: execve("/proc/self/fd/N") on an fd open on
 * the program itself. The kernel follows the magic link to the held file,
 * so the exec works even when the file was renamed after it was opened. The
 * event is reported at the exit stop, after the exec event (execve only
 * returns, with 0, in the new image). */
#include "expect.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "child") == 0)
		return 0; /* the new image */

	int fd = (int)sys_openat(AT_FDCWD, "/proc/self/exe", O_RDONLY, 0);
	CHECK(fd >= 0, "open /proc/self/exe");
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	exe[n] = '\0';
	const char *p = self_fd(fd);
	const char *target = jtarget_file(fd, exe, false, "read", "O_RDONLY" EXP_LF);
	/* exec follows the link; the pid stays, the syscall event comes after
	 * the exec event */
	expect("{\"event\":\"exec\",\"pid\":%d,\"old_tid\":%d}", (int)getpid(), (int)getpid());
	expect("{%s,\"path\":%s,\"result\":0,\"errno\":null,\"link\":%s,\"target\":%s,"
	       "\"text_target\":\"same-file\",\"resolution\":\"followed\"}",
	       jcall("execve"), jstr(p), jself(fd), target);
	expect("{\"event\":\"exit\",\"pid\":%d,\"leader\":true,\"status\":0}", (int)getpid());
	char *args[] = { argv[0], "child", NULL };
	syscall(SYS_execve, p, args, environ);
	CHECK(0, "execve %s: %s", p, strerror(errno));
	return 99;
}
