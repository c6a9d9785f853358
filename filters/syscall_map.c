/* procfd-trace: (audit arch, number) -> path syscall descriptor.
 *
 * The numbers come from libseccomp's tables rather than from our own copy, so
 * the map, the filter and the kernel agree by construction. x32 shares
 * AUDIT_ARCH_X86_64 with x86_64 and is told apart by __X32_SYSCALL_BIT. */
#include <errno.h>
#include <linux/audit.h>
#include <seccomp.h>
#include <stdint.h>

#include "procfd/syscalls.h"

#define X32_BIT 0x40000000u
#define MAP_SIZE 1024u

enum map_arch { MAP_X86_64, MAP_I386, MAP_X32, MAP_COUNT };

/* Index + 1 into the syscall table; 0 = not a path syscall. */
static uint8_t map[MAP_COUNT][MAP_SIZE];

static const uint32_t arches[] = { AUDIT_ARCH_X86_64, AUDIT_ARCH_I386 };

const uint32_t *pfd_audit_arches(size_t *count)
{
	*count = sizeof(arches) / sizeof(arches[0]);
	return arches;
}

const char *pfd_audit_arch_name(uint32_t audit_arch)
{
	switch (audit_arch) {
	case AUDIT_ARCH_X86_64: return "x86_64";
	case AUDIT_ARCH_I386: return "i386";
	default: return "unknown";
	}
}

static int add_arch(enum map_arch slot, uint32_t scmp_arch, uint32_t strip)
{
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);

	if (n >= UINT8_MAX)
		return -E2BIG; /* the map stores index + 1 in a byte */
	for (size_t i = 0; i < n; i++) {
		int nr = seccomp_syscall_resolve_name_arch(scmp_arch, t[i].name);
		if (nr == __NR_SCMP_ERROR)
			return -EINVAL; /* a name libseccomp does not know: table typo */
		if (nr < 0)
			continue; /* the call does not exist on this arch */
		uint32_t idx = (uint32_t)nr & ~strip;
		if (idx >= MAP_SIZE)
			return -ERANGE;
		map[slot][idx] = (uint8_t)(i + 1);
	}
	return 0;
}

int pfd_syscall_map_init(void)
{
	int rc = add_arch(MAP_X86_64, SCMP_ARCH_X86_64, 0);
	if (rc == 0)
		rc = add_arch(MAP_I386, SCMP_ARCH_X86, 0);
	if (rc == 0)
		rc = add_arch(MAP_X32, SCMP_ARCH_X32, X32_BIT);
	return rc;
}

const struct pfd_syscall_desc *pfd_syscall_lookup(uint32_t audit_arch, uint64_t nr)
{
	enum map_arch slot;
	size_t n;
	const struct pfd_syscall_desc *t = pfd_syscalls(&n);

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
	return &t[map[slot][nr] - 1];
}
