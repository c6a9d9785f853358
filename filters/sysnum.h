/* procfd-trace: syscall numbers per arch, from libseccomp's tables.
 *
 * The one place that turns names into the numbers the kernel reports, for
 * the syscall table (filters/syscalls.c) and the trap table
 * (filters/traps.c): nothing else in procfd-trace spells a number. */
#ifndef PROCFD_SYSNUM_H
#define PROCFD_SYSNUM_H

#include <stddef.h>
#include <stdint.h>

/* The arches a tracee may run on an x86_64 host. x32 shares
 * AUDIT_ARCH_X86_64 with x86_64 and is told apart by __X32_SYSCALL_BIT. */
enum pfd_nr_arch { PFD_NR_X86_64, PFD_NR_I386, PFD_NR_X32, PFD_NR_ARCHES };

#define PFD_NR_MAX 1024u
#define PFD_X32_BIT 0x40000000u

/* map[arch][nr]: index + 1 of the name the number is, 0: none of them. */
typedef uint16_t pfd_nr_map[PFD_NR_ARCHES][PFD_NR_MAX];

/* The libseccomp arch of a slot (SCMP_ARCH_*). */
uint32_t pfd_nr_scmp_arch(enum pfd_nr_arch a);

/* Fill map with names 0..n-1 (name(i, ctx)) on every arch that has them.
 * map is cleared first. */
void pfd_nr_map_build(pfd_nr_map map, const char *(*name)(size_t i, const void *ctx),
		      size_t n, const void *ctx);

/* The same, but the multiplexed names (i386's socket calls, whose direct
 * numbers only a scan of every number finds: most of a build's time) are
 * left out: the arches that have some are returned as a bit mask
 * (1 << enum pfd_nr_arch), for pfd_nr_map_complete when a lookup needs
 * them. */
unsigned pfd_nr_map_build_direct(pfd_nr_map map,
				 const char *(*name)(size_t i, const void *ctx), size_t n,
				 const void *ctx);
void pfd_nr_map_complete(pfd_nr_map map, unsigned arches,
			 const char *(*name)(size_t i, const void *ctx), size_t n,
			 const void *ctx);

/* The index (0-based) (audit arch, nr) has in map, or -1. */
int pfd_nr_map_find(const pfd_nr_map map, uint32_t audit_arch, uint64_t nr);

#endif
