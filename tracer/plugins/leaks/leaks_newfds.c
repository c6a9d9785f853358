/* procfd-trace: which fds a finished call created.
 *
 * Most fd-creating calls return the new fd. pipe and socketpair write a
 * pair into the caller's memory; recvmsg and recvmmsg may carry fds in
 * SCM_RIGHTS and SCM_PIDFD control messages, whose layout differs between
 * 64-bit and 32-bit (i386, x32) callers; i386 programs may reach sockets
 * through socketcall(2), whose arguments are an array in memory. A few
 * calls write the new fd into a structure: getsockopt(SO_PEERPIDFD), SCTP's
 * peel-off, KVM_CREATE_DEVICE, and clone/clone3 with CLONE_PIDFD, whose
 * pidfd is read at the fork event (leak_fork_pidfd) rather than trapped.
 *
 * The list was checked against the kernel's own places that install an fd
 * (fd_install, receive_fd, replace_fd, anon_inode_getfd and their callers,
 * Linux 6.12 sources, and the syscalls this 6.18 kernel lists): what is
 * reachable from a syscall of the x86-64 or i386 table is trapped here,
 * except what the README lists as not seen (io_uring's own operations, fds
 * handed out by read(2), open_tree_attr, device-specific ioctls...). */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/ioctl.h>
#include <linux/net.h>
#include <linux/sockios.h>
#include <string.h>
#include <sys/socket.h>

#include "tracer/plugins/leaks/leaks_track.h"

/* Constants of the kernel's uapi that Debian 12's headers are too old to
 * have, written out (with the header they come from). */
#define CLONE_PIDFD_ 0x1000u                    /* linux/sched.h */
#define SECCOMP_SET_MODE_FILTER_ 1u             /* linux/seccomp.h */
#define SECCOMP_FILTER_FLAG_NEW_LISTENER_ (1u << 3)
#define LANDLOCK_CREATE_RULESET_QUERIES_ 0x3u   /* _VERSION | _ERRATA: a number, no fd */
#define SO_PEERPIDFD_ 77                        /* asm-generic/socket.h */
#define SCM_PIDFD_ 0x04                         /* linux/socket.h */
#define SOL_SCTP_ 132                           /* linux/socket.h */
#define SCTP_SOCKOPT_PEELOFF_ 102               /* linux/sctp.h */
#define SCTP_SOCKOPT_PEELOFF_FLAGS_ 122

/* ioctls that return a new fd (or, for KVM_CREATE_DEVICE, write it). */
#define NSIO_ 0xb7                              /* linux/nsfs.h */
#define NS_GET_USERNS_ _IO(NSIO_, 0x1)
#define NS_GET_PARENT_ _IO(NSIO_, 0x2)
/* NS_MNT_GET_NEXT/PREV are extensible: the kernel switches on the number
 * only, the size in the request varies, so they are matched by type+nr. */
#define NS_MNT_GET_NEXT_NR_ 11
#define NS_MNT_GET_PREV_NR_ 12
#define IOC_TYPE_NR_MASK_ ((uint64_t)_IOC_TYPEMASK << _IOC_TYPESHIFT | _IOC_NRMASK)
#define PIDFD_GET_NS_(nr) _IO(0xFF, (nr))       /* linux/pidfd.h: 1 cgroup .. 10 uts */
#define TIOCGPTPEER_ _IO('T', 0x41)             /* asm-generic/ioctls.h */
#define TUNGETDEVNETNS_ _IO('T', 227)           /* linux/if_tun.h */
#define SIOCGSKNS_ 0x894C                       /* linux/sockios.h */
#define SIOCUNIXFILE_ (SIOCPROTOPRIVATE + 0)    /* linux/un.h */
#define USERFAULTFD_IOC_NEW_ _IO(0xAA, 0x00)    /* linux/userfaultfd.h */
#define KVMIO_ 0xAE                             /* linux/kvm.h */
#define KVM_CREATE_VM_ _IO(KVMIO_, 0x01)
#define KVM_CREATE_VCPU_ _IO(KVMIO_, 0x41)
#define KVM_GET_STATS_FD_ _IO(KVMIO_, 0xce)
#define KVM_CREATE_DEVICE_ _IOC(_IOC_READ | _IOC_WRITE, KVMIO_, 0xe0, 12)
#define KVM_CREATE_DEVICE_TEST_ 1u
#define KVM_CREATE_GUEST_MEMFD_ _IOC(_IOC_READ | _IOC_WRITE, KVMIO_, 0xd4, 64)

