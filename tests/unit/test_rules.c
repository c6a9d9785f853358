/* procfd-trace: unit tests for the resolution rules and their explanations
 * (tracer/plugins/procfd/procfd_rules.c), over events built by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tracer/fdesc/fdesc_impl.h"
#include "tracer/plugins/procfd/procfd.h"
#include "procfd/syscalls.h"

#ifndef AT_SYMLINK_NOFOLLOW
#define AT_SYMLINK_NOFOLLOW 0x100
#endif
#ifndef AT_SYMLINK_FOLLOW
#define AT_SYMLINK_FOLLOW 0x400
#endif
#ifndef AT_EMPTY_PATH
#define AT_EMPTY_PATH 0x1000
#endif
#ifndef AT_REMOVEDIR
#define AT_REMOVEDIR 0x200
#endif
#define IN_MODIFY 0x2
#define IN_DONT_FOLLOW 0x02000000

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* No flags word at all (stat, readlink...), as opposed to a flags word of 0. */
#define NOFLAGS UINT64_MAX

/* ---- building events ------------------------------------------------- */

/* A call, its path arguments and the plugin's annotation of it, wired up
 * as the engine and the plugin wire them. */
struct test_event {
	struct pfd_annot a;
	struct pfd_call call;
	struct pfd_path_args path;
	char pathbuf[PATH_MAX];
	char explanation[8192];
};

static const struct pfd_syscall_desc *desc(const char *name)
{
	const struct pfd_syscall_desc *d = pfd_syscall_by_name(name);
	if (!d)
		fail_msg("%s is not in the syscall table", name);
	return d;
}

/* A successful call on /proc/self/fd/5 of process 1234, not yet probed. */
static struct test_event *new_event(const char *name, uint64_t flags)
{
	struct test_event *ev = calloc(1, sizeof(*ev));
	assert_non_null(ev);
	ev->call.pid = ev->call.tid = 1234;
	ev->path.desc = desc(name);
	ev->call.arch = "x86_64";
	ev->call.name = ev->path.desc->name;
	ev->call.path = &ev->path;
	ev->a.call = &ev->call;
	ev->path.path = ev->pathbuf;
	snprintf(ev->pathbuf, sizeof(ev->pathbuf), "/proc/self/fd/5");
	ev->path.path_len = strlen(ev->pathbuf);
	if (flags != NOFLAGS) {
		ev->path.has_flags = true;
		ev->path.flags = flags;
	}
	ev->call.finished = true;
	ev->call.result = 0;
	ev->a.link.what = PFD_LINK_FD;
	ev->a.link.via = PFD_VIA_PATH;
	ev->a.link.pid = 1234;
	ev->a.link.tid = 0;
	ev->a.link.fd = 5;
	ev->a.link.spelling = "/proc/self/fd/N";
	ev->a.probe = PFD_PROBE_OPEN;
	return ev;
}

static void set_resolve(struct test_event *ev, uint64_t resolve)
{
	ev->path.has_resolve = true;
	ev->path.resolve = resolve;
}

static void fail_with(struct test_event *ev, int err)
{
	ev->call.result = -1;
	ev->call.err = err;
}

/* A regular file held by the fd: text, name and what the text names now. */
static void hold_file(struct test_event *ev, const char *text, enum pfd_text_target tt,
		      bool deleted)
{
	struct pfd_target *t = &ev->a.target;
	snprintf(t->text, sizeof(t->text), "%s", text);
	t->text_len = strlen(t->text);
	snprintf(t->name, sizeof(t->name), "%s", text);
	t->name_len = t->text_len;
	const char *suffix = " (deleted)";
	size_t sl = strlen(suffix);
	if (t->text_len > sl && strcmp(t->text + t->text_len - sl, suffix) == 0) {
		t->name_len = t->text_len - sl;
		t->name[t->name_len] = '\0';
		t->name_marked = true;
	}
	t->fdesc.cls = pfd_fdesc_class_named("regular");
	t->have_stat = true;
	t->mode = S_IFREG | 0644;
	t->link_mode = S_IFLNK | 0500;
	t->nlink = deleted ? 0 : 1;
	t->deleted = deleted;
	t->ino = 4242;
	t->text_target = tt;
}

/* Resolution and explanation into the event, as the plugin does. */
static void annotate(struct test_event *ev)
{
	ev->a.resolution = pfd_resolve(&ev->a);
	struct pfd_buf b = PFD_BUF_INIT;
	pfd_explain(&ev->a, &b);
	assert_false(b.failed);
	snprintf(ev->explanation, sizeof(ev->explanation), "%s", pfd_buf_str(&b));
	pfd_buf_free(&b);
}

static void assert_contains(const char *hay, const char *needle)
{
	if (!strstr(hay, needle))
		fail_msg("\"%s\" not found in: %s", needle, hay);
}

static void assert_lacks(const char *hay, const char *needle)
{
	if (strstr(hay, needle))
		fail_msg("\"%s\" unexpectedly found in: %s", needle, hay);
}

/* ---- pfd_call_follows ------------------------------------------------ */

struct follow_case {
	const char *name;
	uint64_t flags; /* NOFLAGS: the call has no flags word */
	bool trailing_slash;
	bool follows;
};

