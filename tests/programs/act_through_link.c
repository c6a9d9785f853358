/* The calls that act through a /proc/self/fd/N link, each made by raw
 * syscall on the link of a held fd, the kernel's behaviour checked, then
 * the event expected with the resolution the kernel's behaviour means.
 *
 * What Linux does with /proc/self/fd/N (found on 6.18 as root and as an
 * unprivileged user, encoded here; exit 99 when the kernel disagrees):
 *
 *   chmod, fchmodat, fchmodat2   follow: the held file's mode changes, deleted
 *                                or not; on a held symlink (O_PATH|O_NOFOLLOW)
 *                                EOPNOTSUPP (no mode change on symlinks)
 *   fchmodat2 AT_SYMLINK_NOFOLLOW  the link itself: EOPNOTSUPP
 *   chown(32), fchownat 0        follow: the held file's owner changes
 *   lchown(32), fchownat NOFOLLOW  the link itself: 0 with CAP_CHOWN (procfs
 *                                accepts it, resets the link's owner on the
 *                                next lookup), EPERM without; held file unchanged
 *   utime, utimes, futimesat,    follow: the held file's times change
 *   utimensat 0
 *   utimensat AT_SYMLINK_NOFOLLOW  the link itself: 0, the held file's times
 *                                unchanged; utimensat(fd, NULL) names no path
 *   setxattr, getxattr,          follow: the held file's attributes
 *   listxattr, removexattr
 *   lsetxattr, lremovexattr      the link itself: EPERM (user.* on a symlink)
 *   lgetxattr                    the link itself: ENODATA although the held
 *                                file has the attribute
 *   llistxattr                   the link itself: 0 bytes (no user.* names)
 *   inotify_add_watch            follows: the watch fires on the held file's
 *                                changes; IN_DONT_FOLLOW watches the link (a
 *                                different wd, no event)
 *   name_to_handle_at 0          the link itself: EOPNOTSUPP (procfs exports
 *                                no handles); AT_SYMLINK_FOLLOW: the held
 *                                file's handle, as AT_EMPTY_PATH on the fd gives
 *   mknod(at), mkdir(at)         the fd-directory entry: EEXIST
 *   unlink, unlinkat 0           the fd-directory entry: EPERM, file untouched
 *   rmdir, unlinkat AT_REMOVEDIR  the entry: ENOTDIR (a symlink, not a dir)
 *   rename(at)(2), link          the entry: EXDEV to another file system, EPERM
 *                                to another /proc/self/fd entry
 *   any of them on a closed fd   ENOENT
 *
 * A call that fails after its lookup has the lookup's resolution
 * (followed, link-itself); its errno says how the call went:
 *   getxattr of a name the held file lacks  follows: ENODATA
 *   open O_WRONLY of a held directory       follows: EISDIR
 *   open O_WRONLY of a held running program follows: ETXTBSY (root; others
 *                                           may get EACCES first)
 *   open O_CREAT|O_EXCL                     the link itself: EEXIST (O_EXCL
 *                                           never follows a final symlink)
 */
#include "expect.h"

#include <sys/inotify.h>
#include <sys/xattr.h>
#include <utime.h>
#include <sys/time.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452 /* Linux 6.6, the same number on x86_64 and i386 */
#endif

/* i386's chown and lchown take 16-bit ids; libc calls the *32 forms. */
#if defined(__i386__)
#define SYS_CHOWN SYS_chown32
#define SYS_LCHOWN SYS_lchown32
#define SC_CHOWN "chown32"
#define SC_LCHOWN "lchown32"
#else
#define SYS_CHOWN SYS_chown
#define SYS_LCHOWN SYS_lchown
#define SC_CHOWN "chown"
#define SC_LCHOWN "lchown"
#endif

#define XATTR "user.pfdtest"

/* One held fd and what the expectations say about it. */
struct held {
	int fd;
	const char *path;    /* /proc/self/fd/N */
	const char *(*target)(const struct held *h);
	const char *name;    /* the file's name, for the target */
	const char *text_target;
	int events;          /* events expected on path */
};

static long r;
static int e;

/* sfmt's strings live in a ring reused after EXP_RING calls: the paths used
 * all along are copied out (never freed: the program is short-lived). */
