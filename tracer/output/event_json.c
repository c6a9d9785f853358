/* procfd-trace: a JSON Lines event read back into the event model, so that
 * its text is rendered by the same layouts as a live event's (procfd-render,
 * and the writer's render check).
 *
 * What JSON cannot say comes back as its nearest type: a string is
 * PFD_F_STR (the tracee's bytes were a string too when valid UTF-8; layouts
 * quote the fields they know to be bytes), a number with a fraction is
 * PFD_F_SECONDS, a non-negative integer past INT64_MAX is PFD_F_UINT. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/output/event_impl.h"

struct parser {
	struct pfd_event *ev;
	const char *p, *end;
	unsigned depth;
	struct pfd_buf str;
};

#define MAX_DEPTH 32

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end && (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\r' || *ps->p == '\n'))
		ps->p++;
}

static int hex4(const char *p, unsigned *out)
{
	*out = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		unsigned d = c >= '0' && c <= '9' ? (unsigned)(c - '0')
			   : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
			   : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10) : 16u;
		if (d == 16)
			return -EINVAL;
		*out = *out << 4 | d;
	}
	return 0;
}

static void put_utf8(struct pfd_buf *b, unsigned cp)
{
	char u[4];
	size_t n;
	if (cp < 0x80) {
		u[0] = (char)cp, n = 1;
	} else if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6), u[1] = (char)(0x80 | (cp & 63)), n = 2;
	} else if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12), u[1] = (char)(0x80 | (cp >> 6 & 63));
		u[2] = (char)(0x80 | (cp & 63)), n = 3;
	} else {
		u[0] = (char)(0xf0 | cp >> 18), u[1] = (char)(0x80 | (cp >> 12 & 63));
		u[2] = (char)(0x80 | (cp >> 6 & 63)), u[3] = (char)(0x80 | (cp & 63)), n = 4;
	}
	pfd_buf_put(b, u, n);
}

static int escape(struct parser *ps)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *e = strchr(from, *ps->p);
	unsigned cp, lo;
	if (e && *ps->p) {
		pfd_buf_putc(&ps->str, to[e - from]);
		ps->p++;
		return 0;
	}
	if (*ps->p != 'u' || ps->end - ps->p < 5 || hex4(ps->p + 1, &cp) < 0)
		return -EINVAL;
	ps->p += 5;
	if (cp >= 0xd800 && cp < 0xdc00 && ps->end - ps->p >= 6 && ps->p[0] == '\\' &&
	    ps->p[1] == 'u' && hex4(ps->p + 2, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
		ps->p += 6;
	}
	put_utf8(&ps->str, cp);
	return 0;
}

/* A string into ps->str (without its quotes). */
static int string(struct parser *ps)
{
	pfd_buf_clear(&ps->str);
	if (ps->p >= ps->end || *ps->p != '"')
		return -EINVAL;
	ps->p++;
	while (ps->p < ps->end && *ps->p != '"') {
		if (*ps->p == '\\') {
			ps->p++;
			if (ps->p >= ps->end || escape(ps) < 0)
				return -EINVAL;
		} else {
			pfd_buf_putc(&ps->str, *ps->p++);
		}
	}
	if (ps->p >= ps->end)
		return -EINVAL;
	ps->p++;
	return 0;
}

/* "S.UUUUUU" (six digits at most are ours) as nanoseconds. */
static int64_t seconds(const char *s, const char *dot, bool neg)
{
	int64_t ns = strtoll(s, NULL, 10) * 1000000000LL;
	int64_t frac = 0, scale = 100000000;
	if (neg)
		ns = -ns;
	for (const char *q = dot + 1; *q >= '0' && *q <= '9' && scale; q++, scale /= 10)
		frac += (*q - '0') * scale;
	return neg ? -(ns + frac) : ns + frac;
}

static int value(struct parser *ps, uint32_t parent, const char *key);

static int number(struct parser *ps, uint32_t parent, const char *key)
{
	char num[40];
	size_t n = 0;
	while (ps->p < ps->end && n + 1 < sizeof(num) && strchr("+-0123456789.eE", *ps->p) && *ps->p)
		num[n++] = *ps->p++;
	num[n] = '\0';
	if (n == 0)
		return -EINVAL;
	const char *dot = strchr(num, '.');
	uint32_t i;
	if (dot) {
		bool neg = num[0] == '-';
		i = pfd_event_add(ps->ev, parent, PFD_F_SECONDS, key);
		if (i)
			ps->ev->nodes[i].v.i = seconds(num + neg, dot, neg);
	} else if (num[0] == '-') {
		i = pfd_event_add(ps->ev, parent, PFD_F_INT, key);
		if (i)
			ps->ev->nodes[i].v.i = strtoll(num, NULL, 10);
	} else {
		uint64_t u = strtoull(num, NULL, 10);
		i = pfd_event_add(ps->ev, parent, u > INT64_MAX ? PFD_F_UINT : PFD_F_INT, key);
		if (i)
			ps->ev->nodes[i].v.u = u;
	}
	return i ? 0 : -ENOMEM;
}

