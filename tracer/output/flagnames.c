/* procfd-trace: symbolic names for the flag words of the path syscalls.
 *
 * The values decoded here are the raw words the tracee passed to the kernel
 * (or the kernel's f_flags from fdinfo), so the tables hold the kernel's
 * x86 (asm-generic) numbers, which are the same for x86_64, i386 and x32.
 * They are written out literally rather than taken from glibc because glibc
 * sometimes means something else by the same name (O_LARGEFILE is 0 on
 * x86_64, O_TMPFILE already includes O_DIRECTORY); the _Static_asserts below
 * catch any literal that disagrees with the system headers where the header
 * does give the kernel's value. */
#include "procfd/flagnames.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h> /* RENAME_NOREPLACE... (glibc puts them there) */
#include <string.h>
#include <sys/inotify.h>
#include <unistd.h>

/* One row of a flag table: the row applies when (flags & mask) == value, and
 * then its value bits count as explained. A mask wider than the value lets a
 * row say "this bit, but only without that one" (O_DSYNC when O_SYNC's other
 * bit is clear) or pick one value out of a multi-bit field (access mode). */
struct flag_name {
	uint64_t value;
	uint64_t mask;
	const char *name;
};

/* Plain single-bit row: applies whenever the bit is set. */
#define FLAG(v, n) { (v), (v), (n) }

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- open(2) flags --------------------------------------------------- */

enum {
	K_O_ACCMODE   = 03,
	K_O_RDONLY    = 00,
	K_O_WRONLY    = 01,
	K_O_RDWR      = 02,
	K_O_CREAT     = 0100,
	K_O_EXCL      = 0200,
	K_O_NOCTTY    = 0400,
	K_O_TRUNC     = 01000,
	K_O_APPEND    = 02000,
	K_O_NONBLOCK  = 04000,
	K_O_DSYNC     = 010000,
	K_O_ASYNC     = 020000,
	K_O_DIRECT    = 040000,
	K_O_LARGEFILE = 0100000,  /* glibc defines O_LARGEFILE as 0 on x86_64 */
	K_O_DIRECTORY = 0200000,
	K_O_NOFOLLOW  = 0400000,
	K_O_NOATIME   = 01000000,
	K_O_CLOEXEC   = 02000000,
	K_O_SYNC_BIT  = 04000000,  /* the kernel's __O_SYNC */
	K_O_SYNC      = K_O_SYNC_BIT | K_O_DSYNC,
	K_O_PATH      = 010000000,
	K_O_TMPFILE_BIT = 020000000,  /* the kernel's __O_TMPFILE */
	K_O_TMPFILE   = K_O_TMPFILE_BIT | K_O_DIRECTORY,
};

_Static_assert(K_O_ACCMODE == O_ACCMODE, "O_ACCMODE");
_Static_assert(K_O_RDONLY == O_RDONLY, "O_RDONLY");
_Static_assert(K_O_WRONLY == O_WRONLY, "O_WRONLY");
_Static_assert(K_O_RDWR == O_RDWR, "O_RDWR");
_Static_assert(K_O_CREAT == O_CREAT, "O_CREAT");
_Static_assert(K_O_EXCL == O_EXCL, "O_EXCL");
_Static_assert(K_O_NOCTTY == O_NOCTTY, "O_NOCTTY");
_Static_assert(K_O_TRUNC == O_TRUNC, "O_TRUNC");
_Static_assert(K_O_APPEND == O_APPEND, "O_APPEND");
_Static_assert(K_O_NONBLOCK == O_NONBLOCK, "O_NONBLOCK");
_Static_assert(K_O_DSYNC == O_DSYNC, "O_DSYNC");
_Static_assert(K_O_ASYNC == O_ASYNC && K_O_ASYNC == FASYNC, "O_ASYNC");
_Static_assert(K_O_DIRECT == O_DIRECT, "O_DIRECT");
_Static_assert(O_LARGEFILE == 0 || K_O_LARGEFILE == O_LARGEFILE, "O_LARGEFILE");
_Static_assert(K_O_DIRECTORY == O_DIRECTORY, "O_DIRECTORY");
_Static_assert(K_O_NOFOLLOW == O_NOFOLLOW, "O_NOFOLLOW");
_Static_assert(K_O_NOATIME == O_NOATIME, "O_NOATIME");
_Static_assert(K_O_CLOEXEC == O_CLOEXEC, "O_CLOEXEC");
_Static_assert(K_O_SYNC == O_SYNC, "O_SYNC");
_Static_assert(K_O_PATH == O_PATH, "O_PATH");
_Static_assert(K_O_TMPFILE == O_TMPFILE, "O_TMPFILE");

