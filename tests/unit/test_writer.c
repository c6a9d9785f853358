/* procfd-trace: unit tests for the event writer (tracer/output/writer.c) and the
 * buffer under it (tracer/output/buf.c): the same calls give one JSON Lines object
 * or the text layout, an event reaches the file whole, and a malformed one
 * (unbalanced, too deep) is never written. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <termios.h>

#include "procfd/stack.h"
#include "procfd/writer.h"
#include "tracer/output/event_impl.h"
#include "tracer/output/output.h"
#include "tracer/output/writer_impl.h"

static char path[] = "/tmp/pfd-writer-XXXXXX";

static void open_out(bool json)
{
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pfd_output_open(path, json), 0);
}

/* Close the output and return what it holds (malloc'd). */
static char *close_out(void)
{
	assert_int_equal(pfd_output_close(), 0);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	unlink(path);
	strcpy(path, "/tmp/pfd-writer-XXXXXX");
	buf[n] = '\0';
	return buf;
}

/* The same event for both formats. */
static void sample_event(void)
{
	struct pfd_writer *w = pfd_event_begin("leak", 42);
	assert_non_null(w);
	pfd_w_title(w, "1 fd open at exit");
	pfd_w_int(w, "fd", -3);
	pfd_w_uint(w, "size", 18446744073709551615ull);
	pfd_w_bool(w, "deleted", true);
	pfd_w_null(w, "crossed_exec");
	pfd_w_str(w, "why", "a \"quoted\"\nline");
	pfd_w_bytes(w, "path", "/tmp/\xff", 6);
	pfd_w_object(w, "target");
	pfd_w_str(w, "kind", "regular");
	pfd_w_object(w, "dev");
	pfd_w_int(w, "major", 8);
	pfd_w_end(w);
	pfd_w_end(w);
	pfd_w_array(w, "fds");
	pfd_w_int(w, NULL, 3);
	pfd_w_object(w, NULL);
	pfd_w_int(w, "fd", 4);
	pfd_w_str(w, "kind", "pipe");
	pfd_w_end(w);
	pfd_w_end(w);
	pfd_w_json_only(w, true);
	pfd_w_str(w, "hidden_in_text", "x");
	pfd_w_json_only(w, false);
	pfd_w_text(w, "a line of text only");
	assert_int_equal(pfd_event_end(w), 0);
}

static void test_json(void **state)
{
	(void)state;
	open_out(true);
	sample_event();
	const char *got = close_out();
	assert_string_equal(got,
		"{\"event\":\"leak\",\"pid\":42,\"fd\":-3,\"size\":18446744073709551615,"
		"\"deleted\":true,\"crossed_exec\":null,\"why\":\"a \\\"quoted\\\"\\nline\","
		"\"path\":[47,116,109,112,47,255],\"target\":{\"kind\":\"regular\","
		"\"dev\":{\"major\":8}},\"fds\":[3,{\"fd\":4,\"kind\":\"pipe\"}],"
		"\"hidden_in_text\":\"x\"}\n");
}

static void test_text(void **state)
{
	(void)state;
	open_out(false);
	sample_event();
	const char *got = close_out();
	assert_string_equal(got,
		"[pid    42] 1 fd open at exit\n"
		"    fd: -3\n"
		"    size: 18446744073709551615\n"
		"    deleted: true\n"
		"    crossed_exec: null\n"
		"    why: a \"quoted\"\\nline\n"
		"    path: \"/tmp/\\377\"\n"
		"    target: kind=regular, dev={major=8}\n"
		"    fds:\n"
		"        3\n"
		"        fd=4, kind=pipe\n"
		"    a line of text only\n");
}

/* Our own text quotes names the tracee chose: a C1 control or a bidi
 * override in one is written in octal, never raw, in a field or a line. */
