/* pfdtest: no-m32 (a wrapper that runs procfd-trace, never the tracee: always native)
 * noseccomp_wrap COMMAND [ARGS...]: runs COMMAND under a seccomp filter of
 * its own that makes every later seccomp filter fail: seccomp(2) and
 * prctl(PR_SET_SECCOMP) give EPERM. Used to run procfd-trace where the
 * kernel refuses its filter: it must say so in one line and fall back to
 * stopping at every syscall, with the same events. Everything else is
 * allowed; the filter is inherited by procfd-trace and its tracees. */
#include "expect.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

#define ARCH_NR AUDIT_ARCH_X86_64

int main(int argc, char **argv)
{
	CHECK(argc >= 2, "usage: noseccomp_wrap COMMAND [ARGS...]");
	struct sock_filter code[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, ARCH_NR, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_seccomp, 5, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_prctl, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[0])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, PR_SET_SECCOMP, 2, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), /* 7 */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW), /* 8 */
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
	};
	struct sock_fprog prog = { .len = sizeof code / sizeof code[0], .filter = code };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS");
	CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0, "seccomp");
	/* from now on, no filter can be added */
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog);
	CHECK(r == -1 && errno == EPERM, "seccomp(2) refused");
	r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0);
	CHECK(r == -1 && errno == EPERM, "prctl(PR_SET_SECCOMP) refused");
	execvp(argv[1], argv + 1);
	CHECK(0, "exec %s", argv[1]);
}
