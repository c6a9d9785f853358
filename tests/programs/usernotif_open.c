/* A seccomp user-notification supervisor answers a tracee's opens of
 * /proc/self/fd/N in the kernel's place: once with 42 (no fd was made),
 * once with the number of an fd the tracee holds on another file, and once
 * with SECCOMP_USER_NOTIF_FLAG_CONTINUE (the kernel really opens the link).
 *
 * With --no-seccomp the entry and exit stops surround the supervisor's
 * answer: the first two results name no fd the open made, and procfd-trace
 * must say so (resolution "unconfirmed", verified false), naming no thread
 * that closed anything (the process has one thread: the supervisor is a
 * child process); the third is a followed, verified open.
 *
 * Under procfd-trace's filter the tracee's USER_NOTIF takes precedence over
 * our RET_TRACE, so none of the three opens is seen, not even the one that
 * really follows the link: a limit the README states. The program tells the
 * modes apart by its Seccomp: line before it adds its filter (2: ours).
 *
 * The filter matches the three path buffers by address (BPF cannot read
 * strings); every other call goes through. Skips (77) where the kernel has
 * no user notification or no CONTINUE (Linux < 5.5). */
#include "expect.h"

#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#if defined(__i386__)
#define OWN_ARCH AUDIT_ARCH_I386
#else
#define OWN_ARCH AUDIT_ARCH_X86_64
#endif

#define FAKE_FD 42

static char fake_path[64], other_path[64], cont_path[64];
static int other_fd;

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

/* openat whose path argument is one of our three buffers: USER_NOTIF. */
#define MATCH_ADDR(buf, skip_if_not)                                                   \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1])),     \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)(uintptr_t)(buf), 0, 3),          \
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[1]) + 4), \
	BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)((uint64_t)(uintptr_t)(buf) >> 32), \
		 0, 1),                                                                 \
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_USER_NOTIF)

static int install_listener(void)
{
	struct sock_filter insns[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, OWN_ARCH, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_openat, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		MATCH_ADDR(fake_path, 0),
		MATCH_ADDR(other_path, 0),
		MATCH_ADDR(cont_path, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(insns) / sizeof(insns[0]), insns };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "PR_SET_NO_NEW_PRIVS");
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);
	if (fd < 0)
		skip("seccomp user notification refused: %s", strerror(errno));
	return fd;
}

/* The child: answer the three opens, then go. */
static void supervise(int listener)
{
	for (int n = 0; n < 3; n++) {
		struct seccomp_notif req;
		struct seccomp_notif_resp resp;
		memset(&req, 0, sizeof(req));
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
			_exit(3);
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		uint64_t path = req.data.args[1];
		if (path == (uint64_t)(uintptr_t)fake_path)
			resp.val = FAKE_FD;
		else if (path == (uint64_t)(uintptr_t)other_path)
			resp.val = other_fd;
		else
			resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0)
			_exit(4);
	}
	_exit(0);
}

int main(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	other_fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0 && other_fd >= 0, "open the held files");
	int mode = seccomp_mode();
	CHECK(mode == 0 || mode == 2, "Seccomp: %d before our filter", mode);
	snprintf(fake_path, sizeof(fake_path), "/proc/self/fd/%d", fd);
	memcpy(other_path, fake_path, sizeof(other_path));
	memcpy(cont_path, fake_path, sizeof(cont_path));

	int listener = install_listener();
	pid_t sup = fork();
	CHECK(sup >= 0, "fork the supervisor");
	if (sup == 0)
		supervise(listener);
	close(listener);

	long r1 = sys_openat(AT_FDCWD, fake_path, O_RDONLY, 0);
	CHECK(r1 == FAKE_FD, "the supervisor's answer: %ld, want %d", r1, FAKE_FD);
	long r2 = sys_openat(AT_FDCWD, other_path, O_RDONLY, 0);
	CHECK(r2 == other_fd, "the supervisor's answer: %ld, want %d", r2, other_fd);
	long r3 = sys_openat(AT_FDCWD, cont_path, O_RDONLY, 0);
	if (r3 < 0 && errno == EINVAL)
		skip("SECCOMP_USER_NOTIF_FLAG_CONTINUE refused (Linux < 5.5)");
	CHECK_OK(r3, "the open the supervisor let the kernel make");
	int status;
	CHECK(waitpid(sup, &status, 0) == sup && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "the supervisor answered all three (status %#x)", status);

	const char *call = sfmt("%s,\"path\":%s,\"errno\":null", jcall("openat"), jstr(fake_path));
	if (mode == 0) {
		/* nothing was opened, and no thread closed anything */
		expect("{%s,\"result\":%d,\"verified\":false,\"resolution\":\"unconfirmed\","
		       "\"explanation\":%s}", call, FAKE_FD,
		       jstr("$re:no fd 42, and no other thread that could have closed it: the "
			    "call's result names no fd this open made; a seccomp supervisor"));
		expect("{%s,\"result\":%d,\"verified\":false,\"resolution\":\"unconfirmed\","
		       "\"explanation\":%s}", call, other_fd, jstr("$re:another inode"));
		expect("{%s,\"result\":%ld,\"verified\":true,\"resolution\":\"followed\"}", call, r3);
		expect_none("{\"event\":\"syscall\",\"explanation\":\"$re:closed already\"}");
	} else {
		/* the tracee's USER_NOTIF wins over our RET_TRACE: none is seen */
		expect_none("{\"event\":\"syscall\",\"syscall\":\"openat\",\"path\":%s}",
			    jstr(fake_path));
	}
	sys_close((int)r3);
	return 0;
}
