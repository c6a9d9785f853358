/* procfd-trace: unit tests for the leak tracker's suppressions
 * (tracer/plugins/leaks/leaks_supp.c): the documented examples parse, each error
 * names its line, the matching rules of docs/suppressions.md hold, and a
 * generated entry matches its own leak and no other. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/plugins/leaks/leaks.h"

/* The stack of the docs' matching examples. */
static const struct pfd_frame doc_frames[] = {
	{ .ip = 0x7f0000001000, .function = "open64",
	  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6" },
	{ .ip = 0x401136, .function = "open_and_forget", .module = "/home/u/myprog",
	  .file = "/home/u/myprog.c", .line = 12 },
	{ .ip = 0x401200, .function = "main", .module = "/home/u/myprog",
	  .file = "/home/u/myprog.c", .line = 30 },
	{ .ip = 0x7f0000002000, .function = "__libc_start_call_main",
	  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6" },
};

static struct pfd_leak_view doc_leak(void)
{
	return (struct pfd_leak_view){
		.pid = 100,
		.fd = 3,
		.exe = "/home/u/myprog",
		.syscall = "openat",
		.kind = "regular",
		.path = "/tmp/cache-1234",
		.frames = doc_frames,
		.n_frames = sizeof(doc_frames) / sizeof(doc_frames[0]),
	};
}

static struct pfd_supp_set *parse_ok(const char *text)
{
	struct pfd_supp_set *set = NULL;
	char err[256];
	int rc = pfd_supp_parse(text, strlen(text), "t.supp", &set, err, sizeof(err));
	if (rc != 0)
		fail_msg("parse failed: %s\n--- text:\n%s", err, text);
	assert_non_null(set);
	return set;
}

/* The name of the entry matching leak in text, or NULL. */
static const char *match_in(const char *text, const struct pfd_leak_view *leak, char *name,
			    size_t size)
{
	struct pfd_supp_set *set = parse_ok(text);
	const char *m = pfd_supp_match(set, leak);
	if (m)
		snprintf(name, size, "%s", m);
	pfd_supp_free(set);
	return m ? name : NULL;
}

static bool matches(const char *text, const struct pfd_leak_view *leak)
{
	char name[256];
	return match_in(text, leak, name, sizeof(name)) != NULL;
}

/* ---- the documented examples ------------------------------------------- */

static const char doc_example[] =
	"# Suppressions for myprog's known leaks.\n"
	"\n"
	"{\n"
	"   cache-kept-open-by-libfoo\n"
	"   syscall: openat\n"
	"   kind: regular\n"
	"   path: /tmp/cache-*\n"
	"   obj: */libfoo.so*\n"
	"   ...\n"
	"   fun: main\n"
	"}\n"
	"\n"
	"{\n"
	"   inherited-log-fd\n"
	"   syscall: inherited      # opened before the trace started\n"
	"   path: */myprog.log\n"
	"}\n"
	"\n"
	"{\n"
	"   any-pipe-from-spawn\n"
	"   kind: pipe\n"
	"   ...\n"
	"   fun: spawn_helper\n"
	"}\n";

static void test_doc_example(void **state)
{
	(void)state;
	struct pfd_frame foo[] = {
		{ .function = "open64", .module = "/usr/lib/x86_64-linux-gnu/libc.so.6" },
		{ .function = "foo_cache_open", .module = "/opt/foo/lib/libfoo.so.1" },
		{ .function = "main", .module = "/home/u/myprog" },
	};
	struct pfd_leak_view leak = doc_leak();
	char name[256];

	/* Frame 0 is libc's, so the libfoo entry does not match the doc stack. */
	assert_null(match_in(doc_example, &leak, name, sizeof(name)));
	leak.frames = foo + 1;
	leak.n_frames = 2;
	assert_string_equal(match_in(doc_example, &leak, name, sizeof(name)),
			    "cache-kept-open-by-libfoo");
	leak.path = "/var/cache-1";
	assert_null(match_in(doc_example, &leak, name, sizeof(name)));

	struct pfd_leak_view inh = { .fd = 5, .syscall = NULL, .kind = "regular",
				     .path = "/var/log/myprog.log" };
	assert_string_equal(match_in(doc_example, &inh, name, sizeof(name)), "inherited-log-fd");
	inh.syscall = "openat";
	assert_null(match_in(doc_example, &inh, name, sizeof(name)));

	struct pfd_frame spawn[] = {
		{ .function = "pipe2" }, { .function = "make_pipe" }, { .function = "spawn_helper" },
		{ .function = "main" },
	};
	struct pfd_leak_view pipe = { .syscall = "pipe2", .kind = "pipe", .path = "",
				      .frames = spawn, .n_frames = 4 };
	assert_string_equal(match_in(doc_example, &pipe, name, sizeof(name)), "any-pipe-from-spawn");
	pipe.kind = "socket";
	assert_null(match_in(doc_example, &pipe, name, sizeof(name)));
}

static void test_doc_generated_example_parses(void **state)
{
	(void)state;
	const char *text = "{\n"
			   "   leak-openat-regular-open_and_forget\n"
			   "   syscall: openat\n"
			   "   kind: regular\n"
			   "   # path: /tmp/cache-1234\n"
			   "   # exe: /usr/bin/myprog\n"
			   "   fun: open64\n"
			   "   fun: open_and_forget\n"
			   "   fun: main\n"
			   "   obj: /usr/lib/x86_64-linux-gnu/libc.so.6\n"
			   "   ...\n"
			   "}\n";
	struct pfd_leak_view leak = doc_leak();
	assert_true(matches(text, &leak));
}

static void test_empty_and_comment_only(void **state)
{
	(void)state;
	struct pfd_leak_view leak = doc_leak();
	const char *texts[] = { "", "\n\n", "# only a comment", "  \t \r\n# x\r\n", };
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		assert_false(matches(texts[i], &leak));
}

/* CRLF, tabs, trailing blanks, no final newline, a '}' inside a value,
 * blanks around the ':'. */
static void test_layout_tolerance(void **state)
{
	(void)state;
	struct pfd_leak_view leak = doc_leak();
	char name[256];

	assert_string_equal(match_in("{\r\n\tcrlf \t\r\n\tsyscall:openat\t \r\n\tfun : open64\r\n}",
				     &leak, name, sizeof(name)),
			    "crlf");
	assert_true(matches("  {  \n x\n fun: open64   # c\n  }  # done", &leak));
	struct pfd_frame f[] = { { .function = "f}" } };
	struct pfd_leak_view brace = { .syscall = "openat", .frames = f, .n_frames = 1 };
	assert_true(matches("{\nb\nfun: f}\n}\n", &brace));
	/* '#' not after a blank is part of the glob. */
	struct pfd_leak_view hash = { .syscall = "openat", .path = "/a#b" };
	assert_true(matches("{\nh\npath: /a#b\n}\n", &hash));
	assert_false(matches("{\nh\npath: /a #b\n}\n", &hash));
	assert_true(matches("{\nh\npath: /a*   #b\n}\n", &hash));
	/* An escaped trailing space is kept. */
	struct pfd_leak_view sp = { .syscall = "openat", .path = "/a " };
	assert_true(matches("{\ns\npath: /a\\ \n}\n", &sp));
	assert_false(matches("{\ns\npath: /a \n}\n", &sp));
	/* An escaped backslash does not escape the blank after it. */
	struct pfd_leak_view bs = { .syscall = "openat", .path = "/a\\" };
	assert_true(matches("{\ns\npath: /a\\\\ \n}\n", &bs));
}

/* ---- errors ------------------------------------------------------------ */

struct error_case {
	const char *text;
	size_t len;          /* NUL bytes included */
	const char *message; /* the whole "FILE:LINE: ..." or its start */
};

#define E(text, message) { text, sizeof(text) - 1, message }

static const struct error_case error_cases[] = {
	E("x\n", "t.supp:1: expected '{' to start an entry, found 'x'"),
	E("# c\n}\n", "t.supp:2: '}' without an entry to close"),
	E("{\n}\n", "t.supp:2: empty name: an entry starts with its name"),
	E("{\n# c\n\n   }\n", "t.supp:4: empty name"),
	E("{\nsyscall: openat\n}\n", "t.supp:2: expected the entry's name, found 'syscall: openat'"),
	E("{\n...\n}\n", "t.supp:2: expected the entry's name, found '...'"),
	E("{\na\nfun: f\n{\nb\n}\n", "t.supp:4: missing '}': the entry opened at line 1 is not closed"),
	E("\n\n{\na\nfun: f\n", "t.supp:3: unterminated entry: no '}' before the end of the file"),
	E("{\na\n", "t.supp:1: unterminated entry"),
	E("{\n", "t.supp:1: unterminated entry"),
	E("{\na\nfunc: f\n}\n", "t.supp:3: unknown keyword 'func:' (expected syscall, kind, path, exe, fun, obj or '...')"),
	E("{\na\nMemcheck:Leak\n}\n", "t.supp:3: unknown keyword 'Memcheck:'"),
	E("{\na\nKind: pipe\n}\n", "t.supp:3: unknown keyword 'Kind:'"),
	E("{\na\n: x\n}\n", "t.supp:3: unknown keyword ':'"),
	E("{\na\nmain\n}\n", "t.supp:3: expected 'keyword: glob', '...' or '}', found 'main'"),
	E("{\na\nfun:\n}\n", "t.supp:3: 'fun:' needs a glob"),
	E("{\na\npath:    # nothing\n}\n", "t.supp:3: 'path:' needs a glob"),
	E("{\na\nkind: pipe\nfun: f\nkind: socket\n}\n", "t.supp:5: 'kind:' given twice in entry 'a'"),
	E("{\na\nfun: f\\\n}\n", "t.supp:3: the glob of 'fun:' ends with a lone '\\'"),
	E("{\na\nobj: lib[abc\n}\n", "t.supp:3: the glob of 'obj:' has a '[' without its ']'"),
	E("{\na\nfun: []\n}\n", "t.supp:3: the glob of 'fun:' has a '['"),
	E("{\na\nsyscall: open\0at\n}\n", "t.supp:3: NUL byte in the line"),
	E("{\r\na\r\n}\r\n}\r\n", "t.supp:4: '}' without an entry to close"),
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
		const struct error_case *c = &error_cases[i];
		struct pfd_supp_set *set = (struct pfd_supp_set *)&set;
		char err[256] = "";
		int rc = pfd_supp_parse(c->text, c->len, "t.supp", &set, err, sizeof(err));
		if (rc != -EINVAL || strncmp(err, c->message, strlen(c->message)) != 0)
			fail_msg("case %zu: rc %d, message\n  '%s', expected\n  '%s'", i, rc, err,
				 c->message);
		assert_null(set);
	}
}

static void test_error_long_line(void **state)
{
	(void)state;
	char *text = malloc(8192);
	assert_non_null(text);
	strcpy(text, "{\nname\npath: ");
	size_t n = strlen(text);
	memset(text + n, 'a', 4096 - 6);  /* "path: " + 4090 a = 4096 bytes: allowed */
	n += 4096 - 6;
	strcpy(text + n, "\n}\n");
	struct pfd_supp_set *set = NULL;
	char err[256];
	assert_int_equal(pfd_supp_parse(text, strlen(text), "t.supp", &set, err, sizeof(err)), 0);
	pfd_supp_free(set);

	strcpy(text + n, "a\n}\n");
	assert_int_equal(pfd_supp_parse(text, strlen(text), "t.supp", &set, err, sizeof(err)),
			 -EINVAL);
	assert_string_equal(err, "t.supp:3: line too long (more than 4096 bytes)");
	free(text);
}

static void test_error_too_many_frames(void **state)
{
	(void)state;
	struct pfd_buf b = PFD_BUF_INIT;
	pfd_buf_puts(&b, "{\ndeep\n");
	for (int i = 0; i < 64; i++)
		pfd_buf_puts(&b, i % 2 ? "...\n" : "fun: f\n");
	pfd_buf_puts(&b, "}\n");
	struct pfd_supp_set *set = NULL;
	char err[256];
	assert_int_equal(pfd_supp_parse(b.data, b.len, "t.supp", &set, err, sizeof(err)), 0);
	pfd_supp_free(set);

	b.len -= 2;
	pfd_buf_puts(&b, "fun: g\n}\n");
	assert_int_equal(pfd_supp_parse(b.data, b.len, "t.supp", &set, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.supp:67: too many frames in entry 'deep' (at most 64)");
	pfd_buf_free(&b);
}

static void test_error_small_buffer_and_origin(void **state)
{
	(void)state;
	struct pfd_supp_set *set = NULL;
	char err[12];
	assert_int_equal(pfd_supp_parse("x", 1, "t.supp", &set, err, sizeof(err)), -EINVAL);
	assert_string_equal(err, "t.supp:1: e");
	assert_int_equal(pfd_supp_parse("x", 1, "t.supp", &set, NULL, 0), -EINVAL);
	char big[128];
	assert_int_equal(pfd_supp_parse("x", 1, NULL, &set, big, sizeof(big)), -EINVAL);
	assert_string_equal(big, "<suppressions>:1: expected '{' to start an entry, found 'x'");
	/* A long excerpt is cut and made printable. */
	const char *junk = "\x01xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	assert_int_equal(pfd_supp_parse(junk, strlen(junk), NULL, &set, big, sizeof(big)), -EINVAL);
	char expect[128];
	snprintf(expect, sizeof(expect),
		 "<suppressions>:1: expected '{' to start an entry, found '?%.39s...'", junk + 1);
	assert_string_equal(big, expect);
}

/* ---- matching ---------------------------------------------------------- */

struct frames_case {
	const char *frames; /* the frame lines */
	bool match;
};

/* The table of docs/suppressions.md, and more. */
static const struct frames_case frames_cases[] = {
	{ "", true },
	{ "...\n", true },
	{ "fun: open64\n", true },
	{ "fun: open_and_forget\n", false },
	{ "...\nfun: open_and_forget\n", true },
	{ "obj: */libc.so*\nfun: open_and_*\nfun: main\n", true },
	{ "fun: open64\n...\nfun: main\n", true },
	{ "fun: open64\n...\nfun: nowhere\n", false },
	{ "fun: *\nfun: *\nfun: *\nfun: *\n", true },
	{ "fun: *\nfun: *\nfun: *\nfun: *\nfun: *\n", false },
	{ "fun: *\nfun: *\nfun: *\nfun: *\n...\n", true },
	{ "...\nfun: __libc_start_call_main\n", true },
	{ "...\nfun: __libc_start_call_main\nfun: *\n", false },
	{ "...\nfun: main\n...\n", true },
	{ "...\n...\nfun: main\n", true },
	{ "...\nfun: open_and_forget\n...\nfun: __libc*\n", true },
	{ "...\nfun: main\n...\nfun: open_and_forget\n", false },
	{ "fun: open64\nfun: main\n", false },
	{ "fun: open64\n...\nfun: open_and_forget\nfun: main\n", true },
	{ "obj: /usr/lib/*\nobj: */myprog\nobj: /home/*\nobj: *libc*\n", true },
	{ "obj: /usr/lib/*\nobj: /usr/lib/*\n", false },
	{ "fun: open??\n", true },
	{ "fun: open?\n", false },
	{ "fun: [a-o]pen[0-9][0-9]\n", true },
	{ "fun: [!o]pen64\n", false },
	{ "fun: [^p-z]pen64\n", true },
	{ "fun: \\open64\n", true },
	{ "fun: open\\*\n", false },
	{ "fun: OPEN64\n", false },
	{ "fun: open6\n", false },
	{ "fun: pen64\n", false },
};

static void test_frames(void **state)
{
	(void)state;
	struct pfd_leak_view leak = doc_leak();
	for (size_t i = 0; i < sizeof(frames_cases) / sizeof(frames_cases[0]); i++) {
		char text[512];
		snprintf(text, sizeof(text), "{\ncase\n%s}\n", frames_cases[i].frames);
		if (matches(text, &leak) != frames_cases[i].match)
			fail_msg("case %zu should %smatch:\n%s", i, frames_cases[i].match ? "" : "not ",
				 frames_cases[i].frames);
	}
}

static void test_frames_unknown(void **state)
{
	(void)state;
	struct pfd_frame f[] = {
		{ .ip = 0x10 },                                  /* nothing known */
		{ .ip = 0x20, .module = "/usr/lib/libx.so" },    /* no symbol */
		{ .ip = 0x30, .function = "main" },              /* no module */
	};
	struct pfd_leak_view leak = { .syscall = "socket", .kind = "socket", .path = "",
				      .frames = f, .n_frames = 3 };
	assert_true(matches("{\nu\nfun: *\nfun: *\nfun: main\n}\n", &leak));
	assert_true(matches("{\nu\nobj: *\nobj: *libx*\nobj: *\n}\n", &leak));
	assert_false(matches("{\nu\nfun: ???\n}\n", &leak));
	assert_false(matches("{\nu\nfun: ?*\n}\n", &leak));
	assert_false(matches("{\nu\n...\nobj: ?*\nobj: ?*\n}\n", &leak));
	assert_true(matches("{\nu\n...\nobj: ?*\n}\n", &leak));
	/* No frames at all: only entries without frame lines (or only "...") match. */
	struct pfd_leak_view bare = { .syscall = "socket", .kind = "socket" };
	assert_true(matches("{\nu\n...\n}\n", &bare));
	assert_true(matches("{\nu\nkind: socket\n}\n", &bare));
	assert_false(matches("{\nu\nfun: *\n}\n", &bare));
}

struct field_case {
	const char *line;
	bool match;
};

static void test_fields(void **state)
{
	(void)state;
	static const struct field_case cases[] = {
		{ "syscall: openat", true },
		{ "syscall: open*", true },
		{ "syscall: open", false },
		{ "syscall: inherited", false },
		{ "kind: regular", true },
		{ "kind: reg", false },
		{ "kind: *", true },
		{ "path: /tmp/cache-*", true },
		{ "path: /tmp/*", true },
		{ "path: /*4", true },
		{ "path: /tmp/cache-[0-9][0-9][0-9][0-9]", true },
		{ "path: /tmp/cache-[0-9][0-9][0-9]", false },
		{ "path: /tmp", false },
		{ "path: tmp/*", false },
		{ "exe: */myprog", true },
		{ "exe: myprog", false },
		{ "exe: /home/u/myprog", true },
	};
	struct pfd_leak_view leak = doc_leak();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), "{\ncase\n%s\n}\n", cases[i].line);
		if (matches(text, &leak) != cases[i].match)
			fail_msg("'%s' should %smatch", cases[i].line, cases[i].match ? "" : "not ");
	}
	/* All fields must match, in any order. */
	assert_true(matches("{\nall\nfun: open64\nexe: */myprog\nkind: regular\n"
			    "path: /tmp/*\nsyscall: openat\n}\n", &leak));
	assert_false(matches("{\nall\nexe: */myprog\nkind: pipe\npath: /tmp/*\n}\n", &leak));
}

