/* procfd-trace: probing /proc/<pid>/fd/<N> from the tracer.
 *
 * Deleted is decided by the link count of the held inode (stat through the
 * magic link), and the text is compared by (dev, ino) with what it names in
 * the tracee's root: the " (deleted)" suffix alone cannot decide, since a
 * live file may be named "x (deleted)" and the suffix also marks one removed
 * hard link of an inode that lives on. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procfd/procfd.h"


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

void pfd_target_classify(struct pfd_target *t)
{
	const char *anon = "anon_inode:";

	t->anon_name[0] = '\0';
	if (starts_with(t->text, t->text_len, anon)) {
		size_t n = t->text_len - strlen(anon);
		if (n >= sizeof(t->anon_name))
			n = sizeof(t->anon_name) - 1;
		memcpy(t->anon_name, t->text + strlen(anon), n);
		t->anon_name[n] = '\0';
		t->kind = PFD_KIND_ANON_INODE;
		return;
	}
	switch (t->have_stat ? t->mode & S_IFMT : 0) {
	case S_IFREG:
		t->kind = starts_with(t->text, t->text_len, "/memfd:") && t->nlink == 0
				  ? PFD_KIND_MEMFD : PFD_KIND_REGULAR;
		break;
	case S_IFDIR: t->kind = PFD_KIND_DIRECTORY; break;
	case S_IFIFO:
		t->kind = starts_with(t->text, t->text_len, "pipe:[") ? PFD_KIND_PIPE : PFD_KIND_FIFO;
		break;
	case S_IFSOCK: t->kind = PFD_KIND_SOCKET; break;
	case S_IFCHR: t->kind = PFD_KIND_CHAR_DEVICE; break;
	case S_IFBLK: t->kind = PFD_KIND_BLOCK_DEVICE; break;
	case S_IFLNK: t->kind = PFD_KIND_SYMLINK; break;
	default:
		if (starts_with(t->text, t->text_len, "socket:["))
			t->kind = PFD_KIND_SOCKET;
		else if (starts_with(t->text, t->text_len, "pipe:["))
			t->kind = PFD_KIND_PIPE;
		else
			t->kind = PFD_KIND_OTHER;
		break;
	}
}

static bool names_a_path(const struct pfd_target *t)
{
	switch (t->kind) {
	case PFD_KIND_PIPE:
	case PFD_KIND_SOCKET:
	case PFD_KIND_ANON_INODE:
	case PFD_KIND_MEMFD:
		return false;
	default:
		return t->text_len > 0 && t->text[0] == '/';
	}
}

/* stat of name (len bytes) as the tracee would resolve it from its root.
 * 0 or -errno. A symlink held by O_PATH|O_NOFOLLOW is compared unfollowed. */
