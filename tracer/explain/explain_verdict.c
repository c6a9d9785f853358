/* procfd-trace --explain: the verdict in one sentence and a remedy, per case.
 *
 * The sentences say what the table shows: what open reaches through the
 * link, and what a tool that follows the text (ls --color, realpath, file)
 * finds instead. Numbers come from the calls just made, never assumed. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "procfd/flagnames.h"
#include "tracer/explain/explain_impl.h"

static const char *const case_names[] = {
	[XCASE_LIVE] = "live",
	[XCASE_DELETED] = "deleted",
	[XCASE_REPLACED] = "replaced",
	[XCASE_HARDLINK_REMOVED] = "hardlink-removed",
	[XCASE_COLLISION] = "collision",
	[XCASE_OTHER_FILE] = "other-file",
	[XCASE_NAME_UNREACHABLE] = "name-unreachable",
	[XCASE_DELETED_DIR] = "deleted-directory",
	[XCASE_PIPE] = "pipe",
	[XCASE_FIFO] = "fifo",
	[XCASE_SOCKET] = "socket",
	[XCASE_ANON_INODE] = "anon-inode",
	[XCASE_MEMFD] = "memfd",
	[XCASE_DEVICE] = "device",
	[XCASE_HELD_SYMLINK] = "held-symlink",
	[XCASE_NAMESPACE] = "namespace",
	[XCASE_MQUEUE] = "mqueue",
	[XCASE_NO_FD] = "no-fd",
	[XCASE_NO_PROCESS] = "no-process",
	[XCASE_DENIED] = "denied",
	[XCASE_FAILED] = "failed",
};

const char *pfd_xcase_name(enum xcase c)
{
	return (unsigned)c < sizeof(case_names) / sizeof(case_names[0]) ? case_names[c] : "failed";
}

static void put_bytes(struct pfd_buf *b, uint64_t n)
{
	pfd_buf_uint(b, n);
	pfd_buf_puts(b, n == 1 ? " byte" : " bytes");
}

static void put_errno(struct pfd_buf *b, int err)
{
	const char *name = pfd_errno_name(err);
	pfd_buf_puts(b, name ? name : "an error");
}

/* "open gives ENXIO" or "open reaches it": the measured result. */
static void put_open(struct pfd_buf *b, const struct xlink *l)
{
	const struct xcell *c = &l->magic[XROW_OPEN];
	if (c->ok) {
		pfd_buf_puts(b, "open still reaches it");
	} else {
		pfd_buf_puts(b, "open gives ");
		put_errno(b, c->err);
	}
}

static void put_text(struct pfd_buf *b, const struct xlink *l)
{
	pfd_buf_quote(b, l->t.text, l->t.text_len);
}

/* What tools that follow the text make of it, shared by the name cases:
 * only those whose answer is "is it there" call the link broken. */
static void put_followers_broken(struct pfd_buf *b)
{
	pfd_buf_puts(b, "; a tool that follows the text finds nothing: ls --color paints the link "
			"broken and realpath -e fails, while realpath and readlink -f print the "
			"text as if it named a file");
}

