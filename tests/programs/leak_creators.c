/* --leaks: one fd from each call that can install one, each reported as a
 * leak made by that call. The calls are raw syscall(2)s, so the i386 build
 * makes the same ones (through socketcall(2) too, for getsockopt). A call
 * this kernel or this container does not allow (ENOSYS, EPERM, a missing
 * device or kernel option) is left out with its reason on stderr; every
 * other failure is a broken environment (exit 99).
 *
 * Removing any trap of tracer/plugins/leaks/leaks_newfds.c makes its expectation
 * fail: the fd is then not reported (no record: taken as from before the
 * trace). */
#include "leakexp.h"

#include <linux/bpf.h>
#include <linux/filter.h>
#include <linux/if_tun.h>
#include <linux/io_uring.h>
#include <linux/kvm.h>
#include <linux/landlock.h>
#include <linux/perf_event.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <mqueue.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/fanotify.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <sys/wait.h>

/* Newer than Debian 12's headers (values from the kernel's uapi). */
#define CLONE_PIDFD_ 0x1000
#define SO_PASSPIDFD_ 76
#define SO_PEERPIDFD_ 77
#define SCM_PIDFD_ 0x04
#define NS_GET_USERNS_ _IO(0xb7, 0x1)
#define NS_GET_PARENT_ _IO(0xb7, 0x2)
#define NS_MNT_GET_NEXT_ _IOC(_IOC_READ, 0xb7, 11, 16) /* VER0 of struct mnt_ns_info */
#define NS_MNT_GET_PREV_ _IOC(_IOC_READ, 0xb7, 12, 16)
#define PIDFD_GET_NS_(nr) _IO(0xFF, (nr))
#define TIOCGPTPEER_ _IO('T', 0x41)
#define TUNGETDEVNETNS_ _IO('T', 227)
#define SIOCGSKNS_ 0x894C
#define SIOCUNIXFILE_ 0x89E0
#define USERFAULTFD_IOC_NEW_ _IO(0xAA, 0x00)
#define KVM_CREATE_GUEST_MEMFD_ _IOC(_IOC_READ | _IOC_WRITE, 0xAE, 0xd4, 64)
#define BPF_TOKEN_CREATE_ 36

static int made;

/* ---- bookkeeping -------------------------------------------------------- */

/* r from the call that makes `what`: true when it made an fd; false after
 * saying on stderr why it cannot run here, when errno is one of the
 * reasons listed (ending with 0); any other failure exits 99. */
static bool ran(long r, const char *what, ...)
{
	if (r >= 0)
		return true;
	int err = errno;
	va_list ap;
	va_start(ap, what);
	for (int e; (e = va_arg(ap, int)) != 0;) {
		if (e == err) {
			va_end(ap);
			fprintf(stderr, "leak_creators: skipped %s: %s\n", what, strerror(err));
			return false;
		}
	}
	va_end(ap);
	errno = err;
	CHECK(0, "%s", what);
	return false;
}

/* The usual reasons: the kernel lacks the call, or this container denies it. */
#define NOT_HERE ENOSYS, EPERM, EACCES, EOPNOTSUPP

static void leaked(long fd, const char *creator)
{
	CHECK(fd >= 3 && fd < 1024, "a new fd, got %ld", fd);
	expect_leak((int)fd, creator, "%s", "");
	made++;
}

/* The dup family makes no description: it puts one at another number. src
 * (an openat's fd) is copied by `dup`, then closed: the leak is the copy,
 * made by openat and installed at its number by the dup. */
static void moved(long src, const char *dup)
{
	CHECK(src >= 3, "open a file to copy");
	long fd = strcmp(dup, "dup") == 0 ? syscall(SYS_dup, (int)src)
					   : syscall(SYS_fcntl, (int)src, F_DUPFD_CLOEXEC, 3);
	CHECK(fd >= 3 && fd < 1024 && close((int)src) == 0, "%s", dup);
	expect_leak((int)fd, "openat", "\"installed_by\":{\"syscall\":\"%s\",\"fd\":%d}", dup,
		    (int)fd);
	made++;
}