/* bpf(2) commands that return a new fd (linux/bpf.h, enum bpf_cmd). */
enum {
	BPF_MAP_CREATE_ = 0, BPF_PROG_LOAD_ = 5, BPF_OBJ_GET_ = 7,
	BPF_PROG_GET_FD_BY_ID_ = 13, BPF_MAP_GET_FD_BY_ID_ = 14, BPF_RAW_TRACEPOINT_OPEN_ = 17,
	BPF_BTF_LOAD_ = 18, BPF_BTF_GET_FD_BY_ID_ = 19, BPF_LINK_CREATE_ = 28,
	BPF_LINK_GET_FD_BY_ID_ = 30, BPF_ENABLE_STATS_ = 32, BPF_ITER_CREATE_ = 33,
	BPF_TOKEN_CREATE_ = 36,
};

/* Where each kind of call puts its fds: the traps' data. */
static const struct leak_how by_result = { LEAK_BY_RESULT, 0, false };
static const struct leak_how by_dup = { LEAK_BY_DUP, 0, false };
static const struct leak_how pair_at_0 = { LEAK_BY_PAIR, 0, false };
static const struct leak_how pair_at_3 = { LEAK_BY_PAIR, 3, false };
static const struct leak_how by_msghdr = { LEAK_BY_MSGHDR, 0, false };
static const struct leak_how by_mmsghdr = { LEAK_BY_MMSGHDR, 0, false };
static const struct leak_how by_sockopt = { LEAK_BY_SOCKOPT, 0, false };
static const struct leak_how by_socketcall = { LEAK_BY_SOCKETCALL, 0, false };
static const struct leak_how by_kvm_device = { LEAK_BY_KVM_DEVICE, 0, false };
static const struct leak_how new_signalfd = { LEAK_BY_NEW_SIGNALFD, 0, false };
static const struct leak_how seccomp_listener = { LEAK_BY_SECCOMP_LISTENER, 0, false };
static const struct leak_how landlock_ruleset = { LEAK_BY_LANDLOCK_RULESET, 0, false };
static const struct leak_how result_and_untraced = { LEAK_BY_RESULT, 0, true };

/* Every call that may put a new fd into the caller's table. Frequent calls
 * (ioctl, bpf, seccomp, getsockopt) stop only in their fd-making forms. */
#define CREATES(name) { .syscall = name }
#define CREATES_BY(name, how) { .syscall = name, .data = &(how) }
#define WHEN_IN(name, argi, n, ...) \
	{ .syscall = name, .op = PFD_ARG_IN, .arg = argi, .n_values = n, .values = { __VA_ARGS__ } }
#define WHEN_IN_BY(how, name, argi, n, ...) \
	{ .syscall = name, .op = PFD_ARG_IN, .arg = argi, .n_values = n, .values = { __VA_ARGS__ }, \
	  .data = &(how) }
#define WHEN_MASKED(name, argi, mask, value) \
	{ .syscall = name, .op = PFD_ARG_MASKED_EQ, .arg = argi, .values = { mask, value } }