/* In the order strace prints them: access mode, then by bit value. The two
 * composite flags (O_SYNC, O_TMPFILE) sit at their high bit; the rows of
 * their low bits (O_DSYNC, O_DIRECTORY) only apply when the composite's high
 * bit is clear, so a full O_SYNC is not also printed as O_DSYNC. A lone high
 * bit matches nothing and falls through to the hex remainder. */
static const struct flag_name open_flag_names[] = {
	{ K_O_RDONLY, K_O_ACCMODE, "O_RDONLY" },
	{ K_O_WRONLY, K_O_ACCMODE, "O_WRONLY" },
	{ K_O_RDWR, K_O_ACCMODE, "O_RDWR" },
	FLAG(K_O_CREAT, "O_CREAT"),
	FLAG(K_O_EXCL, "O_EXCL"),
	FLAG(K_O_NOCTTY, "O_NOCTTY"),
	FLAG(K_O_TRUNC, "O_TRUNC"),
	FLAG(K_O_APPEND, "O_APPEND"),
	FLAG(K_O_NONBLOCK, "O_NONBLOCK"),
	{ K_O_DSYNC, K_O_SYNC, "O_DSYNC" },
	FLAG(K_O_ASYNC, "O_ASYNC"),
	FLAG(K_O_DIRECT, "O_DIRECT"),
	FLAG(K_O_LARGEFILE, "O_LARGEFILE"),
	{ K_O_DIRECTORY, K_O_TMPFILE, "O_DIRECTORY" },
	FLAG(K_O_NOFOLLOW, "O_NOFOLLOW"),
	FLAG(K_O_NOATIME, "O_NOATIME"),
	FLAG(K_O_CLOEXEC, "O_CLOEXEC"),
	FLAG(K_O_SYNC, "O_SYNC"),
	FLAG(K_O_PATH, "O_PATH"),
	FLAG(K_O_TMPFILE, "O_TMPFILE"),
};

/* ---- *at(2) flags ---------------------------------------------------- */

/* AT_EACCESS (faccessat2) and AT_REMOVEDIR (unlinkat) share 0x200; without
 * the syscall we cannot tell them apart, so the bit prints as AT_REMOVEDIR. */
static const struct flag_name at_flag_names[] = {
	FLAG(0x100, "AT_SYMLINK_NOFOLLOW"),
	FLAG(0x200, "AT_REMOVEDIR"),
	FLAG(0x400, "AT_SYMLINK_FOLLOW"),
	FLAG(0x800, "AT_NO_AUTOMOUNT"),
	FLAG(0x1000, "AT_EMPTY_PATH"),
	FLAG(0x2000, "AT_STATX_FORCE_SYNC"),
	FLAG(0x4000, "AT_STATX_DONT_SYNC"),
	FLAG(0x8000, "AT_RECURSIVE"),
};

/* faccessat2's own word: 0x200 means AT_EACCESS there, not AT_REMOVEDIR. */
static const struct flag_name access_at_flag_names[] = {
	FLAG(0x100, "AT_SYMLINK_NOFOLLOW"),
	FLAG(0x200, "AT_EACCESS"),
	FLAG(0x1000, "AT_EMPTY_PATH"),
};

