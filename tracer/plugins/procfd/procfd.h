/* procfd-trace: the procfd plugin's types and services.
 *
 * The procfd plugin annotates each path call that names a /proc fd link
 * with what the fd held at entry and how the call resolved. Its "describe
 * fd N of process P" probe and the writer of that description are offered
 * to other plugins (the leak report describes each fd the same way).
 *
 * The second half declares the plugin's own parts (classifier glue, probe,
 * rules, pid namespaces), shared by its files and its unit tests. */
#ifndef PROCFD_PROCFD_H
#define PROCFD_PROCFD_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/call.h"
#include "tracer/plugins/procfd/classify.h"
#include "procfd/fdesc.h"
#include "procfd/writer.h"

/* Where a relative path was resolved from. */
enum pfd_via {
	PFD_VIA_PATH = 0, /* the path was absolute */
	PFD_VIA_CWD,      /* relative to the tracee's working directory */
	PFD_VIA_DIRFD,    /* relative to the call's dirfd */
};

/* The link, once the owner is translated to real ids (tracer's namespace). */
struct pfd_link {
	enum pfd_link_what what;
	enum pfd_via via;
	pid_t pid;  /* owning process (thread group) as the tracee sees it */
	pid_t tid;  /* owning thread, or 0 when the spelling names no thread */
	bool has_task; /* the spelling names a thread (task/TID, thread-self): tid
			* 0 is then the number written ("task/0"), not "none" */
	int fd;     /* -1 for the fd directory */
	const char *spelling;
	bool trailing_slash; /* the walk must follow the final link */
	/* With PFD_LINK_THROUGH: the path after the link, walked by the kernel
	 * from what the fd holds (points into the call's path). */
	const char *rest;
	size_t rest_len;
	/* With a numeric pid in a path the tracee resolves through a /proc of
	 * another pid namespace: the numbers as written (pid is then ours, or 0
	 * when no process of ours matches). */
	bool ns_translated;
	pid_t ns_pid, ns_tid;
	char proc_dir[PATH_MAX]; /* the /proc directory procfd-trace probed */
	char base[PATH_MAX]; /* with via cwd/dirfd: the directory resolved, else "" */
	size_t base_len;
};

/* What the textual target names, resolved in the tracee's root. */
enum pfd_text_target {
	PFD_TEXT_NONE = 0,       /* no target to compare (fd not open) */
	PFD_TEXT_SAME_FILE,      /* the text names the very inode the fd holds */
	PFD_TEXT_MISSING,        /* nothing exists under the text */
	PFD_TEXT_DIFFERENT_FILE, /* the text names another inode (replaced) */
	PFD_TEXT_NOT_A_PATH,     /* pipe:[..], socket:[..], anon_inode:..., memfd */
	PFD_TEXT_UNKNOWN,        /* the lookup itself failed (EACCES...) */
};

/* The fd's state, captured at syscall entry while the tracee was stopped. */
struct pfd_target {
	char text[PATH_MAX];   /* readlink of the link: the kernel's text, verbatim */
	size_t text_len;
	char name[PATH_MAX];   /* the text without a kernel " (deleted)" marker */
	size_t name_len;
	bool name_marked;      /* the kernel appended " (deleted)" to the name */
	/* What kind of file it is: fdesc's class (pfd_fdesc_kind, ..._is_directory,
	 * ... of &fdesc), the one classification; the target keeps none of its own. */
	char anon_name[64];    /* an anon inode's text after "anon_inode:": "[eventfd]" */
	bool deleted;          /* the held inode has no name left (nlink 0) */
	bool have_stat;        /* nlink/dev/ino/mode are valid */
	uint64_t nlink;
	unsigned dev_major, dev_minor;
	uint64_t ino;
	uint32_t mode;         /* st_mode of the held inode */
	uint64_t size;         /* st_size */
	uint64_t blocks;       /* st_blocks: 512-byte units the inode pins */
	uint32_t link_mode;    /* lstat of the link: permission bits mirror the access mode */
	bool have_fdinfo;
	uint64_t fd_flags;     /* fdinfo "flags:" (open flags, O_CLOEXEC included) */
	/* What a tool that follows the text verbatim finds (the kernel's text,
	 * " (deleted)" included: a live file may have exactly that name). */
	enum pfd_text_target text_target;
	/* With name_marked: what the name without the marker names now
	 * (a replaced file: a different file). PFD_TEXT_NONE otherwise. */
	enum pfd_text_target name_target;
	/* The class and its own facts (tracer/fdesc/): the kind, a socket's
	 * addresses and state, an anon inode's fdinfo, a namespace's type, a
	 * queue's name. Always described once the link was read. */
	struct pfd_fdesc fdesc;
	/* The other inode the text or the name leads to (DIFFERENT_FILE). */
	bool have_other;
	unsigned other_dev_major, other_dev_minor;
	uint64_t other_ino, other_size;
};

