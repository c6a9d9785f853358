/* procfd-trace: remote unwinding with libunwind, through accessors of our own.
 *
 * libunwind's stock _UPT_accessors cost 29-41 us for an 8-deep stack here:
 * they read a register per PTRACE_PEEKUSER and memory a word per
 * PTRACE_PEEKDATA. Ours take the registers from one PTRACE_GETREGS per
 * capture and memory a page at a time with process_vm_readv into a small
 * cache that lives for one capture (the tracee runs between captures, so
 * its stack does not stay valid): 12-18 us. Finding the unwind info of an
 * ip (reading /proc/PID/maps, mapping the ELF file, locating
 * .eh_frame_hdr) is left to _UPT_find_proc_info, with a _UPT_create
 * context kept per image; with UNW_CACHE_GLOBAL and one address space per
 * process image, that runs only the first time an ip is met. Recreating
 * the address space per capture would cost 2.5 ms.
 *
 * libunwind calls our memory accessor with the argument of whichever
 * accessor is running: our capture state when it walks the stack, the
 * _UPT context while _UPT_find_proc_info searches a table. Both resolve to
 * the one capture in progress (the tracer is single-threaded).
 *
 * process_vm_readv fails with EPERM or ENOSYS where a sandbox filters it;
 * PTRACE_PEEKDATA still works for a tracer. The fallback holds for the rest
 * of the capture that met the failure only: the next capture tries
 * process_vm_readv again (a tracee may have changed credentials, and a
 * global switch would make every later capture 2-3x slower for good). */
#include <errno.h>
#include <libunwind-ptrace.h>
#include <linux/audit.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "tracer/stack/unwind.h"

#define PAGE 4096u
#define CACHE_PAGES 16     /* a deep stack spans few pages; a table search, more */
#define RS_CACHE_SIZE 1024 /* libunwind's per-ip register-state cache (default 128) */

struct pfd_unwinder {
	unw_addr_space_t as;
	void *upt;      /* _UPT_create context: libunwind's unwind-table reader */
	pid_t upt_tid;  /* whose /proc/<tid>/maps it reads */
	uint64_t id;    /* names it in the replay memos; a new one after a flush */
};

struct cached_page {
	uint64_t base;
	unsigned char bytes[PAGE];
};

/* What one walk read through the accessors, in order: the registers and
 * the memory words its result depends on. */
#define LOG_REGS 32
#define LOG_WORDS 256

struct walk_log {
	unsigned nregs, nwords;
	bool overflow; /* more than fits: not memoized */
	struct { unw_regnum_t reg; uint64_t val; } regs[LOG_REGS];
	struct { uint64_t addr, val; } words[LOG_WORDS];
};

/* The capture in progress. Static: no allocation per capture. */
static struct capture {
	struct pfd_unwinder *uw; /* NULL between captures */
	pid_t tid;
	struct user_regs_struct regs;
	bool peek_only; /* process_vm_readv was refused during this capture */
	unsigned npages, next_victim;
	struct cached_page pages[CACHE_PAGES];
	struct walk_log log;
	bool cold; /* find_proc_info ran: libunwind also read unwind tables and CFI */
	uint64_t leaf; /* the innermost ip of a frameless stub (frameless_leaf), or 0 */
} cap;

/* Replay memos: a walk is a function of what it read (and of the image's
 * unwind tables), so when every register and stack word a past walk of
 * this image read holds the same value now, its ips are this walk's too
 * (the rules for an ip are the image's, as libunwind's own cache assumes).
 * A loop that opens files from one call site then costs a register read,
 * the stack pages and a comparison instead of libunwind's steps (each
 * unw_step of libunwind 1.6 also takes a mutex between two sigprocmask
 * calls: 4-5 us of an 8-deep capture). Global and few: the tracer is
 * single-threaded, and a hot call site is what pays. */
#define MEMOS 8

#define MEMO_PAGES 8

static struct memo {
	uint64_t uw_id; /* 0: empty */
	size_t max, depth;
	struct walk_log log;
	unsigned npages;             /* the distinct pages of log.words */
	uint64_t pages[MEMO_PAGES];
	uint64_t ips[PFD_UNWIND_MEMO_FRAMES];
} memos[MEMOS];
static unsigned next_memo;
static uint64_t last_uw_id;

static struct pfd_unwind_stats stats;
static int simulated_vm_errno;