static const char *keep(const char *s)
{
	char *copy = strdup(s);
	CHECK(copy != NULL, "strdup");
	return copy;
}

/* The result of the call just made, for the expectation after it. */
#define CALL(expr) (errno = 0, r = (expr), e = errno)

static const char *target_file(const struct held *h)
{
	return jtarget_file(h->fd, h->name, false, "read-write", "O_RDWR" EXP_LF);
}

static const char *target_deleted(const struct held *h)
{
	return jtarget_file(h->fd, h->name, true, "read-write", "O_RDWR" EXP_LF);
}

static const char *target_symlink(const struct held *h)
{
	(void)h;
	return "{\"kind\":\"symlink\",\"access\":\"path\"}";
}

/* The event of the call just made on h's link: args are the extra fields
 * (dirfd, flags, mode), why a regex of the explanation. */
static void expect_on(struct held *h, const char *sc, const char *args, const char *res,
		      const char *why)
{
	h->events++;
	expect("{%s,\"path\":%s%s%s,%s,\"link\":%s,\"target\":%s,\"text_target\":\"%s\","
	       "\"resolution\":\"%s\",\"explanation\":\"$re:%s\"}",
	       jcall(sc), jstr(h->path), *args ? "," : "", args, jres(r, e), jself(h->fd),
	       h->target(h), h->text_target, res, why);
}

static mode_t mode_of(int fd)
{
	return fd_stat(fd).st_mode & 07777;
}

static void mode_calls(struct held *h)
{
	CALL(syscall(SYS_chmod, h->path, 0600));
	CHECK(r == 0 && mode_of(h->fd) == 0600, "chmod through the link changes the held file");
	expect_on(h, "chmod", "\"dirfd\":null,\"mode\":\"0600\"", "followed",
		  "chmod followed the magic link and changed the mode of the held file");

	CALL(syscall(SYS_fchmodat, AT_FDCWD, h->path, 0640));
	CHECK(r == 0 && mode_of(h->fd) == 0640, "fchmodat follows");
	expect_on(h, "fchmodat", "\"dirfd\":-100,\"flags\":null,\"mode\":\"0640\"", "followed",
		  "changed the mode of the held file");

	CALL(syscall(SYS_fchmodat2, AT_FDCWD, h->path, 0604, 0));
	CHECK(r == 0 && mode_of(h->fd) == 0604, "fchmodat2 (Linux 6.6+) follows");
	expect_on(h, "fchmodat2", "\"flags\":\"0\",\"mode\":\"0604\"", "followed",
		  "changed the mode of the held file");

	/* The link itself is a symlink: the kernel changes no symlink's mode. */
	CALL(syscall(SYS_fchmodat2, AT_FDCWD, h->path, 0606, AT_SYMLINK_NOFOLLOW));
	CHECK(r == -1 && e == EOPNOTSUPP && mode_of(h->fd) == 0604,
	      "fchmodat2 AT_SYMLINK_NOFOLLOW: EOPNOTSUPP on the link");
	expect_on(h, "fchmodat2", "\"flags\":\"AT_SYMLINK_NOFOLLOW\"", "link-itself",
		  "acted on the /proc link itself.*mode of a symlink");
	CHECK(fchmod(h->fd, 0644) == 0, "fchmod back");
}

/* Root may give the file away and back; anyone may "give" it to himself. */
static uid_t other_uid(void)
{
	return geteuid() == 0 ? 1 : geteuid();
}