static void verdict_names(const struct xlink *l, struct pfd_buf *b)
{
	const struct pfd_target *t = &l->t;
	switch (l->xcase) {
	case XCASE_LIVE:
		pfd_buf_puts(b, "the link is not broken: its text is the file's current name (a rename "
				"shows the new one), so a regular symlink would behave the same");
		break;
	case XCASE_DELETED:
		pfd_buf_puts(b, "the link is not broken: it holds a deleted file (");
		put_bytes(b, t->size);
		pfd_buf_puts(b, "): ");
		put_open(b, l);
		put_followers_broken(b);
		break;
	case XCASE_REPLACED:
		pfd_buf_puts(b, "the file was replaced: the link holds the old, deleted inode (ino ");
		pfd_buf_uint(b, t->ino);
		pfd_buf_puts(b, ", ");
		put_bytes(b, t->size);
		pfd_buf_puts(b, "), while its name now names another file (ino ");
		pfd_buf_uint(b, (uint64_t)l->name_st.st_ino);
		pfd_buf_puts(b, ", ");
		put_bytes(b, (uint64_t)l->name_st.st_size);
		pfd_buf_puts(b, "); the text as written names nothing");
		break;
	case XCASE_HARDLINK_REMOVED:
		pfd_buf_puts(b, "the link is not broken: this name was removed but the file lives on (nlink ");
		pfd_buf_uint(b, t->nlink);
		pfd_buf_puts(b, ")");
		if (l->other_name[0]) {
			pfd_buf_puts(b, " as ");
			pfd_buf_quote(b, l->other_name, strlen(l->other_name));
		} else {
			pfd_buf_puts(b, " under a name outside the old one's directory");
		}
		pfd_buf_puts(b, ", and ");
		put_open(b, l);
		put_followers_broken(b);
		break;
	case XCASE_COLLISION:
		pfd_buf_puts(b, "the text names a different live file: ");
		put_text(b, l);
		pfd_buf_puts(b, " exists (ino ");
		pfd_buf_uint(b, (uint64_t)l->regular[XROW_STAT].st.st_ino);
		pfd_buf_puts(b, ", ");
		put_bytes(b, (uint64_t)l->regular[XROW_STAT].st.st_size);
		pfd_buf_puts(b, ") but the link holds a deleted file (ino ");
		pfd_buf_uint(b, t->ino);
		pfd_buf_puts(b, ", ");
		put_bytes(b, t->size);
		pfd_buf_puts(b, "); tools that follow the text describe the other file");
		break;
	case XCASE_OTHER_FILE:
		pfd_buf_puts(b, "the text names another file (ino ");
		pfd_buf_uint(b, (uint64_t)l->regular[XROW_STAT].st.st_ino);
		pfd_buf_puts(b, ") than the one the link holds (ino ");
		pfd_buf_uint(b, t->ino);
		pfd_buf_puts(b, "): a mount over the name, or another mount namespace");
		break;
	case XCASE_NAME_UNREACHABLE:
		pfd_buf_puts(b, "the file is not deleted (nlink ");
		pfd_buf_uint(b, t->nlink);
		pfd_buf_puts(b, ") but its text names nothing from the holder's root (another mount "
				"namespace, or a lazily unmounted filesystem); ");
		put_open(b, l);
		break;
	case XCASE_DELETED_DIR:
		pfd_buf_puts(b, "the link holds a removed directory (rmdir'd, nlink 0): open reaches it, "
				"but it is empty for good and reading it as a file gives EISDIR");
		put_followers_broken(b);
		break;
	default:
		break;
	}
}

static void verdict_kinds(const struct xlink *l, struct pfd_buf *b)
{
	const struct pfd_target *t = &l->t;
	switch (l->xcase) {
	case XCASE_PIPE:
		pfd_buf_puts(b, "the link holds a pipe, not a file: ");
		put_open(b, l);
		pfd_buf_puts(b, " (one more reader or writer); its text ");
		put_text(b, l);
		pfd_buf_puts(b, " is no path, so ls, looking it up in the fd directory, calls it broken");
		break;
	case XCASE_FIFO:
		pfd_buf_puts(b, "the link holds a named FIFO: ");
		put_open(b, l);
		pfd_buf_puts(b, " (with O_NONBLOCK; without it, a reader waits for a writer)");
		break;
	case XCASE_SOCKET:
		pfd_buf_puts(b, "the link holds a socket: ");
		put_open(b, l);
		pfd_buf_puts(b, ", since a socket cannot be reopened by a path, though stat reaches it; "
				"its text ");
		put_text(b, l);
		pfd_buf_puts(b, " is no path");
		break;
	case XCASE_ANON_INODE:
		pfd_buf_puts(b, "the link holds an anonymous inode (");
		pfd_buf_puts(b, t->anon_name);
		pfd_buf_puts(b, "), no file at all: ");
		put_open(b, l);
		pfd_buf_puts(b, ", stat describes it, and its text is no path");
		break;
	case XCASE_MEMFD:
		pfd_buf_puts(b, "the link holds a memfd (");
		put_bytes(b, t->size);
		pfd_buf_puts(b, " of memory that never had a name on any filesystem): ");
		put_open(b, l);
		pfd_buf_puts(b, "; its text merely looks like a deleted file's");
		break;
	case XCASE_DEVICE:
		pfd_buf_puts(b, "the link holds a device: stat reaches it; open was not tried, since "
				"opening a device can have effects");
		break;
	case XCASE_NAMESPACE:
		pfd_buf_puts(b, "the link holds a namespace (");
		pfd_fdesc_text(b, &t->fdesc);
		pfd_buf_puts(b, "), not a file: ");
		put_open(b, l);
		pfd_buf_puts(b, " (setns(2) takes such an fd); its text ");
		put_text(b, l);
		pfd_buf_puts(b, " is no path, so a tool that follows it finds nothing");
		break;
	case XCASE_MQUEUE:
		pfd_buf_puts(b, "the link holds a POSIX message queue (");
		pfd_fdesc_text(b, &t->fdesc);
		pfd_buf_puts(b, "): ");
		put_open(b, l);
		pfd_buf_puts(b, "; its text ");
		put_text(b, l);
		pfd_buf_puts(b, " is the queue's name in the mqueue file system (mq_open's name), not "
				"a path of the holder's root, so a tool that follows it finds nothing");
		break;
	case XCASE_HELD_SYMLINK:
		pfd_buf_puts(b, "the fd is an O_PATH handle on a symlink itself: ");
		put_open(b, l);
		pfd_buf_puts(b, ", since the held inode is a symlink and open goes no further, while stat "
				"and lstat describe that symlink");
		break;
	default:
		break;
	}
}

