/* procfd-trace: the fd-description library (tracer/fdesc/).
 *
 * Describes one fd of a process as util-linux's lsfd does: a class per kind
 * of file (regular, directory, symlink, devices, pipe, FIFO, socket, each
 * anon inode, memfd, nsfs, mqueue), each owning what it reads (fdinfo,
 * /proc/PID/net, /proc/devices...) and how it names and writes the file.
 * Failures are kept in the description as records (which step, errno), not
 * dropped.
 *
 * Describing costs /proc reads: call it only for fds that are reported.
 * Tables that serve many fds (the socket tables of a network namespace,
 * /proc/devices) live in a context the caller keeps for a batch (a leak
 * report of many fds): they are read once per batch, not once per fd.
 *
 *     struct pfd_fdesc_ctx *ctx = pfd_fdesc_ctx_new();
 *     for each fd:  struct pfd_fdesc d;
 *                   pfd_fdesc_describe(ctx, proc_dir, pid, fd, &d);
 *                   pfd_fdesc_write(w, "fdesc", &d);   (JSON object)
 *                   pfd_fdesc_text(&buf, &d);          (short words)
 *     pfd_fdesc_ctx_free(ctx);
 */
#ifndef PROCFD_FDESC_H
#define PROCFD_FDESC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/export.h"
#include "procfd/writer.h"

struct pfd_fdesc_class;
struct pfd_fdesc_ctx;

/* ---- typed fields, per class ----------------------------------------------- */

/* An internet address and port as the kernel printed them in /proc/net. */
struct pfd_fdesc_inet {
	int family;          /* AF_INET or AF_INET6; 0: none */
	uint8_t addr[16];    /* network byte order; 4 bytes for AF_INET */
	uint16_t port;
};

struct pfd_fdesc_sock {
	bool found;          /* the facts below are known: a /proc/net table of the
	                      * holder's network namespace lists it (an unbound
	                      * netlink socket is in none), or, for an internet
	                      * socket described without a context, the socket
	                      * itself told them (pidfd_getfd + getsockname...) */
	uint64_t ino;        /* the socket inode (socket:[ino]) */
	int family;          /* AF_UNIX, AF_INET, AF_INET6, AF_NETLINK, AF_PACKET; 0 unknown */
	int type;            /* SOCK_STREAM, ...; 0 unknown */
	const char *protocol;/* "UNIX", "TCP", "UDP", "UDPLITE", "RAW", "PING", "NETLINK", "PACKET" */
	const char *state;   /* "listen", "established", "close-wait", "connected", ...; NULL unknown */
	unsigned kstate;     /* the kernel's number for it (/proc/net's "st") */
	/* INET/INET6 */
	struct pfd_fdesc_inet local, peer;
	int raw_protocol;    /* RAW: the IP protocol number (/proc/net/raw's local port) */
	/* UNIX */
	char path[110];      /* bound name; an abstract name keeps its leading '@' here */
	size_t path_len;     /* 0: unnamed */
	bool abstract;       /* the name is in the abstract namespace (marked '@') */
	bool have_peer_ino;  /* the kernel says who the peer is (sock_diag) */
	uint64_t peer_ino;
	/* NETLINK */
	int nl_protocol;     /* NETLINK_ROUTE, ... */
	uint32_t nl_portid;  /* lport */
	uint32_t nl_groups;
	/* PACKET */
	uint16_t pk_protocol;/* ETH_P_*, host order */
	int pk_ifindex;      /* 0: any interface */
};

