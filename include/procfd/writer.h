/* procfd-trace: events, for the engine and for plugins alike.
 *
 * An event is built once, as a tree of typed fields (pfd_w_int, pfd_w_str,
 * objects, arrays, stack frames), and then rendered in the run's format:
 *
 * - JSON Lines, mechanically: {"event": KIND, "pid": P, <the fields>} with
 *   the escaping of docs/json-schema.md;
 * - text, by the kind's text layout (pfd_text_layout): a function that
 *   reads the built fields and writes the headline and the lines, the one
 *   place where the text's order and wording are said. Fields no layout
 *   claims get the default layout: "[pid P] KIND", then one indented line
 *   per field ("    key: value", an object's fields on that line, an
 *   array's elements on lines of their own, a stack's frames as valgrind
 *   shows them).
 *
 * A layout sees only the fields, as `procfd-render` does when it renders a
 * JSON trace as text (tests/tools/render.c): so the text says nothing the
 * JSON does not carry. No sink knows any plugin's types.
 *
 * Each event reaches the output in one write, so an event is never cut by
 * another or by our death. A NULL writer is accepted everywhere and
 * ignored: a plugin need not check pfd_event_begin's result. */
#ifndef PROCFD_WRITER_H
#define PROCFD_WRITER_H

#include "procfd/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pfd_writer;

/* ---- a growable byte buffer, for building titles and text lines ---------- */

struct pfd_buf {
	char *data;   /* NUL-terminated while not NULL */
	size_t len, cap;
	bool failed;  /* an allocation failed: the content is cut */
};

#define PFD_BUF_INIT { NULL, 0, 0, false }


/* ---- events of a plugin's own kind -------------------------------------- */

/* Start an event of kind (lowercase, e.g. "leak", "summary") about process
 * pid (0: about no process in particular). NULL when no writer is free (at
 * most PFD_WRITERS events are built at once) or memory ran out. */
PFD_API struct pfd_writer *pfd_event_begin(const char *kind, pid_t pid);
#define PFD_WRITERS 4

/* Write the event whole and release the writer. 0, or -errno when the
 * output could not take it (the error is also reported at the end). */
PFD_API int pfd_event_end(struct pfd_writer *w);

/* Drop an event being built: nothing is written. */
PFD_API void pfd_event_cancel(struct pfd_writer *w);

/* ---- fields ------------------------------------------------------------- */

/* key is NULL for an array's elements, and must be given in an object. */
PFD_API void pfd_w_int(struct pfd_writer *w, const char *key, int64_t v);
PFD_API void pfd_w_uint(struct pfd_writer *w, const char *key, uint64_t v);
PFD_API void pfd_w_bool(struct pfd_writer *w, const char *key, bool v);
PFD_API void pfd_w_null(struct pfd_writer *w, const char *key);
/* Text of ours (names, sentences): written as a string; NULL writes null. */
PFD_API void pfd_w_str(struct pfd_writer *w, const char *key, const char *s);
/* Bytes from the tracee (paths, link texts): a JSON string when they are
 * valid UTF-8, else an array of byte values; quoted C-style in text. */
PFD_API void pfd_w_bytes(struct pfd_writer *w, const char *key, const char *buf, size_t len);
/* A stack's frames, already symbolized by the stack service
 * (pfd_stack_symbolize), innermost first: an array of frames {ip, function,
 * offset, module, module_offset, build_id, file, line}
 * (docs/json-schema.md); in text one "at"/"by" line per frame, as valgrind
 * does, without glibc's frames below main. The writer neither captures nor
 * symbolizes: a stack that could not be taken is the caller's pfd_w_null. */
struct pfd_frame;
PFD_API void pfd_w_frames(struct pfd_writer *w, const char *key, const struct pfd_frame *frames,
			  size_t n);

PFD_API void pfd_w_object(struct pfd_writer *w, const char *key);
PFD_API void pfd_w_array(struct pfd_writer *w, const char *key);
/* Close the innermost open object or array. */
PFD_API void pfd_w_end(struct pfd_writer *w);

/* ---- reading a built event (for text layouts) ------------------------------ */

struct pfd_event;
struct pfd_field;

enum pfd_ftype {
	PFD_F_NONE,    /* no such field */
	PFD_F_NULL,
	PFD_F_INT,
	PFD_F_UINT,
	PFD_F_BOOL,
	PFD_F_STR,     /* pfd_w_str: text of ours */
	PFD_F_BYTES,   /* pfd_w_bytes: the tracee's bytes (a JSON string reads back as STR) */
	PFD_F_SECONDS, /* a time or duration: seconds with microseconds */
	PFD_F_OBJECT,
	PFD_F_ARRAY,   /* pfd_w_frames' too */
};

PFD_API const char *pfd_event_kind(const struct pfd_event *ev);
/* The event's "pid" (0: none). */
PFD_API pid_t pfd_event_pid(const struct pfd_event *ev);
/* The first top-level field (pfd_f_next for the others); NULL: none. */
PFD_API const struct pfd_field *pfd_event_first(const struct pfd_event *ev);
/* A top-level field by key; NULL when absent. */
PFD_API const struct pfd_field *pfd_event_get(const struct pfd_event *ev, const char *key);
/* A field of an object by key; NULL when absent or f is no object. */
PFD_API const struct pfd_field *pfd_f_get(const struct pfd_field *f, const char *key);
/* PFD_F_NONE for NULL. */
PFD_API enum pfd_ftype pfd_f_type(const struct pfd_field *f);
PFD_API const char *pfd_f_key(const struct pfd_field *f);
/* An integer (INT, UINT or BOOL) as either type; 0 for anything else. */
PFD_API int64_t pfd_f_int(const struct pfd_field *f);
PFD_API uint64_t pfd_f_uint(const struct pfd_field *f);
PFD_API bool pfd_f_bool(const struct pfd_field *f);
/* STR or BYTES (len may be NULL); NULL for anything else. */
PFD_API const char *pfd_f_str(const struct pfd_field *f, size_t *len);
/* The tracee's bytes of a pfd_w_bytes field, whatever way it came: as
 * built, or read back from JSON (a string, or an array of byte values
 * where they were not UTF-8), copied into b: b's content, or NULL when f
 * holds no bytes (null, absent). */