const struct pfd_trap leak_traps[] = {
	CREATES("open"), CREATES("openat"), CREATES("openat2"), CREATES("creat"),
	CREATES("open_by_handle_at"), CREATES("open_tree"),
	CREATES_BY("dup", by_dup), CREATES_BY("dup2", by_dup), CREATES_BY("dup3", by_dup),
	WHEN_IN_BY(by_dup, "fcntl", 1, 2, F_DUPFD, F_DUPFD_CLOEXEC),
	WHEN_IN_BY(by_dup, "fcntl64", 1, 2, F_DUPFD, F_DUPFD_CLOEXEC),
	CREATES_BY("pipe", pair_at_0), CREATES_BY("pipe2", pair_at_0),
	CREATES("socket"), CREATES_BY("socketpair", pair_at_3), CREATES("accept"), CREATES("accept4"),
	CREATES_BY("recvmsg", by_msghdr), CREATES_BY("recvmmsg", by_mmsghdr),
	CREATES_BY("recvmmsg_time64", by_mmsghdr),
	WHEN_IN_BY(by_sockopt, "getsockopt", 2, 3, SO_PEERPIDFD_, SCTP_SOCKOPT_PEELOFF_,
		   SCTP_SOCKOPT_PEELOFF_FLAGS_),
	WHEN_IN_BY(by_socketcall, "socketcall", 0, 7, SYS_SOCKET, SYS_ACCEPT, SYS_SOCKETPAIR,
		   SYS_RECVMSG, SYS_ACCEPT4, SYS_RECVMMSG, SYS_GETSOCKOPT),
	CREATES("eventfd"), CREATES("eventfd2"),
	CREATES_BY("signalfd", new_signalfd), CREATES_BY("signalfd4", new_signalfd),
	CREATES("timerfd_create"), CREATES("epoll_create"), CREATES("epoll_create1"),
	CREATES("inotify_init"), CREATES("inotify_init1"),
	CREATES_BY("fanotify_init", result_and_untraced),
	CREATES("memfd_create"), CREATES("memfd_secret"), CREATES("pidfd_open"),
	CREATES("pidfd_getfd"), CREATES("userfaultfd"), CREATES("perf_event_open"),
	CREATES_BY("io_uring_setup", result_and_untraced), CREATES("fsopen"), CREATES("fsmount"),
	CREATES("fspick"), CREATES("mq_open"),
	CREATES_BY("landlock_create_ruleset", landlock_ruleset),
	{ .syscall = "seccomp", .op = PFD_ARG_MASKED_EQ, .arg = 1,
	  .values = { SECCOMP_FILTER_FLAG_NEW_LISTENER_, SECCOMP_FILTER_FLAG_NEW_LISTENER_ },
	  .data = &seccomp_listener },
	WHEN_IN("bpf", 0, 8, BPF_MAP_CREATE_, BPF_PROG_LOAD_, BPF_OBJ_GET_,
		BPF_PROG_GET_FD_BY_ID_, BPF_MAP_GET_FD_BY_ID_, BPF_RAW_TRACEPOINT_OPEN_,
		BPF_BTF_LOAD_, BPF_BTF_GET_FD_BY_ID_),
	WHEN_IN("bpf", 0, 5, BPF_LINK_CREATE_, BPF_LINK_GET_FD_BY_ID_, BPF_ENABLE_STATS_,
		BPF_ITER_CREATE_, BPF_TOKEN_CREATE_),
	WHEN_IN("ioctl", 1, 8, NS_GET_USERNS_, NS_GET_PARENT_, TIOCGPTPEER_, SIOCGSKNS_,
		TUNGETDEVNETNS_, SIOCUNIXFILE_, USERFAULTFD_IOC_NEW_, KVM_CREATE_VM_),
	WHEN_IN("ioctl", 1, 8, PIDFD_GET_NS_(1), PIDFD_GET_NS_(2), PIDFD_GET_NS_(3),
		PIDFD_GET_NS_(4), PIDFD_GET_NS_(5), PIDFD_GET_NS_(6), PIDFD_GET_NS_(7),
		PIDFD_GET_NS_(8)),
	WHEN_IN("ioctl", 1, 5, PIDFD_GET_NS_(9), PIDFD_GET_NS_(10), KVM_CREATE_VCPU_,
		KVM_GET_STATS_FD_, KVM_CREATE_GUEST_MEMFD_),
	WHEN_IN_BY(by_kvm_device, "ioctl", 1, 1, KVM_CREATE_DEVICE_),
	WHEN_MASKED("ioctl", 1, IOC_TYPE_NR_MASK_, _IO(NSIO_, NS_MNT_GET_NEXT_NR_)),
	WHEN_MASKED("ioctl", 1, IOC_TYPE_NR_MASK_, _IO(NSIO_, NS_MNT_GET_PREV_NR_)),
	{ 0 },
};

const struct leak_how *leak_how_of(const struct pfd_trap *trap)
{
	return trap && trap->data ? trap->data : &by_result;
}

/* The layouts the kernel reads, by the caller's word size. */
struct abi {
	size_t word;        /* pointer and size_t */
	size_t msghdr;      /* sizeof(struct msghdr) */
	size_t mmsghdr;     /* sizeof(struct mmsghdr) */
	size_t control_off; /* offsetof(msghdr, msg_control) */
	size_t controllen_off;
	size_t cmsghdr;     /* sizeof(struct cmsghdr), the alignment unit too */
};

static const struct abi abi64 = { 8, 56, 64, 32, 40, 16 };
static const struct abi abi32 = { 4, 28, 32, 16, 20, 12 };

static const struct abi *abi_of(const struct pfd_call *c)
{
	bool narrow = c->audit_arch == AUDIT_ARCH_I386 || strcmp(c->arch, "x32") == 0;
	return narrow ? &abi32 : &abi64;
}

