/* procfd-trace: syscall numbers per arch, from libseccomp's tables. */
#include <linux/audit.h>
#include <seccomp.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "filters/sysnum.h"

static const struct {
	uint32_t scmp;
	uint32_t base; /* bits every number of the arch carries */
} arch_info[PFD_NR_ARCHES] = {
	[PFD_NR_X86_64] = { SCMP_ARCH_X86_64, 0 },
	[PFD_NR_I386] = { SCMP_ARCH_X86, 0 },
	[PFD_NR_X32] = { SCMP_ARCH_X32, PFD_X32_BIT },
};

uint32_t pfd_nr_scmp_arch(enum pfd_nr_arch a)
{
	return arch_info[a].scmp;
}

static int index_named(const char *want, const char *(*name)(size_t, const void *), size_t n,
		       const void *ctx)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(name(i, ctx), want) == 0)
			return (int)i;
	return -1;
}

/* i386's direct socket calls: by name libseccomp gives socketcall's
 * pseudo-numbers (socketpair: -108), while the kernel reports the direct
 * number (360) when a program makes the direct call. For those, and only on
 * an arch that has some, the numbers are scanned the other way, number to
 * name (a thousand lookups, so only when needed: it was most of
 * procfd-trace's start-up). */
static void map_reverse(uint16_t *row, enum pfd_nr_arch a,
			const char *(*name)(size_t, const void *), size_t n, const void *ctx)
{
	for (uint32_t nr = 0; nr < PFD_NR_MAX; nr++) {
		if (row[nr])
			continue;
		char *s = seccomp_syscall_resolve_num_arch(arch_info[a].scmp,
							   (int)(arch_info[a].base | nr));
		int i = s ? index_named(s, name, n, ctx) : -1;
		free(s);
		if (i >= 0)
			row[nr] = (uint16_t)(i + 1);
	}
}

unsigned pfd_nr_map_build_direct(pfd_nr_map map,
				 const char *(*name)(size_t i, const void *ctx), size_t n,
				 const void *ctx)
{
	unsigned pseudo = 0;
	memset(map, 0, sizeof(pfd_nr_map));
	for (enum pfd_nr_arch a = 0; a < PFD_NR_ARCHES; a++) {
		for (size_t i = 0; i < n; i++) {
			int nr = seccomp_syscall_resolve_name_arch(arch_info[a].scmp, name(i, ctx));
			uint32_t idx = (uint32_t)nr & ~arch_info[a].base;
			if (nr >= 0 && idx < PFD_NR_MAX)
				map[a][idx] = (uint16_t)(i + 1);
			else if (nr < 0 && seccomp_syscall_resolve_name_rewrite(
						   arch_info[a].scmp, name(i, ctx)) >= 0)
				pseudo |= 1u << a; /* a multiplexed call (socketcall, ipc) */
		}
	}
	return pseudo;
}

void pfd_nr_map_complete(pfd_nr_map map, unsigned arches,
			 const char *(*name)(size_t i, const void *ctx), size_t n,
			 const void *ctx)
{
	for (enum pfd_nr_arch a = 0; a < PFD_NR_ARCHES; a++)
		if (arches & (1u << a))
			map_reverse(map[a], a, name, n, ctx);
}

void pfd_nr_map_build(pfd_nr_map map, const char *(*name)(size_t i, const void *ctx),
		      size_t n, const void *ctx)
{
	pfd_nr_map_complete(map, pfd_nr_map_build_direct(map, name, n, ctx), name, n, ctx);
}

int pfd_nr_map_find(const pfd_nr_map map, uint32_t audit_arch, uint64_t nr)
{
	enum pfd_nr_arch a;
	if (audit_arch == AUDIT_ARCH_I386) {
		a = PFD_NR_I386;
	} else if (audit_arch == AUDIT_ARCH_X86_64) {
		a = (nr & PFD_X32_BIT) ? PFD_NR_X32 : PFD_NR_X86_64;
		nr &= ~(uint64_t)PFD_X32_BIT;
	} else {
		return -1;
	}
	if (nr >= PFD_NR_MAX || map[a][nr] == 0)
		return -1;
	return map[a][nr] - 1;
}
