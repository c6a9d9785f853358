/* procfd-trace: the fd-description library's inside (tracer/fdesc/).
 *
 * A class is a table of functions, as lsfd's file_class and anon_ops are:
 * match picks it from the probe's facts, fdinfo_line takes fdinfo one line
 * at a time, read fetches from other sources, json and text write the typed
 * fields. What the kind is for every consumer (its coarse kind, whether
 * its text is a path, ...) is the class's kind and facts: consumers ask
 * fdesc.h's queries, never the class's name. Adding a kind is one class in
 * one file, listed in that file's family list; the steps are in
 * docs/ARCHITECTURE.md. */
#ifndef PROCFD_FDESC_IMPL_H
#define PROCFD_FDESC_IMPL_H

#include "procfd/fdesc.h"

/* A class's facts (bits of pfd_fdesc_class.facts), each the answer to one
 * query of fdesc.h. A class states them with PFD_FDESC_FACTS(...), even
 * when none is true: PFD_FACT_STATED tells "none" from "forgotten". */
enum {
	PFD_FACT_STATED       = 1u << 0,
	PFD_FACT_TEXT_IS_PATH = 1u << 1, /* the link's text names a path in the holder's root */
	PFD_FACT_HAS_SIZE     = 1u << 2, /* st_size is a content size */
	PFD_FACT_DELETABLE    = 1u << 3, /* it can have had a name and lost it (nlink 0) */
	PFD_FACT_NEVER_NAMED  = 1u << 4, /* its text labels a file that never had a name */
};
#define PFD_FDESC_FACTS(bits) (PFD_FACT_STATED | (bits))

struct pfd_fdesc_class {
	const char *name;
	enum pfd_kind kind;  /* the coarse kind (fdesc.h); PFD_KIND_UNSET is a bug */
	unsigned facts;      /* PFD_FDESC_FACTS(PFD_FACT_...) */
	bool (*match)(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx);
	/* NULL: fdinfo is read only for its common keys (pos, flags, mnt_id). */
	void (*fdinfo_line)(struct pfd_fdesc *d, const char *key, const char *value);
	/* Sources besides fdinfo; NULL when none. */
	void (*read)(struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx, int proc_dir);
	void (*json)(const struct pfd_fdesc *d, struct pfd_writer *w);
	void (*text)(const struct pfd_fdesc *d, struct pfd_buf *b);
};

struct pfd_fdesc_netns; /* sock.c */

struct pfd_fdesc_ctx {
	struct { uint64_t dev; unsigned long magic; } fs[16];
	unsigned nfs;
	bool have_devices, have_misc;
	struct pfd_fdesc_major { bool block; unsigned major; char name[32]; } *majors;
	unsigned nmajors;
	struct pfd_fdesc_misc { unsigned minor; char name[32]; } *misc;
	unsigned nmisc;
	struct pfd_fdesc_netns *netns; /* a list: few namespaces per run */
	unsigned net_loads;
	bool use_sock_diag;
	bool single;                   /* made for one description: no batch to serve */
	bool no_fd_copy;               /* the holders may be running: no pidfd_getfd */
	pid_t last_pid;                /* the netns of the last pid asked */
	uint64_t last_netns;
};

void pfd_fdesc_netns_free_all(struct pfd_fdesc_ctx *ctx);

/* Each family file's classes, in match order, NULL-terminated; the
 * families in match order (fdesc_classes.c): the first class that matches
 * is the fd's; the last (unknown) matches everything. */
extern const struct pfd_fdesc_class *const pfd_fdesc_anon_classes[];
extern const struct pfd_fdesc_class *const pfd_fdesc_sock_classes[];
extern const struct pfd_fdesc_class *const pfd_fdesc_dev_classes[];
extern const struct pfd_fdesc_class *const pfd_fdesc_file_classes[];
extern const struct pfd_fdesc_class *const *const pfd_fdesc_families[];
extern const struct pfd_fdesc_class pfd_fdesc_class_unknown;
/* The i-th class of the table in match order, NULL past the end. */
const struct pfd_fdesc_class *pfd_fdesc_class_at(unsigned i);

/* The class called name in the table, or NULL (for tests that build a
 * description by hand). */
const struct pfd_fdesc_class *pfd_fdesc_class_named(const char *name);

/* Keep a failure as a record (the first four are kept). */
void pfd_fdesc_fail(struct pfd_fdesc *d, const char *step, int err);

/* An fd under /proc/PID (proc_dir, or /proc/PID when -1): openat's result or -errno. */
int pfd_fdesc_open_proc(int proc_dir, pid_t pid, const char *rel, int flags);
/* A small file read whole into buf (NUL-terminated, cut at size-1): its
 * length, or -errno. */
ssize_t pfd_fdesc_read_file(int proc_dir, pid_t pid, const char *rel, char *buf, size_t size);

/* Whether s starts with prefix; the rest after it. */
const char *pfd_fdesc_after(const char *s, const char *prefix);
/* Copy at most size-1 bytes, always terminated. */
void pfd_fdesc_copy(char *dst, size_t size, const char *src, size_t len);

/* The filesystem magic of the file's st_dev (statfs through the link),
 * cached per device in ctx. 0 when unknown. */
unsigned long pfd_fdesc_fs_magic(struct pfd_fdesc_ctx *ctx, const struct pfd_fdesc *d);
/* A device major's name in /proc/devices (block or char), "" unknown; a
 * misc device's name from /proc/misc. Cached in ctx. */
const char *pfd_fdesc_major_name(struct pfd_fdesc_ctx *ctx, bool block, unsigned major);
const char *pfd_fdesc_misc_name(struct pfd_fdesc_ctx *ctx, unsigned minor);

/* The socket tables of a namespace: fill d->u.sock for its inode. */
void pfd_fdesc_sock_lookup(struct pfd_fdesc_ctx *ctx, int proc_dir, struct pfd_fdesc *d);

/* Writers of fields shared by classes. */
void pfd_fdesc_w_errors(struct pfd_writer *w, const struct pfd_fdesc *d);

/* ---- pure parts, for the unit tests -------------------------------------------- */

/* One line of /proc/net/{tcp,udp,raw,icmp,udplite}[6]: 0 and s filled
 * (protocol, type and family as the table says), or -EINVAL. */
int pfd_fdesc_parse_inet_line(const char *line, bool v6, struct pfd_fdesc_sock *s);
/* One line of /proc/net/unix, netlink, packet. */
int pfd_fdesc_parse_unix_line(const char *line, struct pfd_fdesc_sock *s);
int pfd_fdesc_parse_netlink_line(const char *line, struct pfd_fdesc_sock *s);
int pfd_fdesc_parse_packet_line(const char *line, struct pfd_fdesc_sock *s);
/* "127.0.0.1:80", "[::1]:80" ("0.0.0.0:0" for the unspecified address). */
void pfd_fdesc_inet_text(struct pfd_buf *b, const struct pfd_fdesc_inet *a);
/* "TCP" state names: "listen", "established", ... from the kernel's number. */
const char *pfd_fdesc_tcp_state_name(unsigned st);
/* Feed a whole fdinfo text to d's class (as a describe would); the class is
 * chosen from d's probe fields first. For tests. */
void pfd_fdesc_classify(struct pfd_fdesc *d);
void pfd_fdesc_feed_fdinfo(struct pfd_fdesc *d, const char *text);

#endif