/* What describing found, with the probe's facts every class shares. */
struct pfd_fdesc {
	const struct pfd_fdesc_class *cls;
	pid_t pid;
	int fd;
	/* the probe: readlink of the link, stat through it, fdinfo */
	char text[PATH_MAX];
	size_t text_len;
	bool have_stat;
	uint32_t mode;
	unsigned dev_major, dev_minor, rdev_major, rdev_minor;
	uint64_t ino, size, nlink;
	bool have_fdinfo;
	uint64_t pos, flags, mnt_id;
	char anon_name[48];  /* "anon_inode:[eventfd]" -> "eventfd" (no brackets) */
	union {
		struct pfd_fdesc_sock sock;
		struct { char name[NAME_MAX + 1]; } memfd;       /* memfd_create's name */
		struct { char type[24]; uint64_t ino; } ns;      /* nsfs: "net", 4026531833 */
		struct {                                          /* mqueue */
			char name[NAME_MAX + 2];                  /* "/queue" */
			bool have_qsize;
			uint64_t qsize;                           /* bytes queued (QSIZE:) */
		} mq;
		struct {                                          /* char and block devices */
			char driver[32];     /* /proc/devices or /proc/misc name ("" unknown) */
			bool have_tty_index; /* ptmx: the pty it made */
			unsigned tty_index;
			char iface[16];      /* tun/tap: the interface attached ("" none) */
		} dev;
		struct { bool have_id; uint64_t id, count; bool semaphore; } eventfd;
		struct { unsigned ntfds; int tfds[16]; } epoll;  /* first 16 listed, ntfds all */
		struct { uint64_t mask; } signalfd;             /* bit n-1: signal n */
		struct {
			int clockid;
			uint64_t ticks;
			bool have_value;
			int64_t value_sec, value_nsec;       /* remaining */
			int64_t interval_sec, interval_nsec;
		} timerfd;
		struct {
			unsigned nwatches;
			struct { uint64_t ino; unsigned major, minor; } w[8]; /* first 8 */
		} inotify;
		struct { uint32_t flags, event_flags; unsigned nmarks; } fanotify;
		struct { pid_t pid; bool have_nspid; pid_t nspid; } pidfd; /* pid -1: exited */
		struct { unsigned sq_entries, cq_entries; uint64_t sq_head, sq_tail, cq_head, cq_tail; } io_uring;
		struct {
			bool have_id; uint32_t id;
			uint32_t type;       /* map_type or prog_type number */
			char type_name[24];  /* its name ("hash"), a link's link_type; "" unknown */
			char tag[17];        /* prog_tag, "" none */
			uint32_t key_size, value_size, max_entries;
			uint32_t prog_id;    /* link: the program */
		} bpf;
		struct { bool have; uint64_t pending, total, api; } uffd;
	} u;
	/* What failed, in the order it did: the step and its errno. */
	unsigned nerrors;
	struct pfd_fdesc_error { const char *step; int err; } errors[4];
};

/* ---- the context of a batch --------------------------------------------------- */

/* NULL when memory ran out (pfd_fdesc_describe then works without one, at
 * the cost of reading shared tables per fd). */
PFD_API struct pfd_fdesc_ctx *pfd_fdesc_ctx_new(void);
PFD_API void pfd_fdesc_ctx_free(struct pfd_fdesc_ctx *ctx);
/* Drop the cached tables: the next batch reads them afresh (sockets made
 * since are then found). Within a batch a socket missing from its
 * namespace's tables makes them be read once more, at most once. */
PFD_API void pfd_fdesc_ctx_forget(struct pfd_fdesc_ctx *ctx);
/* How many /proc/net table files were read (for tests and the bench). A
 * socket's inode names its protocol (the "system.sockprotoname" xattr), so
 * only that protocol's tables are read (tcp and tcp6 for a TCP socket). */
PFD_API unsigned pfd_fdesc_ctx_net_loads(const struct pfd_fdesc_ctx *ctx);
/* Whether an internet socket may be asked through a brief copy of its fd
 * (pidfd_getfd; default true). Only while the holder is stopped (a leak
 * report at its PTRACE_EVENT_EXIT): a running holder that closes its fd
 * meanwhile would leave the last reference with us, and a listening port
 * bound a moment longer than it expects. Off: the /proc/net tables. */
PFD_API void pfd_fdesc_ctx_copy_fds(struct pfd_fdesc_ctx *ctx, bool on);
/* Whether the sockets of pid's own network namespace (as procfd-trace's)
 * are asked for their peers through NETLINK_SOCK_DIAG (default true). */
PFD_API void pfd_fdesc_ctx_use_sock_diag(struct pfd_fdesc_ctx *ctx, bool on);

/* ---- describing ---------------------------------------------------------------- */

/* Describe fd of process pid now. Without a context (ctx NULL), an
 * internet socket is asked directly through a copy of the holder's fd
 * (pidfd_getfd, which the tracer may use: it may ptrace the holder) and a
 * UNIX socket of procfd-trace's network namespace by inode (sock_diag),
 * instead of reading /proc/net tables (the tcp files cost milliseconds per
 * read on a machine with a large established hash). With a context, the
 * tables are read once per namespace and batch; an internet socket they
 * lack (unbound, or from another namespace) is asked directly. proc_dir: an fd on /proc/PID (O_PATH is
 * enough; -1: /proc/PID is walked). ctx may be NULL. 0, or -errno when the
 * fd could not be read at all (-ENOENT: no such fd or process, -EACCES);
 * a class's own failures are records in out->errors, not a result. */
PFD_API int pfd_fdesc_describe(struct pfd_fdesc_ctx *ctx, int proc_dir, pid_t pid, int fd,
		       struct pfd_fdesc *out);

/* What a caller already read of the fd (the procfd probe reads the link's
 * text and stats the file for its own verdict), so it is not read twice. */
struct pfd_fdesc_seen {
	const char *text;      /* readlink of /proc/PID/fd/N, verbatim */
	size_t text_len;
	bool have_stat;        /* the fields below are a stat of the held file */
	uint32_t mode;
	unsigned dev_major, dev_minor;
	uint64_t ino, size, nlink;
};

/* The same as pfd_fdesc_describe, from what the caller has seen: only the
 * class's own reads are made (and a stat for a device's rdev, which a
 * caller's stat fields above do not carry). */