static void verdict_probe(const struct xlink *l, struct pfd_buf *b)
{
	char num[32];
	snprintf(num, sizeof(num), "%d", (int)l->pid);
	switch (l->xcase) {
	case XCASE_NO_FD:
		pfd_buf_puts(b, "fd ");
		pfd_buf_int(b, l->fd);
		pfd_buf_puts(b, " is not open in process ");
		pfd_buf_puts(b, num);
		pfd_buf_puts(b, ": the link does not exist, and every call gives ENOENT, as for a "
				"missing symlink");
		break;
	case XCASE_NO_PROCESS:
		pfd_buf_puts(b, "there is no process ");
		pfd_buf_puts(b, num);
		pfd_buf_puts(b, ": its fds were closed when it ended, and every call gives ENOENT");
		break;
	case XCASE_DENIED:
		pfd_buf_puts(b, "procfd-trace may not inspect process ");
		pfd_buf_puts(b, num);
		pfd_buf_puts(b, " (another user's, or not dumpable): every call on its links fails with "
				"EACCES, even lstat and readlink");
		break;
	default:
		pfd_buf_puts(b, "the link could not be examined: ");
		put_errno(b, l->probe_err ? l->probe_err : l->magic[XROW_STAT].err);
		break;
	}
}

void pfd_explain_verdict(const struct xlink *l, struct pfd_buf *out)
{
	size_t before = out->len;
	verdict_names(l, out);
	if (out->len == before)
		verdict_kinds(l, out);
	if (out->len == before)
		verdict_probe(l, out);
}

/* "cp /proc/P/fd/N ./recovered" */
static void put_copy(struct pfd_buf *b, const struct xholder *h)
{
	pfd_buf_puts(b, "copy the content out with cp ");
	pfd_buf_puts(b, h->link);
	pfd_buf_puts(b, " ./recovered");
}

static void remedy_names(const struct xlink *l, const struct xholder *h, struct pfd_buf *b)
{
	switch (l->xcase) {
	case XCASE_LIVE:
		pfd_buf_puts(b, "none needed: ls -l, realpath and cat all reach the same file");
		break;
	case XCASE_DELETED:
	case XCASE_MEMFD:
		put_copy(b, h);
		pfd_buf_puts(b, "; use ls -lL ");
		pfd_buf_puts(b, h->link);
		pfd_buf_puts(b, " to see the held file, not the text");
		break;
	case XCASE_REPLACED:
	case XCASE_COLLISION:
	case XCASE_OTHER_FILE:
		pfd_buf_puts(b, "the name now names another file: compare inode numbers with stat -L ");
		pfd_buf_puts(b, h->link);
		pfd_buf_puts(b, " and stat of the name; ");
		put_copy(b, h);
		break;
	case XCASE_HARDLINK_REMOVED:
		if (l->other_name[0]) {
			pfd_buf_puts(b, "use the remaining name ");
			pfd_buf_quote(b, l->other_name, strlen(l->other_name));
		} else {
			pfd_buf_puts(b, "find the remaining name with find MOUNTPOINT -xdev -inum ");
			pfd_buf_uint(b, l->t.ino);
		}
		break;
	case XCASE_NAME_UNREACHABLE:
		put_copy(b, h);
		pfd_buf_puts(b, ", or look in the holder's namespace: nsenter -t ");
		pfd_buf_int(b, h->pid);
		pfd_buf_puts(b, " -m ls -l TEXT");
		break;
	case XCASE_DELETED_DIR:
		pfd_buf_puts(b, "nothing to recover: a directory is removed only once empty; the holder "
				"may still use it as a working directory or dirfd");
		break;
	default:
		break;
	}
}

