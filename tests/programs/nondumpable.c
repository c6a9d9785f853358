/* A non-dumpable tracee (prctl(PR_SET_DUMPABLE, 0)) under a non-root
 * procfd-trace (case "nondumpable": +wrap=@as_nobody_wrap). The kernel lets
 * such a tracer read none of the tracee's memory: process_vm_readv and
 * PTRACE_PEEKDATA both refuse. Each path call is then reported unreadable
 * with the truth (path_error EPERM, the call's real result), never as the
 * EFAULT the kernel did not give. Once dumpable again, and in another
 * process, memory is read with process_vm_readv as before: a path in a
 * PROT_NONE page is unreadable to the kernel and to process_vm_readv
 * (EFAULT), while PTRACE_PEEKDATA would read it; a tracer that stayed on
 * the PEEKDATA fallback for the rest of the session would report a path
 * the kernel never saw. */
#include "expect.h"

#include <sys/prctl.h>
#include <sys/wait.h>

#define NOT_DUMPABLE_WHY "path unreadable: the tracee is not dumpable; run procfd-trace as root"

static void open_while_not_dumpable(int fd)
{
	CHECK(prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0, "PR_SET_DUMPABLE 0");
	CHECK(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0, "not dumpable now");
	long r = sys_openat(AT_FDCWD, self_fd(fd), O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open through the link");
	long r2 = sys_openat(AT_FDCWD, "/nonexistent-pfdtest", O_RDONLY, 0);
	int e2 = errno;
	CHECK_ERR(r2, ENOENT, "open a missing file");
	CHECK(prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) == 0, "PR_SET_DUMPABLE 1");
	expect("{%s,\"path\":null,\"path_error\":\"EPERM\",%s,\"link\":null,"
	       "\"resolution\":\"error\",\"explanation\":\"" NOT_DUMPABLE_WHY "\"}",
	       jcall("openat"), jres(r, e));
	expect("{%s,\"path\":null,\"path_error\":\"EPERM\",%s,\"link\":null,"
	       "\"explanation\":\"" NOT_DUMPABLE_WHY "\"}", jcall("openat"), jres(r2, e2));
	sys_close((int)r);
}

/* In a child: a path the kernel cannot read although PEEKDATA could. */
static void open_prot_none_in_child(int fd)
{
	const char *p = self_fd(fd);
	long page = sysconf(_SC_PAGESIZE);
	char *map = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(map != MAP_FAILED, "mmap");
	strcpy(map, p);
	CHECK(mprotect(map, (size_t)page, PROT_NONE) == 0, "mprotect PROT_NONE");
	fflush(stdout);
	pid_t pid = fork();
	CHECK(pid >= 0, "fork");
	if (pid == 0) {
		long r = sys_openat(AT_FDCWD, map, O_RDONLY, 0);
		_exit(r == -1 && errno == EFAULT ? 0 : 1);
	}
	int st;
	CHECK(waitpid(pid, &st, 0) == pid, "waitpid");
	CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "openat on a PROT_NONE page: EFAULT");
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"openat\","
	       "\"arch\":\"" EXP_ARCH "\",\"path\":null,\"path_error\":\"EFAULT\","
	       "\"result\":-1,\"errno\":\"EFAULT\",\"link\":null}", (int)pid, (int)pid);
	expect_none("{\"event\":\"syscall\",\"pid\":%d,\"path\":%s}", (int)pid, jstr(p));
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("data");
	int fd = make_file(file, "data\n");
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);

	open_while_not_dumpable(fd);

	/* Dumpable again: read as usual. */
	long r = sys_openat(AT_FDCWD, self_fd(fd), O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open through the link, dumpable");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":%s,\"resolution\":\"followed\"}",
	       jcall("openat"), jstr(self_fd(fd)), jres(r, e), jself(fd), target);
	sys_close((int)r);

	open_prot_none_in_child(fd);
	/* The symptom of old: a call that succeeded, said to fail with EFAULT. */
	expect_none("{\"event\":\"syscall\",\"path_error\":\"EFAULT\",\"errno\":null}");
	sys_close(fd);
	return 0;
}
