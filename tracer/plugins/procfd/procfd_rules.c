/* procfd-trace: resolution rules and explanations.
 *
 * The kernel's result decides the resolution; the state probed at entry
 * explains it (which ENOENT: no fd, or no process). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/plugins/procfd/procfd.h"

#include "procfd/flagnames.h"

#ifndef AT_SYMLINK_NOFOLLOW
#define AT_SYMLINK_NOFOLLOW 0x100
#endif
#ifndef AT_REMOVEDIR
#define AT_REMOVEDIR 0x200
#endif
#define IN_DONT_FOLLOW 0x02000000 /* <sys/inotify.h>: not a plugin header */

static bool has_flag(const struct pfd_annot *ev, uint64_t flag)
{
	return ev->call->path->has_flags && (ev->call->path->flags & flag);
}

bool pfd_call_follows(const struct pfd_annot *ev)
{
	/* An inner component is always followed, whatever the flags say. */
	if (ev->link.trailing_slash || ev->link.what == PFD_LINK_THROUGH)
		return true;
	switch (ev->call->path->desc->cls) {
	case PFD_SC_OPEN: return !has_flag(ev, O_NOFOLLOW);
	case PFD_SC_STAT: return true;
	case PFD_SC_LSTAT: return false;
	case PFD_SC_STATAT: return !has_flag(ev, AT_SYMLINK_NOFOLLOW);
	case PFD_SC_READLINK: return false;
	case PFD_SC_ACCESS: return !has_flag(ev, AT_SYMLINK_NOFOLLOW);
	case PFD_SC_LINKAT: return has_flag(ev, AT_SYMLINK_FOLLOW);
	/* execveat, fchownat, fchmodat2, utimensat */
	case PFD_SC_FOLLOW: return !has_flag(ev, AT_SYMLINK_NOFOLLOW);
	case PFD_SC_NOFOLLOW: return false;
	case PFD_SC_INOTIFY: return !has_flag(ev, IN_DONT_FOLLOW);
	case PFD_SC_NAME: return false;
	case PFD_SC_NO_PATH: return false; /* never classified: no path */
	}
	return true;
}

/* What a call does to the inode it reaches, for the sentences. The
 * historical calls (open, stat, readlink...) have sentences of their own.
 * Which call does what is the syscall table's (procfd/syscalls.h). */
enum action {
	ACT_NONE = PFD_EFFECT_NONE,
	ACT_MODE = PFD_EFFECT_MODE,           /* chmod family */
	ACT_OWNER = PFD_EFFECT_OWNER,         /* chown family */
	ACT_TIMES = PFD_EFFECT_TIMES,         /* utime family */
	ACT_XATTR_SET = PFD_EFFECT_XATTR_SET, /* setxattr, removexattr and their l forms */
	ACT_XATTR_GET = PFD_EFFECT_XATTR_GET, /* getxattr, listxattr and their l forms */
	ACT_WATCH = PFD_EFFECT_WATCH,         /* inotify_add_watch */
	ACT_HANDLE = PFD_EFFECT_HANDLE,       /* name_to_handle_at */
	ACT_LINK = PFD_EFFECT_LINK,           /* link, linkat: a new name for the inode */
	ACT_CREATE = PFD_EFFECT_CREATE,       /* mkdir, mknod: a new name in the directory */
	ACT_REMOVE = PFD_EFFECT_REMOVE,       /* unlink, rmdir */
	ACT_RENAME = PFD_EFFECT_RENAME,       /* rename family (the first path) */
};

static enum action action_of(const struct pfd_annot *ev)
{
	return (enum action)ev->call->path->desc->effect;
}

/* A call of the list above that did not follow: it acted on the /proc link
 * (or its fd-directory entry) itself. Its EPERM is procfs or the link's
 * own ownership refusing, not the held file's permissions. */
static bool acted_on_link(const struct pfd_annot *ev)
{
	return action_of(ev) != ACT_NONE && !pfd_call_follows(ev);
}

static bool refused_nofollow(const struct pfd_annot *ev)
{
	if (ev->call->path->has_resolve && (ev->call->path->resolve & (RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS)))
		return true;
	switch (ev->call->path->desc->cls) {
	case PFD_SC_OPEN: return has_flag(ev, O_NOFOLLOW);
	case PFD_SC_FOLLOW: return has_flag(ev, AT_SYMLINK_NOFOLLOW); /* execveat */
	default: return false;
	}
}

static bool scoped_lookup(const struct pfd_annot *ev)
{
	return ev->call->path->has_resolve &&
	       (ev->call->path->resolve & (RESOLVE_BENEATH | RESOLVE_IN_ROOT | RESOLVE_NO_XDEV));
}

/* The fd is an O_PATH|O_NOFOLLOW handle on a symlink: the magic link leads
 * to that symlink, and the walk cannot go through it. */
static bool holds_symlink(const struct pfd_annot *ev)
{
	return ev->probe == PFD_PROBE_OPEN && pfd_fdesc_is_symlink(&ev->target.fdesc) &&
	       pfd_call_follows(ev);
}

/* ENOENT, told by what the entry probe found. An fd that was open then
 * names something: the fd was closed while the call ran, or the kernel
 * read another path than procfd-trace did (a torn path: TOCTOU). */
static enum pfd_resolution resolve_missing(const struct pfd_annot *ev)
{
	switch (ev->probe) {
	case PFD_PROBE_NO_PROCESS: return PFD_RES_NO_SUCH_PROCESS;
	case PFD_PROBE_NO_FD: return PFD_RES_NO_SUCH_FD;
	case PFD_PROBE_NO_THREAD: return PFD_RES_NO_SUCH_THREAD;
	case PFD_PROBE_OPEN:
		return ev->link.what == PFD_LINK_FD ? PFD_RES_RACED : PFD_RES_ERROR;
	default: return PFD_RES_ERROR;
	}
}

/* The kernel's answer to a followed open disagrees with the entry probe. */
static bool verification_failed(const struct pfd_annot *ev)
{
	return ev->verified == PFD_VERIFY_DIFFERENT || ev->verified == PFD_VERIFY_NO_FD;
}