static void owner_calls(struct held *h)
{
	uid_t me = geteuid(), other = other_uid();
	gid_t grp = getegid();

	CALL(syscall(SYS_CHOWN, h->path, other, grp));
	CHECK(r == 0 && fd_stat(h->fd).st_uid == other, SC_CHOWN " follows");
	expect_on(h, SC_CHOWN, "\"dirfd\":null,\"flags\":null", "followed",
		  "changed the owner of the held file");
	CHECK(fchown(h->fd, me, grp) == 0, "fchown back");

	/* Accepted on the link (its owner is ours, or we have CAP_CHOWN), and
	 * the held file keeps its owner. */
	CALL(syscall(SYS_LCHOWN, h->path, other, grp));
	CHECK(r == 0 && fd_stat(h->fd).st_uid == me, SC_LCHOWN " acts on the link itself");
	expect_on(h, SC_LCHOWN, "\"dirfd\":null", "link-itself",
		  "acted on the /proc link itself.*held file is unchanged");

	CALL(syscall(SYS_fchownat, AT_FDCWD, h->path, other, grp, AT_SYMLINK_NOFOLLOW));
	CHECK(r == 0 && fd_stat(h->fd).st_uid == me, "fchownat NOFOLLOW: the link itself");
	expect_on(h, "fchownat", "\"dirfd\":-100,\"flags\":\"AT_SYMLINK_NOFOLLOW\"",
		  "link-itself", "acted on the /proc link itself");

	CALL(syscall(SYS_fchownat, AT_FDCWD, h->path, me, grp, 0));
	CHECK(r == 0, "fchownat follows");
	expect_on(h, "fchownat", "\"flags\":\"0\"", "followed", "changed the owner of the held file");
}

static time_t mtime_of(int fd)
{
	return fd_stat(fd).st_mtime;
}

static void times_calls(struct held *h)
{
	struct utimbuf ub = { .actime = 1000, .modtime = 1001 };
	CALL(syscall(SYS_utime, h->path, &ub));
	CHECK(r == 0 && mtime_of(h->fd) == 1001, "utime follows");
	expect_on(h, "utime", "\"dirfd\":null", "followed", "set the timestamps of the held file");

	struct timeval tv[2] = { { 2000, 0 }, { 2002, 0 } };
	CALL(syscall(SYS_utimes, h->path, tv));
	CHECK(r == 0 && mtime_of(h->fd) == 2002, "utimes follows");
	expect_on(h, "utimes", "\"dirfd\":null", "followed", "set the timestamps of the held file");

	tv[1].tv_sec = 3003;
	CALL(syscall(SYS_futimesat, AT_FDCWD, h->path, tv));
	CHECK(r == 0 && mtime_of(h->fd) == 3003, "futimesat follows");
	expect_on(h, "futimesat", "\"dirfd\":-100", "followed",
		  "set the timestamps of the held file");

	struct timespec ts[2] = { { 4000, 0 }, { 4004, 0 } };
	CALL(syscall(SYS_utimensat, AT_FDCWD, h->path, ts, 0));
	CHECK(r == 0 && mtime_of(h->fd) == 4004, "utimensat follows");
	expect_on(h, "utimensat", "\"flags\":\"0\"", "followed",
		  "set the timestamps of the held file");

	ts[1].tv_sec = 5005;
	CALL(syscall(SYS_utimensat, AT_FDCWD, h->path, ts, AT_SYMLINK_NOFOLLOW));
	CHECK(r == 0 && mtime_of(h->fd) == 4004, "utimensat NOFOLLOW: the link's times");
	expect_on(h, "utimensat", "\"flags\":\"AT_SYMLINK_NOFOLLOW\"", "link-itself",
		  "timestamps of the /proc link itself");

	/* A NULL path acts on the dirfd: no path, no link, no event. */
	CALL(syscall(SYS_utimensat, h->fd, NULL, ts, 0));
	CHECK(r == 0 && mtime_of(h->fd) == 5005, "utimensat(fd, NULL) acts on fd");
}

