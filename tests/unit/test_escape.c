/* Unit tests for tracer/output/escape.c (through a struct pfd_buf, tracer/output/buf.c): UTF-8 validation, the JSON forms and the
 * strace-style quoted text, checked by exact expected output and by decoding
 * the output back to the input bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/output/escape.h"

/* A byte-string literal and its length, embedded NULs included. */
#define B(s) (s), (sizeof(s) - 1)

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- capturing output ------------------------------------------------ */

struct capture {
	struct pfd_buf b;
	char *buf;
	size_t len;
};

static struct pfd_buf *cap_open(struct capture *c)
{
	c->b = (struct pfd_buf)PFD_BUF_INIT;
	c->buf = NULL;
	c->len = 0;
	return &c->b;
}

/* Ends the capture; the caller frees c->buf. */
static void cap_close(struct capture *c)
{
	assert_false(c->b.failed);
	assert_non_null(c->b.data);
	c->buf = c->b.data;
	c->len = c->b.len;
}

static void assert_output(const struct capture *c, const char *want, size_t want_len)
{
	if (c->len != want_len || memcmp(c->buf, want, want_len) != 0)
		fail_msg("got \"%.*s\" (%zu bytes), want \"%.*s\" (%zu bytes)",
			 (int)c->len, c->buf, c->len, (int)want_len, want, want_len);
}

/* ---- a reference UTF-8 decoder, written differently on purpose --------- */

/* Decodes by arithmetic (count the lead's 1 bits, then range-check the code
 * point) rather than by the byte-range table the implementation uses, so the
 * two can be compared exhaustively. */
