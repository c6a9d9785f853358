/* procfd-trace: unit tests for the pure parts of the fd-description library
 * (tracer/fdesc/): /proc/net lines, addresses as text, the class chosen
 * from the probe's facts, and each anon inode's fdinfo. The lines are
 * copied from Linux 6.18's /proc output. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "procfd/fdesc.h"
#include "tracer/fdesc/fdesc_impl.h"

/* ---- /proc/net lines ------------------------------------------------------------ */

static void test_tcp_listen_line(void **state)
{
	struct pfd_fdesc_sock s;
	struct pfd_buf b = PFD_BUF_INIT;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(pfd_fdesc_parse_inet_line(
				 "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
				 "00000000     0        0 472593 1 0000000000000000 100 0 0 10 0",
				 false, &s), 0);
	assert_int_equal(s.family, AF_INET);
	assert_int_equal(s.ino, 472593);
	assert_string_equal(s.state, "listen");
	assert_int_equal(s.local.port, 8080);
	pfd_fdesc_inet_text(&b, &s.local);
	assert_string_equal(pfd_buf_str(&b), "127.0.0.1:8080");
	pfd_buf_clear(&b);
	pfd_fdesc_inet_text(&b, &s.peer);
	assert_string_equal(pfd_buf_str(&b), "0.0.0.0:0");
	pfd_buf_free(&b);
}

static void test_tcp_established_line(void **state)
{
	struct pfd_fdesc_sock s;
	struct pfd_buf b = PFD_BUF_INIT;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(pfd_fdesc_parse_inet_line(
				 "  12: 0100007F:8707 0200A8C0:0050 01 00000000:00000000 02:000AFC2B "
				 "00000000  1000        0 99 2 0000000000000000 20 4 30 10 -1",
				 false, &s), 0);
	assert_string_equal(s.state, "established");
	pfd_fdesc_inet_text(&b, &s.peer);
	assert_string_equal(pfd_buf_str(&b), "192.168.0.2:80");
	pfd_buf_free(&b);
	assert_string_equal(pfd_fdesc_tcp_state_name(8), "close-wait");
	assert_string_equal(pfd_fdesc_tcp_state_name(5), "fin-wait2");
	assert_null(pfd_fdesc_tcp_state_name(99));
}

static void test_tcp6_line(void **state)
{
	struct pfd_fdesc_sock s;
	struct pfd_buf b = PFD_BUF_INIT;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(pfd_fdesc_parse_inet_line(
				 "   0: 00000000000000000000000001000000:A553 "
				 "00000000000000000000000000000000:0000 0A 00000000:00000000 "
				 "00:00000000 00000000     0        0 3762794 1 000000005ef8cb90 100 0 0 10 0",
				 true, &s), 0);
	assert_int_equal(s.family, AF_INET6);
	assert_int_equal(s.ino, 3762794);
	pfd_fdesc_inet_text(&b, &s.local);
	assert_string_equal(pfd_buf_str(&b), "[::1]:42323");
	pfd_buf_clear(&b);
	/* fe80::1 on a little-endian host: each 32-bit word in host order */
	assert_int_equal(pfd_fdesc_parse_inet_line(
				 "   1: 000080FE000000000000000001000000:0016 "
				 "00000000000000000000000000000000:0000 0A 00000000:00000000 "
				 "00:00000000 00000000     0        0 7 1 0 100 0 0 10 0",
				 true, &s), 0);
	pfd_fdesc_inet_text(&b, &s.local);
	assert_string_equal(pfd_buf_str(&b), "[fe80::1]:22");
	pfd_buf_free(&b);
	/* a v4 address in a v6 table is wrong-sized: refused */
	assert_int_equal(pfd_fdesc_parse_inet_line(
				 "   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 "
				 "00000000     0        0 1 1", true, &s), -22);
	assert_int_equal(pfd_fdesc_parse_inet_line("  sl  local_address rem_address   st", false,
						   &s), -22);
}

