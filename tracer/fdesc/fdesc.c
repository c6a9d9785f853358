/* procfd-trace: describing an fd: the probe every class shares, the choice
 * of the class, fdinfo fed to it line by line, and the entry points of
 * include/procfd/fdesc.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procfd/flagnames.h"
#include "tracer/fdesc/fdesc_impl.h"

/* ---- the context ---------------------------------------------------------------- */

struct pfd_fdesc_ctx *pfd_fdesc_ctx_new(void)
{
	struct pfd_fdesc_ctx *ctx = calloc(1, sizeof(*ctx));

	if (ctx)
		ctx->use_sock_diag = true;
	return ctx;
}

void pfd_fdesc_ctx_forget(struct pfd_fdesc_ctx *ctx)
{
	if (!ctx)
		return;
	pfd_fdesc_netns_free_all(ctx);
	free(ctx->majors);
	free(ctx->misc);
	ctx->majors = NULL;
	ctx->misc = NULL;
	ctx->nmajors = ctx->nmisc = 0;
	ctx->have_devices = ctx->have_misc = false;
	ctx->nfs = 0;
	ctx->last_pid = 0;
}

void pfd_fdesc_ctx_free(struct pfd_fdesc_ctx *ctx)
{
	pfd_fdesc_ctx_forget(ctx);
	free(ctx);
}

unsigned pfd_fdesc_ctx_net_loads(const struct pfd_fdesc_ctx *ctx)
{
	return ctx ? ctx->net_loads : 0;
}

void pfd_fdesc_ctx_use_sock_diag(struct pfd_fdesc_ctx *ctx, bool on)
{
	if (ctx)
		ctx->use_sock_diag = on;
}

/* ---- small helpers ----------------------------------------------------------- */

void pfd_fdesc_fail(struct pfd_fdesc *d, const char *step, int err)
{
	if (d->nerrors < sizeof(d->errors) / sizeof(d->errors[0])) {
		d->errors[d->nerrors].step = step;
		d->errors[d->nerrors].err = err;
		d->nerrors++;
	}
}

static void proc_rel_path(char *out, size_t size, pid_t pid, const char *rel)
{
	snprintf(out, size, "/proc/%d/%s", (int)pid, rel);
}

