/* procfd-trace --explain: what its three files share (examine, judge, write). */
#ifndef PROCFD_EXPLAIN_IMPL_H
#define PROCFD_EXPLAIN_IMPL_H

#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "tracer/plugins/procfd/procfd.h"

/* The rows of the seed's table, one per call. */
enum xrow {
	XROW_OPEN,      /* open(O_RDONLY) */
	XROW_STAT,
	XROW_LSTAT,
	XROW_READLINK,
	XROW_ACCESS,    /* access(R_OK) */
	XROW_STAT_TEXT, /* stat of the readlink text, as ls and realpath do */
	XROW_COUNT,
};

/* What one call returned (or would, for the regular symlink's fixed rows). */
struct xcell {
	bool known;         /* false: cannot be told (no text to look up) */
	bool ok;
	int err;            /* with !ok */
	bool have_st;       /* st describes what the call reached */
	struct stat st;
	bool held;          /* st is the very inode the fd holds */
	const char *opened; /* open: "read" (really opened), "path" (O_PATH only) */
	const char *note;   /* why the cell is what it is, when not looked up */
};

/* What a lookup of a text found, resolved as a symlink's text would be. */
enum xfind {
	XFIND_NONE = 0,  /* not looked up */
	XFIND_HELD,      /* the inode the fd holds */
	XFIND_OTHER,     /* another inode */
	XFIND_NOTHING,   /* ENOENT or ENOTDIR */
	XFIND_FAILED,    /* the lookup itself failed (EACCES, ELOOP...) */
};

enum xcase {
	XCASE_LIVE,            /* the text names the held file: a symlink would agree */
	XCASE_DELETED,         /* nlink 0, the name gone */
	XCASE_REPLACED,        /* nlink 0, the name now names another inode */
	XCASE_HARDLINK_REMOVED,/* the name removed, nlink > 0: another name remains */
	XCASE_COLLISION,       /* the text verbatim names a different live file */
	XCASE_OTHER_FILE,      /* not marked, yet the text names another inode */
	XCASE_NAME_UNREACHABLE,/* not deleted, yet the text names nothing from its root */
	XCASE_DELETED_DIR,     /* an rmdir'd directory */
	XCASE_PIPE,
	XCASE_FIFO,
	XCASE_SOCKET,
	XCASE_ANON_INODE,
	XCASE_MEMFD,
	XCASE_DEVICE,
	XCASE_HELD_SYMLINK,    /* an O_PATH|O_NOFOLLOW fd on a symlink */
	XCASE_NAMESPACE,       /* nsfs: net:[4026531833] is no path */
	XCASE_MQUEUE,          /* a POSIX message queue: its text is the queue's name */
	XCASE_NO_FD,
	XCASE_NO_PROCESS,
	XCASE_DENIED,
	XCASE_FAILED,
};

/* One link examined. */
struct xlink {
	const char *asked;     /* the argument as given */
	pid_t pid;             /* the /proc directory examined (a tid for task/TID) */
	int fd;                /* -1: the fd directory as a whole could not be listed */
	bool self;             /* the spelling named procfd-trace itself */
	char link[64];         /* /proc/PID/fd/N, the path every magic-link call uses */
	int probe_err;         /* 0, or what pfd_describe_fd said (ENOENT, ESRCH...) */
	struct pfd_target t;   /* with probe_err 0 */
	struct xcell magic[XROW_COUNT], regular[XROW_COUNT];
	enum xfind text_find;  /* the text verbatim, as ls and realpath follow it */
	enum xfind name_find;  /* the name without " (deleted)", when marked */
	struct stat name_st;   /* with name_find HELD or OTHER */
	char other_name[PATH_MAX]; /* hardlink removed: a remaining name, "" if none found */
	enum xcase xcase;
};

/* Fill l->magic, l->regular, the finds and l->xcase (explain_probe.c). */
void pfd_explain_examine(struct xlink *l);

/* The case's name (JSON "case"), its verdict and its remedy (explain_verdict.c). */
const char *pfd_xcase_name(enum xcase c);
void pfd_explain_verdict(const struct xlink *l, struct pfd_buf *out);
void pfd_explain_remedy(const struct xlink *l, struct pfd_buf *out);

/* The "kind" word for what a stat describes (anon inodes have no type). */
const char *pfd_xkind(const struct xlink *l, const struct xcell *c);

/* Whose fd a remedy names (explain_holder.c): the examined process's, or
 * for a spelling of procfd-trace's own fd another process holding the same
 * file, which outlives procfd-trace; found false when there is none. */
struct xholder {
	pid_t pid;
	int fd;
	bool found;
	char link[64];         /* /proc/PID/fd/N of the holder */
};
void pfd_explain_holder(const struct xlink *l, struct xholder *h);

/* --only (explain_only.c): whether l is one the report keeps. */
int pfd_explain_only_parse(const char *list);
bool pfd_explain_wanted(const struct xlink *l);

/* One "explain" event (explain_write.c); color: the trace's ANSI colours
 * in the text. */
void pfd_explain_write(const struct xlink *l, bool color);

#endif
