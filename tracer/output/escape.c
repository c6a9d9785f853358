/* procfd-trace: writing bytes from the tracee safely into each output format.
 *
 * Paths are arbitrary bytes chosen by the traced program, so nothing here may
 * let them break the output's framing: JSON stays one valid line per event,
 * and the text form stays one unambiguous C string. Runs of bytes that need
 * no escaping are appended with one copy each, as paths are mostly such. */
#include "tracer/output/escape.h"

#include <stdint.h>
#include <string.h>

/* ---- UTF-8 ----------------------------------------------------------- */

/* From the lead byte: the sequence length and the allowed range of the
 * second byte (Unicode Table 3-7, "well-formed UTF-8 byte sequences").
 * Narrowing the second byte is what rejects overlongs (E0 80..9F, F0 80..8F),
 * surrogates (ED A0..BF) and code points past U+10FFFF (F4 90..BF); C0, C1
 * and F5..FF can never start a sequence. Returns 0 for a bad lead byte. */
static size_t utf8_lead(unsigned char c, unsigned char *lo, unsigned char *hi)
{
	*lo = 0x80;
	*hi = 0xBF;
	if (c < 0x80)
		return 1;
	if (c < 0xC2)
		return 0;  /* a continuation byte, or the overlong C0/C1 */
	if (c < 0xE0)
		return 2;
	if (c < 0xF0) {
		if (c == 0xE0)
			*lo = 0xA0;
		else if (c == 0xED)
			*hi = 0x9F;
		return 3;
	}
	if (c < 0xF5) {
		if (c == 0xF0)
			*lo = 0x90;
		else if (c == 0xF4)
			*hi = 0x8F;
		return 4;
	}
	return 0;
}

/* Length of the well-formed sequence starting at p (1..4), or 0 when the
 * bytes there are not one (including a sequence cut off by the end). */
static size_t utf8_seq_len(const unsigned char *p, size_t avail)
{
	unsigned char lo, hi;
	size_t len = utf8_lead(p[0], &lo, &hi);

	if (len <= 1)
		return len;
	if (avail < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
	}
	return len;
}

/* Code points a terminal acts on instead of showing: the C1 controls
 * U+0080..U+009F (U+009B is CSI, which starts an escape sequence on many
 * terminals) and the bidi embeddings, overrides and isolates U+202A..U+202E,
 * U+2066..U+2069 (they reorder the rest of the line, "Trojan Source"). Both
 * are valid UTF-8, so validity alone lets them through. The sequence length
 * at p when it encodes one of them (its code point in *cp), else 0. */
size_t pfd_utf8_terminal_unsafe(const unsigned char *p, size_t avail, uint32_t *cp)
{
	if (avail >= 2 && p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F) {
		*cp = p[1];
		return 2;
	}
	if (avail < 3 || p[0] != 0xE2 || (p[1] != 0x80 && p[1] != 0x81) ||
	    (p[2] & 0xC0) != 0x80)
		return 0;
	uint32_t v = 0x2000u | (uint32_t)(p[1] & 0x3F) << 6 | (uint32_t)(p[2] & 0x3F);
	if ((v >= 0x202A && v <= 0x202E) || (v >= 0x2066 && v <= 0x2069)) {
		*cp = v;
		return 3;
	}
	return 0;
}

bool pfd_utf8_valid(const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t i = 0;

	while (i < len) {
		size_t n = utf8_seq_len(p + i, len - i);
		if (n == 0)
			return false;
		i += n;
	}
	return true;
}

/* ---- JSON ------------------------------------------------------------ */

static void put_run(struct pfd_buf *out, const unsigned char *p, size_t start, size_t end)
{
	if (end > start)
		pfd_buf_put(out, p + start, end - start);
}

/* ASCII that goes into a JSON string as is: everything but ", \ and the
 * controls (DEL included, so a terminal reading the output sees none). */
