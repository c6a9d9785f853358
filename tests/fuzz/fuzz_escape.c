/* procfd-trace: libFuzzer target for the escapers (tracer/output/escape.c) through
 * struct pfd_buf (tracer/output/buf.c). Build and run: make fuzz (or fuzz-smoke).
 *
 * The input is the bytes a tracee could pass as a path. Each escaper's
 * output is decoded here by decoders written for this target, strict to the
 * letter of RFC 8259 and of C's string literal rules, and must give back
 * exactly the input (abort() otherwise):
 *  - pfd_json_bytes: a JSON string when the input is valid UTF-8 (checked
 *    by a UTF-8 decoder of our own, which must agree with pfd_utf8_valid),
 *    else an array of the byte values 0..255; decoded, exactly the input;
 *  - pfd_json_string: the input up to its first NUL as a C string; a JSON
 *    string whose decoding is that text with each byte that starts no
 *    well-formed UTF-8 sequence replaced by U+FFFD; NULL gives null;
 *  - pfd_text_quote: a C string literal of printable ASCII only, with just
 *    the escapes \" \\ \t \n \v \f \r and octal; decoded, exactly the input.
 * Every output is one line (no raw control byte at all), valid UTF-8, is
 * appended after what the buffer held, and keeps the buffer NUL-terminated
 * with no NUL inside. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfd/writer.h"
#include "tracer/output/escape.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                 \
	do {                                                                        \
		if (!(cond)) {                                                      \
			fprintf(stderr, "fuzz_escape: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                   \
			abort();                                                    \
		}                                                                   \
	} while (0)

/* ---- an independent UTF-8 decoder ------------------------------------- */

/* The code point of the well-formed sequence at p (its length in *n), or -1:
 * decoded in full, then rejected when overlong, a surrogate or > U+10FFFF. */