/* open with O_CREAT|O_EXCL never follows a final symlink: EEXIST is the
 * link itself being there. */
static bool exclusive_create(const struct pfd_annot *ev)
{
	return ev->call->path->desc->cls == PFD_SC_OPEN && has_flag(ev, O_CREAT) &&
	       has_flag(ev, O_EXCL);
}

/* Errors a call meets after its lookup ended, at the held file or at the
 * link itself: the lookup's answer stands, and errno says how the call
 * went (getxattr's ENODATA: the held file lacks the attribute). Each was
 * checked on the kernel (tests/programs/act_through_link.c). */
static bool fails_after_lookup(const struct pfd_annot *ev)
{
	if (ev->probe != PFD_PROBE_OPEN || ev->link.what != PFD_LINK_FD || ev->link.trailing_slash)
		return false;
	switch (ev->call->err) {
	case ENODATA: case EOPNOTSUPP: case EISDIR: case ETXTBSY: case EROFS: case ERANGE:
	case E2BIG: case ENOSPC: case EDQUOT: case EFBIG: case EEXIST: case ENOTEMPTY:
	case EBUSY: case EMLINK:
		return true;
	case ENOTDIR: /* rmdir of the fd-directory entry: a symlink */
	case EPERM:   /* procfs, or the link's ownership, refusing */
		return acted_on_link(ev);
	case EXDEV:   /* link, rename: no hard link or rename crosses file systems */
		return !scoped_lookup(ev) && action_of(ev) != ACT_NONE;
	default:
		return false;
	}
}

static enum pfd_resolution resolve_error(const struct pfd_annot *ev)
{
	if (fails_after_lookup(ev))
		return pfd_call_follows(ev) && !exclusive_create(ev) ? PFD_RES_FOLLOWED
								      : PFD_RES_LINK_ITSELF;
	switch (ev->call->err) {
	case ELOOP:
		if (refused_nofollow(ev))
			return PFD_RES_REFUSED_NOFOLLOW;
		return holds_symlink(ev) ? PFD_RES_HELD_SYMLINK : PFD_RES_ERROR;
	case EINVAL:
		/* readlink of the fd directory: the normal "not a symlink" */
		return ev->link.what == PFD_LINK_FD_DIR && ev->call->path->desc->cls == PFD_SC_READLINK
			       ? PFD_RES_DIRECTORY : PFD_RES_ERROR;
	case EXDEV:
		return scoped_lookup(ev) ? PFD_RES_REFUSED_SCOPED : PFD_RES_ERROR;
	case ENXIO:
		return ev->call->path->desc->cls == PFD_SC_OPEN ? PFD_RES_NOT_REOPENABLE : PFD_RES_ERROR;
	case ENOENT:
		return resolve_missing(ev);
	case ESRCH:
		return PFD_RES_NO_SUCH_PROCESS;
	case EPERM:
	case EACCES:
		return PFD_RES_DENIED;
	default:
		return PFD_RES_ERROR;
	}
}

enum pfd_resolution pfd_resolve(const struct pfd_annot *ev)
{
	if (ev->follow.active)
		return ev->call->finished ? PFD_RES_FOLLOW_UP : PFD_RES_UNFINISHED;
	if (!ev->call->finished)
		return PFD_RES_UNFINISHED;
	if (ev->link.what == PFD_LINK_NONE)
		return PFD_RES_ERROR; /* the path could not be read */
	if (ev->probe == PFD_PROBE_NOT_PROCFS)
		return PFD_RES_NOT_PROCFS;
	if (ev->link.what == PFD_LINK_FD_DIR && !ev->call->err)
		return PFD_RES_DIRECTORY;
	if (ev->link.what == PFD_LINK_THROUGH && !ev->call->err)
		return PFD_RES_THROUGH;
	if (!ev->call->err) {
		if (!pfd_call_follows(ev))
			return PFD_RES_LINK_ITSELF;
		return verification_failed(ev) ? PFD_RES_UNCONFIRMED : PFD_RES_FOLLOWED;
	}
	return resolve_error(ev);
}

/* ---- explanations --------------------------------------------------- */

/* The sentence is assembled piece by piece into a growable buffer. */
struct sentence {
	struct pfd_buf *out;
};

/* One conversion of say()'s format: the length modifier (none, l, ll, z)
 * and d, u or s. Returns the characters after '%' it used, 0 when the
 * conversion is not one of these (then '%' is written as it stands). */
static size_t say_conversion(struct sentence *s, const char *c, va_list *ap)
{
	size_t mod = c[0] == 'l' ? (c[1] == 'l' ? 2 : 1) : c[0] == 'z' ? 1 : 0;
	char conv = c[mod];
	bool wide = mod == 2 || (mod == 1 && c[0] == 'l');
	if (conv == 's' && mod == 0) {
		const char *arg = va_arg(*ap, const char *);
		pfd_buf_puts(s->out, arg ? arg : "(null)");
	} else if (conv == 'd') {
		pfd_buf_int(s->out, mod == 2 ? va_arg(*ap, long long)
				   : wide ? va_arg(*ap, long) : mod ? (long long)va_arg(*ap, ssize_t)
				   : va_arg(*ap, int));
	} else if (conv == 'u' || conv == 'x') {
		unsigned long long v = mod == 2 ? va_arg(*ap, unsigned long long)
				       : wide ? va_arg(*ap, unsigned long) : mod ? va_arg(*ap, size_t)
				       : va_arg(*ap, unsigned);
		if (conv == 'u') {
			pfd_buf_uint(s->out, v);
		} else { /* the digits only: the format spells any "0x" */
			char d[16];
			size_t n = sizeof(d);
			do {
				d[--n] = "0123456789abcdef"[v & 15];
				v >>= 4;
			} while (v);
			pfd_buf_put(s->out, d + n, sizeof(d) - n);
		}
	} else {
		return 0;
	}
	return mod + 1;
}

/* The sentence is built piece by piece with the buffer's own appenders, not
 * the printf family (most of a reported call's instructions once); the
 * format attribute keeps the compiler checking every argument. */