static const struct follow_case follow_cases[] = {
	/* open family: O_NOFOLLOW decides */
	{ "open", O_RDONLY, false, true },
	{ "open", O_RDWR | O_CREAT, false, true },
	{ "open", O_RDONLY | O_NOFOLLOW, false, false },
	{ "openat", O_RDONLY, false, true },
	{ "openat", O_PATH | O_NOFOLLOW, false, false },
	{ "openat", O_PATH, false, true },
	{ "openat2", O_RDONLY, false, true },
	{ "openat2", O_RDONLY | O_NOFOLLOW, false, false },
	{ "creat", O_CREAT | O_WRONLY | O_TRUNC, false, true },
	{ "creat", NOFLAGS, false, true },
	/* stat: always follows; lstat: never */
	{ "stat", NOFLAGS, false, true },
	{ "stat64", NOFLAGS, false, true },
	{ "oldstat", NOFLAGS, false, true },
	{ "lstat", NOFLAGS, false, false },
	{ "lstat64", NOFLAGS, false, false },
	{ "oldlstat", NOFLAGS, false, false },
	/* *statat, statx: AT_SYMLINK_NOFOLLOW decides */
	{ "newfstatat", 0, false, true },
	{ "newfstatat", AT_SYMLINK_NOFOLLOW, false, false },
	{ "newfstatat", AT_EMPTY_PATH, false, true },
	/* O_NOFOLLOW's bit means nothing in an AT_* word */
	{ "newfstatat", O_NOFOLLOW, false, true },
	{ "fstatat64", 0, false, true },
	{ "fstatat64", AT_SYMLINK_NOFOLLOW, false, false },
	{ "statx", 0, false, true },
	{ "statx", AT_SYMLINK_NOFOLLOW, false, false },
	{ "statx", AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH, false, false },
	/* readlink: the link itself */
	{ "readlink", NOFLAGS, false, false },
	{ "readlinkat", NOFLAGS, false, false },
	/* access: follows; faccessat2's AT_SYMLINK_NOFOLLOW does not */
	{ "access", NOFLAGS, false, true },
	{ "faccessat", NOFLAGS, false, true },
	{ "faccessat2", 0, false, true },
	{ "faccessat2", AT_SYMLINK_NOFOLLOW, false, false },
	/* linkat's source: only with AT_SYMLINK_FOLLOW */
	{ "linkat", 0, false, false },
	{ "linkat", AT_SYMLINK_FOLLOW, false, true },
	{ "linkat", AT_EMPTY_PATH, false, false },
	/* always follow */
	{ "execve", NOFLAGS, false, true },
	{ "execveat", 0, false, true },
	{ "execveat", AT_EMPTY_PATH, false, true },
	{ "execveat", AT_SYMLINK_NOFOLLOW, false, false },
	{ "chdir", NOFLAGS, false, true },
	{ "truncate", NOFLAGS, false, true },
	{ "truncate64", NOFLAGS, false, true },
	{ "statfs", NOFLAGS, false, true },
	{ "statfs64", NOFLAGS, false, true },
	/* calls that change or read the held inode: follow; l* forms and
	 * AT_SYMLINK_NOFOLLOW act on the link itself (act_through_link.c) */
	{ "chmod", NOFLAGS, false, true },
	{ "fchmodat", NOFLAGS, false, true },
	{ "fchmodat2", 0, false, true },
	{ "fchmodat2", AT_SYMLINK_NOFOLLOW, false, false },
	{ "fchmodat2", AT_EMPTY_PATH, false, true },
	{ "chown", NOFLAGS, false, true },
	{ "chown32", NOFLAGS, false, true },
	{ "lchown", NOFLAGS, false, false },
	{ "lchown32", NOFLAGS, false, false },
	{ "fchownat", 0, false, true },
	{ "fchownat", AT_SYMLINK_NOFOLLOW, false, false },
	{ "utime", NOFLAGS, false, true },
	{ "utimes", NOFLAGS, false, true },
	{ "futimesat", NOFLAGS, false, true },
	{ "utimensat", 0, false, true },
	{ "utimensat", AT_SYMLINK_NOFOLLOW, false, false },
	{ "utimensat_time64", AT_SYMLINK_NOFOLLOW, false, false },
	{ "setxattr", NOFLAGS, false, true },
	{ "getxattr", NOFLAGS, false, true },
	{ "listxattr", NOFLAGS, false, true },
	{ "removexattr", NOFLAGS, false, true },
	{ "lsetxattr", NOFLAGS, false, false },
	{ "lgetxattr", NOFLAGS, false, false },
	{ "llistxattr", NOFLAGS, false, false },
	{ "lremovexattr", NOFLAGS, false, false },
	/* inotify: IN_DONT_FOLLOW decides; AT_SYMLINK_NOFOLLOW's bit means nothing */
	{ "inotify_add_watch", IN_MODIFY, false, true },
	{ "inotify_add_watch", IN_MODIFY | IN_DONT_FOLLOW, false, false },
	{ "inotify_add_watch", AT_SYMLINK_NOFOLLOW, false, true },
	/* name_to_handle_at, link: only with AT_SYMLINK_FOLLOW (link: never) */
	{ "name_to_handle_at", 0, false, false },
	{ "name_to_handle_at", AT_SYMLINK_FOLLOW, false, true },
	{ "name_to_handle_at", AT_EMPTY_PATH, false, false },
	{ "link", NOFLAGS, false, false },
	/* a name created or removed: never follows */
	{ "unlink", NOFLAGS, false, false },
	{ "unlinkat", 0, false, false },
	{ "unlinkat", AT_REMOVEDIR, false, false },
	{ "rmdir", NOFLAGS, false, false },
	{ "mkdir", NOFLAGS, false, false },
	{ "mkdirat", NOFLAGS, false, false },
	{ "mknod", NOFLAGS, false, false },
	{ "mknodat", NOFLAGS, false, false },
	{ "rename", NOFLAGS, false, false },
	{ "renameat", NOFLAGS, false, false },
	{ "renameat2", 0, false, false },
	/* a trailing slash forces the walk to follow, whatever the call */
	{ "open", O_RDONLY | O_NOFOLLOW, true, true },
	{ "openat", O_PATH | O_NOFOLLOW, true, true },
	{ "lstat", NOFLAGS, true, true },
	{ "newfstatat", AT_SYMLINK_NOFOLLOW, true, true },
	{ "statx", AT_SYMLINK_NOFOLLOW, true, true },
	{ "readlink", NOFLAGS, true, true },
	{ "faccessat2", AT_SYMLINK_NOFOLLOW, true, true },
	{ "linkat", 0, true, true },
	{ "lchown", NOFLAGS, true, true },
	{ "rmdir", NOFLAGS, true, true },
	{ "inotify_add_watch", IN_DONT_FOLLOW, true, true },
};

static void test_call_follows(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(follow_cases); i++) {
		const struct follow_case *c = &follow_cases[i];
		struct test_event *ev = new_event(c->name, c->flags);
		ev->a.link.trailing_slash = c->trailing_slash;
		bool got = pfd_call_follows(&ev->a);
		if (got != c->follows)
			fail_msg("case %zu: %s flags %#llx%s: follows %d, want %d", i, c->name,
				 (unsigned long long)c->flags, c->trailing_slash ? " (slash)" : "",
				 got, c->follows);
		free(ev);
	}
}

/* Every class of the table's path calls is covered by a follow case. */
static void test_follow_cases_cover_table(void **state)
{
	(void)state;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; i < n; i++) {
		bool seen = !pfd_syscall_has_path(&t[i]); /* never classified */
		for (size_t j = 0; j < ARRAY_LEN(follow_cases) && !seen; j++)
			seen = follow_cases[j].name && t[i].cls == desc(follow_cases[j].name)->cls;
		if (!seen)
			fail_msg("class of %s has no follow case", t[i].name);
	}
}

/* ---- pfd_resolve ----------------------------------------------------- */

enum { R_NONE = 0, R_RESOLVE, R_TRAILING, R_UNFINISHED, R_FD_DIR, R_NO_LINK, R_SYMLINK,
       R_FOLLOW_UP, R_THROUGH, R_THROUGH_FILE, R_OTHER_INODE, R_NO_NEW_FD };

struct resolve_case {
	const char *what;
	const char *name;
	uint64_t flags;
	uint64_t resolve;  /* with has_resolve (openat2 cases) */
	int err;           /* 0: success */
	enum pfd_probe probe;
	int extra;         /* R_* */
	enum pfd_resolution want;
};

#define OPEN PFD_PROBE_OPEN
#define NOFD PFD_PROBE_NO_FD
#define NOPROC PFD_PROBE_NO_PROCESS

