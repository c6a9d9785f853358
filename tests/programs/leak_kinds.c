/* --leaks: every kind of fd a program can leave open, each made by a named
 * call, and what must not be reported (fds from before the trace, fds
 * closed with close_range, a file whose only fd dup2 reused). A dup is the
 * same description: one leak, held at several fds; a description left
 * only at the dup's number is reported with the dup as the call that put
 * it there. Run with --error-exitcode=9: it leaks, so procfd-trace exits 9. */
#include "leakexp.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>

static const char *file;

/* main_line: the line of main's call, for main's frame. */
NOINLINE static int open_and_forget(int main_line)
{
	int fd = (int)syscall(SYS_openat, AT_FDCWD, file, O_RDWR | O_CREAT | O_TRUNC, 0600); int line = __LINE__;
	CHECK(fd >= 0, "open %s", file);
	CHECK(write(fd, "thirty-five bytes of leaked data!!\n", 35) == 35, "write");
	CHECK(unlink(file) == 0, "unlink");
	struct stat st;
	CHECK(fstat(fd, &st) == 0, "fstat");
	expect_leak(fd, "openat", "\"target\":{\"kind\":\"regular\",\"deleted\":true,\"nlink\":0,"
		    "\"size\":35,\"bytes_pinned\":%lld},\"cloexec\":false,\"crossed_exec\":null,"
		    "\"opened_by\":{\"syscall\":\"openat\",\"backtrace\":%s}",
		    (long long)st.st_blocks * 512, jframes("open_and_forget", line, "main", main_line, NULL));
	KEEP_FRAME();
	return fd;
}

int main(void)
{
	tmpdir_create();
	file = tmp_path("pinned");
	/* before the trace's first fd: 0, 1, 2 are inherited, never reported */
	expect_no_leak(0);
	expect_no_leak(1);
	expect_no_leak(2);
	int a = open_and_forget(__LINE__);

	int p[2];
	CHECK(syscall(SYS_pipe2, p, 0) == 0, "pipe2");
	expect_leak(p[0], "pipe2", "\"target\":{\"kind\":\"pipe\",\"deleted\":false}");
	expect_leak(p[1], "pipe2", "\"target\":{\"kind\":\"pipe\",\"access\":\"write\"}");
	int sv[2];
	CHECK(syscall(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	int s = (int)syscall(SYS_socket, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	CHECK(s >= 0, "socket");
	expect_leak(sv[0], "socketpair", "\"target\":{\"kind\":\"socket\"}");
	expect_leak(sv[1], "socketpair", "\"target\":{\"kind\":\"socket\"}");
	expect_leak(s, "socket", "\"target\":{\"kind\":\"socket\"},\"cloexec\":true");

	int d = (int)syscall(SYS_dup, p[0]);
	CHECK(d >= 0, "dup");
	expect_held(p[0], d, "");
	CHECK(syscall(SYS_dup2, p[1], 60) == 60, "dup2");
	CHECK(syscall(SYS_dup3, p[1], 61, O_CLOEXEC) == 61, "dup3");
	int f = (int)syscall(SYS_fcntl, p[0], F_DUPFD, 70);
	CHECK(f >= 70, "F_DUPFD");
	int fc = (int)syscall(SYS_fcntl, p[0], F_DUPFD_CLOEXEC, 80);
	CHECK(fc >= 80, "F_DUPFD_CLOEXEC");

	/* fd 90: a file, then replaced by dup2: the file is gone, fd 90 is
	 * one more fd of the socket */
	int r = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY, 0);
	CHECK(r >= 0, "open /etc/hostname");
	CHECK(syscall(SYS_dup2, r, 90) == 90, "dup2 to 90");
	CHECK(close(r) == 0, "close");
	CHECK(syscall(SYS_dup2, sv[0], 90) == 90, "dup2 over 90");
	expect_none("{\"event\":\"leak\",\"target\":{\"name\":\"/etc/hostname\"}}");

	/* fd 95: a file left only at the number dup2 gave it */
	int moved = (int)syscall(SYS_openat, AT_FDCWD, "/etc/passwd", O_RDONLY, 0); int mline = __LINE__;
	CHECK(moved >= 0, "open /etc/passwd");
	CHECK(syscall(SYS_dup2, moved, 95) == 95, "dup2 to 95"); int dline = __LINE__;
	CHECK(close(moved) == 0, "close");
	expect_leak(95, "openat", "\"target\":{\"name\":\"/etc/passwd\"},\"held_by\":[{\"fd\":95}],"
		    "\"opened_by\":{\"backtrace\":%s},"
		    "\"installed_by\":{\"syscall\":\"dup2\",\"fd\":95,\"pid\":%d,\"backtrace\":%s}",
		    jframes("main", mline, NULL), (int)getpid(), jframes("main", dline, NULL));

	/* fds 100, 101: gone with close_range, never reported */
	CHECK(syscall(SYS_dup2, p[0], 100) == 100 && syscall(SYS_dup2, p[0], 101) == 101, "dup2s");
	CHECK(syscall(SYS_close_range, 100, 101, 0) == 0, "close_range");

	int m = (int)syscall(SYS_memfd_create, "leaky-memfd", 0);
	CHECK(m >= 0, "memfd_create");
	int e = (int)syscall(SYS_eventfd2, 0, EFD_CLOEXEC);
	CHECK(e >= 0, "eventfd2");
	int ep = (int)syscall(SYS_epoll_create1, 0);
	CHECK(ep >= 0, "epoll_create1");
	int t = (int)syscall(SYS_openat, AT_FDCWD, tmp_path(""), O_TMPFILE | O_RDWR, 0600);
	CHECK(t >= 0, "O_TMPFILE");

	expect_held(p[1], 60, ",\"cloexec\":false");
	expect_held(p[1], 61, ",\"cloexec\":true");
	expect_held(p[0], f, "");
	expect_held(p[0], fc, ",\"cloexec\":true");
	expect_held(sv[0], 90, "");
	expect_none("{\"event\":\"leak\",\"fd\":60}");
	expect_no_leak(100);
	expect_no_leak(101);
	expect_leak(m, "memfd_create", "\"target\":{\"kind\":\"memfd\"}");
	expect_leak(e, "eventfd2", "\"target\":{\"kind\":\"anon-inode\",\"anon_name\":\"[eventfd]\"}");
	expect_leak(ep, "epoll_create1", "\"target\":{\"kind\":\"anon-inode\",\"anon_name\":\"[eventpoll]\"}");
	expect_leak(t, "openat", "\"target\":{\"kind\":\"regular\",\"deleted\":true}");
	(void)a;
	/* leaks: a, the pipe's 2 ends, socketpair's 2, socket, 95, memfd,
	 * eventfd, epoll, tmpfile: 11; fds: those + dup, 60, 61, f, fc, 90: 17 */
	expect("{\"event\":\"leak_total\",\"processes\":1,\"leaks\":11,\"fds\":17,"
	       "\"deleted\":2,\"suppressed\":0}");
	fflush(stdout);
	return 0;
}