__attribute__((format(printf, 2, 3)))
static void say(struct sentence *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	for (const char *p = fmt; *p;) {
		const char *pct = strchr(p, '%');
		if (!pct) {
			pfd_buf_puts(s->out, p);
			break;
		}
		pfd_buf_put(s->out, p, (size_t)(pct - p));
		size_t used = pct[1] == '%' ? 0 : say_conversion(s, pct + 1, &ap);
		if (!used) {
			/* "%%"; any other conversion would leave its argument
			 * unread and every later one wrong: a bug, stop here */
			if (pct[1] != '%')
				abort();
			pfd_buf_putc(s->out, '%');
			used = 1;
		}
		p = pct + 1 + used;
	}
	va_end(ap);
}

/* Bytes from the tracee, quoted and escaped: a name with a newline or
 * invalid UTF-8 must not break the sentence, and is never cut. */
static void say_quoted(struct sentence *s, const char *bytes, size_t len)
{
	pfd_buf_quote(s->out, bytes, len);
}

static const char *errno_name(int err)
{
	const char *n = pfd_errno_name(err);
	return n ? n : "an unknown error";
}

static const char *thing(const struct pfd_target *t)
{
	return pfd_fdesc_is_directory(&t->fdesc) ? "directory" : "file";
}

static bool opens(const struct pfd_annot *ev)
{
	return ev->call->path->desc->cls == PFD_SC_OPEN;
}

static bool stats(const struct pfd_annot *ev)
{
	return ev->call->path->desc->cls == PFD_SC_STAT || ev->call->path->desc->cls == PFD_SC_STATAT ||
	       ev->call->path->desc->cls == PFD_SC_LSTAT;
}

static const char *article(const char *word)
{
	return strchr("aeiou", word[0]) ? "an" : "a";
}

/* Followed to what has no name: what using it through the link means. */
static void say_kind(struct sentence *s, const struct pfd_target *t)
{
	const char *kind = pfd_fdesc_kind_name(&t->fdesc);
	switch (pfd_fdesc_kind(&t->fdesc)) {
	case PFD_KIND_PIPE:
		say(s, ", the pipe the fd holds: reading it through the link shares the pipe with its "
		       "holder (it takes data the holder would have read, and blocks while the pipe "
		       "is empty)");
		break;
	case PFD_KIND_SOCKET:
		say(s, ", a socket, which has no name in any directory");
		break;
	case PFD_KIND_ANON_INODE:
		say(s, ", an anonymous inode (%s) with no name in any directory", t->anon_name);
		break;
	default:
		say(s, ", %s %s, which has no name in any directory", article(kind), kind);
		break;
	}
}

/* "(ino 12, 45 bytes)" of the other file the text or name leads to. */
static void say_other(struct sentence *s, const struct pfd_target *t)
{
	if (t->have_other)
		say(s, " (ino %llu, %llu bytes)", (unsigned long long)t->other_ino,
		    (unsigned long long)t->other_size);
}

static void say_held(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;
	say(s, "the inode fd %d holds (ino %llu, %llu bytes%s)", ev->link.fd,
	    (unsigned long long)t->ino, (unsigned long long)t->size,
	    t->deleted ? ", deleted" : "");
}

static void explain_followed_deleted(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;
	if (opens(ev))
		say(s, "%s followed the magic link to the deleted %s's inode: its content is still "
		       "readable although the name ", ev->call->name, thing(t));
	else if (stats(ev))
		say(s, "%s followed the magic link and describes the deleted %s's inode (st_nlink 0), "
		       "although the name ", ev->call->name, thing(t));
	else
		say(s, "%s followed the magic link to the deleted %s's inode, although the name ",
		    ev->call->name, thing(t));
	say_quoted(s, t->name, t->name_len);
	say(s, " no longer exists");
}

static void explain_followed(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;
	const char *sc = ev->call->name;

	if (ev->probe != PFD_PROBE_OPEN) {
		say(s, "%s followed the magic link (the fd was opened after the entry probe)", sc);
		return;
	}
	switch (t->text_target) {
	case PFD_TEXT_NOT_A_PATH:
		say(s, "%s followed the magic link to ", sc);
		say_quoted(s, t->text, t->text_len);
		if (pfd_fdesc_never_named(&t->fdesc))
			say(s, ", a memfd: an anonymous file that never had a name in any directory");
		else
			say_kind(s, t);
		return;
	case PFD_TEXT_DIFFERENT_FILE: /* a live file has the kernel's text as its name */
		say(s, "%s followed the magic link to ", sc);
		say_held(s, ev);
		say(s, ", not to the file its text ");
		say_quoted(s, t->text, t->text_len);
		say(s, " names now");
		say_other(s, t);
		say(s, ": a tool that follows the text reaches that other file");
		return;
	default:
		break;
	}
	if (t->name_target == PFD_TEXT_DIFFERENT_FILE) { /* replaced */
		say(s, "%s followed the magic link to ", sc);
		say_held(s, ev);
		say(s, ", not to ");
		say_quoted(s, t->name, t->name_len);
		say(s, ": that name now belongs to a different file");
		say_other(s, t);
		return;
	}
	if (pfd_fdesc_is_directory(&t->fdesc) && t->deleted) {
		say(s, "%s followed the magic link to the removed directory fd %d holds: it can be "
		       "opened and fstat'ed, but it has no entries left and reading it as a file "
		       "fails (EISDIR)", sc, ev->link.fd);
		return;
	}
	if (t->deleted) {
		explain_followed_deleted(s, ev);
	} else if (t->name_marked) {
		say(s, "%s followed the magic link to the open file; its name ", sc);
		say_quoted(s, t->name, t->name_len);
		say(s, " was removed, but the inode lives on under another name (nlink %llu), which "
		       "the kernel does not say: find it with find MOUNTPOINT -xdev -inum %llu",
		    (unsigned long long)t->nlink, (unsigned long long)t->ino);
	} else if (t->text_target == PFD_TEXT_SAME_FILE) {
		say(s, "%s followed the magic link to the open %s ", sc, thing(t));
		say_quoted(s, t->name, t->name_len);
		say(s, ", which still exists under that name");
	} else {
		say(s, "%s followed the magic link to the open %s, although its name ", sc, thing(t));
		say_quoted(s, t->name, t->name_len);
		say(s, " cannot be found from the tracee's root");
	}
}