PFD_API const char *pfd_f_bytes(const struct pfd_field *f, struct pfd_buf *b, size_t *len);
/* SECONDS in nanoseconds; 0 for anything else. */
PFD_API int64_t pfd_f_ns(const struct pfd_field *f);
/* A container's first element or field, and the next one; NULL at the end. */
PFD_API const struct pfd_field *pfd_f_first(const struct pfd_field *f);
PFD_API const struct pfd_field *pfd_f_next(const struct pfd_field *f);
/* A value as the default text layout writes it: a string of ours plain,
 * the tracee's bytes quoted C-style, an object "k=v, k=v", seconds
 * "0.000123". */
PFD_API void pfd_buf_field(struct pfd_buf *b, const struct pfd_field *f);

/* ---- the text layout of a kind ------------------------------------------- */

struct pfd_text;

struct pfd_text_layout {
	const char *kind;
	/* The top-level keys this layout shows (or hides), NULL-terminated;
	 * NULL: every field. The others get the default layout, after. */
	const char *const *keys;
	void (*render)(const struct pfd_event *ev, struct pfd_text *t);
};

/* Register a layout (it must live as long as the run), before the first
 * event: 0, -EINVAL (no kind or render), -ENOSPC (PFD_TEXT_LAYOUTS are
 * registered). Several layouts may share a kind (the engine's call event
 * and each plugin's part of it): they render in the order registered. */
PFD_API int pfd_text_layout(const struct pfd_text_layout *layout);
#define PFD_TEXT_LAYOUTS 32

/* What a layout writes: the headline "[pid ID] TITLE" (ID 0: no "[pid]";
 * -t/-r's time after it); lines indented under it, wrapped past 100
 * columns over lines indented two more; rows, never wrapped; a block shown
 * as it is from column 0 (a suppression entry to paste: only bytes a
 * terminal would act on are escaped, in octal); a field in the default
 * layout; a frames array under a label ("label:" then an "at"/"by" line
 * per frame, without glibc's frames below main). pfd_text_drop: the event
 * has no text form (strace's -q). */
PFD_API void pfd_text_headline(struct pfd_text *t, pid_t id, const char *title);
PFD_API void pfd_text_line(struct pfd_text *t, const char *line);
PFD_API void pfd_text_row(struct pfd_text *t, const char *line);
PFD_API void pfd_text_block(struct pfd_text *t, const char *text);
PFD_API void pfd_text_field(struct pfd_text *t, const struct pfd_field *f);
PFD_API void pfd_text_frames(struct pfd_text *t, const char *label, const struct pfd_field *frames);
PFD_API void pfd_text_drop(struct pfd_text *t);

/* ---- transitional: text written beside the fields --------------------------
 *
 * The leak report and the procfd plugin's call annotation still lay their
 * text out by hand while their text is being reworked (issue 22): fields
 * marked JSON-only, lines of text-only. New code uses a text layout. */
PFD_API void pfd_w_title(struct pfd_writer *w, const char *title);
/* Text added at the end of the headline (the call's own line in text):
 * a plugin's short word on the event, e.g. "[link itself]". */
PFD_API void pfd_w_title_append(struct pfd_writer *w, const char *s);
/* A line only the text sink shows, indented under the headline. On a
 * terminal, past its width it goes on over lines indented two more (never
 * inside a quoted string); in a file or a pipe it is never wrapped. */
PFD_API void pfd_w_text(struct pfd_writer *w, const char *line);
PFD_API void pfd_w_text_row(struct pfd_writer *w, const char *line);
PFD_API void pfd_w_text_block(struct pfd_writer *w, const char *text);
PFD_API void pfd_w_json_only(struct pfd_writer *w, bool on);
PFD_API void pfd_w_text_only(struct pfd_writer *w, bool on);

/* Whether the output is a terminal (for --color=auto). */
PFD_API bool pfd_output_is_tty(void);


PFD_API void pfd_buf_put(struct pfd_buf *b, const void *p, size_t n);
PFD_API void pfd_buf_puts(struct pfd_buf *b, const char *s);
PFD_API void pfd_buf_putc(struct pfd_buf *b, char c);
PFD_API void pfd_buf_int(struct pfd_buf *b, int64_t v);
PFD_API void pfd_buf_uint(struct pfd_buf *b, uint64_t v);
PFD_API void pfd_buf_hex(struct pfd_buf *b, uint64_t v); /* 0x1f */
/* Bytes quoted as strace prints them: "a\nb\303\251". */
PFD_API void pfd_buf_quote(struct pfd_buf *b, const char *bytes, size_t len);
/* Text of ours as a JSON string (escaped as in docs/json-schema.md;
 * invalid UTF-8 replaced by U+FFFD); NULL gives null. */
PFD_API void pfd_buf_json_string(struct pfd_buf *b, const char *s);
/* Bytes from the tracee as a JSON value: a string when valid UTF-8, else
 * an array of byte values. */
PFD_API void pfd_buf_json_bytes(struct pfd_buf *b, const char *bytes, size_t len);
/* The content as a C string ("" while empty). */
PFD_API const char *pfd_buf_str(const struct pfd_buf *b);
PFD_API void pfd_buf_clear(struct pfd_buf *b);
PFD_API void pfd_buf_free(struct pfd_buf *b);

#endif
