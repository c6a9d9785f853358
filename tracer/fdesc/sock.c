/* procfd-trace: the socket class. A socket is found by its inode in the
 * /proc/net tables of the holder's network namespace, read through
 * /proc/PID/net (no setns) and kept in the context, once per namespace and
 * batch, as a hash table by inode. The peer of a UNIX socket is not in
 * /proc/net/unix: NETLINK_SOCK_DIAG tells it, for sockets of procfd-trace's
 * own namespace (a netlink socket sees only its own). Only the tables of
 * the socket's protocol are read (its inode names it). Without a batch to
 * serve, an internet socket is asked directly instead (inet_from_holder). */
#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <sys/syscall.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tracer/fdesc/fdesc_impl.h"

struct pfd_fdesc_netns {
	struct pfd_fdesc_netns *next;
	uint64_t ino;                 /* the namespace's nsfs inode (0 unknown) */
	struct pfd_fdesc_sock *slots; /* open addressing by socket inode; ino 0 = free */
	size_t cap, n;
	unsigned loaded;              /* the tables read (bits of net_tables) */
	unsigned reloaded;            /* read again once for a socket they lacked */
};

/* ---- the hash table of one namespace ------------------------------------------------ */

static size_t slot_of(uint64_t ino, size_t cap)
{
	return (size_t)((ino * 0x9e3779b97f4a7c15ULL) >> 32) & (cap - 1);
}

static bool grow(struct pfd_fdesc_netns *ns)
{
	size_t cap = ns->cap ? ns->cap * 2 : 256;
	struct pfd_fdesc_sock *slots = calloc(cap, sizeof(*slots));

	if (!slots)
		return false;
	for (size_t i = 0; i < ns->cap; i++) {
		size_t j;

		if (!ns->slots[i].ino)
			continue;
		for (j = slot_of(ns->slots[i].ino, cap); slots[j].ino; j = (j + 1) & (cap - 1))
			;
		slots[j] = ns->slots[i];
	}
	free(ns->slots);
	ns->slots = slots;
	ns->cap = cap;
	return true;
}

static struct pfd_fdesc_sock *find(struct pfd_fdesc_netns *ns, uint64_t ino)
{
	if (!ns->cap)
		return NULL;
	for (size_t j = slot_of(ino, ns->cap); ns->slots[j].ino; j = (j + 1) & (ns->cap - 1))
		if (ns->slots[j].ino == ino)
			return &ns->slots[j];
	return NULL;
}

static void insert(struct pfd_fdesc_netns *ns, const struct pfd_fdesc_sock *s)
{
	struct pfd_fdesc_sock *old;
	size_t j;

	if (!s->ino)
		return;
	old = find(ns, s->ino);
	if (old) {
		*old = *s;
		return;
	}
	if ((ns->n + 1) * 4 > ns->cap * 3 && !grow(ns))
		return;
	for (j = slot_of(s->ino, ns->cap); ns->slots[j].ino; j = (j + 1) & (ns->cap - 1))
		;
	ns->slots[j] = *s;
	ns->n++;
}

/* ---- reading the tables ---------------------------------------------------------------- */

enum table_kind { TABLE_INET, TABLE_UNIX, TABLE_NETLINK, TABLE_PACKET };

static const struct net_table {
	const char *file;
	enum table_kind kind;
	bool v6;
	const char *protocol;
	int type;
} net_tables[] = {
	{ "net/unix", TABLE_UNIX, false, "UNIX", 0 },
	{ "net/tcp", TABLE_INET, false, "TCP", SOCK_STREAM },
	{ "net/tcp6", TABLE_INET, true, "TCP", SOCK_STREAM },
	{ "net/udp", TABLE_INET, false, "UDP", SOCK_DGRAM },
	{ "net/udp6", TABLE_INET, true, "UDP", SOCK_DGRAM },
	{ "net/udplite", TABLE_INET, false, "UDPLITE", SOCK_DGRAM },
	{ "net/udplite6", TABLE_INET, true, "UDPLITE", SOCK_DGRAM },
	{ "net/raw", TABLE_INET, false, "RAW", SOCK_RAW },
	{ "net/raw6", TABLE_INET, true, "RAW", SOCK_RAW },
	{ "net/icmp", TABLE_INET, false, "PING", SOCK_DGRAM },
	{ "net/icmp6", TABLE_INET, true, "PING", SOCK_DGRAM },
	{ "net/netlink", TABLE_NETLINK, false, "NETLINK", SOCK_RAW },
	{ "net/packet", TABLE_PACKET, false, "PACKET", 0 },
};

