/* procfd-trace: what a kind is. Every consumer (the procfd annotation and
 * its verdicts, --explain, the leak report, the summary) asks these
 * queries of a description; each answer is a field of its class (its
 * coarse kind, its facts), so a class is the one place a kind is decided
 * and a new class needs no line anywhere else. */
#include <string.h>
#include <sys/stat.h>

#include "tracer/fdesc/fdesc_impl.h"

/* The coarse kinds: the names the "kind" fields have always carried, and
 * the word a sentence uses for each. */
static const struct {
	const char *name;
	const char *noun;
} kinds[PFD_KIND_COUNT] = {
	[PFD_KIND_REGULAR] = { "regular", "file" },
	[PFD_KIND_DIRECTORY] = { "directory", "directory" },
	[PFD_KIND_PIPE] = { "pipe", "pipe" },
	[PFD_KIND_FIFO] = { "fifo", "fifo" },
	[PFD_KIND_SOCKET] = { "socket", "socket" },
	[PFD_KIND_ANON_INODE] = { "anon-inode", "anon-inode" },
	[PFD_KIND_MEMFD] = { "memfd", "memfd" },
	[PFD_KIND_CHAR_DEVICE] = { "char-device", "char-device" },
	[PFD_KIND_BLOCK_DEVICE] = { "block-device", "block-device" },
	[PFD_KIND_SYMLINK] = { "symlink", "symlink" },
	[PFD_KIND_OTHER] = { "other", "other" },
	[PFD_KIND_NSFS] = { "nsfs", "nsfs" },
	[PFD_KIND_MQUEUE] = { "mqueue", "mqueue" },
};

/* A description never described (no class yet) is of no known class. */
static const struct pfd_fdesc_class *class_of(const struct pfd_fdesc *d)
{
	return d->cls ? d->cls : &pfd_fdesc_class_unknown;
}

static bool has_fact(const struct pfd_fdesc *d, unsigned fact)
{
	return (class_of(d)->facts & fact) != 0;
}

const struct pfd_fdesc_class *pfd_fdesc_class_named(const char *name)
{
	const struct pfd_fdesc_class *c;

	for (unsigned i = 0; (c = pfd_fdesc_class_at(i)) != NULL; i++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

const char *pfd_fdesc_class_name(const struct pfd_fdesc *d)
{
	return class_of(d)->name;
}

enum pfd_kind pfd_fdesc_kind(const struct pfd_fdesc *d)
{
	return class_of(d)->kind;
}

const char *pfd_kind_name(enum pfd_kind k)
{
	return (unsigned)k < PFD_KIND_COUNT && kinds[k].name ? kinds[k].name : "other";
}

const char *pfd_fdesc_kind_name(const struct pfd_fdesc *d)
{
	return pfd_kind_name(pfd_fdesc_kind(d));
}

const char *pfd_fdesc_noun(const struct pfd_fdesc *d)
{
	enum pfd_kind k = pfd_fdesc_kind(d);

	return (unsigned)k < PFD_KIND_COUNT && kinds[k].noun ? kinds[k].noun : "other";
}

enum pfd_kind pfd_kind_of_mode(uint32_t st_mode)
{
	switch (st_mode & S_IFMT) {
	case S_IFREG: return PFD_KIND_REGULAR;
	case S_IFDIR: return PFD_KIND_DIRECTORY;
	case S_IFIFO: return PFD_KIND_FIFO;
	case S_IFSOCK: return PFD_KIND_SOCKET;
	case S_IFCHR: return PFD_KIND_CHAR_DEVICE;
	case S_IFBLK: return PFD_KIND_BLOCK_DEVICE;
	case S_IFLNK: return PFD_KIND_SYMLINK;
	case 0: return PFD_KIND_ANON_INODE; /* anon_inode:[...] has no file type */
	default: return PFD_KIND_OTHER;
	}
}

/* Only a text that starts at the root can be a path of it: a class that
 * names paths says so of every fd it takes, the unknown class of those
 * whose text looks like one (its stat failed, so nothing else can tell). */
bool pfd_fdesc_text_is_path(const struct pfd_fdesc *d)
{
	return has_fact(d, PFD_FACT_TEXT_IS_PATH) && d->text[0] == '/';
}

bool pfd_fdesc_has_size(const struct pfd_fdesc *d)
{
	return has_fact(d, PFD_FACT_HAS_SIZE) && d->have_stat;
}

bool pfd_fdesc_deletable(const struct pfd_fdesc *d)
{
	return has_fact(d, PFD_FACT_DELETABLE);
}

bool pfd_fdesc_never_named(const struct pfd_fdesc *d)
{
	return has_fact(d, PFD_FACT_NEVER_NAMED);
}

bool pfd_fdesc_is_directory(const struct pfd_fdesc *d)
{
	return pfd_fdesc_kind(d) == PFD_KIND_DIRECTORY;
}

bool pfd_fdesc_is_symlink(const struct pfd_fdesc *d)
{
	return pfd_fdesc_kind(d) == PFD_KIND_SYMLINK;
}
