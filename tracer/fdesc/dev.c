/* procfd-trace: classes of devices: the pty master (ptmx: the pty it made),
 * tun/tap (the interface attached), other character devices (named by
 * /proc/devices, misc ones by /proc/misc) and block devices. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tracer/fdesc/fdesc_impl.h"

#define TTYAUX_MAJOR 5
#define PTMX_MINOR   2
#define MISC_MAJOR   10
#define TUN_MINOR    200

/* ---- the names of majors and misc minors, read once per context ------------------ */

static void add_major(struct pfd_fdesc_ctx *ctx, bool block, unsigned major, const char *name)
{
	struct pfd_fdesc_major *m = realloc(ctx->majors, (ctx->nmajors + 1) * sizeof(*m));

	if (!m)
		return;
	ctx->majors = m;
	m += ctx->nmajors++;
	m->block = block;
	m->major = major;
	pfd_fdesc_copy(m->name, sizeof(m->name), name, strlen(name));
}

/* /proc/devices: "Character devices:", "  1 mem", ..., "Block devices:", ... */
static void load_devices(struct pfd_fdesc_ctx *ctx)
{
	char line[128], name[64];
	bool block = false;
	unsigned major;
	FILE *f;

	ctx->have_devices = true;
	f = fopen("/proc/devices", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "Block", 5) == 0)
			block = true;
		else if (sscanf(line, "%u %63s", &major, name) == 2)
			add_major(ctx, block, major, name);
	}
	fclose(f);
}

const char *pfd_fdesc_major_name(struct pfd_fdesc_ctx *ctx, bool block, unsigned major)
{
	if (!ctx->have_devices)
		load_devices(ctx);
	for (unsigned i = 0; i < ctx->nmajors; i++)
		if (ctx->majors[i].block == block && ctx->majors[i].major == major)
			return ctx->majors[i].name;
	return "";
}

/* /proc/misc: "200 tun" */
static void load_misc(struct pfd_fdesc_ctx *ctx)
{
	char line[128], name[64];
	unsigned minor;
	FILE *f;

	ctx->have_misc = true;
	f = fopen("/proc/misc", "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		struct pfd_fdesc_misc *m;

		if (sscanf(line, "%u %63s", &minor, name) != 2)
			continue;
		m = realloc(ctx->misc, (ctx->nmisc + 1) * sizeof(*m));
		if (!m)
			break;
		ctx->misc = m;
		m += ctx->nmisc++;
		m->minor = minor;
		pfd_fdesc_copy(m->name, sizeof(m->name), name, strlen(name));
	}
	fclose(f);
}

const char *pfd_fdesc_misc_name(struct pfd_fdesc_ctx *ctx, unsigned minor)
{
	if (!ctx->have_misc)
		load_misc(ctx);
	for (unsigned i = 0; i < ctx->nmisc; i++)
		if (ctx->misc[i].minor == minor)
			return ctx->misc[i].name;
	return "";
}

/* ---- shared by the device classes ------------------------------------------------ */

static void dev_read(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx, int proc_dir)
{
	const char *name;
	bool block = S_ISBLK(d->mode);

	(void)proc_dir;
	if (!block && d->rdev_major == MISC_MAJOR)
		name = pfd_fdesc_misc_name(ctx, d->rdev_minor);
	else
		name = pfd_fdesc_major_name(ctx, block, d->rdev_major);
	pfd_fdesc_copy(d->u.dev.driver, sizeof(d->u.dev.driver), name, strlen(name));
}

static void dev_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_uint(w, "rdev_major", d->rdev_major);
	pfd_w_uint(w, "rdev_minor", d->rdev_minor);
	if (d->u.dev.driver[0])
		pfd_w_str(w, "driver", d->u.dev.driver);
	if (d->u.dev.have_tty_index)
		pfd_w_uint(w, "tty_index", d->u.dev.tty_index);
	if (d->u.dev.iface[0])
		pfd_w_str(w, "iface", d->u.dev.iface);
}