static void xattr_calls(struct held *h)
{
	char buf[256];

	CALL(syscall(SYS_setxattr, h->path, XATTR, "v", 1, 0));
	CHECK(r == 0 && fgetxattr(h->fd, XATTR, buf, sizeof buf) == 1,
	      "setxattr through the link (the temp dir's file system needs user xattrs)");
	expect_on(h, "setxattr", "\"dirfd\":null", "followed",
		  "changed the extended attributes of the held file");

	CALL(syscall(SYS_getxattr, h->path, XATTR, buf, sizeof buf));
	CHECK(r == 1 && buf[0] == 'v', "getxattr follows");
	expect_on(h, "getxattr", "\"dirfd\":null", "followed",
		  "read the extended attributes of the held file");

	CALL(syscall(SYS_listxattr, h->path, buf, sizeof buf));
	CHECK(r >= (long)sizeof XATTR && memmem(buf, (size_t)r, XATTR, sizeof XATTR) != NULL,
	      "listxattr follows");
	expect_on(h, "listxattr", "\"dirfd\":null", "followed",
		  "read the extended attributes of the held file");

	/* The l forms look at the /proc symlink, which has no user.* names. */
	CALL(syscall(SYS_lsetxattr, h->path, XATTR, "w", 1, 0));
	CHECK(r == -1 && e == EPERM, "lsetxattr on the link: EPERM");
	expect_on(h, "lsetxattr", "\"dirfd\":null", "link-itself",
		  "acted on the /proc link itself.*not allowed on a symlink");

	CALL(syscall(SYS_lgetxattr, h->path, XATTR, buf, sizeof buf));
	CHECK(r == -1 && e == ENODATA, "lgetxattr on the link: ENODATA");
	expect_on(h, "lgetxattr", "\"dirfd\":null", "link-itself",
		  "acted on the /proc link itself.*no such attribute");

	CALL(syscall(SYS_llistxattr, h->path, buf, sizeof buf));
	CHECK(r >= 0 && !memmem(buf, (size_t)r, XATTR, sizeof XATTR), "llistxattr: the link's");
	expect_on(h, "llistxattr", "\"dirfd\":null", "link-itself",
		  "extended attributes of the /proc link itself");

	CALL(syscall(SYS_lremovexattr, h->path, XATTR));
	CHECK(r == -1 && e == EPERM && fgetxattr(h->fd, XATTR, buf, sizeof buf) == 1,
	      "lremovexattr on the link: EPERM, the file keeps it");
	expect_on(h, "lremovexattr", "\"dirfd\":null", "link-itself", "acted on the /proc link itself");

	CALL(syscall(SYS_removexattr, h->path, XATTR));
	CHECK(r == 0 && fgetxattr(h->fd, XATTR, buf, sizeof buf) == -1 && errno == ENODATA,
	      "removexattr follows");
	expect_on(h, "removexattr", "\"dirfd\":null", "followed",
		  "changed the extended attributes of the held file");
}

/* Every event queued on in is for wd, and there is at least one. */
static void check_events_only_for(int in, int wd)
{
	char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
	ssize_t n = read(in, buf, sizeof buf);
	CHECK(n > 0, "an inotify event for the held file's change");
	for (ssize_t o = 0; o < n;) {
		const struct inotify_event *ev = (const void *)(buf + o);
		CHECK(ev->wd == wd, "event on wd %d, want %d", ev->wd, wd);
		o += (ssize_t)(sizeof *ev + ev->len);
	}
}

static void inotify_calls(struct held *h)
{
	int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
	CHECK(in >= 0, "inotify_init1");

	CALL(syscall(SYS_inotify_add_watch, in, h->path, IN_ATTRIB));
	int wd = (int)r;
	CHECK(r > 0, "inotify_add_watch through the link");
	expect_on(h, "inotify_add_watch", "\"dirfd\":null,\"flags\":\"IN_ATTRIB\"", "followed",
		  "now watches the held file");

	CALL(syscall(SYS_inotify_add_watch, in, h->path, IN_ATTRIB | IN_DONT_FOLLOW));
	CHECK(r > 0 && r != wd, "IN_DONT_FOLLOW watches another inode: the link");
	expect_on(h, "inotify_add_watch", "\"flags\":\"$flags:IN_ATTRIB|IN_DONT_FOLLOW\"",
		  "link-itself", "watches the /proc link itself");

	CHECK(fchmod(h->fd, 0644) == 0, "fchmod");
	check_events_only_for(in, wd);
	sys_close(in);
}

struct handle {
	struct file_handle fh;
	unsigned char bytes[MAX_HANDLE_SZ];
};

static long handle_of(int dirfd, const char *path, int flags, struct handle *h)
{
	int mount_id;
	h->fh.handle_bytes = MAX_HANDLE_SZ;
	return syscall(SYS_name_to_handle_at, dirfd, path, &h->fh, &mount_id, flags);
}

