/* procfd-trace: waiting that fits the placement.
 *
 * Most of a stop's cost on these VMs is a wake-up: a tracer sleeping in
 * wait4 on one CPU is woken by the tracee that stops on the other, and with
 * the guest's halt polling off that round trip costs 40-100 us. Polling
 * wait4(WNOHANG) saves it while tracer and tracee run on different CPUs at
 * once; it is pure loss when they share a CPU (the poll only delays the
 * tracee) and under load (the poller takes a CPU from the load, and keeps
 * the scheduler from putting the tracee beside a sleeping tracer, which is
 * then the fastest hand-off). No rule on affinity or load gets every
 * placement right (a tracer pinned to one CPU with the tracee on another
 * must poll; both on one CPU must not), so the two ways are compared
 * directly: each epoch starts with a trial, a block of rounds sleeping and
 * a block polling (the order alternates from trial to trial), and the rest
 * of the epoch waits the way whose rounds were shorter (trimmed mean).
 * An epoch that confirms the last choice is twice as long as the one before
 * (up to EPOCH_MAX rounds); one that changes it starts again at EPOCH_MIN:
 * trials cost little while the placement holds and come soon after it
 * changes.
 *
 * Polling adapts within a round as well: its window is twice the smoothed
 * latency of polled stops (10-60 us), and once they come later than the
 * window allows (the tracee works between calls) it is tried only every
 * POLL_RETRY rounds. Nothing the tracee sees changes: no affinity, no
 * priority. */
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracer/engine/waiting.h"

#define POLL_MAX_NS 60000u   /* 60 us without back-off beat 30 us with one */
#define POLL_MIN_NS 10000u
#define POLL_RETRY 32u       /* rounds of late stops before a poll is tried again */
#define TRIAL_ROUNDS 16u     /* rounds of each way per trial */
#define TRIAL_SETTLE 4u      /* a block's first rounds, not counted: the placement settles */
#define TRIM 2u             /* of a block's counted rounds, the longest left out */
#define EPOCH_MIN PFD_WAIT_EPOCH_MIN
#define EPOCH_MAX PFD_WAIT_EPOCH_MAX

enum way { SLEEP = 0, POLL = 1 };

