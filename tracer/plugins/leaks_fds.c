/* procfd-trace: creation records of fds, per fd table.
 *
 * A table is an array indexed by fd: fds are small and dense (the kernel
 * hands out the lowest free number), so a slot per number is the cheapest
 * map, and it grows to the highest fd used. A forked child gets a copy that
 * shares the records; a CLONE_FILES child shares the table itself. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "procfd/leaks_track.h"

#define MAX_FD (1 << 24) /* past the kernel's nr_open limit (1 << 20 by default) */

_Static_assert(sizeof(struct leak_rec) <= 56, "struct leak_rec grew: 100k of them are live");

static size_t live_records;

struct leak_rec *leak_rec_new(void)
{
	struct leak_rec *r = calloc(1, sizeof(*r));
	if (r) {
		r->refs = 1;
		live_records++;
	}
	return r;
}

void leak_rec_put(struct leak_rec *r)
{
	if (r && --r->refs == 0) {
		live_records--;
		free(r);
	}
}

size_t leak_records_live(void)
{
	return live_records;
}

struct leak_table *leak_table_new(void)
{
	struct leak_table *t = calloc(1, sizeof(*t));
	if (t)
		t->refs = 1;
	return t;
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
	t->cap = src->cap;
	for (size_t i = 0; i < t->cap; i++) {
		t->slot[i] = src->slot[i];
		if (t->slot[i])
			t->slot[i]->refs++;
	}
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

static int grow(struct leak_table *t, size_t need)
{
	size_t cap = t->cap ? t->cap : 64;
	while (cap < need)
		cap *= 2;
	struct leak_rec **s = realloc(t->slot, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	memset(s + t->cap, 0, (cap - t->cap) * sizeof(*s));
	t->slot = s;
	t->cap = cap;
	return 0;
}

int leak_table_set(struct leak_table *t, struct leak_rec *r)
{
	int fd = r->fd;
	int rc = fd < 0 || fd >= MAX_FD ? -EINVAL
		 : (size_t)fd >= t->cap ? grow(t, (size_t)fd + 1) : 0;
	if (rc < 0) {
		leak_rec_put(r);
		return rc;
	}
	leak_rec_put(t->slot[fd]);
	t->slot[fd] = r;
	return 0;
}

struct leak_rec *leak_table_get(const struct leak_table *t, int fd)
{
	if (!t || fd < 0 || (size_t)fd >= t->cap)
		return NULL;
	return t->slot[fd];
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
