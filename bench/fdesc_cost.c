/* procfd-trace: what the fd-description library (tracer/fdesc/) costs per
 * fd, class by class: the probe every class shares (readlink and stat of
 * the link), the fdinfo read, and a whole description with a warm context
 * (the tables of a batch already read) and a cold one (no context: what a
 * caller describing one fd pays). Then a batch of many sockets with one
 * context against a context per socket, and one read of a namespace's
 * socket tables with and without the NETLINK_SOCK_DIAG dump of UNIX peers.
 * Its own fds stand in for a tracee's: the kernel's work is the same.
 *
 *   make build/bench/fdesc_cost && build/bench/fdesc_cost [SOCKETPAIRS [REPS]]
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>

#include "procfd/fdesc.h"
#include "tracer/fdesc/fdesc_impl.h"

static pid_t self;
static int proc_dir;
static int reps = 200;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void probe(int fd)
{
	char rel[32], buf[4096];
	struct stat st;

	snprintf(rel, sizeof(rel), "fd/%d", fd);
	if (readlinkat(proc_dir, rel, buf, sizeof(buf)) < 0 || fstatat(proc_dir, rel, &st, 0) < 0)
		exit(2);
}

static void read_fdinfo(int fd)
{
	char rel[32], buf[4096];
	int f;

	snprintf(rel, sizeof(rel), "fdinfo/%d", fd);
	f = openat(proc_dir, rel, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		exit(2);
	while (read(f, buf, sizeof(buf)) > 0)
		;
	close(f);
}

static struct pfd_fdesc desc;

static void describe_warm(int fd, struct pfd_fdesc_ctx *ctx)
{
	pfd_fdesc_describe(ctx, proc_dir, self, fd, &desc);
}

/* Microseconds per call of fn over reps calls. */
/* The best of three rounds: the machine is shared. */
#define TIME_US(expr)                                             \
	({                                                        \
		double best_ = 1e9;                               \
		for (int k_ = 0; k_ < 3; k_++) {                  \
			double t0_ = now(), t_;                   \
			for (int r_ = 0; r_ < reps; r_++)         \
				expr;                             \
			t_ = (now() - t0_) * 1e6 / reps;          \
			if (t_ < best_)                           \
				best_ = t_;                       \
		}                                                 \
		best_;                                            \
	})

static void row(const char *what, int fd)
{
	struct pfd_fdesc_ctx *ctx = pfd_fdesc_ctx_new();
	struct pfd_buf b = PFD_BUF_INIT;
	double p, i, warm, cold;

	describe_warm(fd, ctx); /* fills the context: the rows below are warm */
	p = TIME_US(probe(fd));
	i = TIME_US(read_fdinfo(fd));
	warm = TIME_US(describe_warm(fd, ctx));
	cold = TIME_US(describe_warm(fd, NULL));
	pfd_fdesc_text(&b, &desc);
	printf("    %-11s %-10s %7.1f %7.1f %9.1f %9.1f   %.60s\n", what, pfd_fdesc_class_name(&desc),
	       p, i, warm, cold, pfd_buf_str(&b));
	pfd_buf_free(&b);
	pfd_fdesc_ctx_free(ctx);
}

static int tcp_listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 1) != 0)
		exit(2);
	return s;
}

static void per_class(void)
{
	char tmpl[] = "/tmp/pfd-fdesc-cost-XXXXXX";
	int p[2], reg = mkstemp(tmpl), ep = epoll_create1(0), ev = eventfd(0, 0), tfd, sp[2];
	struct epoll_event e = { .events = EPOLLIN };
	struct itimerspec its = { .it_value = { 100, 0 } };
	sigset_t mask;

	unlink(tmpl);
	if (reg < 0 || pipe(p) != 0 || socketpair(AF_UNIX, SOCK_STREAM, 0, sp) != 0)
		exit(2);
	epoll_ctl(ep, EPOLL_CTL_ADD, ev, &e);
	tfd = timerfd_create(CLOCK_MONOTONIC, 0);
	timerfd_settime(tfd, 0, &its, NULL);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	printf("### fdesc: per-fd cost by class (us per fd, %d reps; warm: the context's "
	       "tables read, cold: no context)\n", reps);
	printf("    %-11s %-10s %7s %7s %9s %9s   %s\n", "fd", "class", "probe", "fdinfo", "warm",
	       "cold", "description");
	row("deleted", reg);
	row("dir /", open("/", O_RDONLY | O_DIRECTORY));
	row("/dev/null", open("/dev/null", O_RDONLY));
	row("memfd", memfd_create("bench", 0));
	row("netns", open("/proc/self/ns/net", O_RDONLY));
	row("pipe", p[0]);
	row("eventfd", ev);
	row("epoll", ep);
	row("timerfd", tfd);
	row("signalfd", signalfd(-1, &mask, 0));
	row("inotify", inotify_init());
	row("pidfd", (int)syscall(SYS_pidfd_open, self, 0));
	row("tcp listen", tcp_listener());
	row("udp", socket(AF_INET, SOCK_DGRAM, 0));
	row("unix pair", sp[0]);
	row("netlink", socket(AF_NETLINK, SOCK_RAW, 0));
}

/* What sock_diag would cost for the same facts: a dump of every TCP socket
 * of one family (all states), the messages counted, not parsed. */