/* ---- files, pipes, sockets, anon inodes ---------------------------------- */

static void files(void)
{
	const char *f = tmp_path("file");
#ifdef SYS_open
	leaked(syscall(SYS_open, f, O_RDWR | O_CREAT, 0600), "open");
#endif
#ifdef SYS_creat
	leaked(syscall(SYS_creat, f, 0600), "creat");
#endif
	leaked(syscall(SYS_openat, AT_FDCWD, f, O_RDONLY, 0), "openat");
	struct { uint64_t flags, mode, resolve; } how = { O_RDONLY, 0, 0 };
	long r = syscall(SYS_openat2, AT_FDCWD, f, &how, sizeof(how));
	if (ran(r, "openat2", ENOSYS, 0))
		leaked(r, "openat2");
	moved(syscall(SYS_openat, AT_FDCWD, f, O_RDONLY, 0), "dup");
	moved(syscall(SYS_openat, AT_FDCWD, f, O_RDONLY, 0), "fcntl");
}

static void pipes_and_sockets(void)
{
	int p[2];
#ifdef SYS_pipe
	CHECK(syscall(SYS_pipe, p) == 0, "pipe");
	leaked(p[0], "pipe");
	leaked(p[1], "pipe");
#endif
	CHECK(syscall(SYS_pipe2, p, O_CLOEXEC) == 0, "pipe2");
	leaked(p[0], "pipe2");
	leaked(p[1], "pipe2");
	int sv[2];
	CHECK(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	leaked(sv[0], "socketpair");
	leaked(sv[1], "socketpair");

	long l = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
	leaked(l, "socket");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", tmp_path("listener"));
	CHECK(syscall(SYS_bind, l, &a, sizeof(a)) == 0, "bind");
	CHECK(syscall(SYS_listen, l, 4) == 0, "listen");
	for (int i = 0; i < 2; i++) {
		long c = syscall(SYS_socket, AF_UNIX, SOCK_STREAM, 0);
		leaked(c, "socket");
		CHECK(syscall(SYS_connect, c, &a, sizeof(a)) == 0, "connect");
	}
#ifdef SYS_accept
	leaked(syscall(SYS_accept, l, NULL, NULL), "accept");
#else
	leaked(syscall(SYS_accept4, l, NULL, NULL, 0), "accept4");
#endif
	leaked(syscall(SYS_accept4, l, NULL, NULL, SOCK_CLOEXEC), "accept4");
}

static void anon_inodes(void)
{
#ifdef SYS_eventfd
	leaked(syscall(SYS_eventfd, 0), "eventfd");
#endif
	leaked(syscall(SYS_eventfd2, 0, 0), "eventfd2");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
#ifdef SYS_signalfd
	leaked(syscall(SYS_signalfd, -1, &set, 8), "signalfd");
#endif
	leaked(syscall(SYS_signalfd4, -1, &set, 8, 0), "signalfd4");
	leaked(syscall(SYS_timerfd_create, CLOCK_MONOTONIC, 0), "timerfd_create");
#ifdef SYS_epoll_create
	leaked(syscall(SYS_epoll_create, 1), "epoll_create");
#endif
	leaked(syscall(SYS_epoll_create1, 0), "epoll_create1");
#ifdef SYS_inotify_init
	leaked(syscall(SYS_inotify_init), "inotify_init");
#endif
	leaked(syscall(SYS_inotify_init1, 0), "inotify_init1");
	long r = syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
	if (ran(r, "fanotify_init", NOT_HERE, EINVAL, 0))
		leaked(r, "fanotify_init");
	leaked(syscall(SYS_memfd_create, "leak-creators", 0), "memfd_create");
	r = syscall(SYS_memfd_secret, 0);
	if (ran(r, "memfd_secret", NOT_HERE, 0))
		leaked(r, "memfd_secret");
	r = syscall(SYS_userfaultfd, O_CLOEXEC);
	if (ran(r, "userfaultfd", NOT_HERE, 0))
		leaked(r, "userfaultfd");
	struct perf_event_attr pa = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(pa),
				      .config = PERF_COUNT_SW_DUMMY, .disabled = 1 };
	r = syscall(SYS_perf_event_open, &pa, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (ran(r, "perf_event_open", NOT_HERE, ENOENT, 0))
		leaked(r, "perf_event_open");
	struct io_uring_params up = { 0 };
	r = syscall(SYS_io_uring_setup, 2, &up);
	if (ran(r, "io_uring_setup", NOT_HERE, 0))
		leaked(r, "io_uring_setup");
	char name[64];
	snprintf(name, sizeof(name), "/pfdtest-creators-%d", (int)getpid());
	r = syscall(SYS_mq_open, name + 1, O_RDWR | O_CREAT | O_EXCL, 0600, NULL);
	if (ran(r, "mq_open", NOT_HERE, 0)) {
		leaked(r, "mq_open");
		CHECK(syscall(SYS_mq_unlink, name + 1) == 0, "mq_unlink");
	}
}

/* ---- processes ----------------------------------------------------------- */

static void reap(long pid)
{
	int status;
	CHECK(waitpid((pid_t)pid, &status, 0) == pid && WIFEXITED(status), "child exit");
}

static volatile int thread_ran;

/* A bare thread (no libc state of its own): it only says it ran. */
static int bare_thread(void *arg)
{
	(void)arg;
	thread_ran = 1;
	return 0;
}

/* CLONE_PIDFD with CLONE_THREAD (Linux 6.9): a thread's pidfd, in the table
 * the thread shares. */
static void thread_pidfd(void)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	int pidfd = -1;
	long tid = clone(bare_thread, stack + sizeof(stack),
			 CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |
				 CLONE_SYSVSEM | CLONE_PIDFD_,
			 NULL, &pidfd);
	if (!ran(tid, "clone(CLONE_THREAD|CLONE_PIDFD)", EINVAL, 0))
		return;
	while (!thread_ran)
		sched_yield();
	leaked(pidfd, "clone");
}

