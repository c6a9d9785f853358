/* procfd-trace: writing events, for the engine and for plugins alike.
 *
 * An event is a tree of named fields. The JSON sink writes it as one JSON
 * Lines object ({"event": KIND, "pid": P, ...}, the escaping of
 * docs/json-schema.md); the text sink as a headline "[pid P] TITLE" followed
 * by one indented line per field ("    key: value", an object's fields on
 * that one line, an array's elements on lines of their own). A plugin that
 * wants a text layout of its own marks the structured fields JSON-only and
 * adds text-only lines. No sink knows any plugin's types.
 *
 * Each event is built in memory and reaches the output in one write, so an
 * event is never cut by another or by our death. A NULL writer is accepted
 * everywhere and ignored: a plugin need not check pfd_event_begin's result
 * before writing. */
#ifndef PROCFD_WRITER_H
#define PROCFD_WRITER_H

#include "procfd/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pfd_writer;

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

/* ---- presentation ------------------------------------------------------- */

/* The text headline after "[pid P] " (default: the kind). */
PFD_API void pfd_w_title(struct pfd_writer *w, const char *title);
/* A line only the text sink shows, indented under the headline; past 100
 * columns it goes on over lines indented two more. */
PFD_API void pfd_w_text(struct pfd_writer *w, const char *line);
/* The same, never wrapped: a row of a table. */
PFD_API void pfd_w_text_row(struct pfd_writer *w, const char *line);
/* A block of text shown as it is (text sink only): each of its lines from
 * column 0, never wrapped nor indented, so that it can be copied out whole
 * (a generated suppression entry, ready to paste). Only bytes a terminal
 * would act on (control bytes other than tab and newline, C1 controls,
 * bidi overrides, invalid UTF-8) are written escaped, in octal ("\033").
 * It ends with a newline, given or not. */
PFD_API void pfd_w_text_block(struct pfd_writer *w, const char *text);
/* While on, fields are written to JSON only: for a plugin that shows them
 * in text through its own lines. */
PFD_API void pfd_w_json_only(struct pfd_writer *w, bool on);
/* While on, fields are written to text only (e.g. a stack under a line of
 * the plugin's own); the JSON form carries them elsewhere. */
PFD_API void pfd_w_text_only(struct pfd_writer *w, bool on);

/* Whether the output is a terminal (for --color=auto). */
PFD_API bool pfd_output_is_tty(void);

/* ---- a growable byte buffer, for building titles and text lines ---------- */

struct pfd_buf {
	char *data;   /* NUL-terminated while not NULL */
	size_t len, cap;
	bool failed;  /* an allocation failed: the content is cut */
};

#define PFD_BUF_INIT { NULL, 0, 0, false }

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
