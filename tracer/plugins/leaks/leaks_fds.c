/* procfd-trace: open file descriptions, and the fd tables that refer to them.
 *
 * A table maps fd numbers to records, each naming a description. It is an
 * open-addressing hash of the fds the trace has seen made: a process that
 * holds fd 19999 costs one slot, not twenty thousand, and a fork copies
 * the records it has, not a range of numbers. Slots are never emptied (the
 * tracker does not trap close: the table at exit is read from /proc), so
 * linear probing needs no tombstones. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/plugins/leaks/leaks_track.h"

#define MAX_FD (1 << 24) /* past the kernel's nr_open limit (1 << 20 by default) */

_Static_assert(sizeof(struct leak_rec) <= 32, "struct leak_rec grew: 100k of them are live");

static size_t live_records, live_descs;

/* ---- descriptions ---------------------------------------------------- */

/* Descriptions with holders, not reported yet, oldest first. */
static struct leak_desc *pending_head, *pending_tail;

struct leak_desc *leak_desc_new(enum leak_origin origin)
{
	struct leak_desc *d = calloc(1, sizeof(*d));
	if (d) {
		d->refs = 1;
		d->origin = (uint8_t)origin;
		live_descs++;
	}
	return d;
}

void leak_desc_get(struct leak_desc *d)
{
	d->refs++;
}

static void desc_free(struct leak_desc *d)
{
	if (d->report) {
		free(d->report->holders);
		free(d->report->target);
		free(d->report);
	}
	live_descs--;
	free(d);
}

static void pending_unlink(struct leak_desc *d)
{
	struct leak_report *r = d->report;
	if (r->prev)
		r->prev->report->next = r->next;
	else
		pending_head = r->next;
	if (r->next)
		r->next->report->prev = r->prev;
	else
		pending_tail = r->prev;
	r->prev = r->next = NULL;
}

/* Ready descriptions wait here for leak_descs_drain: a description's last
 * reference may go in the middle of a table's release, where no report can
 * be written yet. */
static struct leak_desc *ready_head, *ready_tail;

void leak_desc_put(struct leak_desc *d)
{
	if (!d || --d->refs)
		return;
	if (!d->report || !d->report->n_holders) {
		desc_free(d);
		return;
	}
	pending_unlink(d);
	d->report->next = NULL;
	d->report->prev = ready_tail;
	if (ready_tail)
		ready_tail->report->next = d;
	else
		ready_head = d;
	ready_tail = d;
}

static int grow_holders(struct leak_report *r)
{
	unsigned cap = r->cap_holders ? r->cap_holders * 2 : 2;
	struct leak_holder *h = realloc(r->holders, cap * sizeof(*h));
	if (!h)
		return -ENOMEM;
	r->holders = h;
	r->cap_holders = cap;
	return 0;
}

static void pending_append(struct leak_desc *d)
{
	d->report->prev = pending_tail;
	if (pending_tail)
		pending_tail->report->next = d;
	else
		pending_head = d;
	pending_tail = d;
}

static bool better_primary(const struct leak_desc *d, const struct leak_holder *h)
{
	const struct leak_holder *p = &d->report->holders[d->report->primary];
	return d->origin == LEAK_MADE && h->pid == d->made.pid && p->pid != d->made.pid;
}

int leak_desc_add_holder(struct leak_desc *d, const struct leak_holder *h)
{
	if (!d->report && !(d->report = calloc(1, sizeof(*d->report))))
		return -ENOMEM;
	struct leak_report *r = d->report;
	if (r->n_holders == r->cap_holders && grow_holders(r) < 0)
		return -ENOMEM;
	if (r->n_holders == 0 && d->refs)
		pending_append(d);
	r->holders[r->n_holders++] = *h;
	if (r->n_holders == 1 || better_primary(d, h)) {
		r->primary = r->n_holders - 1;
		return 1;
	}
	return 0;
}

/* Reports come in the order of their holders: by pid, then fd (a batch's
 * last references go in a table's hash order). */
static int by_holder(const void *a, const void *b)
{
	const struct leak_report *x = (*(struct leak_desc *const *)a)->report;
	const struct leak_report *y = (*(struct leak_desc *const *)b)->report;
	const struct leak_holder *hx = &x->holders[x->primary], *hy = &y->holders[y->primary];
	if (hx->pid != hy->pid)
		return hx->pid < hy->pid ? -1 : 1;
	return (hx->fd > hy->fd) - (hx->fd < hy->fd);
}

/* The descriptions of a list, sorted; NULL (and *n 0) when there are none
 * or no memory: then the list's own order is used. */
static struct leak_desc **sorted(struct leak_desc *head, size_t *n)
{
	size_t count = 0;
	for (struct leak_desc *d = head; d; d = d->report->next)
		count++;
	struct leak_desc **v = count ? malloc(count * sizeof(*v)) : NULL;
	*n = 0;
	for (struct leak_desc *d = head; v && d; d = d->report->next)
		v[(*n)++] = d;
	if (v)
		qsort(v, *n, sizeof(*v), by_holder);
	return v;
}

/* A description still referred to, reported at the end: freed with its
 * last reference, as one with no holders. */
static void report_pending(struct leak_desc *d, void (*fn)(struct leak_desc *, void *), void *arg)
{
	pending_unlink(d);
	fn(d, arg);
	d->report->n_holders = 0;
}

void leak_desc_report_now(struct leak_desc *d, void (*fn)(struct leak_desc *, void *), void *arg)
{
	if (d->report && d->report->n_holders)
		report_pending(d, fn, arg);
}

