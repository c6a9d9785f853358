/* A tracee with a seccomp filter of its own that answers SECCOMP_RET_TRACE
 * (data 0) for getppid, which procfd-trace does not trap, and for an openat
 * of one path buffer, which it does. Without a tracer that takes such stops
 * the kernel fails these calls with ENOSYS, and so it must be under
 * procfd-trace, whose stop for them is not its own filter's: in every mode
 * (our filter or none) each getppid and the openat give -1 ENOSYS.
 * (Before: getppid succeeded under --no-seccomp and -p 14 times in 40, and
 * always under the filter.) */
#include "expect.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/prctl.h>

#if defined(__i386__)
#define OWN_ARCH AUDIT_ARCH_I386
#else
#define OWN_ARCH AUDIT_ARCH_X86_64
#endif

#define ROUNDS 40

static char traced_path[64];

static void install_own_filter(void)
{
	uint32_t addr = (uint32_t)(uintptr_t)traced_path; /* the low half suffices */
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, OWN_ARCH, 0, 6),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 3, 0),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, addr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS");
	CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0, "own filter");
}

int main(void)
{
	tmpdir_create();
	int fd = make_file(tmp_path("file"), "own trace\n");
	snprintf(traced_path, sizeof(traced_path), "/proc/self/fd/%d", fd);
	install_own_filter();

	int lifted = 0;
	for (int i = 0; i < ROUNDS; i++) {
		long r = syscall(SYS_getppid);
		if (r != -1 || errno != ENOSYS)
			lifted++;
	}
	CHECK(lifted == 0, "getppid under our own RET_TRACE: %d of %d not ENOSYS", lifted, ROUNDS);
	long r = sys_openat(AT_FDCWD, traced_path, O_RDONLY, 0);
	CHECK_ERR(r, ENOSYS, "openat under our own RET_TRACE");
	/* a skipped call is not an open: nothing followed the link */
	expect_none("{\"event\":\"syscall\",\"syscall\":\"openat\",\"resolution\":\"followed\"}");
	sys_close(fd);
	return 0;
}
