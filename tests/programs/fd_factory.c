/* procfd-trace test program: an fd factory. Makes one fd of every kind the
 * fd-description library (tracer/fdesc/) knows, prints for each
 *
 *     fd N CLASS<TAB>WORDS<TAB>WORDS...
 *
 * (the class the library must choose and pieces its description must
 * contain), "skip KIND: REASON" for a kind this system refuses, then
 * "ready", and holds them all until its stdin ends. Driven by
 * tests/unit/test_fdesc_live.c. Files live in a fresh directory under
 * /tmp, removed at the end.
 *
 * Built for i386 too (build/tests/programs32/fd_factory): every kind exists
 * there, and the driver describes that factory's fds from the 64-bit
 * library as the tracer does an i386 tracee's. There one socket is made
 * through socketcall(2), the i386 multiplexer older programs still use. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64 /* i386: fstat of a file with a 64-bit inode number */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>
#include <linux/io_uring.h>
#include <linux/netlink.h>
#include <linux/perf_event.h>
#include <mqueue.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/fanotify.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/timerfd.h>
#include <sched.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#ifdef __i386__
#include <linux/net.h>
#endif

static char dir[] = "/tmp/pfd-factory-XXXXXX";
static char mq_name[64];

static void expect(int fd, const char *cls, const char *fmt, ...)
{
	va_list ap;

	printf("fd %d %s", fd, cls);
	if (fmt) {
		putchar('\t');
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	putchar('\n');
}

static void skip(const char *kind, const char *why)
{
	printf("skip %s: %s (%s)\n", kind, why, strerror(errno));
}

static char *in_dir(const char *name)
{
	static char path[4][256];
	static unsigned next;
	char *p = path[next++ % 4];

	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	return p;
}

static unsigned long long ino_of(int fd)
{
	struct stat st;

	return fstat(fd, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

/* socket(2), through socketcall(2) on i386 */
static int new_socket(int family, int type, int protocol)
{
#ifdef __i386__
	unsigned long args[3] = { (unsigned long)family, (unsigned long)type,
				  (unsigned long)protocol };

	return (int)syscall(SYS_socketcall, SYS_SOCKET, args);
#else
	return socket(family, type, protocol);
#endif
}

/* ---- files ----------------------------------------------------------------------- */

static void make_files(void)
{
	int fd = open(in_dir("regular"), O_CREAT | O_RDWR, 0644);
	struct stat st;

	if (write(fd, "hello", 5) != 5)
		exit(99);
	expect(fd, "regular", "regular file, 5 bytes");
	fd = open(dir, O_RDONLY | O_DIRECTORY);
	expect(fd, "directory", "directory");
	if (symlink("regular", in_dir("link")) != 0)
		exit(99);
	fd = open(in_dir("link"), O_PATH | O_NOFOLLOW);
	expect(fd, "symlink", "symlink (O_PATH)");
	fd = memfd_create("pfd-factory", MFD_CLOEXEC);
	if (write(fd, "1234567", 7) != 7)
		exit(99);
	expect(fd, "memfd", "memfd \"pfd-factory\", 7 bytes");
	fd = open("/proc/self/ns/net", O_RDONLY);
	if (fd >= 0 && fstat(fd, &st) == 0)
		expect(fd, "nsfs", "net namespace %llu", (unsigned long long)st.st_ino);
	else
		skip("nsfs", "open /proc/self/ns/net");
	if (mkfifo(in_dir("fifo"), 0600) != 0)
		exit(99);
	fd = open(in_dir("fifo"), O_RDWR | O_NONBLOCK);
	expect(fd, "fifo", "FIFO, both ends");
}

static void make_mqueue(void)
{
	struct mq_attr attr = { .mq_maxmsg = 4, .mq_msgsize = 16 };
	mqd_t q;

	snprintf(mq_name, sizeof(mq_name), "/pfd-factory-%d", (int)getpid());
	q = mq_open(mq_name, O_CREAT | O_RDWR, 0600, &attr);
	if (q == (mqd_t)-1) {
		mq_name[0] = '\0';
		skip("mqueue", "mq_open");
		return;
	}
	if (mq_send(q, "12345", 5, 0) != 0)
		exit(99);
	expect(q, "mqueue", "mqueue \"%s\", 5 bytes queued", mq_name);
}

static void make_pipes(void)
{
	int p[2];

	if (pipe(p) != 0)
		exit(99);
	expect(p[0], "pipe", "pipe %llu, read end", ino_of(p[0]));
	expect(p[1], "pipe", "pipe %llu, write end", ino_of(p[1]));
}

/* ---- devices ----------------------------------------------------------------------- */

static void make_devices(void)
{
	int fd = open("/dev/null", O_RDWR);
	int pty;
	struct ifreq ifr;

	expect(fd, "chardev", "character device 1:3 (mem)");
	fd = open("/dev/fuse", O_RDWR);
	if (fd >= 0)
		expect(fd, "chardev", "misc device 10:229 (fuse)");
	else
		skip("misc device", "open /dev/fuse");
	pty = posix_openpt(O_RDWR | O_NOCTTY);
	if (pty >= 0) {
		int idx;
		if (ioctl(pty, TIOCGPTN, &idx) != 0)
			exit(99);
		expect(pty, "ptmx", "pty master of /dev/pts/%d", idx);
	} else {
		skip("ptmx", "posix_openpt");
	}
	fd = open("/dev/net/tun", O_RDWR);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	strcpy(ifr.ifr_name, "pfdtun%d");
	if (fd >= 0 && ioctl(fd, TUNSETIFF, &ifr) == 0)
		expect(fd, "tun", "tun iface %s", ifr.ifr_name);
	else
		skip("tun", "/dev/net/tun TUNSETIFF");
	/* O_PATH: the device itself is not opened */
	fd = open("/dev/loop0", O_PATH);
	if (fd >= 0)
		expect(fd, "blockdev", "block device 7:0 (loop)");
	else
		skip("blockdev", "open /dev/loop0");
}

/* ---- sockets ----------------------------------------------------------------------- */

static int tcp_listener(int family, struct sockaddr_storage *ss, socklen_t *len)
{
	int s = socket(family, SOCK_STREAM, 0);

	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;
		a->sin_family = AF_INET;
		a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		*len = sizeof(*a);
	} else {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)ss;
		a->sin6_family = AF_INET6;
		a->sin6_addr = in6addr_loopback;
		*len = sizeof(*a);
	}
	if (s < 0 || bind(s, (struct sockaddr *)ss, *len) != 0 || listen(s, 8) != 0) {
		if (s >= 0)
			close(s);
		return -1;
	}
	getsockname(s, (struct sockaddr *)ss, len);
	return s;
}

static unsigned port_of(int s, bool peer)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if ((peer ? getpeername : getsockname)(s, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	return ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
					     : ((struct sockaddr_in6 *)&ss)->sin6_port);
}

static void make_tcp(void)
{
	struct sockaddr_storage ss;
	socklen_t len;
	int l = tcp_listener(AF_INET, &ss, &len), c, a, h, ha;
	char byte;

	if (l < 0)
		exit(99);
	expect(l, "socket", "socket TCP 127.0.0.1:%u (listen)", port_of(l, false));
	c = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(c, (struct sockaddr *)&ss, len) != 0 || (a = accept(l, NULL, NULL)) < 0)
		exit(99);
	expect(c, "socket", "socket TCP 127.0.0.1:%u -> 127.0.0.1:%u (established)",
	       port_of(c, false), port_of(l, false));
	expect(a, "socket", "socket TCP 127.0.0.1:%u -> 127.0.0.1:%u (established)",
	       port_of(l, false), port_of(c, false));
	/* half-closed: once the accepted end reads the end of the stream, the
	 * FIN has arrived, so that end is in CLOSE_WAIT; the other is in
	 * FIN_WAIT1 or 2, as far as the ACK has gone */
	h = socket(AF_INET, SOCK_STREAM, 0);
	if (connect(h, (struct sockaddr *)&ss, len) != 0 || (ha = accept(l, NULL, NULL)) < 0)
		exit(99);
	if (shutdown(h, SHUT_WR) != 0 || read(ha, &byte, 1) != 0)
		exit(99);
	expect(ha, "socket", "socket TCP 127.0.0.1:%u -> 127.0.0.1:%u (close-wait)",
	       port_of(l, false), port_of(h, false));
	expect(h, "socket", "socket TCP 127.0.0.1:%u -> 127.0.0.1:%u (fin-wait",
	       port_of(h, false), port_of(l, false));
	l = tcp_listener(AF_INET6, &ss, &len);
	if (l >= 0)
		expect(l, "socket", "socket TCP6 [::1]:%u (listen)", port_of(l, false));
	else
		skip("tcp6", "listen on ::1");
}