static bool ref_utf8_valid(const unsigned char *p, size_t len)
{
	static const uint32_t min_cp[] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t i = 0;

	while (i < len) {
		unsigned char c = p[i];
		size_t n = 0;
		while (n < 8 && (c & (0x80 >> n)))
			n++;
		if (n == 0) {
			i++;
			continue;
		}
		if (n == 1 || n > 4 || len - i < n)
			return false;
		uint32_t cp = c & (0x7F >> n);
		for (size_t k = 1; k < n; k++) {
			if ((p[i + k] & 0xC0) != 0x80)
				return false;
			cp = (cp << 6) | (p[i + k] & 0x3F);
		}
		if (cp < min_cp[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return false;
		i += n;
	}
	return true;
}

static size_t utf8_encode(uint32_t cp, unsigned char *out)
{
	if (cp < 0x80) {
		out[0] = (unsigned char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (unsigned char)(0xC0 | cp >> 6);
		out[1] = (unsigned char)(0x80 | (cp & 0x3F));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (unsigned char)(0xE0 | cp >> 12);
		out[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		out[2] = (unsigned char)(0x80 | (cp & 0x3F));
		return 3;
	}
	out[0] = (unsigned char)(0xF0 | cp >> 18);
	out[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
	out[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
	out[3] = (unsigned char)(0x80 | (cp & 0x3F));
	return 4;
}

/* ---- decoders for the two output forms, for the round trips ---------- */

struct bytes {
	unsigned char data[4096];
	size_t len;
};

static void bytes_add(struct bytes *b, unsigned char c)
{
	assert_true(b->len < sizeof(b->data));
	b->data[b->len++] = c;
}

static unsigned hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return (unsigned)(c - '0');
	if (c >= 'a' && c <= 'f')
		return (unsigned)(c - 'a' + 10);
	if (c >= 'A' && c <= 'F')
		return (unsigned)(c - 'A' + 10);
	fail_msg("bad hex digit '%c'", c);
	return 0;
}

static uint32_t json_hex4(const char *s, size_t len, size_t *i)
{
	uint32_t v = 0;

	assert_true(*i + 4 <= len);
	for (int k = 0; k < 4; k++)
		v = v << 4 | hex_digit(s[(*i)++]);
	return v;
}

/* One JSON escape after the backslash at s[*i - 1]. */
static void json_decode_escape(const char *s, size_t len, size_t *i, struct bytes *b)
{
	static const char from[] = "\"\\/bfnrt";
	static const char to[] = "\"\\/\b\f\n\r\t";
	unsigned char tmp[4];

	assert_true(*i < len);
	char e = s[(*i)++];
	const char *hit = e != '\0' ? strchr(from, e) : NULL;
	if (hit != NULL) {
		bytes_add(b, (unsigned char)to[hit - from]);
		return;
	}
	assert_int_equal(e, 'u');
	uint32_t cp = json_hex4(s, len, i);
	if (cp >= 0xD800 && cp < 0xDC00) {  /* a surrogate pair */
		assert_true(*i + 2 <= len && s[*i] == '\\' && s[*i + 1] == 'u');
		*i += 2;
		uint32_t lo = json_hex4(s, len, i);
		assert_true(lo >= 0xDC00 && lo < 0xE000);
		cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
	}
	size_t n = utf8_encode(cp, tmp);
	for (size_t k = 0; k < n; k++)
		bytes_add(b, tmp[k]);
}

/* A JSON string literal, strictly: raw control characters are an error. */
static void json_decode_string(const char *s, size_t len, struct bytes *b)
{
	assert_true(len >= 2 && s[0] == '"' && s[len - 1] == '"');
	for (size_t i = 1; i < len - 1;) {
		unsigned char c = (unsigned char)s[i++];
		assert_true(c >= 0x20 && c != 0x7F);
		if (c == '"')
			fail_msg("unescaped quote in %.*s", (int)len, s);
		if (c == '\\')
			json_decode_escape(s, len - 1, &i, b);
		else
			bytes_add(b, c);
	}
}

/* An array of byte values, "[1,2,3]". */
static void json_decode_array(const char *s, size_t len, struct bytes *b)
{
	assert_true(len >= 2 && s[0] == '[' && s[len - 1] == ']');
	size_t i = 1;
	while (i < len - 1) {
		unsigned v = 0;
		size_t digits = 0;
		while (s[i] >= '0' && s[i] <= '9') {
			v = v * 10 + (unsigned)(s[i++] - '0');
			digits++;
		}
		assert_true(digits >= 1 && digits <= 3 && v <= 255);
		bytes_add(b, (unsigned char)v);
		if (s[i] == ',')
			i++;
		else
			assert_int_equal(s[i], ']');
	}
}

/* A C string as strace writes it; octal escapes take up to three digits
 * greedily, which is exactly what the next-digit rule must survive. */
static void text_decode(const char *s, size_t len, struct bytes *b)
{
	static const char from[] = "\"\\tnvfr";
	static const char to[] = "\"\\\t\n\v\f\r";

	assert_true(len >= 2 && s[0] == '"' && s[len - 1] == '"');
	for (size_t i = 1; i < len - 1;) {
		unsigned char c = (unsigned char)s[i++];
		assert_true(c >= 0x20 && c < 0x7F);
		if (c != '\\') {
			assert_true(c != '"');
			bytes_add(b, c);
			continue;
		}
		char e = s[i];
		const char *hit = e != '\0' ? strchr(from, e) : NULL;
		if (hit != NULL) {
			bytes_add(b, (unsigned char)to[hit - from]);
			i++;
			continue;
		}
		unsigned v = 0;
		size_t digits = 0;
		while (digits < 3 && i < len - 1 && s[i] >= '0' && s[i] <= '7') {
			v = v * 8 + (unsigned)(s[i++] - '0');
			digits++;
		}
		assert_true(digits >= 1 && v <= 255);
		bytes_add(b, (unsigned char)v);
	}
}

/* ---- pfd_utf8_valid ---------------------------------------------------- */

struct utf8_case {
	const char *in;
	size_t len;
	bool valid;
};

static const struct utf8_case utf8_cases[] = {
	{ B(""), true },
	{ B("/tmp/plain"), true },
	{ B("a\0b"), true },                   /* NUL is a valid code point */
	{ B("\x7f"), true },
	{ B("\xc3\xa9"), true },               /* é */
	{ B("\xe2\x82\xac"), true },           /* € */
	{ B("\xf0\x9f\x98\x80"), true },       /* 😀 U+1F600 */
	{ B("\xf4\x8f\xbf\xbf"), true },       /* U+10FFFF, the last */
	{ B("\xed\x9f\xbf"), true },           /* U+D7FF, just below surrogates */
	{ B("\xee\x80\x80"), true },           /* U+E000, just above */
	{ B("\xc2\x80"), true },               /* U+0080, smallest 2-byte */
	{ B("\xe0\xa0\x80"), true },           /* U+0800, smallest 3-byte */
	{ B("\xf0\x90\x80\x80"), true },       /* U+10000, smallest 4-byte */
	{ B("\x80"), false },                  /* lone continuation */
	{ B("a\xbf"), false },
	{ B("\xc0\xaf"), false },              /* overlong '/' */
	{ B("\xc1\xbf"), false },              /* overlong */
	{ B("\xe0\x80\xaf"), false },          /* overlong '/', 3 bytes */
	{ B("\xe0\x9f\xbf"), false },          /* overlong U+07FF */
	{ B("\xf0\x80\x80\xaf"), false },      /* overlong '/', 4 bytes */
	{ B("\xf0\x8f\xbf\xbf"), false },      /* overlong U+FFFF */
	{ B("\xed\xa0\x80"), false },          /* U+D800 surrogate */
	{ B("\xed\xbf\xbf"), false },          /* U+DFFF surrogate */
	{ B("\xe2\x82"), false },              /* truncated € */
	{ B("\xe2\x82/"), false },             /* € cut by an ASCII byte */
	{ B("\xf0\x9f\x98"), false },          /* truncated emoji */
	{ B("\xc3"), false },
	{ B("\xf4\x90\x80\x80"), false },      /* U+110000 */
	{ B("\xf5\x80\x80\x80"), false },
	{ B("\xf8\x88\x80\x80\x80"), false },  /* old 5-byte form */
	{ B("\xfe"), false },
	{ B("\xff"), false },
	{ B("/tmp/\xff"), false },
};

static void test_utf8_valid_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(utf8_cases); i++) {
		const struct utf8_case *t = &utf8_cases[i];
		if (pfd_utf8_valid(t->in, t->len) != t->valid)
			fail_msg("case %zu: want %s", i, t->valid ? "valid" : "invalid");
	}
}

/* Every code point encodes to valid UTF-8 except the surrogates. */
static void test_utf8_every_code_point(void **state)
{
	unsigned char enc[4];

	(void)state;
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		size_t n = utf8_encode(cp, enc);
		bool want = cp < 0xD800 || cp > 0xDFFF;
		if (pfd_utf8_valid((const char *)enc, n) != want)
			fail_msg("U+%04X", cp);
	}
}

static void check_against_ref(const unsigned char *p, size_t len)
{
	if (pfd_utf8_valid((const char *)p, len) != ref_utf8_valid(p, len))
		fail_msg("disagree on %zu bytes %02x %02x %02x %02x", len,
			 p[0], len > 1 ? p[1] : 0, len > 2 ? p[2] : 0, len > 3 ? p[3] : 0);
}

/* All 1-, 2- and 3-byte strings, and 4-byte strings over the interesting
 * values of the last two bytes, against the reference decoder. */
static void test_utf8_exhaustive_vs_reference(void **state)
{
	static const unsigned char tail[] = { 0x00, 0x7f, 0x80, 0x8f, 0x90, 0x9f,
					      0xa0, 0xbf, 0xc0, 0xff };
	unsigned char p[4];

	(void)state;
	for (unsigned a = 0; a < 256; a++) {
		p[0] = (unsigned char)a;
		check_against_ref(p, 1);
		for (unsigned b = 0; b < 256; b++) {
			p[1] = (unsigned char)b;
			check_against_ref(p, 2);
			for (unsigned c = 0; c < 256; c++) {
				p[2] = (unsigned char)c;
				check_against_ref(p, 3);
			}
			for (size_t c = 0; c < sizeof(tail); c++) {
				for (size_t d = 0; d < sizeof(tail); d++) {
					p[2] = tail[c];
					p[3] = tail[d];
					check_against_ref(p, 4);
				}
			}
		}
	}
}

/* ---- pfd_json_bytes ---------------------------------------------------- */

struct out_case {
	const char *in;
	size_t in_len;
	const char *want;
	size_t want_len;
};

static const struct out_case json_bytes_cases[] = {
	{ B(""), B("\"\"") },
	{ B("/tmp/plain-file.txt"), B("\"/tmp/plain-file.txt\"") },
	{ B("a\"b\\c"), B("\"a\\\"b\\\\c\"") },
	{ B("\b\f\n\r\t"), B("\"\\b\\f\\n\\r\\t\"") },
	{ B("\x01\x1b\x1f\x7f"), B("\"\\u0001\\u001b\\u001f\\u007f\"") },
	{ B("\x0b"), B("\"\\u000b\"") },  /* \v has no JSON short form */
	{ B("a\0b"), B("\"a\\u0000b\"") },
	{ B("\0"), B("\"\\u0000\"") },
	{ B("/tmp/new\nline"), B("\"/tmp/new\\nline\"") },
	{ B("/ /'<>&"), B("\"/ /'<>&\"") },  /* nothing else escaped */
	{ B("caf\xc3\xa9"), B("\"caf\xc3\xa9\"") },
	{ B("\xe2\x82\xac"), B("\"\xe2\x82\xac\"") },
	{ B("/tmp/\xf0\x9f\x98\x80.txt"), B("\"/tmp/\xf0\x9f\x98\x80.txt\"") },
	{ B("\xf4\x8f\xbf\xbf"), B("\"\xf4\x8f\xbf\xbf\"") },
	{ B("/tmp/\xff"), B("[47,116,109,112,47,255]") },
	{ B("\x80"), B("[128]") },
	{ B("\xc0\xaf"), B("[192,175]") },
	{ B("\xed\xa0\x80"), B("[237,160,128]") },
	{ B("\xe2\x82"), B("[226,130]") },
	{ B("\xf4\x90\x80\x80"), B("[244,144,128,128]") },
	{ B("\0\xff\n\"9"), B("[0,255,10,34,57]") },  /* one bad byte: all array */
	/* what a terminal acts on: C1 controls and bidi overrides, escaped */
	{ B("\xc2\x9b" "31m"), B("\"\\u009b31m\"") },    /* CSI */
	{ B("a\xc2\x85"), B("\"a\\u0085\"") },
	{ B("\xc2\x80\xc2\x9f\xc2\xa0"), B("\"\\u0080\\u009f\xc2\xa0\"") },  /* NBSP passes */
	{ B("x\xe2\x80\xae" "y"), B("\"x\\u202ey\"") },  /* RLO */
	{ B("\xe2\x80\xaa\xe2\x80\xa9\xe2\x81\xa6\xe2\x81\xa9\xe2\x81\xaa"),
	  B("\"\\u202a\xe2\x80\xa9\\u2066\\u2069\xe2\x81\xaa\"") },
	{ B("\xe2\x80\xae\xff"), B("[226,128,174,255]") },   /* invalid: array */
};

static void test_json_bytes_table(void **state)
{
	struct capture c;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(json_bytes_cases); i++) {
		const struct out_case *t = &json_bytes_cases[i];
		pfd_json_bytes(cap_open(&c), t->in, t->in_len);
		cap_close(&c);
		assert_output(&c, t->want, t->want_len);
		free(c.buf);
	}
}

/* ---- pfd_json_string --------------------------------------------------- */

static const struct out_case json_string_cases[] = {
	{ B(""), B("\"\"") },
	{ B("no such file"), B("\"no such file\"") },
	{ B("say \"hi\" \\ bye"), B("\"say \\\"hi\\\" \\\\ bye\"") },
	{ B("line1\nline2\t\x1b[0m\x7f"), B("\"line1\\nline2\\t\\u001b[0m\\u007f\"") },
	{ B("caf\xc3\xa9 \xf0\x9f\x98\x80"), B("\"caf\xc3\xa9 \xf0\x9f\x98\x80\"") },
	{ B("a\xff" "b"), B("\"a\xef\xbf\xbd" "b\"") },
	{ B("\xe2\x82"), B("\"\xef\xbf\xbd\xef\xbf\xbd\"") },  /* one per byte */
	{ B("\xc0\xaf"), B("\"\xef\xbf\xbd\xef\xbf\xbd\"") },
	{ B("\xed\xa0\x80"), B("\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\"") },
	{ B("x\xe2\x82\xac\x80"), B("\"x\xe2\x82\xac\xef\xbf\xbd\"") },
	{ B("name\xe2\x80\xaetxt.exe"), B("\"name\\u202etxt.exe\"") },
	{ B("\xc2\x9b\xff"), B("\"\\u009b\xef\xbf\xbd\"") },
};

static void test_json_string_table(void **state)
{
	struct capture c;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(json_string_cases); i++) {
		const struct out_case *t = &json_string_cases[i];
		pfd_json_string(cap_open(&c), t->in);
		cap_close(&c);
		assert_output(&c, t->want, t->want_len);
		free(c.buf);
	}
}

