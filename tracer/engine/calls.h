/* procfd-trace: the storage of calls in flight.
 *
 * A call is decoded into a slot at its entry stop. A slot no plugin keeps is
 * used again for the thread's next call; a kept one goes with the thread
 * until its exit stop and then back to a free list. So a traced thread owns
 * no buffer of its own, only calls in flight do, and after warm-up no call
 * allocates. */
#ifndef PROCFD_CALLS_H
#define PROCFD_CALLS_H

#include <limits.h>
#include <stdint.h>
#include <time.h>

#include "procfd/call.h"
#include "tracer/engine/proctab.h"

struct call_slot {
	struct pfd_call call;
	struct pfd_path_args path;
	uint32_t plugins;   /* whom the call is for (bits of pfd_traps_select) */
	uint32_t touched;   /* plugins whose call state was handed out */
	unsigned want;      /* the plugins' PFD_NEED_EXIT | PFD_REPORT */
	struct timespec entered, exited; /* pfd_clock_now at the stops (exited: when
					    call.finished) */
	void *state[PFD_MAX_PLUGINS];
	struct call_slot *next_free;
	char path_buf[PATH_MAX];
};

/* A slot, from the free list or new; NULL when out of memory. */
struct call_slot *pfd_slot_get(void);
/* Run the touched call states' fini and put the slot back. */
void pfd_slot_put(struct call_slot *s);
struct call_slot *pfd_slot_of(const struct pfd_call *c);
void pfd_slots_free_all(void);

#endif
