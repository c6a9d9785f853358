/* procfd-trace: the /proc directories the probe keeps open per process.
 *
 * Every annotation walks /proc/PID (readlink, stat and fdinfo of fd/N) and
 * the caller's root (/proc/TID/root/TEXT, twice for a deleted file). Walking
 * those prefixes again for each call was half the probe's time; an O_PATH
 * dirfd on /proc/PID and one on the root of each calling thread make each
 * probe a lookup of the last components only.
 *
 * A root dirfd pins the root the thread had when it was opened, so it must
 * not outlive a change of root: every call that can change one (chroot,
 * pivot_root, setns, unshare; mounts, for the facts cached with a root, what
 * is mounted at its /proc and whether that procfs numbers as ours) is
 * trapped, and
 * while one is in flight nothing cached is used; when it is over, every
 * process's cache is stale (pivot_root changes other processes' roots, a
 * chroot every thread sharing the fs). Exec and exit close the process's
 * fds (procfd.c).
 *
 * The fdinfo files of the fds last probed are kept open too (open, read and
 * close were three of a probe's syscalls): procfs looks the number up again
 * at each read, so a pread at offset 0 of a kept one reads the fd's flags as
 * they are now, whatever file holds the number by then (ENOENT while none
 * does). The fds are the tracer's own, O_CLOEXEC, and bounded in
 * number: past PFD_DIRS_MAX_FDS the least recently used process's are
 * closed. */
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "tracer/plugins/procfd/procfd.h"

static unsigned generation = 1; /* bumped by every change of root or mounts */
static unsigned changes_in_flight;
static unsigned open_fds;
static struct pfd_dirs *lru_head, *lru_tail; /* most recently used first */

void pfd_dirs_change_begin(void)
{
	changes_in_flight++;
	generation++;
}

void pfd_dirs_change_end(void)
{
	if (changes_in_flight)
		changes_in_flight--;
	generation++;
}

bool pfd_dirs_fresh(unsigned gen)
{
	return gen == generation && changes_in_flight == 0;
}

unsigned pfd_dirs_generation(void)
{
	return generation;
}

unsigned pfd_dirs_open_fds(void)
{
	return open_fds;
}

static void lru_unlink(struct pfd_dirs *d)
{
	if (!d->linked)
		return;
	*(d->prev ? &d->prev->next : &lru_head) = d->next;
	*(d->next ? &d->next->prev : &lru_tail) = d->prev;
	d->prev = d->next = NULL;
	d->linked = false;
}

static void lru_touch(struct pfd_dirs *d)
{
	if (d->linked && lru_head == d)
		return;
	lru_unlink(d);
	d->next = lru_head;
	*(lru_head ? &lru_head->prev : &lru_tail) = d;
	lru_head = d;
	d->linked = true;
}

static void close_fd(bool *is_open, int fd)
{
	if (*is_open) {
		close(fd);
		open_fds--;
		*is_open = false;
	}
}

static void drop_root(struct pfd_dirs_root *r)
{
	close_fd(&r->open, r->fd);
	r->tid = 0;
	r->numbering = PFD_NUMBERING_UNKNOWN;
	r->proc_f_type_known = false;
}

static void drop_fdinfos(struct pfd_dirs *d, bool all, pid_t task)
{
	for (size_t i = 0; i < PFD_DIRS_FDINFOS; i++)
		if (all || d->fdinfos[i].task == task)
			close_fd(&d->fdinfos[i].open, d->fdinfos[i].fd);
}

void pfd_dirs_drop(struct pfd_dirs *d)
{
	close_fd(&d->proc_open, d->proc_fd);
	drop_fdinfos(d, true, 0);
	for (size_t i = 0; i < PFD_DIRS_ROOTS; i++)
		drop_root(&d->roots[i]);
	d->pidns_known = false;
	lru_unlink(d);
}

void pfd_dirs_drop_thread(struct pfd_dirs *d, pid_t tid)
{
	for (size_t i = 0; i < PFD_DIRS_ROOTS; i++)
		if (d->roots[i].tid == tid)
			drop_root(&d->roots[i]);
	drop_fdinfos(d, false, tid); /* the process's own (task 0) stay */
}

/* Room for one more fd: the least recently used other process gives its up. */
static void make_room(struct pfd_dirs *keep)
{
	struct pfd_dirs *victim = lru_tail;
	if (open_fds < PFD_DIRS_MAX_FDS)
		return;
	if (victim == keep)
		victim = victim->prev;
	if (victim)
		pfd_dirs_drop(victim);
}

/* An O_PATH directory fd on path, counted; -1 when it cannot be opened
 * (the caller then walks the path itself). */
static int open_dir(struct pfd_dirs *d, const char *path, bool *is_open)
{
	make_room(d);
	int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*is_open = true;
	open_fds++;
	return fd;
}