static const struct resolve_case resolve_cases[] = {
	/* followed */
	{ "open success", "openat", O_RDONLY, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	/* the kernel's answer disagrees with the probe: not "followed" */
	{ "open, another inode", "openat", O_RDONLY, 0, 0, OPEN, R_OTHER_INODE,
	  PFD_RES_UNCONFIRMED },
	{ "open, no such new fd", "openat", O_RDONLY, 0, 0, OPEN, R_NO_NEW_FD, PFD_RES_UNCONFIRMED },
	{ "O_PATH alone follows", "openat", O_PATH, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "stat success", "stat", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "newfstatat 0", "newfstatat", 0, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "statx 0", "statx", 0, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "linkat FOLLOW", "linkat", AT_SYMLINK_FOLLOW, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "faccessat2 0", "faccessat2", 0, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "lstat with slash", "lstat", NOFLAGS, 0, 0, OPEN, R_TRAILING, PFD_RES_FOLLOWED },
	{ "opened after probe", "open", O_RDONLY, 0, 0, NOFD, R_NONE, PFD_RES_FOLLOWED },
	/* link itself */
	{ "O_PATH|O_NOFOLLOW", "openat", O_PATH | O_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "lstat", "lstat", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "newfstatat NOFOLLOW", "newfstatat", AT_SYMLINK_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "statx NOFOLLOW", "statx", AT_SYMLINK_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "readlink", "readlink", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "readlinkat", "readlinkat", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "faccessat2 NOFOLLOW", "faccessat2", AT_SYMLINK_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "linkat 0", "linkat", 0, 0, 0, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	/* the fd directory */
	{ "open fd dir", "openat", O_RDONLY | O_DIRECTORY, 0, 0, OPEN, R_FD_DIR,
	  PFD_RES_DIRECTORY },
	{ "stat fd dir", "stat", NOFLAGS, 0, 0, OPEN, R_FD_DIR, PFD_RES_DIRECTORY },
	{ "fd dir ENOENT", "openat", O_RDONLY, 0, ENOENT, NOPROC, R_FD_DIR,
	  PFD_RES_NO_SUCH_PROCESS },
	/* ENOENT: the probe tells which */
	{ "ENOENT no fd", "openat", O_RDONLY, 0, ENOENT, NOFD, R_NONE, PFD_RES_NO_SUCH_FD },
	{ "ENOENT no fd (lstat)", "lstat", NOFLAGS, 0, ENOENT, NOFD, R_NONE, PFD_RES_NO_SUCH_FD },
	{ "ENOENT no process", "openat", O_RDONLY, 0, ENOENT, NOPROC, R_NONE,
	  PFD_RES_NO_SUCH_PROCESS },
	/* open at entry, ENOENT from the kernel: a torn path or a close meanwhile */
	{ "ENOENT, fd was open", "openat", O_RDONLY, 0, ENOENT, OPEN, R_NONE, PFD_RES_RACED },
	{ "ENOENT, fd was open (stat)", "stat", NOFLAGS, 0, ENOENT, OPEN, R_NONE, PFD_RES_RACED },
	{ "ENOENT, not a thread of it", "openat", O_RDONLY, 0, ENOENT, PFD_PROBE_NO_THREAD, R_NONE,
	  PFD_RES_NO_SUCH_THREAD },
	{ "ENOENT, no probe", "openat", O_RDONLY, 0, ENOENT, PFD_PROBE_NOT_DONE, R_NONE,
	  PFD_RES_ERROR },
	{ "ENOENT, probe failed", "openat", O_RDONLY, 0, ENOENT, PFD_PROBE_FAILED, R_NONE,
	  PFD_RES_ERROR },
	{ "ESRCH", "openat", O_RDONLY, 0, ESRCH, NOPROC, R_NONE, PFD_RES_NO_SUCH_PROCESS },
	/* denied */
	{ "EACCES", "openat", O_RDONLY, 0, EACCES, PFD_PROBE_DENIED, R_NONE, PFD_RES_DENIED },
	{ "EPERM", "openat", O_RDWR, 0, EPERM, OPEN, R_NONE, PFD_RES_DENIED },
	{ "EACCES readlink", "readlink", NOFLAGS, 0, EACCES, PFD_PROBE_DENIED, R_NONE,
	  PFD_RES_DENIED },
	/* ELOOP: refused only when the call asked not to follow */
	{ "ELOOP O_NOFOLLOW", "openat", O_RDONLY | O_NOFOLLOW, 0, ELOOP, OPEN, R_NONE,
	  PFD_RES_REFUSED_NOFOLLOW },
	{ "ELOOP open O_NOFOLLOW", "open", O_WRONLY | O_NOFOLLOW, 0, ELOOP, OPEN, R_NONE,
	  PFD_RES_REFUSED_NOFOLLOW },
	{ "ELOOP NO_MAGICLINKS", "openat2", O_RDONLY, RESOLVE_NO_MAGICLINKS, ELOOP, OPEN,
	  R_RESOLVE, PFD_RES_REFUSED_NOFOLLOW },
	{ "ELOOP NO_SYMLINKS", "openat2", O_RDONLY, RESOLVE_NO_SYMLINKS, ELOOP, NOFD, R_RESOLVE,
	  PFD_RES_REFUSED_NOFOLLOW },
	{ "ELOOP openat2 plain", "openat2", O_RDONLY, 0, ELOOP, OPEN, R_RESOLVE, PFD_RES_ERROR },
	{ "ELOOP openat2 BENEATH", "openat2", O_RDONLY, RESOLVE_BENEATH, ELOOP, OPEN, R_RESOLVE,
	  PFD_RES_ERROR },
	{ "ELOOP open", "openat", O_RDONLY, 0, ELOOP, OPEN, R_NONE, PFD_RES_ERROR },
	{ "ELOOP execveat NOFOLLOW", "execveat", AT_SYMLINK_NOFOLLOW, 0, ELOOP, OPEN, R_NONE,
	  PFD_RES_REFUSED_NOFOLLOW },
	{ "ELOOP execveat", "execveat", 0, 0, ELOOP, OPEN, R_NONE, PFD_RES_ERROR },
	{ "ELOOP stat", "stat", NOFLAGS, 0, ELOOP, OPEN, R_NONE, PFD_RES_ERROR },
	/* an AT_* word with O_NOFOLLOW's bit is not O_NOFOLLOW */
	{ "ELOOP newfstatat", "newfstatat", O_NOFOLLOW, 0, ELOOP, OPEN, R_NONE, PFD_RES_ERROR },
	/* follow-ups resolve as such, whatever their result */
	{ "follow-up ENOENT", "newfstatat", 0, 0, ENOENT, NOFD, R_FOLLOW_UP, PFD_RES_FOLLOW_UP },
	{ "follow-up success", "statx", 0, 0, 0, NOFD, R_FOLLOW_UP, PFD_RES_FOLLOW_UP },
	/* ELOOP through a held symlink: a case of its own, not a refusal */
	{ "ELOOP held symlink", "openat", O_RDONLY, 0, ELOOP, OPEN, R_SYMLINK,
	  PFD_RES_HELD_SYMLINK },
	{ "ELOOP held symlink, stat", "stat", NOFLAGS, 0, ELOOP, OPEN, R_SYMLINK,
	  PFD_RES_HELD_SYMLINK },
	{ "ELOOP O_NOFOLLOW on a held symlink", "openat", O_NOFOLLOW, 0, ELOOP, OPEN, R_SYMLINK,
	  PFD_RES_REFUSED_NOFOLLOW },
	{ "ELOOP, a regular file held", "openat", O_RDONLY, 0, ELOOP, OPEN, R_NONE, PFD_RES_ERROR },
	/* readlink of the fd directory: EINVAL, the normal not-a-symlink answer */
	{ "readlink fd dir", "readlink", NOFLAGS, 0, EINVAL, OPEN, R_FD_DIR, PFD_RES_DIRECTORY },
	{ "EINVAL open of a link", "openat", O_RDONLY, 0, EINVAL, OPEN, R_NONE, PFD_RES_ERROR },
	/* EXDEV: refused only for a scoped openat2 */
	{ "EXDEV BENEATH", "openat2", O_RDONLY, RESOLVE_BENEATH, EXDEV, OPEN, R_RESOLVE,
	  PFD_RES_REFUSED_SCOPED },
	{ "EXDEV IN_ROOT", "openat2", O_RDONLY, RESOLVE_IN_ROOT, EXDEV, OPEN, R_RESOLVE,
	  PFD_RES_REFUSED_SCOPED },
	{ "EXDEV NO_XDEV", "openat2", O_RDONLY, RESOLVE_NO_XDEV, EXDEV, OPEN, R_RESOLVE,
	  PFD_RES_REFUSED_SCOPED },
	{ "EXDEV openat2 unscoped", "openat2", O_RDONLY, RESOLVE_NO_MAGICLINKS, EXDEV, OPEN,
	  R_RESOLVE, PFD_RES_ERROR },
	/* the lookup followed the link; the new name is on another file system */
	{ "EXDEV linkat", "linkat", AT_SYMLINK_FOLLOW, 0, EXDEV, OPEN, R_NONE, PFD_RES_FOLLOWED },
	/* ENXIO: only an open means "not reopenable" */
	{ "ENXIO open", "openat", O_RDONLY, 0, ENXIO, OPEN, R_NONE, PFD_RES_NOT_REOPENABLE },
	{ "ENXIO openat2", "openat2", O_RDONLY, 0, ENXIO, OPEN, R_RESOLVE,
	  PFD_RES_NOT_REOPENABLE },
	{ "ENXIO stat", "stat", NOFLAGS, 0, ENXIO, OPEN, R_NONE, PFD_RES_ERROR },
	{ "ENXIO statx", "statx", 0, 0, ENXIO, OPEN, R_NONE, PFD_RES_ERROR },
	/* unfinished, whatever the rest says */
	{ "unfinished", "openat", O_RDONLY, 0, 0, OPEN, R_UNFINISHED, PFD_RES_UNFINISHED },
	{ "unfinished ENOENT", "openat", O_RDONLY, 0, ENOENT, NOFD, R_UNFINISHED,
	  PFD_RES_UNFINISHED },
	/* plain errors */
	{ "EINVAL", "openat2", O_RDONLY, 0, EINVAL, OPEN, R_RESOLVE, PFD_RES_ERROR },
	{ "ENOTDIR slash", "openat", O_RDONLY, 0, ENOTDIR, OPEN, R_TRAILING, PFD_RES_ERROR },
	{ "EMFILE", "openat", O_RDONLY, 0, EMFILE, OPEN, R_NONE, PFD_RES_ERROR },
	{ "no link", "openat", O_RDONLY, 0, 0, PFD_PROBE_NOT_DONE, R_NO_LINK, PFD_RES_ERROR },
	{ "no link EFAULT", "openat", O_RDONLY, 0, EFAULT, PFD_PROBE_NOT_DONE, R_NO_LINK,
	  PFD_RES_ERROR },
	/* calls that act through the link, as the kernel answered them
	 * (tests/programs/act_through_link.c) */
	{ "chmod", "chmod", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "fchmodat2 NOFOLLOW EOPNOTSUPP", "fchmodat2", AT_SYMLINK_NOFOLLOW, 0, EOPNOTSUPP, OPEN,
	  R_NONE, PFD_RES_LINK_ITSELF },
	{ "chown", "chown", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "chown EPERM (not root)", "chown", NOFLAGS, 0, EPERM, OPEN, R_NONE, PFD_RES_DENIED },
	{ "lchown (root)", "lchown", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "lchown EPERM", "lchown", NOFLAGS, 0, EPERM, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "fchownat NOFOLLOW", "fchownat", AT_SYMLINK_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "utimensat", "utimensat", 0, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "utimensat NOFOLLOW", "utimensat", AT_SYMLINK_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "getxattr", "getxattr", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "lsetxattr EPERM", "lsetxattr", NOFLAGS, 0, EPERM, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "lgetxattr ENODATA", "lgetxattr", NOFLAGS, 0, ENODATA, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	/* the lookup followed the link; the held file lacks the attribute */
	{ "getxattr ENODATA", "getxattr", NOFLAGS, 0, ENODATA, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "open O_WRONLY EISDIR", "openat", O_WRONLY, 0, EISDIR, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "open O_WRONLY ETXTBSY", "openat", O_WRONLY, 0, ETXTBSY, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "open O_CREAT|O_EXCL EEXIST", "openat", O_RDWR | O_CREAT | O_EXCL, 0, EEXIST, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "getxattr ENODATA, no fd", "getxattr", NOFLAGS, 0, ENOENT, NOFD, R_NONE,
	  PFD_RES_NO_SUCH_FD },
	{ "llistxattr", "llistxattr", NOFLAGS, 0, 0, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "inotify", "inotify_add_watch", IN_MODIFY, 0, 0, OPEN, R_NONE, PFD_RES_FOLLOWED },
	{ "inotify DONT_FOLLOW", "inotify_add_watch", IN_MODIFY | IN_DONT_FOLLOW, 0, 0, OPEN,
	  R_NONE, PFD_RES_LINK_ITSELF },
	{ "name_to_handle_at 0", "name_to_handle_at", 0, 0, EOPNOTSUPP, OPEN, R_NONE,
	  PFD_RES_LINK_ITSELF },
	{ "name_to_handle_at FOLLOW", "name_to_handle_at", AT_SYMLINK_FOLLOW, 0, 0, OPEN, R_NONE,
	  PFD_RES_FOLLOWED },
	{ "unlink EPERM", "unlink", NOFLAGS, 0, EPERM, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "unlink, no fd", "unlink", NOFLAGS, 0, ENOENT, NOFD, R_NONE, PFD_RES_NO_SUCH_FD },
	{ "rmdir ENOTDIR", "rmdir", NOFLAGS, 0, ENOTDIR, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "mkdir EEXIST", "mkdir", NOFLAGS, 0, EEXIST, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "rename EXDEV", "rename", NOFLAGS, 0, EXDEV, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "link EXDEV", "link", NOFLAGS, 0, EXDEV, OPEN, R_NONE, PFD_RES_LINK_ITSELF },
	{ "unlink EACCES (another's fds)", "unlink", NOFLAGS, 0, EACCES, PFD_PROBE_DENIED, R_NONE,
	  PFD_RES_DENIED },
	/* a walk through the link: /proc/self/fd/5/.. */
	{ "through, open", "openat", O_RDONLY, 0, 0, OPEN, R_THROUGH, PFD_RES_THROUGH },
	{ "through, O_NOFOLLOW", "openat", O_RDONLY | O_NOFOLLOW, 0, 0, OPEN, R_THROUGH,
	  PFD_RES_THROUGH },
	{ "through, lstat", "lstat", NOFLAGS, 0, 0, OPEN, R_THROUGH, PFD_RES_THROUGH },
	{ "through, no fd", "openat", O_RDONLY, 0, ENOENT, NOFD, R_THROUGH, PFD_RES_NO_SUCH_FD },
	/* the rest of the path names nothing: not a race */
	{ "through, rest missing", "openat", O_RDONLY, 0, ENOENT, OPEN, R_THROUGH, PFD_RES_ERROR },
	{ "through a file", "openat", O_RDONLY, 0, ENOTDIR, OPEN, R_THROUGH_FILE, PFD_RES_ERROR },
	{ "through, NO_MAGICLINKS", "openat2", O_RDONLY, RESOLVE_NO_MAGICLINKS, ELOOP, OPEN,
	  R_RESOLVE, PFD_RES_REFUSED_NOFOLLOW },
	/* the caller's /proc is a tmpfs: whatever the result, no magic link */
	{ "not procfs, open", "openat", O_WRONLY | O_CREAT, 0, 0, PFD_PROBE_NOT_PROCFS, R_NONE,
	  PFD_RES_NOT_PROCFS },
	{ "not procfs, ENOENT", "stat", NOFLAGS, 0, ENOENT, PFD_PROBE_NOT_PROCFS, R_NONE,
	  PFD_RES_NOT_PROCFS },
	{ "not procfs, unfinished", "openat", O_RDONLY, 0, 0, PFD_PROBE_NOT_PROCFS, R_UNFINISHED,
	  PFD_RES_UNFINISHED },
};

static struct test_event *event_for(const struct resolve_case *c)
{
	struct test_event *ev = new_event(c->name, c->flags);
	if (c->err)
		fail_with(ev, c->err);
	ev->a.probe = c->probe;
	if (c->probe == PFD_PROBE_OPEN)
		hold_file(ev, "/tmp/held", PFD_TEXT_SAME_FILE, false);
	switch (c->extra) {
	case R_RESOLVE: set_resolve(ev, c->resolve); break;
	case R_TRAILING: ev->a.link.trailing_slash = true; break;
	case R_UNFINISHED: ev->call.finished = false; break;
	case R_FD_DIR:
		ev->a.link.what = PFD_LINK_FD_DIR;
		ev->a.link.fd = -1;
		ev->a.link.spelling = "/proc/self/fd";
		break;
	case R_NO_LINK:
		ev->a.link.what = PFD_LINK_NONE;
		ev->a.link.spelling = NULL;
		ev->path.path_errno = EFAULT;
		break;
	case R_FOLLOW_UP: /* a call on a path derived from a link's text */
		ev->a.link.what = PFD_LINK_NONE;
		ev->a.link.spelling = NULL;
		ev->a.follow.active = true;
		break;
	case R_THROUGH: /* /proc/self/fd/5/.. with fd 5 on the directory /tmp/held */
		ev->a.target.fdesc.cls = pfd_fdesc_class_named("directory");
		ev->a.target.mode = S_IFDIR | 0755;
		/* fall through */
	case R_THROUGH_FILE:
		snprintf(ev->pathbuf, sizeof(ev->pathbuf), "/proc/self/fd/5/..");
		ev->path.path_len = strlen(ev->pathbuf);
		ev->a.link.what = PFD_LINK_THROUGH;
		ev->a.link.rest = ev->pathbuf + strlen("/proc/self/fd/5/");
		ev->a.link.rest_len = 2;
		break;
	case R_OTHER_INODE: /* the new fd holds another inode than the probe's */
		ev->a.verified = PFD_VERIFY_DIFFERENT;
		break;
	case R_NO_NEW_FD: /* the result names no open fd */
		ev->a.verified = PFD_VERIFY_NO_FD;
		break;
	case R_SYMLINK: /* an O_PATH|O_NOFOLLOW fd on a symlink */
		ev->a.target.fdesc.cls = pfd_fdesc_class_named("symlink");
		ev->a.target.mode = S_IFLNK | 0777;
		break;
	default: break;
	}
	return ev;
}

static void test_resolve(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(resolve_cases); i++) {
		const struct resolve_case *c = &resolve_cases[i];
		struct test_event *ev = event_for(c);
		enum pfd_resolution got = pfd_resolve(&ev->a);
		if (got != c->want)
			fail_msg("case %zu (%s): %s, want %s", i, c->what, pfd_resolution_name(got),
				 pfd_resolution_name(c->want));
		free(ev);
	}
}

/* Every resolution value but NONE is produced by some case above. */
static void test_resolve_cases_cover_values(void **state)
{
	(void)state;
	for (int r = PFD_RES_FOLLOWED; r <= PFD_RES_ERROR; r++) {
		if (r == PFD_RES_PLAIN)
			continue; /* set by the plugin for --all-paths, never resolved */
		bool seen = false;
		for (size_t i = 0; i < ARRAY_LEN(resolve_cases); i++)
			seen = seen || resolve_cases[i].want == (enum pfd_resolution)r;
		if (!seen)
			fail_msg("no case resolves to %s", pfd_resolution_name((enum pfd_resolution)r));
	}
}

/* Each case explains itself: a non-empty, one-line, NUL-terminated sentence. */
static void test_explain_every_case(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(resolve_cases); i++) {
		struct test_event *ev = event_for(&resolve_cases[i]);
		memset(ev->explanation, 'X', sizeof(ev->explanation));
		annotate(ev);
		size_t len = strnlen(ev->explanation, sizeof(ev->explanation));
		if (len == 0 || len == sizeof(ev->explanation))
			fail_msg("case %zu (%s): bad explanation length %zu", i,
				 resolve_cases[i].what, len);
		assert_null(strchr(ev->explanation, '\n'));
		free(ev);
	}
}

/* ---- pfd_explain: content -------------------------------------------- */

struct explain_case {
	const char *what;
	const char *name;
	uint64_t flags;
	uint64_t resolve;
	int err;
	enum pfd_probe probe;
	int extra;
	const char *must[4];  /* phrases the sentence contains */
	const char *never[2]; /* phrases it must not contain */
};

static const struct explain_case explain_cases[] = {
	{ "followed, same file", "openat", O_RDONLY, 0, 0, OPEN, R_NONE,
	  { "openat followed", "\"/tmp/held\"", "still exists" }, { "deleted" } },
	{ "followed, probe missed it", "openat", O_RDONLY, 0, 0, NOFD, R_NONE,
	  { "opened after the entry probe" }, { NULL } },
	{ "O_PATH|O_NOFOLLOW", "openat", O_PATH | O_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  { "O_PATH|O_NOFOLLOW", "link itself" }, { NULL } },
	{ "lstat", "lstat", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "lstat described the /proc link itself", "read" }, { NULL } },
	{ "readlink", "readlink", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "readlink returned", "\"/tmp/held\"" }, { NULL } },
	{ "fd directory", "openat", O_RDONLY, 0, 0, OPEN, R_FD_DIR,
	  { "fd directory of process 1234" }, { NULL } },
	{ "no fd", "openat", O_RDONLY, 0, ENOENT, NOFD, R_NONE,
	  { "process 1234 has no fd 5", "ENOENT", "follow" }, { NULL } },
	{ "no fd, lstat", "lstat", NOFLAGS, 0, ENOENT, NOFD, R_NONE,
	  { "no fd 5", "look at" }, { NULL } },
	{ "no process", "openat", O_RDONLY, 0, ENOENT, NOPROC, R_NONE,
	  { "no process 1234", "ENOENT" }, { NULL } },
	{ "denied", "openat", O_RDONLY, 0, EACCES, PFD_PROBE_DENIED, R_NONE,
	  { "denied", "EACCES" }, { NULL } },
	{ "denied EPERM", "openat", O_RDONLY, 0, EPERM, OPEN, R_NONE, { "EPERM" }, { NULL } },
	{ "O_NOFOLLOW", "openat", O_RDONLY | O_NOFOLLOW, 0, ELOOP, OPEN, R_NONE,
	  { "O_NOFOLLOW", "ELOOP", "although the fd is open" }, { NULL } },
	{ "NO_MAGICLINKS", "openat2", O_RDONLY, RESOLVE_NO_MAGICLINKS, ELOOP, OPEN, R_RESOLVE,
	  { "RESOLVE_NO_MAGICLINKS", "ELOOP" }, { NULL } },
	{ "NO_SYMLINKS", "openat2", O_RDONLY, RESOLVE_NO_SYMLINKS, ELOOP, OPEN, R_RESOLVE,
	  { "RESOLVE_NO_SYMLINKS", "ELOOP" }, { NULL } },
	{ "BENEATH", "openat2", O_RDONLY, RESOLVE_BENEATH, EXDEV, OPEN, R_RESOLVE,
	  { "RESOLVE_BENEATH", "EXDEV" }, { NULL } },
	{ "IN_ROOT", "openat2", O_RDONLY, RESOLVE_IN_ROOT, EXDEV, OPEN, R_RESOLVE,
	  { "RESOLVE_IN_ROOT", "EXDEV" }, { NULL } },
	{ "NO_XDEV", "openat2", O_RDONLY, RESOLVE_NO_XDEV, EXDEV, OPEN, R_RESOLVE,
	  { "RESOLVE_NO_XDEV", "EXDEV" }, { NULL } },
	{ "ENXIO", "openat", O_RDONLY, 0, ENXIO, OPEN, R_NONE,
	  { "fd 5", "ENXIO", "cannot be opened again" }, { NULL } },
	{ "unfinished", "openat", O_RDONLY, 0, 0, OPEN, R_UNFINISHED,
	  { "before openat returned" }, { NULL } },
	{ "error", "openat", O_RDONLY, 0, EMFILE, OPEN, R_NONE,
	  { "openat failed with EMFILE" }, { NULL } },
	{ "ENXIO stat is an error", "stat", NOFLAGS, 0, ENXIO, OPEN, R_NONE,
	  { "stat failed with ENXIO" }, { "opened again" } },
	{ "ENOTDIR slash", "openat", O_RDONLY, 0, ENOTDIR, OPEN, R_TRAILING,
	  { "ENOTDIR", "ends in a slash", "fd 5 holds a regular" }, { NULL } },
	{ "unreadable path", "openat", O_RDONLY, 0, EFAULT, PFD_PROBE_NOT_DONE, R_NO_LINK,
	  { "could not be read", "EFAULT" }, { NULL } },
	/* calls that act through the link */
	{ "chmod", "chmod", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "chmod followed the magic link", "changed the mode of the held file",
	    "\"/tmp/held\"" }, { "link itself" } },
	{ "fchmodat2 NOFOLLOW", "fchmodat2", AT_SYMLINK_NOFOLLOW, 0, EOPNOTSUPP, OPEN, R_NONE,
	  { "fchmodat2 acted on the /proc link itself", "mode of a symlink", "(EOPNOTSUPP)" },
	  { "followed" } },
	{ "chown", "chown", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "chown followed the magic link", "changed the owner of the held file" }, { NULL } },
	{ "chown EPERM", "chown", NOFLAGS, 0, EPERM, OPEN, R_NONE,
	  { "chown followed the magic link to the held file", "CAP_CHOWN", "(EPERM)" },
	  { "ptrace" } },
	{ "lchown", "lchown", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "lchown acted on the /proc link itself", "held file is unchanged" }, { NULL } },
	{ "lchown EPERM", "lchown", NOFLAGS, 0, EPERM, OPEN, R_NONE,
	  { "lchown acted on the /proc link itself", "CAP_CHOWN", "(EPERM)" }, { "ptrace" } },
	{ "utimensat NOFOLLOW", "utimensat", AT_SYMLINK_NOFOLLOW, 0, 0, OPEN, R_NONE,
	  { "utimensat with AT_SYMLINK_NOFOLLOW", "timestamps of the /proc link itself" },
	  { NULL } },
	{ "utimes", "utimes", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "utimes followed the magic link", "set the timestamps of the held file" },
	  { NULL } },
	{ "setxattr", "setxattr", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "setxattr followed", "changed the extended attributes of the held file" }, { NULL } },
	{ "getxattr", "getxattr", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "getxattr followed", "read the extended attributes of the held file" }, { NULL } },
	{ "lsetxattr EPERM", "lsetxattr", NOFLAGS, 0, EPERM, OPEN, R_NONE,
	  { "lsetxattr acted on the /proc link itself", "not allowed on a symlink", "(EPERM)" },
	  { "denied" } },
	{ "lgetxattr ENODATA", "lgetxattr", NOFLAGS, 0, ENODATA, OPEN, R_NONE,
	  { "lgetxattr acted on the /proc link itself", "no such attribute", "(ENODATA)" },
	  { NULL } },
	{ "llistxattr", "llistxattr", NOFLAGS, 0, 0, OPEN, R_NONE,
	  { "llistxattr read the extended attributes of the /proc link itself" }, { NULL } },
	{ "inotify", "inotify_add_watch", IN_MODIFY, 0, 0, OPEN, R_NONE,
	  { "inotify_add_watch followed the magic link", "now watches the held file" },
	  { NULL } },
	{ "inotify DONT_FOLLOW", "inotify_add_watch", IN_DONT_FOLLOW, 0, 0, OPEN, R_NONE,
	  { "IN_DONT_FOLLOW watches the /proc link itself", "no event" }, { NULL } },
	{ "name_to_handle_at 0", "name_to_handle_at", 0, 0, EOPNOTSUPP, OPEN, R_NONE,
	  { "name_to_handle_at acted on the /proc link itself", "cannot export file handles" },
	  { NULL } },
	{ "name_to_handle_at FOLLOW", "name_to_handle_at", AT_SYMLINK_FOLLOW, 0, 0, OPEN, R_NONE,
	  { "name_to_handle_at followed", "file handle for the held file" }, { NULL } },
	{ "unlink EPERM", "unlink", NOFLAGS, 0, EPERM, OPEN, R_NONE,
	  { "unlink acted on the entry \"5\" of the fd directory", "untouched",
	    "remove or rename", "(EPERM)" }, { "denied" } },
	{ "rmdir ENOTDIR", "rmdir", NOFLAGS, 0, ENOTDIR, OPEN, R_NONE,
	  { "rmdir acted on the entry", "a symlink, not a directory", "(ENOTDIR)" }, { NULL } },
	{ "mkdir EEXIST", "mkdir", NOFLAGS, 0, EEXIST, OPEN, R_NONE,
	  { "mkdir acted on the entry", "already exists", "(EEXIST)" }, { NULL } },
	{ "rename EXDEV", "renameat2", 0, 0, EXDEV, OPEN, R_NONE,
	  { "renameat2 acted on the entry", "crosses file systems", "(EXDEV)" }, { NULL } },
	{ "link EXDEV", "link", NOFLAGS, 0, EXDEV, OPEN, R_NONE,
	  { "link acted on the entry", "crosses file systems", "(EXDEV)" }, { NULL } },
	{ "unlink no fd", "unlink", NOFLAGS, 0, ENOENT, NOFD, R_NONE,
	  { "has no fd 5", "look at" }, { NULL } },
	{ "unlink EACCES, another's", "unlink", NOFLAGS, 0, EACCES, PFD_PROBE_DENIED, R_NONE,
	  { "denied", "ptrace" }, { NULL } },
	{ "through", "openat", O_RDONLY, 0, 0, OPEN, R_THROUGH,
	  { "through fd 5's magic link into the held directory \"/tmp/held\"",
	    "then on to \"..\"", "(\"/tmp/held/..\")" }, { "followed the magic link to" } },
	{ "through a file", "openat", O_RDONLY, 0, ENOTDIR, OPEN, R_THROUGH_FILE,
	  { "openat failed with ENOTDIR", "into the held regular file \"/tmp/held\"",
	    "only go on from a directory" }, { NULL } },
	{ "through, no fd", "openat", O_RDONLY, 0, ENOENT, NOFD, R_THROUGH,
	  { "has no fd 5" }, { NULL } },
};