static void test_inherited_and_empty(void **state)
{
	(void)state;
	struct pfd_leak_view inh = { .fd = 0, .kind = "char-device", .path = "/dev/pts/0" };
	assert_true(matches("{\ni\nsyscall: inherited\n}\n", &inh));
	assert_true(matches("{\ni\nsyscall: inh*\n}\n", &inh));
	assert_true(matches("{\ni\nsyscall: *\n}\n", &inh));
	assert_false(matches("{\ni\nsyscall: openat\n}\n", &inh));
	/* No path (a pipe): only a glob matching "" matches; NULL fields too. */
	struct pfd_leak_view pipe = { .syscall = "pipe2", .kind = "pipe", .path = "" };
	assert_true(matches("{\np\npath: *\n}\n", &pipe));
	assert_false(matches("{\np\npath: ?*\n}\n", &pipe));
	struct pfd_leak_view nulls = { .fd = 1 };
	assert_true(matches("{\nn\npath: *\nexe: *\nkind: *\nsyscall: inherited\n}\n", &nulls));
	assert_false(matches("{\nn\nexe: ?*\n}\n", &nulls));
	/* A name-only entry matches everything. */
	assert_true(matches("{\neverything\n}\n", &nulls));
	struct pfd_leak_view leak = doc_leak();
	assert_true(matches("{\neverything\n}\n", &leak));
}