static void test_text_terminal_unsafe(void **state)
{
	(void)state;
	open_out(false);
	struct pfd_writer *w = pfd_event_begin("x", 7);
	pfd_w_title(w, "t");
	pfd_w_str(w, "why", "to /tmp/a\xe2\x80\xaegnp.exe \xc2\x9b" "2J caf\xc3\xa9");
	pfd_w_text(w, "line \xe2\x81\xa6x\xe2\x81\xa9");
	assert_int_equal(pfd_event_end(w), 0);
	const char *got = close_out();
	assert_string_equal(got,
		"[pid     7] t\n"
		"    why: to /tmp/a\\342\\200\\256gnp.exe \\302\\2332J caf\xc3\xa9\n"
		"    line \\342\\201\\246x\\342\\201\\251\n");
}

/* Unbalanced or misused events are dropped whole, and the writer is free
 * again afterwards; NULL writers are accepted everywhere. */
static void test_malformed_dropped(void **state)
{
	(void)state;
	open_out(true);
	struct pfd_writer *w = pfd_event_begin("x", 1);
	pfd_w_object(w, "open");
	assert_true(pfd_event_end(w) < 0);
	w = pfd_event_begin("y", 1);
	pfd_w_end(w); /* more ends than opens */
	assert_true(pfd_event_end(w) < 0);
	w = pfd_event_begin("deep", 1);
	for (int i = 0; i < 40; i++)
		pfd_w_object(w, "o");
	for (int i = 0; i < 40; i++)
		pfd_w_end(w);
	assert_true(pfd_event_end(w) < 0);
	pfd_w_int(NULL, "k", 1);
	pfd_w_end(NULL);
	assert_true(pfd_event_end(NULL) < 0);
	w = pfd_event_begin("ok", 0);
	assert_int_equal(pfd_event_end(w), 0);
	assert_string_equal(close_out(), "{\"event\":\"ok\"}\n");
}

/* At most PFD_WRITERS events are built at once; cancel frees one. */
static void test_writer_pool(void **state)
{
	(void)state;
	open_out(true);
	struct pfd_writer *w[PFD_WRITERS];
	for (int i = 0; i < PFD_WRITERS; i++)
		assert_non_null(w[i] = pfd_event_begin("e", i + 1));
	assert_null(pfd_event_begin("e", 9));
	pfd_event_cancel(w[0]);
	assert_non_null(w[0] = pfd_event_begin("e", 9));
	for (int i = PFD_WRITERS - 1; i >= 0; i--)
		pfd_event_end(w[i]);
	assert_string_equal(close_out(), "{\"event\":\"e\",\"pid\":4}\n{\"event\":\"e\",\"pid\":3}\n"
					 "{\"event\":\"e\",\"pid\":2}\n{\"event\":\"e\",\"pid\":9}\n");
}

/* In a file (or a pipe) a text line is never wrapped, however long: grep
 * finds what it holds. */
static void test_text_no_wrap_in_file(void **state)
{
	(void)state;
	char line[400];
	size_t n = 0;
	for (int i = 0; n + 12 < sizeof(line); i++)
		n += (size_t)snprintf(line + n, sizeof(line) - n, "\033[31mword%02d\033[0m ", i);
	line[n - 1] = '\0';
	open_out(false);
	struct pfd_writer *w = pfd_event_begin("x", 0);
	pfd_w_text(w, line);
	pfd_w_text_row(w, line);
	assert_int_equal(pfd_event_end(w), 0);
	char *got = close_out();
	char *save = NULL;
	int lines = 0;
	for (char *l = strtok_r(got, "\n", &save); l; l = strtok_r(NULL, "\n", &save), lines++)
		if (lines > 0)
			assert_string_equal(l + 4, line); /* the line and the row, whole */
	assert_int_equal(lines, 3);
}

/* On a terminal (a pty 40 columns wide) a text line goes on over lines
 * indented two more, broken at spaces outside quotes, within the width
 * (colours take no column); a quoted string is never split, even one with
 * spaces; joined back the pieces are the line. Rows are never wrapped. */