/* How the call resolved (see docs/json-schema.md for each value). */
enum pfd_resolution {
	PFD_RES_NONE = 0,
	PFD_RES_FOLLOWED,
	PFD_RES_LINK_ITSELF,
	PFD_RES_DIRECTORY,      /* the fd directory itself was opened or listed */
	PFD_RES_NO_SUCH_FD,
	PFD_RES_NO_SUCH_PROCESS,
	PFD_RES_DENIED,
	PFD_RES_REFUSED_NOFOLLOW,
	PFD_RES_REFUSED_SCOPED,  /* openat2 RESOLVE_BENEATH/IN_ROOT/NO_XDEV: EXDEV */
	PFD_RES_NOT_REOPENABLE,
	PFD_RES_UNFINISHED,      /* the tracee died inside the call */
	PFD_RES_HELD_SYMLINK,    /* ELOOP: the fd holds a symlink (O_PATH|O_NOFOLLOW) */
	PFD_RES_FOLLOW_UP,       /* a call on the text a readlink of a link returned */
	PFD_RES_PLAIN,           /* --all-paths: a path call that names no link */
	PFD_RES_THROUGH,         /* the walk went through the link and on from its target */
	PFD_RES_NOT_PROCFS,      /* the caller's /proc is another file system: an ordinary path */
	PFD_RES_NO_SUCH_THREAD,  /* ENOENT: task/TID names no thread of that process */
	PFD_RES_UNCONFIRMED,     /* a followed open whose new fd does not match the probe */
	PFD_RES_RACED,           /* ENOENT although the probe found the fd open */
	PFD_RES_ERROR,
};

/* What the probe of /proc/<pid>/fd/<N> found at entry. */
enum pfd_probe {
	PFD_PROBE_NOT_DONE = 0,
	PFD_PROBE_OPEN,      /* the fd is open: target is valid */
	PFD_PROBE_NO_FD,     /* the process exists, the fd is not open */
	PFD_PROBE_NO_PROCESS,
	PFD_PROBE_DENIED,
	PFD_PROBE_FAILED,    /* anything else: probe_errno */
	PFD_PROBE_NOT_PROCFS, /* the caller's /proc is not a procfs: no magic link there */
	PFD_PROBE_NO_THREAD, /* the process exists, the task named is not one of its threads */
};


/* ---- services for other plugins ------------------------------------------ */

/* Describe fd of process pid as it is now, from procfd-trace's side of
 * /proc, the text resolved inside the root of thread root_tid (pid when 0).
 * 0, -ENOENT (no such fd), -ESRCH (no such process), -EACCES, or -errno. */
int pfd_describe_fd(pid_t pid, int fd, pid_t root_tid, struct pfd_target *out);
/* What the probe read of the fd, for the fd-description library. */
void pfd_target_seen(const struct pfd_target *t, struct pfd_fdesc_seen *seen);

/* The fd and fdinfo directories of one process, opened once to describe
 * many of its fds (the leak report at a process's exit): each step is then
 * a readlinkat/fstatat/openat of the number, not a walk of /proc/PID/fd/N. */
struct pfd_fd_dir {
	pid_t pid;
	int proc_dir; /* O_PATH on /proc/PID, -1 when closed */
};

/* 0, or -errno (the process is gone: -ENOENT), closed then. */
int pfd_fd_dir_open(struct pfd_fd_dir *d, pid_t pid);
void pfd_fd_dir_close(struct pfd_fd_dir *d);

