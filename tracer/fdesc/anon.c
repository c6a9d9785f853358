/* procfd-trace: classes of anon inodes, told apart by the name in
 * "anon_inode:[NAME]" and described from what fdinfo adds for each (the
 * keys are the kernel's: fs/eventfd.c, fs/eventpoll.c, fs/signalfd.c,
 * fs/timerfd.c, fs/notify/fdinfo.c, kernel/pid.c, io_uring/fdinfo.c,
 * kernel/bpf/syscall.c, fs/userfaultfd.c). */
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "tracer/fdesc/fdesc_impl.h"

static bool anon_is(const struct pfd_fdesc *d, const char *name)
{
	return pfd_fdesc_after(d->text, "anon_inode:") && strcmp(d->anon_name, name) == 0;
}

/* The number after "key:" inside a value such as "5 events: 19 data: ..." */
static uint64_t field_after(const char *value, const char *key, int base)
{
	const char *p = strstr(value, key);

	return p ? strtoull(p + strlen(key), NULL, base) : 0;
}

#define ANON_MATCH(fn, anon)                                                        \
	static bool fn(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)        \
	{                                                                           \
		(void)ctx;                                                          \
		return anon_is(d, anon);                                            \
	}

/* ---- eventfd --------------------------------------------------------------------- */

ANON_MATCH(eventfd_match, "eventfd")

static void eventfd_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "eventfd-count") == 0) {
		d->u.eventfd.count = strtoull(value, NULL, 16); /* printed in hex */
	} else if (strcmp(key, "eventfd-id") == 0) {
		d->u.eventfd.have_id = true;
		d->u.eventfd.id = strtoull(value, NULL, 10);
	} else if (strcmp(key, "eventfd-semaphore") == 0) {
		d->u.eventfd.semaphore = strtoul(value, NULL, 10) != 0;
	}
}

static void eventfd_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	if (d->u.eventfd.have_id)
		pfd_w_uint(w, "eventfd_id", d->u.eventfd.id);
	pfd_w_uint(w, "eventfd_count", d->u.eventfd.count);
	pfd_w_bool(w, "eventfd_semaphore", d->u.eventfd.semaphore);
}

static void eventfd_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "eventfd");
	if (d->u.eventfd.have_id) {
		pfd_buf_puts(b, " id ");
		pfd_buf_uint(b, d->u.eventfd.id);
	}
	pfd_buf_puts(b, ", count ");
	pfd_buf_uint(b, d->u.eventfd.count);
	if (d->u.eventfd.semaphore)
		pfd_buf_puts(b, ", semaphore");
}

static const struct pfd_fdesc_class pfd_fdesc_class_eventfd = {
	.name = "eventfd", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = eventfd_match, .fdinfo_line = eventfd_fdinfo,
	.json = eventfd_json, .text = eventfd_text,
};

/* ---- epoll: "tfd:        5 events:       19 data: ..." per watched fd ------------- */

ANON_MATCH(eventpoll_match, "eventpoll")

static void eventpoll_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "tfd") != 0)
		return;
	if (d->u.epoll.ntfds < sizeof(d->u.epoll.tfds) / sizeof(d->u.epoll.tfds[0]))
		d->u.epoll.tfds[d->u.epoll.ntfds] = atoi(value);
	d->u.epoll.ntfds++;
}

static unsigned epoll_listed(const struct pfd_fdesc *d)
{
	unsigned max = sizeof(d->u.epoll.tfds) / sizeof(d->u.epoll.tfds[0]);

	return d->u.epoll.ntfds < max ? d->u.epoll.ntfds : max;
}

static void eventpoll_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_uint(w, "epoll_ntfds", d->u.epoll.ntfds);
	pfd_w_array(w, "epoll_tfds");
	for (unsigned i = 0; i < epoll_listed(d); i++)
		pfd_w_int(w, NULL, d->u.epoll.tfds[i]);
	pfd_w_end(w);
}