static void test_text_wrap_on_tty(void **state)
{
	(void)state;
	int master = posix_openpt(O_RDWR | O_NOCTTY);
	assert_true(master >= 0);
	assert_int_equal(grantpt(master), 0);
	assert_int_equal(unlockpt(master), 0);
	int slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	assert_true(slave >= 0);
	struct termios tio;
	assert_int_equal(tcgetattr(slave, &tio), 0);
	tio.c_oflag &= ~(tcflag_t)OPOST; /* no "\r\n": the bytes as written */
	assert_int_equal(tcsetattr(slave, TCSANOW, &tio), 0);
	struct winsize ws = { .ws_row = 24, .ws_col = 40 };
	assert_int_equal(ioctl(slave, TIOCSWINSZ, &ws), 0);
	static const char line[] = "fd 3 of pid 12 -> \033[31m\"/tmp/a dir/with spaces in (deleted)\"\033[0m:"
				   " deleted file, 36 B, read-write; its name now names another file";
	assert_int_equal(pfd_output_use_fd(slave, false), 0);
	struct pfd_writer *w = pfd_event_begin("x", 0);
	pfd_w_text(w, line);
	pfd_w_text_row(w, line);
	assert_int_equal(pfd_event_end(w), 0);
	static char got[4096];
	ssize_t n = read(master, got, sizeof(got) - 1);
	assert_true(n > 0);
	got[n] = '\0';
	assert_int_equal(pfd_output_close(), 0); /* closes slave */
	close(master);
	char *save = NULL, joined[800] = "";
	int lines = 0, pieces = 0;
	for (char *l = strtok_r(got, "\n", &save); l; l = strtok_r(NULL, "\n", &save), lines++) {
		if (lines == 0)
			continue; /* the headline */
		size_t visible = 0, quotes = 0;
		for (const char *p = l; *p; p++) {
			if (*p == '\033') {
				while (*p && *p != 'm')
					p++;
				continue;
			}
			quotes += *p == '"';
			visible++;
		}
		bool more = strncmp(l, "      ", 6) == 0;
		if (more || !joined[0]) {
			assert_int_equal(quotes % 2, 0); /* no quoted string split */
			if (!strchr(l, '"'))
				assert_true(visible <= 40);
			strcat(joined, more ? " " : "");
			strcat(joined, l + (more ? 6 : 4));
			pieces++;
		} else {
			assert_string_equal(joined, line); /* the wrapped one, joined */
			assert_string_equal(l + 4, line);  /* the row, whole */
		}
	}
	assert_true(pieces >= 3);
}

/* A stack from a program built with -g, a stripped one, and glibc's start
 * code; the stripped program's path is hostile. */