static void make_udp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 b = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int u = socket(AF_INET, SOCK_DGRAM, 0), u6, u6b;

	if (bind(u, (struct sockaddr *)&a, sizeof(a)) != 0)
		exit(99);
	expect(u, "socket", "socket UDP 127.0.0.1:%u (unconnected)", port_of(u, false));
	u6 = socket(AF_INET6, SOCK_DGRAM, 0);
	u6b = socket(AF_INET6, SOCK_DGRAM, 0);
	if (u6 < 0 || u6b < 0 || bind(u6b, (struct sockaddr *)&b, sizeof(b)) != 0) {
		skip("udp6", "bind ::1");
		return;
	}
	{
		socklen_t len = sizeof(b);
		getsockname(u6b, (struct sockaddr *)&b, &len);
	}
	if (connect(u6, (struct sockaddr *)&b, sizeof(b)) != 0)
		exit(99);
	expect(u6, "socket", "socket UDP6 [::1]:%u -> [::1]:%u (connected)", port_of(u6, false),
	       port_of(u6b, false));
	u = new_socket(AF_INET, SOCK_DGRAM, 0); /* unbound: in no /proc/net table */
	expect(u, "socket", "socket UDP 0.0.0.0:0 (unconnected)");
	u = socket(AF_INET, SOCK_DGRAM, IPPROTO_UDPLITE);
	if (u >= 0 && bind(u, (struct sockaddr *)&a, sizeof(a)) == 0)
		expect(u, "socket", "socket UDPLITE 127.0.0.1:%u (unconnected)", port_of(u, false));
	else
		skip("udplite", "socket IPPROTO_UDPLITE");
}

