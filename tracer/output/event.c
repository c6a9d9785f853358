/* procfd-trace: an event as a tree of typed fields (event_impl.h), and the
 * SDK's read side of it (include/procfd/writer.h), which text layouts use. */
#include <string.h>
#include <stdlib.h>

#include "tracer/output/event_impl.h"

void pfd_event_reset(struct pfd_event *ev, const char *kind, pid_t pid, pid_t text_id)
{
	size_t n = strlen(kind);
	if (n >= sizeof(ev->kind))
		n = sizeof(ev->kind) - 1;
	memcpy(ev->kind, kind, n);
	ev->kind[n] = '\0';
	ev->pid = pid;
	ev->text_id = text_id;
	ev->wall_ns = 0;
	ev->n_nodes = 0;
	ev->failed = false;
	pfd_buf_clear(&ev->strings);
	pfd_buf_clear(&ev->title);
	pfd_buf_clear(&ev->title_tail);
	pfd_event_add(ev, 0, PFD_F_OBJECT, NULL); /* node 0: the event's object */
}

uint32_t pfd_event_store(struct pfd_event *ev, const char *s, size_t len)
{
	uint32_t off = (uint32_t)ev->strings.len;
	pfd_buf_put(&ev->strings, s, len);
	pfd_buf_putc(&ev->strings, '\0');
	if (ev->strings.failed)
		ev->failed = true;
	return off;
}

const char *pfd_event_string(const struct pfd_event *ev, uint32_t off)
{
	return ev->strings.data ? ev->strings.data + off : "";
}

static bool grow(struct pfd_event *ev)
{
	uint32_t cap = ev->cap ? ev->cap * 2 : 64;
	struct pfd_field *n = realloc(ev->nodes, cap * sizeof(*n));
	if (!n)
		return false;
	ev->nodes = n;
	ev->cap = cap;
	return true;
}

uint32_t pfd_event_add(struct pfd_event *ev, uint32_t parent, uint8_t type, const char *key)
{
	if (ev->n_nodes == ev->cap && !grow(ev)) {
		ev->failed = true;
		return 0;
	}
	uint32_t i = ev->n_nodes++;
	struct pfd_field *f = &ev->nodes[i];
	*f = (struct pfd_field){ .ev = ev, .type = type };
	if (key)
		f->key = pfd_event_store(ev, key, strlen(key)) + 1;
	if (i == 0)
		return 0;
	struct pfd_field *p = &ev->nodes[parent];
	if (p->last)
		ev->nodes[p->last].next = i;
	else
		p->child = i;
	p->last = i;
	return i;
}

/* ---- the read side ---------------------------------------------------------- */

const char *pfd_event_kind(const struct pfd_event *ev)
{
	return ev ? ev->kind : "";
}

pid_t pfd_event_pid(const struct pfd_event *ev)
{
	return ev ? ev->pid : 0;
}

const struct pfd_field *pfd_event_first(const struct pfd_event *ev)
{
	return ev && ev->n_nodes ? pfd_f_first(&ev->nodes[0]) : NULL;
}

const struct pfd_field *pfd_event_get(const struct pfd_event *ev, const char *key)
{
	return ev && ev->n_nodes ? pfd_f_get(&ev->nodes[0], key) : NULL;
}

const struct pfd_field *pfd_f_get(const struct pfd_field *f, const char *key)
{
	if (!f || f->type != PFD_F_OBJECT || !key)
		return NULL;
	for (const struct pfd_field *c = pfd_f_first(f); c; c = pfd_f_next(c))
		if (c->key && c->type < F_TEXT_LINE && pfd_f_key(c)[0] == key[0] &&
		    strcmp(pfd_f_key(c), key) == 0)
			return c;
	return NULL;
}

enum pfd_ftype pfd_f_type(const struct pfd_field *f)
{
	return f && f->type < F_TEXT_LINE ? (enum pfd_ftype)f->type : PFD_F_NONE;
}

const char *pfd_f_key(const struct pfd_field *f)
{
	return f && f->key ? pfd_event_string(f->ev, f->key - 1) : NULL;
}

int64_t pfd_f_int(const struct pfd_field *f)
{
	if (!f || (f->type != PFD_F_INT && f->type != PFD_F_UINT && f->type != PFD_F_BOOL))
		return 0;
	return f->v.i;
}

uint64_t pfd_f_uint(const struct pfd_field *f)
{
	return (uint64_t)pfd_f_int(f);
}

bool pfd_f_bool(const struct pfd_field *f)
{
	return pfd_f_int(f) != 0;
}

const char *pfd_f_str(const struct pfd_field *f, size_t *len)
{
	if (!f || (f->type != PFD_F_STR && f->type != PFD_F_BYTES && f->type < F_TEXT_LINE))
		return NULL;
	if (len)
		*len = f->v.s.len;
	return pfd_event_string(f->ev, f->v.s.off);
}

const char *pfd_f_bytes(const struct pfd_field *f, struct pfd_buf *b, size_t *len)
{
	size_t n;
	const char *s = pfd_f_str(f, &n);
	pfd_buf_clear(b);
	if (s) {
		pfd_buf_put(b, s, n);
	} else if (pfd_f_type(f) == PFD_F_ARRAY) {
		for (const struct pfd_field *e = pfd_f_first(f); e; e = pfd_f_next(e)) {
			if (pfd_f_type(e) != PFD_F_INT || pfd_f_int(e) < 0 || pfd_f_int(e) > 255)
				return NULL;
			pfd_buf_putc(b, (char)pfd_f_int(e));
		}
	} else {
		return NULL;
	}
	if (len)
		*len = b->len;
	return b->data ? b->data : "";
}

int64_t pfd_f_ns(const struct pfd_field *f)
{
	return f && f->type == PFD_F_SECONDS ? f->v.i : 0;
}

const struct pfd_field *pfd_f_first(const struct pfd_field *f)
{
	if (!f || (f->type != PFD_F_OBJECT && f->type != PFD_F_ARRAY) || !f->child)
		return NULL;
	return &f->ev->nodes[f->child];
}

const struct pfd_field *pfd_f_next(const struct pfd_field *f)
{
	return f && f->next ? &f->ev->nodes[f->next] : NULL;
}