static const struct pfd_frame sample_frames[] = {
	{ .ip = 0x7f0000029d29, .function = "syscall", .offset = 0x19,
	  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6", .module_offset = 0x101829,
	  .build_id = "93ac61ec5a8eb1396f9fbd350e3169a558528a40",
	  .file = "../sysdeps/unix/sysv/linux/x86_64/syscall.S", .line = 38 },
	{ .ip = 0x55e000001260, .module = "/tmp/\033]0;pwned\007\\x", .module_offset = 0x1260 },
	{ .ip = 0x55e000001300, .function = "f\033[2J", .offset = 0x1f, .module = "/opt/p",
	  .module_offset = 0x1300 },
	{ .ip = 0x7f0000029d90, .function = "__libc_start_call_main", .offset = 0x80,
	  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6", .module_offset = 0x27d90 },
	{ .ip = 0x55e000001cb3, .module = "/opt/p", .module_offset = 0x1cb3 },
	{ .ip = 0x42 },
};
#define N_SAMPLE_FRAMES (sizeof(sample_frames) / sizeof(sample_frames[0]))

/* JSON keeps every frame, each with its module offset and build-id (null
 * where unknown), so a frame can be symbolized after the run. */
static void test_frames_json(void **state)
{
	(void)state;
	open_out(true);
	struct pfd_writer *w = pfd_event_begin("s", 1);
	pfd_w_frames(w, "backtrace", sample_frames, N_SAMPLE_FRAMES);
	assert_int_equal(pfd_event_end(w), 0);
	assert_string_equal(close_out(),
		"{\"event\":\"s\",\"pid\":1,\"backtrace\":["
		"{\"ip\":139637976898857,\"function\":\"syscall\",\"offset\":25,"
		"\"module\":\"/usr/lib/x86_64-linux-gnu/libc.so.6\",\"module_offset\":1054761,"
		"\"build_id\":\"93ac61ec5a8eb1396f9fbd350e3169a558528a40\","
		"\"file\":\"../sysdeps/unix/sysv/linux/x86_64/syscall.S\",\"line\":38},"
		"{\"ip\":94420561039968,\"function\":null,\"offset\":null,"
		"\"module\":\"/tmp/\\u001b]0;pwned\\u0007\\\\x\",\"module_offset\":4704,"
		"\"build_id\":null,\"file\":null,\"line\":null},"
		"{\"ip\":94420561040128,\"function\":\"f\\u001b[2J\",\"offset\":31,"
		"\"module\":\"/opt/p\",\"module_offset\":4864,\"build_id\":null,\"file\":null,"
		"\"line\":null},"
		"{\"ip\":139637976898960,\"function\":\"__libc_start_call_main\",\"offset\":128,"
		"\"module\":\"/usr/lib/x86_64-linux-gnu/libc.so.6\",\"module_offset\":163216,"
		"\"build_id\":null,\"file\":null,\"line\":null},"
		"{\"ip\":94420561042611,\"function\":null,\"offset\":null,\"module\":\"/opt/p\","
		"\"module_offset\":7347,\"build_id\":null,\"file\":null,\"line\":null},"
		"{\"ip\":66,\"function\":null,\"offset\":null,\"module\":null,"
		"\"module_offset\":null,\"build_id\":null,\"file\":null,\"line\":null}]}\n");
}

/* Text: function (file:line), else function+0xoff (module), else the
 * module offset eu-addr2line takes: 0xoff (module); nothing from glibc's
 * start code on; the tracee's names escaped, never raw ESC or BEL. */
static void test_frames_text(void **state)
{
	(void)state;
	open_out(false);
	struct pfd_writer *w = pfd_event_begin("s", 1);
	pfd_w_frames(w, "backtrace", sample_frames, N_SAMPLE_FRAMES);
	/* below-main names only count past frame 0 */
	pfd_w_frames(w, "odd", &sample_frames[3], 2);
	assert_int_equal(pfd_event_end(w), 0);
	assert_string_equal(close_out(),
		"[pid     1] s\n"
		"    backtrace:\n"
		"        at syscall (syscall.S:38)\n"
		"        by 0x1260 (/tmp/\\033]0;pwned\\007\\134x)\n"
		"        by f\\033[2J+0x1f (/opt/p)\n"
		"    odd:\n"
		"        at __libc_start_call_main+0x80 (/usr/lib/x86_64-linux-gnu/libc.so.6)\n"
		"        by 0x1cb3 (/opt/p)\n");
}

/* A block is written as it is, from column 0, never wrapped (a generated
 * suppression must paste back as it was made); only what a terminal
 * would act on is escaped. */
static void test_text_block(void **state)
{
	(void)state;
	static const char entry[] =
		"{\n   leak-openat-regular-a_very_long_function_name_that_goes_on_and_on_and_on_"
		"and_on_and_on_and_on_and_on\n   syscall: openat\n   # path: /tmp/a b\\*c\n"
		"   fun: caf\xc3\xa9\n   obj: /x\033[2J\xc2\x9b\tz\n}\n";
	open_out(false);
	struct pfd_writer *w = pfd_event_begin("leak", 3);
	pfd_w_text(w, "before");
	pfd_w_text_block(w, entry);
	pfd_w_text_block(w, "no newline");
	pfd_w_text(w, "after");
	assert_int_equal(pfd_event_end(w), 0);
	assert_string_equal(close_out(),
		"[pid     3] leak\n"
		"    before\n"
		"{\n   leak-openat-regular-a_very_long_function_name_that_goes_on_and_on_and_on_"
		"and_on_and_on_and_on_and_on\n   syscall: openat\n   # path: /tmp/a b\\*c\n"
		"   fun: caf\xc3\xa9\n   obj: /x\\033[2J\\302\\233\tz\n}\n"
		"no newline\n"
		"    after\n");
	/* JSON has no text lines */
	open_out(true);
	w = pfd_event_begin("leak", 3);
	pfd_w_text_block(w, entry);
	assert_int_equal(pfd_event_end(w), 0);
	assert_string_equal(close_out(), "{\"event\":\"leak\",\"pid\":3}\n");
}

static void test_buf_numbers(void **state)
{
	(void)state;
	struct pfd_buf b = PFD_BUF_INIT;
	assert_string_equal(pfd_buf_str(&b), "");
	pfd_buf_int(&b, INT64_MIN);
	pfd_buf_putc(&b, ' ');
	pfd_buf_int(&b, 0);
	pfd_buf_putc(&b, ' ');
	pfd_buf_uint(&b, UINT64_MAX);
	pfd_buf_putc(&b, ' ');
	pfd_buf_hex(&b, 0);
	pfd_buf_putc(&b, ' ');
	pfd_buf_hex(&b, 0xdeadbeefcafeull);
	pfd_buf_putc(&b, ' ');
	pfd_buf_quote(&b, "a\n\"\0" "1", 5);
	assert_string_equal(pfd_buf_str(&b), "-9223372036854775808 0 18446744073709551615 0x0 "
					     "0xdeadbeefcafe \"a\\n\\\"\\0001\"");
	/* growth well past the first allocation keeps every byte */
	pfd_buf_clear(&b);
	for (int i = 0; i < 10000; i++)
		pfd_buf_putc(&b, (char)('a' + i % 26));
	assert_int_equal(b.len, 10000);
	assert_int_equal(b.data[9999], 'a' + 9999 % 26);
	assert_int_equal(b.data[10000], '\0');
	pfd_buf_free(&b);
	assert_null(b.data);
}

/* ---- the model: layouts, and JSON read back -------------------------------- */

/* A layout claims "count" and "who", writes the headline from them and a
 * line; "note" is left to the default layout, after the layout's lines. */
static void lt_render(const struct pfd_event *ev, struct pfd_text *t)
{
	char title[64];
	snprintf(title, sizeof(title), "%lld by %s", (long long)pfd_f_int(pfd_event_get(ev, "count")),
		 pfd_f_str(pfd_event_get(ev, "who"), NULL));
	if (pfd_f_int(pfd_event_get(ev, "count")) < 0) {
		pfd_text_drop(t);
		return;
	}
	pfd_text_headline(t, 9, title);
	pfd_text_line(t, "said once");
}

static const char *const lt_keys[] = { "count", "who", NULL };
static const struct pfd_text_layout lt_layout = { .kind = "lt", .keys = lt_keys,
						  .render = lt_render };

static void lt_event(int count)
{
	struct pfd_writer *w = pfd_event_begin("lt", 3);
	pfd_w_int(w, "count", count);
	pfd_w_str(w, "who", "me");
	pfd_w_str(w, "note", "free");
	assert_int_equal(pfd_event_end(w), 0);
}

static void test_layout(void **state)
{
	(void)state;
	assert_int_equal(pfd_text_layout(&lt_layout), 0);
	assert_int_equal(pfd_text_layout(NULL), -EINVAL);
	open_out(false);
	lt_event(2);
	lt_event(-1); /* dropped from the text */
	assert_string_equal(close_out(), "[pid     9] 2 by me\n"
					 "    said once\n"
					 "    note: free\n");
	open_out(true); /* JSON knows nothing of layouts */
	lt_event(-1);
	assert_string_equal(close_out(), "{\"event\":\"lt\",\"pid\":3,\"count\":-1,\"who\":\"me\","
					 "\"note\":\"free\"}\n");
}

/* Every type, built, rendered as JSON, read back and rendered again: the
 * same JSON; and the read-back tree answers as the built one. */
static void test_json_read_back(void **state)
{
	(void)state;
	static struct pfd_event ev;
	struct pfd_buf a = PFD_BUF_INIT, b = PFD_BUF_INIT, bytes = PFD_BUF_INIT;
	struct timespec t0 = { 1, 0 }, t1 = { 1, 123456789 };
	struct pfd_frame fr = { .ip = 0x401000, .function = "main", .offset = 16,
				.module = "/bin/x", .module_offset = 0x1000, .file = "x.c",
				.line = 4 };
	pfd_writer_set_format(true);
	struct pfd_writer *w = pfd_event_begin("rt", 42);
	pfd_w_int(w, "neg", INT64_MIN);
	pfd_w_uint(w, "big", UINT64_MAX);
	pfd_w_bool(w, "yes", true);
	pfd_w_null(w, "none");
	pfd_w_str(w, "s", "q\"\\\n\t\x01" "caf\xc3\xa9 \xf0\x9f\x98\x80");
	pfd_w_bytes(w, "raw", "a\xff\0b", 4);
	pfd_w_duration(w, "took", &t0, &t1);
	pfd_w_object(w, "o");
	pfd_w_array(w, "empty");
	pfd_w_end(w);
	pfd_w_object(w, "inner");
	pfd_w_end(w);
	pfd_w_end(w);
	pfd_w_frames(w, "bt", &fr, 1);
	/* render without writing: the event's tree is the writer's first member */
	pfd_event_json((const struct pfd_event *)w, &a);
	pfd_event_cancel(w);
	assert_int_equal(pfd_event_parse(&ev, a.data, a.len), 0);
	pfd_event_json(&ev, &b);
	assert_string_equal(pfd_buf_str(&b), pfd_buf_str(&a));
	assert_string_equal(pfd_event_kind(&ev), "rt");
	assert_int_equal(pfd_event_pid(&ev), 42);
	assert_true(pfd_f_int(pfd_event_get(&ev, "neg")) == INT64_MIN);
	assert_true(pfd_f_uint(pfd_event_get(&ev, "big")) == UINT64_MAX);
	assert_int_equal(pfd_f_type(pfd_event_get(&ev, "none")), PFD_F_NULL);
	assert_int_equal(pfd_f_type(pfd_event_get(&ev, "absent")), PFD_F_NONE);
	assert_true(pfd_f_ns(pfd_event_get(&ev, "took")) == 123456000); /* to the microsecond */
	size_t len = 0;
	const char *raw = pfd_f_bytes(pfd_event_get(&ev, "raw"), &bytes, &len);
	assert_int_equal(len, 4);
	assert_memory_equal(raw, "a\xff\0b", 4); /* an array of byte values, read back */
	assert_string_equal(pfd_f_str(pfd_f_get(pfd_f_first(pfd_event_get(&ev, "bt")), "function"),
				      NULL), "main");
	assert_int_equal(pfd_event_parse(&ev, "{\"pid\":1}", 9), -EINVAL); /* no kind */
	assert_int_equal(pfd_event_parse(&ev, "{\"event\":\"x\",", 13), -EINVAL);
	pfd_buf_free(&a);
	pfd_buf_free(&b);
	pfd_buf_free(&bytes);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_text),
		cmocka_unit_test(test_text_terminal_unsafe),
		cmocka_unit_test(test_malformed_dropped),
		cmocka_unit_test(test_writer_pool),
		cmocka_unit_test(test_text_no_wrap_in_file),
		cmocka_unit_test(test_text_wrap_on_tty),
		cmocka_unit_test(test_frames_json),
		cmocka_unit_test(test_frames_text),
		cmocka_unit_test(test_text_block),
		cmocka_unit_test(test_buf_numbers),
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_json_read_back),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
