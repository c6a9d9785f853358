/* procfd-trace: the program, with the built-in plugins and any extra ones. */
#ifndef PROCFD_RUN_H
#define PROCFD_RUN_H

#include "procfd/plugin.h"

#define PFD_RUN_MAX_PLUGINS 8

/* Parse argv and trace; returns the exit status. extra: NULL-terminated
 * plugins run after the built-in ones, or NULL. */
int pfd_main(int argc, char **argv, const struct pfd_plugin *const *extra);

#endif