/* A relative text as a tool resolves it: in the directory of the link as
 * the tool spelled it ("/dev/fd/pipe:[N]" for /dev/fd/3), not in a
 * /proc/PID/fd the tool never named. */
static void say_relative(struct sentence *s, const struct pfd_annot *ev)
{
	struct pfd_buf path = PFD_BUF_INIT;
	const char *spelled = ev->call->path->path;
	size_t dir = ev->call->path->path_len;
	while (dir > 0 && spelled[dir - 1] != '/')
		dir--;
	pfd_buf_put(&path, spelled, dir);
	pfd_buf_put(&path, ev->target.text, ev->target.text_len);
	say_quoted(s, pfd_buf_str(&path), path.len);
	pfd_buf_free(&path);
}

/* What a tool that follows the readlink text will find, against what the
 * link itself still reaches. */
static void say_text_consequence(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;
	switch (t->text_target) {
	case PFD_TEXT_MISSING:
		say(s, ": a tool that looks this text up finds nothing (ls paints the link as broken; "
		       "realpath and readlink -f print the text all the same), yet opening the link "
		       "itself still reaches the held %s", thing(t));
		if (t->name_target == PFD_TEXT_DIFFERENT_FILE) {
			say(s, "; the name without the kernel's \" (deleted)\" marker, ");
			say_quoted(s, t->name, t->name_len);
			say(s, ", now names a different file");
			say_other(s, t);
		}
		break;
	case PFD_TEXT_DIFFERENT_FILE:
		say(s, ": that text names a different, live file");
		say_other(s, t);
		say(s, ", which a tool that follows it describes instead of ");
		say_held(s, ev);
		break;
	case PFD_TEXT_NOT_A_PATH:
		if (t->text_len > 0 && t->text[0] == '/') {
			say(s, ": the kernel's label for the file, absolute but naming no file; a "
			       "tool that looks it up from the root finds nothing (ls paints the "
			       "link as broken)");
		} else {
			say(s, ": not a path; a tool that looks this relative text up does so in "
			       "the link's own directory, ");
			say_relative(s, ev);
			say(s, ", and finds nothing (ls paints the link as broken)");
		}
		say(s, "; the fd holds %s %s", article(pfd_fdesc_kind_name(&t->fdesc)),
		    pfd_fdesc_kind_name(&t->fdesc));
		break;
	default:
		say(s, ": a description of the open file; open() through the link follows the "
		       "file itself, not this text");
		break;
	}
}

static void explain_link_itself(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;
	const char *sc = ev->call->name;
	bool have = ev->probe == PFD_PROBE_OPEN;

	if (ev->call->path->desc->cls == PFD_SC_READLINK && have) {
		say(s, "readlink returned the kernel's text for the link, ");
		say_quoted(s, t->text, t->text_len);
		say_text_consequence(s, ev);
	} else if (opens(ev)) {
		say(s, "%s with O_PATH|O_NOFOLLOW opened the /proc link itself, not the file it "
		       "points to", sc);
	} else {
		say(s, "%s described the /proc link itself (a symlink whose permission bits mirror "
		       "the fd's access mode%s%s), not the file it points to", sc,
		    have ? ", here " : "", have ? pfd_access_name(t->link_mode) : "");
	}
}

static void explain_refused(struct sentence *s, const struct pfd_annot *ev)
{
	if (ev->call->path->has_resolve && (ev->call->path->resolve & RESOLVE_NO_MAGICLINKS))
		say(s, "RESOLVE_NO_MAGICLINKS makes openat2 refuse to follow /proc magic links (ELOOP)");
	else if (ev->call->path->has_resolve && (ev->call->path->resolve & RESOLVE_NO_SYMLINKS))
		say(s, "RESOLVE_NO_SYMLINKS makes openat2 refuse every symlink on the way, magic "
		       "links included (ELOOP)");
	else
		say(s, "%s makes %s refuse to follow the final magic link (ELOOP)%s; "
		       "O_PATH|O_NOFOLLOW would open the link itself",
		    ev->call->path->desc->cls == PFD_SC_OPEN ? "O_NOFOLLOW" : "AT_SYMLINK_NOFOLLOW", ev->call->name,
		    ev->probe == PFD_PROBE_OPEN ? ", although the fd is open" : "");
}

static const char *scope_flag(uint64_t resolve)
{
	if (resolve & RESOLVE_IN_ROOT)
		return "RESOLVE_IN_ROOT";
	if (resolve & RESOLVE_BENEATH)
		return "RESOLVE_BENEATH";
	return "RESOLVE_NO_XDEV";
}

/* Only EFAULT is the kernel's own answer too: EPERM is the kernel refusing
 * procfd-trace, not the tracee, and says nothing about how the call went. */
static void explain_unreadable(struct sentence *s, const struct pfd_annot *ev)
{
	int err = ev->call->path->path_errno;
	if (err == EPERM && geteuid() != 0)
		say(s, "path unreadable: the tracee is not dumpable; run procfd-trace as root");
	else if (err == EPERM)
		say(s, "path unreadable: the kernel refused to let procfd-trace read the tracee's "
		       "memory (EPERM)");
	else if (err == EFAULT)
		say(s, "the path argument could not be read from the tracee (EFAULT), so the "
		       "kernel fails the call too");
	else if (err == ETIMEDOUT)
		say(s, "path unreadable: its page is not resident and the tracee's userfaultfd "
		       "handler did not serve the fault while procfd-trace's read waited 200 ms "
		       "for it, so procfd-trace gave up reading it (ETIMEDOUT); the call ran as "
		       "usual, its result says how");
	else
		say(s, "path unreadable: procfd-trace could not read it from the tracee (%s)",
		    errno_name(err));
}

/* "the walk went through fd 3's magic link into the held directory /tmp/d,
 * then on to \"..\" (/tmp/d/..)": the path's rest is walked from the target. */