bool pfd_unwind_arch_supported(uint32_t audit_arch)
{
#if defined(__x86_64__)
	/* x32 shares the x86_64 audit arch and register set. */
	return audit_arch == AUDIT_ARCH_X86_64;
#else
	(void)audit_arch;
	return false;
#endif
}

/* ---- memory ------------------------------------------------------------- */

static int vm_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	if (simulated_vm_errno) {
		errno = simulated_vm_errno;
		return -1;
	}
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	if (n == (ssize_t)len)
		return 0;
	if (n >= 0)
		errno = EFAULT;
	return -1;
}

static int peek_word(pid_t tid, uint64_t addr, uint64_t *val)
{
	errno = 0;
	long w = ptrace(PTRACE_PEEKDATA, tid, (void *)(uintptr_t)addr, NULL);
	if (errno)
		return -1;
	stats.peek_words++;
	*val = (uint64_t)w;
	return 0;
}

static const unsigned char *cached_page_of(struct capture *c, uint64_t base)
{
	for (unsigned i = 0; i < c->npages; i++)
		if (c->pages[i].base == base)
			return c->pages[i].bytes;
	return NULL;
}

/* The page at base, read into the cache (evicting round-robin). NULL with
 * errno set when it cannot be read. */
static const unsigned char *load_page(struct capture *c, uint64_t base)
{
	unsigned slot = c->npages < CACHE_PAGES ? c->npages : c->next_victim++ % CACHE_PAGES;
	struct cached_page *p = &c->pages[slot];
	if (vm_read(c->tid, base, p->bytes, PAGE) < 0)
		return NULL;
	stats.page_reads++;
	p->base = base;
	if (slot == c->npages)
		c->npages++;
	return p->bytes;
}

/* The pages at bases that are not cached yet, read in one process_vm_readv
 * (a replayed walk knows its pages: 2 reads of an 8-deep stack become 1).
 * Only into free slots; on any failure nothing is kept, and read_word
 * loads page by page as usual. */
static void prefetch_pages(struct capture *c, const uint64_t *bases, unsigned n)
{
	struct iovec local[CACHE_PAGES], remote[CACHE_PAGES];
	unsigned k = 0;
	if (c->peek_only || simulated_vm_errno)
		return;
	for (unsigned i = 0; i < n && c->npages + k < CACHE_PAGES; i++) {
		if (cached_page_of(c, bases[i]))
			continue;
		struct cached_page *p = &c->pages[c->npages + k];
		p->base = bases[i];
		local[k] = (struct iovec){ p->bytes, PAGE };
		remote[k++] = (struct iovec){ (void *)(uintptr_t)bases[i], PAGE };
	}
	if (k == 0 || process_vm_readv(c->tid, local, k, remote, k, 0) != (ssize_t)(k * PAGE))
		return;
	stats.page_reads++;
	c->npages += k;
}

/* One aligned word (libunwind reads words), from the cache or a new page. */
static int read_word(struct capture *c, uint64_t addr, uint64_t *val)
{
	uint64_t base = addr & ~(uint64_t)(PAGE - 1);
	size_t off = (size_t)(addr - base);

	if (!c->peek_only && off <= PAGE - sizeof(*val)) {
		const unsigned char *p = cached_page_of(c, base);
		if (!p)
			p = load_page(c, base);
		if (p) {
			memcpy(val, p + off, sizeof(*val));
			return 0;
		}
		if (errno != EPERM && errno != ENOSYS)
			return -1; /* EFAULT: not mapped; ESRCH: gone */
		c->peek_only = true;
	}
	/* a word straddling two pages, or process_vm_readv refused */
	return peek_word(c->tid, addr, val);
}

/* ---- the walk's log --------------------------------------------------------- */

static void log_word(struct walk_log *l, uint64_t addr, uint64_t val)
{
	if (l->nwords == LOG_WORDS) {
		l->overflow = true;
		return;
	}
	l->words[l->nwords].addr = addr;
	l->words[l->nwords++].val = val;
}

static void log_reg(struct walk_log *l, unw_regnum_t reg, uint64_t val)
{
	if (l->nregs == LOG_REGS) {
		l->overflow = true;
		return;
	}
	l->regs[l->nregs].reg = reg;
	l->regs[l->nregs++].val = val;
}

/* ---- accessors ----------------------------------------------------------- */

static struct capture *capture_of(void *arg)
{
	if (cap.uw && (arg == &cap || arg == cap.uw->upt))
		return &cap;
	return NULL;
}