static void test_explain_content(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_LEN(explain_cases); i++) {
		const struct explain_case *c = &explain_cases[i];
		const struct resolve_case rc = { c->what, c->name, c->flags, c->resolve, c->err,
						 c->probe, c->extra, PFD_RES_NONE };
		struct test_event *ev = event_for(&rc);
		annotate(ev);
		for (size_t j = 0; j < ARRAY_LEN(c->must) && c->must[j]; j++)
			if (!strstr(ev->explanation, c->must[j]))
				fail_msg("case %zu (%s): \"%s\" missing from: %s", i, c->what,
					 c->must[j], ev->explanation);
		for (size_t j = 0; j < ARRAY_LEN(c->never) && c->never[j]; j++)
			if (strstr(ev->explanation, c->never[j]))
				fail_msg("case %zu (%s): \"%s\" found in: %s", i, c->what,
					 c->never[j], ev->explanation);
		free(ev);
	}
}

/* A followed open whose new fd holds another inode, or is not open at
 * all, is no "followed": the resolution says so (unconfirmed), and the
 * sentence what can explain it, naming no closing thread where the process
 * had none; a verified one stays followed and adds nothing. */
static void test_explain_verified(void **state)
{
	(void)state;
	struct resolve_case rc = { "open", "openat", O_RDONLY, 0, 0, OPEN, R_NONE,
				   PFD_RES_FOLLOWED };
	struct test_event *ev = event_for(&rc);
	ev->call.result = 7;
	ev->a.verified = PFD_VERIFY_DIFFERENT;
	ev->a.got_dev_major = 8;
	ev->a.got_dev_minor = 1;
	ev->a.got_ino = 99;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_UNCONFIRMED);
	assert_contains(ev->explanation, "openat returned fd 7, but it holds another inode "
					 "(dev 8:1, ino 99)");
	assert_contains(ev->explanation, "TOCTOU");
	assert_contains(ev->explanation, "seccomp supervisor");
	assert_lacks(ev->explanation, "followed the magic link");
	free(ev);

	/* a supervisor's 42: no such fd, one thread */
	ev = event_for(&rc);
	ev->call.result = 42;
	ev->a.verified = PFD_VERIFY_NO_FD;
	ev->a.one_thread = true;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_UNCONFIRMED);
	assert_contains(ev->explanation, "openat returned 42, but the process has no fd 42, and "
					 "no other thread");
	assert_contains(ev->explanation, "names no fd this open made");
	assert_contains(ev->explanation, "seccomp supervisor (user notification)");
	assert_lacks(ev->explanation, "thread closed");
	assert_lacks(ev->explanation, "closed already");
	free(ev);

	/* with other threads, a close is one explanation among two */
	ev = event_for(&rc);
	ev->call.result = 42;
	ev->a.verified = PFD_VERIFY_NO_FD;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_UNCONFIRMED);
	assert_contains(ev->explanation, "another thread closed it at once, or the result names "
					 "no fd this open made");
	free(ev);

	ev = event_for(&rc);
	ev->a.verified = PFD_VERIFY_UNKNOWN;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_FOLLOWED);
	assert_contains(ev->explanation, "could not be checked");
	free(ev);

	ev = event_for(&rc);
	ev->a.verified = PFD_VERIFY_SAME;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_FOLLOWED);
	assert_null(strstr(ev->explanation, "another inode"));
	free(ev);
}