static void test_json_string_null(void **state)
{
	struct capture c;

	(void)state;
	pfd_json_string(cap_open(&c), NULL);
	cap_close(&c);
	assert_output(&c, B("null"));
	free(c.buf);
}

/* ---- pfd_text_quote ---------------------------------------------------- */

static const struct out_case text_cases[] = {
	{ B(""), B("\"\"") },
	{ B("/etc/passwd"), B("\"/etc/passwd\"") },
	{ B("a\"b\\c"), B("\"a\\\"b\\\\c\"") },
	{ B("\t\n\v\f\r"), B("\"\\t\\n\\v\\f\\r\"") },
	{ B("/tmp/a\nb"), B("\"/tmp/a\\nb\"") },
	{ B("\n1"), B("\"\\n1\"") },            /* short escapes need no padding */
	{ B("\0"), B("\"\\0\"") },
	{ B("a\0b"), B("\"a\\0b\"") },
	{ B("\0" "1"), B("\"\\0001\"") },        /* next is an octal digit */
	{ B("\0" "7"), B("\"\\0007\"") },
	{ B("\0" "8"), B("\"\\08\"") },          /* 8 is not octal */
	{ B("\0\0"), B("\"\\0\\0\"") },
	{ B("\x1b[0m"), B("\"\\33[0m\"") },
	{ B("\x1b" "0"), B("\"\\0330\"") },
	{ B("\x01"), B("\"\\1\"") },
	{ B("\x01" "2"), B("\"\\0012\"") },
	{ B("\x08"), B("\"\\10\"") },            /* \b is not one of strace's */
	{ B("\x7f"), B("\"\\177\"") },
	{ B("\x7f" "5"), B("\"\\1775\"") },      /* already 3 digits */
	{ B("caf\xc3\xa9"), B("\"caf\\303\\251\"") },
	{ B("\xff"), B("\"\\377\"") },
	{ B("~ !#'?"), B("\"~ !#'?\"") },
	{ B("\xc2\x9b"), B("\"\\302\\233\"") },       /* C1: octal, never raw */
	{ B("a\xe2\x80\xae" "b"), B("\"a\\342\\200\\256b\"") },
	{ B("\xe2\x81\xa6"), B("\"\\342\\201\\246\"") },
};