static int access_mem(unw_addr_space_t as, unw_word_t addr, unw_word_t *val, int write,
		      void *arg)
{
	(void)as;
	struct capture *c = capture_of(arg);
	uint64_t v;
	if (!c || write)
		return -UNW_EINVAL; /* we never change the tracee */
	if (read_word(c, addr, &v) < 0)
		return -UNW_EINVAL;
	log_word(&c->log, addr, v);
	*val = v;
	return 0;
}

static unsigned long long *reg_slot(struct user_regs_struct *r, unw_regnum_t reg)
{
	switch (reg) {
	case UNW_X86_64_RAX: return &r->rax;
	case UNW_X86_64_RDX: return &r->rdx;
	case UNW_X86_64_RCX: return &r->rcx;
	case UNW_X86_64_RBX: return &r->rbx;
	case UNW_X86_64_RSI: return &r->rsi;
	case UNW_X86_64_RDI: return &r->rdi;
	case UNW_X86_64_RBP: return &r->rbp;
	case UNW_X86_64_RSP: return &r->rsp;
	case UNW_X86_64_R8: return &r->r8;
	case UNW_X86_64_R9: return &r->r9;
	case UNW_X86_64_R10: return &r->r10;
	case UNW_X86_64_R11: return &r->r11;
	case UNW_X86_64_R12: return &r->r12;
	case UNW_X86_64_R13: return &r->r13;
	case UNW_X86_64_R14: return &r->r14;
	case UNW_X86_64_R15: return &r->r15;
	case UNW_X86_64_RIP: return &r->rip;
	default: return NULL;
	}
}

static int access_reg(unw_addr_space_t as, unw_regnum_t reg, unw_word_t *val, int write,
		      void *arg)
{
	(void)as;
	struct capture *c = capture_of(arg);
	if (!c)
		return -UNW_EINVAL;
	unsigned long long *slot = reg_slot(&c->regs, reg);
	if (!slot)
		return -UNW_EBADREG;
	if (write)
		return -UNW_EREADONLYREG;
	log_reg(&c->log, reg, *slot);
	*val = *slot;
	return 0;
}

static int access_fpreg(unw_addr_space_t as, unw_regnum_t reg, unw_fpreg_t *val, int write,
			void *arg)
{
	(void)as, (void)reg, (void)val, (void)write, (void)arg;
	return -UNW_EBADREG; /* the x86_64 CFI we follow never saves an fp register */
}

static int resume(unw_addr_space_t as, unw_cursor_t *cursor, void *arg)
{
	(void)as, (void)cursor, (void)arg;
	return -UNW_EINVAL;
}

static int get_proc_name(unw_addr_space_t as, unw_word_t ip, char *buf, size_t len,
			 unw_word_t *off, void *arg)
{
	/* Names come from libdw (tracer/stack/symbols_libdw.c): libunwind's would
	 * call __libc_start_call_main by the wrong name and give no lines. */
	(void)as, (void)ip, (void)buf, (void)len, (void)off, (void)arg;
	return -UNW_ENOINFO;
}

/* The _UPT context reads /proc/<tid>/maps: point it at a live thread. */
static int upt_retarget(struct pfd_unwinder *uw, pid_t tid)
{
	void *upt = _UPT_create(tid);
	if (!upt)
		return -ENOMEM;
	_UPT_destroy(uw->upt);
	uw->upt = upt;
	uw->upt_tid = tid;
	return 0;
}

static int find_proc_info(unw_addr_space_t as, unw_word_t ip, unw_proc_info_t *pi,
			  int need_unwind_info, void *arg)
{
	struct capture *c = capture_of(arg);
	if (!c)
		return -UNW_EINVAL;
	c->cold = true;
	int rc = _UPT_find_proc_info(as, ip, pi, need_unwind_info, c->uw->upt);
	/* The thread the context was made for may have exited since, and its
	 * maps file with it; retry once through the thread being unwound. */
	if (rc == -UNW_ENOINFO && c->tid != c->uw->upt_tid && upt_retarget(c->uw, c->tid) == 0)
		rc = _UPT_find_proc_info(as, ip, pi, need_unwind_info, c->uw->upt);
	return rc;
}

static void put_unwind_info(unw_addr_space_t as, unw_proc_info_t *pi, void *arg)
{
	struct capture *c = capture_of(arg);
	_UPT_put_unwind_info(as, pi, c ? c->uw->upt : NULL);
}

