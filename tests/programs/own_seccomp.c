/* A tracee with a seccomp filter of its own that fails openat of one path
 * with EPERM (SECCOMP_RET_ERRNO), then opens that path: /proc/self/fd/N of
 * a file it holds, a call procfd-trace reports.
 *
 * The kernel runs every filter and acts on the answer of highest
 * precedence: RET_ERRNO wins over our RET_TRACE, so under procfd-trace's
 * filter the tracer never stops for this call and it is not reported at all
 * (README, Limits). With --no-seccomp the syscall-entry stop comes before
 * seccomp runs, so the call is reported, with its result: -1 EPERM. The
 * program tells the two apart by its own Seccomp: line before it adds its
 * filter (2: procfd-trace's filter; 0: --no-seccomp).
 *
 * The filter matches the path by the address of our buffer (BPF cannot read
 * strings): another openat, even of the same text elsewhere, goes through. */
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

static char denied_path[64];

/* Our seccomp mode, from /proc/self/status. */
static int seccomp_mode(void)
{
	char line[256];
	int mode = -1;
	FILE *f = fopen("/proc/self/status", "r");
	CHECK(f != NULL, "open /proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Seccomp:", 8))
			mode = atoi(line + 8);
	fclose(f);
	return mode;
}

/* openat(_, denied_path, ...) -> EPERM; anything else allowed. The pointer
 * is compared in full on x86-64 (two 32-bit halves of args[1]). */
static void install_own_filter(void)
{
	uint64_t addr = (uint64_t)(uintptr_t)denied_path;
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, OWN_ARCH, 0, 7),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 0, 5),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)addr, 0, 3),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(addr >> 32), 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (EPERM & SECCOMP_RET_DATA)),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };
	/* no_new_privs: allowed to anyone, and needed without CAP_SYS_ADMIN */
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS");
	CHECK(syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0, "own filter");
}

int main(void)
{
	tmpdir_create();
	int fd = make_file(tmp_path("file"), "own seccomp\n");
	int mode = seccomp_mode();
	CHECK(mode == 0 || mode == 2, "Seccomp: %d before our filter", mode);
	snprintf(denied_path, sizeof(denied_path), "/proc/self/fd/%d", fd);
	const char *allowed = self_fd(fd); /* same text, another buffer */
	install_own_filter();

	long r = sys_openat(AT_FDCWD, denied_path, O_RDONLY, 0);
	int e = errno;
	CHECK_ERR(r, EPERM, "openat of the path our own filter denies");
	long r2 = sys_openat(AT_FDCWD, allowed, O_RDONLY, 0);
	int e2 = errno;
	CHECK_OK(r2, "openat of the same text in another buffer");

	const char *call = sfmt("%s,\"path\":%s", jcall("openat"), jstr(denied_path));
	if (mode == 0) /* --no-seccomp: the entry stop comes before seccomp */
		expect("{%s,%s,\"link\":%s}", call, jres(r, e), jself(fd));
	else /* our RET_TRACE loses to the tracee's RET_ERRNO: never seen */
		expect_none("{\"event\":\"syscall\",\"errno\":\"EPERM\"}");
	/* both modes: the call the tracee's filter lets through is reported */
	expect("{%s,%s,\"link\":%s,\"resolution\":\"followed\"}", call, jres(r2, e2), jself(fd));
	expect_count(mode == 0 ? 2 : 1, "{\"event\":\"syscall\",\"syscall\":\"openat\"}");
	sys_close((int)r2);
	sys_close(fd);
	return 0;
}