static void test_text_quote_table(void **state)
{
	struct capture c;

	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(text_cases); i++) {
		const struct out_case *t = &text_cases[i];
		pfd_text_quote(cap_open(&c), t->in, t->in_len);
		cap_close(&c);
		assert_output(&c, t->want, t->want_len);
		free(c.buf);
	}
}

/* ---- round trips ------------------------------------------------------- */

/* Deterministic xorshift, so a failure reproduces. */
static uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* Random strings weighted towards what matters: plain path bytes, the
 * escaped ASCII, octal digits after controls, valid multi-byte sequences and
 * arbitrary bytes (which are often invalid UTF-8). */
static size_t random_bytes(uint32_t *seed, unsigned char *out, size_t max)
{
	static const char special[] = "\"\\\n\t\r\b\f\v\x1b\x7f" "01789/ ";
	size_t len = rng_next(seed) % (max - 4);
	size_t n = 0;

	while (n < len) {
		uint32_t r = rng_next(seed);
		switch (r % 5) {
		case 0:
			out[n++] = (unsigned char)('a' + r / 5 % 26);
			break;
		case 1:
			out[n++] = (unsigned char)special[r / 5 % (sizeof(special) - 1)];
			break;
		case 2:
			out[n++] = (unsigned char)(r / 5 % 0x20);
			break;
		case 3: {
			uint32_t cp = r / 5 % 0x110000;
			if (cp >= 0xD800 && cp <= 0xDFFF)
				cp = 0xFFFD;
			n += utf8_encode(cp, out + n);
			break;
		}
		default:
			out[n++] = (unsigned char)(r / 5);
			break;
		}
	}
	return n;
}

