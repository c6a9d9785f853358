/* procfd-trace: which fds a finished call created.
 *
 * Most fd-creating calls return the new fd. pipe and socketpair write a
 * pair into the caller's memory; recvmsg and recvmmsg may carry fds in
 * SCM_RIGHTS control messages, whose layout differs between 64-bit and
 * 32-bit (i386, x32) callers; i386 programs may reach sockets through
 * socketcall(2), whose arguments are an array in memory. */
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/net.h>
#include <string.h>
#include <sys/socket.h>

#include "procfd/leaks_track.h"

/* Every call that may put a new fd into the caller's table. */
#define CREATES(name) { .syscall = name }

const struct pfd_trap leak_traps[] = {
	CREATES("open"), CREATES("openat"), CREATES("openat2"), CREATES("creat"),
	CREATES("open_by_handle_at"), CREATES("open_tree"),
	CREATES("dup"), CREATES("dup2"), CREATES("dup3"),
	{ .syscall = "fcntl", .op = PFD_ARG_IN, .arg = 1, .n_values = 2,
	  .values = { F_DUPFD, F_DUPFD_CLOEXEC } },
	{ .syscall = "fcntl64", .op = PFD_ARG_IN, .arg = 1, .n_values = 2,
	  .values = { F_DUPFD, F_DUPFD_CLOEXEC } },
	CREATES("pipe"), CREATES("pipe2"),
	CREATES("socket"), CREATES("socketpair"), CREATES("accept"), CREATES("accept4"),
	CREATES("recvmsg"), CREATES("recvmmsg"), CREATES("recvmmsg_time64"),
	{ .syscall = "socketcall", .op = PFD_ARG_IN, .arg = 0, .n_values = 6,
	  .values = { SYS_SOCKET, SYS_ACCEPT, SYS_SOCKETPAIR, SYS_RECVMSG, SYS_ACCEPT4,
		      SYS_RECVMMSG } },
	CREATES("eventfd"), CREATES("eventfd2"), CREATES("signalfd"), CREATES("signalfd4"),
	CREATES("timerfd_create"), CREATES("epoll_create"), CREATES("epoll_create1"),
	CREATES("inotify_init"), CREATES("inotify_init1"), CREATES("fanotify_init"),
	CREATES("memfd_create"), CREATES("memfd_secret"), CREATES("pidfd_open"),
	CREATES("pidfd_getfd"), CREATES("userfaultfd"), CREATES("perf_event_open"),
	CREATES("io_uring_setup"), CREATES("fsopen"), CREATES("fsmount"), CREATES("fspick"),
	{ 0 },
};


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

static bool is(const struct pfd_call *c, const char *name)
{
	return strcmp(c->name, name) == 0;
}

/* socketcall(call, args): the socket operation and its argument array. */
static bool socketcall_arg(struct pfd_tracee *t, const struct pfd_call *c, unsigned i,
			   uint64_t *out)
{
	bool ok;
	*out = read_word(t, c->args[1] + 4u * i, 4, &ok);
	return ok;
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

/* SCM_RIGHTS fds in one control buffer. */
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
		if (level == SOL_SOCKET && type == SCM_RIGHTS)
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

static size_t socketcall_fds(struct pfd_tracee *t, const struct pfd_call *c, int *fds,
			     size_t max)
{
	uint64_t arg;
	switch (c->args[0]) {
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

bool leak_call_may_create(struct pfd_tracee *t, const struct pfd_call *c)
{
	if (is(c, "recvmsg")) {
		uint64_t control, len;
		return control_of(t, abi_of(c), c->args[1], &control, &len) && control && len;
	}
	if (is(c, "signalfd") || is(c, "signalfd4"))
		return (int)c->args[0] == -1; /* else it changes an existing signalfd */
	return true;
}

size_t leak_created_fds(struct pfd_tracee *t, const struct pfd_call *c, int *fds, size_t max)
{
	if (!c->finished || c->err || max == 0)
		return 0;
	if (is(c, "pipe") || is(c, "pipe2"))
		return pair_at(t, c->args[0], fds, max);
	if (is(c, "socketpair"))
		return pair_at(t, c->args[3], fds, max);
	if (is(c, "recvmsg"))
		return rights_of_msghdr(t, abi_of(c), c->args[1], fds, max);
	if (is(c, "recvmmsg") || is(c, "recvmmsg_time64"))
		return recvmmsg_fds(t, c, c->args[1], c->result, fds, max);
	if (is(c, "socketcall"))
		return socketcall_fds(t, c, fds, max);
	if ((is(c, "dup2") || is(c, "dup3")) && c->args[0] == c->args[1])
		return 0; /* dup2(fd, fd): nothing new */
	if (c->result < 0 || c->result > INT32_MAX)
		return 0;
	fds[0] = (int)c->result;
	return 1;
}

const char *leak_creator_name(const struct pfd_call *c)
{
	if (!is(c, "socketcall"))
		return c->name;
	switch (c->args[0]) {
	case SYS_SOCKET: return "socket";
	case SYS_ACCEPT: return "accept";
	case SYS_SOCKETPAIR: return "socketpair";
	case SYS_RECVMSG: return "recvmsg";
	case SYS_ACCEPT4: return "accept4";
	case SYS_RECVMMSG: return "recvmmsg";
	default: return c->name;
	}
}

bool leak_call_dups(const struct pfd_call *c, int *source)
{
	bool dup = is(c, "dup") || is(c, "dup2") || is(c, "dup3") || is(c, "fcntl") ||
		   is(c, "fcntl64");
	if (dup)
		*source = (int)c->args[0];
	return dup;
}

bool leak_call_installs_untraced(const struct pfd_call *c)
{
	return is(c, "io_uring_setup") || is(c, "fanotify_init");
}
