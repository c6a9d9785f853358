/* procfd-trace: the thread and process tables, two small chained hashes. */
#include <errno.h>
#include <stdlib.h>

#include "tracer/engine/proctab.h"
#include "tracer/engine/say.h"

#define BUCKETS 1024u /* power of two; thousands of threads stay cheap */

static tcb_t *bucket[BUCKETS];
static struct pfd_proc *proc_bucket[BUCKETS];
static size_t count;
static void (*release_hook)(struct pfd_proc *p);

static tcb_t **slot(pid_t tid)
{
	return &bucket[(unsigned)tid & (BUCKETS - 1)];
}

static struct pfd_proc **proc_slot(pid_t pid)
{
	return &proc_bucket[(unsigned)pid & (BUCKETS - 1)];
}

tcb_t *pfd_tcb_find(pid_t tid)
{
	for (tcb_t *t = *slot(tid); t; t = t->next)
		if (t->tid == tid)
			return t;
	return NULL;
}

static void link_tcb(tcb_t *t)
{
	tcb_t **s = slot(t->tid);
	t->next = *s;
	*s = t;
}

static void unlink_tcb(tcb_t *t)
{
	for (tcb_t **p = slot(t->tid); *p; p = &(*p)->next) {
		if (*p == t) {
			*p = t->next;
			return;
		}
	}
}

tcb_t *pfd_tcb_add(pid_t tid)
{
	tcb_t *t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tid = tid;
	link_tcb(t);
	count++;
	return t;
}

struct pfd_proc *pfd_proc_find(pid_t pid)
{
	for (struct pfd_proc *p = *proc_slot(pid); p; p = p->next)
		if (p->pid == pid)
			return p;
	return NULL;
}

void pfd_proctab_on_release(void (*fn)(struct pfd_proc *p))
{
	release_hook = fn;
}

static void proc_put(struct pfd_proc *p)
{
	if (--p->threads)
		return;
	for (struct pfd_proc **pp = proc_slot(p->pid); *pp; pp = &(*pp)->next) {
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	}
	if (release_hook)
		release_hook(p);
	pfd_say_forget(p);
	free(p->exe);
	free(p);
}

int pfd_tcb_join_proc(tcb_t *t, pid_t pid)
{
	if (t->proc && t->proc->pid == pid)
		return 0;
	struct pfd_proc *p = pfd_proc_find(pid);
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return -ENOMEM;
		p->pid = pid;
		struct pfd_proc **s = proc_slot(pid);
		p->next = *s;
		*s = p;
	}
	if (t->proc) {
		if (!(t->flags & TCB_EXITING))
			t->proc->live--;
		proc_put(t->proc);
	}
	p->threads++;
	if (!(t->flags & TCB_EXITING))
		p->live++;
	t->proc = p;
	t->tgid = pid;
	return 0;
}

void pfd_tcb_drop(tcb_t *t)
{
	unlink_tcb(t);
	count--;
	if (t->proc) {
		if (!(t->flags & TCB_EXITING))
			t->proc->live--;
		proc_put(t->proc);
	}
	free(t);
}

void pfd_tcb_rekey(tcb_t *t, pid_t new_tid)
{
	unlink_tcb(t);
	t->tid = new_tid;
	link_tcb(t);
}

size_t pfd_tcb_count(void)
{
	return count;
}

void pfd_tcb_foreach(void (*fn)(tcb_t *t, void *arg), void *arg)
{
	for (unsigned i = 0; i < BUCKETS; i++) {
		tcb_t *next;
		for (tcb_t *t = bucket[i]; t; t = next) {
			next = t->next; /* fn may drop t */
			fn(t, arg);
		}
	}
}

void pfd_proc_foreach(void (*fn)(struct pfd_proc *p, void *arg), void *arg)
{
	for (unsigned i = 0; i < BUCKETS; i++) {
		struct pfd_proc *next;
		for (struct pfd_proc *p = proc_bucket[i]; p; p = next) {
			next = p->next;
			fn(p, arg);
		}
	}
}