static void say_through(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_link *l = &ev->link;
	const struct pfd_target *t = &ev->target;

	say(s, "the walk went through fd %d's magic link", l->fd);
	if (ev->probe != PFD_PROBE_OPEN) {
		say(s, " (the fd was not open at the entry probe), then on to ");
		say_quoted(s, l->rest, l->rest_len);
		return;
	}
	if (pfd_fdesc_is_directory(&t->fdesc))
		say(s, " into the held directory ");
	else
		say(s, " into the held %s ", pfd_fdesc_kind(&t->fdesc) == PFD_KIND_REGULAR
						? "regular file" : pfd_fdesc_kind_name(&t->fdesc));
	say_quoted(s, t->name, t->name_len);
	say(s, ", then on to ");
	say_quoted(s, l->rest, l->rest_len);
	if (pfd_target_nameable(t) && t->name_len > 0 && t->name[0] == '/') {
		static struct pfd_buf joined = PFD_BUF_INIT; /* reused: no allocation per call */
		pfd_buf_clear(&joined);
		pfd_buf_put(&joined, t->name, t->name_len);
		pfd_buf_putc(&joined, '/');
		pfd_buf_put(&joined, l->rest, l->rest_len);
		say(s, " (");
		say_quoted(s, pfd_buf_str(&joined), joined.len);
		say(s, ")");
	}
}

static void explain_through(struct sentence *s, const struct pfd_annot *ev)
{
	say(s, "%s named no fd link itself: ", ev->call->name);
	say_through(s, ev);
	say(s, "; the call acted on what that names, not on the held %s",
	    ev->probe == PFD_PROBE_OPEN ? thing(&ev->target) : "file");
}

static void explain_error(struct sentence *s, const struct pfd_annot *ev)
{
	if (!ev->link.spelling) {
		explain_unreadable(s, ev);
		return;
	}
	say(s, "%s failed with %s (%s)", ev->call->name, errno_name(ev->call->err), strerror(ev->call->err));
	if (ev->link.what == PFD_LINK_THROUGH) {
		say(s, ": ");
		say_through(s, ev);
		if (ev->call->err == ENOTDIR && ev->probe == PFD_PROBE_OPEN &&
		    !pfd_fdesc_is_directory(&ev->target.fdesc))
			say(s, ", but a walk can only go on from a directory");
		return;
	}
	if (ev->call->err == ENOTDIR && ev->link.trailing_slash && ev->probe == PFD_PROBE_OPEN)
		say(s, ": the path ends in a slash, but fd %d holds a %s, not a directory",
		    ev->link.fd, pfd_fdesc_kind_name(&ev->target.fdesc));
}

/* The caller's program by its base name, escaped: the tracee chose it, and
 * the text output passes the sentence as it is (reused buffer). */
static const char *tool_name(const struct pfd_annot *ev)
{
	static struct pfd_buf name = PFD_BUF_INIT;
	pfd_buf_clear(&name);
	pfd_put_program_name(&name, ev->tool);
	return pfd_buf_str(&name);
}

/* What the held fd still gives, against what the text gave. */
static void say_link_still(struct sentence *s, const struct pfd_link_read *r)
{
	if (r->kind == PFD_KIND_REGULAR && r->deleted)
		say(s, "the link itself still opens the deleted file (%llu bytes)",
		    (unsigned long long)r->size);
	else if (r->kind == PFD_KIND_REGULAR || r->kind == PFD_KIND_DIRECTORY)
		say(s, "the link itself still reaches the %s fd %d holds (ino %llu)",
		    r->kind == PFD_KIND_DIRECTORY ? "directory" : "file", r->fd,
		    (unsigned long long)r->ino);
	else
		say(s, "fd %d still holds %s %s, reachable through the fd (and the link, where it "
		       "can be opened)", r->fd, article(pfd_kind_name(r->kind)),
		    pfd_kind_name(r->kind));
}

static const char *const follow_up_from[] = {
	"the text", "the text without the kernel's \" (deleted)\" marker",
	"the relative text looked up in the link's directory",
	"a leading part of the text (a component-by-component walk, as realpath does)",
};

/* A step of a walk of the text (realpath, readlink -f, python's realpath):
 * a leading part, or the whole text at its end. A walk that finds nothing
 * is not yet a verdict: realpath -e fails there, realpath and readlink -f
 * print the text as the resolved path. The process's exit tells which
 * (pfd_explain_walk_outcome). */
static void explain_walk_step(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_followup *fu = &ev->follow;
	const char *tool = tool_name(ev);

	if (fu->reached != PFD_FU_NOTHING) {
		say(s, "%s walks the text component by component; ", tool);
		say_quoted(s, ev->call->path->path, ev->call->path->path_len);
		say(s, " is there (not a symlink), so the walk goes on");
		return;
	}
	say(s, "%s's walk of the text finds nothing at ", tool);
	say_quoted(s, ev->call->path->path, ev->call->path->path_len);
	say(s, " (%s), while ", errno_name(ev->call->err));
	say_link_still(s, &fu->read);
	say(s, "; whether %s calls the link broken or goes on with the text is told at its exit",
	    tool);
}

/* Calls whose failure on the text is the tool's answer to "is it there":
 * ls's colour lookup (statx), a stat or access of the text. A readlink of
 * the text is a step of resolving it, and a failed open may be handled:
 * neither is a verdict by itself. */
static bool decides_existence(const struct pfd_annot *ev)
{
	switch (ev->call->path->desc->cls) {
	case PFD_SC_STAT: case PFD_SC_LSTAT: case PFD_SC_STATAT: case PFD_SC_ACCESS:
		return true;
	default:
		return false;
	}
}