static void roundtrip_json_bytes(const unsigned char *in, size_t len)
{
	struct capture c;
	struct bytes got = { .len = 0 };

	pfd_json_bytes(cap_open(&c), (const char *)in, len);
	cap_close(&c);
	/* One line of valid UTF-8 whatever the input. */
	assert_null(memchr(c.buf, '\n', c.len));
	assert_true(pfd_utf8_valid(c.buf, c.len));
	if (pfd_utf8_valid((const char *)in, len))
		json_decode_string(c.buf, c.len, &got);
	else
		json_decode_array(c.buf, c.len, &got);
	assert_int_equal(got.len, len);
	assert_memory_equal(got.data, in, len);
	free(c.buf);
}

static void roundtrip_text(const unsigned char *in, size_t len)
{
	struct capture c;
	struct bytes got = { .len = 0 };

	pfd_text_quote(cap_open(&c), (const char *)in, len);
	cap_close(&c);
	text_decode(c.buf, c.len, &got);
	assert_int_equal(got.len, len);
	assert_memory_equal(got.data, in, len);
	free(c.buf);
}

/* pfd_json_string cannot round-trip invalid input, but its output must
 * always be a JSON string that decodes to valid UTF-8, equal to the input
 * when the input was valid. */
static void roundtrip_json_string(const unsigned char *in, size_t len)
{
	struct capture c;
	struct bytes got = { .len = 0 };
	char s[4096];

	size_t slen = strnlen((const char *)in, len);
	memcpy(s, in, slen);
	s[slen] = '\0';
	pfd_json_string(cap_open(&c), s);
	cap_close(&c);
	json_decode_string(c.buf, c.len, &got);
	assert_true(pfd_utf8_valid((const char *)got.data, got.len));
	if (pfd_utf8_valid(s, slen)) {
		assert_int_equal(got.len, slen);
		assert_memory_equal(got.data, s, slen);
	}
	free(c.buf);
}

