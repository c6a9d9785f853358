/* procfd-trace: translating pids between pid namespaces.
 *
 * What "/proc/7/fd/3" means depends on the procfs mounted at the tracee's
 * /proc, not on procfd-trace's: so the probe walks the tracee's own tree,
 * /proc/<tid>/root/proc/7. Whether that procfs numbers processes as ours does
 * is asked of the procfs itself: its "self" names us by our own pid only if
 * it is a procfs of our pid namespace. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "tracer/plugins/procfd/procfd.h"

#include "procfd/procfs.h"

static ino_t pidns_inode(pid_t tid)
{
	struct pfd_path p;
	struct stat st;
	pfd_path_init(&p, "/proc/");
	if (tid)
		pfd_path_int(&p, tid);
	else
		pfd_path_puts(&p, "self");
	pfd_path_puts(&p, "/ns/pid");
	return stat(p.s, &st) == 0 ? st.st_ino : 0;
}

/* The innermost id: the one the thread has in its own namespace. */
static pid_t inner_id(pid_t tid)
{
	struct pfd_proc_status st;
	if (pfd_read_proc_status(tid, &st) < 0 || st.nspid_count == 0)
		return tid;
	return st.nspid[st.nspid_count - 1];
}

/* Whether the caller's process is in another pid namespace, and its pid
 * there: asked once per process (a task never changes its own pid
 * namespace), when the plugin keeps state for it. */
static void caller_pidns(const struct pfd_annot *ev, bool *in_pidns, pid_t *ns_pid)
{
	static ino_t ours;
	struct pfd_dirs *d = ev->dirs;
	if (d && d->pidns_known) {
		*in_pidns = d->in_pidns;
		*ns_pid = d->ns_pid;
		return;
	}
	if (!ours)
		ours = pidns_inode(0);
	ino_t theirs = pidns_inode(ev->call->tid);
	*in_pidns = theirs && ours && theirs != ours;
	*ns_pid = *in_pidns ? inner_id(ev->call->pid) : 0;
	if (d && theirs && ours) {
		d->pidns_known = true;
		d->in_pidns = *in_pidns;
		d->ns_pid = *ns_pid;
	}
}

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

/* A tracee can mount anything over its /proc (unshare -rm, then a tmpfs or
 * a bind mount): the probe of procfd-trace's /proc would then describe a
 * link the tracee never touched. Its /proc is asked directly, through its
 * root, which the kernel resolves in its mount namespace. The answer is kept
 * with the root's dirfd, as the numbering fact is: every call that can
 * change what is mounted there is trapped and makes it stale
 * (procfd_dirs.c), so the statfs is paid once per thread, not per call. */
bool pfd_caller_proc_is_procfs(struct pfd_dirs *d, pid_t tid, unsigned long *f_type)
{
	struct pfd_dirs_root *r = pfd_dirs_root(d, tid);
	if (r && r->proc_f_type_known) {
		*f_type = r->proc_f_type;
		return *f_type == PROC_SUPER_MAGIC;
	}
	struct pfd_path path;
	struct statfs sf;
	pfd_path_init(&path, "/proc/");
	pfd_path_int(&path, tid);
	pfd_path_puts(&path, "/root/proc");
	if (statfs(path.s, &sf) < 0) {
		*f_type = 0;
		return true; /* not known: probe as before, the probe says what it finds */
	}
	*f_type = (unsigned long)sf.f_type;
	if (r) {
		r->proc_f_type = *f_type;
		r->proc_f_type_known = true;
	}
	return *f_type == PROC_SUPER_MAGIC;
}


void pfd_pidns_caller(struct pfd_annot *ev)
{
	caller_pidns(ev, &ev->in_pidns, &ev->ns_pid);
	if (ev->in_pidns)
		ev->ns_tid = ev->call->tid == ev->call->pid ? ev->ns_pid : inner_id(ev->call->tid);
}