int pfd_fdesc_open_proc(int proc_dir, pid_t pid, const char *rel, int flags)
{
	char path[128];
	int fd;

	if (proc_dir >= 0) {
		fd = openat(proc_dir, rel, flags | O_CLOEXEC);
	} else {
		proc_rel_path(path, sizeof(path), pid, rel);
		fd = open(path, flags | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

ssize_t pfd_fdesc_read_file(int proc_dir, pid_t pid, const char *rel, char *buf, size_t size)
{
	int fd = pfd_fdesc_open_proc(proc_dir, pid, rel, O_RDONLY);
	size_t len = 0;

	if (fd < 0)
		return fd;
	while (len + 1 < size) {
		ssize_t n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int err = errno;
			close(fd);
			return -err;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(fd);
	return (ssize_t)len;
}

const char *pfd_fdesc_after(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);

	return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

void pfd_fdesc_copy(char *dst, size_t size, const char *src, size_t len)
{
	if (len >= size)
		len = size - 1;
	memcpy(dst, src, len);
	dst[len] = '\0';
}

unsigned long pfd_fdesc_fs_magic(struct pfd_fdesc_ctx *ctx, const struct pfd_fdesc *d)
{
	uint64_t dev = makedev(d->dev_major, d->dev_minor);
	char rel[64], path[128];
	struct statfs sf;

	for (unsigned i = 0; i < ctx->nfs; i++)
		if (ctx->fs[i].dev == dev)
			return ctx->fs[i].magic;
	snprintf(rel, sizeof(rel), "fd/%d", d->fd);
	proc_rel_path(path, sizeof(path), d->pid, rel);
	if (statfs(path, &sf) != 0)
		return 0;
	if (ctx->nfs < sizeof(ctx->fs) / sizeof(ctx->fs[0])) {
		ctx->fs[ctx->nfs].dev = dev;
		ctx->fs[ctx->nfs].magic = (unsigned long)sf.f_type;
		ctx->nfs++;
	}
	return (unsigned long)sf.f_type;
}

/* ---- the probe ------------------------------------------------------------------- */

static void take_anon_name(struct pfd_fdesc *d)
{
	const char *s = pfd_fdesc_after(d->text, "anon_inode:");
	size_t len;

	if (!s)
		return;
	len = strlen(s);
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		s++;
		len -= 2;
	}
	pfd_fdesc_copy(d->anon_name, sizeof(d->anon_name), s, len);
}

static void take_stat(struct pfd_fdesc *d, const struct stat *st)
{
	d->have_stat = true;
	d->mode = st->st_mode;
	d->dev_major = major(st->st_dev);
	d->dev_minor = minor(st->st_dev);
	d->rdev_major = major(st->st_rdev);
	d->rdev_minor = minor(st->st_rdev);
	d->ino = st->st_ino;
	d->size = (uint64_t)st->st_size;
	d->nlink = st->st_nlink;
}

/* readlink and stat of fd/N: 0, or -errno when the link cannot be read. */
static int probe_link(struct pfd_fdesc *d, int proc_dir)
{
	char rel[32], path[128];
	struct stat st;
	ssize_t n;
	int rc;

	snprintf(rel, sizeof(rel), "fd/%d", d->fd);
	if (proc_dir >= 0) {
		n = readlinkat(proc_dir, rel, d->text, sizeof(d->text) - 1);
	} else {
		proc_rel_path(path, sizeof(path), d->pid, rel);
		n = readlink(path, d->text, sizeof(d->text) - 1);
	}
	if (n < 0) {
		pfd_fdesc_fail(d, "readlink", errno);
		return -errno;
	}
	d->text[n] = '\0';
	d->text_len = (size_t)n;
	take_anon_name(d);
	if (proc_dir >= 0)
		rc = fstatat(proc_dir, rel, &st, 0);
	else
		rc = stat(path, &st);
	if (rc == 0)
		take_stat(d, &st);
	else
		pfd_fdesc_fail(d, "stat", errno);
	return 0;
}

/* ---- fdinfo ---------------------------------------------------------------------- */

static void common_fdinfo_line(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "pos") == 0)
		d->pos = strtoull(value, NULL, 10);
	else if (strcmp(key, "flags") == 0)
		d->flags = strtoull(value, NULL, 8);
	else if (strcmp(key, "mnt_id") == 0)
		d->mnt_id = strtoull(value, NULL, 10);
}

/* "key:\tvalue": the key up to the first ':', the value without the blanks
 * after it. Lines such as "inotify wd:1 ino:..." keep "inotify wd" as key. */
static void fdinfo_line(struct pfd_fdesc *d, char *line)
{
	char *colon = strchr(line, ':');
	char *value;

	if (!colon)
		return;
	*colon = '\0';
	value = colon + 1;
	while (*value == ' ' || *value == '\t')
		value++;
	common_fdinfo_line(d, line, value);
	if (d->cls && d->cls->fdinfo_line)
		d->cls->fdinfo_line(d, line, value);
}

void pfd_fdesc_feed_fdinfo(struct pfd_fdesc *d, const char *text)
{
	char line[512];

	d->have_fdinfo = true;
	while (*text) {
		const char *nl = strchr(text, '\n');
		size_t len = nl ? (size_t)(nl - text) : strlen(text);

		pfd_fdesc_copy(line, sizeof(line), text, len);
		fdinfo_line(d, line);
		text += len + (nl ? 1 : 0);
	}
}

/* fdinfo read in pieces: an epoll or inotify fd may list thousands of lines. */
static void read_fdinfo(struct pfd_fdesc *d, int proc_dir)
{
	char rel[32], buf[4096];
	size_t have = 0;
	int fd;

	snprintf(rel, sizeof(rel), "fdinfo/%d", d->fd);
	fd = pfd_fdesc_open_proc(proc_dir, d->pid, rel, O_RDONLY);
	if (fd < 0) {
		pfd_fdesc_fail(d, "fdinfo", -fd);
		return;
	}
	d->have_fdinfo = true;
	for (;;) {
		ssize_t n = read(fd, buf + have, sizeof(buf) - 1 - have);
		char *start = buf, *nl;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			pfd_fdesc_fail(d, "fdinfo", errno);
			break;
		}
		have += (size_t)n;
		buf[have] = '\0';
		while ((nl = strchr(start, '\n')) != NULL) {
			*nl = '\0';
			fdinfo_line(d, start);
			start = nl + 1;
		}
		have -= (size_t)(start - buf);
		memmove(buf, start, have);
		if (n == 0 || have == sizeof(buf) - 1) {
			/* the end, or a line longer than the buffer: take what is there */
			if (have) {
				buf[have] = '\0';
				fdinfo_line(d, buf);
				have = 0;
			}
			if (n == 0)
				break;
		}
	}
	close(fd);
}

/* ---- choosing the class and describing ------------------------------------------- */

static void choose_class(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	for (unsigned f = 0; pfd_fdesc_families[f]; f++) {
		for (unsigned i = 0; pfd_fdesc_families[f][i]; i++) {
			if (pfd_fdesc_families[f][i]->match(d, ctx)) {
				d->cls = pfd_fdesc_families[f][i];
				return;
			}
		}
	}
}

void pfd_fdesc_classify(struct pfd_fdesc *d)
{
	struct pfd_fdesc_ctx ctx = { .use_sock_diag = false };

	choose_class(d, &ctx);
}

/* After the probe: the class, its fdinfo and its other sources. */
static void describe_probed(struct pfd_fdesc_ctx *ctx, int proc_dir, struct pfd_fdesc *d,
			    bool fdinfo)
{
	choose_class(d, ctx);
	if (fdinfo)
		read_fdinfo(d, proc_dir);
	if (d->cls->read)
		d->cls->read(d, ctx, proc_dir);
}

