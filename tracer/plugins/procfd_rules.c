/* procfd-trace: resolution rules and explanations.
 *
 * The kernel's result decides the resolution; the state probed at entry
 * explains it (which ENOENT: no fd, or no process). */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "procfd/procfd.h"

#include "procfd/flagnames.h"

#ifndef AT_SYMLINK_NOFOLLOW
#define AT_SYMLINK_NOFOLLOW 0x100
#endif

static bool has_flag(const struct pfd_annot *ev, uint64_t flag)
{
	return ev->call->path->has_flags && (ev->call->path->flags & flag);
}

bool pfd_call_follows(const struct pfd_annot *ev)
{
	if (ev->link.trailing_slash)
		return true;
	switch (ev->call->path->desc->cls) {
	case PFD_SC_OPEN: return !has_flag(ev, O_NOFOLLOW);
	case PFD_SC_STAT: return true;
	case PFD_SC_LSTAT: return false;
	case PFD_SC_STATAT: return !has_flag(ev, AT_SYMLINK_NOFOLLOW);
	case PFD_SC_READLINK: return false;
	case PFD_SC_ACCESS: return !has_flag(ev, AT_SYMLINK_NOFOLLOW);
	case PFD_SC_LINKAT: return has_flag(ev, AT_SYMLINK_FOLLOW);
	case PFD_SC_FOLLOW: return !has_flag(ev, AT_SYMLINK_NOFOLLOW); /* execveat */
	}
	return true;
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

static enum pfd_resolution resolve_missing(const struct pfd_annot *ev)
{
	if (ev->probe == PFD_PROBE_NO_PROCESS)
		return PFD_RES_NO_SUCH_PROCESS;
	if (ev->probe == PFD_PROBE_NO_FD)
		return PFD_RES_NO_SUCH_FD;
	return PFD_RES_ERROR;
}

static enum pfd_resolution resolve_error(const struct pfd_annot *ev)
{
	switch (ev->call->err) {
	case ELOOP:
		return refused_nofollow(ev) ? PFD_RES_REFUSED_NOFOLLOW : PFD_RES_ERROR;
	case EXDEV:
		return scoped_lookup(ev) ? PFD_RES_REFUSED_SCOPED : PFD_RES_ERROR;
	case ENXIO:
		return ev->call->path->desc->cls == PFD_SC_OPEN ? PFD_RES_NOT_REOPENABLE : PFD_RES_ERROR;
	case ENOENT:
		return resolve_missing(ev);
	case ESRCH:
		return PFD_RES_NO_SUCH_PROCESS;
	case EACCES:
	case EPERM:
		return PFD_RES_DENIED;
	default:
		return PFD_RES_ERROR;
	}
}

enum pfd_resolution pfd_resolve(const struct pfd_annot *ev)
{
	if (!ev->call->finished)
		return PFD_RES_UNFINISHED;
	if (ev->link.what == PFD_LINK_NONE)
		return PFD_RES_ERROR; /* the path could not be read */
	if (ev->link.what == PFD_LINK_FD_DIR && !ev->call->err)
		return PFD_RES_DIRECTORY;
	if (!ev->call->err)
		return pfd_call_follows(ev) ? PFD_RES_FOLLOWED : PFD_RES_LINK_ITSELF;
	return resolve_error(ev);
}

/* ---- explanations --------------------------------------------------- */

/* The sentence is assembled piece by piece into a growable buffer. */
struct sentence {
	struct pfd_buf *out;
};

__attribute__((format(printf, 2, 3)))
static void say(struct sentence *s, const char *fmt, ...)
{
	char piece[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(piece, sizeof(piece), fmt, ap);
	va_end(ap);
	if (n > 0)
		pfd_buf_put(s->out, piece, (size_t)n < sizeof(piece) ? (size_t)n : sizeof(piece) - 1);
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
	return t->kind == PFD_KIND_DIRECTORY ? "directory" : "file";
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
		if (t->kind == PFD_KIND_MEMFD)
			say(s, ", a memfd: an anonymous file that never had a name in any directory");
		else
			say(s, ", a %s, which has no name in any directory", pfd_target_kind_name(t->kind));
		return;
	case PFD_TEXT_DIFFERENT_FILE:
		say(s, "%s followed the magic link to the inode fd %d holds (ino %llu%s), not to ",
		    sc, ev->link.fd, (unsigned long long)t->ino, t->deleted ? ", now deleted" : "");
		say_quoted(s, t->name, t->name_len);
		say(s, ": that name now belongs to a different file");
		return;
	default:
		break;
	}
	if (t->deleted) {
		explain_followed_deleted(s, ev);
	} else if (t->name_marked) {
		say(s, "%s followed the magic link to the open file; its name ", sc);
		say_quoted(s, t->name, t->name_len);
		say(s, " was removed, but the inode lives on under another name (nlink %llu)",
		    (unsigned long long)t->nlink);
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

static void explain_link_itself(struct sentence *s, const struct pfd_annot *ev)
{
	const struct pfd_target *t = &ev->target;
	const char *sc = ev->call->name;
	bool have = ev->probe == PFD_PROBE_OPEN;

	if (ev->call->path->desc->cls == PFD_SC_READLINK && have) {
		say(s, "readlink returned the kernel's text for the link, ");
		say_quoted(s, t->text, t->text_len);
		if (t->text_target == PFD_TEXT_MISSING || t->text_target == PFD_TEXT_DIFFERENT_FILE)
			say(s, ": a tool that follows this text finds %s and calls the link broken, yet "
			       "opening the link itself still reaches the held %s",
			    t->text_target == PFD_TEXT_MISSING ? "nothing" : "another file", thing(t));
		else
			say(s, ": a description of the open file; open() through the link follows the "
			       "file itself, not this text");
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
	else
		say(s, "path unreadable: procfd-trace could not read it from the tracee (%s)",
		    errno_name(err));
}

static void explain_error(struct sentence *s, const struct pfd_annot *ev)
{
	if (!ev->link.spelling) {
		explain_unreadable(s, ev);
		return;
	}
	say(s, "%s failed with %s (%s)", ev->call->name, errno_name(ev->call->err), strerror(ev->call->err));
	if (ev->call->err == ENOTDIR && ev->link.trailing_slash && ev->probe == PFD_PROBE_OPEN)
		say(s, ": the path ends in a slash, but fd %d holds a %s, not a directory",
		    ev->link.fd, pfd_target_kind_name(ev->target.kind));
}

void pfd_explain(const struct pfd_annot *ev, struct pfd_buf *out)
{
	struct sentence s = { out };
	const struct pfd_link *l = &ev->link;
	switch (ev->resolution) {
	case PFD_RES_FOLLOWED: explain_followed(&s, ev); break;
	case PFD_RES_LINK_ITSELF: explain_link_itself(&s, ev); break;
	case PFD_RES_DIRECTORY:
		say(&s, "%s named the fd directory of process %d: its entries are that process's "
			"open fds, one magic link each", ev->call->name, l->pid);
		break;
	case PFD_RES_NO_SUCH_FD:
		say(&s, "process %d has no fd %d open, so there is no link to %s (ENOENT)",
		    l->pid, l->fd, pfd_call_follows(ev) ? "follow" : "look at");
		break;
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
		    ev->probe == PFD_PROBE_OPEN ? pfd_target_kind_name(ev->target.kind) : "file");
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
