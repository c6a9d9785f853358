/* procfd-trace: an fd's description, written the same way wherever it is
 * reported (a call's annotation, a leak). */
#include <sys/sysmacros.h>

#include "procfd/flagnames.h"
#include "tracer/plugins/procfd/procfd.h"

bool pfd_target_nameable(const struct pfd_target *t)
{
	/* Deleted or not only means something for what can have a name. */
	return t->text_target != PFD_TEXT_NOT_A_PATH || pfd_fdesc_never_named(&t->fdesc);
}

const char *pfd_dev_text(unsigned major, unsigned minor)
{
	static struct pfd_buf dev = PFD_BUF_INIT;
	pfd_buf_clear(&dev);
	pfd_buf_uint(&dev, major);
	pfd_buf_putc(&dev, ':');
	pfd_buf_uint(&dev, minor);
	return pfd_buf_str(&dev);
}

void pfd_write_target(struct pfd_writer *w, const char *key, const struct pfd_target *t)
{
	pfd_w_object(w, key);
	pfd_write_target_fields(w, t);
	pfd_w_end(w);
}

void pfd_write_target_fields(struct pfd_writer *w, const struct pfd_target *t)
{
	char buf[512];

	pfd_w_bytes(w, "text", t->text, t->text_len);
	pfd_w_bytes(w, "name", t->name, t->name_len);
	pfd_w_bool(w, "name_deleted", t->name_marked);
	pfd_w_str(w, "kind", pfd_fdesc_kind_name(&t->fdesc));
	if (pfd_fdesc_kind(&t->fdesc) == PFD_KIND_ANON_INODE)
		pfd_w_str(w, "anon_name", t->anon_name);
	pfd_w_bool(w, "deleted", t->deleted);
	if (t->have_stat) {
		pfd_w_uint(w, "nlink", t->nlink);
		pfd_w_str(w, "dev", pfd_dev_text(t->dev_major, t->dev_minor));
		pfd_w_uint(w, "ino", t->ino);
	} else {
		pfd_w_null(w, "nlink");
		pfd_w_null(w, "dev");
		pfd_w_null(w, "ino");
	}
	pfd_w_str(w, "access", pfd_access_name(t->link_mode));
	if (t->have_fdinfo) {
		pfd_format_open_flags(t->fd_flags, buf, sizeof(buf));
		pfd_w_str(w, "fd_flags", buf);
	} else {
		pfd_w_null(w, "fd_flags");
	}
	if (t->fdesc.cls)
		pfd_fdesc_write(w, "fdesc", &t->fdesc);
}

void pfd_target_text(struct pfd_buf *b, const struct pfd_target *t)
{
	bool nameable = pfd_target_nameable(t);

	pfd_buf_quote(b, t->text, t->text_len);
	pfd_buf_puts(b, ": ");
	pfd_buf_puts(b, pfd_fdesc_kind_name(&t->fdesc));
	if (pfd_fdesc_kind(&t->fdesc) == PFD_KIND_ANON_INODE) {
		pfd_buf_putc(b, ' ');
		pfd_buf_puts(b, t->anon_name);
	}
	if (t->have_stat) {
		pfd_buf_puts(b, ", ");
		if (nameable)
			pfd_buf_puts(b, t->deleted ? "deleted (" : "not deleted (");
		pfd_buf_puts(b, "nlink ");
		pfd_buf_uint(b, t->nlink);
		if (nameable)
			pfd_buf_putc(b, ')');
		pfd_buf_puts(b, ", dev ");
		pfd_buf_uint(b, t->dev_major);
		pfd_buf_putc(b, ':');
		pfd_buf_uint(b, t->dev_minor);
		pfd_buf_puts(b, ", ino ");
		pfd_buf_uint(b, t->ino);
	}
	pfd_buf_puts(b, ", ");
	pfd_buf_puts(b, pfd_access_name(t->link_mode));
	if (t->text_target == PFD_TEXT_NOT_A_PATH || t->text_target == PFD_TEXT_NONE)
		return; /* nothing to look up, or not looked up (PFD_DESCRIBE_NO_LOOKUP) */
	if (t->name_target != PFD_TEXT_NONE) { /* the text ends in the kernel's marker */
		pfd_buf_puts(b, "; text: ");
		pfd_buf_puts(b, pfd_text_target_name(t->text_target));
	}
	pfd_buf_puts(b, "; name ");
	pfd_buf_quote(b, t->name, t->name_len);
	pfd_buf_puts(b, ": ");
	pfd_buf_puts(b, pfd_text_target_name(t->name_target != PFD_TEXT_NONE ? t->name_target
									   : t->text_target));
}

/* What the held thing is, in a few words: "deleted file, 36 B", "pipe",
 * "memfd, 12 B". A tag on a call's line, so its size says at a glance what
 * a read through the link gives. */
void pfd_target_short(struct pfd_buf *b, const struct pfd_target *t)
{
	const struct pfd_fdesc *d = &t->fdesc;
	bool sized = t->have_stat && pfd_fdesc_has_size(d);
	if (t->deleted && !pfd_fdesc_never_named(d) && pfd_target_nameable(t))
		pfd_buf_puts(b, "deleted ");
	pfd_buf_puts(b, pfd_fdesc_kind(d) == PFD_KIND_REGULAR ? "file" : pfd_fdesc_kind_name(d));
	if (pfd_fdesc_kind(d) == PFD_KIND_ANON_INODE) {
		pfd_buf_putc(b, ' ');
		pfd_buf_puts(b, t->anon_name);
	}
	if (sized) {
		pfd_buf_puts(b, ", ");
		pfd_buf_uint(b, t->size);
		pfd_buf_puts(b, " B");
	}
}

/* What the link's name says now, where it does not name the held file. */
static const char *name_note(const struct pfd_target *t)
{
	enum pfd_text_target nt = t->name_target != PFD_TEXT_NONE ? t->name_target : t->text_target;
	if (!pfd_target_nameable(t) || pfd_fdesc_never_named(&t->fdesc))
		return NULL;
	if (nt == PFD_TEXT_DIFFERENT_FILE)
		return "its name now names another file";
	if (nt != PFD_TEXT_MISSING)
		return NULL;
	if (t->name_target == PFD_TEXT_NONE)
		return "its text names nothing"; /* no kernel marker: another root, a moved mount */
	if (!t->deleted)
		return "its name is gone (another hard link keeps the file)";
	return NULL;
}

/* The compact state line's tail: "\"TEXT\": deleted file, 36 B, read-write"
 * and, where the name misleads, what it names now. Dev and ino are in
 * --verbose and JSON. */
void pfd_target_text_short(struct pfd_buf *b, const struct pfd_target *t)
{
	pfd_buf_quote(b, t->text, t->text_len);
	pfd_buf_puts(b, ": ");
	pfd_target_short(b, t);
	if (t->have_stat && t->nlink > 1 && pfd_fdesc_kind(&t->fdesc) == PFD_KIND_REGULAR) {
		pfd_buf_puts(b, ", ");
		pfd_buf_uint(b, t->nlink);
		pfd_buf_puts(b, " links");
	}
	pfd_buf_puts(b, ", ");
	pfd_buf_puts(b, pfd_access_name(t->link_mode));
	const char *note = name_note(t);
	if (note) {
		pfd_buf_puts(b, "; ");
		pfd_buf_puts(b, note);
	}
}