static int word(struct parser *ps, uint32_t parent, const char *key)
{
	static const struct { const char *w; uint8_t type; int64_t v; } words[] = {
		{ "true", PFD_F_BOOL, 1 }, { "false", PFD_F_BOOL, 0 }, { "null", PFD_F_NULL, 0 },
	};
	for (size_t k = 0; k < 3; k++) {
		size_t n = strlen(words[k].w);
		if ((size_t)(ps->end - ps->p) >= n && memcmp(ps->p, words[k].w, n) == 0) {
			ps->p += n;
			uint32_t i = pfd_event_add(ps->ev, parent, words[k].type, key);
			if (i)
				ps->ev->nodes[i].v.i = words[k].v;
			return i ? 0 : -ENOMEM;
		}
	}
	return -EINVAL;
}

static int members(struct parser *ps, uint32_t node, bool object)
{
	char close = object ? '}' : ']';
	ps->p++; /* { or [ */
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		static struct pfd_buf key = PFD_BUF_INIT;
		skip_ws(ps);
		if (object) {
			if (string(ps) < 0)
				return -EINVAL;
			pfd_buf_clear(&key);
			pfd_buf_puts(&key, pfd_buf_str(&ps->str));
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p++ != ':')
				return -EINVAL;
			skip_ws(ps);
		}
		int rc = value(ps, node, object ? pfd_buf_str(&key) : NULL);
		if (rc < 0)
			return rc;
		skip_ws(ps);
		if (ps->p < ps->end && *ps->p == ',') {
			ps->p++;
			continue;
		}
		if (ps->p < ps->end && *ps->p == close) {
			ps->p++;
			return 0;
		}
		return -EINVAL;
	}
}

static int value(struct parser *ps, uint32_t parent, const char *key)
{
	if (ps->p >= ps->end)
		return -EINVAL;
	char c = *ps->p;
	if (c == '"') {
		if (string(ps) < 0)
			return -EINVAL;
		uint32_t i = pfd_event_add(ps->ev, parent, PFD_F_STR, key);
		if (!i)
			return -ENOMEM;
		uint32_t off = pfd_event_store(ps->ev, ps->str.data ? ps->str.data : "", ps->str.len);
		ps->ev->nodes[i].v.s.off = off;
		ps->ev->nodes[i].v.s.len = (uint32_t)ps->str.len;
		return 0;
	}
	if (c == '{' || c == '[') {
		if (++ps->depth > MAX_DEPTH)
			return -EINVAL;
		uint32_t i = pfd_event_add(ps->ev, parent, c == '{' ? PFD_F_OBJECT : PFD_F_ARRAY, key);
		if (!i)
			return -ENOMEM;
		int rc = members(ps, i, c == '{');
		ps->depth--;
		return rc;
	}
	if (c == '-' || (c >= '0' && c <= '9'))
		return number(ps, parent, key);
	return word(ps, parent, key);
}

/* The envelope: "event" names the kind, "pid" is the event's own; the
 * headline's time is the "time" field's. */
static int take_envelope(struct pfd_event *ev)
{
	const struct pfd_field *kind = pfd_event_get(ev, "event");
	const struct pfd_field *pid = pfd_event_get(ev, "pid");
	const struct pfd_field *time = pfd_event_get(ev, "time");
	if (pfd_f_type(kind) != PFD_F_STR)
		return -EINVAL;
	size_t n = strlen(pfd_f_str(kind, NULL));
	if (n >= sizeof(ev->kind))
		n = sizeof(ev->kind) - 1;
	memcpy(ev->kind, pfd_f_str(kind, NULL), n);
	ev->kind[n] = '\0';
	ev->pid = ev->text_id = (pid_t)pfd_f_int(pid);
	ev->wall_ns = pfd_f_ns(time);
	/* unlink the envelope's fields: they are not fields of the event */
	struct pfd_field *root = &ev->nodes[0];
	uint32_t prev = 0;
	for (uint32_t i = root->child; i;) {
		struct pfd_field *f = &ev->nodes[i];
		uint32_t next = f->next;
		if (f == kind || f == pid) {
			if (prev)
				ev->nodes[prev].next = next;
			else
				root->child = next;
			if (root->last == i)
				root->last = prev;
		} else {
			prev = i;
		}
		i = next;
	}
	return 0;
}

int pfd_event_parse(struct pfd_event *ev, const char *line, size_t len)
{
	static struct parser ps;
	ps.ev = ev;
	ps.p = line;
	ps.end = line + len;
	ps.depth = 0;
	pfd_event_reset(ev, "", 0, 0);
	skip_ws(&ps);
	if (ps.p >= ps.end || *ps.p != '{')
		return -EINVAL;
	int rc = members(&ps, 0, true);
	if (rc < 0)
		return rc;
	if (ev->failed)
		return -ENOMEM;
	return take_envelope(ev);
}