static int inet_diag_dump(int family)
{
	struct {
		struct nlmsghdr h;
		struct inet_diag_req_v2 r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = (__u8)family, .sdiag_protocol = IPPROTO_TCP,
		       .idiag_states = ~0u },
	};
	static char buf[32768];
	int sk = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG), n = 0;

	if (sk < 0 || send(sk, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		exit(2);
	for (;;) {
		ssize_t len = recv(sk, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;
		if (len <= 0)
			break;
		for (; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE || h->nlmsg_type == NLMSG_ERROR) {
				close(sk);
				return n;
			}
			n++;
		}
	}
	close(sk);
	return n;
}

static void diag_against_proc(void)
{
	double t0 = now(), diag, proc;
	int n = 0;

	for (int r = 0; r < 5; r++)
		n = inet_diag_dump(AF_INET) + inet_diag_dump(AF_INET6);
	diag = (now() - t0) / 5;
	t0 = now();
	for (int r = 0; r < 5; r++) {
		char buf[4096];
		for (int v6 = 0; v6 < 2; v6++) {
			int f = openat(proc_dir, v6 ? "net/tcp6" : "net/tcp", O_RDONLY | O_CLOEXEC);
			while (f >= 0 && read(f, buf, sizeof(buf)) > 0)
				;
			close(f);
		}
	}
	proc = (now() - t0) / 5;
	printf("    every TCP socket (%d): NETLINK_SOCK_DIAG dump %.2f ms, /proc/net/tcp+tcp6 "
	       "read %.2f ms\n", n, diag * 1e3, proc * 1e3);
}

/* n socketpairs: every socket described with one context, and a sample
 * without one. */
static void batch(int n)
{
	struct pfd_fdesc_ctx *ctx;
	int *fds = malloc(sizeof(int) * 2 * (size_t)n), sample = n < 100 ? n : 100;
	double t0, one, per_cold, diag_on, diag_off;

	for (int i = 0; i < n; i++)
		if (socketpair(AF_UNIX, SOCK_STREAM, 0, fds + 2 * i) != 0)
			exit(2);
	printf("\n### fdesc: a batch of %d UNIX sockets (%d pairs)\n", 2 * n, n);
	ctx = pfd_fdesc_ctx_new();
	t0 = now();
	for (int i = 0; i < 2 * n; i++)
		describe_warm(fds[i], ctx);
	one = now() - t0;
	printf("    one context:        %8.1f ms in all, %6.1f us per socket, %u table file(s) read\n",
	       one * 1e3, one * 1e6 / (2 * n), pfd_fdesc_ctx_net_loads(ctx));
	pfd_fdesc_ctx_free(ctx);
	t0 = now();
	for (int i = 0; i < sample; i++)
		describe_warm(fds[i], NULL);
	per_cold = (now() - t0) / sample;
	printf("    no context:         %8.1f us per socket (%d sampled; a UNIX socket of our "
	       "namespace is asked by inode), so %.1f ms for all %d\n",
	       per_cold * 1e6, sample, per_cold * 2 * n * 1e3, 2 * n);
	/* one read of the namespace's tables, with and without UNIX peers */
	ctx = pfd_fdesc_ctx_new();
	pfd_fdesc_ctx_use_sock_diag(ctx, false);
	t0 = now();
	for (int r = 0; r < 20; r++) {
		pfd_fdesc_ctx_forget(ctx);
		describe_warm(fds[0], ctx);
	}
	diag_off = (now() - t0) / 20;
	pfd_fdesc_ctx_use_sock_diag(ctx, true);
	t0 = now();
	for (int r = 0; r < 20; r++) {
		pfd_fdesc_ctx_forget(ctx);
		describe_warm(fds[0], ctx);
	}
	diag_on = (now() - t0) / 20;
	printf("    the unix table read once: %.2f ms from /proc/net; %.2f ms with the "
	       "NETLINK_SOCK_DIAG dump of UNIX peers (+%.2f ms)\n",
	       diag_off * 1e3, diag_on * 1e3, (diag_on - diag_off) * 1e3);
	/* the tcp tables: their cost is the kernel's walk of its hash tables */
	{
		int l = tcp_listener();
		t0 = now();
		for (int r = 0; r < 5; r++) {
			pfd_fdesc_ctx_forget(ctx);
			describe_warm(l, ctx);
		}
		printf("    the tcp and tcp6 tables read once: %.2f ms (a TCP socket asked "
		       "directly, without a context: see the rows above)\n",
		       (now() - t0) / 5 * 1e3);
		close(l);
	}
	pfd_fdesc_ctx_free(ctx);
	for (int i = 0; i < 2 * n; i++)
		close(fds[i]);
	free(fds);
}

int main(int argc, char **argv)
{
	int pairs = argc > 1 ? atoi(argv[1]) : 1000;
	struct rlimit rl;
	char path[64];

	if (argc > 2)
		reps = atoi(argv[2]);
	self = getpid();
	snprintf(path, sizeof(path), "/proc/%d", (int)self);
	proc_dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc_dir < 0)
		return 2;
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)(2 * pairs + 100)) {
		rl.rlim_cur = rl.rlim_max < (rlim_t)(2 * pairs + 100) ? rl.rlim_max
								     : (rlim_t)(2 * pairs + 100);
		setrlimit(RLIMIT_NOFILE, &rl);
		if ((rlim_t)(2 * pairs + 100) > rl.rlim_cur)
			pairs = (int)(rl.rlim_cur - 100) / 2;
	}
	per_class();
	batch(pairs);
	diag_against_proc();
	return 0;
}