static int get_dyn_info_list_addr(unw_addr_space_t as, unw_word_t *addr, void *arg)
{
	struct capture *c = capture_of(arg);
	if (!c)
		return -UNW_ENOINFO;
	/* libunwind 1.6's x86_64 version may return 0 without setting it */
	*addr = 0;
	return _UPT_get_dyn_info_list_addr(as, addr, c->uw->upt);
}

static unw_accessors_t accessors = {
	.find_proc_info = find_proc_info,
	.put_unwind_info = put_unwind_info,
	.get_dyn_info_list_addr = get_dyn_info_list_addr,
	.access_mem = access_mem,
	.access_reg = access_reg,
	.access_fpreg = access_fpreg,
	.resume = resume,
	.get_proc_name = get_proc_name,
};

/* ---- per image ----------------------------------------------------------- */

struct pfd_unwinder *pfd_unwinder_new(pid_t tid)
{
	struct pfd_unwinder *uw = calloc(1, sizeof(*uw));
	if (!uw)
		return NULL;
	uw->as = unw_create_addr_space(&accessors, 0);
	uw->upt = _UPT_create(tid);
	if (!uw->as || !uw->upt) {
		pfd_unwinder_free(uw);
		return NULL;
	}
	uw->upt_tid = tid;
	uw->id = ++last_uw_id;
	unw_set_caching_policy(uw->as, UNW_CACHE_GLOBAL);
	unw_set_cache_size(uw->as, RS_CACHE_SIZE, 0);
	return uw;
}

/* The memos of an unwinder that goes or whose image changed. */
static void memos_forget(uint64_t uw_id)
{
	for (unsigned i = 0; i < MEMOS; i++)
		if (memos[i].uw_id == uw_id)
			memos[i].uw_id = 0;
}

void pfd_unwinder_free(struct pfd_unwinder *uw)
{
	if (!uw)
		return;
	memos_forget(uw->id);
	if (uw->as)
		unw_destroy_addr_space(uw->as);
	if (uw->upt)
		_UPT_destroy(uw->upt);
	free(uw);
}

void pfd_unwinder_flush(struct pfd_unwinder *uw, pid_t tid)
{
	unw_flush_cache(uw->as, 0, 0);
	memos_forget(uw->id);
	/* The _UPT context keeps the last ELF file it mapped, by address
	 * range, which another file may occupy now. */
	upt_retarget(uw, tid);
}

/* ---- one capture ----------------------------------------------------------- */

static int begin_capture(struct pfd_unwinder *uw, pid_t tid)
{
	if (ptrace(PTRACE_GETREGS, tid, NULL, &cap.regs) < 0)
		return errno == ESRCH ? -ESRCH : -EFAULT;
	stats.captures++;
	cap.uw = uw;
	cap.tid = tid;
	cap.peek_only = false;
	cap.npages = 0;
	cap.next_victim = 0;
	cap.log.nregs = cap.log.nwords = 0;
	cap.log.overflow = false;
	cap.cold = false;
	return 0;
}

/* Does everything m's walk read hold the same value now? Its stack words
 * are read as a walk would read them (the capture's page cache). */
static bool memo_holds(const struct memo *m)
{
	prefetch_pages(&cap, m->pages, m->npages);
	for (unsigned i = 0; i < m->log.nregs; i++) {
		unsigned long long *slot = reg_slot(&cap.regs, m->log.regs[i].reg);
		if (!slot || *slot != m->log.regs[i].val)
			return false;
	}
	for (unsigned i = 0; i < m->log.nwords; i++) {
		uint64_t v;
		if (read_word(&cap, m->log.words[i].addr, &v) < 0 || v != m->log.words[i].val)
			return false;
	}
	return true;
}

/* The ips of a past walk that still holds, into ips: how many, or 0. */
static int memo_replay(const struct pfd_unwinder *uw, uint64_t *ips, size_t max)
{
	for (unsigned k = 0; k < MEMOS; k++) {
		const struct memo *m = &memos[(next_memo + MEMOS - 1 - k) % MEMOS]; /* newest first */
		if (m->uw_id == uw->id && m->max == max && memo_holds(m)) {
			memcpy(ips, m->ips, m->depth * sizeof(*ips));
			stats.memo_hits++;
			return (int)m->depth;
		}
	}
	return 0;
}

/* Only a warm walk is kept: every ip's rules came from libunwind's cache,
 * so all it read is what the result depends on (a cold walk also read the
 * image's tables and CFI through the same accessor, which would only make
 * the replay read more pages). */