static uint64_t read_word(struct pfd_tracee *t, uint64_t addr, size_t word, bool *ok)
{
	uint64_t v = 0;
	uint32_t v32 = 0;
	int rc = word == 8 ? pfd_tracee_read(t, addr, &v, 8) : pfd_tracee_read(t, addr, &v32, 4);
	*ok = rc == 0;
	return word == 8 ? v : v32;
}

/* socketcall(call, args): the socket operation and its argument array. */
static bool socketcall_arg(struct pfd_tracee *t, const struct pfd_call *c, unsigned i,
			   uint64_t *out)
{
	bool ok;
	*out = read_word(t, c->args[1] + 4u * i, 4, &ok);
	return ok;
}

/* getsockopt's options that install an fd, by (level, optname). */
static bool sockopt_makes_fd(uint64_t level, uint64_t optname)
{
	int lv = (int)level, opt = (int)optname;
	if (lv == SOL_SOCKET)
		return opt == SO_PEERPIDFD_;
	return lv == SOL_SCTP_ && (opt == SCTP_SOCKOPT_PEELOFF_ || opt == SCTP_SOCKOPT_PEELOFF_FLAGS_);
}

/* Where the option's new fd is written: SO_PEERPIDFD's value is the fd,
 * SCTP's peel-off structures hold it after the association id. */
static uint64_t sockopt_fd_at(uint64_t level, uint64_t optval)
{
	return (int)level == SOL_SOCKET ? optval : optval + 4;
}

/* The msghdr's control buffer as the kernel left it. */
static bool control_of(struct pfd_tracee *t, const struct abi *a, uint64_t msghdr,
		       uint64_t *control, uint64_t *len)
{
	bool ok1, ok2;
	*control = read_word(t, msghdr + a->control_off, a->word, &ok1);
	*len = read_word(t, msghdr + a->controllen_off, a->word, &ok2);
	return ok1 && ok2;
}

static size_t cmsg_align(const struct abi *a, size_t n)
{
	size_t unit = a->word;
	return (n + unit - 1) & ~(unit - 1);
}

/* The fds in one control buffer: SCM_RIGHTS' array, SCM_PIDFD's one. */
static size_t rights_in(struct pfd_tracee *t, const struct abi *a, uint64_t control,
			uint64_t len, int *fds, size_t max)
{
	unsigned char buf[4096];
	size_t n = 0;
	if (!control || len < a->cmsghdr)
		return 0;
	if (len > sizeof(buf))
		len = sizeof(buf);
	if (pfd_tracee_read(t, control, buf, (size_t)len) < 0)
		return 0;
	for (size_t off = 0; off + a->cmsghdr <= len && n < max;) {
		uint64_t clen = 0;
		int level, type;
		memcpy(&clen, buf + off, a->word);
		memcpy(&level, buf + off + a->word, 4);
		memcpy(&type, buf + off + a->word + 4, 4);
		if (clen < a->cmsghdr || off + clen > len)
			break;
		if (level == SOL_SOCKET && (type == SCM_RIGHTS || type == SCM_PIDFD_))
			for (size_t d = a->cmsghdr; d + 4 <= clen && n < max; d += 4)
				memcpy(&fds[n++], buf + off + d, 4);
		off += cmsg_align(a, (size_t)clen);
	}
	return n;
}

static size_t rights_of_msghdr(struct pfd_tracee *t, const struct abi *a, uint64_t msghdr,
			       int *fds, size_t max)
{
	uint64_t control, len;
	return control_of(t, a, msghdr, &control, &len) ? rights_in(t, a, control, len, fds, max)
							   : 0;
}

static size_t pair_at(struct pfd_tracee *t, uint64_t addr, int *fds, size_t max)
{
	int pair[2];
	if (max < 2 || pfd_tracee_read(t, addr, pair, sizeof(pair)) < 0)
		return 0;
	fds[0] = pair[0];
	fds[1] = pair[1];
	return 2;
}

static size_t recvmmsg_fds(struct pfd_tracee *t, const struct pfd_call *c, uint64_t vec,
			   int64_t count, int *fds, size_t max)
{
	const struct abi *a = abi_of(c);
	size_t n = 0;
	for (int64_t i = 0; i < count && i < 1024 && n < max; i++)
		n += rights_of_msghdr(t, a, vec + (uint64_t)i * a->mmsghdr, fds + n, max - n);
	return n;
}