/* Do not look the text up in the root: text_target and name_target stay
 * PFD_TEXT_NONE, and pfd_target_text says nothing of them. The name is
 * still told from the text (a lookup is made only when the text ends in
 * " (deleted)" and the inode has links left, where nothing else can tell). */
#define PFD_DESCRIBE_NO_LOOKUP 1u
/* The holder is stopped (a process at its exit): its sockets may be asked
 * through a brief copy of the fd (pfd_fdesc_ctx_copy_fds). */
#define PFD_DESCRIBE_HOLDER_STOPPED 2u

/* pfd_describe_fd for fd of d's process, with PFD_DESCRIBE_* flags. 0,
 * -ENOENT (no such fd, or the process is gone), -EACCES, or -errno. */
int pfd_describe_fd_in(const struct pfd_fd_dir *d, int fd, pid_t root_tid, unsigned flags,
		       struct pfd_target *out);

/* The description as the "target" object of docs/json-schema.md. */
void pfd_write_target(struct pfd_writer *w, const char *key, const struct pfd_target *t);
/* Its fields only, into an object the caller opened (to add fields of its own). */
void pfd_write_target_fields(struct pfd_writer *w, const struct pfd_target *t);

/* The same in one line of text: "/tmp/x (deleted)": regular, deleted (nlink
 * 0), dev 8:1, ino 12, read-only; name "/tmp/x": missing. */
void pfd_target_text(struct pfd_buf *b, const struct pfd_target *t);
/* The same in short (the default text): the text, what is held in a few
 * words (pfd_target_short: "deleted file, 36 B"), the access mode, and what
 * the name names now where that is not the held file. */
void pfd_target_text_short(struct pfd_buf *b, const struct pfd_target *t);
void pfd_target_short(struct pfd_buf *b, const struct pfd_target *t);

/* "MAJOR:MINOR", in a buffer the next call reuses (no allocation per event). */
const char *pfd_dev_text(unsigned major, unsigned minor);

/* Whether the description can have a name at all (not a pipe, socket...). */
bool pfd_target_nameable(const struct pfd_target *t);

/* The names JSON and text use; static strings, never NULL. */
const char *pfd_resolution_name(enum pfd_resolution r);
const char *pfd_text_target_name(enum pfd_text_target t);
const char *pfd_probe_name(enum pfd_probe p);
const char *pfd_via_name(enum pfd_via v);
const char *pfd_link_what_name(enum pfd_link_what w);
/* The fd's access mode from the link's permission bits (lstat of the link). */
const char *pfd_access_name(uint32_t link_mode);
/* The base name of an executable's path for a text line: as it is when
 * printable ASCII, else quoted with every other byte escaped ("\033[2J"). */
void pfd_put_program_name(struct pfd_buf *b, const char *exe);


/* The trace's colours (ls's: orphan for what tools call broken), shared with
 * --explain's text so that both paint the same things the same way. */
#define PFD_COLOR_BROKEN "\033[40;31;01m"
#define PFD_COLOR_GOOD "\033[32m"
#define PFD_COLOR_LINK "\033[36m"
#define PFD_COLOR_END "\033[0m"

/* ---- the plugin's own parts ------------------------------------------------- */

/* ---- follow-ups: calls on the text a readlink of a link returned --------- */

/* How a follow-up's path came from the text. */
enum pfd_fu_how {
	PFD_FU_VERBATIM,   /* the text as readlink returned it */
	PFD_FU_STRIPPED,   /* without the kernel's " (deleted)" */
	PFD_FU_RELATIVE,   /* a relative text looked up in the link's directory */
	PFD_FU_PREFIX,     /* a leading part: a realpath-style walk of the text */
};

/* What the follow-up reached. */
enum pfd_fu_reached {
	PFD_FU_NOTHING,    /* the call failed (errno) */
	PFD_FU_HELD,       /* the inode the fd holds */
	PFD_FU_OTHER,      /* another inode */
	PFD_FU_UNKNOWN,    /* it succeeded, but procfd-trace could not look */
};