/* Does the procfs at the caller's /proc name us by our own pid? */
static bool ask_same_numbering(const struct pfd_dirs_root *r, pid_t caller)
{
	struct pfd_path path, mine;
	char buf[32];
	if (r) {
		pfd_path_init(&path, "proc/self");
	} else {
		pfd_path_init(&path, "/proc/");
		pfd_path_int(&path, caller);
		pfd_path_puts(&path, "/root/proc/self");
	}
	ssize_t n = readlinkat(r ? r->fd : AT_FDCWD, path.s, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	pfd_path_init(&mine, "");
	pfd_path_int(&mine, getpid());
	return strcmp(buf, mine.s) == 0;
}

/* The answer is kept with the caller's root dirfd: it lasts as long as the
 * root and its mounts (procfd_dirs.c drops it when they may change). */
static bool same_numbering(struct pfd_dirs *d, pid_t caller)
{
	struct pfd_dirs_root *r = pfd_dirs_root(d, caller);
	if (r && r->numbering != PFD_NUMBERING_UNKNOWN)
		return r->numbering == PFD_NUMBERING_SAME;
	bool same = ask_same_numbering(r, caller);
	if (r)
		r->numbering = same ? PFD_NUMBERING_SAME : PFD_NUMBERING_DIFFERENT;
	return same;
}

/* The entry of dir (/proc, or /proc/PID/task) whose task has innermost id
 * ns_id, in pid namespace ns (0: any). Our id for it, or 0 when none. */
static pid_t find_by_inner_id(const char *dir, pid_t ns_id, ino_t ns)
{
	pid_t found = 0;
	DIR *d = opendir(dir);
	if (!d)
		return 0;
	struct dirent *e;
	while (!found && (e = readdir(d))) {
		pid_t id = (pid_t)strtol(e->d_name, NULL, 10);
		if (id > 0 && (!ns || pidns_inode(id) == ns) && inner_id(id) == ns_id)
			found = id;
	}
	closedir(d);
	return found;
}

/* Our pid for the process numbered ns_pid in the caller's namespace (a
 * process of a deeper namespace is not searched). */
static pid_t global_pid(pid_t caller, pid_t ns_pid)
{
	return find_by_inner_id("/proc", ns_pid, pidns_inode(caller));
}

/* Our tid for the thread numbered ns_tid inside our process pid. */
static pid_t global_tid(pid_t pid, pid_t ns_tid)
{
	struct pfd_path path;
	pfd_path_init(&path, "/proc/");
	pfd_path_int(&path, pid);
	pfd_path_puts(&path, "/task");
	return pid ? find_by_inner_id(path.s, ns_tid, 0) : 0;
}

/* The caller's inner pid or tid: pfd_pidns_caller read them already when
 * the caller is in another namespace. */
static pid_t caller_inner(const struct pfd_annot *ev, pid_t id)
{
	if (ev->in_pidns)
		return id == ev->call->tid ? ev->ns_tid : ev->ns_pid;
	return inner_id(id);
}

static void set_dir(struct pfd_link *l, const char *root, pid_t pid, pid_t tid)
{
	struct pfd_path p;
	pfd_path_init(&p, root);
	pfd_path_puts(&p, "/proc/");
	pfd_path_int(&p, pid);
	if (tid || l->has_task) {
		pfd_path_puts(&p, "/task/");
		pfd_path_int(&p, tid);
	}
	memcpy(l->proc_dir, p.s, p.len + 1 < sizeof(l->proc_dir) ? p.len + 1 : sizeof(l->proc_dir));
	l->proc_dir[sizeof(l->proc_dir) - 1] = '\0';
}

void pfd_pidns_link_dir(const struct pfd_annot *ev, struct pfd_link *l,
			const struct pfd_path_class *pc)
{
	bool numbers = pc->owner == PFD_OWNER_PID || pc->task >= 0;

	l->ns_translated = false;
	/* self and thread-self alone always name the caller, whose ids we know. */
	if (!numbers || same_numbering(ev->dirs, ev->call->tid)) {
		set_dir(l, "", l->pid, l->tid);
		return;
	}
	pid_t ns_pid = pc->owner == PFD_OWNER_PID ? (pid_t)pc->pid : caller_inner(ev, ev->call->pid);
	pid_t ns_tid = pc->task >= 0 ? (pid_t)pc->task
				     : pc->owner == PFD_OWNER_THREAD_SELF ? caller_inner(ev, ev->call->tid)
									 : 0;
	struct pfd_path root;
	pfd_path_init(&root, "/proc/");
	pfd_path_int(&root, ev->call->tid);
	pfd_path_puts(&root, "/root");
	set_dir(l, root.s, ns_pid, ns_tid);
	l->ns_translated = true;
	l->ns_pid = ns_pid;
	l->ns_tid = ns_tid;
	l->pid = pc->owner == PFD_OWNER_PID ? global_pid(ev->call->tid, ns_pid) : ev->call->pid;
	l->tid = ns_tid ? global_tid(l->pid, ns_tid) : 0;
}
