/* procfd-trace: the program, with the built-in plugins and any extra ones. */
#ifndef PROCFD_RUN_H
#define PROCFD_RUN_H

#include "procfd/main.h" /* pfd_main: the entry point is public */
#include "procfd/plugin.h"

#endif
