/* procfd-trace: classes of files with a name or an inode of their own:
 * regular file, directory, symlink (O_PATH), memfd, nsfs, mqueue, pipe,
 * FIFO, and the unknown kind. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/fdesc/fdesc_impl.h"

#define MQUEUE_MAGIC 0x19800202UL

static void text_size(struct pfd_buf *b, const struct pfd_fdesc *d)
{
	if (!d->have_stat)
		return;
	pfd_buf_puts(b, ", ");
	pfd_buf_uint(b, d->size);
	pfd_buf_puts(b, d->size == 1 ? " byte" : " bytes");
}

static void json_size_pos(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	if (d->have_stat)
		pfd_w_uint(w, "size", d->size);
	if (d->have_fdinfo)
		pfd_w_uint(w, "pos", d->pos);
}

/* ---- nsfs: "net:[4026531833]" is a namespace, not a path ------------------------ */

/* "TYPE:[NUMBER]" with a lowercase type: the form nsfs gives its files. */
static bool ns_text(const char *text, char *type, size_t type_size, uint64_t *ino)
{
	const char *open = strstr(text, ":[");
	char *end;
	size_t len;

	if (!open || open == text || text[0] == '/')
		return false;
	for (const char *p = text; p < open; p++)
		if (!((*p >= 'a' && *p <= 'z') || *p == '_'))
			return false;
	*ino = strtoull(open + 2, &end, 10);
	if (end == open + 2 || strcmp(end, "]") != 0)
		return false;
	len = (size_t)(open - text);
	if (type)
		pfd_fdesc_copy(type, type_size, text, len);
	return true;
}

static bool nsfs_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	uint64_t ino;

	(void)ctx;
	if (d->have_stat && !S_ISREG(d->mode))
		return false;
	return ns_text(d->text, NULL, 0, &ino);
}

static void nsfs_read(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx, int proc_dir)
{
	(void)ctx;
	(void)proc_dir;
	ns_text(d->text, d->u.ns.type, sizeof(d->u.ns.type), &d->u.ns.ino);
}

static void nsfs_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_str(w, "ns_type", d->u.ns.type);
	pfd_w_uint(w, "ns_ino", d->u.ns.ino);
}

static void nsfs_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	/* "pid_for_children" is the pid namespace children will get */
	pfd_buf_puts(b, d->u.ns.type);
	pfd_buf_puts(b, " namespace ");
	pfd_buf_uint(b, d->u.ns.ino);
}

static const struct pfd_fdesc_class pfd_fdesc_class_nsfs = {
	.name = "nsfs", .kind = PFD_KIND_NSFS,
	.facts = PFD_FDESC_FACTS(PFD_FACT_DELETABLE),
	.match = nsfs_match, .read = nsfs_read,
	.json = nsfs_json, .text = nsfs_text,
};

/* ---- mqueue: its text is the queue's name, its st_size the status text's --------- */

static bool mqueue_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	return d->have_stat && S_ISREG(d->mode) && d->text[0] == '/' &&
	       pfd_fdesc_fs_magic(ctx, d) == MQUEUE_MAGIC;
}

/* The queue's status ("QSIZE:80 NOTIFY:0 SIGNO:0 NOTIFY_PID:0"), read
 * through the link: opening a queue for reading changes nothing in it. */
static void mqueue_read(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx, int proc_dir)
{
	char rel[32], status[256];
	const char *q;
	ssize_t n;

	(void)ctx;
	pfd_fdesc_copy(d->u.mq.name, sizeof(d->u.mq.name), d->text, d->text_len);
	snprintf(rel, sizeof(rel), "fd/%d", d->fd);
	n = pfd_fdesc_read_file(proc_dir, d->pid, rel, status, sizeof(status));
	if (n < 0) {
		pfd_fdesc_fail(d, "mqueue status", (int)-n);
		return;
	}
	q = strstr(status, "QSIZE:");
	if (q) {
		d->u.mq.have_qsize = true;
		d->u.mq.qsize = strtoull(q + 6, NULL, 10);
	}
}

static void mqueue_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_bytes(w, "mq_name", d->u.mq.name, strlen(d->u.mq.name));
	if (d->u.mq.have_qsize)
		pfd_w_uint(w, "mq_qsize", d->u.mq.qsize);
}

static void mqueue_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "mqueue ");
	pfd_buf_quote(b, d->u.mq.name, strlen(d->u.mq.name));
	if (d->u.mq.have_qsize) {
		pfd_buf_puts(b, ", ");
		pfd_buf_uint(b, d->u.mq.qsize);
		pfd_buf_puts(b, " bytes queued");
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_mqueue = {
	.name = "mqueue", .kind = PFD_KIND_MQUEUE,
	.facts = PFD_FDESC_FACTS(PFD_FACT_DELETABLE),
	.match = mqueue_match, .read = mqueue_read,
	.json = mqueue_json, .text = mqueue_text,
};

/* ---- memfd: "/memfd:NAME (deleted)" on an inode without links ------------------- */

#define DELETED_MARK " (deleted)"

static bool memfd_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	size_t mark = strlen(DELETED_MARK);

	(void)ctx;
	return d->have_stat && S_ISREG(d->mode) && d->nlink == 0 &&
	       pfd_fdesc_after(d->text, "/memfd:") && d->text_len >= 7 + mark &&
	       strcmp(d->text + d->text_len - mark, DELETED_MARK) == 0;
}

