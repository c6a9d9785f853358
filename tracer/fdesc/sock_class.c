/* procfd-trace: the socket class: what the tables of sock.c say about one
 * socket, as JSON fields and as words ("socket TCP 127.0.0.1:34567 ->
 * 127.0.0.1:80 (established)"). */
#include <linux/netlink.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "tracer/fdesc/fdesc_impl.h"

static bool socket_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return (d->have_stat && S_ISSOCK(d->mode)) || pfd_fdesc_after(d->text, "socket:[");
}

static void socket_read(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx, int proc_dir)
{
	const char *num = pfd_fdesc_after(d->text, "socket:[");

	if (!d->have_stat && num)
		d->ino = strtoull(num, NULL, 10);
	pfd_fdesc_sock_lookup(ctx, proc_dir, d);
}

static const char *family_name(int family)
{
	switch (family) {
	case AF_UNIX: return "unix";
	case AF_INET: return "inet";
	case AF_INET6: return "inet6";
	case AF_NETLINK: return "netlink";
	case AF_PACKET: return "packet";
	default: return NULL;
	}
}

static const char *type_name(int type)
{
	switch (type) {
	case SOCK_STREAM: return "stream";
	case SOCK_DGRAM: return "dgram";
	case SOCK_RAW: return "raw";
	case SOCK_SEQPACKET: return "seqpacket";
	case SOCK_PACKET: return "packet";
	default: return NULL;
	}
}

static const char *netlink_name(int proto)
{
	static const char *const names[] = {
		[NETLINK_ROUTE] = "route", [NETLINK_USERSOCK] = "usersock",
		[NETLINK_FIREWALL] = "firewall", [NETLINK_SOCK_DIAG] = "sock_diag",
		[NETLINK_NFLOG] = "nflog", [NETLINK_XFRM] = "xfrm", [NETLINK_SELINUX] = "selinux",
		[NETLINK_ISCSI] = "iscsi", [NETLINK_AUDIT] = "audit",
		[NETLINK_FIB_LOOKUP] = "fib_lookup", [NETLINK_CONNECTOR] = "connector",
		[NETLINK_NETFILTER] = "netfilter", [NETLINK_IP6_FW] = "ip6_fw",
		[NETLINK_DNRTMSG] = "dnrtmsg", [NETLINK_KOBJECT_UEVENT] = "kobject_uevent",
		[NETLINK_GENERIC] = "generic", [NETLINK_SCSITRANSPORT] = "scsitransport",
		[NETLINK_ECRYPTFS] = "ecryptfs", [NETLINK_RDMA] = "rdma", [NETLINK_CRYPTO] = "crypto",
		[NETLINK_SMC] = "smc",
	};

	if (proto < 0 || (size_t)proto >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[proto];
}

static bool is_inet(const struct pfd_fdesc_sock *s)
{
	return s->family == AF_INET || s->family == AF_INET6;
}

/* A peer worth showing: a connected socket's (not 0.0.0.0:0 / [::]:0). */
static bool has_peer(const struct pfd_fdesc_sock *s)
{
	static const uint8_t zero[16];

	return s->peer.port || memcmp(s->peer.addr, zero, sizeof(zero)) != 0;
}

static void w_inet(struct pfd_writer *w, const char *addr_key, const char *port_key,
		   const struct pfd_fdesc_inet *a)
{
	struct pfd_buf b = PFD_BUF_INIT;
	struct pfd_fdesc_inet noport = *a;

	noport.port = 0;
	pfd_fdesc_inet_text(&b, &noport);
	/* the address alone: drop the ":0" and the v6 brackets */
	b.len -= 2;
	b.data[b.len] = '\0';
	if (a->family == AF_INET6) {
		b.data[--b.len] = '\0';
		pfd_w_str(w, addr_key, b.data + 1);
	} else {
		pfd_w_str(w, addr_key, b.data);
	}
	pfd_w_uint(w, port_key, a->port);
	pfd_buf_free(&b);
}

static void socket_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	const struct pfd_fdesc_sock *s = &d->u.sock;

	pfd_w_uint(w, "sock_ino", s->ino);
	pfd_w_bool(w, "sock_found", s->found);
	pfd_w_str(w, "sock_protocol", s->protocol);
	if (!s->found)
		return;
	pfd_w_str(w, "sock_family", family_name(s->family));
	pfd_w_str(w, "sock_type", type_name(s->type));
	pfd_w_str(w, "sock_state", s->state);
	if (is_inet(s)) {
		w_inet(w, "local_addr", "local_port", &s->local);
		if (has_peer(s))
			w_inet(w, "peer_addr", "peer_port", &s->peer);
		if (s->type == SOCK_RAW)
			pfd_w_int(w, "raw_protocol", s->raw_protocol);
	} else if (s->family == AF_UNIX) {
		if (s->path_len)
			pfd_w_bytes(w, "unix_path", s->path, s->path_len);
		pfd_w_bool(w, "unix_abstract", s->abstract);
		if (s->have_peer_ino)
			pfd_w_uint(w, "peer_ino", s->peer_ino);
	} else if (s->family == AF_NETLINK) {
		const char *name = netlink_name(s->nl_protocol);
		if (name)
			pfd_w_str(w, "netlink_protocol", name);
		else
			pfd_w_int(w, "netlink_protocol", s->nl_protocol);
		pfd_w_uint(w, "netlink_lport", s->nl_portid);
		pfd_w_uint(w, "netlink_groups", s->nl_groups);
	} else if (s->family == AF_PACKET) {
		pfd_w_uint(w, "packet_protocol", s->pk_protocol);
		pfd_w_int(w, "packet_ifindex", s->pk_ifindex);
	}
}