static void remedy_kinds(const struct xlink *l, const struct xholder *h, struct pfd_buf *b)
{
	switch (l->xcase) {
	case XCASE_PIPE:
	case XCASE_FIFO:
		pfd_buf_puts(b, "a pipe: reading it steals the holder's data; to see who is at the other "
				"end, look for its inode in ls -l /proc/*/fd or lsof");
		break;
	case XCASE_SOCKET:
		pfd_buf_puts(b, "for a socket: pidfd_getfd(2) from a process allowed to ptrace it gives a "
				"copy of the fd; ss -xp or lsof shows its peer");
		break;
	case XCASE_ANON_INODE:
		pfd_buf_puts(b, "no content to copy: ");
		pfd_buf_puts(b, "/proc/");
		pfd_buf_int(b, h->pid);
		pfd_buf_puts(b, "/fdinfo/");
		pfd_buf_int(b, h->fd);
		pfd_buf_puts(b, " shows its state; pidfd_getfd(2) gives a copy of the fd");
		break;
	case XCASE_NAMESPACE:
		pfd_buf_puts(b, "nothing to recover: lsns or ls -l /proc/*/ns shows which processes are "
				"in that namespace; nsenter --net=");
		pfd_buf_puts(b, h->link);
		pfd_buf_puts(b, " enters it (for a net namespace; --mount=... for others)");
		break;
	case XCASE_MQUEUE:
		pfd_buf_puts(b, "mount -t mqueue none /dev/mqueue to see the queue as a file there; "
				"mq_open(3) by its name reaches it");
		break;
	case XCASE_DEVICE:
		pfd_buf_puts(b, "use ls -lL ");
		pfd_buf_puts(b, h->link);
		pfd_buf_puts(b, " for the device's numbers");
		break;
	case XCASE_HELD_SYMLINK:
		pfd_buf_puts(b, "read the symlink's own text with readlink ");
		pfd_buf_quote(b, l->t.text, l->t.text_len);
		pfd_buf_puts(b, " while it has that name; the holder can use readlinkat(fd, \"\")");
		break;
	case XCASE_NO_FD:
		pfd_buf_puts(b, "nothing to recover: the fd was closed; procfd-trace --explain ");
		pfd_buf_int(b, l->pid);
		pfd_buf_puts(b, " lists the fds it has");
		break;
	case XCASE_NO_PROCESS:
		pfd_buf_puts(b, "nothing to recover: the process has exited");
		break;
	case XCASE_DENIED:
		pfd_buf_puts(b, "run procfd-trace as the process's user, or as root (CAP_SYS_PTRACE)");
		break;
	default:
		pfd_buf_puts(b, "none known");
		break;
	}
}

/* The fd was procfd-trace's own and nobody else holds the file: every
 * /proc path would name a process gone by the time the user types it. */
static void remedy_none_outlives(const struct xlink *l, struct pfd_buf *b)
{
	pfd_buf_puts(b, "none that outlives procfd-trace: fd ");
	pfd_buf_int(b, l->fd);
	pfd_buf_puts(b, " was procfd-trace's own (handed down by the command line: a redirection or "
			"a pipe) and no other process holds this file, so it is gone when procfd-trace "
			"exits; read it in the command that gets the fd, e.g. cp ");
	pfd_buf_puts(b, l->asked);
	pfd_buf_puts(b, " ./recovered with the same redirection");
}

void pfd_explain_remedy(const struct xlink *l, struct pfd_buf *out)
{
	struct xholder h;
	size_t before = out->len;
	pfd_explain_holder(l, &h);
	if (!h.found && l->xcase != XCASE_LIVE && l->fd >= 0 && !l->probe_err) {
		remedy_none_outlives(l, out);
		return;
	}
	remedy_names(l, &h, out);
	if (out->len == before)
		remedy_kinds(l, &h, out);
}