static void handle_calls(struct held *h)
{
	struct handle got, want;

	CALL(handle_of(AT_FDCWD, h->path, 0, &got));
	CHECK(r == -1 && e == EOPNOTSUPP, "name_to_handle_at of the link: procfs has none");
	expect_on(h, "name_to_handle_at", "\"dirfd\":-100,\"flags\":\"0\"", "link-itself",
		  "acted on the /proc link itself.*cannot export file handles");

	CALL(handle_of(AT_FDCWD, h->path, AT_SYMLINK_FOLLOW, &got));
	CHECK(r == 0 && handle_of(h->fd, "", AT_EMPTY_PATH, &want) == 0 &&
	      got.fh.handle_bytes == want.fh.handle_bytes &&
	      memcmp(got.fh.f_handle, want.fh.f_handle, got.fh.handle_bytes) == 0,
	      "AT_SYMLINK_FOLLOW gives the held file's handle");
	expect_on(h, "name_to_handle_at", "\"flags\":\"AT_SYMLINK_FOLLOW\"", "followed",
		  "file handle for the held file");
}

/* The held file is where it was, untouched. */
static void check_untouched(const struct held *h, nlink_t nlink)
{
	CHECK(fd_stat(h->fd).st_nlink == nlink && S_ISREG(fd_stat(h->fd).st_mode),
	      "the held file is untouched");
}

static void name_calls(struct held *h, nlink_t nlink)
{
	const char *other = keep(tmp_path("new-name"));
	struct stat st;

	CALL(syscall(SYS_mknod, h->path, S_IFIFO | 0600, 0));
	CHECK(r == -1 && e == EEXIST, "mknod on an fd entry: EEXIST");
	expect_on(h, "mknod", "\"dirfd\":null,\"mode\":\"010600\"", "link-itself",
		  "mknod acted on the entry .[0-9]+. of the fd directory.*already exists");
	CALL(syscall(SYS_mknodat, AT_FDCWD, h->path, S_IFREG | 0600, 0));
	CHECK(r == -1 && e == EEXIST, "mknodat: EEXIST");
	expect_on(h, "mknodat", "\"dirfd\":-100", "link-itself", "already exists");
	CALL(syscall(SYS_mkdir, h->path, 0700));
	CHECK(r == -1 && e == EEXIST, "mkdir: EEXIST");
	expect_on(h, "mkdir", "\"mode\":\"0700\"", "link-itself", "already exists");
	CALL(syscall(SYS_mkdirat, AT_FDCWD, h->path, 0700));
	CHECK(r == -1 && e == EEXIST, "mkdirat: EEXIST");
	expect_on(h, "mkdirat", "\"dirfd\":-100", "link-itself", "already exists");

	CALL(syscall(SYS_unlink, h->path));
	CHECK(r == -1 && e == EPERM, "unlink of an fd entry: EPERM");
	check_untouched(h, nlink);
	expect_on(h, "unlink", "\"dirfd\":null", "link-itself",
		  "unlink acted on the entry .[0-9]+. of the fd directory.*untouched.*remove or rename");
	CALL(syscall(SYS_unlinkat, AT_FDCWD, h->path, 0));
	CHECK(r == -1 && e == EPERM, "unlinkat: EPERM");
	expect_on(h, "unlinkat", "\"flags\":\"0\"", "link-itself", "remove or rename");
	CALL(syscall(SYS_unlinkat, AT_FDCWD, h->path, AT_REMOVEDIR));
	CHECK(r == -1 && e == ENOTDIR, "unlinkat AT_REMOVEDIR: ENOTDIR");
	expect_on(h, "unlinkat", "\"flags\":\"AT_REMOVEDIR\"", "link-itself", "a symlink, not a directory");
	CALL(syscall(SYS_rmdir, h->path));
	CHECK(r == -1 && e == ENOTDIR, "rmdir: ENOTDIR");
	expect_on(h, "rmdir", "\"dirfd\":null", "link-itself", "a symlink, not a directory");

	CALL(syscall(SYS_rename, h->path, other));
	CHECK(r == -1 && e == EXDEV && sys_lstat(other, &st) == -1, "rename out of /proc: EXDEV");
	expect_on(h, "rename", "\"dirfd\":null", "link-itself", "crosses file systems");
	CALL(syscall(SYS_renameat, AT_FDCWD, h->path, AT_FDCWD, other));
	CHECK(r == -1 && e == EXDEV, "renameat: EXDEV");
	expect_on(h, "renameat", "\"dirfd\":-100", "link-itself", "crosses file systems");
	CALL(syscall(SYS_renameat2, AT_FDCWD, h->path, AT_FDCWD, self_fd(0), 0));
	CHECK(r == -1 && e == EPERM, "renameat2 onto another fd entry: EPERM");
	expect_on(h, "renameat2", "\"flags\":\"0\"", "link-itself", "remove or rename");
	CALL(syscall(SYS_link, h->path, other));
	CHECK(r == -1 && e == EXDEV && sys_lstat(other, &st) == -1, "link of the link: EXDEV");
	expect_on(h, "link", "\"dirfd\":null,\"flags\":null", "link-itself", "crosses file systems");
	check_untouched(h, nlink);
}

