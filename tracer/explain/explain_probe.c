/* procfd-trace --explain: the calls, made by procfd-trace itself, read-only.
 *
 * Every call of the seed's table is made for real on the magic link, and
 * the regular symlink's column is computed by really resolving the link's
 * text the way the kernel resolves a symlink's: an absolute text inside the
 * holder's root (openat2 RESOLVE_IN_ROOT on /proc/PID/root), a relative one
 * in the link's own directory /proc/PID/fd (where ls looks up "pipe:[N]").
 * Only lstat and readlink of that column are fixed: any symlink gives
 * itself and its text.
 *
 * Nothing is written, nothing is opened for writing and no data is read.
 * Every open goes O_PATH first, to learn what it would reach; only then is
 * the real open(O_RDONLY|O_NONBLOCK|O_NOCTTY) made, and never on a device,
 * whose open can have effects (a tape rewinds, a watchdog starts). A pipe's
 * or FIFO's open cannot block with O_NONBLOCK; a socket's gives ENXIO. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "tracer/explain/explain_impl.h"

#define DELETED_SUFFIX " (deleted)"
#define DELETED_SUFFIX_LEN (sizeof(DELETED_SUFFIX) - 1)
#define READ_FLAGS (O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
/* A directory scanned for a hard link's other name: bounded, it may be huge. */
#define MAX_SCAN_ENTRIES 100000

static bool same_inode(const struct stat *a, const struct stat *b)
{
	return a->st_ino == b->st_ino && a->st_dev == b->st_dev;
}

/* The held inode as a struct stat, for comparisons. */
static bool held_stat(const struct xlink *l, struct stat *st)
{
	if (l->probe_err || !l->t.have_stat)
		return false;
	memset(st, 0, sizeof(*st));
	st->st_ino = l->t.ino;
	st->st_dev = makedev(l->t.dev_major, l->t.dev_minor);
	return true;
}

static void cell_fail(struct xcell *c, int err)
{
	c->known = true;
	c->ok = false;
	c->err = err;
}

static void cell_stat(const struct xlink *l, struct xcell *c, const struct stat *st)
{
	struct stat held;
	c->known = c->ok = c->have_st = true;
	c->st = *st;
	c->held = held_stat(l, &held) && same_inode(st, &held);
}

/* A real open is safe on anything but a device (see the file comment). */
static bool safe_to_open(mode_t mode)
{
	return !S_ISCHR(mode) && !S_ISBLK(mode);
}

/* open(O_RDONLY) of what the O_PATH fd path_fd reached through path (NULL:
 * reopen path_fd itself, as the kernel would through the text). */
static void cell_open(const struct xlink *l, struct xcell *c, int path_fd, const char *path)
{
	struct stat st;
	if (fstat(path_fd, &st) < 0) {
		cell_fail(c, errno);
		return;
	}
	if (!safe_to_open(st.st_mode)) {
		cell_stat(l, c, &st);
		c->opened = "path";
		c->note = "not opened for reading: a device's open can have effects";
		return;
	}
	char self[64];
	if (!path) {
		snprintf(self, sizeof(self), "/proc/self/fd/%d", path_fd);
		path = self;
	}
	int fd = open(path, READ_FLAGS);
	if (fd < 0) {
		cell_fail(c, errno);
		return;
	}
	if (fstat(fd, &st) == 0) {
		cell_stat(l, c, &st);
		c->opened = "read";
	} else {
		cell_fail(c, errno);
	}
	close(fd);
}

/* ---- the magic link's column ------------------------------------------- */

static void magic_open(struct xlink *l)
{
	struct xcell *c = &l->magic[XROW_OPEN];
	int pfd = open(l->link, O_PATH | O_CLOEXEC);
	if (pfd < 0) {
		cell_fail(c, errno); /* a closed fd, a denied process: open fails alike */
		return;
	}
	cell_open(l, c, pfd, l->link);
	close(pfd);
}

static void magic_stats(struct xlink *l)
{
	struct stat st;
	char buf[PATH_MAX];

	if (stat(l->link, &st) == 0)
		cell_stat(l, &l->magic[XROW_STAT], &st);
	else
		cell_fail(&l->magic[XROW_STAT], errno);
	if (lstat(l->link, &st) == 0)
		cell_stat(l, &l->magic[XROW_LSTAT], &st);
	else
		cell_fail(&l->magic[XROW_LSTAT], errno);
	if (readlink(l->link, buf, sizeof(buf)) >= 0)
		l->magic[XROW_READLINK].known = l->magic[XROW_READLINK].ok = true;
	else
		cell_fail(&l->magic[XROW_READLINK], errno);
	if (access(l->link, R_OK) == 0)
		l->magic[XROW_ACCESS].known = l->magic[XROW_ACCESS].ok = true;
	else
		cell_fail(&l->magic[XROW_ACCESS], errno);
}