/* A TCP listener made in a network namespace of its own by a child, and
 * passed here: the holder's /proc/net tables do not list it. */
static void make_foreign_netns_socket(void)
{
	int sp[2], status;
	pid_t child;
	char byte = 0;
	union {
		struct cmsghdr h;
		char buf[CMSG_SPACE(sizeof(int))];
	} c;
	struct iovec iov = { &byte, 1 };
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = c.buf,
			    .msg_controllen = sizeof(c.buf) };

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sp) != 0)
		exit(99);
	child = fork();
	if (child == 0) {
		struct sockaddr_in a = { .sin_family = AF_INET };
		int l;
		if (unshare(CLONE_NEWNET) != 0)
			_exit(1);
		l = socket(AF_INET, SOCK_STREAM, 0);
		if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 1) != 0)
			_exit(1);
		memset(&c, 0, sizeof(c));
		c.h.cmsg_level = SOL_SOCKET;
		c.h.cmsg_type = SCM_RIGHTS;
		c.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&c.h), &l, sizeof(int));
		_exit(sendmsg(sp[1], &m, 0) == 1 ? 0 : 1);
	}
	waitpid(child, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		errno = EPERM;
		skip("tcp in another netns", "unshare(CLONE_NEWNET) in a child");
	} else if (recvmsg(sp[0], &m, 0) == 1) {
		int l;
		memcpy(&l, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
		expect(l, "socket", "socket TCP 0.0.0.0:%u (listen)", port_of(l, false));
	}
	close(sp[0]);
	close(sp[1]);
}

