/* procfd-trace: writing bytes from the tracee safely into each output format. */
#ifndef PROCFD_ESCAPE_H
#define PROCFD_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "procfd/writer.h"

/* True when buf holds well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool pfd_utf8_valid(const char *buf, size_t len);

/* JSON value for arbitrary bytes: a JSON string when the bytes are valid UTF-8
 * (", \ and every control character escaped, so the output is one line), else
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