_Static_assert(AT_SYMLINK_NOFOLLOW == 0x100, "AT_SYMLINK_NOFOLLOW");
_Static_assert(AT_REMOVEDIR == 0x200 && AT_EACCESS == 0x200, "AT_REMOVEDIR");
_Static_assert(AT_SYMLINK_FOLLOW == 0x400, "AT_SYMLINK_FOLLOW");
_Static_assert(AT_NO_AUTOMOUNT == 0x800, "AT_NO_AUTOMOUNT");
_Static_assert(AT_EMPTY_PATH == 0x1000, "AT_EMPTY_PATH");
_Static_assert(AT_STATX_FORCE_SYNC == 0x2000, "AT_STATX_FORCE_SYNC");
_Static_assert(AT_STATX_DONT_SYNC == 0x4000, "AT_STATX_DONT_SYNC");
#ifdef AT_RECURSIVE
_Static_assert(AT_RECURSIVE == 0x8000, "AT_RECURSIVE");
#endif

/* name_to_handle_at's word: 0x200 is AT_HANDLE_FID there; 0x1 and 0x2 are
 * its own (Linux 6.12+), nothing to do with the other AT_* bits. */
static const struct flag_name handle_at_flag_names[] = {
	FLAG(0x001, "AT_HANDLE_MNT_ID_UNIQUE"),
	FLAG(0x002, "AT_HANDLE_CONNECTABLE"),
	FLAG(0x200, "AT_HANDLE_FID"),
	FLAG(0x400, "AT_SYMLINK_FOLLOW"),
	FLAG(0x1000, "AT_EMPTY_PATH"),
};

/* ---- inotify_add_watch(2) mask, renameat2(2) flags ------------------ */

/* Kernel values (include/uapi/linux/inotify.h), the same on every arch. */
static const struct flag_name inotify_names[] = {
	FLAG(0x00000001, "IN_ACCESS"),
	FLAG(0x00000002, "IN_MODIFY"),
	FLAG(0x00000004, "IN_ATTRIB"),
	FLAG(0x00000008, "IN_CLOSE_WRITE"),
	FLAG(0x00000010, "IN_CLOSE_NOWRITE"),
	FLAG(0x00000020, "IN_OPEN"),
	FLAG(0x00000040, "IN_MOVED_FROM"),
	FLAG(0x00000080, "IN_MOVED_TO"),
	FLAG(0x00000100, "IN_CREATE"),
	FLAG(0x00000200, "IN_DELETE"),
	FLAG(0x00000400, "IN_DELETE_SELF"),
	FLAG(0x00000800, "IN_MOVE_SELF"),
	FLAG(0x01000000, "IN_ONLYDIR"),
	FLAG(0x02000000, "IN_DONT_FOLLOW"),
	FLAG(0x04000000, "IN_EXCL_UNLINK"),
	FLAG(0x10000000, "IN_MASK_CREATE"),
	FLAG(0x20000000, "IN_MASK_ADD"),
	FLAG(0x80000000, "IN_ONESHOT"),
};

_Static_assert(IN_MODIFY == 0x2 && IN_MOVE_SELF == 0x800 && IN_ONLYDIR == 0x01000000 &&
	       IN_DONT_FOLLOW == 0x02000000 && IN_MASK_ADD == 0x20000000 &&
	       IN_ONESHOT == 0x80000000, "inotify mask bits");

static const struct flag_name rename_names[] = {
	FLAG(1, "RENAME_NOREPLACE"),
	FLAG(2, "RENAME_EXCHANGE"),
	FLAG(4, "RENAME_WHITEOUT"),
};

_Static_assert(RENAME_NOREPLACE == 1 && RENAME_EXCHANGE == 2 && RENAME_WHITEOUT == 4,
	       "renameat2 flags");

/* ---- openat2(2) resolve flags --------------------------------------- */