static void pidfds(void)
{
	long self = syscall(SYS_pidfd_open, getpid(), 0);
	if (!ran(self, "pidfd_open", ENOSYS, 0))
		return;
	leaked(self, "pidfd_open");
	long r = syscall(SYS_pidfd_getfd, self, 0, 0);
	if (ran(r, "pidfd_getfd", NOT_HERE, 0))
		leaked(r, "pidfd_getfd");

	/* the pidfd is written through parent_tid (third argument on both ABIs) */
	int pidfd = -1;
	long pid = syscall(SYS_clone, CLONE_PIDFD_ | SIGCHLD, NULL, &pidfd, NULL, NULL);
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (ran(pid, "clone(CLONE_PIDFD)", EINVAL, 0)) {
		reap(pid);
		leaked(pidfd, "clone");
	}
	/* the same at a vfork event (the child has its own copy of memory) */
	pid = syscall(SYS_clone, CLONE_VFORK | CLONE_PIDFD_ | SIGCHLD, NULL, &pidfd, NULL, NULL);
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (ran(pid, "clone(CLONE_VFORK|CLONE_PIDFD)", EINVAL, 0)) {
		reap(pid);
		leaked(pidfd, "clone");
	}
	struct clone_args ca = { .flags = CLONE_PIDFD_, .pidfd = (uint64_t)(uintptr_t)&pidfd,
				 .exit_signal = SIGCHLD };
	pid = syscall(SYS_clone3, &ca, sizeof(ca));
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	if (ran(pid, "clone3(CLONE_PIDFD)", ENOSYS, 0)) {
		reap(pid);
		leaked(pidfd, "clone3");
	}
	/* a plain fork makes no fd */
	pid = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0)
		syscall(SYS_exit_group, 0);
	CHECK(pid > 0, "fork");
	reap(pid);
}

