/* procfd-trace: the stack-trace service (include/procfd/stack.h,
 * tracer/stack/stack.h).
 *
 * A capture is cheap: the unwinder (tracer/stack/unwind_libunwind.c) gives raw
 * ips, which are interned here. Symbols come later, only for the frames
 * someone asks for (tracer/stack/symbols_libdw.c), so each stack remembers the
 * module map of the image it was captured in.
 *
 * Per process image (keyed by pid, replaced at exec through
 * pfd_stack_forget_process): the unwinder's state, and the current module
 * map, a snapshot of the executable mappings of /proc/PID/maps. Without
 * trapping mmap (strace -k must trap every call that changes mappings) the
 * snapshot can go stale; it is re-read when an ip falls outside every
 * mapping it knows, which is what a dlopen'd library looks like. A snapshot
 * is never changed once made, only replaced: older stacks keep theirs, so a
 * stack still symbolizes after its process exec'd or exited, without
 * reading /proc again (the files themselves are opened when a frame is
 * first asked for).
 *
 * Interning: the same ips against the same snapshot give the same struct
 * pfd_stack *, which is the only allocation a capture makes, and only for a
 * stack not seen before. Stacks live until pfd_stack_shutdown. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/stack/proc_maps.h"
#include "tracer/stack/stack.h"
#include "tracer/stack/symbols.h"
#include "tracer/stack/unwind.h"

#define IMAGE_BUCKETS 256u
#define OUTSIDE_MEMO 8 /* ips known to be in no mapping, per snapshot */
#define SIGRETURN_TRAMPOLINE "__restore_rt"

struct module {
	uint64_t start, end, offset; /* the executable mapping */
	struct pfd_symfile *file;    /* NULL: not a file ([vdso], anonymous) */
	const char *name;            /* file path, "[vdso]"..., NULL if anonymous */
	char *own_name;              /* name when not the symfile's */
	bool bias_known;
	uint64_t bias;
};

/* A snapshot of an image's executable mappings, in address order. */
struct module_map {
	struct module_map *prev, *next; /* all live snapshots */
	struct module *mods;
	size_t nmods, cap;
	size_t nstacks; /* stacks captured against it */
	bool current;   /* an image's snapshot now */
	uint64_t outside[OUTSIDE_MEMO];
	unsigned noutside;
};

struct image {
	struct image *next;
	pid_t pid;
	struct pfd_unwinder *uw;
	struct module_map *map; /* NULL until the first capture succeeds */
};

struct pfd_stack {
	struct pfd_stack *next; /* intern chain */
	uint64_t hash;
	struct module_map *map;
	size_t depth;
	uint64_t ips[];
};

static struct image *images[IMAGE_BUCKETS];
static struct module_map *all_maps;
static struct pfd_stack **stacks;
static size_t nbuckets, nstacks;
static uint64_t scratch_ips[PFD_STACK_MAX_FRAMES];

/* ---- module maps ------------------------------------------------------------ */

static void map_free(struct module_map *m)
{
	if (m->prev)
		m->prev->next = m->next;
	else
		all_maps = m->next;
	if (m->next)
		m->next->prev = m->prev;
	for (size_t i = 0; i < m->nmods; i++)
		free(m->mods[i].own_name);
	free(m->mods);
	free(m);
}

/* A snapshot nothing points at any more is freed. */
static void map_release(struct module_map *m)
{
	if (m && !m->current && m->nstacks == 0)
		map_free(m);
}

static int map_add(const struct pfd_mapping *pm, void *arg)
{
	struct module_map *m = arg;
	if (m->nmods == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct module *mods = realloc(m->mods, cap * sizeof(*mods));
		if (!mods)
			return -ENOMEM;
		m->mods = mods;
		m->cap = cap;
	}
	struct module *mod = &m->mods[m->nmods];
	*mod = (struct module){ .start = pm->start, .end = pm->end, .offset = pm->offset };
	if (pm->name[0] == '/') {
		mod->file = pfd_symfile_get(pm->name, pm->dev, pm->ino);
		if (!mod->file)
			return -ENOMEM;
		mod->name = pfd_symfile_path(mod->file);
	} else if (pm->name[0]) {
		mod->own_name = strdup(pm->name);
		if (!mod->own_name)
			return -ENOMEM;
		mod->name = mod->own_name;
	}
	m->nmods++;
	return 0;
}