static const struct flag_name resolve_names[] = {
	FLAG(0x01, "RESOLVE_NO_XDEV"),
	FLAG(0x02, "RESOLVE_NO_MAGICLINKS"),
	FLAG(0x04, "RESOLVE_NO_SYMLINKS"),
	FLAG(0x08, "RESOLVE_BENEATH"),
	FLAG(0x10, "RESOLVE_IN_ROOT"),
	FLAG(0x20, "RESOLVE_CACHED"),
};

_Static_assert(RESOLVE_NO_XDEV == 0x01, "RESOLVE_NO_XDEV");
_Static_assert(RESOLVE_NO_MAGICLINKS == 0x02, "RESOLVE_NO_MAGICLINKS");
_Static_assert(RESOLVE_NO_SYMLINKS == 0x04, "RESOLVE_NO_SYMLINKS");
_Static_assert(RESOLVE_BENEATH == 0x08, "RESOLVE_BENEATH");
_Static_assert(RESOLVE_IN_ROOT == 0x10, "RESOLVE_IN_ROOT");
#ifdef RESOLVE_CACHED  /* only in kernel headers >= 5.12 */
_Static_assert(RESOLVE_CACHED == 0x20, "RESOLVE_CACHED");
#endif

/* ---- access(2) mode ------------------------------------------------- */

static const struct flag_name access_names[] = {
	FLAG(4, "R_OK"),
	FLAG(2, "W_OK"),
	FLAG(1, "X_OK"),
};

_Static_assert(R_OK == 4 && W_OK == 2 && X_OK == 1 && F_OK == 0, "access modes");

/* ---- bounded output -------------------------------------------------- */

/* An snprintf-style sink: counts every byte it is given, stores only what
 * fits, and keeps room for the terminating NUL. */
struct sink {
	char *buf;
	size_t size;
	size_t len;
};

static void sink_put(struct sink *s, const char *str)
{
	size_t n = strlen(str);

	if (s->len + 1 < s->size) {
		size_t room = s->size - 1 - s->len;
		memcpy(s->buf + s->len, str, n < room ? n : room);
	}
	s->len += n;
}

/* v in base 8, 10 or 16 (lowercase), without printf: these are formatted
 * for every reported call. */