/* One int the call wrote at addr: the new fd. */
static size_t fd_at(struct pfd_tracee *t, uint64_t addr, int *fds)
{
	int fd;
	if (pfd_tracee_read(t, addr, &fd, sizeof(fd)) < 0 || fd < 0)
		return 0;
	fds[0] = fd;
	return 1;
}

static size_t socketcall_getsockopt_fd(struct pfd_tracee *t, const struct pfd_call *c,
				       int *fds)
{
	uint64_t level, optval;
	if (!socketcall_arg(t, c, 1, &level) || !socketcall_arg(t, c, 3, &optval))
		return 0;
	return fd_at(t, sockopt_fd_at(level, optval), fds);
}

/* KVM_CREATE_DEVICE writes the fd into struct kvm_create_device {type, fd,
 * flags}; with KVM_CREATE_DEVICE_TEST it only says whether it could. */
static size_t kvm_device_fd(struct pfd_tracee *t, uint64_t arg, int *fds)
{
	uint32_t dev[3];
	if (pfd_tracee_read(t, arg, dev, sizeof(dev)) < 0 || (dev[2] & KVM_CREATE_DEVICE_TEST_))
		return 0;
	fds[0] = (int)dev[1];
	return fds[0] >= 0;
}

static size_t socketcall_fds(struct pfd_tracee *t, const struct pfd_call *c, int *fds,
			     size_t max)
{
	uint64_t arg;
	switch (c->args[0]) {
	case SYS_GETSOCKOPT:
		return socketcall_getsockopt_fd(t, c, fds);
	case SYS_SOCKETPAIR:
		return socketcall_arg(t, c, 3, &arg) ? pair_at(t, arg, fds, max) : 0;
	case SYS_RECVMSG:
		return socketcall_arg(t, c, 1, &arg) ? rights_of_msghdr(t, &abi32, arg, fds, max) : 0;
	case SYS_RECVMMSG:
		return socketcall_arg(t, c, 1, &arg) ? recvmmsg_fds(t, c, arg, c->result, fds, max)
						     : 0;
	default: /* socket, accept, accept4 */
		fds[0] = (int)c->result;
		return 1;
	}
}

static bool socketcall_may_create(struct pfd_tracee *t, const struct pfd_call *c)
{
	uint64_t level, optname;
	if (c->args[0] != SYS_GETSOCKOPT)
		return true;
	return socketcall_arg(t, c, 1, &level) && socketcall_arg(t, c, 2, &optname) &&
	       sockopt_makes_fd(level, optname);
}

bool leak_call_may_create(struct pfd_tracee *t, const struct pfd_call *c,
			  const struct leak_how *how)
{
	uint64_t control, len;
	switch (how->kind) {
	case LEAK_BY_MSGHDR:
		return control_of(t, abi_of(c), c->args[1], &control, &len) && control && len;
	case LEAK_BY_NEW_SIGNALFD:
		return (int)c->args[0] == -1; /* else it changes an existing signalfd */
	case LEAK_BY_SOCKOPT:
		return sockopt_makes_fd(c->args[1], c->args[2]);
	case LEAK_BY_SOCKETCALL:
		return socketcall_may_create(t, c);
	case LEAK_BY_SECCOMP_LISTENER: /* the flag is refused by every other operation */
		return (uint32_t)c->args[0] == SECCOMP_SET_MODE_FILTER_;
	case LEAK_BY_LANDLOCK_RULESET:
		return !((uint32_t)c->args[2] & LANDLOCK_CREATE_RULESET_QUERIES_);
	default:
		return true;
	}
}

/* dup2(fd, fd) and dup3's refusal of it make nothing new. */
static size_t dup_fds(const struct pfd_call *c, int *fds)
{
	bool same = c->sc->nargs >= 2 && (c->sc->fd_args & 2u) && c->args[0] == c->args[1];
	if (same || c->result < 0 || c->result > INT32_MAX)
		return 0;
	fds[0] = (int)c->result;
	return 1;
}