/* A deleted file: what follows reaches the inode the name no longer leads to. */
static void deleted_calls(struct held *h)
{
	char buf[16];

	CALL(syscall(SYS_chmod, h->path, 0600));
	CHECK(r == 0 && mode_of(h->fd) == 0600, "chmod of a deleted file through its link");
	expect_on(h, "chmod", "\"mode\":\"0600\"", "followed",
		  "changed the mode of the held file, deleted");
	CHECK(fsetxattr(h->fd, XATTR, "d", 1, 0) == 0, "fsetxattr on the deleted file");
	CALL(syscall(SYS_getxattr, h->path, XATTR, buf, sizeof buf));
	CHECK(r == 1 && buf[0] == 'd', "getxattr of a deleted file");
	expect_on(h, "getxattr", "\"dirfd\":null", "followed",
		  "read the extended attributes of the held file, deleted");
	CALL(syscall(SYS_unlink, h->path));
	CHECK(r == -1 && e == EPERM, "unlink of a deleted file's fd entry: EPERM");
	expect_on(h, "unlink", "\"dirfd\":null", "link-itself", "remove or rename");
}

/* A symlink held with O_PATH|O_NOFOLLOW: the magic link leads to the
 * symlink's own inode, and the walk stops there. */
static void symlink_calls(struct held *h)
{
	mode_t before = fd_stat(h->fd).st_mode;

	CALL(syscall(SYS_chmod, h->path, 0600));
	CHECK(r == -1 && e == EOPNOTSUPP && fd_stat(h->fd).st_mode == before,
	      "chmod of a held symlink: EOPNOTSUPP");
	expect_on(h, "chmod", "\"mode\":\"0600\"", "followed",
		  "followed the magic link to the held symlink.*mode of a symlink");
	CALL(syscall(SYS_setxattr, h->path, XATTR, "v", 1, 0));
	CHECK(r == -1 && e == EPERM, "setxattr of a held symlink: EPERM");
	expect_on(h, "setxattr", "\"dirfd\":null", "denied",
		  "followed the magic link to the held symlink.*not allowed on a symlink");
}

/* Calls whose lookup ends where it should and which then fail on what it
 * reached: the resolution is the lookup's answer, errno the call's. */
static const char *target_dir(const struct held *h)
{
	(void)h;
	return "{\"kind\":\"directory\"}";
}

static const char *target_program(const struct held *h)
{
	(void)h;
	return "{\"kind\":\"regular\",\"access\":\"read\"}";
}

static void failing_after_lookup(struct held *f, struct held *dir, struct held *exe)
{
	char buf[64];
	CALL(syscall(SYS_getxattr, f->path, "user.pfdtest-missing", buf, sizeof buf));
	CHECK(r == -1 && e == ENODATA, "getxattr of a missing attribute through the link: ENODATA");
	expect_on(f, "getxattr", "\"dirfd\":null", "followed",
		  "^getxattr followed the magic link to the held file and failed there: the held "
		  "file has no such attribute .ENODATA.");

	CALL(sys_openat(AT_FDCWD, f->path, O_RDWR | O_CREAT | O_EXCL, 0600));
	CHECK(r == -1 && e == EEXIST, "open O_CREAT|O_EXCL of the link: EEXIST");
	expect_on(f, "openat", "\"dirfd\":-100", "link-itself",
		  "acted on the /proc link itself.*O_EXCL does not follow");

	CALL(sys_openat(AT_FDCWD, dir->path, O_WRONLY, 0));
	CHECK(r == -1 && e == EISDIR, "open O_WRONLY of a held directory: EISDIR");
	expect_on(dir, "openat", "\"dirfd\":-100", "followed",
		  "followed the magic link to the held directory and failed there.*EISDIR");

	CALL(sys_openat(AT_FDCWD, exe->path, O_WRONLY, 0));
	if (r == -1 && e == EACCES && geteuid() != 0)
		return; /* not allowed to write the program at all: no ETXTBSY to see */
	CHECK(r == -1 && e == ETXTBSY, "open O_WRONLY of the running program: ETXTBSY");
	expect_on(exe, "openat", "\"dirfd\":-100", "followed",
		  "followed the magic link to the held file and failed there.*ETXTBSY");
}