/* ENOENT although the fd was open at entry: which of the two, when the
 * exit's second look can tell. */
static void test_explain_raced(void **state)
{
	(void)state;
	struct resolve_case rc = { "raced", "openat", O_RDONLY, 0, ENOENT, OPEN, R_NONE,
				   PFD_RES_RACED };
	struct test_event *ev = event_for(&rc);
	ev->a.fd_open_at_exit = true;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_RACED);
	assert_contains(ev->explanation, "openat failed with ENOENT although fd 5 of process 1234 "
					 "was open at entry, and is open still");
	assert_contains(ev->explanation, "TOCTOU");
	free(ev);
	ev = event_for(&rc);
	annotate(ev);
	assert_contains(ev->explanation, "the fd was closed while the call ran");
	free(ev);
}

/* task/TID of a live thread of another process, and task/0. */
static void test_explain_no_thread(void **state)
{
	(void)state;
	struct resolve_case rc = { "no thread", "openat", O_RDONLY, 0, ENOENT,
				   PFD_PROBE_NO_THREAD, R_NONE, PFD_RES_NO_SUCH_THREAD };
	struct test_event *ev = event_for(&rc);
	ev->a.link.has_task = true;
	ev->a.link.tid = 777;
	ev->a.other_tgid = 777;
	annotate(ev);
	assert_contains(ev->explanation, "thread 777 is alive, but it belongs to process 777, not "
					 "to process 1234");
	assert_lacks(ev->explanation, "any more");
	free(ev);
	ev = event_for(&rc);
	ev->a.link.has_task = true;
	ev->a.link.tid = 0;
	annotate(ev);
	assert_contains(ev->explanation, "process 1234 has no thread 0");
	free(ev);
}