#define ALL_TABLES ((1u << (sizeof(net_tables) / sizeof(net_tables[0]))) - 1)

/* The tables that can list a socket whose inode says protocol name (the
 * kernel's proto->name: "TCP", "TCPv6", "UDP-Lite", ...): its family's
 * v4 and v6 tables, since a v6 socket may carry a v4-mapped name. */
static unsigned tables_for(const char *name)
{
	static const struct { const char *prefix; const char *table; } by_name[] = {
		{ "UNIX", "unix" }, { "TCP", "tcp" }, { "UDP-Lite", "udplite" },
		{ "UDPLITE", "udplite" }, { "UDP", "udp" }, { "RAW", "raw" }, { "PING", "icmp" },
		{ "NETLINK", "netlink" }, { "PACKET", "packet" },
	};
	unsigned mask = 0;

	if (!name)
		return ALL_TABLES;
	for (size_t i = 0; i < sizeof(by_name) / sizeof(by_name[0]); i++) {
		size_t n = strlen(by_name[i].prefix), tl = strlen(by_name[i].table);
		if (strncmp(name, by_name[i].prefix, n) != 0)
			continue;
		for (size_t t = 0; t < sizeof(net_tables) / sizeof(net_tables[0]); t++) {
			const char *f = net_tables[t].file + 4; /* after "net/" */
			if (strncmp(f, by_name[i].table, tl) == 0 && (!f[tl] || !strcmp(f + tl, "6")))
				mask |= 1u << t;
		}
		return mask;
	}
	return ALL_TABLES;
}

/* Datagram sockets use two TCP states: connected or not. */
static const char *dgram_state(unsigned st)
{
	return st == 1 ? "connected" : st == 7 ? "unconnected" : pfd_fdesc_tcp_state_name(st);
}

static int parse_line(const struct net_table *t, const char *line, struct pfd_fdesc_sock *s)
{
	int rc;

	memset(s, 0, sizeof(*s));
	switch (t->kind) {
	case TABLE_UNIX:
		return pfd_fdesc_parse_unix_line(line, s);
	case TABLE_NETLINK:
		rc = pfd_fdesc_parse_netlink_line(line, s);
		s->type = SOCK_RAW; /* or SOCK_DGRAM: the same to netlink; the table does not say */
		return rc;
	case TABLE_PACKET:
		return pfd_fdesc_parse_packet_line(line, s);
	case TABLE_INET:
		break;
	}
	rc = pfd_fdesc_parse_inet_line(line, t->v6, s);
	if (rc < 0)
		return rc;
	s->protocol = t->protocol;
	s->type = t->type;
	if (t->type != SOCK_STREAM)
		s->state = dgram_state(s->kstate);
	if (t->type == SOCK_RAW) {
		s->raw_protocol = s->local.port; /* raw_sock_seq_show prints the protocol there */
		s->local.port = 0;
	}
	return 0;
}

static void load_table(struct pfd_fdesc_netns *ns, const struct net_table *t, int proc_dir,
		       pid_t pid)
{
	int fd = pfd_fdesc_open_proc(proc_dir, pid, t->file, O_RDONLY);
	struct pfd_fdesc_sock s;
	char *line = NULL;
	size_t size = 0;
	bool header = true;
	FILE *f;

	if (fd < 0)
		return; /* a table the kernel lacks (udplite without IPv6 ...) */
	f = fdopen(fd, "r");
	if (!f) {
		close(fd);
		return;
	}
	while (getline(&line, &size, f) > 0) {
		if (header) {
			header = false;
			continue;
		}
		if (parse_line(t, line, &s) == 0)
			insert(ns, &s);
	}
	free(line);
	fclose(f);
}

/* ---- UNIX peers through NETLINK_SOCK_DIAG ------------------------------------------- */

/* The name as sock_diag gives it, exact: an abstract name starts with a
 * NUL (which /proc/net/unix shows as '@', like a relative path "@x"), and a
 * name may hold a newline that cuts its /proc/net/unix line. */
static void diag_name(struct pfd_fdesc_sock *s, const char *name, size_t len)
{
	s->abstract = len > 0 && name[0] == '\0';
	if (!s->abstract)
		len = strnlen(name, len); /* a path's address holds its NUL */
	if (len >= sizeof(s->path))
		len = sizeof(s->path) - 1;
	for (size_t i = 0; i < len; i++)
		s->path[i] = name[i] ? name[i] : '@';
	s->path[len] = '\0';
	s->path_len = len;
}