static void make_raw_ping_netlink_packet(void)
{
	struct sockaddr_nl nl = { .nl_family = AF_NETLINK };
	socklen_t len = sizeof(nl);
	int s = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);

	if (s >= 0)
		expect(s, "socket", "socket RAW protocol 1 0.0.0.0:0");
	else
		skip("raw", "socket SOCK_RAW");
	s = socket(AF_INET, SOCK_DGRAM, IPPROTO_ICMP);
	if (s >= 0)
		expect(s, "socket", "socket PING 0.0.0.0:0");
	else
		skip("ping", "socket IPPROTO_ICMP (net.ipv4.ping_group_range)");
	s = socket(AF_NETLINK, SOCK_RAW, NETLINK_SOCK_DIAG);
	if (s < 0 || bind(s, (struct sockaddr *)&nl, sizeof(nl)) != 0 ||
	    getsockname(s, (struct sockaddr *)&nl, &len) != 0)
		exit(99);
	expect(s, "socket", "socket NETLINK sock_diag lport %u", nl.nl_pid);
	s = socket(AF_PACKET, SOCK_RAW, htons(ETH_P_ALL));
	if (s >= 0)
		expect(s, "socket", "socket PACKET raw protocol 0x3");
	else
		skip("packet", "socket AF_PACKET");
}