int pfd_dirs_proc_fd(struct pfd_dirs *d, pid_t pid)
{
	if (!d)
		return -1;
	if (d->proc_open && d->pid != pid) {
		close_fd(&d->proc_open, d->proc_fd);
		drop_fdinfos(d, true, 0); /* they were another process's */
	}
	if (!d->proc_open) {
		struct pfd_path p;
		pfd_path_init(&p, "/proc/");
		pfd_path_int(&p, pid);
		d->proc_fd = open_dir(d, p.s, &d->proc_open);
		d->pid = pid;
		if (!d->proc_open)
			return -1;
	}
	lru_touch(d);
	return d->proc_fd;
}

/* The slot of tid, fresh; else tid's stale one or the least recently used
 * one, emptied. */
static struct pfd_dirs_root *root_slot(struct pfd_dirs *d, pid_t tid)
{
	struct pfd_dirs_root *mine = NULL, *oldest = &d->roots[0];
	for (size_t i = 0; i < PFD_DIRS_ROOTS; i++) {
		struct pfd_dirs_root *r = &d->roots[i];
		if (r->open && r->tid == tid)
			mine = r;
		else if (r->used < oldest->used)
			oldest = r;
	}
	if (mine && pfd_dirs_fresh(mine->gen))
		return mine;
	struct pfd_dirs_root *r = mine ? mine : oldest;
	drop_root(r);
	return r;
}

struct pfd_dirs_root *pfd_dirs_root(struct pfd_dirs *d, pid_t tid)
{
	if (!d || changes_in_flight)
		return NULL; /* the root may be changing under us: walk the path */
	struct pfd_dirs_root *r = root_slot(d, tid);
	if (!r->open) {
		struct pfd_path p;
		pfd_path_init(&p, "/proc/");
		pfd_path_int(&p, tid);
		pfd_path_puts(&p, "/root");
		r->fd = open_dir(d, p.s, &r->open);
		if (!r->open)
			return NULL;
		r->tid = tid;
		r->gen = generation;
	}
	r->used = ++d->uses;
	lru_touch(d);
	return r;
}

/* The slot kept for (task, num), or the least recently used one, emptied. */
static struct pfd_dirs_fdinfo *fdinfo_slot(struct pfd_dirs *d, pid_t task, int num)
{
	struct pfd_dirs_fdinfo *oldest = &d->fdinfos[0];
	for (size_t i = 0; i < PFD_DIRS_FDINFOS; i++) {
		struct pfd_dirs_fdinfo *f = &d->fdinfos[i];
		if (f->open && f->task == task && f->num == num)
			return f;
		if (!f->open || (oldest->open && f->used < oldest->used))
			oldest = f;
	}
	close_fd(&oldest->open, oldest->fd);
	return oldest;
}

static int open_fdinfo(struct pfd_dirs *d, struct pfd_dirs_fdinfo *f, pid_t task, int num)
{
	struct pfd_path p;
	pfd_path_init(&p, "");
	if (task) {
		pfd_path_puts(&p, "task/");
		pfd_path_int(&p, task);
		pfd_path_puts(&p, "/");
	}
	pfd_path_puts(&p, "fdinfo/");
	pfd_path_int(&p, num);
	make_room(d);
	int fd = openat(d->proc_fd, p.s, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	*f = (struct pfd_dirs_fdinfo){ .open = true, .fd = fd, .task = task, .num = num };
	open_fds++;
	return 0;
}

int pfd_dirs_fdinfo(struct pfd_dirs *d, pid_t task, int num)
{
	if (!d || !d->proc_open)
		return -1;
	struct pfd_dirs_fdinfo *f = fdinfo_slot(d, task, num);
	if (!f->open && open_fdinfo(d, f, task, num) < 0)
		return -1;
	f->used = ++d->uses;
	lru_touch(d);
	return f->fd;
}

/* ---- path building, without printf ------------------------------------- */

void pfd_path_init(struct pfd_path *p, const char *s)
{
	p->len = 0;
	p->overflow = false;
	p->s[0] = '\0';
	pfd_path_puts(p, s);
}

void pfd_path_put(struct pfd_path *p, const char *s, size_t n)
{
	if (p->overflow || n >= sizeof(p->s) - p->len) {
		p->overflow = true;
		return;
	}
	memcpy(p->s + p->len, s, n);
	p->len += n;
	p->s[p->len] = '\0';
}

void pfd_path_puts(struct pfd_path *p, const char *s)
{
	pfd_path_put(p, s, strlen(s));
}

void pfd_path_int(struct pfd_path *p, long v)
{
	char d[24];
	size_t n = sizeof(d);
	unsigned long u = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
	do {
		d[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		d[--n] = '-';
	pfd_path_put(p, d + n, sizeof(d) - n);
}