static void dev_text_common(const struct pfd_fdesc *d, struct pfd_buf *b, const char *what)
{
	pfd_buf_puts(b, what);
	pfd_buf_putc(b, ' ');
	pfd_buf_uint(b, d->rdev_major);
	pfd_buf_putc(b, ':');
	pfd_buf_uint(b, d->rdev_minor);
	if (d->u.dev.driver[0]) {
		pfd_buf_puts(b, " (");
		pfd_buf_puts(b, d->u.dev.driver);
		pfd_buf_putc(b, ')');
	}
}

static bool is_chr(const struct pfd_fdesc *d, unsigned major, unsigned minor)
{
	return d->have_stat && S_ISCHR(d->mode) && d->rdev_major == major &&
	       d->rdev_minor == minor;
}

/* ---- ptmx ------------------------------------------------------------------------ */

static bool ptmx_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return is_chr(d, TTYAUX_MAJOR, PTMX_MINOR);
}

static void ptmx_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "tty-index") == 0) {
		d->u.dev.have_tty_index = true;
		d->u.dev.tty_index = (unsigned)strtoul(value, NULL, 10);
	}
}

static void ptmx_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "pty master");
	if (d->u.dev.have_tty_index) {
		pfd_buf_puts(b, " of /dev/pts/");
		pfd_buf_uint(b, d->u.dev.tty_index);
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_ptmx = {
	.name = "ptmx", .kind = PFD_KIND_CHAR_DEVICE,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = ptmx_match, .fdinfo_line = ptmx_fdinfo,
	.read = dev_read, .json = dev_json, .text = ptmx_text,
};

/* ---- tun/tap ----------------------------------------------------------------------- */

static bool tun_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return is_chr(d, MISC_MAJOR, TUN_MINOR);
}

static void tun_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "iff") == 0)
		pfd_fdesc_copy(d->u.dev.iface, sizeof(d->u.dev.iface), value, strlen(value));
}

static void tun_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "tun");
	if (d->u.dev.iface[0]) {
		pfd_buf_puts(b, " iface ");
		pfd_buf_puts(b, d->u.dev.iface);
	} else {
		pfd_buf_puts(b, ", no interface attached");
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_tun = {
	.name = "tun", .kind = PFD_KIND_CHAR_DEVICE,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = tun_match, .fdinfo_line = tun_fdinfo,
	.read = dev_read, .json = dev_json, .text = tun_text,
};

/* ---- other character and block devices ------------------------------------------- */

static bool chardev_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return d->have_stat && S_ISCHR(d->mode);
}

static void chardev_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	dev_text_common(d, b, d->rdev_major == MISC_MAJOR ? "misc device" : "character device");
}

static const struct pfd_fdesc_class pfd_fdesc_class_chardev = {
	.name = "chardev", .kind = PFD_KIND_CHAR_DEVICE,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = chardev_match, .read = dev_read,
	.json = dev_json, .text = chardev_text,
};

static bool blockdev_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return d->have_stat && S_ISBLK(d->mode);
}

static void blockdev_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	dev_json(d, w);
	if (d->have_fdinfo)
		pfd_w_uint(w, "pos", d->pos);
}

static void blockdev_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	dev_text_common(d, b, "block device");
}

static const struct pfd_fdesc_class pfd_fdesc_class_blockdev = {
	.name = "blockdev", .kind = PFD_KIND_BLOCK_DEVICE,
	.facts = PFD_FDESC_FACTS(PFD_FACT_TEXT_IS_PATH | PFD_FACT_DELETABLE),
	.match = blockdev_match, .read = dev_read,
	.json = blockdev_json, .text = blockdev_text,
};

/* The device classes, in match order: a device with a class of its
 * own (by its rdev) before the catch-all character device. */
const struct pfd_fdesc_class *const pfd_fdesc_dev_classes[] = {
	&pfd_fdesc_class_ptmx,
	&pfd_fdesc_class_tun,
	&pfd_fdesc_class_chardev,
	&pfd_fdesc_class_blockdev,
	NULL,
};