/* ---- mounts, handles, sandboxes -------------------------------------------- */

static void mounts(void)
{
	long r = syscall(SYS_open_tree, AT_FDCWD, exp_tmpdir, OPEN_TREE_CLOEXEC);
	if (ran(r, "open_tree", NOT_HERE, 0))
		leaked(r, "open_tree");
	r = syscall(SYS_fspick, AT_FDCWD, "/", FSPICK_CLOEXEC); /* a mount's root */
	if (ran(r, "fspick", NOT_HERE, 0))
		leaked(r, "fspick");
	long fs = syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC);
	if (!ran(fs, "fsopen", NOT_HERE, ENODEV, 0))
		return;
	leaked(fs, "fsopen");
	CHECK(syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0, "fsconfig");
	r = syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC, 0);
	if (ran(r, "fsmount", NOT_HERE, 0))
		leaked(r, "fsmount");
}

static void handle(void)
{
	struct { struct file_handle h; unsigned char bytes[128]; } fh;
	int mount_id;
	fh.h.handle_bytes = sizeof(fh.bytes);
	long r = syscall(SYS_name_to_handle_at, AT_FDCWD, tmp_path("file"), &fh.h, &mount_id, 0);
	if (!ran(r, "name_to_handle_at", NOT_HERE, 0))
		return;
	long dir = sys_openat(AT_FDCWD, exp_tmpdir, O_RDONLY | O_DIRECTORY, 0);
	CHECK(dir >= 0, "open %s", exp_tmpdir);
	r = syscall(SYS_open_by_handle_at, dir, &fh.h, O_RDONLY);
	if (ran(r, "open_by_handle_at", NOT_HERE, 0))
		leaked(r, "open_by_handle_at");
}

static void landlock(void)
{
	struct landlock_ruleset_attr attr = { .handled_access_fs = LANDLOCK_ACCESS_FS_EXECUTE };
	long r = syscall(SYS_landlock_create_ruleset, &attr, sizeof(attr), 0);
	if (ran(r, "landlock_create_ruleset", NOT_HERE, 0))
		leaked(r, "landlock_create_ruleset");
}

/* Last: the filter stays (it allows everything; the tracer says it saw one). */
static void seccomp_listener(void)
{
	struct sock_filter allow = BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	struct sock_fprog prog = { 1, &allow };
	CHECK(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0, "no_new_privs");
	long r = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, SECCOMP_FILTER_FLAG_NEW_LISTENER,
			 &prog);
	if (ran(r, "seccomp(NEW_LISTENER)", NOT_HERE, EINVAL, 0))
		leaked(r, "seccomp");
}

/* ---- bpf ------------------------------------------------------------------ */

static long sys_bpf(int cmd, union bpf_attr *a)
{
	return syscall(SYS_bpf, cmd, a, sizeof(*a));
}

static void bpf(void)
{
	union bpf_attr a = { 0 };
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 4;
	a.max_entries = 1;
	long map = sys_bpf(BPF_MAP_CREATE, &a);
	if (!ran(map, "bpf(BPF_MAP_CREATE)", NOT_HERE, 0))
		return;
	leaked(map, "bpf");
	struct bpf_map_info info = { 0 };
	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)map;
	a.info.info_len = sizeof(info);
	a.info.info = (uint64_t)(uintptr_t)&info;
	CHECK(sys_bpf(BPF_OBJ_GET_INFO_BY_FD, &a) == 0, "BPF_OBJ_GET_INFO_BY_FD");
	memset(&a, 0, sizeof(a));
	a.map_id = info.id;
	leaked(sys_bpf(BPF_MAP_GET_FD_BY_ID, &a), "bpf");

	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (uint64_t)(uintptr_t)insns;
	a.insn_cnt = 2;
	a.license = (uint64_t)(uintptr_t)"GPL";
	long prog = sys_bpf(BPF_PROG_LOAD, &a);
	if (ran(prog, "bpf(BPF_PROG_LOAD)", NOT_HERE, 0))
		leaked(prog, "bpf");
	memset(&a, 0, sizeof(a));
	a.enable_stats.type = BPF_STATS_RUN_TIME;
	long stats = sys_bpf(BPF_ENABLE_STATS, &a);
	if (ran(stats, "bpf(BPF_ENABLE_STATS)", NOT_HERE, EINVAL, 0))
		leaked(stats, "bpf");
}

