/* procfd-trace: the trap table.
 *
 * Every trap names a syscall; its entry is the syscall table's
 * (filters/syscalls.c) and its numbers come from libseccomp's tables
 * (filters/sysnum.c), as the filter's do, so the filter, this table and the
 * kernel agree by construction. */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <string.h>

#include "filters/sysnum.h"
#include "filters/traps.h"

#define MAX_ENTRIES 255u
#define MAX_TRAPS 512u
#define MAX_ENGINE_TRAPS 16u

static struct trap_entry entries[MAX_ENTRIES];
static size_t n_entries;
static pfd_nr_map map; /* (arch, nr) -> entry index + 1 */
static const struct pfd_trap *all[MAX_TRAPS + 1];
static size_t n_all;
static struct pfd_trap engine_traps[MAX_ENGINE_TRAPS];
/* Syscalls the table lacks that a plugin traps: their entries. */
static struct pfd_syscall_desc outside[MAX_ENTRIES];
static size_t n_outside;

bool pfd_trap_matches(const struct pfd_trap *t, const uint64_t args[6])
{
	if (t->op == PFD_ARG_ANY)
		return true;
	if (t->arg > 5)
		return false;
	uint64_t width = t->wide ? UINT64_MAX : UINT32_MAX;
	uint64_t v = args[t->arg] & width;
	switch (t->op) {
	case PFD_ARG_IN:
		for (unsigned i = 0; i < t->n_values && i < PFD_TRAP_MAX_VALUES; i++)
			if (v == (t->values[i] & width))
				return true;
		return false;
	case PFD_ARG_MASKED_EQ:
		return (v & t->values[0]) == (t->values[1] & width);
	default:
		return false;
	}
}

/* A syscall outside the table: printed with all six arguments, as strace
 * prints one it does not know, since its real count is not. */
static const struct pfd_syscall_desc *outside_desc(const char *name)
{
	for (size_t i = 0; i < n_outside; i++)
		if (strcmp(outside[i].name, name) == 0)
			return &outside[i];
	struct pfd_syscall_desc *d = &outside[n_outside++];
	*d = (struct pfd_syscall_desc){
		.name = name, .nargs = PFD_SC_ARGS_MAX, .cls = PFD_SC_NO_PATH,
		.dirfd_arg = PFD_NO_ARG, .path_arg = PFD_NO_ARG, .flags_arg = PFD_NO_ARG,
		.mode_arg = PFD_NO_ARG, .how_arg = PFD_NO_ARG,
	};
	return d;
}

static struct trap_entry *entry_for(const char *name)
{
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	if (n_entries == MAX_ENTRIES)
		return NULL;
	const struct pfd_syscall_desc *d = pfd_syscall_by_name(name);
	struct trap_entry *e = &entries[n_entries++];
	memset(e, 0, sizeof(*e));
	e->desc = d ? d : outside_desc(name);
	e->name = e->desc->name;
	return e;
}

/* Every name must be one libseccomp knows. */
static int check_name(const struct trap_entry *e)
{
	return seccomp_syscall_resolve_name(e->name) == __NR_SCMP_ERROR ? -EINVAL : 0;
}

static const char *entry_name(size_t i, const void *ctx)
{
	(void)ctx;
	return entries[i].name;
}

/* Each entry's numbers, from libseccomp's tables by its name, as the
 * syscall table's (filters/sysnum.c): i386's direct socket calls need a
 * scan of every number, done only when one of them is trapped. */
static void map_arches(void)
{
	pfd_nr_map_build(map, entry_name, n_entries, NULL);
}

/* A name no arch has: e.g. a typo that libseccomp knows as a pseudo-call. */
static bool mapped_somewhere(const struct trap_entry *e)
{
	uint16_t idx = (uint16_t)(e - entries + 1);
	for (size_t a = 0; a < PFD_NR_ARCHES; a++)
		for (uint32_t nr = 0; nr < PFD_NR_MAX; nr++)
			if (map[a][nr] == idx)
				return true;
	return false;
}

static int add_trap(const struct pfd_trap *t, unsigned bit)
{
	struct trap_entry *e = entry_for(t->syscall);
	if (!e || n_all == MAX_TRAPS)
		return -E2BIG;
	if (t->op > PFD_ARG_MASKED_EQ)
		return -EINVAL;
	if (t->op != PFD_ARG_ANY &&
	    (t->arg > 5 || t->n_values > PFD_TRAP_MAX_VALUES ||
	     (t->op == PFD_ARG_IN && t->n_values == 0)))
		return -EINVAL;
	if (e->n_traps == PFD_TRAPS_PER_CALL)
		return -E2BIG;
	e->traps[e->n_traps].plugin = (uint8_t)bit;
	e->traps[e->n_traps].trap = t;
	e->n_traps++;
	all[n_all++] = t;
	all[n_all] = NULL;
	return 0;
}

/* The engine's traps: every syscall of the table with one of the facts. */
static int add_engine_traps(uint32_t facts, const char **bad)
{
	size_t n, k = 0;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);
	for (size_t i = 0; facts && i < n; i++) {
		if (!(t[i].facts & facts))
			continue;
		if (k == MAX_ENGINE_TRAPS)
			return -E2BIG;
		engine_traps[k] = (struct pfd_trap){ .syscall = t[i].name };
		int rc = add_trap(&engine_traps[k++], PFD_ENGINE_BIT);
		if (rc < 0) {
			*bad = t[i].name;
			return rc;
		}
	}
	return 0;
}

int pfd_traps_init(const struct pfd_plugin *const *plugins, uint32_t engine_facts,
		   const char **bad)
{
	int rc = 0;
	n_entries = n_all = n_outside = 0;
	memset(map, 0, sizeof(map));
	all[0] = NULL;
	for (size_t i = 0; plugins[i] && rc == 0; i++)
		for (const struct pfd_trap *t = plugins[i]->traps; t && t->syscall && rc == 0; t++)
			if ((rc = add_trap(t, (unsigned)i)) < 0)
				*bad = t->syscall;
	if (rc == 0)
		rc = add_engine_traps(engine_facts, bad);
	for (size_t i = 0; i < n_entries && rc == 0; i++)
		if ((rc = check_name(&entries[i])) < 0)
			*bad = entries[i].name;
	if (rc == 0)
		map_arches();
	for (size_t i = 0; i < n_entries && rc == 0; i++)
		if (!mapped_somewhere(&entries[i])) {
			rc = -EINVAL;
			*bad = entries[i].name;
		}
	return rc;
}

const struct pfd_trap *const *pfd_traps_all(void)
{
	return all;
}

const struct trap_entry *pfd_traps_lookup(uint32_t audit_arch, uint64_t nr)
{
	int i = pfd_nr_map_find((const uint16_t(*)[PFD_NR_MAX])map, audit_arch, nr);
	return i < 0 ? NULL : &entries[i];
}

uint32_t pfd_traps_select(const struct trap_entry *e, const uint64_t args[6])
{
	uint32_t mask = 0;
	for (unsigned i = 0; i < e->n_traps; i++) {
		uint32_t bit = 1u << e->traps[i].plugin;
		if (!(mask & bit) && pfd_trap_matches(e->traps[i].trap, args))
			mask |= bit;
	}
	return mask;
}

const struct pfd_trap *pfd_traps_fired(const struct trap_entry *e, unsigned plugin,
				       const uint64_t args[6])
{
	for (unsigned i = 0; i < e->n_traps; i++)
		if (e->traps[i].plugin == plugin && pfd_trap_matches(e->traps[i].trap, args))
			return e->traps[i].trap;
	return NULL;
}