static int stat_in_root(pid_t tid, const char *name, size_t len, bool nofollow, struct stat *st)
{
	char path[PATH_MAX + 64];
	int n = snprintf(path, sizeof(path), "/proc/%d/root%.*s", tid, (int)len, name);
	if (n < 0 || (size_t)n >= sizeof(path))
		return -ENAMETOOLONG;
	return (nofollow ? lstat(path, st) : stat(path, st)) < 0 ? -errno : 0;
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
static enum pfd_text_target look_up(struct pfd_target *t, pid_t tid, const char *name,
				    size_t len)
{
	struct stat st;
	int rc = stat_in_root(tid, name, len, t->kind == PFD_KIND_SYMLINK, &st);
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

/* The text is looked up verbatim, as a tool that follows it would; the name
 * without the kernel's marker separately: see the file comment. */
static void resolve_text(struct pfd_target *t, pid_t tid, unsigned flags)
{
	set_name(t, t->text_len, false);
	t->name_target = PFD_TEXT_NONE;
	t->have_other = false;
	if (!names_a_path(t)) {
		/* A memfd's text carries the kernel's marker too: it never had a name. */
		if (t->kind == PFD_KIND_MEMFD && ends_with_deleted(t->text, t->text_len))
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
	t->text_target = look_up(t, tid, t->text, t->text_len);
	/* The marker is the kernel's only if the text does not name our inode
	 * as it stands (a live file can be called "x (deleted)"). */
	if (t->text_target != PFD_TEXT_SAME_FILE && ends_with_deleted(t->text, t->text_len)) {
		set_name(t, t->text_len - DELETED_SUFFIX_LEN, true);
		if (t->text_target == PFD_TEXT_DIFFERENT_FILE) {
			/* the verbatim text's other file is the one tools reach:
			 * keep it, and only say what the name names */
			struct pfd_target name_only = { .kind = t->kind, .dev_major = t->dev_major,
							.dev_minor = t->dev_minor, .ino = t->ino };
			t->name_target = look_up(&name_only, tid, t->name, t->name_len);
		} else {
			t->name_target = look_up(t, tid, t->name, t->name_len);
		}
	}
}

/* fdinfo's "flags:" line, in one openat and one read (it is the second
 * line; 512 bytes hold the first lines of any fd's fdinfo). */
static void read_fdinfo(struct pfd_target *t, int dirfd, const char *name)
{
	char buf[512];
	t->have_fdinfo = false;
	int f = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return;
	ssize_t n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return;
	buf[n] = '\0';
	char *p = strstr(buf, "flags:");
	if (p) {
		t->fd_flags = strtoull(p + 6, NULL, 8);
		t->have_fdinfo = true;
	}
}

/* The link's permission bits as the kernel sets them (fs/proc/fd.c): from
 * the file's f_mode, which open derived from O_ACCMODE ((flags + 1) & 3:
 * read 1, write 2); O_PATH files have neither. */
static uint32_t link_mode_of_flags(uint64_t flags)
{
	unsigned f_mode = (flags & O_PATH) ? 0 : (unsigned)((flags + 1) & O_ACCMODE);
	return S_IFLNK | ((f_mode & 1) ? 0500u : 0) | ((f_mode & 2) ? 0300u : 0);
}

/* stat of the held inode and the link's own mode (its lstat, or with
 * PFD_DESCRIBE_ACCESS_FROM_FLAGS and fdinfo read, from the open flags). */
static void stat_link(struct pfd_target *t, int dirfd, const char *link, unsigned flags)
{
	struct stat st;
	t->have_stat = fstatat(dirfd, link, &st, 0) == 0;
	if (t->have_stat) {
		t->nlink = st.st_nlink;
		t->dev_major = major(st.st_dev);
		t->dev_minor = minor(st.st_dev);
		t->ino = st.st_ino;
		t->mode = st.st_mode;
		t->size = (uint64_t)st.st_size;
		t->blocks = (uint64_t)st.st_blocks;
	}
	if ((flags & PFD_DESCRIBE_ACCESS_FROM_FLAGS) && t->have_fdinfo)
		t->link_mode = link_mode_of_flags(t->fd_flags);
	else
		t->link_mode = fstatat(dirfd, link, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode : 0;
}

/* Deleted: the held inode has no name left. Only files with names can be. */
static bool is_deleted(const struct pfd_target *t)
{
	switch (t->kind) {
	case PFD_KIND_PIPE:
	case PFD_KIND_SOCKET:
	case PFD_KIND_ANON_INODE:
		return false;
	default:
		return t->have_stat && t->nlink == 0;
	}
}

/* Why the link could not be read: no fd, no process, or no permission. */
static void classify_probe_error(struct pfd_annot *ev, const char *dir, int err)
{
	struct stat st;
	ev->probe_errno = err;
	if (err == EACCES || err == EPERM)
		ev->probe = PFD_PROBE_DENIED;
	else if (err == ENOENT && stat(dir, &st) == 0)
		ev->probe = PFD_PROBE_NO_FD;
	else if (err == ENOENT || err == ESRCH)
		ev->probe = PFD_PROBE_NO_PROCESS;
	else
		ev->probe = PFD_PROBE_FAILED;
	if (ev->probe == PFD_PROBE_NO_FD || ev->probe == PFD_PROBE_NO_PROCESS)
		ev->probe_errno = 0; /* the probe said what it found; no error to show */
}

static void probe_fd_dir(struct pfd_annot *ev, const char *dir)
{
	char path[PATH_MAX + 8];
	struct stat st;
	snprintf(path, sizeof(path), "%s/fd", dir);
	if (stat(path, &st) == 0)
		ev->probe = PFD_PROBE_OPEN;
	else
		classify_probe_error(ev, dir, errno);
}

/* readlink, stat, lstat and fdinfo of the link named link relative to
 * fd_dir, its fdinfo named info relative to fdinfo_dir (AT_FDCWD and full
 * paths, or the directories' fds and the number); the text resolved in
 * root_tid's root unless flags say not to. 0 or -errno of the readlink. */
static int probe_target_at(int fd_dir, const char *link, int fdinfo_dir, const char *info,
			   pid_t root_tid, unsigned flags, struct pfd_target *t)
{
	ssize_t n = readlinkat(fd_dir, link, t->text, sizeof(t->text) - 1);
	if (n < 0)
		return -errno;
	t->text[n] = '\0';
	t->text_len = (size_t)n;
	read_fdinfo(t, fdinfo_dir, info);
	stat_link(t, fd_dir, link, flags);
	pfd_target_classify(t);
	t->deleted = is_deleted(t);
	resolve_text(t, root_tid, flags);
	return 0;
}

/* The same for fd in the /proc directory dir, by paths. */
static int probe_target(const char *dir, int fd, pid_t root_tid, struct pfd_target *t)
{
	char link[PATH_MAX + 32], info[PATH_MAX + 32];
	snprintf(link, sizeof(link), "%s/fd/%d", dir, fd);
	snprintf(info, sizeof(info), "%s/fdinfo/%d", dir, fd);
	return probe_target_at(AT_FDCWD, link, AT_FDCWD, info, root_tid, 0, t);
}

void pfd_probe_link(struct pfd_annot *ev)
{
	const char *dir = ev->link.proc_dir;

	if (ev->link.what == PFD_LINK_FD_DIR) {
		probe_fd_dir(ev, dir);
		return;
	}
	int rc = probe_target(dir, ev->link.fd, ev->call->tid, &ev->target);
	if (rc < 0)
		classify_probe_error(ev, dir, -rc);
	else
		ev->probe = PFD_PROBE_OPEN;
}

int pfd_describe_fd(pid_t pid, int fd, pid_t root_tid, struct pfd_target *out)
{
	char dir[64];
	struct stat st;
	snprintf(dir, sizeof(dir), "/proc/%d", pid);
	memset(out, 0, sizeof(*out));
	int rc = probe_target(dir, fd, root_tid ? root_tid : pid, out);
	if (rc == -ENOENT && stat(dir, &st) < 0)
		rc = -ESRCH;
	return rc;
}

int pfd_fd_dir_open(struct pfd_fd_dir *d, pid_t pid)
{
	char path[64];
	d->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/fd", pid);
	d->fd_dir = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/fdinfo", pid);
	d->fdinfo_dir = d->fd_dir < 0 ? -1 : open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (d->fdinfo_dir < 0) {
		int err = errno;
		pfd_fd_dir_close(d);
		return -err;
	}
	return 0;
}

void pfd_fd_dir_close(struct pfd_fd_dir *d)
{
	if (d->fd_dir >= 0)
		close(d->fd_dir);
	if (d->fdinfo_dir >= 0)
		close(d->fdinfo_dir);
	d->fd_dir = d->fdinfo_dir = -1;
}

int pfd_describe_fd_in(const struct pfd_fd_dir *d, int fd, pid_t root_tid, unsigned flags,
		       struct pfd_target *out)
{
	char name[16];
	snprintf(name, sizeof(name), "%d", fd);
	memset(out, 0, sizeof(*out));
	return probe_target_at(d->fd_dir, name, d->fdinfo_dir, name, root_tid ? root_tid : d->pid,
			       flags, out);
}

ssize_t pfd_probe_base(pid_t tid, int dirfd, char *buf, size_t size)
{
	char path[64];
	if (dirfd < 0)
		snprintf(path, sizeof(path), "/proc/%d/cwd", tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/fd/%d", tid, dirfd);
	ssize_t n = readlink(path, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}
