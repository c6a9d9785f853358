/* procfd-trace: the engine's side of the plugin API: the registered
 * plugins and the error guard at the boundary. */
#ifndef PROCFD_PLUGIN_API_H
#define PROCFD_PLUGIN_API_H

#include <stddef.h>

#include "procfd/plugin.h"
#include "tracer/engine/proctab.h"
#include "tracer/output/api_rc.h"

/* Check and keep the plugins (NULL-terminated, at most PFD_MAX_PLUGINS),
 * and call their init. 0 or -errno, with *who the plugin at fault. */
int pfd_api_register(const struct pfd_plugin *const *list, const char **who);

/* The registered plugins, NULL-terminated. */
extern const struct pfd_plugin *pfd_plugins[PFD_MAX_PLUGINS + 1];

/* Free a process record's plugin states (the proctab release hook). */
void pfd_api_release_proc(struct pfd_proc *p);

#endif