/* A readlink of a link, remembered per process (tracer/plugins/procfd/procfd_followup.c). */
struct pfd_link_read {
	pid_t owner;            /* whose fd table */
	int fd;
	char *link_path;        /* the path the tool passed to readlink */
	size_t link_len;
	const char *syscall;    /* "readlink", "readlinkat" */
	char *text;             /* what it returned (it may have been cut short) */
	size_t text_len;
	enum pfd_kind kind;     /* pfd_fdesc_kind of the target */
	bool deleted, have_stat;
	unsigned dev_major, dev_minor;
	uint64_t ino, size;
	pid_t walk_tid;         /* prefixes count only for this thread, ... */
	bool walking;           /* ... while its trapped calls look up growing prefixes */
	size_t walk_len;        /* the longest prefix looked up so far (0: none yet) */
};

struct pfd_followup {
	bool active;
	struct pfd_link_read read; /* a copy; its strings belong to the table */
	enum pfd_fu_how how;
	enum pfd_fu_reached reached;
	bool looked_at_entry;
	bool ends_walk;          /* the whole text, looked up after growing prefixes */
	bool have_other;
	unsigned other_dev_major, other_dev_minor;
	uint64_t other_ino, other_size;
	char link_buf[PATH_MAX], text_buf[PATH_MAX]; /* read's strings, copied */
};

struct pfd_fu_table;
struct pfd_exit;

/* Remember what a readlink of a link returned (text_len bytes of text). */
void pfd_fu_record(struct pfd_fu_table **tp, const struct pfd_link_read *r);
/* Is c's path a follow-up of a remembered read? The key's index, or -1.
 * A leading part of a text counts only inside a walk: the reading thread's
 * trapped calls since the read are lookups of growing prefixes; any other
 * call of that thread ends its walks. */
int pfd_fu_find(struct pfd_fu_table *t, const struct pfd_call *c);
/* Fill fu from the key pfd_fu_find gave (a copy: the read may go). */
void pfd_fu_fill(const struct pfd_fu_table *t, int key, struct pfd_followup *fu);
/* What the call reached, looked up as the call did: at its exit, or for a
 * call that removes or renames the name, at its entry (after it, the name
 * is gone: what it acted on is what the name named before). */
void pfd_fu_reached(struct pfd_fu_table *t, struct pfd_followup *fu, const struct pfd_call *c,
		    bool follows);
void pfd_fu_reached_at_entry(struct pfd_followup *fu, const struct pfd_call *c);
/* The process ends: judge its last walk of a text that found nothing by
 * its exit status (a walk_outcome event). */
void pfd_fu_exit_process(struct pfd_fu_table *t, const char *exe, const struct pfd_exit *e,
			 pid_t pid);
void pfd_fu_free(struct pfd_fu_table *t);
/* The key paths a read gives, for tests: calls fn for each. */
void pfd_fu_keys(const struct pfd_link_read *r,
		 void (*fn)(const char *path, size_t len, enum pfd_fu_how how, void *arg),
		 void *arg);

/* ---- directories kept open per process (tracer/plugins/procfd/procfd_dirs.c) ---- */

/* A path built without printf; overflow: it did not fit (do not use it). */
struct pfd_path {
	char s[PATH_MAX + 128];
	size_t len;
	bool overflow;
};

void pfd_path_init(struct pfd_path *p, const char *s);
void pfd_path_put(struct pfd_path *p, const char *s, size_t n);
void pfd_path_puts(struct pfd_path *p, const char *s);
void pfd_path_int(struct pfd_path *p, long v);

enum pfd_numbering {
	PFD_NUMBERING_UNKNOWN = 0,
	PFD_NUMBERING_SAME,      /* the procfs at the root's /proc numbers as ours */
	PFD_NUMBERING_DIFFERENT,
};

/* One calling thread's root, open as an O_PATH dirfd. */
struct pfd_dirs_root {
	bool open;
	int fd;
	pid_t tid;
	unsigned gen;                /* pfd_dirs_generation() when opened */
	unsigned long used;          /* for choosing a slot to reuse */
	enum pfd_numbering numbering; /* cached same-numbering fact of this root */
	bool proc_f_type_known;      /* cached statfs f_type of the root's /proc */
	unsigned long proc_f_type;
};

/* One kept /proc/PID/fdinfo/N (or task/TID/fdinfo/N): procfs resolves the
 * number at each read, so a pread at 0 gives the fd's flags now. */
