/* procfd-trace with the example plugin (tests only). It includes nothing but
 * the public headers, as an outside plugin built against an installed SDK
 * does (make check-sdk builds it exactly that way). */
#include <procfd/main.h>
#include <procfd/plugin.h>

extern const struct pfd_plugin dupcount_plugin;

int main(int argc, char **argv)
{
	static const struct pfd_plugin *const extra[] = { &dupcount_plugin, NULL };
	return pfd_main(argc, argv, extra);
}
