/* procfd-trace: where events go. Sinks format; they never touch the tracee. */
#ifndef PROCFD_OUTPUT_H
#define PROCFD_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "procfd/event.h"

struct pfd_sink {
	void (*syscall)(FILE *out, const struct pfd_syscall_event *ev);
	void (*proc)(FILE *out, const struct pfd_proc_event *pe);
};

extern const struct pfd_sink pfd_sink_text;
extern const struct pfd_sink pfd_sink_json;

/* Open -o FILE (or use stderr). 0 or -errno; nothing is traced before this. */
int pfd_output_open(const char *path, bool json);
/* Each event is written whole and flushed, so none is lost if we die. */
void pfd_output_syscall(const struct pfd_syscall_event *ev);
void pfd_output_proc(const struct pfd_proc_event *pe);
/* 0, or -errno when a write failed (ENOSPC, EIO...). */
int pfd_output_close(void);

#endif
