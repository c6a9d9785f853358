/* procfd-trace: the thread table, a small chained hash. */
#include <stdlib.h>

#include "tracer/proctab.h"

#define BUCKETS 1024u /* power of two; thousands of threads stay cheap */

static struct tcb *bucket[BUCKETS];
static size_t count;

static struct tcb **slot(pid_t tid)
{
	return &bucket[(unsigned)tid & (BUCKETS - 1)];
}

struct tcb *pfd_tcb_find(pid_t tid)
{
	for (struct tcb *t = *slot(tid); t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void link_tcb(struct tcb *t)
{
	struct tcb **s = slot(t->tid);
	t->next = *s;
	*s = t;
}

static void unlink_tcb(struct tcb *t)
{
	for (struct tcb **p = slot(t->tid); *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			return;
		}
	}
}

struct tcb *pfd_tcb_add(pid_t tid)
{
	struct tcb *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	link_tcb(t);
	count++;
	return t;
}

void pfd_tcb_drop(struct tcb *t)
{
	unlink_tcb(t);
	count--;
	free(t->ev);
	free(t);
}

void pfd_tcb_rekey(struct tcb *t, pid_t new_tid)
{
	unlink_tcb(t);
	t->tid = new_tid;
	link_tcb(t);
}

size_t pfd_tcb_count(void)
{
	return count;
}

void pfd_tcb_foreach(void (*fn)(struct tcb *t, void *arg), void *arg)
{
	for (unsigned i = 0; i < BUCKETS; i++) {
		struct tcb *next;
		for (struct tcb *t = bucket[i]; t; t = next) {
			next = t->next; /* fn may drop t */
			fn(t, arg);
		}
	}
}

struct pfd_syscall_event *pfd_tcb_event(struct tcb *t)
{
	if (!t->ev)
		t->ev = malloc(sizeof(*t->ev));
	return t->ev;
}
