/* procfd-trace: probing /proc/<pid>/fd/<N> from the tracer.
 *
 * Deleted is decided by the link count of the held inode (stat through the
 * magic link), and the text is compared by (dev, ino) with what it names in
 * the tracee's root: the " (deleted)" suffix alone cannot decide, since a
 * live file may be named "x (deleted)" and the suffix also marks one removed
 * hard link of an inode that lives on. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracer/plugins/procfd/procfd.h"
#include "procfd/procfs.h"


#define DELETED_SUFFIX " (deleted)"
#define DELETED_SUFFIX_LEN (sizeof(DELETED_SUFFIX) - 1)

static bool starts_with(const char *s, size_t len, const char *prefix)
{
	size_t n = strlen(prefix);
	return len >= n && memcmp(s, prefix, n) == 0;
}

static bool ends_with_deleted(const char *s, size_t len)
{
	return len > DELETED_SUFFIX_LEN &&
	       memcmp(s + len - DELETED_SUFFIX_LEN, DELETED_SUFFIX, DELETED_SUFFIX_LEN) == 0;
}

void pfd_target_take_anon_name(struct pfd_target *t)
{
	const char *anon = "anon_inode:";

	t->anon_name[0] = '\0';
	if (starts_with(t->text, t->text_len, anon)) {
		size_t n = t->text_len - strlen(anon);
		if (n >= sizeof(t->anon_name))
			n = sizeof(t->anon_name) - 1;
		memcpy(t->anon_name, t->text + strlen(anon), n);
		t->anon_name[n] = '\0';
	}
}

/* Where a probe looks from: a directory fd (AT_FDCWD: none) and the path
 * from there to the directory, ending in '/' when not empty ("task/7/",
 * "/proc/7/"). For a root, the prefix comes before a text's leading '/':
 * "." with a root dirfd, "/proc/TID/root" without. */
struct probe_at {
	int dirfd;
	struct pfd_path prefix;
	struct pfd_dirs *kept;  /* dirfd is kept's /proc/PID: its fdinfo files too */
	pid_t task;             /* with kept: the prefix's task/TID, or 0 */
};

/* at's prefix followed by name (len bytes); NULL when too long. */
static const char *at_path(const struct probe_at *at, struct pfd_path *p, const char *name,
			   size_t len)
{
	pfd_path_init(p, at->prefix.s);
	pfd_path_put(p, name, len);
	return p->overflow ? NULL : p->s;
}

/* at's prefix, then what, then the number n ("fd/3", "fdinfo/3"). */
static const char *at_num(const struct probe_at *at, struct pfd_path *p, const char *what, int n)
{
	pfd_path_init(p, at->prefix.s);
	pfd_path_puts(p, what);
	pfd_path_int(p, n);
	return p->overflow ? NULL : p->s;
}

/* stat of name (len bytes) as the tracee would resolve it from its root.
 * 0 or -errno. A symlink held by O_PATH|O_NOFOLLOW is compared unfollowed. */
static int stat_in_root(const struct probe_at *root, const char *name, size_t len,
			bool nofollow, struct stat *st)
{
	struct pfd_path p;
	const char *path = at_path(root, &p, name, len);
	if (!path)
		return -ENAMETOOLONG;
	return fstatat(root->dirfd, path, st, nofollow ? AT_SYMLINK_NOFOLLOW : 0) < 0 ? -errno : 0;
}

static bool same_inode(const struct pfd_target *t, const struct stat *st)
{
	return st->st_ino == t->ino && major(st->st_dev) == t->dev_major &&
	       minor(st->st_dev) == t->dev_minor;
}

static void set_name(struct pfd_target *t, size_t len, bool marked)
{
	memcpy(t->name, t->text, len);
	t->name[len] = '\0';
	t->name_len = len;
	t->name_marked = marked;
}

/* What name leads to, from the tracee's root, compared with the held inode. */
static enum pfd_text_target look_up(struct pfd_target *t, const struct probe_at *root,
				    const char *name, size_t len)
{
	struct stat st;
	int rc = stat_in_root(root, name, len, pfd_fdesc_is_symlink(&t->fdesc), &st);
	if (rc == -ENOENT || rc == -ENOTDIR)
		return PFD_TEXT_MISSING;
	if (rc < 0)
		return PFD_TEXT_UNKNOWN;
	if (same_inode(t, &st))
		return PFD_TEXT_SAME_FILE;
	t->have_other = true;
	t->other_dev_major = major(st.st_dev);
	t->other_dev_minor = minor(st.st_dev);
	t->other_ino = st.st_ino;
	t->other_size = (uint64_t)st.st_size;
	return PFD_TEXT_DIFFERENT_FILE;
}

