/* procfd-trace: an event in memory, as the writer builds it and both
 * renderings read it (tracer/output/event.c, writer.c, text.c).
 *
 * An event is a tree of typed fields in one array of nodes: node 0 is the
 * event's object, each container links its children in order. Strings
 * (keys and values) live in one buffer of the event, referred to by offset,
 * so building an event allocates nothing once its buffers have grown. */
#ifndef PROCFD_EVENT_IMPL_H
#define PROCFD_EVENT_IMPL_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/writer.h"

/* Node types past the SDK's enum pfd_ftype: the presentation nodes of the
 * transitional pfd_w_text* calls (text only). */
enum {
	F_TEXT_LINE = 64, /* wrapped at 100 columns */
	F_TEXT_ROW,       /* never wrapped */
	F_TEXT_BLOCK,     /* verbatim, from column 0 */
};

/* node flags */
#define F_JSON_ONLY 1u /* the text rendering skips it */
#define F_TEXT_ONLY 2u /* the JSON rendering skips it */
#define F_FRAMES 4u    /* an array of stack frames (pfd_w_frames) */

struct pfd_field {
	const struct pfd_event *ev;
	uint8_t type;  /* enum pfd_ftype, or F_TEXT_* */
	uint8_t flags;
	uint32_t key;  /* offset in ev->strings + 1; 0: none (array element) */
	uint32_t next; /* the next sibling's index; 0: none */
	uint32_t child, last; /* a container's first and last child; 0: none */
	union {
		int64_t i;
		uint64_t u;
		struct { uint32_t off, len; } s;
	} v;
};

struct pfd_event {
	char kind[32];
	pid_t pid;      /* JSON's "pid"; 0: none */
	pid_t text_id;  /* the default text headline's "[pid N]" */
	int64_t wall_ns; /* when it happened, wall clock (the text headline's time) */
	struct pfd_field *nodes;
	uint32_t n_nodes, cap;
	struct pfd_buf strings;
	struct pfd_buf title; /* the transitional pfd_w_title */
	struct pfd_buf title_tail; /* pfd_w_title_append: words at the headline's end */
	bool failed;          /* memory ran out: the event is incomplete */
};

/* Empty the event for a new kind (keeps its buffers). */
void pfd_event_reset(struct pfd_event *ev, const char *kind, pid_t pid, pid_t text_id);
/* Append a node under parent (a container's index); its index, or 0 when
 * memory ran out (ev->failed is then set). */
uint32_t pfd_event_add(struct pfd_event *ev, uint32_t parent, uint8_t type, const char *key);
/* Append a string to the event's strings: its offset. */
uint32_t pfd_event_store(struct pfd_event *ev, const char *s, size_t len);
const char *pfd_event_string(const struct pfd_event *ev, uint32_t off);

/* A JSON Lines event (event_json.c) into ev, to be rendered as text: 0,
 * -EINVAL (not one of our events), -ENOMEM. */
int pfd_event_parse(struct pfd_event *ev, const char *line, size_t len);

/* The renderings: append the event to out. */
void pfd_event_json(const struct pfd_event *ev, struct pfd_buf *out);
void pfd_event_text(const struct pfd_event *ev, struct pfd_buf *out);
/* Only what the kind's layouts write (no default layout, no headline of
 * its own): the render check's part of an event with transitional text. */
void pfd_event_text_layouts(const struct pfd_event *ev, struct pfd_buf *out);
bool pfd_event_has_layout(const struct pfd_event *ev);
/* Whether a layout of its event's kind claims this top-level field. */
bool pfd_event_claimed(const struct pfd_field *f);

/* The text headline's times (strace's -t, -tt, -ttt, -r). */
void pfd_text_set_times(unsigned absolute, bool relative);
/* -r's memory of the previous headline, kept and put back around a
 * rendering that must not count (the render check's). */
void pfd_text_times_get(int64_t *last, bool *have);
void pfd_text_times_put(int64_t last, bool have);
/* "S.UUUUUU" from nanoseconds (truncated to the microsecond, as strace). */
void pfd_put_seconds(struct pfd_buf *b, int64_t ns);

#endif
