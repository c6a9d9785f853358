/* procfd-trace: the entry point for a procfd-trace of your own, with extra
 * plugins (see include/procfd/plugin.h and tests/plugins/ for an example):
 *
 *     int main(int argc, char **argv)
 *     {
 *             static const struct pfd_plugin *const extra[] = { &my_plugin, NULL };
 *             return pfd_main(argc, argv, extra);
 *     }
 */
#ifndef PROCFD_MAIN_H
#define PROCFD_MAIN_H

#include "procfd/export.h"

struct pfd_plugin;

/* How many plugins one run holds, the built-in ones included: the engine
 * keeps a slot per plugin in each process and call record. */
#define PFD_MAX_PLUGINS 8
/* The built-in plugins (procfd, leaks, untraced, uffd, own_filter), which
 * always come first: PFD_MAX_PLUGINS - PFD_BUILTIN_PLUGINS extra ones fit. */
#define PFD_BUILTIN_PLUGINS 5
#define PFD_MAX_EXTRA_PLUGINS (PFD_MAX_PLUGINS - PFD_BUILTIN_PLUGINS)

/* Parse argv as procfd-trace does and trace; returns the exit status.
 * extra: NULL-terminated plugins run after the built-in ones, or NULL.
 * More than PFD_MAX_EXTRA_PLUGINS of them is refused before anything runs:
 * a message on stderr and status 2. */
PFD_API int pfd_main(int argc, char **argv, const struct pfd_plugin *const *extra);

#endif