/* A unix_diag message's attributes: the peer and the exact name. */
static void diag_attrs(struct pfd_fdesc_sock *s, const struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	const struct rtattr *a = (const struct rtattr *)(m + 1);
	int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof(*m));

	for (; RTA_OK(a, len); a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(uint32_t)) {
			uint32_t peer;
			memcpy(&peer, RTA_DATA(a), sizeof(peer));
			s->have_peer_ino = true;
			s->peer_ino = peer;
		} else if (a->rta_type == UNIX_DIAG_NAME) {
			diag_name(s, RTA_DATA(a), RTA_PAYLOAD(a));
		}
	}
}

static void diag_take(struct pfd_fdesc_netns *ns, const struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	struct pfd_fdesc_sock *s = find(ns, m->udiag_ino);

	if (s)
		diag_attrs(s, h);
}

static bool diag_recv_all(int sk, struct pfd_fdesc_netns *ns)
{
	static char buf[32768];

	for (;;) {
		ssize_t n = recv(sk, buf, sizeof(buf), 0);
		struct nlmsghdr *h = (struct nlmsghdr *)buf;

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		for (; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return true;
			if (h->nlmsg_type == NLMSG_ERROR)
				return false;
			if (h->nlmsg_type == SOCK_DIAG_BY_FAMILY)
				diag_take(ns, h);
		}
	}
}

/* Dump every UNIX socket with its peer and exact name: one request for
 * the namespace. */
static void load_unix_peers(struct pfd_fdesc_netns *ns)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP },
		.r = { .sdiag_family = AF_UNIX, .udiag_states = ~0u, .udiag_show = UDIAG_SHOW_PEER | UDIAG_SHOW_NAME },
	};
	int sk = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);

	if (sk < 0)
		return;
	if (send(sk, &req, sizeof(req), 0) == (ssize_t)sizeof(req))
		diag_recv_all(sk, ns);
	close(sk);
}

/* sk_state of a UNIX socket, as unix_diag gives it (TCP numbers) */
static const char *unix_sk_state(unsigned st)
{
	switch (st) {
	case 10: return "listen";
	case 1: return "connected";
	case 2: return "connecting";
	case 7: return "unconnected";
	default: return NULL;
	}
}

/* One UNIX socket of procfd-trace's own namespace asked by inode (no dump,
 * no table): type, state, exact name, peer. */
static bool unix_exact(struct pfd_fdesc *d)
{
	struct {
		struct nlmsghdr h;
		struct unix_diag_req r;
	} req = {
		.h = { .nlmsg_len = sizeof(req), .nlmsg_type = SOCK_DIAG_BY_FAMILY,
		       .nlmsg_flags = NLM_F_REQUEST },
		.r = { .sdiag_family = AF_UNIX, .udiag_ino = (__u32)d->ino,
		       .udiag_show = UDIAG_SHOW_PEER | UDIAG_SHOW_NAME,
		       .udiag_cookie = { INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE } },
	};
	char buf[1024];
	const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
	const struct unix_diag_msg *m;
	struct pfd_fdesc_sock *s = &d->u.sock;
	int sk = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	ssize_t n;

	if (sk < 0)
		return false;
	n = send(sk, &req, sizeof(req), 0) == (ssize_t)sizeof(req) ? recv(sk, buf, sizeof(buf), 0) : -1;
	close(sk);
	if (n < 0 || !NLMSG_OK(h, (size_t)n) || h->nlmsg_type != SOCK_DIAG_BY_FAMILY ||
	    h->nlmsg_len < NLMSG_LENGTH(sizeof(*m)))
		return false;
	m = NLMSG_DATA(h);
	if (m->udiag_ino != d->ino)
		return false;
	memset(s, 0, sizeof(*s));
	s->found = true;
	s->ino = d->ino;
	s->family = AF_UNIX;
	s->protocol = "UNIX";
	s->type = m->udiag_type;
	s->kstate = m->udiag_state;
	s->state = unix_sk_state(m->udiag_state);
	diag_attrs(s, h);
	return true;
}

/* ---- the namespace of a holder ------------------------------------------------------- */

static uint64_t netns_of(int proc_dir, pid_t pid)
{
	char path[64];
	struct stat st;
	int rc;

	if (proc_dir >= 0) {
		rc = fstatat(proc_dir, "ns/net", &st, 0);
	} else {
		snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
		rc = stat(path, &st);
	}
	return rc == 0 ? st.st_ino : 0;
}

static bool is_own_netns(uint64_t ino)
{
	struct stat st;

	return ino && stat("/proc/self/ns/net", &st) == 0 && st.st_ino == ino;
}