static void test_explain_deleted(void **state)
{
	(void)state;
	static const char *const calls[] = { "openat", "stat", "statx", "execve", "chmod",
					     "setxattr" };
	for (size_t i = 0; i < ARRAY_LEN(calls); i++) {
		struct test_event *ev = new_event(calls[i], 0);
		hold_file(ev, "/tmp/gone (deleted)", PFD_TEXT_MISSING, true);
		annotate(ev);
		assert_int_equal(ev->a.resolution, PFD_RES_FOLLOWED);
		assert_contains(ev->explanation, calls[i]);
		assert_contains(ev->explanation, "deleted");
		assert_contains(ev->explanation, "\"/tmp/gone\"");
		assert_contains(ev->explanation, "no longer exists");
		assert_lacks(ev->explanation, "(deleted)");
		free(ev);
	}
	/* stat describes the inode with st_nlink 0 */
	struct test_event *ev = new_event("stat", NOFLAGS);
	hold_file(ev, "/tmp/gone (deleted)", PFD_TEXT_MISSING, true);
	annotate(ev);
	assert_contains(ev->explanation, "st_nlink 0");
	free(ev);
}

/* " (deleted)" on a name removed while another hard link lives on. */
static void test_explain_name_removed(void **state)
{
	(void)state;
	struct test_event *ev = new_event("openat", O_RDONLY);
	hold_file(ev, "/tmp/a (deleted)", PFD_TEXT_MISSING, false);
	ev->a.target.nlink = 1;
	annotate(ev);
	assert_contains(ev->explanation, "\"/tmp/a\"");
	assert_contains(ev->explanation, "was removed");
	assert_contains(ev->explanation, "nlink 1");
	assert_lacks(ev->explanation, "(deleted)");
	free(ev);
}