static void test_first_entry_wins(void **state)
{
	(void)state;
	struct pfd_leak_view leak = doc_leak();
	char name[256];
	assert_string_equal(match_in("{\nfirst\nkind: pipe\n}\n{\nsecond\nkind: regular\n}\n"
				     "{\nthird\n}\n",
				     &leak, name, sizeof(name)),
			    "second");
}

/* Patterns fnmatch takes exponential time on finish at once here. */
static void test_hostile_glob(void **state)
{
	(void)state;
	char path[4001];
	memset(path, 'a', sizeof(path) - 1);
	path[sizeof(path) - 1] = '\0';
	struct pfd_leak_view leak = { .syscall = "openat", .path = path };
	struct pfd_buf b = PFD_BUF_INIT;
	pfd_buf_puts(&b, "{\nstars\npath: ");
	for (int i = 0; i < 1000; i++)
		pfd_buf_puts(&b, "*a");
	pfd_buf_puts(&b, "*b\n}\n");
	assert_false(matches(b.data, &leak));
	pfd_buf_free(&b);
}

/* ---- generated entries ------------------------------------------------- */

/* Generate for leak, parse it back: it must parse and match leak. */
static struct pfd_supp_set *round_trip(const struct pfd_leak_view *leak, struct pfd_buf *text)
{
	pfd_buf_clear(text);
	pfd_supp_generate(leak, text);
	assert_false(text->failed);
	struct pfd_supp_set *set = parse_ok(pfd_buf_str(text));
	if (!pfd_supp_match(set, leak))
		fail_msg("generated entry does not match its leak:\n%s", pfd_buf_str(text));
	return set;
}