static void memfd_read(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx, int proc_dir)
{
	(void)ctx;
	(void)proc_dir;
	pfd_fdesc_copy(d->u.memfd.name, sizeof(d->u.memfd.name), d->text + 7,
		       d->text_len - 7 - strlen(DELETED_MARK));
}

static void memfd_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_bytes(w, "memfd_name", d->u.memfd.name, strlen(d->u.memfd.name));
	json_size_pos(d, w);
}

static void memfd_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "memfd ");
	pfd_buf_quote(b, d->u.memfd.name, strlen(d->u.memfd.name));
	text_size(b, d);
}

static const struct pfd_fdesc_class pfd_fdesc_class_memfd = {
	.name = "memfd", .kind = PFD_KIND_MEMFD,
	.facts = PFD_FDESC_FACTS(PFD_FACT_HAS_SIZE | PFD_FACT_DELETABLE | PFD_FACT_NEVER_NAMED),
	.match = memfd_match, .read = memfd_read,
	.json = memfd_json, .text = memfd_text,
};

/* ---- regular file, directory, symlink ------------------------------------------- */

static bool regular_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return d->have_stat && S_ISREG(d->mode);
}

static void regular_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "regular file");
	text_size(b, d);
}

static const struct pfd_fdesc_class pfd_fdesc_class_regular = {
	.name = "regular", .kind = PFD_KIND_REGULAR,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_HAS_SIZE | PFD_FACT_DELETABLE),
	.match = regular_match,
	.json = json_size_pos, .text = regular_text,
};

static bool directory_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return d->have_stat && S_ISDIR(d->mode);
}

static void directory_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	(void)d;
	pfd_buf_puts(b, "directory");
}

static const struct pfd_fdesc_class pfd_fdesc_class_directory = {
	.name = "directory", .kind = PFD_KIND_DIRECTORY,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = directory_match,
	.text = directory_text,
};

/* stat through an O_PATH|O_NOFOLLOW fd's link gives the symlink itself */
static bool symlink_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return d->have_stat && S_ISLNK(d->mode);
}

static void symlink_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	(void)d;
	pfd_buf_puts(b, "symlink (O_PATH)");
}

static const struct pfd_fdesc_class pfd_fdesc_class_symlink = {
	.name = "symlink", .kind = PFD_KIND_SYMLINK,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = symlink_match,
	.text = symlink_text,
};

/* ---- pipe and FIFO --------------------------------------------------------------- */

static bool pipe_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return (!d->have_stat || S_ISFIFO(d->mode)) && pfd_fdesc_after(d->text, "pipe:[");
}

static void ino_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	if (d->have_stat)
		pfd_w_uint(w, "ino", d->ino);
}

static void pipe_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "pipe");
	if (d->have_stat) {
		pfd_buf_puts(b, " ");
		pfd_buf_uint(b, d->ino);
	}
	if (d->have_fdinfo)
		pfd_buf_puts(b, (d->flags & O_ACCMODE) == O_WRONLY ? ", write end" : ", read end");
}

static const struct pfd_fdesc_class pfd_fdesc_class_pipe = {
	.name = "pipe", .kind = PFD_KIND_PIPE,
	.facts = PFD_FDESC_FACTS(0),
	.match = pipe_match, .json = ino_json, .text = pipe_text,
};

static bool fifo_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return d->have_stat && S_ISFIFO(d->mode);
}

static void fifo_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "FIFO");
	if (d->have_fdinfo) {
		unsigned acc = d->flags & O_ACCMODE;
		pfd_buf_puts(b, acc == O_WRONLY ? ", write end" : acc == O_RDWR ? ", both ends"
								   : ", read end");
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_fifo = {
	.name = "fifo", .kind = PFD_KIND_FIFO,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = fifo_match, .json = ino_json,
	.text = fifo_text,
};

/* ---- anything else (a failed probe included) ------------------------------------- */

static bool unknown_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)d;
	(void)ctx;
	return true;
}

static void unknown_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "unknown");
	if (d->have_stat) {
		pfd_buf_puts(b, " (mode ");
		pfd_buf_hex(b, d->mode & S_IFMT);
		pfd_buf_putc(b, ')');
	}
}

const struct pfd_fdesc_class pfd_fdesc_class_unknown = {
	.name = "unknown", .kind = PFD_KIND_OTHER,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = unknown_match, .text = unknown_text,
};

/* The classes of this file, in match order: nsfs, mqueue and memfd are
 * regular files to stat, so they come before regular; a pipe is a FIFO
 * without a name; unknown takes everything and comes last, so a new class
 * goes before it. */
const struct pfd_fdesc_class *const pfd_fdesc_file_classes[] = {
	&pfd_fdesc_class_pipe,
	&pfd_fdesc_class_nsfs,
	&pfd_fdesc_class_memfd,
	&pfd_fdesc_class_mqueue,
	&pfd_fdesc_class_regular,
	&pfd_fdesc_class_directory,
	&pfd_fdesc_class_symlink,
	&pfd_fdesc_class_fifo,
	&pfd_fdesc_class_unknown,
	NULL,
};