/* The text is looked up verbatim, as a tool that follows it would; the name
 * without the kernel's marker separately: see the file comment. */
/* Without the lookup (PFD_DESCRIBE_NO_LOOKUP), the name can still be told
 * from the text when the held inode has no link left: then no path names
 * it, so the text cannot name it as it stands and a trailing " (deleted)"
 * is the kernel's. With links left, only a lookup can tell a live file
 * called "x (deleted)" from a removed hard link: true when one is needed. */
static bool name_needs_lookup(struct pfd_target *t)
{
	if (!ends_with_deleted(t->text, t->text_len))
		return false;
	if (t->nlink > 0)
		return true;
	set_name(t, t->text_len - DELETED_SUFFIX_LEN, true);
	return false;
}

static void resolve_text(struct pfd_target *t, const struct probe_at *root, unsigned flags)
{
	set_name(t, t->text_len, false);
	t->name_target = PFD_TEXT_NONE;
	t->have_other = false;
	if (!pfd_fdesc_text_is_path(&t->fdesc)) {
		/* A memfd's text carries the kernel's marker too: it never had a name. */
		if (pfd_fdesc_never_named(&t->fdesc) && ends_with_deleted(t->text, t->text_len))
			set_name(t, t->text_len - DELETED_SUFFIX_LEN, true);
		t->text_target = PFD_TEXT_NOT_A_PATH;
		return;
	}
	if (!t->have_stat) {
		t->text_target = PFD_TEXT_UNKNOWN;
		return;
	}
	if ((flags & PFD_DESCRIBE_NO_LOOKUP) && !name_needs_lookup(t))
		return; /* text_target stays PFD_TEXT_NONE: not looked up */
	t->text_target = look_up(t, root, t->text, t->text_len);
	/* The marker is the kernel's only if the text does not name our inode
	 * as it stands (a live file can be called "x (deleted)"). */
	if (t->text_target != PFD_TEXT_SAME_FILE && ends_with_deleted(t->text, t->text_len)) {
		set_name(t, t->text_len - DELETED_SUFFIX_LEN, true);
		if (t->text_target == PFD_TEXT_DIFFERENT_FILE) {
			/* the verbatim text's other file is the one tools reach:
			 * keep it, and only say what the name names */
			struct pfd_target name_only = { .fdesc.cls = t->fdesc.cls,
							.dev_major = t->dev_major,
							.dev_minor = t->dev_minor, .ino = t->ino };
			t->name_target = look_up(&name_only, root, t->name, t->name_len);
		} else {
			t->name_target = look_up(t, root, t->name, t->name_len);
		}
	}
}

/* fdinfo's text into buf: a pread of the kept file when dir has one, else
 * an open, read and close of the path. */