/* The context of a caller without one: it serves one description. */
void pfd_fdesc_ctx_copy_fds(struct pfd_fdesc_ctx *ctx, bool on)
{
	if (ctx)
		ctx->no_fd_copy = !on;
}

static struct pfd_fdesc_ctx *single_ctx(void)
{
	struct pfd_fdesc_ctx *ctx = pfd_fdesc_ctx_new();

	if (ctx)
		ctx->single = true;
	return ctx;
}

/* The class's reads in ctx, or, for a caller without one, in a context of
 * its own for this one description (on the stack when memory ran out). */
static void describe_in(struct pfd_fdesc_ctx *ctx, int proc_dir, struct pfd_fdesc *out)
{
	struct pfd_fdesc_ctx *own = ctx ? NULL : single_ctx();
	if (!ctx && !own) {
		struct pfd_fdesc_ctx tmp = { .single = true };
		describe_probed(&tmp, proc_dir, out, true);
		pfd_fdesc_ctx_forget(&tmp);
		return;
	}
	describe_probed(ctx ? ctx : own, proc_dir, out, true);
	pfd_fdesc_ctx_free(own);
}

int pfd_fdesc_describe(struct pfd_fdesc_ctx *ctx, int proc_dir, pid_t pid, int fd,
		       struct pfd_fdesc *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->fd = fd;
	rc = probe_link(out, proc_dir);
	if (rc < 0) {
		choose_class(out, &(struct pfd_fdesc_ctx){ 0 });
		return rc;
	}
	describe_in(ctx, proc_dir, out);
	return 0;
}

void pfd_fdesc_describe_seen(struct pfd_fdesc_ctx *ctx, int proc_dir, pid_t pid, int fd,
			     const struct pfd_fdesc_seen *t, struct pfd_fdesc *out)
{
	memset(out, 0, sizeof(*out));
	out->pid = pid;
	out->fd = fd;
	pfd_fdesc_copy(out->text, sizeof(out->text), t->text, t->text_len);
	out->text_len = strlen(out->text);
	take_anon_name(out);
	if (t->have_stat) {
		out->have_stat = true;
		out->mode = t->mode;
		out->dev_major = t->dev_major;
		out->dev_minor = t->dev_minor;
		out->ino = t->ino;
		out->size = t->size;
		out->nlink = t->nlink;
	}
	if (S_ISCHR(out->mode) || S_ISBLK(out->mode)) {
		/* the target keeps no rdev: one stat more, for devices only */
		struct stat st;
		char rel[32], path[128];
		int rc;

		snprintf(rel, sizeof(rel), "fd/%d", fd);
		proc_rel_path(path, sizeof(path), pid, rel);
		rc = proc_dir >= 0 ? fstatat(proc_dir, rel, &st, 0) : stat(path, &st);
		if (rc == 0 && st.st_ino == t->ino)
			take_stat(out, &st);
		else if (rc != 0)
			pfd_fdesc_fail(out, "stat", errno);
	}
	describe_in(ctx, proc_dir, out);
}

/* ---- writing ---------------------------------------------------------------------- */

void pfd_fdesc_w_errors(struct pfd_writer *w, const struct pfd_fdesc *d)
{
	if (!d->nerrors)
		return;
	pfd_w_array(w, "errors");
	for (unsigned i = 0; i < d->nerrors; i++) {
		const char *name = pfd_errno_name(d->errors[i].err);

		pfd_w_object(w, NULL);
		pfd_w_str(w, "step", d->errors[i].step);
		if (name)
			pfd_w_str(w, "errno", name);
		else
			pfd_w_int(w, "errno", d->errors[i].err);
		pfd_w_end(w);
	}
	pfd_w_end(w);
}

void pfd_fdesc_write_fields(struct pfd_writer *w, const struct pfd_fdesc *d)
{
	pfd_w_str(w, "class", pfd_fdesc_class_name(d));
	if (d->cls && d->cls->json)
		d->cls->json(d, w);
	pfd_fdesc_w_errors(w, d);
}

void pfd_fdesc_write(struct pfd_writer *w, const char *key, const struct pfd_fdesc *d)
{
	pfd_w_object(w, key);
	pfd_fdesc_write_fields(w, d);
	pfd_w_end(w);
}

void pfd_fdesc_text(struct pfd_buf *b, const struct pfd_fdesc *d)
{
	if (d->cls && d->cls->text)
		d->cls->text(d, b);
	else
		pfd_buf_puts(b, pfd_fdesc_class_name(d));
	for (unsigned i = 0; i < d->nerrors; i++) {
		const char *name = pfd_errno_name(d->errors[i].err);

		pfd_buf_puts(b, i ? ", " : " (");
		pfd_buf_puts(b, d->errors[i].step);
		pfd_buf_puts(b, ": ");
		if (name)
			pfd_buf_puts(b, name);
		else
			pfd_buf_int(b, d->errors[i].err);
	}
	if (d->nerrors)
		pfd_buf_putc(b, ')');
}
