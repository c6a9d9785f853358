/* procfd-trace: the lines of the /proc/net socket tables, and socket
 * addresses and states as words. Pure functions (the unit tests call them).
 * Formats: net/ipv4/tcp_ipv4.c (get_tcp4_sock), net/ipv4/udp.c,
 * net/ipv4/raw.c, net/ipv4/ping.c, net/ipv6/datagram.c
 * (__ip6_dgram_sock_seq_show), net/unix/af_unix.c (unix_seq_show),
 * net/netlink/af_netlink.c, net/packet/af_packet.c. */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "tracer/fdesc/fdesc_impl.h"

const char *pfd_fdesc_tcp_state_name(unsigned st)
{
	static const char *const names[] = {
		NULL, "established", "syn-sent", "syn-recv", "fin-wait1", "fin-wait2",
		"time-wait", "close", "close-wait", "last-ack", "listen", "closing",
		"new-syn-recv", "bound-inactive",
	};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : NULL;
}

/* The kernel prints each 32-bit word of the address as a number in host
 * order ("%08X"): its bytes in memory are the address in network order. */
static int parse_hex_addr(const char *hex, bool v6, uint8_t *out)
{
	size_t words = v6 ? 4 : 1;

	if (strlen(hex) != words * 8)
		return -EINVAL;
	for (size_t i = 0; i < words; i++) {
		char word[9];
		uint32_t v;

		memcpy(word, hex + i * 8, 8);
		word[8] = '\0';
		v = (uint32_t)strtoul(word, NULL, 16);
		memcpy(out + i * 4, &v, 4);
	}
	return 0;
}

int pfd_fdesc_parse_inet_line(const char *line, bool v6, struct pfd_fdesc_sock *s)
{
	char local[40], peer[40];
	unsigned lport, pport, st;
	uint64_t ino;

	if (sscanf(line, " %*u: %39[0-9A-Fa-f]:%x %39[0-9A-Fa-f]:%x %x %*x:%*x %*x:%*x %*x %*u %*d %" SCNu64,
		   local, &lport, peer, &pport, &st, &ino) != 6)
		return -EINVAL;
	memset(&s->local, 0, sizeof(s->local));
	memset(&s->peer, 0, sizeof(s->peer));
	if (parse_hex_addr(local, v6, s->local.addr) < 0 || parse_hex_addr(peer, v6, s->peer.addr) < 0)
		return -EINVAL;
	s->family = v6 ? AF_INET6 : AF_INET;
	s->local.family = s->peer.family = s->family;
	s->local.port = (uint16_t)lport;
	s->peer.port = (uint16_t)pport;
	s->kstate = st;
	s->state = pfd_fdesc_tcp_state_name(st);
	s->ino = ino;
	s->found = true;
	return 0;
}

static const char *unix_state(unsigned flags, unsigned st)
{
	if (flags & (1u << 16)) /* __SO_ACCEPTCON: listening */
		return "listen";
	switch (st) {
	case 1: return "unconnected";
	case 2: return "connecting";
	case 3: return "connected";
	case 4: return "disconnecting";
	default: return NULL;
	}
}

/* "0000000000000000: 00000002 00000000 00010000 0001 01 12345 /path"; an
 * abstract name starts with '@' (its NULs are all shown as '@'). */
int pfd_fdesc_parse_unix_line(const char *line, struct pfd_fdesc_sock *s)
{
	unsigned flags, type, st;
	uint64_t ino;
	int end = 0;
	size_t len;

	if (sscanf(line, "%*x: %*x %*x %x %x %x %" SCNu64 "%n", &flags, &type, &st, &ino, &end) != 4)
		return -EINVAL;
	s->family = AF_UNIX;
	s->protocol = "UNIX";
	s->type = (int)type;
	s->kstate = st;
	s->state = unix_state(flags, st);
	s->ino = ino;
	s->found = true;
	s->path_len = 0;
	s->path[0] = '\0';
	s->abstract = false;
	line += end;
	if (*line == ' ') {
		line++;
		len = strcspn(line, "\n");
		pfd_fdesc_copy(s->path, sizeof(s->path), line, len);
		s->path_len = strlen(s->path);
		s->abstract = s->path[0] == '@';
	}
	return 0;
}

/* "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode" */
int pfd_fdesc_parse_netlink_line(const char *line, struct pfd_fdesc_sock *s)
{
	int proto;
	unsigned portid, groups;
	uint64_t ino;

	if (sscanf(line, "%*x %d %u %x %*d %*d %*d %*d %*u %" SCNu64, &proto, &portid, &groups,
		   &ino) != 4)
		return -EINVAL;
	s->family = AF_NETLINK;
	s->protocol = "NETLINK";
	s->nl_protocol = proto;
	s->nl_portid = portid;
	s->nl_groups = groups;
	s->ino = ino;
	s->found = true;
	return 0;
}

/* "sk RefCnt Type Proto Iface R Rmem User Inode" */
int pfd_fdesc_parse_packet_line(const char *line, struct pfd_fdesc_sock *s)
{
	int type, ifindex;
	unsigned proto;
	uint64_t ino;

	if (sscanf(line, "%*x %*d %d %x %d %*d %*u %*u %" SCNu64, &type, &proto, &ifindex, &ino) != 4)
		return -EINVAL;
	s->family = AF_PACKET;
	s->protocol = "PACKET";
	s->type = type;
	s->pk_protocol = (uint16_t)proto;
	s->pk_ifindex = ifindex;
	s->ino = ino;
	s->found = true;
	return 0;
}

void pfd_fdesc_inet_text(struct pfd_buf *b, const struct pfd_fdesc_inet *a)
{
	char addr[INET6_ADDRSTRLEN];

	if (!inet_ntop(a->family == AF_INET6 ? AF_INET6 : AF_INET, a->addr, addr, sizeof(addr)))
		strcpy(addr, "?");
	if (a->family == AF_INET6)
		pfd_buf_putc(b, '[');
	pfd_buf_puts(b, addr);
	if (a->family == AF_INET6)
		pfd_buf_putc(b, ']');
	pfd_buf_putc(b, ':');
	pfd_buf_uint(b, a->port);
}