/* A call on a path derived from a link's text: what the tool found. */
static void explain_follow_up(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_followup *fu = &ev->follow;
	const char *call = ev->call->name, *tool = tool_name(ev);

	if (fu->how == PFD_FU_PREFIX || (fu->ends_walk && fu->reached == PFD_FU_NOTHING)) {
		explain_walk_step(s, ev);
		return;
	}
	switch (fu->reached) {
	case PFD_FU_NOTHING:
		if (decides_existence(ev))
			say(s, "this %s is where %s decided the link is broken: %s, ", call, tool,
			    follow_up_from[fu->how]);
		else
			say(s, "%s looked up %s: ", tool, follow_up_from[fu->how]);
		say_quoted(s, ev->call->path->path, ev->call->path->path_len);
		say(s, "%s names nothing (%s), while ", decides_existence(ev) ? "," : "",
		    errno_name(ev->call->err));
		say_link_still(s, &fu->read);
		break;
	case PFD_FU_OTHER:
		say(s, "%s now describes a different file (ino %llu, %llu bytes) than the one fd %d "
		       "holds (ino %llu, %llu bytes): it followed %s, ", tool,
		    (unsigned long long)fu->other_ino, (unsigned long long)fu->other_size,
		    fu->read.fd, (unsigned long long)fu->read.ino, (unsigned long long)fu->read.size,
		    follow_up_from[fu->how]);
		say_quoted(s, ev->call->path->path, ev->call->path->path_len);
		break;
	case PFD_FU_HELD:
		say(s, "%s reached the file fd %d holds through %s: the text still names it", tool,
		    fu->read.fd, follow_up_from[fu->how]);
		break;
	case PFD_FU_UNKNOWN:
		say(s, "%s looked up %s after reading the link; procfd-trace could not see what it "
		       "found", tool, follow_up_from[fu->how]);
		break;
	}
}

void pfd_explain_walk_outcome(const struct pfd_link_read *r, const char *exe, int status,
			      struct pfd_buf *out)
{
	struct sentence s = { out };
	static struct pfd_buf name = PFD_BUF_INIT;
	pfd_buf_clear(&name);
	pfd_put_program_name(&name, exe);
	const char *tool = pfd_buf_str(&name);

	if (status != 0) {
		say(&s, "%s exited with status %d after its walk of fd %d's text found nothing: this "
			"is where %s decided the link is broken (it needs the whole path to exist, as "
			"realpath -e does), while ", tool,
		    status, r->fd, tool);
		say_link_still(&s, r);
		return;
	}
	say(&s, "%s exited 0 after its walk of fd %d's text found nothing: it did not call the "
		"link broken, but went on with the text, ", tool, r->fd);
	say_quoted(&s, r->text, r->text_len);
	say(&s, ", as the path the link resolves to (realpath and readlink -f print it), a path "
		"that names nothing%s; ", r->deleted ? " now" : "");
	say_link_still(&s, r);
}

/* ---- calls that act through the link (chmod, lchown, unlink...) ------ */

/* The held inode in a word, for the sentences of these calls. */
static const char *noun(const struct pfd_annot *ev)
{
	if (ev->probe != PFD_PROBE_OPEN)
		return "file";
	return pfd_fdesc_noun(&ev->target.fdesc);
}

static const char *followed_verb(enum action act)
{
	switch (act) {
	case ACT_MODE: return "changed the mode of";
	case ACT_OWNER: return "changed the owner of";
	case ACT_TIMES: return "set the timestamps of";
	case ACT_XATTR_SET: return "changed the extended attributes of";
	case ACT_XATTR_GET: return "read the extended attributes of";
	case ACT_WATCH: return "now watches";
	case ACT_HANDLE: return "returned a file handle for";
	case ACT_LINK: return "gave a new name to";
	default: return "reached";
	}
}

/* " \"/tmp/x\"" and what became of that name, after "the held file". */
static void say_held_name(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;

	if (ev->probe != PFD_PROBE_OPEN)
		return;
	if (t->text_target == PFD_TEXT_NOT_A_PATH) {
		say(s, " ");
		say_quoted(s, t->text, t->text_len);
		say(s, ", which has no name in any directory");
	} else if (t->text_target == PFD_TEXT_DIFFERENT_FILE) {
		say(s, " (ino %llu), not the file now named ", (unsigned long long)t->ino);
		say_quoted(s, t->name, t->name_len);
	} else if (t->deleted) {
		say(s, ", deleted: its name ");
		say_quoted(s, t->name, t->name_len);
		say(s, " no longer exists, but the inode lives on while fd %d holds it",
		    ev->link.fd);
	} else {
		say(s, " ");
		say_quoted(s, t->name, t->name_len);
	}
}

static void explain_action_followed(struct sentence *s, const struct pfd_annot *ev,
				    enum action act)
{
	say(s, "%s followed the magic link and %s the held %s", ev->call->name,
	    followed_verb(act), noun(ev));
	say_held_name(s, ev);
}

/* Success on the link itself: what happened to the link, and that the held
 * file is untouched. */
static void explain_action_link_itself(struct sentence *s, const struct pfd_annot *ev,
				       enum action act)
{
	const char *sc = ev->call->name, *n = noun(ev);

	switch (act) {
	case ACT_OWNER:
		say(s, "%s acted on the /proc link itself, not the held %s: procfs accepted the "
		       "owner, but gives the link its process's owner back at the next lookup, "
		       "and the held %s is unchanged", sc, n, n);
		break;
	case ACT_TIMES:
		say(s, "%s with AT_SYMLINK_NOFOLLOW set the timestamps of the /proc link itself "
		       "(kept by procfs in memory only), not those of the held %s", sc, n);
		break;
	case ACT_XATTR_GET:
		say(s, "%s read the extended attributes of the /proc link itself, not those of "
		       "the held %s", sc, n);
		break;
	case ACT_WATCH:
		say(s, "%s with IN_DONT_FOLLOW watches the /proc link itself, not the held %s: "
		       "changes to the %s raise no event on this watch", sc, n, n);
		break;
	default:
		say(s, "%s acted on the /proc link itself, not the held %s", sc, n);
		break;
	}
}

/* Why the kernel refused a call on the link itself (or its fd-directory
 * entry), from what was found on this kernel (tests/programs/act_through_link.c). */
