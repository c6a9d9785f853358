/* procfd-trace: how the engine waits for the next stop (tracer/engine/waiting.c). */
#ifndef PROCFD_WAITING_H
#define PROCFD_WAITING_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One round's wait, from its start to its first stop. */
struct pfd_wait {
	uint64_t began;  /* CLOCK_MONOTONIC ns */
	bool polled;     /* the poll window ran out: the stop came late */
};

/* Begin a round: poll wait4(WNOHANG) for as long as the policy says. The
 * stopped tid with *status filled, or 0: block in wait4 and then call
 * pfd_wait_arrived. */
pid_t pfd_wait_poll(int *status, struct pfd_wait *w);

/* The round's first stop came after the blocking wait4. */
void pfd_wait_arrived(const struct pfd_wait *w);

/* Tracer and tracee are known to share one CPU (--same-cpu): never poll. */
void pfd_wait_never_poll(void);

/* A trial's verdict (pure, for tests): whether polling wins, from the
 * cycles of its sleeping and polling rounds (sorted in place; the longest
 * few of each left out); *epoch becomes the next epoch's length: doubled
 * (to a cap) when the verdict confirms was_poll, the shortest when it
 * changes or *epoch was 0 (no verdict before). */
bool pfd_wait_verdict(uint64_t *sleep_ns, unsigned n_sleep, uint64_t *poll_ns,
		      unsigned n_poll, bool was_poll, unsigned *epoch);
#define PFD_WAIT_EPOCH_MIN 2048u
#define PFD_WAIT_EPOCH_MAX 65536u

#endif