static struct {
	uint64_t ewma_ns;   /* resume to stop of polled rounds, smoothed by 1/8 */
	unsigned slept;     /* rounds without a poll since stops came late */
	bool never;
	enum way chosen;    /* for the rounds of this epoch after its trial */
	bool decided;
	unsigned round;     /* rounds into the epoch */
	unsigned epoch;     /* its length */
	unsigned trials;
	enum way way;       /* this round's */
	bool trial;         /* this round is one of a trial's */
	bool counted;       /* its cycle goes to the trial */
	uint64_t arrived;   /* when the last timed round's first stop came */
	uint64_t lat[2][TRIAL_ROUNDS];
	unsigned n[2];
} wp = { .ewma_ns = POLL_MAX_NS / 2, .chosen = POLL, .epoch = EPOCH_MIN };

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void pfd_wait_never_poll(void)
{
	wp.never = true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The mean without the TRIM longest: a poll's cost on a shared CPU is a
 * tail (a third of the rounds wait out the window) that a median would hide,
 * while one stop after real work of the tracee would swamp a plain mean. */
static uint64_t trimmed_mean(uint64_t *v, unsigned n)
{
	uint64_t sum = 0;
	unsigned keep = n > 2 * TRIM ? n - TRIM : n;
	qsort(v, n, sizeof(*v), cmp_u64);
	for (unsigned i = 0; i < keep; i++)
		sum += v[i];
	return sum / keep;
}

bool pfd_wait_verdict(uint64_t *sleep_ns, unsigned n_sleep, uint64_t *poll_ns,
		      unsigned n_poll, bool was_poll, unsigned *epoch)
{
	if (!n_sleep || !n_poll)
		return was_poll;
	bool poll = trimmed_mean(poll_ns, n_poll) < trimmed_mean(sleep_ns, n_sleep);
	if (poll != was_poll || *epoch < EPOCH_MIN)
		*epoch = EPOCH_MIN;
	else if (*epoch < EPOCH_MAX)
		*epoch *= 2;
	return poll;
}

/* The trial is over: the way with the shorter rounds wins the epoch. */
static void decide(void)
{
	if (wp.n[SLEEP] && wp.n[POLL]) {
		unsigned epoch = wp.decided ? wp.epoch : 0;
		bool poll = pfd_wait_verdict(wp.lat[SLEEP], wp.n[SLEEP], wp.lat[POLL], wp.n[POLL],
					     wp.chosen == POLL, &epoch);
		wp.chosen = poll ? POLL : SLEEP;
		wp.epoch = epoch;
		wp.decided = true;
	}
	wp.n[SLEEP] = wp.n[POLL] = 0;
	wp.trials++;
}

/* Which way this round waits: its trial's block, or the epoch's choice. */
static enum way next_way(void)
{
	if (wp.round >= wp.epoch)
		wp.round = 0;
	unsigned r = wp.round++;
	wp.counted = wp.trial = false;
	if (r == 2 * TRIAL_ROUNDS)
		decide();
	if (r >= 2 * TRIAL_ROUNDS)
		return wp.chosen;
	enum way first = wp.trials % 2 ? POLL : SLEEP;
	wp.trial = true;
	wp.counted = r % TRIAL_ROUNDS >= TRIAL_SETTLE;
	return r < TRIAL_ROUNDS ? first : (enum way)!first;
}

/* Capped, so that one stop that came late (the tracee did real work, or
 * blocked) does not stop polling for many rounds. */
static void note_poll_latency(uint64_t ns)
{
	if (ns > 2 * POLL_MAX_NS)
		ns = 2 * POLL_MAX_NS;
	wp.ewma_ns = wp.ewma_ns - wp.ewma_ns / 8 + ns / 8;
}

/* A timed round's first stop came at now, ns after its wait began. What a
 * trial compares is the cycle, from the last round's stop to this one's:
 * our work, the resume, the tracee's run and the wait. The wait alone would
 * mislead where the tracee runs on our CPU: woken by the resume, it may take
 * the CPU from us before the wait begins, and a poll then finds its stop at
 * once, however long it took. */
static void note(uint64_t now, uint64_t ns, bool polled)
{
	if (polled)
		note_poll_latency(ns);
	if (wp.counted && wp.arrived && wp.n[wp.way] < TRIAL_ROUNDS)
		wp.lat[wp.way][wp.n[wp.way]++] = now - wp.arrived;
	wp.arrived = now;
}

/* How long to poll this round before sleeping, 0 for not at all. */
static uint64_t poll_window(void)
{
	if (wp.ewma_ns > POLL_MAX_NS && ++wp.slept < POLL_RETRY)
		return 0;
	wp.slept = 0;
	uint64_t w = 2 * wp.ewma_ns;
	return w < POLL_MIN_NS ? POLL_MIN_NS : w > POLL_MAX_NS ? POLL_MAX_NS : w;
}

pid_t pfd_wait_poll(int *status, struct pfd_wait *w)
{
	static int cpus;
	w->began = 0;
	w->polled = false;
	if (!cpus && (cpus = (int)sysconf(_SC_NPROCESSORS_ONLN)) <= 1)
		wp.never = true; /* nobody else to run the tracee meanwhile */
	if (wp.never)
		return 0;
	wp.way = next_way();
	bool timed = wp.trial || wp.way == POLL;
	uint64_t window = wp.way == POLL ? poll_window() : 0;
	if (!timed)
		return 0; /* the epoch sleeps: no clock to read */
	uint64_t start = now_ns(), t = start;
	w->began = start;
	while (t - start < window) {
		pid_t tid = wait4(-1, status, __WALL | WNOHANG, NULL);
		if (tid != 0) {
			if (tid > 0) {
				uint64_t now = now_ns();
				note(now, now - start, true);
			}
			return tid > 0 ? tid : 0; /* an error is seen by the blocking wait */
		}
		t = now_ns();
	}
	w->polled = window > 0;
	return 0;
}

void pfd_wait_arrived(const struct pfd_wait *w)
{
	if (w->began) {
		uint64_t now = now_ns();
		note(now, now - w->began, w->polled);
	}
}
