/* procfd-trace --explain PATH...: examine /proc fd links as they are now,
 * instead of tracing anything. */
#ifndef PROCFD_EXPLAIN_H
#define PROCFD_EXPLAIN_H

#include <stdbool.h>

/* Explain each of paths (n of them): an fd link (/proc/PID/fd/N, /dev/fd/N,
 * any spelling tracer/plugins/procfd/classify.h knows), an fd directory (every fd of the
 * process) or a bare PID. One "explain" event per link goes to the output,
 * already open. own_fd is procfd-trace's output fd, left out when it lists
 * its own fd directory (-1: none).
 *
 * Returns the exit status: 0 when every link was there to examine, 1 when
 * some process or fd did not exist or could not be inspected (still
 * reported), 2 when an argument names no fd link (nothing is written). */
int pfd_explain_main(char *const *paths, int n, int own_fd);

/* --color and --only for the report, as given (NULL: not given; --color
 * alone is "always"). Checked before anything is examined: 0, or -1 after
 * one line on stderr (a usage error). */
int pfd_explain_options(bool color_given, const char *color, const char *only);

#endif