static void eventpoll_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "epoll");
	if (!d->u.epoll.ntfds) {
		pfd_buf_puts(b, ", no fds watched");
		return;
	}
	pfd_buf_puts(b, " tfds ");
	for (unsigned i = 0; i < epoll_listed(d); i++) {
		if (i)
			pfd_buf_putc(b, ',');
		pfd_buf_int(b, d->u.epoll.tfds[i]);
	}
	if (d->u.epoll.ntfds > epoll_listed(d)) {
		pfd_buf_puts(b, ",... (");
		pfd_buf_uint(b, d->u.epoll.ntfds);
		pfd_buf_puts(b, " fds)");
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_eventpoll = {
	.name = "eventpoll", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = eventpoll_match, .fdinfo_line = eventpoll_fdinfo,
	.json = eventpoll_json, .text = eventpoll_text,
};

/* ---- signalfd: "sigmask: 0000000000000200" (bit n-1 is signal n) ------------------ */

ANON_MATCH(signalfd_match, "signalfd")

static void signalfd_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "sigmask") == 0)
		d->u.signalfd.mask = strtoull(value, NULL, 16);
}

/* "USR1", or "SIG40" for a signal without an abbreviation (real-time ones) */
static const char *signal_name(int sig, char *buf, size_t size)
{
	const char *name = sigabbrev_np(sig);

	if (name)
		return name;
	snprintf(buf, size, "SIG%d", sig);
	return buf;
}

static void signalfd_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	char buf[16];

	pfd_w_array(w, "signalfd_mask");
	for (int sig = 1; sig <= 64; sig++)
		if (d->u.signalfd.mask & (1ULL << (sig - 1)))
			pfd_w_str(w, NULL, signal_name(sig, buf, sizeof(buf)));
	pfd_w_end(w);
}

static void signalfd_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	bool first = true;
	char buf[16];

	pfd_buf_puts(b, "signalfd mask ");
	for (int sig = 1; sig <= 64; sig++) {
		if (!(d->u.signalfd.mask & (1ULL << (sig - 1))))
			continue;
		if (!first)
			pfd_buf_putc(b, ',');
		pfd_buf_puts(b, signal_name(sig, buf, sizeof(buf)));
		first = false;
	}
	if (first)
		pfd_buf_puts(b, "empty");
}

static const struct pfd_fdesc_class pfd_fdesc_class_signalfd = {
	.name = "signalfd", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = signalfd_match, .fdinfo_line = signalfd_fdinfo,
	.json = signalfd_json, .text = signalfd_text,
};

/* ---- timerfd: clockid, ticks, "it_value: (0, 49406829)", it_interval ------------- */

ANON_MATCH(timerfd_match, "timerfd")

static void parse_pair(const char *value, int64_t *sec, int64_t *nsec)
{
	long long s = 0, ns = 0;

	if (sscanf(value, "(%lld, %lld)", &s, &ns) == 2) {
		*sec = s;
		*nsec = ns;
	}
}

static void timerfd_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "clockid") == 0) {
		d->u.timerfd.clockid = atoi(value);
	} else if (strcmp(key, "ticks") == 0) {
		d->u.timerfd.ticks = strtoull(value, NULL, 10);
	} else if (strcmp(key, "it_value") == 0) {
		d->u.timerfd.have_value = true;
		parse_pair(value, &d->u.timerfd.value_sec, &d->u.timerfd.value_nsec);
	} else if (strcmp(key, "it_interval") == 0) {
		parse_pair(value, &d->u.timerfd.interval_sec, &d->u.timerfd.interval_nsec);
	}
}

static const char *clock_name(int clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME: return "realtime";
	case CLOCK_MONOTONIC: return "monotonic";
	case CLOCK_BOOTTIME: return "boottime";
	case CLOCK_REALTIME_ALARM: return "realtime-alarm";
	case CLOCK_BOOTTIME_ALARM: return "boottime-alarm";
	default: return NULL;
	}
}