/* Read the tables of mask (with the UNIX table, the peers sock_diag knows). */
static void load_tables(struct pfd_fdesc_ctx *ctx, struct pfd_fdesc_netns *ns, unsigned mask,
			int proc_dir, pid_t pid)
{
	for (size_t i = 0; i < sizeof(net_tables) / sizeof(net_tables[0]); i++) {
		if (!(mask & (1u << i)))
			continue;
		load_table(ns, &net_tables[i], proc_dir, pid);
		ctx->net_loads++;
		if (net_tables[i].kind == TABLE_UNIX && ctx->use_sock_diag && is_own_netns(ns->ino))
			load_unix_peers(ns);
	}
	ns->loaded |= mask;
}

static struct pfd_fdesc_netns *netns_for(struct pfd_fdesc_ctx *ctx, int proc_dir, pid_t pid)
{
	struct pfd_fdesc_netns *ns;
	uint64_t ino;

	if (ctx->last_pid == pid && pid) {
		ino = ctx->last_netns;
	} else {
		ino = netns_of(proc_dir, pid);
		ctx->last_pid = pid;
		ctx->last_netns = ino;
	}
	for (ns = ctx->netns; ns; ns = ns->next)
		if (ns->ino == ino && ino)
			return ns;
	ns = calloc(1, sizeof(*ns));
	if (!ns)
		return NULL;
	ns->ino = ino;
	if (!ino) {
		/* an unknown namespace cannot be shared: keep it out of the list */
		ns->next = NULL;
		return ns;
	}
	ns->next = ctx->netns;
	ctx->netns = ns;
	return ns;
}

static void netns_free(struct pfd_fdesc_netns *ns)
{
	free(ns->slots);
	free(ns);
}

void pfd_fdesc_netns_free_all(struct pfd_fdesc_ctx *ctx)
{
	while (ctx->netns) {
		struct pfd_fdesc_netns *next = ctx->netns->next;
		netns_free(ctx->netns);
		ctx->netns = next;
	}
}

/* The protocol name the socket inode carries ("TCP", "UNIX"...): known
 * without any table, it says which tables to read. Kept in a few static
 * strings, as protocol points at static text. NULL when unreadable. */
static const char *sockprotoname(struct pfd_fdesc *d, int proc_dir)
{
	static char names[16][24];
	static unsigned next;
	char path[64], name[24];
	ssize_t n;

	if (proc_dir >= 0)
		snprintf(path, sizeof(path), "/proc/self/fd/%d/fd/%d", proc_dir, d->fd);
	else
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", (int)d->pid, d->fd);
	n = getxattr(path, "system.sockprotoname", name, sizeof(name) - 1);
	if (n <= 0) {
		pfd_fdesc_fail(d, "sockprotoname", n < 0 ? errno : ENODATA);
		return NULL;
	}
	name[n] = '\0';
	for (unsigned i = 0; i < next; i++)
		if (strcmp(names[i], name) == 0)
			return names[i];
	if (next >= sizeof(names) / sizeof(names[0]))
		return NULL;
	strcpy(names[next], name);
	return names[next++];
}

/* ---- one internet socket asked directly ----------------------------------------------- */

static void inet_of(const struct sockaddr_storage *ss, struct pfd_fdesc_inet *a)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)ss;
		a->family = AF_INET;
		memcpy(a->addr, &in->sin_addr, 4);
		a->port = ntohs(in->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)ss;
		a->family = AF_INET6;
		memcpy(a->addr, &in6->sin6_addr, 16);
		a->port = ntohs(in6->sin6_port);
	}
}

static const char *inet_protocol(int type, int proto)
{
	if (type == SOCK_RAW)
		return "RAW";
	switch (proto) {
	case IPPROTO_TCP: return "TCP";
	case IPPROTO_UDP: return "UDP";
	case IPPROTO_UDPLITE: return "UDPLITE";
	case IPPROTO_ICMP: case IPPROTO_ICMPV6: return "PING";
	default: return NULL;
	}
}

/* The facts of the tables, from the socket itself: its family, type,
 * protocol, names and (TCP_INFO) state. */