static ssize_t fdinfo_text(const struct probe_at *dir, int fd, char *buf, size_t size)
{
	int f = dir->kept ? pfd_dirs_fdinfo(dir->kept, dir->task, fd) : -1;
	if (f >= 0)
		return pread(f, buf, size, 0);
	struct pfd_path p;
	const char *path = at_num(dir, &p, "fdinfo/", fd);
	if (!path || (f = openat(dir->dirfd, path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	ssize_t n = read(f, buf, size);
	close(f);
	return n;
}

static void read_fdinfo(struct pfd_target *t, const struct probe_at *dir, int fd)
{
	char buf[512];
	t->have_fdinfo = false;
	ssize_t n = fdinfo_text(dir, fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *flags = strstr(buf, "flags:");
	if (flags) {
		t->fd_flags = strtoull(flags + 6, NULL, 8);
		t->have_fdinfo = true;
	}
}

uint32_t pfd_link_mode_of_flags(uint64_t flags)
{
	uint32_t mode = S_IFLNK;
	if (flags & O_PATH)
		return mode; /* FMODE_PATH alone: neither read nor write */
	unsigned fmode = (unsigned)((flags & O_ACCMODE) + 1) & O_ACCMODE; /* OPEN_FMODE() */
	if (fmode & 1)
		mode |= S_IRUSR | S_IXUSR;
	if (fmode & 2)
		mode |= S_IWUSR | S_IXUSR;
	return mode;
}

/* stat through the link (the held inode). The access mode is what procfs
 * sets the link's permission bits from, the file's f_mode, which the kernel
 * derives from the open flags fdinfo gave: an lstat of the link is needed
 * only when fdinfo could not be read. */
static void stat_link(struct pfd_target *t, const struct probe_at *dir, const char *link)
{
	struct stat st;
	t->have_stat = fstatat(dir->dirfd, link, &st, 0) == 0;
	if (t->have_stat) {
		t->nlink = st.st_nlink;
		t->dev_major = major(st.st_dev);
		t->dev_minor = minor(st.st_dev);
		t->ino = st.st_ino;
		t->mode = st.st_mode;
		t->size = (uint64_t)st.st_size;
		t->blocks = (uint64_t)st.st_blocks;
	}
	if (t->have_fdinfo)
		t->link_mode = pfd_link_mode_of_flags(t->fd_flags);
	else
		t->link_mode = fstatat(dir->dirfd, link, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode : 0;
}

/* Deleted: the held inode has no name left. Only what can have had a name
 * can lose it (the class says: not a pipe, a socket, an anon inode). */
static bool is_deleted(const struct pfd_target *t)
{
	return pfd_fdesc_deletable(&t->fdesc) && t->have_stat && t->nlink == 0;
}

/* With task/TID missing from a live process: is TID a live thread of
 * another process? /proc/P/task lists only P's own threads, so ENOENT there
 * says nothing of whether TID exists (/proc/TID answers for any thread). */
static bool thread_elsewhere(struct pfd_annot *ev)
{
	const struct pfd_link *l = &ev->link;
	struct pfd_proc_status st;
	struct pfd_path p;
	struct stat sb;
	if (!l->has_task || l->ns_translated || l->tid <= 0)
		return false;
	pfd_path_init(&p, "/proc/");
	pfd_path_int(&p, l->pid);
	if (stat(p.s, &sb) < 0 || pfd_read_proc_status(l->tid, &st) < 0 || st.tgid <= 0 ||
	    st.tgid == l->pid)
		return false; /* no such process, or the thread is gone */
	ev->other_tgid = st.tgid;
	return true;
}

/* Why the link could not be read: no fd, no process or thread, or no permission. */
static void classify_probe_error(struct pfd_annot *ev, const char *dir, int err)
{
	struct stat st;
	ev->probe_errno = err;
	if (err == EACCES || err == EPERM)
		ev->probe = PFD_PROBE_DENIED;
	else if (err == ENOENT && stat(dir, &st) == 0)
		ev->probe = PFD_PROBE_NO_FD;
	else if (err == ENOENT && thread_elsewhere(ev))
		ev->probe = PFD_PROBE_NO_THREAD;
	else if (err == ENOENT || err == ESRCH)
		ev->probe = PFD_PROBE_NO_PROCESS;
	else
		ev->probe = PFD_PROBE_FAILED;
	if (ev->probe == PFD_PROBE_NO_FD || ev->probe == PFD_PROBE_NO_PROCESS ||
	    ev->probe == PFD_PROBE_NO_THREAD)
		ev->probe_errno = 0; /* the probe said what it found; no error to show */
}

static void probe_fd_dir(struct pfd_annot *ev, const struct probe_at *dir)
{
	struct pfd_path p;
	struct stat st;
	const char *path = at_path(dir, &p, "fd", 2);
	if (path && fstatat(dir->dirfd, path, &st, 0) == 0)
		ev->probe = PFD_PROBE_OPEN;
	else
		classify_probe_error(ev, ev->link.proc_dir, path ? errno : ENAMETOOLONG);
}

void pfd_target_seen(const struct pfd_target *t, struct pfd_fdesc_seen *seen)
{
	*seen = (struct pfd_fdesc_seen){
		.text = t->text, .text_len = t->text_len, .have_stat = t->have_stat,
		.mode = t->mode, .dev_major = t->dev_major, .dev_minor = t->dev_minor,
		.ino = t->ino, .size = t->size, .nlink = t->nlink,
	};
}

/* The class's facts, read through the /proc directory of the probe (an fd
 * on it is opened when the probe walks paths). Only a holder known to be
 * stopped may have a socket asked through a copy of its fd. */
static void describe_class(const struct probe_at *dir, pid_t pid, int fd, unsigned flags,
			   struct pfd_target *t)
{
	struct pfd_fdesc_ctx *ctx = NULL;
	struct pfd_fdesc_seen seen;
	int proc_dir = dir->prefix.len ? open(dir->prefix.s, O_PATH | O_DIRECTORY | O_CLOEXEC)
				       : dir->dirfd;
	if (!(flags & PFD_DESCRIBE_HOLDER_STOPPED) && (ctx = pfd_fdesc_ctx_new()))
		pfd_fdesc_ctx_copy_fds(ctx, false);
	pfd_target_seen(t, &seen);
	pfd_fdesc_describe_seen(ctx, proc_dir, pid, fd, &seen, &t->fdesc);
	pfd_fdesc_ctx_free(ctx);
	if (dir->prefix.len && proc_dir >= 0)
		close(proc_dir);
}

/* readlink, stat and fdinfo of fd in the /proc directory dir; the text
 * resolved in root unless flags say not to. 0 or -errno of the readlink. */
static int probe_target(const struct probe_at *dir, pid_t pid, int fd,
			const struct probe_at *root, unsigned flags, struct pfd_target *t)
{
	struct pfd_path p;
	const char *link = at_num(dir, &p, "fd/", fd);
	if (!link)
		return -ENAMETOOLONG;
	ssize_t n = readlinkat(dir->dirfd, link, t->text, sizeof(t->text) - 1);
	if (n < 0)
		return -errno;
	t->text[n] = '\0';
	t->text_len = (size_t)n;
	read_fdinfo(t, dir, fd);
	stat_link(t, dir, link);
	pfd_target_take_anon_name(t);
	describe_class(dir, pid, fd, flags, t);
	t->deleted = is_deleted(t);
	resolve_text(t, root, flags);
	return 0;
}

/* A /proc directory to probe from: fd, the caller's kept /proc/PID dirfd,
 * with task's "task/TID/" (0: the process's own) when fd >= 0; else the path
 * dir, walked. */
static void proc_dir_at(int fd, struct pfd_dirs *kept, pid_t task, const char *dir,
			struct probe_at *at)
{
	at->dirfd = fd >= 0 ? fd : AT_FDCWD;
	at->kept = fd >= 0 ? kept : NULL;
	at->task = fd >= 0 ? task : 0;
	if (fd < 0) {
		pfd_path_init(&at->prefix, dir);
		pfd_path_puts(&at->prefix, "/");
	} else if (task) {
		pfd_path_init(&at->prefix, "task/");
		pfd_path_int(&at->prefix, task);
		pfd_path_puts(&at->prefix, "/");
	} else {
		pfd_path_init(&at->prefix, "");
	}
}

/* The link's /proc directory: through the caller's /proc/PID dirfd when the
 * link is the caller's own (self, thread-self, its own pid), else by path. */
static void link_dir_at(const struct pfd_annot *ev, struct probe_at *at)
{
	const struct pfd_link *l = &ev->link;
	int fd = l->ns_translated || l->pid != ev->call->pid ? -1
			: pfd_dirs_proc_fd(ev->dirs, ev->call->pid);
	proc_dir_at(fd, ev->dirs, l->tid, l->proc_dir, at);
}

/* Thread tid's root: its dirfd when kept (d may be NULL), else the path. */
static void root_at(struct pfd_dirs *d, pid_t tid, struct probe_at *at)
{
	struct pfd_dirs_root *r = pfd_dirs_root(d, tid);
	at->dirfd = r ? r->fd : AT_FDCWD;
	at->kept = NULL;
	at->task = 0;
	if (r) {
		pfd_path_init(&at->prefix, ".");
		return;
	}
	pfd_path_init(&at->prefix, "/proc/");
	pfd_path_int(&at->prefix, tid);
	pfd_path_puts(&at->prefix, "/root");
}

void pfd_probe_link(struct pfd_annot *ev)
{
	struct probe_at dir, root;

	ev->other_tgid = 0;
	if (ev->link.has_task && ev->link.tid == 0 && !ev->link.ns_translated) {
		/* "task/0": procfs numbers no thread 0 (the caller's own table
		 * must not be probed in its place) */
		ev->probe = PFD_PROBE_NO_THREAD;
		return;
	}
	link_dir_at(ev, &dir);
	if (ev->link.what == PFD_LINK_FD_DIR) {
		probe_fd_dir(ev, &dir);
		return;
	}
	root_at(ev->dirs, ev->call->tid, &root);
	int rc = probe_target(&dir, ev->link.tid > 0 ? ev->link.tid : ev->link.pid, ev->link.fd,
			      &root, 0, &ev->target);
	if (rc < 0)
		classify_probe_error(ev, ev->link.proc_dir, -rc);
	else
		ev->probe = PFD_PROBE_OPEN;
}

int pfd_describe_fd(pid_t pid, int fd, pid_t root_tid, struct pfd_target *out)
{
	struct probe_at dir = { .dirfd = AT_FDCWD }, root;
	struct stat st;
	pfd_path_init(&dir.prefix, "/proc/");
	pfd_path_int(&dir.prefix, pid);
	pfd_path_puts(&dir.prefix, "/");
	root_at(NULL, root_tid ? root_tid : pid, &root);
	memset(out, 0, sizeof(*out));
	int rc = probe_target(&dir, pid, fd, &root, 0, out);
	if (rc == -ENOENT && stat(dir.prefix.s, &st) < 0)
		rc = -ESRCH;
	return rc;
}

int pfd_fd_dir_open(struct pfd_fd_dir *d, pid_t pid)
{
	struct pfd_path p;
	pfd_path_init(&p, "/proc/");
	pfd_path_int(&p, pid);
	d->pid = pid;
	d->proc_dir = open(p.s, O_PATH | O_DIRECTORY | O_CLOEXEC);
	return d->proc_dir < 0 ? -errno : 0;
}

void pfd_fd_dir_close(struct pfd_fd_dir *d)
{
	if (d->proc_dir >= 0)
		close(d->proc_dir);
	d->proc_dir = -1;
}

/* Each step a readlinkat/fstatat/openat of "fd/N" and "fdinfo/N" on the
 * process's directory: no walk of /proc/PID per step. */
int pfd_describe_fd_in(const struct pfd_fd_dir *d, int fd, pid_t root_tid, unsigned flags,
		       struct pfd_target *out)
{
	struct probe_at dir = { .dirfd = d->proc_dir }, root;
	pfd_path_init(&dir.prefix, "");
	root_at(NULL, root_tid ? root_tid : d->pid, &root);
	memset(out, 0, sizeof(*out));
	return probe_target(&dir, d->pid, fd, &root, flags, out);
}

/* Only a followed open of a probed fd link has an answer to compare: the
 * new fd must hold the inode the link led to at entry. */
static bool verifiable(const struct pfd_annot *ev)
{
	const struct pfd_call *c = ev->call;
	return c->finished && !c->err && c->result >= 0 && c->path->desc->cls == PFD_SC_OPEN &&
	       ev->link.what == PFD_LINK_FD && ev->probe == PFD_PROBE_OPEN &&
	       ev->target.have_stat && pfd_call_follows(ev);
}

void pfd_verify_open(struct pfd_annot *ev)
{
	struct stat st;

	ev->verified = PFD_VERIFY_NOT_DONE;
	if (!verifiable(ev))
		return;
	/* The tracee is stopped at the exit: the fd cannot have been closed
	 * by this thread, but another thread of the process may have. The
	 * thread's fd table, through the process's kept dirfd as the probe's. */
	const struct pfd_call *c = ev->call;
	struct probe_at at;
	struct pfd_path tid_dir, p;
	pfd_path_init(&tid_dir, "/proc/");
	pfd_path_int(&tid_dir, c->tid);
	proc_dir_at(pfd_dirs_proc_fd(ev->dirs, c->pid), ev->dirs, c->tid == c->pid ? 0 : c->tid,
		    tid_dir.s, &at);
	const char *path = at_num(&at, &p, "fd/", (int)c->result);
	if (!path || fstatat(at.dirfd, path, &st, 0) < 0) {
		ev->verified = path && errno == ENOENT ? PFD_VERIFY_NO_FD : PFD_VERIFY_UNKNOWN;
		/* procfs counts a process's threads in its task directory's
		 * link count (2 + threads) */
		pfd_path_puts(&tid_dir, "/task");
		ev->one_thread = ev->verified == PFD_VERIFY_NO_FD &&
				 fstatat(at.dirfd, at.dirfd == AT_FDCWD ? tid_dir.s : "task", &st,
					 0) == 0 && st.st_nlink == 3;
		return;
	}
	ev->got_dev_major = major(st.st_dev);
	ev->got_dev_minor = minor(st.st_dev);
	ev->got_ino = st.st_ino;
	ev->verified = same_inode(&ev->target, &st) ? PFD_VERIFY_SAME : PFD_VERIFY_DIFFERENT;
}

void pfd_recheck_link(struct pfd_annot *ev)
{
	struct probe_at dir;
	struct pfd_path p;
	struct stat st;
	link_dir_at(ev, &dir);
	const char *link = at_num(&dir, &p, "fd/", ev->link.fd);
	ev->fd_open_at_exit = link && fstatat(dir.dirfd, link, &st, 0) == 0 &&
			      same_inode(&ev->target, &st);
}

ssize_t pfd_probe_base(pid_t tid, int dirfd, char *buf, size_t size)
{
	struct pfd_path p;
	pfd_path_init(&p, "/proc/");
	pfd_path_int(&p, tid);
	if (dirfd < 0) {
		pfd_path_puts(&p, "/cwd");
	} else {
		pfd_path_puts(&p, "/fd/");
		pfd_path_int(&p, dirfd);
	}
	ssize_t n = readlink(p.s, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}