static void timerfd_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	const char *clock = clock_name(d->u.timerfd.clockid);

	if (clock)
		pfd_w_str(w, "timerfd_clockid", clock);
	else
		pfd_w_int(w, "timerfd_clockid", d->u.timerfd.clockid);
	pfd_w_uint(w, "timerfd_ticks", d->u.timerfd.ticks);
	if (d->u.timerfd.have_value) {
		pfd_w_int(w, "timerfd_remaining_ns",
			  d->u.timerfd.value_sec * 1000000000LL + d->u.timerfd.value_nsec);
		pfd_w_int(w, "timerfd_interval_ns",
			  d->u.timerfd.interval_sec * 1000000000LL + d->u.timerfd.interval_nsec);
	}
}

/* "9.98s", "10s", "0.001s": seconds with up to three decimals, trailing zeros dropped */
static void seconds_text(struct pfd_buf *b, int64_t sec, int64_t nsec)
{
	int64_t ms = nsec / 1000000;

	pfd_buf_int(b, sec);
	if (ms) {
		char frac[8];
		int n = snprintf(frac, sizeof(frac), ".%03d", (int)ms);
		while (n > 1 && frac[n - 1] == '0')
			frac[--n] = '\0';
		pfd_buf_puts(b, frac);
	}
	pfd_buf_putc(b, 's');
}

static void timerfd_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	const char *clock = clock_name(d->u.timerfd.clockid);

	pfd_buf_puts(b, "timerfd ");
	if (clock) {
		pfd_buf_puts(b, clock);
	} else {
		pfd_buf_puts(b, "clock ");
		pfd_buf_int(b, d->u.timerfd.clockid);
	}
	if (!d->u.timerfd.have_value)
		return;
	if (!d->u.timerfd.value_sec && !d->u.timerfd.value_nsec) {
		pfd_buf_puts(b, ", disarmed");
		return;
	}
	pfd_buf_puts(b, ", remaining ");
	seconds_text(b, d->u.timerfd.value_sec, d->u.timerfd.value_nsec);
	if (d->u.timerfd.interval_sec || d->u.timerfd.interval_nsec) {
		pfd_buf_puts(b, ", interval ");
		seconds_text(b, d->u.timerfd.interval_sec, d->u.timerfd.interval_nsec);
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_timerfd = {
	.name = "timerfd", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = timerfd_match, .fdinfo_line = timerfd_fdinfo,
	.json = timerfd_json, .text = timerfd_text,
};

/* ---- inotify: "inotify wd:1 ino:6b sdev:800001 mask:..." per watch --------------- */

ANON_MATCH(inotify_match, "inotify")

static void inotify_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	unsigned i = d->u.inotify.nwatches;
	uint64_t sdev;

	if (strcmp(key, "inotify wd") != 0)
		return;
	d->u.inotify.nwatches++;
	if (i >= sizeof(d->u.inotify.w) / sizeof(d->u.inotify.w[0]))
		return;
	d->u.inotify.w[i].ino = field_after(value, "ino:", 16);
	/* the kernel's own dev_t: 12 bits of major above 20 of minor */
	sdev = field_after(value, "sdev:", 16);
	d->u.inotify.w[i].major = (unsigned)(sdev >> 20);
	d->u.inotify.w[i].minor = (unsigned)(sdev & 0xfffff);
}

static unsigned inotify_listed(const struct pfd_fdesc *d)
{
	unsigned max = sizeof(d->u.inotify.w) / sizeof(d->u.inotify.w[0]);

	return d->u.inotify.nwatches < max ? d->u.inotify.nwatches : max;
}

static void inotify_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	char dev[32];

	pfd_w_uint(w, "inotify_nwatches", d->u.inotify.nwatches);
	pfd_w_array(w, "inotify_watches");
	for (unsigned i = 0; i < inotify_listed(d); i++) {
		pfd_w_object(w, NULL);
		pfd_w_uint(w, "ino", d->u.inotify.w[i].ino);
		snprintf(dev, sizeof(dev), "%u:%u", d->u.inotify.w[i].major, d->u.inotify.w[i].minor);
		pfd_w_str(w, "dev", dev);
		pfd_w_end(w);
	}
	pfd_w_end(w);
}

