/* procfd-trace: where events go. Each event is handed over whole, already
 * formatted (writer.c), and leaves in one write. */
#ifndef PROCFD_OUTPUT_H
#define PROCFD_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>

/* Open -o FILE (or use stderr) and choose the format. 0 or -errno; nothing
 * is traced before this. A final symlink is followed unless it sits in a
 * sticky world-writable directory and belongs to neither us nor the
 * directory's owner (-ELOOP, said on stderr). */
int pfd_output_open(const char *path, bool json);

/* The same on an fd already open (--explain: standard output). */
int pfd_output_use_fd(int fd, bool json);

/* The output's fd (-1 before it is open). */
int pfd_output_fd(void);

/* Write one whole event. 0, or -errno (the first error is kept and also
 * returned by pfd_output_close). On a regular file, an event the disk could
 * take only in part is cut back off, so the file holds whole events only. */
int pfd_output_write(const char *data, size_t len);

/* How many events could not be written, and the output's name for messages. */
unsigned long pfd_output_lost(void);
/* An event that could not be built whole (out of memory) is not written:
 * counted with the lost ones, said on stderr the first time, and
 * pfd_output_close then fails with err. */
void pfd_output_drop(int err);
const char *pfd_output_name(void);

/* 0, or -errno when a write failed (ENOSPC, EIO, EPIPE...). */
int pfd_output_close(void);

#endif