static void memo_store(const struct pfd_unwinder *uw, const uint64_t *ips, size_t n, size_t max)
{
	if (cap.cold || cap.log.overflow || n == 0 || n > PFD_UNWIND_MEMO_FRAMES)
		return;
	struct memo *m = &memos[next_memo++ % MEMOS];
	m->uw_id = uw->id;
	m->max = max;
	m->depth = n;
	m->log = cap.log;
	memcpy(m->ips, ips, n * sizeof(*ips));
	m->npages = 0;
	for (unsigned i = 0; i < m->log.nwords; i++) {
		uint64_t base = m->log.words[i].addr & ~(uint64_t)(PAGE - 1);
		unsigned j = 0;
		while (j < m->npages && m->pages[j] != base)
			j++;
		if (j == m->npages && m->npages < MEMO_PAGES)
			m->pages[m->npages++] = base;
	}
}

/* A thread stopped inside a syscall stub that has no unwind info for the
 * instruction after its `syscall`: glibc's clone3 and clone end their FDE
 * before it (the child's state would be wrong), and what follows starts an
 * FDE of its own for the child, so a parent stopped at its fork event
 * showed one frame and a bogus caller. Such a stub pushed nothing: its
 * return address is the word at the stack pointer. Taken only when the
 * innermost ip has no unwind info or starts its FDE, and the popped one
 * has unwind info: then the walk goes on from the caller. */
static bool frameless_leaf(const struct pfd_unwinder *uw, unw_cursor_t *cursor)
{
	unw_proc_info_t pi;
	uint64_t ret;
	if (unw_init_remote(cursor, uw->as, &cap) < 0)
		return false;
	/* at a syscall stop the ip follows a syscall instruction: it cannot
	 * be the first instruction of a function, only of an FDE that starts
	 * there because the one before ended early */
	if (unw_get_proc_info(cursor, &pi) == 0 && pi.start_ip != cap.regs.rip)
		return false;
	if (read_word(&cap, cap.regs.rsp, &ret) < 0)
		return false;
	struct user_regs_struct saved = cap.regs;
	cap.regs.rip = ret;
	cap.regs.rsp += 8;
	if (unw_init_remote(cursor, uw->as, &cap) == 0 && unw_get_proc_info(cursor, &pi) == 0) {
		cap.leaf = saved.rip;
		return true;
	}
	cap.regs = saved;
	return false;
}

static int walk(unw_cursor_t *cursor, uint64_t *ips, size_t max)
{
	size_t n = 0;
	uint64_t last_sp = 0;
	do {
		unw_word_t ip, sp;
		if (unw_get_reg(cursor, UNW_REG_IP, &ip) < 0 || ip == 0)
			break;
		if (unw_get_reg(cursor, UNW_REG_SP, &sp) < 0)
			break;
		/* a frame that does not move the stack would repeat forever */
		if (n > 0 && ip == ips[n - 1] && sp == last_sp)
			break;
		ips[n++] = ip;
		last_sp = sp;
	} while (n < max && unw_step(cursor) > 0);
	return (int)n;
}

int pfd_unwind(struct pfd_unwinder *uw, pid_t tid, uint64_t *ips, size_t max)
{
	if (max == 0)
		return -EINVAL;
	int rc = begin_capture(uw, tid);
	if (rc < 0)
		return rc;
	rc = memo_replay(uw, ips, max);
	if (rc > 0) {
		cap.uw = NULL;
		return rc;
	}
	unw_cursor_t cursor;
	cap.leaf = 0;
	rc = unw_init_remote(&cursor, uw->as, &cap) < 0 ? 0 : walk(&cursor, ips, max);
	/* a walk that ends at once may have started in a frameless stub (a
	 * full one reaches main and the loader's frames) */
	if (rc <= 2 && max > 1 && frameless_leaf(uw, &cursor)) {
		ips[0] = cap.leaf;
		rc = 1 + walk(&cursor, ips + 1, max - 1);
	}
	if (!cap.leaf)
		memo_store(uw, ips, (size_t)rc, max);
	if (rc == 0) {
		/* no unwind info even for the innermost frame: the registers
		 * still say where the thread is */
		ips[0] = cap.regs.rip;
		rc = 1;
	}
	cap.uw = NULL;
	return rc;
}

void pfd_unwind_get_stats(struct pfd_unwind_stats *out)
{
	*out = stats;
}

void pfd_unwind_simulate_vm_readv_error(int err)
{
	simulated_vm_errno = err;
}