static void test_generate_doc_leak(void **state)
{
	(void)state;
	struct pfd_leak_view leak = doc_leak();
	leak.exe = "/usr/bin/myprog";
	struct pfd_buf b = PFD_BUF_INIT;
	pfd_supp_free(round_trip(&leak, &b));
	assert_string_equal(pfd_buf_str(&b), "{\n"
					     "   leak-openat-regular-open_and_forget\n"
					     "   syscall: openat\n"
					     "   kind: regular\n"
					     "   # path: /tmp/cache-1234\n"
					     "   # exe: /usr/bin/myprog\n"
					     "   fun: open64\n"
					     "   fun: open_and_forget\n"
					     "   fun: main\n"
					     "   fun: __libc_start_call_main\n"
					     "}\n");
	pfd_buf_free(&b);
}

static void test_generate_round_trips(void **state)
{
	(void)state;
	char long_name[3000];
	memset(long_name, 'x', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0';
	long_name[1500] = '*';
	struct pfd_frame odd[] = {
		{ .ip = 0x1, .function = "operator[]", .module = "/usr/lib/libstdc++.so.6" },
		{ .ip = 0x2, .function = "ns::f<int*>(char?, \\x) #1", .module = "/a b/c" },
		{ .ip = 0x3, .module = " /lead and trail/ " },
		{ .ip = 0x4 },
		{ .ip = 0x5, .function = long_name },
		{ .ip = 0x6, .function = "tab\there\nnewline\r" },
		{ .ip = 0x7, .function = "\xff\xfe invalid utf-8 " },
		{ .ip = 0x8, .function = "} " },
		{ .ip = 0x9, .function = "{" },
		{ .ip = 0xa, .function = "..." },
		{ .ip = 0xb, .function = "a:b" },
		{ .ip = 0xc, .function = "#" },
		{ .ip = 0xd, .function = "main" },
		{ .ip = 0xe, .function = "after the 12th" },
	};
	const struct pfd_leak_view leaks[] = {
		doc_leak(),
		{ .fd = 7, .syscall = "socket", .kind = "socket", .path = "",
		  .frames = odd, .n_frames = sizeof(odd) / sizeof(odd[0]) },
		{ .fd = 0, .kind = "char-device", .path = "/dev/pts/0" },
		{ .fd = 9, .syscall = "open[at]*", .kind = "we?ird", .path = "/x\ny # z ",
		  .exe = "  ", .frames = odd + 1, .n_frames = 3 },
		{ .fd = 1 },
	};
	struct pfd_buf b = PFD_BUF_INIT;
	for (size_t i = 0; i < sizeof(leaks) / sizeof(leaks[0]); i++)
		pfd_supp_free(round_trip(&leaks[i], &b));

	/* The odd stack was cut at 12 frames: the entry says so. */
	pfd_supp_free(round_trip(&leaks[1], &b));
	assert_non_null(strstr(pfd_buf_str(&b), "   fun: \\#\n   ...\n}\n"));
	assert_null(strstr(pfd_buf_str(&b), "fun: main"));
	assert_non_null(strstr(pfd_buf_str(&b), "   fun: operator\\[\\]\n"));
	assert_non_null(strstr(pfd_buf_str(&b), "   obj: \\ /lead and trail/\\    # +0x0\n"));
	assert_non_null(strstr(pfd_buf_str(&b), "   fun: *   # 0x4\n"));
	assert_null(strstr(pfd_buf_str(&b), "after the 12th"));
	assert_non_null(strstr(pfd_buf_str(&b), "\n   leak-socket-socket-ns__f_int___char____x___1\n"));
	pfd_buf_free(&b);
}

/* An entry is printed in text as it is (pfd_w_text_block), so it holds
 * nothing a terminal would act on: C1 controls, bidi overrides and invalid
 * UTF-8 become '?' (which matches the byte), other UTF-8 stays; it still
 * matches its leak. A frame known only by its module gets its module
 * offset as a comment, for eu-addr2line. */
static void test_generate_is_terminal_safe(void **state)
{
	(void)state;
	struct pfd_frame frames[] = {
		{ .ip = 0x1, .function = "caf\xc3\xa9_\xc2\x9b" "2J_\xe2\x80\xaegnp_\xff\xc3_\x1b" },
		{ .ip = 0x2, .module = "/usr/bin/str\xe2\x81\xa6ipped", .module_offset = 0x1abe },
	};
	struct pfd_leak_view leak = { .syscall = "openat", .kind = "regular",
				      .path = "/tmp/\xc2\x85x", .frames = frames, .n_frames = 2 };
	struct pfd_buf b = PFD_BUF_INIT;
	pfd_supp_free(round_trip(&leak, &b));
	assert_non_null(strstr(pfd_buf_str(&b), "   fun: caf\xc3\xa9_??2J_???gnp_??_?\n"));
	assert_non_null(strstr(pfd_buf_str(&b), "   obj: /usr/bin/str???ipped   # +0x1abe\n"));
	assert_non_null(strstr(pfd_buf_str(&b), "   # path: /tmp/??x\n"));
	pfd_buf_free(&b);
}

/* A generated entry is specific: another function, syscall or kind. */
static void test_generate_does_not_match_others(void **state)
{
	(void)state;
	struct pfd_leak_view leak = doc_leak();
	struct pfd_buf b = PFD_BUF_INIT;
	struct pfd_supp_set *set = round_trip(&leak, &b);

	struct pfd_frame other[4];
	memcpy(other, doc_frames, sizeof(other));
	other[1].function = "open_and_close";
	struct pfd_leak_view changed = leak;
	changed.frames = other;
	assert_null(pfd_supp_match(set, &changed));
	other[1].function = "open_and_forget*";
	assert_null(pfd_supp_match(set, &changed));

	changed = leak;
	changed.syscall = "open";
	assert_null(pfd_supp_match(set, &changed));
	changed = leak;
	changed.kind = "pipe";
	assert_null(pfd_supp_match(set, &changed));
	changed = leak;
	changed.n_frames = 3;
	assert_null(pfd_supp_match(set, &changed));
	/* A different path, fd or pid is the same leak (path is a comment). */
	changed = leak;
	changed.path = "/tmp/cache-9999";
	changed.fd = 12;
	changed.pid = 7;
	assert_non_null(pfd_supp_match(set, &changed));
	pfd_supp_free(set);

	/* Metacharacters are literal: "f*" does not match "fx". */
	struct pfd_frame star[] = { { .function = "f*" } };
	struct pfd_leak_view s = { .syscall = "openat", .kind = "regular", .frames = star,
				   .n_frames = 1 };
	set = round_trip(&s, &b);
	star[0].function = "fx";
	assert_null(pfd_supp_match(set, &s));
	pfd_supp_free(set);
	pfd_buf_free(&b);
}

/* ---- sets: merge, hits, files ------------------------------------------ */

struct hit {
	char name[64];
	unsigned hits;
};

struct hits {
	struct hit h[8];
	size_t n;
};

static void collect_hit(const char *name, unsigned hits, void *arg)
{
	struct hits *all = arg;
	assert_true(all->n < 8);
	snprintf(all->h[all->n].name, sizeof(all->h[all->n].name), "%s", name);
	all->h[all->n++].hits = hits;
}

static void test_merge_and_hits(void **state)
{
	(void)state;
	struct pfd_supp_set *a = parse_ok("{\npipes\nkind: pipe\n}\n{\nunused\nkind: fifo\n}\n");
	struct pfd_supp_set *b = parse_ok("{\nsockets\nkind: socket\n}\n{\nall pipes again\nkind: pipe\n}\n");
	pfd_supp_merge(a, b);
	/* b is empty now, and still ours to free. */
	struct pfd_leak_view pipe = { .syscall = "pipe2", .kind = "pipe" };
	assert_null(pfd_supp_match(b, &pipe));
	pfd_supp_free(b);

	struct pfd_leak_view sock = { .syscall = "socket", .kind = "socket" };
	struct pfd_leak_view reg = doc_leak();
	assert_string_equal(pfd_supp_match(a, &pipe), "pipes");
	assert_string_equal(pfd_supp_match(a, &sock), "sockets");
	assert_string_equal(pfd_supp_match(a, &pipe), "pipes");
	assert_string_equal(pfd_supp_match(a, &pipe), "pipes");
	assert_null(pfd_supp_match(a, &reg));

	struct hits all = { .n = 0 };
	pfd_supp_foreach_used(a, collect_hit, &all);
	assert_int_equal(all.n, 2);
	assert_string_equal(all.h[0].name, "pipes");
	assert_int_equal(all.h[0].hits, 3);
	assert_string_equal(all.h[1].name, "sockets");
	assert_int_equal(all.h[1].hits, 1);

	/* Merging into itself or with NULL changes nothing. */
	pfd_supp_merge(a, a);
	pfd_supp_merge(a, NULL);
	pfd_supp_merge(NULL, a);
	all.n = 0;
	pfd_supp_foreach_used(a, collect_hit, &all);
	assert_int_equal(all.n, 2);
	pfd_supp_free(a);
	pfd_supp_free(NULL);
	assert_null(pfd_supp_match(NULL, &pipe));
}

static void test_load(void **state)
{
	(void)state;
	char path[] = "/tmp/pfd-supp-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, doc_example, strlen(doc_example)), (ssize_t)strlen(doc_example));
	close(fd);

	struct pfd_supp_set *set = NULL;
	char err[256];
	assert_int_equal(pfd_supp_load(path, &set, err, sizeof(err)), 0);
	struct pfd_leak_view inh = { .kind = "regular", .path = "/x/myprog.log" };
	assert_string_equal(pfd_supp_match(set, &inh), "inherited-log-fd");
	pfd_supp_free(set);

	/* Errors name the file. */
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\nx\nfoo: bar\n}\n", 15), 15);
	close(fd);
	assert_int_equal(pfd_supp_load(path, &set, err, sizeof(err)), -EINVAL);
	char expect[300];
	snprintf(expect, sizeof(expect), "%s:3: unknown keyword 'foo:'", path);
	assert_memory_equal(err, expect, strlen(expect));
	unlink(path);

	assert_int_equal(pfd_supp_load(path, &set, err, sizeof(err)), -ENOENT);
	snprintf(expect, sizeof(expect), "%s: %s", path, strerror(ENOENT));
	assert_string_equal(err, expect);
	assert_null(set);
}