static void inotify_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "inotify");
	if (!d->u.inotify.nwatches) {
		pfd_buf_puts(b, ", no watches");
		return;
	}
	pfd_buf_puts(b, " inodes ");
	for (unsigned i = 0; i < inotify_listed(d); i++) {
		if (i)
			pfd_buf_putc(b, ',');
		pfd_buf_uint(b, d->u.inotify.w[i].ino);
		pfd_buf_putc(b, '@');
		pfd_buf_uint(b, d->u.inotify.w[i].major);
		pfd_buf_putc(b, ':');
		pfd_buf_uint(b, d->u.inotify.w[i].minor);
	}
	if (d->u.inotify.nwatches > inotify_listed(d))
		pfd_buf_puts(b, ",...");
}

static const struct pfd_fdesc_class pfd_fdesc_class_inotify = {
	.name = "inotify", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = inotify_match, .fdinfo_line = inotify_fdinfo,
	.json = inotify_json, .text = inotify_text,
};

/* ---- fanotify: "fanotify flags:10 event-flags:0", then a line per mark ------------- */

ANON_MATCH(fanotify_match, "fanotify")

static void fanotify_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "fanotify flags") == 0) {
		d->u.fanotify.flags = (uint32_t)strtoul(value, NULL, 16);
		d->u.fanotify.event_flags = (uint32_t)field_after(value, "event-flags:", 16);
	} else if (pfd_fdesc_after(key, "fanotify ")) {
		d->u.fanotify.nmarks++; /* "fanotify ino", "fanotify mnt_id", "fanotify sdev" */
	}
}

static void fanotify_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_uint(w, "fanotify_flags", d->u.fanotify.flags);
	pfd_w_uint(w, "fanotify_event_flags", d->u.fanotify.event_flags);
	pfd_w_uint(w, "fanotify_nmarks", d->u.fanotify.nmarks);
}

static void fanotify_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "fanotify flags ");
	pfd_buf_hex(b, d->u.fanotify.flags);
	pfd_buf_puts(b, ", ");
	pfd_buf_uint(b, d->u.fanotify.nmarks);
	pfd_buf_puts(b, d->u.fanotify.nmarks == 1 ? " mark" : " marks");
}

static const struct pfd_fdesc_class pfd_fdesc_class_fanotify = {
	.name = "fanotify", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = fanotify_match, .fdinfo_line = fanotify_fdinfo,
	.json = fanotify_json, .text = fanotify_text,
};

/* ---- pidfd: "Pid: 123", "NSpid: 123 1" (the last is the innermost namespace's) ---- */

ANON_MATCH(pidfd_match, "pidfd")

static void pidfd_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "Pid") == 0) {
		d->u.pidfd.pid = atoi(value);
	} else if (strcmp(key, "NSpid") == 0) {
		const char *last = value;
		for (const char *p = value; *p; p++)
			if ((*p == '\t' || *p == ' ') && p[1] && p[1] != '\t' && p[1] != ' ')
				last = p + 1;
		d->u.pidfd.have_nspid = true;
		d->u.pidfd.nspid = atoi(last);
	}
}

static void pidfd_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_int(w, "pidfd_pid", d->u.pidfd.pid);
	if (d->u.pidfd.have_nspid)
		pfd_w_int(w, "pidfd_nspid", d->u.pidfd.nspid);
}

