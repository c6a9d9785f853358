/* procfd-trace: the engine's side of the event writer (include/procfd/writer.h). */
#ifndef PROCFD_WRITER_IMPL_H
#define PROCFD_WRITER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "procfd/writer.h"

/* JSON Lines or text, for the whole run (before the first event). */
void pfd_writer_set_format(bool json);

/* pfd_event_begin, with the text headline naming text_id ("[pid TID]", as
 * strace names the thread) while JSON's "pid" is the process. */
struct pfd_writer *pfd_writer_begin(const char *kind, pid_t json_pid, pid_t text_id);

bool pfd_writer_is_json(const struct pfd_writer *w);

/* pfd_w_stack's layout for frames already symbolized, innermost first (the
 * unit tests give frames no live process could). */
struct pfd_frame;
void pfd_w_frames(struct pfd_writer *w, const char *key, const struct pfd_frame *frames,
		  size_t n);

#endif