static void test_roundtrip_fixed(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(utf8_cases); i++) {
		const unsigned char *in = (const unsigned char *)utf8_cases[i].in;
		roundtrip_json_bytes(in, utf8_cases[i].len);
		roundtrip_text(in, utf8_cases[i].len);
		roundtrip_json_string(in, utf8_cases[i].len);
	}
	for (size_t i = 0; i < ARRAY_LEN(text_cases); i++) {
		const unsigned char *in = (const unsigned char *)text_cases[i].in;
		roundtrip_json_bytes(in, text_cases[i].in_len);
		roundtrip_text(in, text_cases[i].in_len);
	}
}

static void test_roundtrip_every_byte(void **state)
{
	unsigned char all[256];

	(void)state;
	for (unsigned i = 0; i < 256; i++) {
		all[i] = (unsigned char)i;
		roundtrip_json_bytes(all + i, 1);
		roundtrip_text(all + i, 1);
	}
	roundtrip_json_bytes(all, sizeof(all));
	roundtrip_text(all, sizeof(all));
}

/* Independent of pfd_utf8_terminal_unsafe: decode the output and look for
 * the code points themselves. */
static bool has_raw_terminal_unsafe(const unsigned char *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++) {
		uint32_t cp;
		if (p[i] == 0xC2)
			cp = p[i + 1];
		else if (p[i] == 0xE2 && i + 2 < len)
			cp = (uint32_t)(p[i + 1] & 0x3F) << 6 | (p[i + 2] & 0x3F) | 0x2000;
		else
			continue;
		if ((cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
		    (cp >= 0x2066 && cp <= 0x2069))
			return true;
	}
	return false;
}