static bool needs_quotes(const char *p, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)p[i] <= ' ' || p[i] == '"' || p[i] == '\\' || p[i] == 0x7f)
			return true;
	return false;
}

static void text_unix(const struct pfd_fdesc_sock *s, struct pfd_buf *b)
{
	if (s->path_len) {
		pfd_buf_putc(b, ' ');
		/* quoted only when it needs it; an abstract name keeps its '@' */
		if (!needs_quotes(s->path, s->path_len))
			pfd_buf_puts(b, s->path);
		else
			pfd_buf_quote(b, s->path, s->path_len);
		if (s->abstract)
			pfd_buf_puts(b, " (abstract)");
	}
}

static void text_state_peer(const struct pfd_fdesc_sock *s, struct pfd_buf *b)
{
	if (s->state) {
		pfd_buf_puts(b, " (");
		pfd_buf_puts(b, s->state);
		pfd_buf_putc(b, ')');
	}
	if (s->have_peer_ino) {
		pfd_buf_puts(b, ", peer socket ");
		pfd_buf_uint(b, s->peer_ino);
	}
}

static void socket_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	const struct pfd_fdesc_sock *s = &d->u.sock;
	const char *type = type_name(s->type);

	pfd_buf_puts(b, "socket ");
	if (!s->found) {
		pfd_buf_puts(b, s->protocol ? s->protocol : "?");
		pfd_buf_puts(b, " inode ");
		pfd_buf_uint(b, s->ino);
		/* unbound UDP and netlink sockets are listed nowhere, nor are
		 * sockets of another namespace than the holder's */
		pfd_buf_puts(b, ", listed in no /proc/net table of the holder");
		return;
	}
	pfd_buf_puts(b, s->protocol);
	if (s->family == AF_INET6)
		pfd_buf_putc(b, '6');
	if (is_inet(s)) {
		if (s->type == SOCK_RAW) {
			pfd_buf_puts(b, " protocol ");
			pfd_buf_int(b, s->raw_protocol);
		}
		pfd_buf_putc(b, ' ');
		pfd_fdesc_inet_text(b, &s->local);
		if (has_peer(s)) {
			pfd_buf_puts(b, " -> ");
			pfd_fdesc_inet_text(b, &s->peer);
		}
	} else if (s->family == AF_UNIX) {
		if (type) {
			pfd_buf_putc(b, ' ');
			pfd_buf_puts(b, type);
		}
		text_unix(s, b);
	} else if (s->family == AF_NETLINK) {
		const char *name = netlink_name(s->nl_protocol);
		pfd_buf_putc(b, ' ');
		if (name)
			pfd_buf_puts(b, name);
		else
			pfd_buf_int(b, s->nl_protocol);
		pfd_buf_puts(b, " lport ");
		pfd_buf_uint(b, s->nl_portid);
	} else if (s->family == AF_PACKET) {
		if (type) {
			pfd_buf_putc(b, ' ');
			pfd_buf_puts(b, type);
		}
		pfd_buf_puts(b, " protocol ");
		pfd_buf_hex(b, s->pk_protocol);
		pfd_buf_puts(b, " ifindex ");
		pfd_buf_int(b, s->pk_ifindex);
	}
	text_state_peer(s, b);
}

static const struct pfd_fdesc_class pfd_fdesc_class_socket = {
	.name = "socket", .kind = PFD_KIND_SOCKET,
	.facts = PFD_FDESC_FACTS(0),
	.match = socket_match, .read = socket_read,
	.json = socket_json, .text = socket_text,
};

/* The socket class: one for every family, whose own facts are the
 * socket's fields (sock.c reads them). */
const struct pfd_fdesc_class *const pfd_fdesc_sock_classes[] = {
	&pfd_fdesc_class_socket,
	NULL,
};
