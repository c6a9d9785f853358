/* procfd-trace: a growable byte buffer, the one place events are built.
 *
 * Formatting goes through these few appenders rather than printf: an event
 * is written for every reported call, and the printf family was most of the
 * tracer's instructions per reported call. A buffer that cannot grow keeps
 * what it has and says so (failed), so a caller never writes half a value
 * it believes whole. */
#include <stdlib.h>
#include <string.h>

#include "procfd/writer.h"
#include "tracer/output/escape.h"

static bool grow(struct pfd_buf *b, size_t extra)
{
	if (b->failed)
		return false;
	if (b->len + extra + 1 <= b->cap)
		return true;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->len + extra + 1)
		cap *= 2;
	char *p = realloc(b->data, cap);
	if (!p) {
		b->failed = true;
		return false;
	}
	b->data = p;
	b->cap = cap;
	return true;
}

void pfd_buf_put(struct pfd_buf *b, const void *p, size_t n)
{
	if (!grow(b, n))
		return;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void pfd_buf_puts(struct pfd_buf *b, const char *s)
{
	pfd_buf_put(b, s, strlen(s));
}

void pfd_buf_putc(struct pfd_buf *b, char c)
{
	pfd_buf_put(b, &c, 1);
}

void pfd_buf_uint(struct pfd_buf *b, uint64_t v)
{
	char d[20];
	size_t n = sizeof(d);
	do {
		d[--n] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	pfd_buf_put(b, d + n, sizeof(d) - n);
}

void pfd_buf_int(struct pfd_buf *b, int64_t v)
{
	if (v < 0) {
		pfd_buf_putc(b, '-');
		pfd_buf_uint(b, (uint64_t)0 - (uint64_t)v); /* INT64_MIN too */
		return;
	}
	pfd_buf_uint(b, (uint64_t)v);
}

void pfd_buf_hex(struct pfd_buf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char d[18];
	size_t n = sizeof(d);
	do {
		d[--n] = digits[v & 15];
		v >>= 4;
	} while (v);
	d[--n] = 'x';
	d[--n] = '0';
	pfd_buf_put(b, d + n, sizeof(d) - n);
}

void pfd_buf_quote(struct pfd_buf *b, const char *bytes, size_t len)
{
	pfd_text_quote(b, bytes, len);
}

void pfd_buf_json_string(struct pfd_buf *b, const char *s)
{
	pfd_json_string(b, s);
}

void pfd_buf_json_bytes(struct pfd_buf *b, const char *bytes, size_t len)
{
	pfd_json_bytes(b, bytes, len);
}

const char *pfd_buf_str(const struct pfd_buf *b)
{
	return b->data ? b->data : "";
}

void pfd_buf_clear(struct pfd_buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->data)
		b->data[0] = '\0';
}

void pfd_buf_free(struct pfd_buf *b)
{
	free(b->data);
	*b = (struct pfd_buf)PFD_BUF_INIT;
}
