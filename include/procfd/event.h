/* procfd-trace: the event model shared by the engine, the plugins and the sinks.
 *
 * An event is built by the engine (who called what, with which arguments),
 * annotated by plugins (what the path names, what the fd held) and written by
 * the sinks. Nothing here refers to ptrace: sinks and plugins never need it. */
#ifndef PROCFD_EVENT_H
#define PROCFD_EVENT_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/syscalls.h"

/* How a path names a /proc fd link (filled by the classifier). */
enum pfd_link_what {
	PFD_LINK_NONE = 0, /* the path names no fd link */
	PFD_LINK_FD,       /* an fd link: .../fd/N */
	PFD_LINK_FD_DIR,   /* the fd directory itself: .../fd */
};

/* Whose fd table the path names, as the tracee spelled it. */
enum pfd_owner {
	PFD_OWNER_SELF,        /* /proc/self, /dev/fd, /dev/stdin...: the caller's process */
	PFD_OWNER_THREAD_SELF, /* /proc/thread-self: the calling thread */
	PFD_OWNER_PID,         /* /proc/PID: a pid in the tracee's pid namespace */
};

/* Where a relative path was resolved from. */
enum pfd_via {
	PFD_VIA_PATH = 0, /* the path was absolute */
	PFD_VIA_CWD,      /* relative to the tracee's working directory */
	PFD_VIA_DIRFD,    /* relative to the call's dirfd */
};

/* The classifier's verdict on one path, a pure function of the text. */
struct pfd_path_class {
	enum pfd_link_what what;
	enum pfd_owner owner;
	long pid;            /* with PFD_OWNER_PID: the number in the path */
	long task;           /* /task/TID/ component, or -1 */
	int fd;              /* with PFD_LINK_FD: N, else -1 */
	bool trailing_slash; /* "/fd/N/" or "/fd/N/.": the walk must follow */
	const char *spelling; /* static pattern, e.g. "/proc/self/fd/N" */
};

/* The link, once the owner is translated to real ids (tracer's namespace). */
struct pfd_link {
	enum pfd_link_what what;
	enum pfd_via via;
	pid_t pid;  /* owning process (thread group) as the tracee sees it */
	pid_t tid;  /* owning thread, or 0 when the spelling names no thread */
	int fd;     /* -1 for the fd directory */
	const char *spelling;
	bool trailing_slash; /* the walk must follow the final link */
	/* With a numeric pid in a path the tracee resolves through a /proc of
	 * another pid namespace: the numbers as written (pid is then ours, or 0
	 * when no process of ours matches). */
	bool ns_translated;
	pid_t ns_pid, ns_tid;
	char proc_dir[PATH_MAX]; /* the /proc directory procfd-trace probed */
	char base[PATH_MAX]; /* with via cwd/dirfd: the directory resolved, else "" */
	size_t base_len;
};

enum pfd_target_kind {
	PFD_KIND_REGULAR,
	PFD_KIND_DIRECTORY,
	PFD_KIND_PIPE,
	PFD_KIND_FIFO,
	PFD_KIND_SOCKET,
	PFD_KIND_ANON_INODE,
	PFD_KIND_MEMFD,
	PFD_KIND_CHAR_DEVICE,
	PFD_KIND_BLOCK_DEVICE,
	PFD_KIND_SYMLINK,
	PFD_KIND_OTHER,
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
	enum pfd_target_kind kind;
	char anon_name[64];    /* with ANON_INODE: "[eventfd]", "[pidfd]", ... */
	bool deleted;          /* the held inode has no name left (nlink 0) */
	bool have_stat;        /* nlink/dev/ino/mode are valid */
	uint64_t nlink;
	unsigned dev_major, dev_minor;
	uint64_t ino;
	uint32_t mode;         /* st_mode of the held inode */
	uint32_t link_mode;    /* lstat of the link: permission bits mirror the access mode */
	bool have_fdinfo;
	uint64_t fd_flags;     /* fdinfo "flags:" (open flags, O_CLOEXEC included) */
	enum pfd_text_target text_target;
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
};

#define PFD_EXPLANATION_MAX 512

/* One traced path syscall. */
struct pfd_syscall_event {
	pid_t pid, tid;
	const struct pfd_syscall_desc *sc;
	uint32_t audit_arch;
	const char *arch;    /* "x86_64", "i386", "x32" */
	/* The caller's ids in its own pid namespace, when that is not ours. */
	bool in_pidns;
	pid_t ns_pid, ns_tid;
	uint64_t args[6];

	/* decoded arguments */
	bool has_dirfd;
	int dirfd;
	char path[PATH_MAX]; /* bytes as passed, NUL-terminated, at most PATH_MAX-1 */
	size_t path_len;
	int path_errno;      /* 0, or why the path could not be read (EFAULT...) */
	bool path_truncated; /* no NUL within PATH_MAX bytes */
	bool has_flags;
	uint64_t flags;      /* open flags, AT_* flags or access mode per sc->flags_kind */
	bool has_mode;
	uint64_t mode;       /* access(2) mode or the O_CREAT mode */
	bool has_resolve;
	uint64_t resolve;    /* openat2 how.resolve */
	int how_errno;       /* openat2: why struct open_how could not be read */

	/* the result, at syscall exit */
	bool finished;
	int64_t result;      /* -1 on error, as the libc wrapper returns */
	int err;             /* errno, 0 on success */

	/* the annotation */
	struct pfd_link link;
	enum pfd_probe probe;
	int probe_errno;
	struct pfd_target target;
	enum pfd_resolution resolution;
	char explanation[PFD_EXPLANATION_MAX];
};

enum pfd_proc_event_kind {
	PFD_PROC_EXEC,
	PFD_PROC_EXIT,   /* the thread exited normally: status is the exit code */
	PFD_PROC_KILLED, /* killed by a signal: status is the signal number */
};

struct pfd_proc_event {
	enum pfd_proc_event_kind kind;
	pid_t pid, tid;
	pid_t old_tid;       /* exec: the tid that called execve (differs for a non-leader) */
	int status;
	bool core_dumped;
	bool leader;         /* exit: the thread group leader (the process) */
	char exe[PATH_MAX];  /* exec: /proc/<pid>/exe after the exec */
};

/* Names used by both sinks; static strings, never NULL. */
const char *pfd_resolution_name(enum pfd_resolution r);
const char *pfd_text_target_name(enum pfd_text_target t);
const char *pfd_target_kind_name(enum pfd_target_kind k);
const char *pfd_probe_name(enum pfd_probe p);
const char *pfd_via_name(enum pfd_via v);
const char *pfd_link_what_name(enum pfd_link_what w);
/* The fd's access mode from the link's permission bits (lstat of the link). */
const char *pfd_access_name(uint32_t link_mode);

#endif