static long utf8_decode(const unsigned char *p, size_t avail, size_t *n)
{
	static const long min_for_len[5] = { 0, 0, 0x80, 0x800, 0x10000 };
	size_t len;
	long cp;

	if (p[0] < 0x80) {
		*n = 1;
		return p[0];
	}
	if ((p[0] & 0xE0) == 0xC0) {
		len = 2;
		cp = p[0] & 0x1F;
	} else if ((p[0] & 0xF0) == 0xE0) {
		len = 3;
		cp = p[0] & 0x0F;
	} else if ((p[0] & 0xF8) == 0xF0) {
		len = 4;
		cp = p[0] & 0x07;
	} else {
		return -1;
	}
	if (avail < len)
		return -1;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return -1;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	if (cp < min_for_len[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return -1;
	*n = len;
	return cp;
}

static bool utf8_ok(const unsigned char *p, size_t len)
{
	for (size_t i = 0, n; i < len; i += n)
		if (utf8_decode(p + i, len - i, &n) < 0)
			return false;
	return true;
}

static void put_utf8(struct pfd_buf *b, long cp)
{
	unsigned char u[4];
	size_t n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = (unsigned char)(0xC0 | cp >> 6);
		u[1] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = (unsigned char)(0xE0 | cp >> 12);
		u[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 3;
	} else {
		u[0] = (unsigned char)(0xF0 | cp >> 18);
		u[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
		u[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
		u[3] = (unsigned char)(0x80 | (cp & 0x3F));
		n = 4;
	}
	pfd_buf_put(b, u, n);
}

/* ---- a strict JSON decoder for the two shapes we write ---------------- */

static void json_fail(const char *why, const char *json, size_t len)
{
	fprintf(stderr, "fuzz_escape: bad JSON (%s): %.*s\n", why, (int)len, json);
	abort();
}

static int hex4(const unsigned char *p)
{
	int v = 0;

	for (int i = 0; i < 4; i++) {
		unsigned char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* A JSON string from s[0] == '"', which must end exactly at s + len. */
static void json_decode_string(const char *json, size_t len, struct pfd_buf *out)
{
	const unsigned char *s = (const unsigned char *)json;
	size_t i = 1;

	if (len < 2 || s[0] != '"')
		json_fail("not a string", json, len);
	for (;;) {
		if (i >= len)
			json_fail("unterminated string", json, len);
		unsigned char c = s[i];
		if (c == '"') {
			if (i + 1 != len)
				json_fail("bytes after the string", json, len);
			return;
		}
		if (c < 0x20)
			json_fail("raw control character", json, len);
		if (c >= 0x80) {
			size_t n;
			if (utf8_decode(s + i, len - i, &n) < 0)
				json_fail("invalid UTF-8 in the JSON text", json, len);
			pfd_buf_put(out, s + i, n);
			i += n;
			continue;
		}
		if (c != '\\') {
			pfd_buf_putc(out, (char)c);
			i++;
			continue;
		}
		if (i + 1 >= len)
			json_fail("escape at the end", json, len);
		char e = (char)s[i + 1];
		const char *simple = strchr("\"\\/bfnrt", e);
		if (e != 0 && simple) {
			static const char decoded[] = "\"\\/\b\f\n\r\t";
			pfd_buf_putc(out, decoded[simple - "\"\\/bfnrt"]);
			i += 2;
			continue;
		}
		if (e != 'u' || i + 6 > len)
			json_fail("unknown or cut escape", json, len);
		int cp = hex4(s + i + 2);
		if (cp < 0)
			json_fail("bad \\u digits", json, len);
		i += 6;
		if (cp >= 0xDC00 && cp <= 0xDFFF)
			json_fail("lone low surrogate", json, len);
		if (cp >= 0xD800 && cp <= 0xDBFF) {
			int lo = i + 6 <= len && s[i] == '\\' && s[i + 1] == 'u' ? hex4(s + i + 2) : -1;
			if (lo < 0xDC00 || lo > 0xDFFF)
				json_fail("high surrogate without a low one", json, len);
			put_utf8(out, 0x10000 + ((long)(cp - 0xD800) << 10) + (lo - 0xDC00));
			i += 6;
			continue;
		}
		put_utf8(out, cp);
	}
}

static size_t skip_ws(const char *s, size_t i, size_t len)
{
	while (i < len && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* A JSON array of integers 0..255 (RFC 8259 numbers: no leading zeros). */
static void json_decode_byte_array(const char *s, size_t len, struct pfd_buf *out)
{
	size_t i = 1;

	if (len < 2 || s[0] != '[')
		json_fail("not an array", s, len);
	i = skip_ws(s, i, len);
	if (i < len && s[i] == ']') {
		if (i + 1 != len)
			json_fail("bytes after the array", s, len);
		return;
	}
	for (;;) {
		i = skip_ws(s, i, len);
		size_t start = i;
		unsigned v = 0;
		while (i < len && s[i] >= '0' && s[i] <= '9' && i - start < 4)
			v = v * 10 + (unsigned)(s[i++] - '0');
		if (i == start || (s[start] == '0' && i - start > 1) || v > 255)
			json_fail("not a byte value", s, len);
		pfd_buf_putc(out, (char)v);
		i = skip_ws(s, i, len);
		if (i >= len)
			json_fail("unterminated array", s, len);
		if (s[i] == ']') {
			if (i + 1 != len)
				json_fail("bytes after the array", s, len);
			return;
		}
		if (s[i] != ',')
			json_fail("no comma between elements", s, len);
		i++;
	}
}

/* ---- a strict C string literal decoder -------------------------------- */

static void text_fail(const char *why, const char *s, size_t len)
{
	fprintf(stderr, "fuzz_escape: bad C string (%s): %.*s\n", why, (int)len, s);
	abort();
}

static void text_decode(const char *s, size_t len, struct pfd_buf *out)
{
	size_t i = 1;

	if (len < 2 || s[0] != '"' || s[len - 1] != '"')
		text_fail("not quoted", s, len);
	len--; /* the closing quote */
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c > 0x7E)
			text_fail("a byte that is not printable ASCII", s, len + 1);
		if (c == '"')
			text_fail("an unescaped quote inside", s, len + 1);
		if (c != '\\') {
			pfd_buf_putc(out, (char)c);
			i++;
			continue;
		}
		if (++i >= len)
			text_fail("a backslash escaping the closing quote", s, len + 1);
		c = (unsigned char)s[i];
		const char *letters = "\"\\tnvfr", *hit = strchr(letters, c);
		if (c != 0 && hit) {
			static const char decoded[] = "\"\\\t\n\v\f\r";
			pfd_buf_putc(out, decoded[hit - letters]);
			i++;
			continue;
		}
		if (c < '0' || c > '7')
			text_fail("an escape outside the documented set", s, len + 1);
		/* C: up to three octal digits, as many as there are. */
		unsigned v = 0;
		for (int k = 0; k < 3 && i < len && s[i] >= '0' && s[i] <= '7'; k++)
			v = v * 8 + (unsigned)(s[i++] - '0');
		if (v > 0377)
			text_fail("an octal escape past \\377", s, len + 1);
		pfd_buf_putc(out, (char)v);
	}
}

/* ---- the checks -------------------------------------------------------- */

static const char prefix[] = "{\"path\":";

/* What the escaper appended after the prefix: whole-buffer checks first. */
static const char *appended(const struct pfd_buf *b, size_t *len)
{
	CHECK(!b->failed && b->data != NULL);
	CHECK(b->len >= sizeof(prefix) - 1 && memcmp(b->data, prefix, sizeof(prefix) - 1) == 0);
	CHECK(b->data[b->len] == '\0' && strlen(b->data) == b->len);
	CHECK(utf8_ok((const unsigned char *)b->data, b->len));
	for (size_t i = 0; i < b->len; i++)
		CHECK((unsigned char)b->data[i] >= 0x20); /* one line, no raw controls */
	*len = b->len - (sizeof(prefix) - 1);
	return b->data + sizeof(prefix) - 1;
}

static void check_equal(const char *what, const struct pfd_buf *decoded, const void *want,
			size_t want_len, const char *out, size_t out_len)
{
	if (decoded->failed)
		abort();
	if (decoded->len == want_len && (want_len == 0 || memcmp(decoded->data, want, want_len) == 0))
		return;
	fprintf(stderr, "fuzz_escape: %s does not round-trip: %zu bytes in, %zu back: %.*s\n",
		what, want_len, decoded->len, (int)out_len, out);
	abort();
}

static void check_json_bytes(const uint8_t *data, size_t size)
{
	struct pfd_buf b = PFD_BUF_INIT, back = PFD_BUF_INIT;
	bool valid = utf8_ok(data, size);
	size_t len;

	CHECK(pfd_utf8_valid((const char *)data, size) == valid);
	pfd_buf_puts(&b, prefix);
	pfd_json_bytes(&b, (const char *)data, size);
	const char *out = appended(&b, &len);
	if (valid) {
		CHECK(out[0] == '"');
		json_decode_string(out, len, &back);
	} else {
		CHECK(out[0] == '[');
		json_decode_byte_array(out, len, &back);
	}
	check_equal("pfd_json_bytes", &back, data, size, out, len);
	pfd_buf_free(&b);
	pfd_buf_free(&back);
}

static void check_json_string(const uint8_t *data, size_t size)
{
	struct pfd_buf b = PFD_BUF_INIT, back = PFD_BUF_INIT, want = PFD_BUF_INIT;
	size_t text_len = strnlen((const char *)data, size), len;
	char *text = malloc(text_len + 1);

	if (!text)
		abort();
	memcpy(text, data, text_len);
	text[text_len] = '\0';
	for (size_t i = 0, n; i < text_len; i += n) {
		if (utf8_decode((unsigned char *)text + i, text_len - i, &n) >= 0) {
			pfd_buf_put(&want, text + i, n);
		} else {
			pfd_buf_puts(&want, "\xEF\xBF\xBD");
			n = 1;
		}
	}
	pfd_buf_puts(&b, prefix);
	pfd_json_string(&b, text);
	const char *out = appended(&b, &len);
	json_decode_string(out, len, &back);
	check_equal("pfd_json_string", &back, want.data, want.len, out, len);

	pfd_buf_clear(&b);
	pfd_buf_puts(&b, prefix);
	pfd_buf_json_string(&b, NULL);
	CHECK(strcmp(b.data + sizeof(prefix) - 1, "null") == 0);
	free(text);
	pfd_buf_free(&b);
	pfd_buf_free(&back);
	pfd_buf_free(&want);
}

static void check_text_quote(const uint8_t *data, size_t size)
{
	struct pfd_buf b = PFD_BUF_INIT, back = PFD_BUF_INIT;
	size_t len;

	pfd_buf_puts(&b, prefix);
	pfd_text_quote(&b, (const char *)data, size);
	const char *out = appended(&b, &len);
	text_decode(out, len, &back);
	check_equal("pfd_text_quote", &back, data, size, out, len);
	/* pfd_buf_quote is the same function under the writer's name. */
	pfd_buf_clear(&back);
	pfd_buf_puts(&back, prefix);
	pfd_buf_quote(&back, (const char *)data, size);
	CHECK(back.len == b.len && memcmp(back.data, b.data, b.len) == 0);
	pfd_buf_free(&b);
	pfd_buf_free(&back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	check_json_bytes(data, size);
	check_json_string(data, size);
	check_text_quote(data, size);
	return 0;
}
