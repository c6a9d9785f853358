/* --leaks and SCM_RIGHTS: an fd received in a control message is made by
 * recvmsg, in the receiver. The sender's own copy is closed. */
#include "leakexp.h"

#include <sys/socket.h>

int main(void)
{
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	int f = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY, 0);
	CHECK(f >= 0, "open");
	char data = 'x';
	struct iovec iov = { &data, 1 };
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} u;
	struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			    .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &f, sizeof(int));
	CHECK(sendmsg(sv[0], &m, 0) == 1, "sendmsg");
	CHECK(close(f) == 0, "close");
	memset(u.buf, 0, sizeof(u.buf));
	m.msg_controllen = sizeof(u.buf);
	CHECK(recvmsg(sv[1], &m, 0) == 1, "recvmsg");
	int got;
	memcpy(&got, CMSG_DATA(CMSG_FIRSTHDR(&m)), sizeof(int));
	/* a recvmsg without a control buffer creates nothing (and costs one stop) */
	CHECK(send(sv[0], "y", 1, 0) == 1, "send");
	CHECK(recv(sv[1], &data, 1, 0) == 1, "recv");
	CHECK(close(sv[0]) == 0 && close(sv[1]) == 0, "close pair");
	expect_leak(got, "recvmsg", "\"target\":{\"kind\":\"regular\",\"name\":\"/etc/hostname\"}");
	expect("{\"event\":\"leak_total\",\"leaks\":1,\"fds\":1}");
	return 0;
}