static void make_unix(void)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int s = socket(AF_UNIX, SOCK_STREAM, 0), p[2];
	socklen_t len;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", in_dir("sock"));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 4) != 0)
		exit(99);
	expect(s, "socket", "socket UNIX stream %s (listen)", a.sun_path);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, p) != 0)
		exit(99);
	expect(p[0], "socket", "socket UNIX stream (connected), peer socket %llu", ino_of(p[1]));
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	memset(a.sun_path, 0, sizeof(a.sun_path));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			  (size_t)snprintf(a.sun_path + 1, sizeof(a.sun_path) - 1, "pfd-factory-%d",
					   (int)getpid()));
	if (bind(s, (struct sockaddr *)&a, len) != 0)
		exit(99);
	expect(s, "socket", "socket UNIX dgram @pfd-factory-%d (abstract) (unconnected)",
	       (int)getpid());
	/* a relative name that starts with '@': /proc/net/unix shows it as an
	 * abstract one would be shown; it is a file in the factory's directory */
	s = socket(AF_UNIX, SOCK_STREAM, 0);
	strcpy(a.sun_path, "@rel");
	if (chdir(dir) != 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(s, 1) != 0)
		exit(99);
	expect(s, "socket", "socket UNIX stream @rel (listen)");
	/* a name with a newline: its /proc/net/unix line is cut in two */
	s = socket(AF_UNIX, SOCK_DGRAM, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", in_dir("nl\nx"));
	if (bind(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		exit(99);
	expect(s, "socket", "socket UNIX dgram \"%s/nl\\nx\" (unconnected)", dir);
}

/* ---- anon inodes --------------------------------------------------------------------- */

static void make_event_fds(void)
{
	int e = eventfd(3, 0), ep = epoll_create1(0), fd;
	struct epoll_event ev = { .events = EPOLLIN };
	struct itimerspec its = { .it_value = { 100, 0 }, .it_interval = { 10, 0 } };
	sigset_t mask;

	expect(e, "eventfd", "eventfd id \t, count 3");
	if (epoll_ctl(ep, EPOLL_CTL_ADD, e, &ev) != 0)
		exit(99);
	printf("fd %d eventpoll\tepoll tfds %d\n", ep, e);
	sigemptyset(&mask);
	sigaddset(&mask, SIGUSR1);
	sigaddset(&mask, SIGTERM);
	fd = signalfd(-1, &mask, 0);
	expect(fd, "signalfd", "signalfd mask USR1,TERM");
	fd = timerfd_create(CLOCK_REALTIME, 0);
	if (timerfd_settime(fd, 0, &its, NULL) != 0)
		exit(99);
	printf("fd %d timerfd\ttimerfd realtime, remaining \t, interval 10s\n", fd);
}

static void make_notify_fds(void)
{
	struct stat st;
	int fd = inotify_init1(0);

	if (inotify_add_watch(fd, dir, IN_CREATE) < 0 || stat(dir, &st) != 0)
		exit(99);
	expect(fd, "inotify", "inotify inodes %llu@", (unsigned long long)st.st_ino);
	fd = fanotify_init(FAN_CLASS_NOTIF, O_RDONLY);
	if (fd >= 0 && fanotify_mark(fd, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, dir) == 0)
		expect(fd, "fanotify", "fanotify flags 0x0, 1 mark");
	else
		skip("fanotify", "fanotify_init/mark");
}

static void make_proc_fds(void)
{
	struct io_uring_params p;
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);

	if (fd >= 0)
		expect(fd, "pidfd", "pidfd pid %d", (int)getpid());
	else
		skip("pidfd", "pidfd_open");
	memset(&p, 0, sizeof(p));
	fd = (int)syscall(SYS_io_uring_setup, 4, &p);
	if (fd >= 0)
		expect(fd, "io_uring", "io_uring sq %u entries, cq %u entries", p.sq_entries,
		       p.cq_entries);
	else
		skip("io_uring", "io_uring_setup");
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (fd >= 0)
		expect(fd, "userfaultfd", "userfaultfd");
	else
		skip("userfaultfd", "userfaultfd");
}

static void make_bpf_perf(void)
{
	union bpf_attr attr;
	struct bpf_insn prog[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct perf_event_attr pe;
	int fd;

	memset(&attr, 0, sizeof(attr));
	attr.map_type = BPF_MAP_TYPE_HASH;
	attr.key_size = 4;
	attr.value_size = 4;
	attr.max_entries = 8;
	fd = (int)syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr));
	if (fd >= 0)
		expect(fd, "bpf-map", "bpf-map id \t type hash");
	else
		skip("bpf-map", "BPF_MAP_CREATE");
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0)
		expect(fd, "bpf-prog", "bpf-prog id \t type socket_filter");
	else
		skip("bpf-prog", "BPF_PROG_LOAD");
	/* a link: a no-op program on a rare tracepoint (a process freed) */
	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	attr.insns = (uint64_t)(uintptr_t)prog;
	attr.insn_cnt = 2;
	attr.license = (uint64_t)(uintptr_t)"GPL";
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
	if (fd >= 0) {
		int prog_fd = fd;
		memset(&attr, 0, sizeof(attr));
		attr.raw_tracepoint.name = (uint64_t)(uintptr_t)"sched_process_free";
		attr.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
		fd = (int)syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &attr, sizeof(attr));
		close(prog_fd); /* the link keeps the program */
	}
	if (fd >= 0)
		expect(fd, "bpf-link", "bpf-link id \t type raw_tracepoint prog ");
	else
		skip("bpf-link", "BPF_RAW_TRACEPOINT_OPEN");
	memset(&pe, 0, sizeof(pe));
	pe.type = PERF_TYPE_SOFTWARE;
	pe.size = sizeof(pe);
	pe.config = PERF_COUNT_SW_DUMMY;
	pe.disabled = 1;
	fd = (int)syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0);
	if (fd >= 0)
		expect(fd, "perf_event", "anon inode perf_event");
	else
		skip("perf_event", "perf_event_open");
}

static void cleanup(void)
{
	const char *names[] = { "regular", "link", "fifo", "sock", "@rel", "nl\nx" };

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		unlink(in_dir(names[i]));
	rmdir(dir);
	if (mq_name[0])
		mq_unlink(mq_name);
}

int main(void)
{
	char buf[64];

	if (!mkdtemp(dir))
		return 99;
	atexit(cleanup);
	make_files();
	make_mqueue();
	make_pipes();
	make_devices();
	make_tcp();
	make_udp();
	make_foreign_netns_socket();
	make_raw_ping_netlink_packet();
	make_unix();
	make_event_fds();
	make_notify_fds();
	make_proc_fds();
	make_bpf_perf();
	printf("ready\n");
	fflush(stdout);
	while (read(0, buf, sizeof(buf)) > 0)
		;
	return 0;
}