static bool inet_from_socket(int s, struct pfd_fdesc_sock *out)
{
	struct sockaddr_storage ss;
	struct tcp_info ti;
	socklen_t len;
	int family, type, proto;

	len = sizeof(int);
	if (getsockopt(s, SOL_SOCKET, SO_DOMAIN, &family, &len) != 0 ||
	    (family != AF_INET && family != AF_INET6))
		return false;
	len = sizeof(int);
	if (getsockopt(s, SOL_SOCKET, SO_TYPE, &type, &len) != 0)
		return false;
	len = sizeof(int);
	if (getsockopt(s, SOL_SOCKET, SO_PROTOCOL, &proto, &len) != 0)
		return false;
	out->family = family;
	out->type = type;
	out->protocol = inet_protocol(type, proto);
	if (!out->protocol)
		return false;
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	if (getsockname(s, (struct sockaddr *)&ss, &len) != 0)
		return false;
	inet_of(&ss, &out->local);
	len = sizeof(ss);
	memset(&ss, 0, sizeof(ss));
	ss.ss_family = (sa_family_t)family;
	bool connected = getpeername(s, (struct sockaddr *)&ss, &len) == 0;
	inet_of(&ss, &out->peer);
	out->peer.family = family;
	if (type == SOCK_STREAM) {
		len = sizeof(ti);
		if (getsockopt(s, IPPROTO_TCP, TCP_INFO, &ti, &len) != 0)
			return false;
		out->kstate = ti.tcpi_state;
		out->state = pfd_fdesc_tcp_state_name(ti.tcpi_state);
	} else {
		out->kstate = connected ? 1 : 7;
		out->state = connected ? "connected" : "unconnected";
	}
	if (type == SOCK_RAW) {
		out->raw_protocol = proto;
		out->local.port = 0;
	}
	out->found = true;
	return true;
}

/* A copy of the holder's socket (pidfd_getfd: the tracer may, as it may
 * ptrace the holder), asked and closed: a few microseconds, where the tcp
 * tables of a VM with a large established hash cost milliseconds per read.
 * The holder's fd and the socket are untouched. */
static bool inet_from_holder(struct pfd_fdesc *d)
{
	int pidfd = (int)syscall(SYS_pidfd_open, d->pid, 0), s;
	bool ok;

	if (pidfd < 0)
		return false;
	s = (int)syscall(SYS_pidfd_getfd, pidfd, d->fd, 0);
	close(pidfd);
	if (s < 0)
		return false;
	ok = inet_from_socket(s, &d->u.sock);
	close(s);
	d->u.sock.ino = d->ino;
	return ok;
}

static bool is_inet_name(const char *proto)
{
	static const char *const names[] = { "TCP", "UDP", "RAW", "PING" };

	for (size_t i = 0; proto && i < sizeof(names) / sizeof(names[0]); i++)
		if (strncmp(proto, names[i], strlen(names[i])) == 0)
			return true;
	return false;
}

void pfd_fdesc_sock_lookup(struct pfd_fdesc_ctx *ctx, int proc_dir, struct pfd_fdesc *d)
{
	const char *proto = sockprotoname(d, proc_dir);
	struct pfd_fdesc_netns *ns;
	unsigned mask = tables_for(proto), fresh;
	const struct pfd_fdesc_sock *s;

	/* one description: an internet socket is asked directly, a UNIX one of
	 * our own namespace by inode, not looked for in the tables */
	if (ctx->single && !ctx->no_fd_copy && is_inet_name(proto) && inet_from_holder(d))
		return;
	if (ctx->single && ctx->use_sock_diag && proto && strncmp(proto, "UNIX", 4) == 0 &&
	    is_own_netns(netns_of(proc_dir, d->pid)) && unix_exact(d))
		return;
	memset(&d->u.sock, 0, sizeof(d->u.sock));
	ns = netns_for(ctx, proc_dir, d->pid);

	if (!ns) {
		pfd_fdesc_fail(d, "socket tables", ENOMEM);
		return;
	}
	fresh = mask & ~ns->loaded;
	if (fresh)
		load_tables(ctx, ns, fresh, proc_dir, d->pid);
	s = find(ns, d->ino);
	if (!s && !fresh && (mask & ~ns->reloaded) && ns->ino) {
		/* made after the tables were read: read them once more */
		ns->reloaded |= mask;
		load_tables(ctx, ns, mask, proc_dir, d->pid);
		s = find(ns, d->ino);
	}
	if (s)
		d->u.sock = *s;
	if (!ns->ino)
		netns_free(ns); /* a namespace not known by inode serves no batch */
	if (s)
		return;
	/* in no table: an unbound UDP socket, or one made in another network
	 * namespace than its holder's; an internet socket can still tell */
	if (!ctx->single && !ctx->no_fd_copy && is_inet_name(proto) && inet_from_holder(d))
		return;
	memset(&d->u.sock, 0, sizeof(d->u.sock));
	d->u.sock.ino = d->ino;
	d->u.sock.protocol = proto;
}
