/* procfd-trace test programs: helpers to state what the trace must contain.
 *
 * A test program makes exact syscalls and writes, on STDOUT, one line per
 * expectation (tests/integration/run.py reads them):
 *
 *   expect {JSON}          an event matches, after the one the previous
 *                          `expect` matched (expectations are ordered)
 *   expect-none {JSON}     no event of the whole trace matches
 *   expect-count N {JSON}  exactly N events match
 *   expect-min N {JSON}    at least N events match
 *
 * Matching is a recursive subset match: every key of the expected object must
 * be in the event with an equal value (objects recurse, arrays and scalars
 * compare equal). Two string values are special:
 *   "$any"          any value, null included, as long as the key is present;
 *   "$flags:A|B|C"  a flag word: the event's string holds exactly the names
 *                   A, B and C separated by '|', in any order.
 * Other lines are ignored, so programs may print what they like.
 *
 * Programs know the real fds, inodes, devices, pids and tids, so expectations
 * are exact. They make their calls with raw syscall(2) and name the syscall
 * actually made. When the kernel does not behave as the program assumes, it
 * says so on stderr and exits 99 (a broken environment, not a tracer bug).
 *
 * Header only: every function is static (inline where unused ones must not
 * warn). Build: cc -std=gnu11 -Wall -Wextra -Werror -O1 -g -pthread. */
#ifndef PFD_TEST_EXPECT_H
#define PFD_TEST_EXPECT_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
/* i386 programs (built with -m32): glibc's struct stat must have the layout
 * of the kernel's struct stat64, which fd_stat fills. */
#if defined(__i386__) && !defined(_FILE_OFFSET_BITS)
#define _FILE_OFFSET_BITS 64
#endif

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#ifndef AT_FDCWD
#define AT_FDCWD (-100)
#endif

/* ---------------------------------------------------------------- failing */

/* Exit status of a program whose environment broke one of its assumptions. */
#define EXPECT_ENV_FAILURE 99

#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond)) {                                                 \
			int check_errno_ = errno;                              \
			fprintf(stderr, "%s:%d: assumption failed: %s: ",      \
				__FILE__, __LINE__, #cond);                    \
			fprintf(stderr, __VA_ARGS__);                          \
			fprintf(stderr, " (errno %d: %s)\n", check_errno_,     \
				strerror(check_errno_));                       \
			exit(EXPECT_ENV_FAILURE);                              \
		}                                                              \
	} while (0)

/* Exit status of a program that cannot set up its scenario here (no
 * privilege, no other user...): the case is declared +skip-exit=77 and the
 * harness reports SKIP with the last line of stderr, which says why. A
 * program must never pass without making the calls it is about. */
#define EXPECT_SKIP 77