void leak_descs_drain(bool all, void (*fn)(struct leak_desc *d, void *arg), void *arg)
{
	size_t n;
	struct leak_desc **v;
	if (all) { /* the end: what is still referred to goes now */
		v = sorted(pending_head, &n);
		for (size_t i = 0; i < n; i++)
			report_pending(v[i], fn, arg);
		while (pending_head) /* no memory to sort them: in list order */
			report_pending(pending_head, fn, arg);
		free(v);
	}
	v = sorted(ready_head, &n);
	if (v)
		ready_head = ready_tail = NULL;
	for (size_t i = 0; i < n; i++) {
		fn(v[i], arg);
		desc_free(v[i]);
	}
	free(v);
	while (ready_head) { /* no memory to sort them */
		struct leak_desc *d = ready_head;
		ready_head = d->report->next;
		if (!ready_head)
			ready_tail = NULL;
		fn(d, arg);
		desc_free(d);
	}
}

size_t leak_descs_live(void)
{
	return live_descs;
}

/* ---- records ----------------------------------------------------------- */

struct leak_rec *leak_rec_new(int fd, struct leak_desc *d, const struct leak_site *installed,
			      unsigned image)
{
	struct leak_rec *r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	if (installed && !(r->installed = malloc(sizeof(*r->installed)))) {
		free(r);
		return NULL;
	}
	if (installed)
		*r->installed = *installed;
	r->refs = 1;
	r->fd = fd;
	r->image = image;
	r->desc = d;
	leak_desc_get(d);
	live_records++;
	return r;
}

void leak_rec_put(struct leak_rec *r)
{
	if (r && --r->refs == 0) {
		live_records--;
		leak_desc_put(r->desc);
		free(r->installed);
		free(r);
	}
}

size_t leak_records_live(void)
{
	return live_records;
}

/* ---- tables ------------------------------------------------------------ */

struct leak_table *leak_table_new(void)
{
	struct leak_table *t = calloc(1, sizeof(*t));
	if (t)
		t->refs = 1;
	return t;
}

/* Knuth's multiplicative hash: the product's high bits (its low bits
 * would keep fds that differ by a multiple of cap in one chain). */
static size_t home_of(int fd, size_t cap)
{
	return ((uint32_t)fd * 2654435761u) >> (32 - __builtin_ctzl(cap));
}

/* The slot of fd, or the empty slot where it would go. */
static struct leak_rec **probe(const struct leak_table *t, int fd)
{
	size_t i = home_of(fd, t->cap);
	while (t->slot[i] && t->slot[i]->fd != fd)
		i = (i + 1) & (t->cap - 1);
	return &t->slot[i];
}

static int rehash(struct leak_table *t, size_t cap)
{
	struct leak_rec **old = t->slot;
	size_t old_cap = t->cap;
	t->slot = calloc(cap, sizeof(*t->slot));
	if (!t->slot) {
		t->slot = old;
		return -ENOMEM;
	}
	t->cap = cap;
	for (size_t i = 0; i < old_cap; i++)
		if (old[i])
			*probe(t, old[i]->fd) = old[i];
	free(old);
	return 0;
}

struct leak_table *leak_table_copy(const struct leak_table *src)
{
	struct leak_table *t = leak_table_new();
	if (!t || !src || !src->cap)
		return t;
	t->slot = malloc(src->cap * sizeof(*t->slot));
	if (!t->slot) {
		free(t);
		return NULL;
	}
	memcpy(t->slot, src->slot, src->cap * sizeof(*t->slot));
	t->cap = src->cap;
	t->used = src->used;
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i])
			t->slot[i]->refs++;
	return t;
}

void leak_table_put(struct leak_table *t)
{
	if (!t || --t->refs)
		return;
	for (size_t i = 0; i < t->cap; i++)
		leak_rec_put(t->slot[i]);
	free(t->slot);
	free(t);
}

int leak_table_set(struct leak_table *t, struct leak_rec *r)
{
	int rc = r->fd < 0 || r->fd >= MAX_FD ? -EINVAL : 0;
	if (!rc && (t->used + 1) * 2 > t->cap) /* at most half full */
		rc = rehash(t, t->cap ? t->cap * 2 : 16);
	if (rc < 0) {
		leak_rec_put(r);
		return rc;
	}
	struct leak_rec **s = probe(t, r->fd);
	if (*s)
		leak_rec_put(*s);
	else
		t->used++;
	*s = r;
	return 0;
}

struct leak_rec *leak_table_get(const struct leak_table *t, int fd)
{
	if (!t || !t->cap || fd < 0)
		return NULL;
	return *probe(t, fd);
}

/* ---- interned strings --------------------------------------------------- */

#define INTERN_BUCKETS 256u

struct interned {
	struct interned *next;
	char s[];
};

static struct interned *interned[INTERN_BUCKETS];

static unsigned hash_str(const char *s)
{
	unsigned h = 2166136261u; /* FNV-1a */
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

const char *leak_intern(const char *s)
{
	if (!s)
		return NULL;
	struct interned **b = &interned[hash_str(s) & (INTERN_BUCKETS - 1)];
	for (struct interned *i = *b; i; i = i->next)
		if (strcmp(i->s, s) == 0)
			return i->s;
	size_t n = strlen(s);
	struct interned *i = malloc(sizeof(*i) + n + 1);
	if (!i)
		return NULL;
	memcpy(i->s, s, n + 1);
	i->next = *b;
	*b = i;
	return i->s;
}

void leak_intern_free_all(void)
{
	for (unsigned b = 0; b < INTERN_BUCKETS; b++) {
		while (interned[b]) {
			struct interned *i = interned[b];
			interned[b] = i->next;
			free(i);
		}
	}
}