static void test_explain_different_file(void **state)
{
	(void)state;
	/* the text, as it stands, names another inode than the held one */
	struct test_event *ev = new_event("openat", O_RDONLY);
	hold_file(ev, "/tmp/replaced", PFD_TEXT_DIFFERENT_FILE, false);
	ev->a.target.have_other = true;
	ev->a.target.other_ino = 77;
	ev->a.target.other_size = 45;
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_FOLLOWED);
	assert_contains(ev->explanation, "not to the file its text \"/tmp/replaced\" names now "
					 "(ino 77, 45 bytes)");
	assert_contains(ev->explanation, "fd 5");
	assert_contains(ev->explanation, "ino 4242");
	assert_lacks(ev->explanation, "deleted");
	free(ev);

	/* replaced: the held inode deleted, its old name taken by another file;
	 * the text verbatim ("... (deleted)") names nothing */
	ev = new_event("openat", O_RDONLY);
	hold_file(ev, "/tmp/replaced (deleted)", PFD_TEXT_MISSING, true);
	ev->a.target.name_target = PFD_TEXT_DIFFERENT_FILE;
	ev->a.target.have_other = true;
	ev->a.target.other_ino = 78;
	ev->a.target.other_size = 12;
	annotate(ev);
	assert_contains(ev->explanation, "that name now belongs to a different file (ino 78, 12 bytes)");
	assert_contains(ev->explanation, "deleted");
	assert_contains(ev->explanation, "\"/tmp/replaced\"");
	free(ev);

	/* readlink of a replaced file: the text gives nothing, the name another file */
	ev = new_event("readlink", NOFLAGS);
	hold_file(ev, "/tmp/replaced (deleted)", PFD_TEXT_MISSING, true);
	ev->a.target.name_target = PFD_TEXT_DIFFERENT_FILE;
	annotate(ev);
	assert_contains(ev->explanation, "a tool that looks this text up finds nothing (ls paints "
					 "the link as broken; realpath and readlink -f print the text");
	assert_contains(ev->explanation, "\"/tmp/replaced\", now names a different file");
	free(ev);

	/* the collision: a live file is called "x (deleted)" */
	ev = new_event("readlink", NOFLAGS);
	hold_file(ev, "/tmp/x (deleted)", PFD_TEXT_DIFFERENT_FILE, true);
	ev->a.target.name_target = PFD_TEXT_MISSING;
	ev->a.target.have_other = true;
	ev->a.target.other_ino = 79;
	ev->a.target.other_size = 45;
	ev->a.target.size = 35;
	annotate(ev);
	assert_contains(ev->explanation, "that text names a different, live file (ino 79, 45 bytes)");
	assert_contains(ev->explanation, "(ino 4242, 35 bytes, deleted)");
	assert_lacks(ev->explanation, "finds nothing");
	free(ev);
}