/* Every code point between two octal digits: in no output form does a C1
 * control or bidi override appear raw, and every form still round-trips. */
static void test_terminal_unsafe_never_raw(void **state)
{
	unsigned char in[8];
	struct capture c;

	(void)state;
	for (uint32_t cp = 0x80; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		in[0] = '1';
		size_t n = 1 + utf8_encode(cp, in + 1);
		in[n++] = '2';
		pfd_json_bytes(cap_open(&c), (const char *)in, n);
		cap_close(&c);
		if (has_raw_terminal_unsafe((unsigned char *)c.buf, c.len))
			fail_msg("JSON passes U+%04X raw", cp);
		free(c.buf);
		pfd_text_quote(cap_open(&c), (const char *)in, n);
		cap_close(&c);
		if (has_raw_terminal_unsafe((unsigned char *)c.buf, c.len))
			fail_msg("text passes U+%04X raw", cp);
		free(c.buf);
		if (cp < 0x2100 || cp % 97 == 0) {
			roundtrip_json_bytes(in, n);
			roundtrip_text(in, n);
		}
	}
}

static void test_roundtrip_random(void **state)
{
	unsigned char in[64];
	uint32_t seed = 0x9e3779b9;
	unsigned valid = 0;

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t len = random_bytes(&seed, in, sizeof(in));
		valid += pfd_utf8_valid((const char *)in, len);
		assert_int_equal(pfd_utf8_valid((const char *)in, len),
				 ref_utf8_valid(in, len));
		roundtrip_json_bytes(in, len);
		roundtrip_text(in, len);
		roundtrip_json_string(in, len);
	}
	/* Both JSON forms must actually have been exercised. */
	assert_true(valid > 1000 && valid < 19000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_utf8_valid_table),
		cmocka_unit_test(test_utf8_every_code_point),
		cmocka_unit_test(test_utf8_exhaustive_vs_reference),
		cmocka_unit_test(test_json_bytes_table),
		cmocka_unit_test(test_json_string_table),
		cmocka_unit_test(test_json_string_null),
		cmocka_unit_test(test_text_quote_table),
		cmocka_unit_test(test_roundtrip_fixed),
		cmocka_unit_test(test_roundtrip_every_byte),
		cmocka_unit_test(test_roundtrip_random),
		cmocka_unit_test(test_terminal_unsafe_never_raw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