/* A closed fd: there is no entry to act on. */
static void closed_calls(int fd)
{
	const char *p = self_fd(fd);
	const char *link = jlink(getpid(), 0, fd, "/proc/self/fd/N", "path", "no-fd");

	CALL(syscall(SYS_unlink, p));
	CHECK(r == -1 && e == ENOENT, "unlink of a closed fd's entry: ENOENT");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"resolution\":\"no-such-fd\"}",
	       jcall("unlink"), jstr(p), jres(r, e), link);
	CALL(syscall(SYS_mkdir, p, 0700));
	CHECK(r == -1 && e == ENOENT, "mkdir of a closed fd's entry: ENOENT");
	expect("{%s,\"path\":%s,%s,\"link\":%s,\"target\":null,\"resolution\":\"no-such-fd\"}",
	       jcall("mkdir"), jstr(p), jres(r, e), link);
}

int main(void)
{
	tmpdir_create();
	const char *file = keep(tmp_path("held"));
	struct held f = { .fd = make_file(file, "held\n"), .target = target_file, .name = file,
			  .text_target = "same-file" };
	f.path = keep(self_fd(f.fd));

	mode_calls(&f);
	owner_calls(&f);
	times_calls(&f);
	xattr_calls(&f);
	inotify_calls(&f);
	handle_calls(&f);
	name_calls(&f, 1);
	const char *dname = keep(tmp_path("dir"));
	CHECK(mkdir(dname, 0700) == 0, "mkdir");
	struct held dir = { .fd = (int)sys_openat(AT_FDCWD, dname, O_RDONLY | O_DIRECTORY, 0),
			    .target = target_dir, .name = dname, .text_target = "same-file" };
	struct held exe = { .fd = (int)sys_openat(AT_FDCWD, "/proc/self/exe", O_RDONLY, 0),
			    .target = target_program, .name = "", .text_target = "$any" };
	CHECK(dir.fd >= 0 && exe.fd >= 0, "open the directory and the program");
	dir.path = keep(self_fd(dir.fd));
	exe.path = keep(self_fd(exe.fd));
	failing_after_lookup(&f, &dir, &exe);
	sys_close(exe.fd);
	sys_close(dir.fd);
	expect_count(f.events, "{\"event\":\"syscall\",\"path\":%s}", jstr(f.path));
	expect_none("{\"event\":\"syscall\",\"syscall\":\"utimensat\",\"path\":null}");

	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "deleted" });
	struct held d = { .fd = m.fd, .path = keep(self_fd(m.fd)), .target = target_deleted,
			  .name = keep(m.path), .text_target = "missing" };
	deleted_calls(&d);

	const char *sym = keep(tmp_path("symlink"));
	CHECK(symlink("nowhere", sym) == 0, "symlink");
	struct held s = { .fd = (int)sys_openat(AT_FDCWD, sym, O_PATH | O_NOFOLLOW, 0),
			  .target = target_symlink, .name = sym, .text_target = "$any" };
	CHECK(s.fd >= 0 && S_ISLNK(fd_stat(s.fd).st_mode), "O_PATH|O_NOFOLLOW holds the symlink");
	s.path = keep(self_fd(s.fd));
	symlink_calls(&s);

	int closed = (int)sys_openat(AT_FDCWD, file, O_RDONLY, 0);
	CHECK(closed >= 0, "open");
	sys_close(closed);
	closed_calls(closed);

	sys_close(s.fd);
	sys_close(d.fd);
	sys_close(f.fd);
	return 0;
}