size_t leak_created_fds(struct pfd_tracee *t, const struct pfd_call *c,
			const struct leak_how *how, int *fds, size_t max)
{
	if (!c->finished || c->err || max == 0)
		return 0;
	switch (how->kind) {
	case LEAK_BY_PAIR:
		return pair_at(t, c->args[how->arg], fds, max);
	case LEAK_BY_MSGHDR:
		return rights_of_msghdr(t, abi_of(c), c->args[1], fds, max);
	case LEAK_BY_MMSGHDR:
		return recvmmsg_fds(t, c, c->args[1], c->result, fds, max);
	case LEAK_BY_SOCKETCALL:
		return socketcall_fds(t, c, fds, max);
	case LEAK_BY_SOCKOPT:
		return fd_at(t, sockopt_fd_at(c->args[1], c->args[3]), fds);
	case LEAK_BY_KVM_DEVICE:
		return kvm_device_fd(t, c->args[2], fds);
	case LEAK_BY_DUP:
		return dup_fds(c, fds);
	default:
		break;
	}
	if (c->result < 0 || c->result > INT32_MAX)
		return 0;
	fds[0] = (int)c->result;
	return 1;
}

const char *leak_creator_name(const struct pfd_call *c, const struct leak_how *how)
{
	if (how->kind != LEAK_BY_SOCKETCALL)
		return c->name;
	switch (c->args[0]) {
	case SYS_SOCKET: return "socket";
	case SYS_ACCEPT: return "accept";
	case SYS_SOCKETPAIR: return "socketpair";
	case SYS_RECVMSG: return "recvmsg";
	case SYS_ACCEPT4: return "accept4";
	case SYS_RECVMMSG: return "recvmmsg";
	case SYS_GETSOCKOPT: return "getsockopt";
	default: return c->name;
	}
}

bool leak_call_dups(const struct pfd_call *c, const struct leak_how *how, int *source)
{
	bool dup = how->kind == LEAK_BY_DUP;
	if (dup)
		*source = (int)c->args[0];
	return dup;
}

/* ---- CLONE_PIDFD, read at the fork event ------------------------------ */

/* Trapping clone3 would stop every thread creation (glibc's pthread_create
 * and fork use it); the pidfd is instead read at the parent's fork event:
 * copy_process() installs it and writes its number (clone: through
 * parent_tid; clone3: through clone_args.pidfd) before kernel_clone()
 * reports PTRACE_EVENT_FORK/VFORK/CLONE. It is installed after the child's
 * copy of the table was made, so only the parent (or a CLONE_FILES sharer)
 * holds it. */

#define USER32_CS_ 0x23u /* a 32-bit process's code segment on x86-64 */

/* The audit arch of the call the thread is in: the code segment tells i386
 * from 64-bit (the engine's last trapped call need not be this one); x32
 * numbers carry their bit, which the syscall table's lookup reads. */
static uint32_t audit_arch_of(const struct pfd_regs *r)
{
	return (r->raw.cs & 0xffff) == USER32_CS_ ? AUDIT_ARCH_I386 : AUDIT_ARCH_X86_64;
}

/* clone's flags and parent_tid, or clone3's flags and pidfd pointer: the
 * syscall table says which call it is and where its flags are. */
static bool clone_pidfd_arg(struct pfd_tracee *t, const struct pfd_regs *r, uint32_t arch,
			    uint64_t *flags, uint64_t *where, const char **creator)
{
	const struct pfd_syscall_desc *d = pfd_syscall_by_number(arch, (uint32_t)r->raw.orig_rax);
	bool i386 = arch == AUDIT_ARCH_I386;
	uint64_t word = i386 ? UINT32_MAX : UINT64_MAX; /* an i386 register's bits */
	uint64_t arg0 = (i386 ? r->raw.rbx : r->raw.rdi) & word;
	if (!d || !(d->facts & PFD_SC_CLONES))
		return false; /* fork, vfork: no pidfd */
	*creator = d->name;
	if (!(d->facts & PFD_SC_ARGS_STRUCT)) {
		/* clone: parent_tid is the third argument, rdx (edx) on both ABIs */
		*flags = arg0;
		*where = r->raw.rdx & word;
		return true;
	}
	uint64_t head[2]; /* struct clone_args: flags, pidfd */
	if (pfd_tracee_read(t, arg0, head, sizeof(head)) < 0)
		return false;
	*flags = head[0];
	*where = head[1];
	return true;
}

bool leak_fork_pidfd(const struct pfd_fork *f, int *pidfd, const char **creator)
{
	struct pfd_regs r;
	uint64_t flags, where;
	if (pfd_tracee_regs(f->parent, &r) < 0 ||
	    !clone_pidfd_arg(f->parent, &r, audit_arch_of(&r), &flags, &where, creator) ||
	    !(flags & CLONE_PIDFD_))
		return false;
	return fd_at(f->parent, where, pidfd) == 1;
}