/* ---- sockets' pidfds -------------------------------------------------------- */

static void socket_pidfds(void)
{
	int sv[2];
	CHECK(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	int pidfd = -1;
	socklen_t len = sizeof(pidfd);
	long r = syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_PEERPIDFD_, &pidfd, &len);
	if (ran(r, "getsockopt(SO_PEERPIDFD)", ENOPROTOOPT, 0))
		leaked(pidfd, "getsockopt");
#if defined(SYS_socketcall) && defined(__i386__)
	unsigned long args[5] = { (unsigned long)sv[1], SOL_SOCKET, SO_PEERPIDFD_,
				  (unsigned long)&pidfd, (unsigned long)&len };
	r = syscall(SYS_socketcall, 15 /* SYS_GETSOCKOPT */, args);
	if (ran(r, "socketcall(getsockopt SO_PEERPIDFD)", ENOPROTOOPT, 0))
		leaked(pidfd, "getsockopt");
#endif
	/* not an fd-making option: nothing */
	int type;
	len = sizeof(type);
	CHECK(syscall(SYS_getsockopt, sv[0], SOL_SOCKET, SO_TYPE, &type, &len) == 0, "SO_TYPE");

	int on = 1;
	r = syscall(SYS_setsockopt, sv[1], SOL_SOCKET, SO_PASSPIDFD_, &on, sizeof(on));
	if (!ran(r, "setsockopt(SO_PASSPIDFD)", ENOPROTOOPT, 0))
		return;
	char byte = 'x';
	struct iovec iov = { &byte, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	CHECK(send(sv[0], "x", 1, 0) == 1, "send");
	CHECK(syscall(SYS_recvmsg, sv[1], &m, 0) == 1, "recvmsg");
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	CHECK(c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_PIDFD_, "an SCM_PIDFD");
	memcpy(&pidfd, CMSG_DATA(c), sizeof(int));
	leaked(pidfd, "recvmsg");
}

/* ---- ioctls ---------------------------------------------------------------- */

static long open_ro(const char *path)
{
	return sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
}

static void ns_ioctls(void)
{
	long net = open_ro("/proc/self/ns/net");
	CHECK(net >= 0, "open /proc/self/ns/net");
	long r = syscall(SYS_ioctl, net, NS_GET_USERNS_, 0);
	if (ran(r, "ioctl(NS_GET_USERNS)", NOT_HERE, 0))
		leaked(r, "ioctl");
	long mnt = open_ro("/proc/self/ns/mnt");
	CHECK(mnt >= 0, "open /proc/self/ns/mnt");
	r = syscall(SYS_ioctl, mnt, NS_MNT_GET_NEXT_, NULL);
	if (ran(r, "ioctl(NS_MNT_GET_NEXT)", NOT_HERE, ENOTTY, ENOENT, EINVAL, 0))
		leaked(r, "ioctl");
	r = syscall(SYS_ioctl, mnt, NS_MNT_GET_PREV_, NULL);
	if (ran(r, "ioctl(NS_MNT_GET_PREV)", NOT_HERE, ENOTTY, ENOENT, EINVAL, 0))
		leaked(r, "ioctl");
	/* not an fd-making ioctl: nothing */
	CHECK(syscall(SYS_ioctl, net, _IO(0xb7, 0x3) /* NS_GET_NSTYPE */, 0) >= 0, "NS_GET_NSTYPE");

	long self = syscall(SYS_pidfd_open, getpid(), 0);
	if (!ran(self, "pidfd_open", ENOSYS, 0))
		return;
	leaked(self, "pidfd_open");
	for (int nr = 1; nr <= 10; nr++) {
		r = syscall(SYS_ioctl, self, PIDFD_GET_NS_(nr), 0);
		if (ran(r, sfmt("ioctl(PIDFD_GET_*_NAMESPACE %d)", nr), NOT_HERE, ENOTTY, ENOENT, 0))
			leaked(r, "ioctl");
	}
}

/* NS_GET_PARENT needs a namespace with a parent: a child's new user
 * namespace, whose parent is this process's. */
static void ns_parent(void)
{
	int ready[2], done[2];
	CHECK(pipe2(ready, O_CLOEXEC) == 0 && pipe2(done, O_CLOEXEC) == 0, "pipes");
	long pid = syscall(SYS_clone, SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		char ok = syscall(SYS_unshare, CLONE_NEWUSER) == 0 ? 'y' : 'n', c;
		if (write(ready[1], &ok, 1) != 1 || read(done[0], &c, 1) < 0)
			syscall(SYS_exit_group, 1);
		syscall(SYS_exit_group, 0);
	}
	CHECK(pid > 0, "fork");
	char ok = 'n';
	CHECK(read(ready[0], &ok, 1) == 1, "read the child's answer");
	if (ok == 'y') {
		long ns = open_ro(sfmt("/proc/%ld/ns/user", pid));
		CHECK(ns >= 0, "open the child's user namespace");
		long r = syscall(SYS_ioctl, ns, NS_GET_PARENT_, 0);
		if (ran(r, "ioctl(NS_GET_PARENT)", NOT_HERE, 0))
			leaked(r, "ioctl");
	} else {
		fprintf(stderr, "leak_creators: skipped ioctl(NS_GET_PARENT): no user namespace\n");
	}
	CHECK(write(done[1], "x", 1) == 1, "let the child go");
	reap(pid);
	close(ready[0]), close(ready[1]), close(done[0]), close(done[1]);
}

static void device_ioctls(void)
{
	long ptmx = sys_openat(AT_FDCWD, "/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC, 0);
	if (ran(ptmx, "open /dev/ptmx for TIOCGPTPEER", ENOENT, EACCES, ENODEV, 0)) {
		int unlock = 0;
		CHECK(syscall(SYS_ioctl, ptmx, TIOCSPTLCK, &unlock) == 0, "unlockpt");
		long r = syscall(SYS_ioctl, ptmx, TIOCGPTPEER_, O_RDWR | O_NOCTTY);
		if (ran(r, "ioctl(TIOCGPTPEER)", ENOTTY, EINVAL, 0))
			leaked(r, "ioctl");
	}
	long uffd = sys_openat(AT_FDCWD, "/dev/userfaultfd", O_RDWR | O_CLOEXEC, 0);
	if (ran(uffd, "open /dev/userfaultfd for USERFAULTFD_IOC_NEW", ENOENT, EACCES, EPERM, 0)) {
		long r = syscall(SYS_ioctl, uffd, USERFAULTFD_IOC_NEW_, O_CLOEXEC);
		if (ran(r, "ioctl(USERFAULTFD_IOC_NEW)", NOT_HERE, 0))
			leaked(r, "ioctl");
	}
	long tun = sys_openat(AT_FDCWD, "/dev/net/tun", O_RDWR | O_CLOEXEC, 0);
	if (ran(tun, "open /dev/net/tun for TUNGETDEVNETNS", ENOENT, EACCES, EPERM, ENODEV, 0)) {
		struct ifreq ifr = { 0 };
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "pfdc%d", (int)getpid() % 100000);
		ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
		long r = syscall(SYS_ioctl, tun, TUNSETIFF, &ifr);
		if (ran(r, "ioctl(TUNSETIFF) for TUNGETDEVNETNS", NOT_HERE, EBUSY, 0)) {
			r = syscall(SYS_ioctl, tun, TUNGETDEVNETNS_, 0);
			if (ran(r, "ioctl(TUNGETDEVNETNS)", NOT_HERE, ENOTTY, 0))
				leaked(r, "ioctl");
		}
	}
}

static void socket_ioctls(void)
{
	long s = syscall(SYS_socket, AF_UNIX, SOCK_DGRAM, 0);
	CHECK(s >= 0, "socket");
	long r = syscall(SYS_ioctl, s, SIOCGSKNS_, 0);
	if (ran(r, "ioctl(SIOCGSKNS)", NOT_HERE, ENOTTY, 0))
		leaked(r, "ioctl");
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", tmp_path("bound"));
	CHECK(syscall(SYS_bind, s, &a, sizeof(a)) == 0, "bind");
	r = syscall(SYS_ioctl, s, SIOCUNIXFILE_, 0);
	if (ran(r, "ioctl(SIOCUNIXFILE)", NOT_HERE, ENOTTY, 0))
		leaked(r, "ioctl");
}

static void kvm(void)
{
	long dev = sys_openat(AT_FDCWD, "/dev/kvm", O_RDWR | O_CLOEXEC, 0);
	if (!ran(dev, "open /dev/kvm for KVM", ENOENT, EACCES, EPERM, ENODEV, ENXIO, 0))
		return;
	long vm = syscall(SYS_ioctl, dev, KVM_CREATE_VM, 0);
	if (!ran(vm, "ioctl(KVM_CREATE_VM)", NOT_HERE, EINVAL, ENODEV, EBUSY, ENOMEM, 0))
		return;
	leaked(vm, "ioctl");
	long r = syscall(SYS_ioctl, vm, KVM_CREATE_VCPU, 0);
	if (ran(r, "ioctl(KVM_CREATE_VCPU)", NOT_HERE, EINVAL, ENOMEM, 0))
		leaked(r, "ioctl");
	r = syscall(SYS_ioctl, vm, KVM_GET_STATS_FD, 0);
	if (ran(r, "ioctl(KVM_GET_STATS_FD)", NOT_HERE, EINVAL, ENOTTY, 0))
		leaked(r, "ioctl");
	struct kvm_create_device cd = { .type = KVM_DEV_TYPE_VFIO };
	r = syscall(SYS_ioctl, vm, KVM_CREATE_DEVICE, &cd);
	if (ran(r, "ioctl(KVM_CREATE_DEVICE VFIO)", NOT_HERE, ENODEV, EINVAL, 0))
		leaked(cd.fd, "ioctl");
	uint64_t gm[8] = { 4096 }; /* struct kvm_create_guest_memfd: size, flags */
	r = syscall(SYS_ioctl, vm, KVM_CREATE_GUEST_MEMFD_, gm);
	if (ran(r, "ioctl(KVM_CREATE_GUEST_MEMFD)", NOT_HERE, EINVAL, ENOTTY, 0))
		leaked(r, "ioctl");
}

int main(void)
{
	tmpdir_create();
	expect_no_leak(0);
	files();
	pipes_and_sockets();
	anon_inodes();
	pidfds();
	thread_pidfd();
	mounts();
	handle();
	landlock();
	bpf();
	socket_pidfds();
	ns_ioctls();
	device_ioctls();
	socket_ioctls();
	kvm();
	ns_parent();
	seccomp_listener();
	fprintf(stderr, "leak_creators: %d fds made\n", made);
	fflush(stdout);
	return 0;
}