PFD_API void pfd_fdesc_describe_seen(struct pfd_fdesc_ctx *ctx, int proc_dir, pid_t pid, int fd,
			     const struct pfd_fdesc_seen *seen, struct pfd_fdesc *out);

/* ---- what a kind is: the class's answers ------------------------------------------ */

/* The class's name: "regular", "directory", "symlink", "chardev", "ptmx",
 * "tun", "blockdev", "pipe", "fifo", "socket", "eventfd", "eventpoll",
 * "signalfd", "timerfd", "inotify", "fanotify", "pidfd", "io_uring",
 * "bpf-map", "bpf-prog", "bpf-link", "userfaultfd", "perf_event",
 * "anon_inode" (another), "memfd", "nsfs", "mqueue", "unknown". */
PFD_API const char *pfd_fdesc_class_name(const struct pfd_fdesc *d);

/* The coarse kind each class belongs to: what the "kind" field of a
 * target, a leak and the summary has always said (docs/json-schema.md).
 * Several classes share one (ptmx, tun and the other character devices are
 * "char-device"; every anon inode class is "anon-inode"), so a consumer
 * that words a sentence per kind needs no line for a new class. A
 * description without a class (never described) is PFD_KIND_OTHER. */
enum pfd_kind {
	PFD_KIND_UNSET = 0,  /* no class says so: the class table's test catches it */
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
	PFD_KIND_NSFS,       /* a namespace: net:[4026531833] names no path */
	PFD_KIND_MQUEUE,     /* a POSIX message queue: its text is the queue's name */
	PFD_KIND_COUNT
};

PFD_API enum pfd_kind pfd_fdesc_kind(const struct pfd_fdesc *d);
/* "regular", "directory", "pipe", "fifo", "socket", "anon-inode", "memfd",
 * "char-device", "block-device", "symlink", "other", "nsfs", "mqueue";
 * "other" for a value out of range. Never NULL. */
PFD_API const char *pfd_kind_name(enum pfd_kind k);
PFD_API const char *pfd_fdesc_kind_name(const struct pfd_fdesc *d);
/* How a sentence names what the fd holds: "file" (regular), "directory",
 * "symlink", else the kind's name ("pipe", "anon-inode", ...). */
PFD_API const char *pfd_fdesc_noun(const struct pfd_fdesc *d);
/* The kind a stat's st_mode alone says, for a file no class describes (a
 * stat of a link's text): a mode without a file type is an anon inode. */
PFD_API enum pfd_kind pfd_kind_of_mode(uint32_t st_mode);

/* Whether the link's text is a path of the holder's root: false for
 * pipe:[..], socket:[..], anon_inode:..., net:[..], a memfd's label and an
 * mqueue's name (relative to the mqueue file system, not to the root). An
 * fd of no known class whose text starts with '/' may be a path: true. */
PFD_API bool pfd_fdesc_text_is_path(const struct pfd_fdesc *d);
/* Whether st_size is the size of a file's contents (a regular file, a
 * memfd; a block device's capacity is not st_size): false for an mqueue,
 * whose st_size is its status text, and for every kind without one. */
PFD_API bool pfd_fdesc_has_size(const struct pfd_fdesc *d);
/* Whether "deleted" (st_nlink 0: no name left) can be said of it at all:
 * false for pipes, sockets and anon inodes, which never had a name. */
PFD_API bool pfd_fdesc_deletable(const struct pfd_fdesc *d);
/* Whether its text is the label of a file that never had a name in any
 * directory, which the kernel marks " (deleted)" all the same (a memfd:
 * "/memfd:NAME (deleted)"). Such a file has a name to show, not a path. */
PFD_API bool pfd_fdesc_never_named(const struct pfd_fdesc *d);
/* A directory: a path walk goes on from it. */
PFD_API bool pfd_fdesc_is_directory(const struct pfd_fdesc *d);
/* An O_PATH|O_NOFOLLOW fd on a symlink itself: following its magic link
 * ends there (ELOOP), and its text is looked up without following. */
PFD_API bool pfd_fdesc_is_symlink(const struct pfd_fdesc *d);

/* The class's typed fields as the object key (docs/json-schema.md, "fdesc"). */
PFD_API void pfd_fdesc_write(struct pfd_writer *w, const char *key, const struct pfd_fdesc *d);
/* Its fields only, into an object the caller opened. */
PFD_API void pfd_fdesc_write_fields(struct pfd_writer *w, const struct pfd_fdesc *d);
/* Short words, appended: "socket TCP 127.0.0.1:34567 -> 127.0.0.1:80
 * (established)", "timerfd realtime, remaining 9.98s, interval 10s",
 * "net namespace 4026531833". */
PFD_API void pfd_fdesc_text(struct pfd_buf *b, const struct pfd_fdesc *d);

#endif