struct pfd_dirs_fdinfo {
	bool open;
	int fd;
	pid_t task;                  /* 0: the process's own fdinfo directory */
	int num;                     /* the tracee's fd number */
	unsigned long used;
};

#define PFD_DIRS_ROOTS 4      /* threads of one process with a root open */
#define PFD_DIRS_FDINFOS 4    /* fdinfo files of one process kept open */
#define PFD_DIRS_MAX_FDS 256u /* in all: the tracer's RLIMIT_NOFILE is shared */

/* Zeroed: nothing open. Part of the plugin's per-process state. */
struct pfd_dirs {
	bool proc_open;
	int proc_fd;              /* O_PATH on /proc/PID */
	pid_t pid;
	struct pfd_dirs_root roots[PFD_DIRS_ROOTS];
	struct pfd_dirs_fdinfo fdinfos[PFD_DIRS_FDINFOS];
	unsigned long uses;
	/* The caller's pid namespace, a fact of the process (a task never
	 * changes its own pid namespace; setns/unshare change its children's). */
	bool pidns_known, in_pidns;
	pid_t ns_pid;
	bool linked;              /* on the list of processes with fds open */
	struct pfd_dirs *prev, *next;
};

/* The dirfd on /proc/pid (opened now if need be), or -1: walk the path. */
int pfd_dirs_proc_fd(struct pfd_dirs *d, pid_t pid);
/* Thread tid's root, opened now if need be; NULL (walk /proc/TID/root) while
 * a change of root is in flight or when it cannot be opened. */
struct pfd_dirs_root *pfd_dirs_root(struct pfd_dirs *d, pid_t tid);
/* A kept fd on fdinfo of fd num, of thread task (0: of the process),
 * opened now through the /proc/PID dirfd if need be; -1 when there is no
 * such dirfd or it cannot be opened (the caller opens the path). Read it
 * with pread at offset 0. */
int pfd_dirs_fdinfo(struct pfd_dirs *d, pid_t task, int num);
/* Close everything (exec, exit) / one thread's root and fdinfo (its exit). */
void pfd_dirs_drop(struct pfd_dirs *d);
void pfd_dirs_drop_thread(struct pfd_dirs *d, pid_t tid);
/* A call that may change a root or what is mounted enters / is over. */
void pfd_dirs_change_begin(void);
void pfd_dirs_change_end(void);
/* Whether a fact cached at generation gen still holds. */
bool pfd_dirs_fresh(unsigned gen);
unsigned pfd_dirs_generation(void);
unsigned pfd_dirs_open_fds(void); /* for tests */

/* A successful open that followed the link, checked against the kernel's
 * answer: the new fd's inode (stat of /proc/TID/fd/RESULT at the exit stop)
 * against the one the probe found at entry. */
enum pfd_verify {
	PFD_VERIFY_NOT_DONE = 0, /* not a followed open with a probed target: null */
	PFD_VERIFY_SAME,         /* the kernel opened the inode the probe described */
	PFD_VERIFY_DIFFERENT,    /* another inode: the path or the /proc it names changed */
	PFD_VERIFY_UNKNOWN,      /* the new fd could not be looked at (EACCES...) */
	PFD_VERIFY_NO_FD,        /* no such fd at the exit: closed by another thread, or
				  * a result the kernel did not open (a seccomp
				  * supervisor's answer) */
};

/* One annotated call: the call and what the plugin found about it. */
struct pfd_annot {
	const struct pfd_call *call;
	/* The caller's ids in its own pid namespace, when that is not ours. */
	bool in_pidns;
	pid_t ns_pid, ns_tid;
	struct pfd_link link;
	enum pfd_probe probe;
	int probe_errno;
	struct pfd_target target;
	enum pfd_resolution resolution;
	struct pfd_followup follow;  /* a call on a link's text (link.what NONE) */
	bool plain;                  /* --all-paths: a path call that names no link */
	bool unselected;             /* -P: a readlink of a link not asked for, kept only
				      * so that its text's lookups are not taken for
				      * those of a selected link with the same text */
	enum pfd_verify verified;    /* a followed open against the kernel's answer */
	unsigned long proc_f_type;   /* with PFD_PROBE_NOT_PROCFS: what is mounted there */
	unsigned got_dev_major, got_dev_minor; /* with PFD_VERIFY_DIFFERENT: the new fd's */
	uint64_t got_ino;
	const char *tool;            /* the caller's executable, for sentences */
	pid_t other_tgid;            /* with PFD_PROBE_NO_THREAD: the live thread's own
				      * process, 0 for task 0 or when not known */
	bool one_thread;             /* with PFD_VERIFY_NO_FD: the caller's process had
				      * one thread then (none other to close the fd) */
	bool fd_open_at_exit;        /* with PFD_RES_RACED: the link's fd was still open
				      * at the exit (the kernel read another path) */
	struct pfd_dirs *dirs;       /* the caller's process's, or NULL: walk paths */
};