static void test_unix_lines(void **state)
{
	struct pfd_fdesc_sock s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(pfd_fdesc_parse_unix_line(
				 "00000000f7cd7685: 00000002 00000000 00010000 0001 01 3762796 @abs@x\n",
				 &s), 0);
	assert_int_equal(s.ino, 3762796);
	assert_int_equal(s.type, SOCK_STREAM);
	assert_string_equal(s.state, "listen");
	assert_true(s.abstract);
	assert_string_equal(s.path, "@abs@x");
	assert_int_equal(s.path_len, 6);
	assert_int_equal(pfd_fdesc_parse_unix_line(
				 "0000000000000000: 00000003 00000000 00000000 0001 03   336\n", &s), 0);
	assert_int_equal(s.ino, 336);
	assert_string_equal(s.state, "connected");
	assert_int_equal(s.path_len, 0);
	assert_false(s.abstract);
	assert_int_equal(pfd_fdesc_parse_unix_line(
				 "0000000000000000: 00000002 00000000 00000000 0002 01 12 /run/a b\n",
				 &s), 0);
	assert_int_equal(s.type, SOCK_DGRAM);
	assert_string_equal(s.state, "unconnected");
	assert_string_equal(s.path, "/run/a b");
	assert_false(s.abstract);
}

static void test_netlink_packet_lines(void **state)
{
	struct pfd_fdesc_sock s;

	(void)state;
	memset(&s, 0, sizeof(s));
	assert_int_equal(pfd_fdesc_parse_netlink_line(
				 "0000000090519422 4   7722       00000000 0        0        0     2  "
				 "      0        4242    \n", &s), 0);
	assert_int_equal(s.nl_protocol, 4);
	assert_int_equal(s.nl_portid, 7722);
	assert_int_equal(s.ino, 4242);
	assert_int_equal(pfd_fdesc_parse_packet_line(
				 "0000000012345678 3      3    0003   2     1 0      0      9999  \n",
				 &s), 0);
	assert_int_equal(s.type, SOCK_RAW);
	assert_int_equal(s.pk_protocol, 3);
	assert_int_equal(s.pk_ifindex, 2);
	assert_int_equal(s.ino, 9999);
}

/* ---- the class from the probe's facts ------------------------------------------------ */

static struct pfd_fdesc *probed(const char *text, uint32_t mode, uint64_t nlink)
{
	static struct pfd_fdesc d;

	memset(&d, 0, sizeof(d));
	d.pid = 0; /* no process: nothing beyond the facts is readable */
	d.fd = -1;
	snprintf(d.text, sizeof(d.text), "%s", text);
	d.text_len = strlen(d.text);
	d.have_stat = mode != 0;
	d.mode = mode;
	d.nlink = nlink;
	if (strncmp(text, "anon_inode:", 11) == 0) {
		const char *n = text + 11;
		size_t len = strlen(n);
		if (n[0] == '[') {
			n++;
			len -= 2;
		}
		memcpy(d.anon_name, n, len);
		d.anon_name[len] = '\0';
	}
	pfd_fdesc_classify(&d);
	return &d;
}

