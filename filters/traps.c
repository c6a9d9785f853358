/* procfd-trace: the trap table.
 *
 * Numbers come from libseccomp's tables, as in the filter, so the filter,
 * this table and the kernel agree by construction. x32 shares
 * AUDIT_ARCH_X86_64 with x86_64 and is told apart by __X32_SYSCALL_BIT. */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>

#include "filters/traps.h"

#define X32_BIT 0x40000000u
#define MAP_SIZE 1024u
#define MAX_ENTRIES 255u
#define MAX_TRAPS 512u

enum map_arch { MAP_X86_64, MAP_I386, MAP_X32, MAP_COUNT };

static struct trap_entry entries[MAX_ENTRIES];
static size_t n_entries;
static uint8_t map[MAP_COUNT][MAP_SIZE]; /* entry index + 1; 0: not trapped */
static const struct pfd_trap *all[MAX_TRAPS + 1];
static size_t n_all;
static struct pfd_trap engine_traps[64];

static const struct {
	enum map_arch slot;
	uint32_t scmp;
	uint32_t strip;
} arch_info[] = {
	{ MAP_X86_64, SCMP_ARCH_X86_64, 0 },
	{ MAP_I386, SCMP_ARCH_X86, 0 },
	{ MAP_X32, SCMP_ARCH_X32, X32_BIT },
};

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

static struct trap_entry *entry_for(const char *name)
{
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	if (n_entries == MAX_ENTRIES)
		return NULL;
	struct trap_entry *e = &entries[n_entries++];
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->desc = pfd_syscall_by_name(name);
	return e;
}

static struct trap_entry *entry_named(const char *name)
{
	for (size_t i = 0; i < n_entries; i++)
		if (strcmp(entries[i].name, name) == 0)
			return &entries[i];
	return NULL;
}

/* Every name must be one libseccomp knows. */
static int check_name(const struct trap_entry *e)
{
	return seccomp_syscall_resolve_name(e->name) == __NR_SCMP_ERROR ? -EINVAL : 0;
}

/* Each entry's number on each arch, from libseccomp's name->number table
 * (a hash lookup). i386's direct socket calls are the exception: by name
 * libseccomp gives socketcall's pseudo-numbers (socketpair: -108), while
 * the kernel reports the direct number (360) when a program makes the
 * direct call; for those, and only on an arch that has some, the numbers
 * are scanned the other way, number to name (a thousand lookups, so only
 * when needed: it was most of procfd-trace's start-up). */
static void map_arches(void)
{
	for (size_t a = 0; a < sizeof(arch_info) / sizeof(arch_info[0]); a++) {
		uint32_t base = arch_info[a].strip;
		bool pseudo = false;
		for (size_t i = 0; i < n_entries; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arch_info[a].scmp, entries[i].name);
			uint32_t idx = (uint32_t)nr & ~base;
			if (nr >= 0 && idx < MAP_SIZE)
				map[arch_info[a].slot][idx] = (uint8_t)(i + 1);
			else if (nr < 0 && seccomp_syscall_resolve_name_rewrite(
						   arch_info[a].scmp, entries[i].name) >= 0)
				pseudo = true; /* a multiplexed call (socketcall, ipc) */
		}
		for (uint32_t nr = 0; pseudo && nr < MAP_SIZE; nr++) {
			if (map[arch_info[a].slot][nr])
				continue;
			char *name = seccomp_syscall_resolve_num_arch(arch_info[a].scmp, (int)(base | nr));
			const struct trap_entry *e = name ? entry_named(name) : NULL;
			free(name);
			if (e)
				map[arch_info[a].slot][nr] = (uint8_t)(e - entries + 1);
		}
	}
}

/* A name no arch has: e.g. a typo that libseccomp knows as a pseudo-call. */
static bool mapped_somewhere(const struct trap_entry *e)
{
	uint8_t idx = (uint8_t)(e - entries + 1);
	for (size_t a = 0; a < MAP_COUNT; a++)
		for (uint32_t nr = 0; nr < MAP_SIZE; nr++)
			if (map[a][nr] == idx)
				return true;
	return false;
}

static int add_trap(const struct pfd_trap *t, unsigned bit)
{
	struct trap_entry *e = entry_for(t->syscall);
	if (!e || n_all == MAX_TRAPS)
		return -E2BIG;
	if (t->op == PFD_ARG_ANY) {
		e->any |= 1u << bit;
	} else {
		if (t->op > PFD_ARG_MASKED_EQ || t->arg > 5 || t->n_values > PFD_TRAP_MAX_VALUES ||
		    (t->op == PFD_ARG_IN && t->n_values == 0) ||
		    e->n_cond == PFD_TRAP_MAX_VALUES)
			return -EINVAL;
		e->cond[e->n_cond].plugin = (uint8_t)bit;
		e->cond[e->n_cond].trap = t;
		e->n_cond++;
	}
	all[n_all++] = t;
	all[n_all] = NULL;
	return 0;
}

int pfd_traps_init(const struct pfd_plugin *const *plugins, const char *const *engine,
		   const char **bad)
{
	int rc = 0;
	n_entries = n_all = 0;
	memset(map, 0, sizeof(map));
	all[0] = NULL;
	for (size_t i = 0; plugins[i] && rc == 0; i++)
		for (const struct pfd_trap *t = plugins[i]->traps; t && t->syscall && rc == 0; t++)
			if ((rc = add_trap(t, (unsigned)i)) < 0)
				*bad = t->syscall;
	for (size_t i = 0; engine && engine[i] && rc == 0; i++) {
		if (i == sizeof(engine_traps) / sizeof(engine_traps[0]))
			return -E2BIG;
		engine_traps[i] = (struct pfd_trap){ .syscall = engine[i] };
		if ((rc = add_trap(&engine_traps[i], PFD_ENGINE_BIT)) < 0)
			*bad = engine[i];
	}
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
	enum map_arch slot;
	if (audit_arch == AUDIT_ARCH_I386) {
		slot = MAP_I386;
	} else if (audit_arch == AUDIT_ARCH_X86_64) {
		slot = (nr & X32_BIT) ? MAP_X32 : MAP_X86_64;
		nr &= ~(uint64_t)X32_BIT;
	} else {
		return NULL;
	}
	if (nr >= MAP_SIZE || map[slot][nr] == 0)
		return NULL;
	return &entries[map[slot][nr] - 1];
}

uint32_t pfd_traps_select(const struct trap_entry *e, const uint64_t args[6])
{
	uint32_t mask = e->any;
	for (unsigned i = 0; i < e->n_cond; i++)
		if (!(mask & (1u << e->cond[i].plugin)) && pfd_trap_matches(e->cond[i].trap, args))
			mask |= 1u << e->cond[i].plugin;
	return mask;
}