/* Probe ev->link (pid, tid, fd, what) into ev->probe and ev->target. The
 * textual target is resolved inside the root of the caller. */
void pfd_probe_link(struct pfd_annot *ev);

/* At the exit stop of a successful open that followed ev's link: stat the new
 * fd (/proc/<tid>/fd/<result>) and compare with the probed target. */
void pfd_verify_open(struct pfd_annot *ev);

/* At the exit stop of a call that failed with ENOENT although the entry
 * probe found the link's fd open: is it open still (same inode)? Sets
 * ev->fd_open_at_exit. */
void pfd_recheck_link(struct pfd_annot *ev);

/* readlink of /proc/<tid>/cwd (dirfd < 0) or /proc/<tid>/fd/<dirfd>. Returns
 * the length, or -errno. */
ssize_t pfd_probe_base(pid_t tid, int dirfd, char *buf, size_t size);

/* The mode procfs gives an fd's link (S_IFLNK and r-x, -wx, rwx or ---),
 * from the fd's open flags as fdinfo shows them (pure). */
uint32_t pfd_link_mode_of_flags(uint64_t flags);

/* Fill t->anon_name from the text: what follows "anon_inode:", else ""
 * (pure; the kind is the class's, pfd_fdesc_kind(&t->fdesc)). */
void pfd_target_take_anon_name(struct pfd_target *t);

/* Does the call follow the final magic link (as opposed to acting on the
 * link itself)? A trailing slash always makes the walk follow. */
bool pfd_call_follows(const struct pfd_annot *ev);

/* The resolution of a finished (or unfinished) call. */
enum pfd_resolution pfd_resolve(const struct pfd_annot *ev);

/* One plain sentence explaining ev->resolution, appended to out (no limit:
 * a long quoted name is never cut inside an escape). */
void pfd_explain(const struct pfd_annot *ev, struct pfd_buf *out);
/* What a tool's exit status says about its walk of r's text that found
 * nothing: it called the link broken (non-zero) or went on with the text. */
void pfd_explain_walk_outcome(const struct pfd_link_read *r, const char *exe, int status,
			      struct pfd_buf *out);

/* Set ev->in_pidns, ns_pid, ns_tid when the caller's pid namespace is not ours. */
void pfd_pidns_caller(struct pfd_annot *ev);

/* Whether the caller's own /proc (/proc/<tid>/root/proc, in its mount
 * namespace) is a procfs at all. False for a tmpfs or a bind mount of a
 * directory over it: its "fd/N" names are then ordinary files. Writes the
 * file system's magic into *f_type (0 when statfs failed: true is returned,
 * as the kernel's answer cannot be asked). The answer is kept with tid's
 * root in d (which may be NULL) until a root or mount may have changed. */
bool pfd_caller_proc_is_procfs(struct pfd_dirs *d, pid_t tid, unsigned long *f_type);

/* Choose the /proc directory for link (pid/tid as written by the caller)
 * and translate a numeric pid to ours when the tracee's /proc numbers
 * processes differently. */
void pfd_pidns_link_dir(const struct pfd_annot *ev, struct pfd_link *link,
			const struct pfd_path_class *pc);

/* -c/--summary (tracer/plugins/procfd/procfd_summary.c): count an annotated call,
 * and write the table at the end. */
void pfd_summary_count(const struct pfd_annot *a);
void pfd_summary_write(void);
/* The summary event's text layout (registered by pfd_summary_write; procfd-render calls it). */
void pfd_summary_register_text(void);

#endif