static int map_read(pid_t tid, struct module_map **out)
{
	struct module_map *m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->next = all_maps;
	if (all_maps)
		all_maps->prev = m;
	all_maps = m;
	int rc = pfd_maps_for_each_exec(tid, map_add, m);
	if (rc < 0) {
		map_free(m);
		return rc;
	}
	*out = m;
	return 0;
}

static bool same_module(const struct module *a, const struct module *b)
{
	if (a->start != b->start || a->end != b->end || a->offset != b->offset ||
	    a->file != b->file)
		return false;
	if (!a->name || !b->name)
		return a->name == b->name;
	return strcmp(a->name, b->name) == 0;
}

static bool map_same(const struct module_map *a, const struct module_map *b)
{
	if (a->nmods != b->nmods)
		return false;
	for (size_t i = 0; i < a->nmods; i++)
		if (!same_module(&a->mods[i], &b->mods[i]))
			return false;
	return true;
}

static struct module *map_find(const struct module_map *m, uint64_t ip)
{
	size_t lo = 0, hi = m->nmods;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (ip < m->mods[mid].start)
			hi = mid;
		else if (ip >= m->mods[mid].end)
			lo = mid + 1;
		else
			return &m->mods[mid];
	}
	return NULL;
}

static bool map_knows(const struct module_map *m, uint64_t ip)
{
	if (map_find(m, ip))
		return true;
	for (unsigned i = 0; i < m->noutside && i < OUTSIDE_MEMO; i++)
		if (m->outside[i] == ip)
			return true;
	return false;
}

static bool map_covers(const struct module_map *m, const uint64_t *ips, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!map_knows(m, ips[i]))
			return false;
	return true;
}

/* A fresh read saw no new mapping for these ips: remember them, so that a
 * stack ending in garbage does not cost a read of /proc per capture. */
static void map_note_outside(struct module_map *m, const uint64_t *ips, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!map_knows(m, ips[i]))
			m->outside[m->noutside++ % OUTSIDE_MEMO] = ips[i];
}

/* ---- images ------------------------------------------------------------------- */

static struct image **image_slot(pid_t pid)
{
	struct image **p = &images[(unsigned)pid % IMAGE_BUCKETS];
	while (*p && (*p)->pid != pid)
		p = &(*p)->next;
	return p;
}

static struct image *image_get(pid_t pid, pid_t tid)
{
	struct image **p = image_slot(pid);
	if (*p)
		return *p;
	struct image *img = calloc(1, sizeof(*img));
	if (!img)
		return NULL;
	img->pid = pid;
	img->uw = pfd_unwinder_new(tid);
	if (!img->uw) {
		free(img);
		return NULL;
	}
	*p = img;
	return img;
}

static void image_drop(struct image **p)
{
	struct image *img = *p;
	*p = img->next;
	pfd_unwinder_free(img->uw);
	if (img->map) {
		img->map->current = false;
		map_release(img->map);
	}
	free(img);
}

static void image_set_map(struct image *img, struct module_map *fresh, pid_t tid)
{
	if (img->map) {
		img->map->current = false;
		map_release(img->map);
		/* code may have moved: libunwind's cached frames go too */
		pfd_unwinder_flush(img->uw, tid);
	}
	fresh->current = true;
	img->map = fresh;
}

/* The snapshot to attach these ips to: the current one, unless an ip lies
 * outside it, in which case /proc/<tid>/maps is read again. */