/* A file over 16 MiB is refused with -E2BIG, inside plugin.h's closed
 * error set (it was -EFBIG), and the message says why. Sparse: no 16 MiB
 * written to /tmp. */
static void test_load_too_large(void **state)
{
	(void)state;
	char path[] = "/tmp/pfd-supp-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, (16 << 20) + 1), 0);
	close(fd);
	struct pfd_supp_set *set = NULL;
	char err[256];
	int rc = pfd_supp_load(path, &set, err, sizeof(err));
	unlink(path);
	assert_int_equal(rc, -E2BIG);
	assert_null(set);
	assert_non_null(strstr(err, ": larger than 16777216 bytes"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_doc_example),
		cmocka_unit_test(test_doc_generated_example_parses),
		cmocka_unit_test(test_empty_and_comment_only),
		cmocka_unit_test(test_layout_tolerance),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_long_line),
		cmocka_unit_test(test_error_too_many_frames),
		cmocka_unit_test(test_error_small_buffer_and_origin),
		cmocka_unit_test(test_frames),
		cmocka_unit_test(test_frames_unknown),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_inherited_and_empty),
		cmocka_unit_test(test_first_entry_wins),
		cmocka_unit_test(test_hostile_glob),
		cmocka_unit_test(test_generate_doc_leak),
		cmocka_unit_test(test_generate_round_trips),
		cmocka_unit_test(test_generate_is_terminal_safe),
		cmocka_unit_test(test_generate_does_not_match_others),
		cmocka_unit_test(test_merge_and_hits),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_load_too_large),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