static void pidfd_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "pidfd");
	if (d->u.pidfd.pid <= 0) {
		pfd_buf_puts(b, d->u.pidfd.pid < 0 ? " of an exited process" : "");
		return;
	}
	pfd_buf_puts(b, " pid ");
	pfd_buf_int(b, d->u.pidfd.pid);
	if (d->u.pidfd.have_nspid && d->u.pidfd.nspid != d->u.pidfd.pid) {
		pfd_buf_puts(b, " (");
		pfd_buf_int(b, d->u.pidfd.nspid);
		pfd_buf_puts(b, " in its namespace)");
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_pidfd = {
	.name = "pidfd", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = pidfd_match, .fdinfo_line = pidfd_fdinfo,
	.json = pidfd_json, .text = pidfd_text,
};

/* ---- io_uring: ring sizes and positions ---------------------------------------- */

ANON_MATCH(io_uring_match, "io_uring")

static void io_uring_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	uint64_t v = strtoull(value, NULL, 0);

	if (strcmp(key, "SqMask") == 0)
		d->u.io_uring.sq_entries = (unsigned)v + 1;
	else if (strcmp(key, "CqMask") == 0)
		d->u.io_uring.cq_entries = (unsigned)v + 1;
	else if (strcmp(key, "SqHead") == 0)
		d->u.io_uring.sq_head = v;
	else if (strcmp(key, "SqTail") == 0)
		d->u.io_uring.sq_tail = v;
	else if (strcmp(key, "CqHead") == 0)
		d->u.io_uring.cq_head = v;
	else if (strcmp(key, "CqTail") == 0)
		d->u.io_uring.cq_tail = v;
}

static void io_uring_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_uint(w, "io_uring_sq_entries", d->u.io_uring.sq_entries);
	pfd_w_uint(w, "io_uring_cq_entries", d->u.io_uring.cq_entries);
	pfd_w_uint(w, "io_uring_sq_head", d->u.io_uring.sq_head);
	pfd_w_uint(w, "io_uring_sq_tail", d->u.io_uring.sq_tail);
	pfd_w_uint(w, "io_uring_cq_head", d->u.io_uring.cq_head);
	pfd_w_uint(w, "io_uring_cq_tail", d->u.io_uring.cq_tail);
}

static void io_uring_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "io_uring sq ");
	pfd_buf_uint(b, d->u.io_uring.sq_entries);
	pfd_buf_puts(b, " entries, cq ");
	pfd_buf_uint(b, d->u.io_uring.cq_entries);
	pfd_buf_puts(b, " entries");
}

static const struct pfd_fdesc_class pfd_fdesc_class_io_uring = {
	.name = "io_uring", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = io_uring_match, .fdinfo_line = io_uring_fdinfo,
	.json = io_uring_json, .text = io_uring_text,
};

/* ---- bpf maps, programs, links ---------------------------------------------------- */

ANON_MATCH(bpf_map_match, "bpf-map")
ANON_MATCH(bpf_prog_match, "bpf-prog")
ANON_MATCH(bpf_link_match, "bpf_link")

/* enum bpf_map_type / bpf_prog_type: the first few, which cover most fds */
static const char *const map_types[] = {
	"unspec", "hash", "array", "prog_array", "perf_event_array", "percpu_hash",
	"percpu_array", "stack_trace", "cgroup_array", "lru_hash", "lru_percpu_hash",
	"lpm_trie", "array_of_maps", "hash_of_maps", "devmap", "sockmap", "cpumap",
	"xskmap", "sockhash", "cgroup_storage", "reuseport_sockarray",
	"percpu_cgroup_storage", "queue", "stack", "sk_storage", "devmap_hash",
	"struct_ops", "ringbuf", "inode_storage", "task_storage", "bloom_filter",
	"user_ringbuf", "cgrp_storage", "arena",
};
static const char *const prog_types[] = {
	"unspec", "socket_filter", "kprobe", "sched_cls", "sched_act", "tracepoint", "xdp",
	"perf_event", "cgroup_skb", "cgroup_sock", "lwt_in", "lwt_out", "lwt_xmit",
	"sock_ops", "sk_skb", "cgroup_device", "sk_msg", "raw_tracepoint",
	"cgroup_sock_addr", "lwt_seg6local", "lirc_mode2", "sk_reuseport", "flow_dissector",
	"cgroup_sysctl", "raw_tracepoint_writable", "cgroup_sockopt", "tracing",
	"struct_ops", "ext", "lsm", "sk_lookup", "syscall", "netfilter",
};