static int image_map_for(struct image *img, pid_t tid, const uint64_t *ips, size_t n,
			 struct module_map **out)
{
	if (img->map && map_covers(img->map, ips, n)) {
		*out = img->map;
		return 0;
	}
	struct module_map *fresh;
	int rc = map_read(tid, &fresh);
	if (rc < 0) {
		if (!img->map)
			return rc;
		*out = img->map; /* gone meanwhile: the old snapshot still serves */
		return 0;
	}
	if (img->map && map_same(img->map, fresh)) {
		map_free(fresh);
		map_note_outside(img->map, ips, n);
	} else {
		image_set_map(img, fresh, tid);
	}
	*out = img->map;
	return 0;
}

/* ---- interning ------------------------------------------------------------------ */

static uint64_t stack_hash(const struct module_map *m, const uint64_t *ips, size_t n)
{
	uint64_t h = (uint64_t)(uintptr_t)m * 0x9e3779b97f4a7c15ULL ^ n;
	for (size_t i = 0; i < n; i++) {
		h ^= ips[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

static int table_grow(void)
{
	size_t n = nbuckets ? nbuckets * 2 : 1024;
	struct pfd_stack **b = calloc(n, sizeof(*b));
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < nbuckets; i++) {
		struct pfd_stack *s = stacks[i], *next;
		for (; s; s = next) {
			next = s->next;
			s->next = b[s->hash & (n - 1)];
			b[s->hash & (n - 1)] = s;
		}
	}
	free(stacks);
	stacks = b;
	nbuckets = n;
	return 0;
}

static const struct pfd_stack *intern(struct module_map *m, const uint64_t *ips, size_t n)
{
	uint64_t h = stack_hash(m, ips, n);
	if (nbuckets) {
		for (struct pfd_stack *s = stacks[h & (nbuckets - 1)]; s; s = s->next)
			if (s->hash == h && s->map == m && s->depth == n &&
			    memcmp(s->ips, ips, n * sizeof(*ips)) == 0)
				return s;
	}
	if (nstacks >= nbuckets && table_grow() < 0)
		return NULL;
	struct pfd_stack *s = malloc(sizeof(*s) + n * sizeof(*ips));
	if (!s)
		return NULL;
	s->hash = h;
	s->map = m;
	s->depth = n;
	memcpy(s->ips, ips, n * sizeof(*ips));
	s->next = stacks[h & (nbuckets - 1)];
	stacks[h & (nbuckets - 1)] = s;
	nstacks++;
	m->nstacks++;
	return s;
}

/* ---- the engine's side --------------------------------------------------------- */

int pfd_stack_init(void)
{
	return nbuckets ? 0 : table_grow();
}

static const struct pfd_stack *capture_failed(struct image *img, int rc, int *err)
{
	if (!img->map) /* nothing captured in it yet: do not keep a record */
		image_drop(image_slot(img->pid));
	*err = rc;
	return NULL;
}

const struct pfd_stack *pfd_stack_capture(pid_t pid, pid_t tid, uint32_t arch, int *err)
{
	int ignored;
	if (!err)
		err = &ignored;
	*err = 0;
	if (!pfd_unwind_arch_supported(arch)) {
		*err = -ENOSYS;
		return NULL;
	}
	if (pfd_stack_init() < 0) {
		*err = -ENOMEM;
		return NULL;
	}
	struct image *img = image_get(pid, tid);
	if (!img) {
		*err = -ENOMEM;
		return NULL;
	}
	int n = pfd_unwind(img->uw, tid, scratch_ips, PFD_STACK_MAX_FRAMES);
	if (n < 0)
		return capture_failed(img, n, err);
	struct module_map *map;
	int rc = image_map_for(img, tid, scratch_ips, (size_t)n, &map);
	if (rc < 0)
		return capture_failed(img, rc, err);
	const struct pfd_stack *s = intern(map, scratch_ips, (size_t)n);
	if (!s)
		*err = -ENOMEM;
	return s;
}

void pfd_stack_forget_process(pid_t pid)
{
	struct image **p = image_slot(pid);
	if (*p)
		image_drop(p);
}

void pfd_stack_shutdown(void)
{
	for (unsigned i = 0; i < IMAGE_BUCKETS; i++)
		while (images[i])
			image_drop(&images[i]);
	for (size_t i = 0; i < nbuckets; i++) {
		struct pfd_stack *s = stacks[i], *next;
		for (; s; s = next) {
			next = s->next;
			free(s);
		}
	}
	free(stacks);
	stacks = NULL;
	nbuckets = nstacks = 0;
	while (all_maps)
		map_free(all_maps);
	pfd_symfiles_free();
}

/* ---- the plugins' side ------------------------------------------------------------ */

size_t pfd_stack_depth(const struct pfd_stack *s)
{
	return s ? s->depth : 0;
}

uint64_t pfd_stack_ip(const struct pfd_stack *s, size_t i)
{
	return s && i < s->depth ? s->ips[i] : 0;
}

static uint64_t module_bias(struct module *m)
{
	if (!m->bias_known) {
		m->bias = pfd_symfile_bias(m->file, m->start, m->offset);
		m->bias_known = true;
	}
	return m->bias;
}

/* What frame ip is. A return address points after its call, which may be
 * the next line or even the next function, so the call itself (ip - 1) is
 * looked up, unless the ip is exact: the innermost frame's, or one a
 * signal interrupted. *adjust says which was done. */
static const struct pfd_sym *frame_sym(struct module *m, uint64_t ip, bool exact,
				       unsigned *adjust)
{
	uint64_t addr = ip - module_bias(m);
	*adjust = 0;
	if (exact)
		return pfd_symfile_lookup(m->file, addr);
	const struct pfd_sym *sym = pfd_symfile_lookup(m->file, addr - 1);
	if (!sym->function || sym->size == 0) {
		/* A signal handler returns to the start of glibc's __restore_rt
		 * (no call does), and the byte before it is padding, which
		 * some sizeless symbol may claim. Only that name: a sizeless
		 * asm function may well call a label that follows it (ld.so's
		 * _start and _dl_start_user). */
		const struct pfd_sym *at = pfd_symfile_lookup(m->file, addr);
		if (at->function && at->offset == 0 &&
		    strcmp(at->function, SIGRETURN_TRAMPOLINE) == 0)
			return at;
	}
	*adjust = 1;
	return sym;
}

/* Frame i resumes where a signal interrupted it: the frame inside it is
 * the signal return trampoline. */
static bool after_signal_frame(const struct pfd_stack *s, size_t i)
{
	if (i == 0)
		return false;
	struct module *m = map_find(s->map, s->ips[i - 1]);
	if (!m || !m->file)
		return false;
	unsigned adjust;
	const struct pfd_sym *sym = frame_sym(m, s->ips[i - 1], i - 1 == 0, &adjust);
	return sym->function && strcmp(sym->function, SIGRETURN_TRAMPOLINE) == 0;
}

int pfd_stack_frame(const struct pfd_stack *s, size_t i, struct pfd_frame *out)
{
	if (!s || !out || i >= s->depth)
		return -EINVAL;
	uint64_t ip = s->ips[i];
	*out = (struct pfd_frame){ .ip = ip };
	struct module *m = map_find(s->map, ip);
	if (!m || !m->name)
		return 0;
	out->module = m->name;
	if (!m->file) {
		out->module_offset = ip - m->start; /* [vdso] is linked at 0 */
		return 0;
	}
	out->module_offset = ip - module_bias(m);
	out->build_id = pfd_symfile_build_id(m->file);
	unsigned adjust;
	const struct pfd_sym *sym = frame_sym(m, ip, i == 0 || after_signal_frame(s, i), &adjust);
	if (sym->function) {
		out->function = sym->function;
		out->offset = sym->offset + adjust;
	}
	out->file = sym->file;
	out->line = sym->line;
	return 0;
}

size_t pfd_stack_symbolize(const struct pfd_stack *s, struct pfd_frame *out, size_t max)
{
	size_t n = 0;
	for (size_t i = 0; i < pfd_stack_depth(s) && n < max; i++)
		if (pfd_stack_frame(s, i, &out[n]) == 0)
			n++;
	return n;
}
