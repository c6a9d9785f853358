/* procfd-trace: writing bytes from the tracee safely into each output format. */
#ifndef PROCFD_ESCAPE_H
#define PROCFD_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "procfd/writer.h"

/* True when buf holds well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool pfd_utf8_valid(const char *buf, size_t len);

/* The length of the UTF-8 sequence at p (avail bytes) when it encodes a C1
 * control (U+0080..U+009F) or a bidi override or isolate (U+202A..U+202E,
 * U+2066..U+2069), its code point in *cp; else 0. Such text is escaped in
 * every output form, so a terminal never acts on it. */
size_t pfd_utf8_terminal_unsafe(const unsigned char *p, size_t avail, uint32_t *cp);

/* JSON value for arbitrary bytes: a JSON string when the bytes are valid UTF-8
 * (", \ and every control character escaped, so the output is one line; C1
 * controls and bidi overrides as \u0085, \u202e), else
 * an array of the byte values [47,116,...] (lossless; the convention of
 * systemd's journal export). See docs/json-schema.md. */
void pfd_json_bytes(struct pfd_buf *out, const char *buf, size_t len);

/* JSON string for text known to be ours (names, explanations): escaped the
 * same way, invalid bytes replaced by U+FFFD. */
void pfd_json_string(struct pfd_buf *out, const char *s);

/* A C-style quoted string as strace prints it: printable ASCII as is, \" \\
 * \t \n \v \f \r, every other byte in octal (\0, \33, \177, \303\251). */
void pfd_text_quote(struct pfd_buf *out, const char *buf, size_t len);

#endif