/* ---- resolving a text as a symlink's ----------------------------------- */

/* An O_PATH fd (flags may add O_NOFOLLOW) on what text names as the holder
 * would resolve it, or -errno. */
static int open_text(pid_t pid, const char *text, int flags)
{
	char base[64];
	bool absolute = text[0] == '/';
	snprintf(base, sizeof(base), absolute ? "/proc/%d/root" : "/proc/%d/fd", (int)pid);
	int dir = open(base, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	struct open_how how = {
		.flags = (uint64_t)(O_PATH | O_CLOEXEC | flags),
		.resolve = absolute ? RESOLVE_IN_ROOT : 0,
	};
	int fd = (int)syscall(SYS_openat2, dir, text, &how, sizeof(how));
	if (fd < 0 && errno == ENOSYS) {
		/* Before 5.6: the text under the root's path (an absolute symlink on
		 * the way then escapes to our root, which is mostly the same). */
		char path[PATH_MAX + 64];
		snprintf(path, sizeof(path), "%s/%s", base, text);
		fd = open(path, O_PATH | O_CLOEXEC | flags);
	}
	int err = errno;
	close(dir);
	return fd < 0 ? -err : fd;
}

static enum xfind find_of(const struct xlink *l, int rc, const struct stat *st)
{
	struct stat held;
	if (rc == -ENOENT || rc == -ENOTDIR)
		return XFIND_NOTHING;
	if (rc < 0)
		return XFIND_FAILED;
	return held_stat(l, &held) && same_inode(st, &held) ? XFIND_HELD : XFIND_OTHER;
}

/* What a tool finds when it follows s: stat it, as ls and realpath do. */
static enum xfind stat_text(const struct xlink *l, const char *s, struct stat *st, int *fd_out)
{
	int fd = open_text(l->pid, s, 0);
	int rc = fd;
	if (fd >= 0 && fstat(fd, st) < 0)
		rc = -errno;
	if (fd_out && rc >= 0)
		*fd_out = fd;
	else if (fd >= 0)
		close(fd);
	return find_of(l, rc < 0 ? rc : 0, st);
}

/* The regular symlink's column, and the stat-of-the-text row of both. */
static void regular_column(struct xlink *l)
{
	struct xcell *r = l->regular;
	struct stat st;
	int fd = -1;

	l->text_find = stat_text(l, l->t.text, &st, &fd);
	if (fd >= 0) {
		cell_stat(l, &r[XROW_STAT], &st);
		cell_open(l, &r[XROW_OPEN], fd, NULL);
		if (faccessat(fd, "", R_OK, AT_EMPTY_PATH) == 0)
			r[XROW_ACCESS].known = r[XROW_ACCESS].ok = true;
		else
			cell_fail(&r[XROW_ACCESS], errno);
		close(fd);
	} else {
		/* Why the lookup failed: every call that follows the text says so. */
		int err = -open_text(l->pid, l->t.text, 0);
		cell_fail(&r[XROW_STAT], err);
		r[XROW_OPEN] = r[XROW_ACCESS] = r[XROW_STAT];
	}
	r[XROW_LSTAT] = (struct xcell){ .known = true, .ok = true,
					.note = "any symlink: lstat describes the symlink itself" };
	r[XROW_READLINK] = (struct xcell){ .known = true, .ok = true,
					   .note = "any symlink: readlink gives its text" };
	l->magic[XROW_STAT_TEXT] = r[XROW_STAT_TEXT] = r[XROW_STAT];
}

static bool ends_with_deleted(const struct pfd_target *t)
{
	return t->text_len > DELETED_SUFFIX_LEN &&
	       strcmp(t->text + t->text_len - DELETED_SUFFIX_LEN, DELETED_SUFFIX) == 0;
}

/* With the kernel's marker: what the name without it names now. */
static void find_name(struct xlink *l)
{
	char name[PATH_MAX];
	if (!ends_with_deleted(&l->t) || l->t.text[0] != '/')
		return;
	memcpy(name, l->t.text, l->t.text_len - DELETED_SUFFIX_LEN);
	name[l->t.text_len - DELETED_SUFFIX_LEN] = '\0';
	l->name_find = stat_text(l, name, &l->name_st, NULL);
}

/* ---- a hard link's remaining name ---------------------------------------- */

/* The entry of dir (an O_PATH fd) that is the held inode, into out. */
static bool scan_dir(const struct xlink *l, int dir, const char *dir_name, char *out, size_t size)
{
	char self[64];
	snprintf(self, sizeof(self), "/proc/self/fd/%d", dir);
	int fd = open(self, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd < 0 ? NULL : fdopendir(fd);
	if (!d) {
		if (fd >= 0)
			close(fd);
		return false;
	}
	bool found = false;
	struct stat st, held;
	held_stat(l, &held);
	struct dirent *e;
	for (unsigned n = 0; !found && n < MAX_SCAN_ENTRIES && (e = readdir(d)); n++) {
		if (e->d_ino != l->t.ino || fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
			continue;
		if (same_inode(&st, &held)) {
			found = (size_t)snprintf(out, size, "%s/%s", dir_name, e->d_name) < size;
		}
	}
	closedir(d);
	return found;
}

/* Look for the remaining name beside the removed one: the usual place. */
static void find_other_name(struct xlink *l)
{
	char dir_name[PATH_MAX];
	size_t len = l->t.text_len - DELETED_SUFFIX_LEN;
	memcpy(dir_name, l->t.text, len);
	dir_name[len] = '\0';
	char *slash = strrchr(dir_name, '/');
	if (!slash)
		return;
	*slash = '\0';
	int dir = open_text(l->pid, dir_name[0] ? dir_name : "/", O_DIRECTORY);
	if (dir < 0)
		return;
	if (!scan_dir(l, dir, dir_name, l->other_name, sizeof(l->other_name)))
		l->other_name[0] = '\0';
	close(dir);
}

/* ---- the case ------------------------------------------------------------- */

/* Each kind whose text is no path has a verdict of its own; a path's is
 * decided by the names. */
static enum xcase kind_case(const struct pfd_target *t)
{
	switch (pfd_fdesc_kind(&t->fdesc)) {
	case PFD_KIND_SYMLINK: return XCASE_HELD_SYMLINK;
	case PFD_KIND_PIPE: return XCASE_PIPE;
	case PFD_KIND_FIFO: return XCASE_FIFO;
	case PFD_KIND_SOCKET: return XCASE_SOCKET;
	case PFD_KIND_ANON_INODE: return XCASE_ANON_INODE;
	case PFD_KIND_MEMFD: return XCASE_MEMFD;
	case PFD_KIND_CHAR_DEVICE:
	case PFD_KIND_BLOCK_DEVICE: return XCASE_DEVICE;
	case PFD_KIND_NSFS: return XCASE_NAMESPACE;
	case PFD_KIND_MQUEUE: return XCASE_MQUEUE;
	default: return XCASE_LIVE; /* decided by the names */
	}
}

static enum xcase probe_case(int err)
{
	switch (err) {
	case ENOENT: return XCASE_NO_FD;
	case ESRCH: return XCASE_NO_PROCESS;
	case EACCES:
	case EPERM: return XCASE_DENIED;
	default: return XCASE_FAILED;
	}
}

/* The verbatim text decides first: it is what a tool following it finds. */
static enum xcase name_case(const struct xlink *l)
{
	const struct pfd_target *t = &l->t;
	if (l->text_find == XFIND_HELD)
		return XCASE_LIVE;
	if (l->text_find == XFIND_OTHER)
		return t->name_marked ? XCASE_COLLISION : XCASE_OTHER_FILE;
	if (pfd_fdesc_is_directory(&t->fdesc) && t->deleted)
		return XCASE_DELETED_DIR;
	if (t->deleted)
		return l->name_find == XFIND_OTHER ? XCASE_REPLACED : XCASE_DELETED;
	if (t->name_marked)
		return XCASE_HARDLINK_REMOVED;
	return l->text_find == XFIND_NOTHING ? XCASE_NAME_UNREACHABLE : XCASE_FAILED;
}

void pfd_explain_examine(struct xlink *l)
{
	snprintf(l->link, sizeof(l->link), "/proc/%d/fd/%d", (int)l->pid, l->fd);
	int rc = pfd_describe_fd(l->pid, l->fd, l->pid, &l->t);
	l->probe_err = rc < 0 ? -rc : 0;
	magic_open(l);
	magic_stats(l);
	if (l->probe_err) {
		l->xcase = probe_case(l->probe_err);
		if (l->xcase == XCASE_NO_FD || l->xcase == XCASE_NO_PROCESS) {
			/* A symlink that does not exist: ENOENT for every call. */
			for (int i = 0; i < XROW_COUNT; i++)
				cell_fail(&l->regular[i], ENOENT);
			l->regular[XROW_OPEN].note = "no symlink: it does not exist either";
		}
		return;
	}
	l->magic[XROW_READLINK].known = true;
	regular_column(l);
	find_name(l);
	l->xcase = kind_case(&l->t);
	if (l->xcase == XCASE_LIVE)
		l->xcase = name_case(l);
	if (l->xcase == XCASE_HARDLINK_REMOVED)
		find_other_name(l);
}

const char *pfd_xkind(const struct xlink *l, const struct xcell *c)
{
	if (!c->have_st)
		return NULL;
	if (c->held && !l->probe_err)
		return pfd_fdesc_kind_name(&l->t.fdesc);
	return pfd_kind_name(pfd_kind_of_mode(c->st.st_mode));
}