static void set_type(struct pfd_fdesc *d, const char *value, const char *const *names,
		     size_t n)
{
	d->u.bpf.type = (uint32_t)strtoul(value, NULL, 10);
	if (d->u.bpf.type < n)
		pfd_fdesc_copy(d->u.bpf.type_name, sizeof(d->u.bpf.type_name),
			       names[d->u.bpf.type], strlen(names[d->u.bpf.type]));
}

static void set_id(struct pfd_fdesc *d, const char *value)
{
	d->u.bpf.have_id = true;
	d->u.bpf.id = (uint32_t)strtoul(value, NULL, 10);
}

static void bpf_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "map_type") == 0)
		set_type(d, value, map_types, sizeof(map_types) / sizeof(map_types[0]));
	else if (strcmp(key, "prog_type") == 0)
		set_type(d, value, prog_types, sizeof(prog_types) / sizeof(prog_types[0]));
	else if (strcmp(key, "link_type") == 0) /* a name already */
		pfd_fdesc_copy(d->u.bpf.type_name, sizeof(d->u.bpf.type_name), value,
			       strlen(value));
	else if (strcmp(key, "map_id") == 0 || strcmp(key, "link_id") == 0)
		set_id(d, value);
	else if (strcmp(key, "prog_id") == 0 && anon_is(d, "bpf-prog"))
		set_id(d, value);
	else if (strcmp(key, "prog_id") == 0)
		d->u.bpf.prog_id = (uint32_t)strtoul(value, NULL, 10);
	else if (strcmp(key, "prog_tag") == 0)
		pfd_fdesc_copy(d->u.bpf.tag, sizeof(d->u.bpf.tag), value, strlen(value));
	else if (strcmp(key, "key_size") == 0)
		d->u.bpf.key_size = (uint32_t)strtoul(value, NULL, 10);
	else if (strcmp(key, "value_size") == 0)
		d->u.bpf.value_size = (uint32_t)strtoul(value, NULL, 10);
	else if (strcmp(key, "max_entries") == 0)
		d->u.bpf.max_entries = (uint32_t)strtoul(value, NULL, 10);
}

static void bpf_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	if (d->u.bpf.have_id)
		pfd_w_uint(w, "bpf_id", d->u.bpf.id);
	if (!anon_is(d, "bpf_link"))
		pfd_w_uint(w, "bpf_type", d->u.bpf.type);
	if (d->u.bpf.type_name[0])
		pfd_w_str(w, "bpf_type_name", d->u.bpf.type_name);
	if (d->u.bpf.tag[0])
		pfd_w_str(w, "bpf_prog_tag", d->u.bpf.tag);
	if (anon_is(d, "bpf-map")) {
		pfd_w_uint(w, "bpf_key_size", d->u.bpf.key_size);
		pfd_w_uint(w, "bpf_value_size", d->u.bpf.value_size);
		pfd_w_uint(w, "bpf_max_entries", d->u.bpf.max_entries);
	}
	if (anon_is(d, "bpf_link") && d->u.bpf.prog_id)
		pfd_w_uint(w, "bpf_prog_id", d->u.bpf.prog_id);
}