static void test_classes(void **state)
{
	static const struct { const char *text; uint32_t mode; uint64_t nlink; const char *cls; } c[] = {
		{ "/tmp/x", S_IFREG | 0644, 1, "regular" },
		{ "/memfd:x (deleted)", S_IFREG | 0777, 0, "memfd" },
		{ "/memfd:x (deleted)", S_IFREG | 0644, 1, "regular" }, /* a file with that name */
		{ "net:[4026531833]", S_IFREG | 0444, 1, "nsfs" },
		{ "pid_for_children:[4026531836]", S_IFREG | 0444, 1, "nsfs" },
		{ "/net:[4026531833]", S_IFREG | 0444, 1, "regular" },
		{ "net:[x]", S_IFREG | 0444, 1, "regular" },
		{ "/tmp", S_IFDIR | 0755, 2, "directory" },
		{ "/tmp/l", S_IFLNK | 0777, 1, "symlink" },
		{ "pipe:[12]", S_IFIFO | 0600, 1, "pipe" },
		{ "/tmp/fifo", S_IFIFO | 0600, 1, "fifo" },
		{ "socket:[12]", S_IFSOCK | 0777, 1, "socket" },
		{ "anon_inode:[eventfd]", S_IFREG | 0600, 1, "eventfd" },
		{ "anon_inode:[eventpoll]", 0, 0, "eventpoll" },
		{ "anon_inode:inotify", 0, 0, "inotify" },
		{ "anon_inode:bpf-map", 0, 0, "bpf-map" },
		{ "anon_inode:bpf_link", 0, 0, "bpf-link" },
		{ "anon_inode:[io_uring]", 0, 0, "io_uring" },
		{ "anon_inode:[kvm-vm]", 0, 0, "anon_inode" },
		{ "/dev/null", S_IFCHR | 0666, 1, "chardev" },
		{ "/dev/loop0", S_IFBLK | 0660, 1, "blockdev" },
		{ "whatever", 0, 0, "unknown" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		struct pfd_fdesc *d = probed(c[i].text, c[i].mode, c[i].nlink);
		if (strcmp(pfd_fdesc_class_name(d), c[i].cls) != 0)
			fail_msg("%s: %s, expected %s", c[i].text, pfd_fdesc_class_name(d), c[i].cls);
	}
}

static void test_devices_by_rdev(void **state)
{
	struct pfd_fdesc *d;

	(void)state;
	d = probed("/dev/pts/ptmx", 0, 1);
	d->have_stat = true;
	d->mode = S_IFCHR | 0666;
	d->rdev_major = 5;
	d->rdev_minor = 2;
	pfd_fdesc_classify(d);
	assert_string_equal(pfd_fdesc_class_name(d), "ptmx");
	d->rdev_major = 10;
	d->rdev_minor = 200;
	pfd_fdesc_classify(d);
	assert_string_equal(pfd_fdesc_class_name(d), "tun");
}

/* ---- fdinfo per class ------------------------------------------------------------------ */

static const char *text_of(const char *link, const char *fdinfo)
{
	static struct pfd_buf b = PFD_BUF_INIT;
	struct pfd_fdesc *d = probed(link, 0, 0);

	pfd_fdesc_feed_fdinfo(d, fdinfo);
	pfd_buf_clear(&b);
	pfd_fdesc_text(&b, d);
	return pfd_buf_str(&b);
}

static void test_fdinfo_anon(void **state)
{
	(void)state;
	assert_string_equal(text_of("anon_inode:[eventfd]",
				    "pos:\t0\nflags:\t02\nmnt_id:\t17\nino:\t1039\n"
				    "eventfd-count:               1a\neventfd-id: 7\n"
				    "eventfd-semaphore: 1\n"),
			    "eventfd id 7, count 26, semaphore");
	assert_string_equal(text_of("anon_inode:[eventpoll]",
				    "pos:\t0\ntfd:        5 events:       19 data:                5  pos:0 ino:40f sdev:f\n"
				    "tfd:        4 events:       19 data:                4  pos:0 ino:40e sdev:f\n"),
			    "epoll tfds 5,4");
	assert_string_equal(text_of("anon_inode:[eventpoll]", "pos:\t0\n"), "epoll, no fds watched");
	assert_string_equal(text_of("anon_inode:[signalfd]", "sigmask:\t0000000000004201\n"),
			    "signalfd mask HUP,USR1,TERM");
	assert_string_equal(text_of("anon_inode:[timerfd]",
				    "clockid: 0\nticks: 0\nsettime flags: 01\n"
				    "it_value: (98, 980000000)\nit_interval: (10, 0)\n"),
			    "timerfd realtime, remaining 98.98s, interval 10s");
	assert_string_equal(text_of("anon_inode:[timerfd]",
				    "clockid: 1\nticks: 0\nsettime flags: 00\n"
				    "it_value: (0, 0)\nit_interval: (0, 0)\n"),
			    "timerfd monotonic, disarmed");
	assert_string_equal(text_of("anon_inode:inotify",
				    "inotify wd:2 ino:2a7 sdev:800001 mask:fce ignored_mask:0 "
				    "fhandle-bytes:8 fhandle-type:1 f_handle:a7020000\n"
				    "inotify wd:1 ino:6b sdev:fe00000 mask:fce ignored_mask:0\n"),
			    "inotify inodes 679@8:1,107@254:0");
	assert_string_equal(text_of("anon_inode:[pidfd]", "Pid:\t1234\nNSpid:\t1234\t1\n"),
			    "pidfd pid 1234 (1 in its namespace)");
	assert_string_equal(text_of("anon_inode:[pidfd]", "Pid:\t-1\nNSpid:\t-1\n"),
			    "pidfd of an exited process");
	assert_string_equal(text_of("anon_inode:[io_uring]",
				    "SqMask:\t0x3\nSqHead:\t0\nSqTail:\t0\nCachedSqHead:\t0\n"
				    "CqMask:\t0x7\nCqHead:\t0\n"),
			    "io_uring sq 4 entries, cq 8 entries");
	assert_string_equal(text_of("anon_inode:bpf-map",
				    "map_type:\t1\nkey_size:\t4\nvalue_size:\t4\nmax_entries:\t8\n"
				    "map_flags:\t0x0\nmap_extra:\t0x0\nmemlock:\t1024\nmap_id:\t45\n"),
			    "bpf-map id 45 type hash");
	assert_string_equal(text_of("anon_inode:bpf-prog",
				    "prog_type:\t1\nprog_jited:\t1\nprog_tag:\t59f4a931744dcdc6\n"
				    "memlock:\t4096\nprog_id:\t205\n"),
			    "bpf-prog id 205 type socket_filter");
	assert_string_equal(text_of("anon_inode:bpf_link",
				    "link_type:\traw_tracepoint\nlink_id:\t3\nprog_tag:\ta\n"
				    "prog_id:\t205\ntp_name:\tsys_enter\n"),
			    "bpf-link id 3 type raw_tracepoint prog 205");
	assert_string_equal(text_of("anon_inode:[userfaultfd]",
				    "pending:\t1\ntotal:\t3\nAPI:\taa:0:0\n"),
			    "userfaultfd, 1 pending of 3");
	assert_string_equal(text_of("anon_inode:[fanotify]",
				    "fanotify flags:10 event-flags:8000\n"
				    "fanotify ino:2a sdev:fe00000 mflags:0 mask:20 ignored_mask:0\n"),
			    "fanotify flags 0x10, 1 mark");
	assert_string_equal(text_of("anon_inode:[kvm-vm]", "pos:\t0\n"), "anon inode kvm-vm");
}

static void test_fdinfo_devices_and_common(void **state)
{
	struct pfd_fdesc *d;

	(void)state;
	d = probed("/dev/ptmx", S_IFCHR | 0666, 1);
	d->rdev_major = 5;
	d->rdev_minor = 2;
	pfd_fdesc_classify(d);
	pfd_fdesc_feed_fdinfo(d, "pos:\t0\nflags:\t0100002\nmnt_id:\t23\nino:\t5\ntty-index:\t3\n");
	assert_true(d->u.dev.have_tty_index);
	assert_int_equal(d->u.dev.tty_index, 3);
	assert_int_equal(d->flags, 0100002);
	assert_int_equal(d->mnt_id, 23);
	d = probed("/dev/net/tun", S_IFCHR | 0666, 1);
	d->rdev_major = 10;
	d->rdev_minor = 200;
	pfd_fdesc_classify(d);
	pfd_fdesc_feed_fdinfo(d, "pos:\t0\nflags:\t02\niff:\tmkfds0\n");
	assert_string_equal(d->u.dev.iface, "mkfds0");
	d = probed("/tmp/x", S_IFREG | 0644, 1);
	pfd_fdesc_feed_fdinfo(d, "pos:\t4096\nflags:\t02100002\n");
	assert_int_equal(d->pos, 4096);
	assert_int_equal(d->flags, 02100002);
}

/* No false statement: what is a path and what has a size. */
static void test_paths_and_sizes(void **state)
{
	struct pfd_fdesc *d;

	(void)state;
	d = probed("net:[4026531833]", S_IFREG | 0444, 1);
	assert_false(pfd_fdesc_text_is_path(d));
	assert_false(pfd_fdesc_has_size(d));
	d = probed("/tmp/x", S_IFREG | 0644, 1);
	assert_true(pfd_fdesc_text_is_path(d));
	assert_true(pfd_fdesc_has_size(d));
	d = probed("socket:[1]", S_IFSOCK | 0777, 1);
	assert_false(pfd_fdesc_text_is_path(d));
	assert_false(pfd_fdesc_has_size(d));
}

/* ---- the class table: every class answers every query ----------------------------- */

/* Each class states its kind and its facts (a forgotten .facts or .kind is
 * a class that would answer "not a path, no size, never deleted" or
 * "other" without having said so), and a query of each answers within its
 * range. The facts agree with one another. */
static void test_every_class_answers(void **state)
{
	bool kind_seen[PFD_KIND_COUNT] = { false };
	unsigned n = 0;
	const struct pfd_fdesc_class *c;

	(void)state;
	for (unsigned i = 0; (c = pfd_fdesc_class_at(i)) != NULL; i++, n++) {
		struct pfd_fdesc d = { .cls = c, .text = "/x", .text_len = 2, .have_stat = true };

		assert_non_null(c->name);
		if (!c->match)
			fail_msg("class %s: no match", c->name);
		if (c->kind <= PFD_KIND_UNSET || c->kind >= PFD_KIND_COUNT)
			fail_msg("class %s: no kind", c->name);
		if (!(c->facts & PFD_FACT_STATED))
			fail_msg("class %s: no facts (PFD_FDESC_FACTS)", c->name);
		kind_seen[c->kind] = true;
		assert_string_equal(pfd_fdesc_class_name(&d), c->name);
		assert_int_equal(pfd_fdesc_kind(&d), c->kind);
		assert_non_null(pfd_fdesc_noun(&d));
		if (strcmp(pfd_fdesc_kind_name(&d), "other") == 0 && c->kind != PFD_KIND_OTHER)
			fail_msg("class %s: kind %d has no name", c->name, (int)c->kind);
		/* a text that is a path can lose its name; a label that never
		 * was one is no path */
		if (pfd_fdesc_text_is_path(&d) && !pfd_fdesc_deletable(&d))
			fail_msg("class %s: a path that cannot be deleted", c->name);
		if (pfd_fdesc_never_named(&d) && pfd_fdesc_text_is_path(&d))
			fail_msg("class %s: never named, yet a path", c->name);
		for (unsigned j = 0; j < i; j++)
			if (strcmp(pfd_fdesc_class_at(j)->name, c->name) == 0)
				fail_msg("two classes called %s", c->name);
		assert_ptr_equal(pfd_fdesc_class_named(c->name), c);
	}
	assert_true(n >= 28);
	/* the catch-all is the last to match */
	assert_ptr_equal(pfd_fdesc_class_at(n - 1), &pfd_fdesc_class_unknown);
	/* every kind is some class's, and has its name and its word */
	for (int k = PFD_KIND_UNSET + 1; k < PFD_KIND_COUNT; k++) {
		if (!kind_seen[k])
			fail_msg("kind %s: no class", pfd_kind_name((enum pfd_kind)k));
		assert_true(k == PFD_KIND_OTHER ||
			    strcmp(pfd_kind_name((enum pfd_kind)k), "other") != 0);
	}
}

/* The queries on a description never described: the unknown class's. */
static void test_no_class(void **state)
{
	struct pfd_fdesc d = { .text = "/x", .text_len = 2 };

	(void)state;
	assert_string_equal(pfd_fdesc_class_name(&d), "unknown");
	assert_int_equal(pfd_fdesc_kind(&d), PFD_KIND_OTHER);
	assert_string_equal(pfd_fdesc_kind_name(&d), "other");
	assert_string_equal(pfd_kind_name(PFD_KIND_COUNT), "other");
	assert_string_equal(pfd_kind_name(PFD_KIND_UNSET), "other");
	assert_true(pfd_fdesc_text_is_path(&d)); /* it may be one: the lookup tells */
	d.text[0] = 'x';
	assert_false(pfd_fdesc_text_is_path(&d));
	assert_false(pfd_fdesc_has_size(&d));
}

/* Each class's answers, as the consumers rely on them (the trace's kind,
 * --explain's verdicts, the leak report's words). */
static void test_class_facts(void **state)
{
	static const struct {
		const char *cls, *kind, *noun;
		bool path, size, deletable, never_named, dir, symlink;
	} want[] = {
		{ "regular", "regular", "file", true, true, true, false, false, false },
		{ "directory", "directory", "directory", true, false, true, false, true, false },
		{ "symlink", "symlink", "symlink", true, false, true, false, false, true },
		{ "memfd", "memfd", "memfd", false, true, true, true, false, false },
		{ "nsfs", "nsfs", "nsfs", false, false, true, false, false, false },
		{ "mqueue", "mqueue", "mqueue", false, false, true, false, false, false },
		{ "pipe", "pipe", "pipe", false, false, false, false, false, false },
		{ "fifo", "fifo", "fifo", true, false, true, false, false, false },
		{ "socket", "socket", "socket", false, false, false, false, false, false },
		{ "ptmx", "char-device", "char-device", true, false, true, false, false, false },
		{ "tun", "char-device", "char-device", true, false, true, false, false, false },
		{ "chardev", "char-device", "char-device", true, false, true, false, false, false },
		{ "blockdev", "block-device", "block-device", true, false, true, false, false, false },
		{ "eventfd", "anon-inode", "anon-inode", false, false, false, false, false, false },
		{ "bpf-link", "anon-inode", "anon-inode", false, false, false, false, false, false },
		{ "anon_inode", "anon-inode", "anon-inode", false, false, false, false, false, false },
		{ "unknown", "other", "other", true, false, true, false, false, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct pfd_fdesc d = { .cls = pfd_fdesc_class_named(want[i].cls), .text = "/x",
				       .text_len = 2, .have_stat = true };

		assert_non_null(d.cls);
		if (strcmp(pfd_fdesc_kind_name(&d), want[i].kind) != 0 ||
		    strcmp(pfd_fdesc_noun(&d), want[i].noun) != 0 ||
		    pfd_fdesc_text_is_path(&d) != want[i].path ||
		    pfd_fdesc_has_size(&d) != want[i].size ||
		    pfd_fdesc_deletable(&d) != want[i].deletable ||
		    pfd_fdesc_never_named(&d) != want[i].never_named ||
		    pfd_fdesc_is_directory(&d) != want[i].dir ||
		    pfd_fdesc_is_symlink(&d) != want[i].symlink)
			fail_msg("class %s: its answers differ", want[i].cls);
	}
	assert_int_equal(pfd_kind_of_mode(S_IFREG | 0644), PFD_KIND_REGULAR);
	assert_int_equal(pfd_kind_of_mode(S_IFCHR | 0620), PFD_KIND_CHAR_DEVICE);
	assert_int_equal(pfd_kind_of_mode(0600), PFD_KIND_ANON_INODE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp_listen_line),
		cmocka_unit_test(test_tcp_established_line),
		cmocka_unit_test(test_tcp6_line),
		cmocka_unit_test(test_unix_lines),
		cmocka_unit_test(test_netlink_packet_lines),
		cmocka_unit_test(test_classes),
		cmocka_unit_test(test_devices_by_rdev),
		cmocka_unit_test(test_fdinfo_anon),
		cmocka_unit_test(test_fdinfo_devices_and_common),
		cmocka_unit_test(test_paths_and_sizes),
		cmocka_unit_test(test_every_class_answers),
		cmocka_unit_test(test_no_class),
		cmocka_unit_test(test_class_facts),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