static const char *link_refusal(enum action act, int err)
{
	switch (err) {
	case EPERM:
		if (act == ACT_REMOVE || act == ACT_RENAME)
			return "procfs lets no one remove or rename an entry of an fd directory";
		if (act == ACT_OWNER)
			return "changing the owner of the link needs CAP_CHOWN";
		if (act == ACT_XATTR_SET)
			return "user extended attributes are not allowed on a symlink";
		return "procfs does not allow it";
	case EOPNOTSUPP:
		if (act == ACT_MODE)
			return "the kernel does not change the mode of a symlink";
		if (act == ACT_HANDLE)
			return "procfs cannot export file handles";
		return "procfs does not support it";
	case ENOTDIR: return "the entry is a symlink, not a directory";
	case EEXIST: return "that name already exists there: it is the fd's link";
	case EXDEV: return "the link lives on procfs, and no hard link or rename crosses file systems";
	case ENODATA: return "the link has no such attribute";
	default: return NULL;
	}
}

/* Why a followed call failed on the held inode, when it is not the usual. */
static const char *held_refusal(const struct pfd_annot *ev, enum action act, int err)
{
	bool symlink = ev->probe == PFD_PROBE_OPEN && pfd_fdesc_is_symlink(&ev->target.fdesc);

	if (err == EOPNOTSUPP && act == ACT_MODE && symlink)
		return "the kernel does not change the mode of a symlink";
	if (err == EPERM && act == ACT_XATTR_SET && symlink)
		return "user extended attributes are not allowed on a symlink";
	if (err == EPERM && act == ACT_OWNER)
		return "changing a file's owner needs CAP_CHOWN";
	if (err == ENODATA && act == ACT_XATTR_GET)
		return "the held file has no such attribute";
	if (err == EPERM || err == EACCES)
		return "its owner and permissions decide";
	return NULL;
}

static void explain_action_error(struct sentence *s, const struct pfd_annot *ev,
				 enum action act)
{
	const char *sc = ev->call->name, *n = noun(ev);
	int err = ev->call->err;
	const char *why;

	if (!acted_on_link(ev)) {
		why = held_refusal(ev, act, err);
		say(s, "%s followed the magic link to the held %s and failed there: %s (%s)", sc,
		    n, why ? why : strerror(err), errno_name(err));
	} else if (ev->call->path->desc->cls == PFD_SC_NAME || act == ACT_LINK) {
		why = link_refusal(act, err);
		say(s, "%s acted on the entry \"%d\" of the fd directory, a /proc link, not on the "
		       "held %s, which is untouched: %s (%s)", sc, ev->link.fd, n,
		    why ? why : strerror(err), errno_name(err));
	} else {
		why = link_refusal(act, err);
		say(s, "%s acted on the /proc link itself, not the held %s, which is untouched: "
		       "%s (%s)", sc, n, why ? why : strerror(err), errno_name(err));
	}
}

/* The sentence of a call of the action list, or false for the usual one. */
static bool explain_action(struct sentence *s, const struct pfd_annot *ev)
{
	enum action act = action_of(ev);

	if (act == ACT_NONE || ev->link.what != PFD_LINK_FD)
		return false;
	if (ev->call->err && (ev->resolution == PFD_RES_FOLLOWED ||
			      ev->resolution == PFD_RES_LINK_ITSELF)) {
		explain_action_error(s, ev, act); /* the lookup went well, the call failed */
		return true;
	}
	switch (ev->resolution) {
	case PFD_RES_FOLLOWED:
		explain_action_followed(s, ev, act);
		return true;
	case PFD_RES_LINK_ITSELF:
		explain_action_link_itself(s, ev, act);
		return true;
	case PFD_RES_ERROR:
	case PFD_RES_DENIED:
		if (ev->call->err == EACCES && ev->probe != PFD_PROBE_OPEN)
			return false; /* another process's fds: the usual sentence */
		explain_action_error(s, ev, act);
		return true;
	default:
		return false;
	}
}

/* A followed open whose result the entry probe cannot account for
 * (PFD_RES_UNCONFIRMED): what the kernel's answer was, and what can explain
 * it. Nothing is claimed that was not seen: no closing thread is named
 * where the process had none. */
static void explain_unconfirmed(struct sentence *s, const struct pfd_annot *ev)
{
	long fd = (long)ev->call->result;
	const char *sc = ev->call->name;
	if (ev->verified == PFD_VERIFY_DIFFERENT) {
		say(s, "%s returned fd %ld, but it holds another inode (dev %u:%u, ino %llu) than "
		       "the one fd %d held at entry (ino %llu): the path changed between "
		       "procfd-trace's read and the kernel's (another thread rewrote it: TOCTOU), "
		       "the tracee's /proc is not procfd-trace's, or a seccomp supervisor (user "
		       "notification) answered the call with a number of its choosing",
		    sc, fd, ev->got_dev_major, ev->got_dev_minor, (unsigned long long)ev->got_ino,
		    ev->link.fd, (unsigned long long)ev->target.ino);
	} else if (ev->one_thread) {
		say(s, "%s returned %ld, but the process has no fd %ld, and no other thread that "
		       "could have closed it: the call's result names no fd this open made; a "
		       "seccomp supervisor (user notification) may have answered the call in the "
		       "kernel's place", sc, fd, fd);
	} else {
		say(s, "%s returned %ld, but the process has no fd %ld at the call's exit: another "
		       "thread closed it at once, or the result names no fd this open made (a "
		       "seccomp supervisor, by user notification, may have answered the call)",
		    sc, fd, fd);
	}
}

/* ENOENT although fd N was open at entry (PFD_RES_RACED). */
static void explain_raced(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_link *l = &ev->link;
	say(s, "%s failed with ENOENT although fd %d of process %d was open at entry", ev->call->name,
	    l->fd, l->pid);
	if (ev->fd_open_at_exit)
		say(s, ", and is open still: the kernel read another path than procfd-trace did "
		       "(another thread rewrote the path buffer between the two reads: TOCTOU), and "
		       "what it read names nothing");
	else
		say(s, ": the fd was closed while the call ran (by another thread, or by its "
		       "holder), or the path buffer was rewritten between procfd-trace's read and "
		       "the kernel's (TOCTOU)");
}

/* A followed open that could not be checked: say so, never let the
 * sentence above stand alone. */
