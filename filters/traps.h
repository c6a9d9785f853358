/* procfd-trace: the plugins' traps, compiled once into a dispatch table.
 *
 * The same table decides, at a stop, which plugins a call is for: under the
 * seccomp filter (which already checked the conditions, but for the union
 * of all plugins) and without it (every syscall stops). */
#ifndef PROCFD_TRAPS_H
#define PROCFD_TRAPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfd/plugin.h"

/* The engine's own interest, beside the plugins' bits. */
#define PFD_ENGINE_BIT 31u

/* Traps on one syscall: up to this many (plugins' and the engine's). */
#define PFD_TRAPS_PER_CALL 16

struct trap_entry {
	const char *name;
	/* Its entry in the syscall table; for a syscall the table lacks (a
	 * plugin may trap any), one made at start: no path, six arguments. */
	const struct pfd_syscall_desc *desc;
	uint8_t n_traps;
	struct {
		uint8_t plugin;             /* bit of pfd_traps_select */
		const struct pfd_trap *trap;
	} traps[PFD_TRAPS_PER_CALL];        /* in the plugins' order, each plugin's
					       in its table's order */
};

/* Build the table from the plugins' traps and the engine's own: every
 * syscall of the table with one of engine_facts (enum pfd_sc_fact), with no
 * condition. 0 or -errno: -EINVAL names the first unknown syscall in *bad. */
int pfd_traps_init(const struct pfd_plugin *const *plugins, uint32_t engine_facts,
		   const char **bad);

/* Every trap, for the filter, NULL-terminated (plugins' and the engine's). */
const struct pfd_trap *const *pfd_traps_all(void);

/* The entry for (audit arch, number), or NULL when nobody traps it. */
const struct trap_entry *pfd_traps_lookup(uint32_t audit_arch, uint64_t nr);

/* Which plugins (bit i: plugins[i]; PFD_ENGINE_BIT) this call is for. */
uint32_t pfd_traps_select(const struct trap_entry *e, const uint64_t args[6]);

/* The trap of plugin i that selected the call: the first of its traps on
 * this syscall whose condition the arguments meet; NULL if none. */
const struct pfd_trap *pfd_traps_fired(const struct trap_entry *e, unsigned plugin,
				       const uint64_t args[6]);

/* Does the call with these arguments satisfy the trap's condition? */
bool pfd_trap_matches(const struct pfd_trap *t, const uint64_t args[6]);

#endif