static void bpf_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, d->cls->name);
	if (d->u.bpf.have_id) {
		pfd_buf_puts(b, " id ");
		pfd_buf_uint(b, d->u.bpf.id);
	}
	pfd_buf_puts(b, " type ");
	if (d->u.bpf.type_name[0])
		pfd_buf_puts(b, d->u.bpf.type_name);
	else
		pfd_buf_uint(b, d->u.bpf.type);
	if (d->u.bpf.prog_id) {
		pfd_buf_puts(b, " prog ");
		pfd_buf_uint(b, d->u.bpf.prog_id);
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_bpf_map = {
	.name = "bpf-map", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = bpf_map_match, .fdinfo_line = bpf_fdinfo,
	.json = bpf_json, .text = bpf_text,
};
static const struct pfd_fdesc_class pfd_fdesc_class_bpf_prog = {
	.name = "bpf-prog", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = bpf_prog_match, .fdinfo_line = bpf_fdinfo,
	.json = bpf_json, .text = bpf_text,
};
static const struct pfd_fdesc_class pfd_fdesc_class_bpf_link = {
	.name = "bpf-link", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = bpf_link_match, .fdinfo_line = bpf_fdinfo,
	.json = bpf_json, .text = bpf_text,
};

/* ---- userfaultfd: "pending: 0", "total: 0", "API: aa:0:..." ----------------------- */

ANON_MATCH(uffd_match, "userfaultfd")

static void uffd_fdinfo(struct pfd_fdesc *d, const char *key, const char *value)
{
	if (strcmp(key, "pending") == 0) {
		d->u.uffd.have = true;
		d->u.uffd.pending = strtoull(value, NULL, 10);
	} else if (strcmp(key, "total") == 0) {
		d->u.uffd.total = strtoull(value, NULL, 10);
	} else if (strcmp(key, "API") == 0) {
		d->u.uffd.api = strtoull(value, NULL, 16);
	}
}

static void uffd_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	if (!d->u.uffd.have)
		return;
	pfd_w_uint(w, "uffd_pending", d->u.uffd.pending);
	pfd_w_uint(w, "uffd_total", d->u.uffd.total);
	pfd_w_uint(w, "uffd_api", d->u.uffd.api);
}

static void uffd_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "userfaultfd");
	if (d->u.uffd.have) {
		pfd_buf_puts(b, ", ");
		pfd_buf_uint(b, d->u.uffd.pending);
		pfd_buf_puts(b, " pending of ");
		pfd_buf_uint(b, d->u.uffd.total);
	}
}

static const struct pfd_fdesc_class pfd_fdesc_class_userfaultfd = {
	.name = "userfaultfd", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = uffd_match, .fdinfo_line = uffd_fdinfo,
	.json = uffd_json, .text = uffd_text,
};

/* ---- perf_event (fdinfo adds nothing) and any other anon inode --------------------- */

ANON_MATCH(perf_event_match, "perf_event")

static void anon_json(const struct pfd_fdesc *d, struct pfd_writer *w)
{
	pfd_w_str(w, "anon_name", d->anon_name);
}

static void anon_text(const struct pfd_fdesc *d, struct pfd_buf *b)
{
	pfd_buf_puts(b, "anon inode ");
	pfd_buf_puts(b, d->anon_name[0] ? d->anon_name : "(unnamed)");
}

static const struct pfd_fdesc_class pfd_fdesc_class_perf_event = {
	.name = "perf_event", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = perf_event_match, .json = anon_json, .text = anon_text,
};

static bool anon_match(const struct pfd_fdesc *d, struct pfd_fdesc_ctx *ctx)
{
	(void)ctx;
	return pfd_fdesc_after(d->text, "anon_inode:") != NULL;
}

static const struct pfd_fdesc_class pfd_fdesc_class_anon_inode = {
	.name = "anon_inode", .kind = PFD_KIND_ANON_INODE,
	.facts = PFD_FDESC_FACTS(0),
	.match = anon_match, .json = anon_json, .text = anon_text,
};

/* The anon inode classes, in match order: each takes its own name in
 * "anon_inode:[NAME]", whatever the inode's mode; anon_inode, the
 * catch-all, comes last. A new anon inode class goes before it. */
const struct pfd_fdesc_class *const pfd_fdesc_anon_classes[] = {
	&pfd_fdesc_class_eventfd,
	&pfd_fdesc_class_eventpoll,
	&pfd_fdesc_class_signalfd,
	&pfd_fdesc_class_timerfd,
	&pfd_fdesc_class_inotify,
	&pfd_fdesc_class_fanotify,
	&pfd_fdesc_class_pidfd,
	&pfd_fdesc_class_io_uring,
	&pfd_fdesc_class_bpf_map,
	&pfd_fdesc_class_bpf_prog,
	&pfd_fdesc_class_bpf_link,
	&pfd_fdesc_class_userfaultfd,
	&pfd_fdesc_class_perf_event,
	&pfd_fdesc_class_anon_inode,
	NULL,
};