static void test_explain_not_a_path(void **state)
{
	(void)state;
	struct test_event *ev = new_event("openat", O_RDONLY);
	hold_file(ev, "/memfd:buf (deleted)", PFD_TEXT_NOT_A_PATH, true);
	ev->a.target.fdesc.cls = pfd_fdesc_class_named("memfd");
	annotate(ev);
	assert_contains(ev->explanation, "memfd");
	assert_contains(ev->explanation, "\"/memfd:buf (deleted)\"");
	free(ev);

	ev = new_event("openat", O_RDONLY);
	hold_file(ev, "pipe:[77]", PFD_TEXT_NOT_A_PATH, false);
	ev->a.target.fdesc.cls = pfd_fdesc_class_named("pipe");
	ev->a.target.mode = S_IFIFO | 0600;
	annotate(ev);
	assert_contains(ev->explanation, "\"pipe:[77]\"");
	assert_contains(ev->explanation, "the pipe the fd holds: reading it through the link shares "
					 "the pipe with its holder");
	free(ev);

	/* readlink of a pipe: tools look the text up in the fd directory */
	ev = new_event("readlink", NOFLAGS);
	hold_file(ev, "pipe:[77]", PFD_TEXT_NOT_A_PATH, false);
	ev->a.target.fdesc.cls = pfd_fdesc_class_named("pipe");
	annotate(ev);
	assert_contains(ev->explanation, "looks this relative text up does so in the link's own "
					 "directory, \"/proc/self/fd/pipe:[77]\", and finds nothing (ls "
					 "paints the link as broken); the fd holds a pipe");
	free(ev);

	/* readlink of a memfd: its text is absolute, looked up from the root */
	ev = new_event("readlink", NOFLAGS);
	hold_file(ev, "/memfd:buf (deleted)", PFD_TEXT_NOT_A_PATH, true);
	ev->a.target.fdesc.cls = pfd_fdesc_class_named("memfd");
	annotate(ev);
	assert_contains(ev->explanation, "absolute but naming no file; a tool that looks it up from "
					 "the root finds nothing");
	assert_lacks(ev->explanation, "/proc/");
	free(ev);

	/* an anon inode: the right article */
	ev = new_event("openat", O_RDONLY);
	hold_file(ev, "anon_inode:[eventfd]", PFD_TEXT_NOT_A_PATH, false);
	ev->a.target.fdesc.cls = pfd_fdesc_class_named("eventfd");
	snprintf(ev->a.target.anon_name, sizeof(ev->a.target.anon_name), "[eventfd]");
	annotate(ev);
	assert_contains(ev->explanation, "an anonymous inode ([eventfd])");
	assert_lacks(ev->explanation, " a anon");
	free(ev);
}

static void test_explain_readlink_broken(void **state)
{
	(void)state;
	struct test_event *ev = new_event("readlink", NOFLAGS);
	hold_file(ev, "/tmp/x (deleted)", PFD_TEXT_MISSING, true);
	annotate(ev);
	assert_int_equal(ev->a.resolution, PFD_RES_LINK_ITSELF);
	assert_contains(ev->explanation, "\"/tmp/x (deleted)\"");
	assert_contains(ev->explanation, "broken");
	assert_contains(ev->explanation, "finds nothing");
	free(ev);
}

/* Bytes from the tracee are escaped: no raw newline or control byte. */
static void test_explain_escapes_name(void **state)
{
	(void)state;
	static const char *const texts[] = { "/tmp/a\nb", "/tmp/a\nb (deleted)" };
	static const enum pfd_text_target tts[] = { PFD_TEXT_SAME_FILE, PFD_TEXT_DIFFERENT_FILE,
						    PFD_TEXT_MISSING };
	for (size_t i = 0; i < ARRAY_LEN(texts); i++) {
		for (size_t j = 0; j < ARRAY_LEN(tts); j++) {
			struct test_event *ev = new_event("openat", O_RDONLY);
			hold_file(ev, texts[i], tts[j], i == 1);
			annotate(ev);
			assert_null(strchr(ev->explanation, '\n'));
			assert_contains(ev->explanation, "/tmp/a\\nb");
			free(ev);
		}
	}
	struct test_event *ev = new_event("readlink", NOFLAGS);
	hold_file(ev, "/tmp/\033[31mred\r", PFD_TEXT_SAME_FILE, false);
	annotate(ev);
	assert_null(strchr(ev->explanation, '\033'));
	assert_null(strchr(ev->explanation, '\r'));
	assert_contains(ev->explanation, "\\r");
	free(ev);
}

/* A name longer than the explanation: truncated, still terminated. */
static void test_explain_long_name(void **state)
{
	(void)state;
	struct test_event *ev = new_event("openat", O_RDONLY);
	struct pfd_target *t = &ev->a.target;
	hold_file(ev, "/", PFD_TEXT_MISSING, true);
	memset(t->text, '\n', sizeof(t->text) - 1);
	t->text[0] = '/';
	t->text[sizeof(t->text) - 1] = '\0';
	t->text_len = sizeof(t->text) - 1;
	memcpy(t->name, t->text, sizeof(t->name));
	t->name_len = t->text_len;
	memset(ev->explanation, 'X', sizeof(ev->explanation));
	annotate(ev);
	size_t len = strnlen(ev->explanation, sizeof(ev->explanation));
	assert_true(len > 0 && len < sizeof(ev->explanation));
	assert_null(strchr(ev->explanation, '\n'));
	free(ev);
}

/* A long name with bytes to escape is quoted whole: the sentence is never
 * cut, least of all inside an escape (it used to stop at 511 bytes). */
static void test_explain_long_name_whole(void **state)
{
	(void)state;
	struct test_event *ev = new_event("openat", O_RDONLY);
	char text[3200], quoted[3300];
	size_t n = 0;
	memcpy(text, "/tmp/", 5);
	n = 5;
	while (n < 3000)
		text[n++] = 'a';
	snprintf(text + n, sizeof(text) - n, "\n\\b (deleted)");
	hold_file(ev, text, PFD_TEXT_MISSING, true);
	annotate(ev);
	snprintf(quoted, sizeof(quoted), "\"%.*s\\n\\\\b\"", (int)n, text);
	assert_contains(ev->explanation, quoted);
	assert_contains(ev->explanation, "\" no longer exists");
	assert_true(strlen(ev->explanation) > 3000);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_call_follows),
		cmocka_unit_test(test_follow_cases_cover_table),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_resolve_cases_cover_values),
		cmocka_unit_test(test_explain_every_case),
		cmocka_unit_test(test_explain_content),
		cmocka_unit_test(test_explain_verified),
		cmocka_unit_test(test_explain_raced),
		cmocka_unit_test(test_explain_no_thread),
		cmocka_unit_test(test_explain_deleted),
		cmocka_unit_test(test_explain_name_removed),
		cmocka_unit_test(test_explain_different_file),
		cmocka_unit_test(test_explain_not_a_path),
		cmocka_unit_test(test_explain_readlink_broken),
		cmocka_unit_test(test_explain_escapes_name),
		cmocka_unit_test(test_explain_long_name),
		cmocka_unit_test(test_explain_long_name_whole),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
