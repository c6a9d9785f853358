/* procfd-trace with the example plugin (tests only). */
#include "procfd/plugin.h"
#include "tracer/run.h"

extern const struct pfd_plugin dupcount_plugin;

int main(int argc, char **argv)
{
	static const struct pfd_plugin *const extra[] = { &dupcount_plugin, NULL };
	return pfd_main(argc, argv, extra);
}