static void say_verified(struct sentence *s, const struct pfd_annot *ev)
{
	if (ev->verified == PFD_VERIFY_UNKNOWN)
		say(s, "; the new fd %ld could not be checked against the entry probe",
		    (long)ev->call->result);
}

/* Why a call failed on what its lookup reached, where the errno is not
 * self-explanatory. */
static const char *failure_after_lookup(const struct pfd_annot *ev)
{
	switch (ev->call->err) {
	case EISDIR: return "it is a directory, which cannot be opened for writing";
	case ETXTBSY: return "it is a program being run, which cannot be opened for writing";
	case EEXIST: return "O_CREAT|O_EXCL does not follow a symlink, and the link exists";
	case EROFS: return "its file system is mounted read-only";
	default: return NULL;
	}
}

/* A call whose lookup followed the link (or stopped at it) and which then
 * failed there: the resolution says how the lookup went, this says why the
 * call did not succeed. */
static void explain_failed_after_lookup(struct sentence *s, const struct pfd_annot *ev)
{
	const char *why = failure_after_lookup(ev);
	int err = ev->call->err;
	if (ev->resolution == PFD_RES_FOLLOWED)
		say(s, "%s followed the magic link to the held %s and failed there: ", ev->call->name,
		    noun(ev));
	else
		say(s, "%s acted on the /proc link itself, not the held file, and failed: ",
		    ev->call->name);
	say(s, "%s (%s)", why ? why : strerror(err), errno_name(err));
}

static void explain_call(struct sentence *s, const struct pfd_annot *ev);

void pfd_explain(const struct pfd_annot *ev, struct pfd_buf *out)
{
	struct sentence s = { out };
	explain_call(&s, ev);
	say_verified(&s, ev);
}

static void explain_call(struct sentence *sp, const struct pfd_annot *ev)
{
	struct sentence s = *sp;
	const struct pfd_link *l = &ev->link;
	if (explain_action(&s, ev))
		return;
	if (ev->call->err && (ev->resolution == PFD_RES_FOLLOWED ||
			      ev->resolution == PFD_RES_LINK_ITSELF)) {
		explain_failed_after_lookup(&s, ev);
		return;
	}
	switch (ev->resolution) {
	case PFD_RES_FOLLOWED: explain_followed(&s, ev); break;
	case PFD_RES_LINK_ITSELF: explain_link_itself(&s, ev); break;
	case PFD_RES_DIRECTORY:
		if (ev->call->err == EINVAL)
			say(&s, "%s of the fd directory of process %d: EINVAL, the normal answer for a "
				"directory, which is not a symlink; its entries are the magic links",
			    ev->call->name, l->pid);
		else
			say(&s, "%s named the fd directory of process %d: its entries are that "
				"process's open fds, one magic link each", ev->call->name, l->pid);
		break;
	case PFD_RES_FOLLOW_UP: explain_follow_up(&s, ev); break;
	case PFD_RES_PLAIN: say(&s, "the path names no /proc fd link"); break;
	case PFD_RES_THROUGH: explain_through(&s, ev); break;
	case PFD_RES_NOT_PROCFS:
		say(&s, "the caller's /proc is not a procfs (file system magic 0x%lx, e.g. a tmpfs or "
			"a bind mount over /proc in its mount namespace): %s named an ordinary %s "
			"there, no magic link, and procfd-trace's own /proc says nothing about it",
		    ev->proc_f_type, ev->call->name,
		    ev->call->err ? "path" : "file");
		break;
	case PFD_RES_HELD_SYMLINK:
		say(&s, "fd %d holds a symlink itself (opened with O_PATH|O_NOFOLLOW): the magic link "
			"leads to that symlink, and %s cannot go through it (ELOOP); readlink the "
			"link for its text, or pass the fd itself", l->fd, ev->call->name);
		break;
	case PFD_RES_NO_SUCH_FD:
		say(&s, "process %d has no fd %d open, so there is no link to %s (ENOENT)",
		    l->pid, l->fd, pfd_call_follows(ev) ? "follow" : "look at");
		break;
	case PFD_RES_NO_SUCH_THREAD:
		if (ev->other_tgid)
			say(&s, "thread %d is alive, but it belongs to process %d, not to process %d: "
				"/proc/%d/task lists only that process's own threads, so the kernel "
				"finds no such entry (ENOENT)", l->tid, ev->other_tgid, l->pid, l->pid);
		else
			say(&s, "process %d has no thread %d: thread ids start at 1, so task/%d names "
				"nothing (ENOENT)", l->pid, l->tid, l->tid);
		break;
	case PFD_RES_UNCONFIRMED: explain_unconfirmed(&s, ev); break;
	case PFD_RES_RACED: explain_raced(&s, ev); break;
	case PFD_RES_NO_SUCH_PROCESS:
		say(&s, "no %s %d exists (any more), so its /proc entries are gone (%s)",
		    l->tid ? "thread" : "process", l->tid ? l->tid : l->pid, errno_name(ev->call->err));
		break;
	case PFD_RES_DENIED:
		say(&s, "the kernel denied access (%s): another process's fd links need ptrace "
			"access to it, and reopening checks the permissions of the file itself",
		    errno_name(ev->call->err));
		break;
	case PFD_RES_REFUSED_NOFOLLOW: explain_refused(&s, ev); break;
	case PFD_RES_REFUSED_SCOPED:
		say(&s, "openat2's %s keeps the lookup inside its starting point, so it refuses "
			"the jump through the magic link (EXDEV)", scope_flag(ev->call->path->resolve));
		break;
	case PFD_RES_NOT_REOPENABLE:
		say(&s, "fd %d is a %s, which cannot be opened again through /proc (ENXIO): use "
			"the fd itself, or pass it with SCM_RIGHTS or pidfd_getfd", l->fd,
		    ev->probe == PFD_PROBE_OPEN ? pfd_fdesc_kind_name(&ev->target.fdesc) : "file");
		break;
	case PFD_RES_UNFINISHED:
		say(&s, "the thread ended before %s returned (killed, or replaced by another "
			"thread's execve)", ev->call->name);
		break;
	case PFD_RES_ERROR:
	case PFD_RES_NONE:
		explain_error(&s, ev);
		break;
	}
}
