/* procfd-trace: which frames of a leak's stack belong to the system, for
 * the SARIF location and the names of generated suppressions alike. */
#include <string.h>

#include "tracer/plugins/leaks/leaks.h"

bool pfd_leak_module_is_system(const char *module)
{
	static const char *const dirs[] = { "/lib/", "/lib64/", "/lib32/", "/usr/lib/",
					    "/usr/lib64/", "/usr/lib32/" };
	if (!module)
		return false;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		if (strncmp(module, dirs[i], strlen(dirs[i])) == 0)
			return true;
	const char *base = strrchr(module, '/');
	base = base ? base + 1 : module;
	return strncmp(base, "ld-linux", 8) == 0 || strncmp(base, "libc.so", 7) == 0 ||
	       strncmp(base, "libc-", 5) == 0;
}
