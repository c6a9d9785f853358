/* procfd-trace: the built-in plugins, for tracer/cli/run.c to list. They are
 * not part of the SDK (include/procfd/): an outside plugin neither calls
 * nor names them. */
#ifndef PROCFD_PLUGINS_BUILTIN_H
#define PROCFD_PLUGINS_BUILTIN_H

#include "procfd/plugin.h"

extern const struct pfd_plugin pfd_plugin_procfd;
extern const struct pfd_plugin pfd_plugin_leaks;      /* opt-in: --leaks */
extern const struct pfd_plugin pfd_plugin_untraced;   /* warns of CLONE_UNTRACED children */
extern const struct pfd_plugin pfd_plugin_uffd;       /* marks userfaultfd users: pfd_tracee_may_fault */
extern const struct pfd_plugin pfd_plugin_own_filter; /* warns of a tracee's own seccomp filter */

#endif
