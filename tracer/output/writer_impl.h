/* procfd-trace: the engine's side of the event writer (include/procfd/writer.h). */
#ifndef PROCFD_WRITER_IMPL_H
#define PROCFD_WRITER_IMPL_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "procfd/writer.h"

/* JSON Lines or text, for the whole run (before the first event). */
void pfd_writer_set_format(bool json);

/* pfd_event_begin, with the text headline naming text_id ("[pid TID]", as
 * strace names the thread) while JSON's "pid" is the process. */
struct pfd_writer *pfd_writer_begin(const char *kind, pid_t json_pid, pid_t text_id);

/* pfd_writer_begin for something that happened at `at` (pfd_clock_now's),
 * not now: a call's headline carries its entry time. */
struct pfd_writer *pfd_writer_begin_at(const char *kind, pid_t json_pid, pid_t text_id,
				       const struct timespec *at);


/* ---- times (strace's -t, -tt, -ttt, -r, -T) ----------------------------- */

/* Now, for events and durations: CLOCK_MONOTONIC. It is shown as the wall
 * clock time it was (CLOCK_REALTIME at the first reading, plus the
 * monotonic time since), so the times of a run never go back, whatever
 * the wall clock does meanwhile; their differences are -r's and -T's. */
void pfd_clock_now(struct timespec *mono);
/* The text headlines start with the time: absolute 1 (-t, 14:03:07),
 * 2 (-tt, 14:03:07.123456), 3 (-ttt, 1765202587.123456), or with relative
 * (-r) the seconds since the previous headline's time. */
void pfd_writer_set_times(unsigned absolute, bool relative);
/* A moment (pfd_clock_now's; NULL: the event's own) as epoch seconds with
 * microseconds, a JSON number. */
void pfd_w_time(struct pfd_writer *w, const char *key, const struct timespec *at);
/* The time from one moment to a later one, in seconds with microseconds:
 * a JSON number, or in text "0.000123" (-T's " <0.000123>"). */
void pfd_w_duration(struct pfd_writer *w, const char *key, const struct timespec *from,
		    const struct timespec *to);
void pfd_buf_duration(struct pfd_buf *b, const struct timespec *from, const struct timespec *to);

/* The words pfd_w_title_append put at the end of the event's headline
 * ("" when none): a call's layout writes them before -T's duration. */
struct pfd_event;
const char *pfd_event_title_tail(const struct pfd_event *ev);

#endif