static bool json_plain_ascii(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* \uXXXX for a code point of the BMP. */
static void json_put_u(struct pfd_buf *out, uint32_t cp)
{
	static const char hex[] = "0123456789abcdef";
	char u[] = { '\\', 'u', hex[cp >> 12 & 0xF], hex[cp >> 8 & 0xF], hex[cp >> 4 & 0xF],
		     hex[cp & 0xF] };

	pfd_buf_put(out, u, sizeof(u));
}

static void json_put_escape(struct pfd_buf *out, unsigned char c)
{
	const char *s = NULL;

	switch (c) {
	case '"':  s = "\\\""; break;
	case '\\': s = "\\\\"; break;
	case '\b': s = "\\b"; break;
	case '\f': s = "\\f"; break;
	case '\n': s = "\\n"; break;
	case '\r': s = "\\r"; break;
	case '\t': s = "\\t"; break;
	default:   break;
	}
	if (s != NULL) {
		pfd_buf_puts(out, s);
		return;
	}
	json_put_u(out, c);
}

/* The inside of a JSON string. Well-formed multi-byte sequences pass through
 * unchanged (JSON text is UTF-8), except those a terminal would act on (C1
 * controls, bidi overrides), written \u0085, \u202e: the same code point
 * for a JSON reader, nothing raw for a terminal showing the line. A byte
 * that starts no such sequence becomes U+FFFD, one per byte, so the output
 * is always valid UTF-8. */
static void json_string_body(struct pfd_buf *out, const unsigned char *p, size_t len)
{
	size_t start = 0, i = 0;

	while (i < len) {
		if (json_plain_ascii(p[i])) {
			i++;
			continue;
		}
		if (p[i] >= 0x80) {
			uint32_t cp;
			size_t n = pfd_utf8_terminal_unsafe(p + i, len - i, &cp);
			if (n > 0) {
				put_run(out, p, start, i);
				json_put_u(out, cp);
				start = i += n;
				continue;
			}
			n = utf8_seq_len(p + i, len - i);
			if (n > 0) {
				i += n;
				continue;
			}
		}
		put_run(out, p, start, i);
		if (p[i] >= 0x80)
			pfd_buf_puts(out, "\xEF\xBF\xBD");
		else
			json_put_escape(out, p[i]);
		start = ++i;
	}
	put_run(out, p, start, i);
}

/* A byte value in decimal, without going through printf. */
static void put_byte_decimal(struct pfd_buf *out, unsigned char c)
{
	char d[3];
	size_t n = 0;

	if (c >= 100)
		d[n++] = (char)('0' + c / 100);
	if (c >= 10)
		d[n++] = (char)('0' + c / 10 % 10);
	d[n++] = (char)('0' + c % 10);
	pfd_buf_put(out, d, n);
}

static void json_byte_array(struct pfd_buf *out, const unsigned char *p, size_t len)
{
	pfd_buf_putc(out, '[');
	for (size_t i = 0; i < len; i++) {
		if (i > 0)
			pfd_buf_putc(out, ',');
		put_byte_decimal(out, p[i]);
	}
	pfd_buf_putc(out, ']');
}

void pfd_json_bytes(struct pfd_buf *out, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;

	/* The array form is chosen for the whole value, never mixed: a
	 * consumer can tell from the JSON type alone whether it holds text. */
	if (!pfd_utf8_valid(buf, len)) {
		json_byte_array(out, p, len);
		return;
	}
	pfd_buf_putc(out, '"');
	json_string_body(out, p, len);
	pfd_buf_putc(out, '"');
}

void pfd_json_string(struct pfd_buf *out, const char *s)
{
	/* A missing string is written as null rather than crashing the
	 * tracer: the output stays valid JSON either way. */
	if (s == NULL) {
		pfd_buf_puts(out, "null");
		return;
	}
	pfd_buf_putc(out, '"');
	json_string_body(out, (const unsigned char *)s, strlen(s));
	pfd_buf_putc(out, '"');
}

/* ---- strace-style text ----------------------------------------------- */

static bool text_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7F && c != '"' && c != '\\';
}

/* The letter after the backslash for the short C escapes, else 0. */
static char text_short_escape(unsigned char c)
{
	switch (c) {
	case '"':  return '"';
	case '\\': return '\\';
	case '\t': return 't';
	case '\n': return 'n';
	case '\v': return 'v';
	case '\f': return 'f';
	case '\r': return 'r';
	default:   return 0;
	}
}

/* Octal escape, as short as possible: a C reader takes up to three octal
 * digits, so when the next byte is itself an octal digit the escape must
 * use all three or that digit would be read as part of it. */
static void text_put_octal(struct pfd_buf *out, unsigned char c, bool next_is_digit)
{
	char e[4];
	size_t n = 0;

	e[n++] = '\\';
	if (next_is_digit || c >= 0100)
		e[n++] = (char)('0' + (c >> 6));
	if (next_is_digit || c >= 010)
		e[n++] = (char)('0' + ((c >> 3) & 7));
	e[n++] = (char)('0' + (c & 7));
	pfd_buf_put(out, e, n);
}

static void text_put_escape(struct pfd_buf *out, const unsigned char *p, size_t i, size_t len)
{
	char letter = text_short_escape(p[i]);

	if (letter != 0) {
		char e[2] = { '\\', letter };
		pfd_buf_put(out, e, sizeof(e));
		return;
	}
	bool next_is_digit = i + 1 < len && p[i + 1] >= '0' && p[i + 1] <= '7';
	text_put_octal(out, p[i], next_is_digit);
}

void pfd_text_quote(struct pfd_buf *out, const char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t start = 0;

	pfd_buf_putc(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (text_plain(p[i]))
			continue;
		put_run(out, p, start, i);
		text_put_escape(out, p, i, len);
		start = i + 1;
	}
	put_run(out, p, start, len);
	pfd_buf_putc(out, '"');
}