static inline __attribute__((noreturn, format(printf, 1, 2))) void skip(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("skip: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	fflush(stdout);
	exit(EXPECT_SKIP);
}

/* The call must succeed: r >= 0. */
#define CHECK_OK(r, what) CHECK((r) >= 0, "%s should succeed, got %ld", (what), (long)(r))

/* The call must fail with err. */
#define CHECK_ERR(r, err, what)                                                \
	CHECK((r) == -1 && errno == (err), "%s should fail with %s, got %ld",  \
	      (what), #err, (long)(r))

/* --------------------------------------------------------- string buffers */

/* Formatted strings live in a ring of static buffers, so several may be used
 * in one printf; a string stays valid for the next EXP_RING - 1 calls. The
 * ring is per thread; longer strings are malloc'd. */
#define EXP_RING 128
#define EXP_BUF 8192

static inline char *exp_buf(void)
{
	static __thread char ring[EXP_RING][EXP_BUF];
	static __thread unsigned next;
	char *b = ring[next++ % EXP_RING];
	b[0] = '\0';
	return b;
}

/* A buffer of at least size bytes: from the ring, or (rarely, for long
 * paths) from malloc, never freed: test programs are short-lived. */
static inline char *exp_buf_size(size_t size)
{
	if (size <= EXP_BUF)
		return exp_buf();
	char *b = malloc(size);
	CHECK(b != NULL, "malloc %zu", size);
	return b;
}

static inline __attribute__((format(printf, 1, 2))) const char *sfmt(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	CHECK(n >= 0, "sfmt: bad format");
	char *b = exp_buf_size((size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(b, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return b;
}

/* ------------------------------------------------------------------- JSON */

/* Well-formed UTF-8: no overlongs, no surrogates, nothing above U+10FFFF. */
static inline bool exp_utf8_valid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, cp = c & 0x1f, min = 0x80;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, cp = c & 0x0f, min = 0x800;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, cp = c & 0x07, min = 0x10000;
		} else {
			return false;
		}
		if (i + n >= len) /* truncated sequence */
			return false;
		for (size_t k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			cp = (cp << 6) | (s[i + k] & 0x3f);
		}
		if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* The JSON value the schema gives bytes from the tracee: a string when they
 * are UTF-8, else an array of byte values. */
static inline const char *jbytes(const char *s, size_t len)
{
	char *b = exp_buf_size(len * 6 + 3); /* "\u00XX" or "255," per byte */
	size_t o = 0;
	const unsigned char *u = (const unsigned char *)s;
	if (!exp_utf8_valid(u, len)) {
		b[o++] = '[';
		for (size_t i = 0; i < len; i++)
			o += (size_t)sprintf(b + o, "%s%u", i ? "," : "", u[i]);
		b[o++] = ']';
		b[o] = '\0';
		return b;
	}
	b[o++] = '"';
	for (size_t i = 0; i < len; i++) {
		unsigned char c = u[i];
		if (c == '"' || c == '\\') {
			b[o++] = '\\';
			b[o++] = (char)c;
		} else if (c == '\n') {
			b[o++] = '\\', b[o++] = 'n';
		} else if (c == '\t') {
			b[o++] = '\\', b[o++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)sprintf(b + o, "\\u%04x", c);
		} else {
			b[o++] = (char)c;
		}
	}
	b[o++] = '"';
	b[o] = '\0';
	return b;
}

static inline const char *jstr(const char *s)
{
	return jbytes(s, strlen(s));
}

static inline const char *jbool(bool v)
{
	return v ? "true" : "false";
}

/* "major:minor", as the schema writes st_dev. */
static inline const char *jdev(dev_t dev)
{
	return sfmt("\"%u:%u\"", major(dev), minor(dev));
}

/* ------------------------------------------------------------ expectations */

static inline void exp_vline(const char *head, const char *fmt, va_list ap)
{
	char *b = NULL;
	if (!getenv("PFDTEST_EXPECT"))
		return; /* run by hand (make demo): the program's own output only */
	CHECK(vasprintf(&b, fmt, ap) >= 0, "expectation: vasprintf");
	CHECK(strchr(b, '\n') == NULL, "expectation holds a newline: %s", b);
	printf("%s %s\n", head, b);
	fflush(stdout);
	free(b);
}

/* expect {JSON}: an event after the previous expect's must match. */
static inline __attribute__((format(printf, 1, 2))) void expect(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	exp_vline("expect", fmt, ap);
	va_end(ap);
}

/* expect-none {JSON}: no event matches. */
static inline __attribute__((format(printf, 1, 2))) void expect_none(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	exp_vline("expect-none", fmt, ap);
	va_end(ap);
}

/* expect-count N {JSON}: exactly n events match. */
static inline __attribute__((format(printf, 2, 3))) void expect_count(int n, const char *fmt, ...)
{
	char head[32];
	va_list ap;
	snprintf(head, sizeof head, "expect-count %d", n);
	va_start(ap, fmt);
	exp_vline(head, fmt, ap);
	va_end(ap);
}

/* expect-min N {JSON}: at least n events match. */
static inline __attribute__((format(printf, 2, 3))) void expect_min(int n, const char *fmt, ...)
{
	char head[32];
	va_list ap;
	snprintf(head, sizeof head, "expect-min %d", n);
	va_start(ap, fmt);
	exp_vline(head, fmt, ap);
	va_end(ap);
}

/* The errno names the programs expect to see. */
static inline const char *errno_name(int err)
{
	switch (err) {
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case ESRCH: return "ESRCH";
	case ENXIO: return "ENXIO";
	case EBADF: return "EBADF";
	case EACCES: return "EACCES";
	case EFAULT: return "EFAULT";
	case EXDEV: return "EXDEV";
	case ENOTDIR: return "ENOTDIR";
	case EISDIR: return "EISDIR";
	case EINVAL: return "EINVAL";
	case ELOOP: return "ELOOP";
	case ENAMETOOLONG: return "ENAMETOOLONG";
	case EINTR: return "EINTR";
	case EEXIST: return "EEXIST";
	case ENODATA: return "ENODATA";
	case EOPNOTSUPP: return "EOPNOTSUPP";
	case ETXTBSY: return "ETXTBSY";
	default: break;
	}
	CHECK(0, "errno_name: no name for %d", err);
	return NULL;
}

/* "result":R,"errno":... for a raw syscall() return r and its errno e. */
static inline const char *jres(long r, int e)
{
	if (r >= 0)
		return sfmt("\"result\":%ld,\"errno\":null", r);
	return sfmt("\"result\":%ld,\"errno\":\"%s\"", r, errno_name(e));
}

/* ----------------------------------------------------------- identities */

static inline pid_t exp_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* The fields every syscall event of the calling thread starts with:
 * "event", "pid", "tid", "syscall", "arch". */
#if defined(__x86_64__) && defined(__ILP32__)
#define EXP_ARCH "x32"
#elif defined(__x86_64__)
#define EXP_ARCH "x86_64"
#elif defined(__i386__)
#define EXP_ARCH "i386"
#else
#define EXP_ARCH "$any"
#endif

/* The names of the calls whose number differs by arch (see sys_fstatat). */
#if defined(__i386__)
#define SC_FSTATAT "fstatat64"
#define SC_STAT "stat64"
#define SC_LSTAT "lstat64"
#else
#define SC_FSTATAT "newfstatat"
#define SC_STAT "stat"
#define SC_LSTAT "lstat"
#endif

static inline const char *jcall(const char *sc)
{
	return sfmt("\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"syscall\":\"%s\","
		    "\"arch\":\"" EXP_ARCH "\"",
		    (int)getpid(), (int)exp_gettid(), sc);
}

/* A "link" object for an fd link. tid 0 writes null. */
static inline const char *jlink(pid_t pid, pid_t tid, int fd, const char *spelling,
				const char *via, const char *probe)
{
	return sfmt("{\"what\":\"fd\",\"pid\":%d,\"tid\":%s,\"fd\":%d,\"spelling\":\"%s\","
		    "\"via\":\"%s\",\"probe\":\"%s\"}",
		    (int)pid, tid ? sfmt("%d", (int)tid) : "null", fd, spelling, via, probe);
}

/* The usual case: /proc/self/fd/N of the calling process, probe open. */
static inline const char *jself(int fd)
{
	return jlink(getpid(), 0, fd, "/proc/self/fd/N", "path", "open");
}

/* The path /proc/self/fd/N. */
static inline const char *self_fd(int fd)
{
	return sfmt("/proc/self/fd/%d", fd);
}

/* ------------------------------------------------------------------ fds */

static inline struct stat fd_stat(int fd)
{
	struct stat st;
	/* SYS_fstat takes no path: it is never a traced call. On i386 the
	 * kernel's struct stat64 is glibc's struct stat with 64-bit offsets
	 * (_FILE_OFFSET_BITS 64, defined above). */
#if defined(__i386__)
	_Static_assert(sizeof(struct stat) == sizeof(struct stat64), "LFS struct stat");
	long r = syscall(SYS_fstat64, fd, &st);
#else
	long r = syscall(SYS_fstat, fd, &st);
#endif
	CHECK(r == 0, "fstat(%d)", fd);
	return st;
}

/* A "target" object for fd as it is now, with the text the kernel gives
 * (text), the name without the marker (name) and whether it had one.
 * kind, access and fd_flags (a "$flags:" set; NULL for "$any") are given by
 * the caller. */
static inline const char *jtarget_full(int fd, const char *text, size_t text_len,
				       const char *name, size_t name_len, bool name_deleted,
				       const char *kind, const char *access,
				       const char *fd_flags)
{
	struct stat st = fd_stat(fd);
	return sfmt("{\"text\":%s,\"name\":%s,\"name_deleted\":%s,\"kind\":\"%s\","
		    "\"deleted\":%s,\"nlink\":%llu,\"dev\":%s,\"ino\":%llu,\"access\":\"%s\","
		    "\"fd_flags\":\"%s\"}",
		    jbytes(text, text_len), jbytes(name, name_len), jbool(name_deleted), kind,
		    jbool(st.st_nlink == 0), (unsigned long long)st.st_nlink, jdev(st.st_dev),
		    (unsigned long long)st.st_ino, access,
		    fd_flags ? sfmt("$flags:%s", fd_flags) : "$any");
}

/* A regular file fd whose name is path: when marked, the kernel's text is
 * "path (deleted)". */
static inline const char *jtarget_file(int fd, const char *path, bool marked,
				       const char *access, const char *fd_flags)
{
	const char *text = marked ? sfmt("%s (deleted)", path) : path;
	return jtarget_full(fd, text, strlen(text), path, strlen(path), marked, "regular",
			    access, fd_flags);
}

/* ----------------------------------------------------------- raw syscalls */

static inline long sys_openat(int dirfd, const char *path, int flags, mode_t mode)
{
	return syscall(SYS_openat, dirfd, path, flags, mode);
}

/* fstatat: newfstatat on x86-64, fstatat64 on i386 (which has no
 * newfstatat), named SC_FSTATAT in expectations. On i386 struct stat is the
 * kernel's struct stat64 (_FILE_OFFSET_BITS 64, see fd_stat). */
static inline long sys_fstatat(int dirfd, const char *path, struct stat *st, int flags)
{
#if defined(__i386__)
	return syscall(SYS_fstatat64, dirfd, path, st, flags);
#else
	return syscall(SYS_newfstatat, dirfd, path, st, flags);
#endif
}

/* stat and lstat: i386's SYS_stat/SYS_lstat fill the old 32-bit struct
 * stat; stat64/lstat64 fill the struct stat we have. */
static inline long sys_stat(const char *path, struct stat *st)
{
#if defined(__i386__)
	return syscall(SYS_stat64, path, st);
#else
	return syscall(SYS_stat, path, st);
#endif
}

static inline long sys_lstat(const char *path, struct stat *st)
{
#if defined(__i386__)
	return syscall(SYS_lstat64, path, st);
#else
	return syscall(SYS_lstat, path, st);
#endif
}

static inline long sys_readlinkat(int dirfd, const char *path, char *buf, size_t size)
{
	return syscall(SYS_readlinkat, dirfd, path, buf, size);
}

static inline long sys_close(int fd)
{
	return syscall(SYS_close, fd);
}

/* The "flags:" word of /proc/self/fdinfo/N (octal in the file). */
static inline unsigned long fdinfo_flags(int fd)
{
	char path[64], buf[4096];
	snprintf(path, sizeof path, "/proc/self/fdinfo/%d", fd);
	int f = (int)sys_openat(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
	CHECK(f >= 0, "open %s", path);
	ssize_t n = read(f, buf, sizeof buf - 1);
	sys_close(f);
	CHECK(n > 0, "read %s", path);
	buf[n] = '\0';
	char *p = strstr(buf, "flags:");
	CHECK(p != NULL, "no flags: in %s", path);
	return strtoul(p + 6, NULL, 8);
}

/* O_LARGEFILE as the kernel stores it in f_flags on x86-64 (glibc defines
 * O_LARGEFILE as 0 there, but the kernel forces the bit on 64-bit opens). */
#define KERNEL_O_LARGEFILE 0100000UL

/* What an open by raw syscall gets in f_flags: O_LARGEFILE on x86-64, where
 * the kernel forces it, none on i386 (glibc's open() would add it, the raw
 * call does not). OPEN_O_LARGEFILE is the bit, EXP_LF its "|O_LARGEFILE" in
 * an fd_flags word ("O_RDWR" EXP_LF). A memfd has it everywhere. */
#if defined(__i386__)
#define OPEN_O_LARGEFILE 0UL
#define EXP_LF ""
#else
#define OPEN_O_LARGEFILE KERNEL_O_LARGEFILE
#define EXP_LF "|O_LARGEFILE"
#endif

/* Read up to size-1 bytes from fd at offset 0 into buf, NUL-terminated. */
static inline ssize_t read_text(int fd, char *buf, size_t size)
{
	ssize_t n = pread(fd, buf, size - 1, 0);
	CHECK(n >= 0, "pread(%d)", fd);
	buf[n] = '\0';
	return n;
}

/* Create (or truncate) path and write text into it; returns the fd, open
 * O_RDWR (the caller closes it). */
static inline int make_file(const char *path, const char *text)
{
	int fd = (int)sys_openat(AT_FDCWD, path, O_RDWR | O_CREAT | O_TRUNC, 0644);
	CHECK(fd >= 0, "create %s", path);
	size_t len = strlen(text);
	CHECK(write(fd, text, len) == (ssize_t)len, "write %s", path);
	return fd;
}

/* ---------------------------------------------------------- temp directory */

static char exp_tmpdir[256];
static pid_t exp_tmp_owner;

static inline int exp_rm_entry(const char *path, const struct stat *st, int type,
			       struct FTW *ftw)
{
	(void)st, (void)ftw;
	if (type == FTW_DP)
		rmdir(path);
	else
		unlink(path);
	return 0;
}

static inline void tmpdir_remove(void)
{
	/* Forked children exit through here too: only the creator cleans. */
	if (exp_tmpdir[0] && getpid() == exp_tmp_owner) {
		nftw(exp_tmpdir, exp_rm_entry, 16, FTW_DEPTH | FTW_PHYS);
		exp_tmpdir[0] = '\0';
	}
}

/* mkdtemp("$TMPDIR/pfdtest.XXXXXX") (/tmp without TMPDIR), removed with
 * all it holds at exit. A program killed first cannot clean up: the
 * harness gives each case a TMPDIR of its own and removes that. */
static inline const char *tmpdir_create(void)
{
	const char *base = getenv("TMPDIR");
	if (!base || base[0] != '/' || strlen(base) > 128)
		base = "/tmp";
	snprintf(exp_tmpdir, sizeof(exp_tmpdir), "%s/pfdtest.XXXXXX", base);
	CHECK(mkdtemp(exp_tmpdir) != NULL, "mkdtemp");
	exp_tmp_owner = getpid();
	atexit(tmpdir_remove);
	return exp_tmpdir;
}

/* A path inside the temp directory. */
static inline const char *tmp_path(const char *name)
{
	CHECK(exp_tmpdir[0] != '\0', "tmpdir_create() first");
	return sfmt("%s/%s", exp_tmpdir, name);
}

/* ------------------------------------------------------------ fd factories */

/* After util-linux's tests/helpers/test_mkfds.c: one table of factories,
 * each making an fd of one kind the way the scenarios need it, so that the
 * setup is written (and its assumptions checked) once. A program calls
 *
 *   struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "x" });
 *
 * and gets the fd and what its expectations need to know about it. Files
 * live in the temp directory: call tmpdir_create() first. Factories make
 * the same calls in the same order as the code they replace, so the fd
 * numbers (and the traces) are the same. */

struct fd_params {
	const char *name;     /* file name in the temp dir, memfd name */
	const char *name2;    /* renamed: the new name; replaced: the replacing
			       * file; hardlink-removed: the link that stays */
	const char *content;  /* written into the file (default "x\n") */
	const char *content2; /* replaced: the replacing file's content */
};

struct made_fd {
	int fd;               /* the fd the scenario is about */
	int fd2;              /* pipe: the write end; socketpair: the peer; else -1 */
	const char *path;     /* the file's name (deleted: the removed one;
			       * renamed: the new one; tmpfile: DIR/#INO) */
	const char *path2;    /* renamed: the old name; replaced: the replacing
			       * file's first name; hardlink-removed: the link
			       * that stays; else NULL */
	ino_t ino;            /* fd's inode when made */
	ino_t ino2;           /* replaced: the replacing file's inode; else 0 */
	const char *text;     /* the kernel's text of the fd link: target.text */
	const char *name;     /* target.name: text without the " (deleted)" marker */
	bool name_deleted;    /* target.name_deleted */
	const char *kind;     /* target.kind */
	const char *anon;     /* anon-inode: target.anon_name; else NULL */
	const char *access;   /* target.access: the access mode the fd was made with */
};

struct fd_factory {
	const char *name;
	const char *desc;
	void (*make)(struct made_fd *m, const struct fd_params *p);
};

static inline const char *fdp_content(const struct fd_params *p)
{
	return p->content ? p->content : "x\n";
}

/* A regular file's fd named path, marked or not. */
static inline void made_file(struct made_fd *m, int fd, const char *path, bool marked,
			     const char *access)
{
	m->fd = fd;
	m->path = path;
	m->ino = fd_stat(fd).st_ino;
	m->text = marked ? sfmt("%s (deleted)", path) : path;
	m->name = path;
	m->name_deleted = marked;
	m->kind = "regular";
	m->access = access;
}

/* Something that is not a path: text == name, no marker. */
static inline void made_nonpath(struct made_fd *m, int fd, const char *text, const char *kind,
				const char *access)
{
	m->fd = fd;
	m->ino = fd_stat(fd).st_ino;
	m->text = m->name = text;
	m->name_deleted = false;
	m->kind = kind;
	m->access = access;
}

static inline void fdf_file(struct made_fd *m, const struct fd_params *p)
{
	const char *file = tmp_path(p->name ? p->name : "file");
	made_file(m, make_file(file, fdp_content(p)), file, false, "read-write");
}

static inline void fdf_deleted(struct made_fd *m, const struct fd_params *p)
{
	const char *file = tmp_path(p->name ? p->name : "deleted");
	int fd = make_file(file, fdp_content(p));
	CHECK(unlink(file) == 0, "unlink %s", file);
	CHECK(fd_stat(fd).st_nlink == 0, "nlink 0 after unlink");
	made_file(m, fd, file, true, "read-write");
}

static inline void fdf_renamed(struct made_fd *m, const struct fd_params *p)
{
	const char *old = tmp_path(p->name ? p->name : "before-rename");
	const char *new = tmp_path(p->name2 ? p->name2 : "after-rename");
	int fd = make_file(old, fdp_content(p));
	CHECK(rename(old, new) == 0, "rename");
	made_file(m, fd, new, false, "read-write");
	m->path2 = old;
}

static inline void fdf_replaced(struct made_fd *m, const struct fd_params *p)
{
	const char *name = tmp_path(p->name ? p->name : "replaced");
	const char *next = tmp_path(p->name2 ? p->name2 : sfmt("%s.new", p->name ? p->name
								      : "replaced"));
	int fd = make_file(name, fdp_content(p));
	ino_t old_ino = fd_stat(fd).st_ino;
	int nfd = make_file(next, p->content2 ? p->content2 : "new\n");
	m->ino2 = fd_stat(nfd).st_ino;
	sys_close(nfd);
	CHECK(rename(next, name) == 0, "rename over");
	CHECK(fd_stat(fd).st_nlink == 0, "old inode nlink 0");
	made_file(m, fd, name, true, "read-write");
	m->ino = old_ino;
	m->path2 = next;
}

static inline void fdf_hardlink_removed(struct made_fd *m, const struct fd_params *p)
{
	const char *a = tmp_path(p->name ? p->name : "first-link");
	const char *b = tmp_path(p->name2 ? p->name2 : "second-link");
	sys_close(make_file(a, fdp_content(p)));
	CHECK(link(a, b) == 0, "link");
	int fd = (int)sys_openat(AT_FDCWD, a, O_RDONLY, 0);
	CHECK(fd >= 0, "open %s", a);
	CHECK(unlink(a) == 0, "unlink %s", a);
	CHECK(fd_stat(fd).st_nlink == 1, "nlink 1");
	made_file(m, fd, a, true, "read");
	m->path2 = b;
}

static inline void fdf_tmpfile(struct made_fd *m, const struct fd_params *p)
{
	CHECK(exp_tmpdir[0] != '\0', "tmpdir_create() first");
	int fd = (int)sys_openat(AT_FDCWD, exp_tmpdir, O_TMPFILE | O_RDWR, 0600);
	CHECK(fd >= 0, "O_TMPFILE in %s", exp_tmpdir);
	const char *c = fdp_content(p);
	CHECK(write(fd, c, strlen(c)) == (ssize_t)strlen(c), "write");
	struct stat st = fd_stat(fd);
	CHECK(st.st_nlink == 0, "O_TMPFILE nlink 0");
	made_file(m, fd, tmp_path(sfmt("#%lu", (unsigned long)st.st_ino)), true, "read-write");
}

static inline void fdf_memfd(struct made_fd *m, const struct fd_params *p)
{
	const char *name = p->name ? p->name : "pfdtest-memfd";
	int fd = memfd_create(name, MFD_CLOEXEC);
	CHECK(fd >= 0, "memfd_create");
	const char *c = fdp_content(p);
	CHECK(write(fd, c, strlen(c)) == (ssize_t)strlen(c), "write memfd");
	CHECK(fd_stat(fd).st_nlink == 0, "memfd nlink 0");
	made_nonpath(m, fd, sfmt("/memfd:%s (deleted)", name), "memfd", "read-write");
	m->name = sfmt("/memfd:%s", name);
	m->name_deleted = true;
}

static inline void fdf_pipe(struct made_fd *m, const struct fd_params *p)
{
	(void)p;
	int pp[2];
	CHECK(pipe(pp) == 0, "pipe");
	CHECK(S_ISFIFO(fd_stat(pp[0]).st_mode), "pipe is a FIFO inode");
	made_nonpath(m, pp[0], sfmt("pipe:[%lu]", (unsigned long)fd_stat(pp[0]).st_ino), "pipe",
		     "read");
	m->fd2 = pp[1];
}

static inline void fdf_socketpair(struct made_fd *m, const struct fd_params *p)
{
	(void)p;
	int sv[2];
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0, "socketpair");
	made_nonpath(m, sv[0], sfmt("socket:[%lu]", (unsigned long)fd_stat(sv[0]).st_ino),
		     "socket", "read-write");
	m->fd2 = sv[1];
}

static inline void made_anon(struct made_fd *m, int fd, const char *anon)
{
	made_nonpath(m, fd, sfmt("anon_inode:%s", anon), "anon-inode", "read-write");
	m->anon = anon;
}

static inline void fdf_eventfd(struct made_fd *m, const struct fd_params *p)
{
	(void)p;
	int fd = eventfd(0, 0);
	CHECK(fd >= 0, "eventfd");
	made_anon(m, fd, "[eventfd]");
}

static inline void fdf_epoll(struct made_fd *m, const struct fd_params *p)
{
	(void)p;
	int fd = epoll_create1(EPOLL_CLOEXEC);
	CHECK(fd >= 0, "epoll_create1");
	made_anon(m, fd, "[eventpoll]");
}

static inline void fdf_pidfd(struct made_fd *m, const struct fd_params *p)
{
	(void)p;
	int fd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	CHECK(fd >= 0, "pidfd_open");
	made_anon(m, fd, "[pidfd]");
}

/* The factory called name: fd made, facts filled in (CHECKed: exit 99). */
static inline struct made_fd make_fd(const char *name, struct fd_params p)
{
	static const struct fd_factory factories[] = {
		{ "file", "a regular file, open O_RDWR", fdf_file },
		{ "deleted", "a file unlinked while open (nlink 0, name marked)", fdf_deleted },
		{ "renamed", "a file renamed while open (name2 is the new name)", fdf_renamed },
		{ "replaced", "a file another was renamed over (nlink 0; ino2: the new one)",
		  fdf_replaced },
		{ "hardlink-removed", "open O_RDONLY by a link since removed, the other stays "
		  "(nlink 1, name marked)", fdf_hardlink_removed },
		{ "tmpfile", "an O_TMPFILE in the temp dir (nlink 0, text DIR/#INO)", fdf_tmpfile },
		{ "memfd", "memfd_create(name, MFD_CLOEXEC)", fdf_memfd },
		{ "pipe", "pipe(2): fd the read end, fd2 the write end", fdf_pipe },
		{ "socketpair", "AF_UNIX SOCK_STREAM pair: fd and its peer fd2", fdf_socketpair },
		{ "eventfd", "eventfd(0, 0)", fdf_eventfd },
		{ "epoll", "epoll_create1(EPOLL_CLOEXEC)", fdf_epoll },
		{ "pidfd", "pidfd_open of the caller", fdf_pidfd },
	};
	for (size_t i = 0; i < sizeof factories / sizeof factories[0]; i++) {
		if (strcmp(factories[i].name, name) == 0) {
			struct made_fd m = { .fd = -1, .fd2 = -1 };
			factories[i].make(&m, &p);
			return m;
		}
	}
	CHECK(0, "make_fd: no factory %s", name);
	__builtin_unreachable();
}

/* The "target" object of a made fd as it is now (nlink, deleted and dev
 * from fstat), with access and fd_flags given (fd_flags a "$flags:" set,
 * NULL for "$any"). */
static inline const char *jtarget_made(const struct made_fd *m, const char *fd_flags)
{
	return jtarget_full(m->fd, m->text, strlen(m->text), m->name, strlen(m->name),
			    m->name_deleted, m->kind, m->access, fd_flags);
}

#endif