static void sink_number(struct sink *s, uint64_t v, unsigned base)
{
	char d[24];
	size_t n = sizeof(d) - 1;
	d[n] = '\0';
	do {
		d[--n] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	sink_put(s, d + n);
}

/* NUL-terminates (truncating if needed) and returns the length needed. */
static size_t sink_finish(struct sink *s)
{
	if (s->size > 0)
		s->buf[s->len < s->size ? s->len : s->size - 1] = '\0';
	return s->len;
}

/* Writes the names of the rows that apply, in table order, then whatever bits
 * no row explained as one hex number; zero_name when nothing at all was
 * written (so "0" or "F_OK" covers the empty word). */
static size_t format_flags(const struct flag_name *table, size_t n,
			   const char *zero_name, uint64_t flags,
			   char *buf, size_t size)
{
	struct sink s = { buf, size, 0 };
	uint64_t rest = flags;

	for (size_t i = 0; i < n; i++) {
		if ((flags & table[i].mask) != table[i].value)
			continue;
		if (s.len > 0)
			sink_put(&s, "|");
		sink_put(&s, table[i].name);
		rest &= ~table[i].value;
	}
	if (rest != 0) {
		if (s.len > 0)
			sink_put(&s, "|");
		sink_put(&s, "0x");
		sink_number(&s, rest, 16);
	}
	if (s.len == 0)
		sink_put(&s, zero_name);
	return sink_finish(&s);
}

size_t pfd_format_open_flags(uint64_t flags, char *buf, size_t size)
{
	/* The access mode rows always leave a name (or the hex of mode 3), so
	 * the zero name is never used here. */
	return format_flags(open_flag_names, ARRAY_LEN(open_flag_names), "0",
			    flags, buf, size);
}

size_t pfd_format_at_flags(uint64_t flags, char *buf, size_t size)
{
	return format_flags(at_flag_names, ARRAY_LEN(at_flag_names), "0",
			    flags, buf, size);
}

size_t pfd_format_access_at_flags(uint64_t flags, char *buf, size_t size)
{
	return format_flags(access_at_flag_names, ARRAY_LEN(access_at_flag_names), "0",
			    flags, buf, size);
}

size_t pfd_format_handle_at_flags(uint64_t flags, char *buf, size_t size)
{
	return format_flags(handle_at_flag_names, ARRAY_LEN(handle_at_flag_names), "0",
			    flags, buf, size);
}

size_t pfd_format_inotify_mask(uint64_t mask, char *buf, size_t size)
{
	return format_flags(inotify_names, ARRAY_LEN(inotify_names), "0", mask, buf, size);
}

size_t pfd_format_rename_flags(uint64_t flags, char *buf, size_t size)
{
	return format_flags(rename_names, ARRAY_LEN(rename_names), "0", flags, buf, size);
}

pfd_flags_formatter pfd_flags_formatter_for(enum pfd_flags_kind kind)
{
	switch (kind) {
	case PFD_FLAGS_OPEN: return pfd_format_open_flags;
	case PFD_FLAGS_ACCESS_AT: return pfd_format_access_at_flags;
	case PFD_FLAGS_HANDLE_AT: return pfd_format_handle_at_flags;
	case PFD_FLAGS_INOTIFY: return pfd_format_inotify_mask;
	case PFD_FLAGS_RENAME: return pfd_format_rename_flags;
	case PFD_FLAGS_AT:
	case PFD_FLAGS_NONE:
		break;
	}
	return pfd_format_at_flags;
}

size_t pfd_format_resolve(uint64_t resolve, char *buf, size_t size)
{
	return format_flags(resolve_names, ARRAY_LEN(resolve_names), "0",
			    resolve, buf, size);
}

size_t pfd_format_access_mode(uint64_t mode, char *buf, size_t size)
{
	return format_flags(access_names, ARRAY_LEN(access_names), "F_OK",
			    mode, buf, size);
}

/* Octal is already lossless, so file-type or stray high bits just show up as
 * more digits. printf's "0%02o", strace's forms: 000, 0644, 04755. */
size_t pfd_format_file_mode(uint64_t mode, char *buf, size_t size)
{
	struct sink s = { buf, size, 0 };
	sink_put(&s, mode < 010 ? "00" : "0");
	sink_number(&s, mode, 8);
	return sink_finish(&s);
}

size_t pfd_format_dirfd(int dirfd, char *buf, size_t size)
{
	struct sink s = { buf, size, 0 };
	if (dirfd == AT_FDCWD) {
		sink_put(&s, "AT_FDCWD");
	} else {
		if (dirfd < 0)
			sink_put(&s, "-");
		sink_number(&s, dirfd < 0 ? (uint64_t)0 - (uint64_t)(int64_t)dirfd : (uint64_t)dirfd, 10);
	}
	return sink_finish(&s);
}

_Static_assert(AT_FDCWD == -100, "AT_FDCWD");

/* ---- errno names ----------------------------------------------------- */

/* Kernel-internal restart codes: never reach user space from a finished
 * syscall, but a tracer sees them in the return register at syscall exit
 * when a signal interrupts the call. Not in any user-space header. */
enum {
	K_ERESTARTSYS = 512,
	K_ERESTARTNOINTR = 513,
	K_ERESTARTNOHAND = 514,
	K_ENOIOCTLCMD = 515,
	K_ERESTART_RESTARTBLOCK = 516,
};

/* Indexed by value, so a lookup is one bounds check. Aliases
 * (EWOULDBLOCK = EAGAIN, EDEADLOCK = EDEADLK, ENOTSUP = EOPNOTSUPP) are left
 * out so each slot holds the primary name; listing one anyway would set a
 * slot twice, which -Woverride-init (part of -Wextra) rejects. */
#define E(name) [name] = #name
static const char *const errno_names[] = {
	E(EPERM), E(ENOENT), E(ESRCH), E(EINTR), E(EIO), E(ENXIO), E(E2BIG),
	E(ENOEXEC), E(EBADF), E(ECHILD), E(EAGAIN), E(ENOMEM), E(EACCES),
	E(EFAULT), E(ENOTBLK), E(EBUSY), E(EEXIST), E(EXDEV), E(ENODEV),
	E(ENOTDIR), E(EISDIR), E(EINVAL), E(ENFILE), E(EMFILE), E(ENOTTY),
	E(ETXTBSY), E(EFBIG), E(ENOSPC), E(ESPIPE), E(EROFS), E(EMLINK),
	E(EPIPE), E(EDOM), E(ERANGE), E(EDEADLK), E(ENAMETOOLONG), E(ENOLCK),
	E(ENOSYS), E(ENOTEMPTY), E(ELOOP), E(ENOMSG), E(EIDRM), E(ECHRNG),
	E(EL2NSYNC), E(EL3HLT), E(EL3RST), E(ELNRNG), E(EUNATCH), E(ENOCSI),
	E(EL2HLT), E(EBADE), E(EBADR), E(EXFULL), E(ENOANO), E(EBADRQC),
	E(EBADSLT), E(EBFONT), E(ENOSTR), E(ENODATA), E(ETIME), E(ENOSR),
	E(ENONET), E(ENOPKG), E(EREMOTE), E(ENOLINK), E(EADV), E(ESRMNT),
	E(ECOMM), E(EPROTO), E(EMULTIHOP), E(EDOTDOT), E(EBADMSG),
	E(EOVERFLOW), E(ENOTUNIQ), E(EBADFD), E(EREMCHG), E(ELIBACC),
	E(ELIBBAD), E(ELIBSCN), E(ELIBMAX), E(ELIBEXEC), E(EILSEQ),
	E(ERESTART), E(ESTRPIPE), E(EUSERS), E(ENOTSOCK), E(EDESTADDRREQ),
	E(EMSGSIZE), E(EPROTOTYPE), E(ENOPROTOOPT), E(EPROTONOSUPPORT),
	E(ESOCKTNOSUPPORT), E(EOPNOTSUPP), E(EPFNOSUPPORT), E(EAFNOSUPPORT),
	E(EADDRINUSE), E(EADDRNOTAVAIL), E(ENETDOWN), E(ENETUNREACH),
	E(ENETRESET), E(ECONNABORTED), E(ECONNRESET), E(ENOBUFS), E(EISCONN),
	E(ENOTCONN), E(ESHUTDOWN), E(ETOOMANYREFS), E(ETIMEDOUT),
	E(ECONNREFUSED), E(EHOSTDOWN), E(EHOSTUNREACH), E(EALREADY),
	E(EINPROGRESS), E(ESTALE), E(EUCLEAN), E(ENOTNAM), E(ENAVAIL),
	E(EISNAM), E(EREMOTEIO), E(EDQUOT), E(ENOMEDIUM), E(EMEDIUMTYPE),
	E(ECANCELED), E(ENOKEY), E(EKEYEXPIRED), E(EKEYREVOKED),
	E(EKEYREJECTED), E(EOWNERDEAD), E(ENOTRECOVERABLE), E(ERFKILL),
	E(EHWPOISON),
	[K_ERESTARTSYS] = "ERESTARTSYS",
	[K_ERESTARTNOINTR] = "ERESTARTNOINTR",
	[K_ERESTARTNOHAND] = "ERESTARTNOHAND",
	[K_ENOIOCTLCMD] = "ENOIOCTLCMD",
	[K_ERESTART_RESTARTBLOCK] = "ERESTART_RESTARTBLOCK",
};
#undef E

/* The user-space range must end below the kernel-internal codes, or the two
 * groups of initializers above would overwrite each other. */
_Static_assert(EHWPOISON == 133 && EHWPOISON < K_ERESTARTSYS, "errno range");

const char *pfd_errno_name(int err)
{
	if (err <= 0 || (size_t)err >= ARRAY_LEN(errno_names))
		return NULL;
	return errno_names[err];
}
