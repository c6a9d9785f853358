/* procfd-trace: the output file and the choice of sink. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "tracer/output.h"

static FILE *out;
static const struct pfd_sink *sink;
static int write_error;

int pfd_output_open(const char *path, bool json)
{
	sink = json ? &pfd_sink_json : &pfd_sink_text;
	if (!path) {
		out = stderr;
		return 0;
	}
	/* O_CLOEXEC: the trace file must not leak into the tracee, whose fds
	 * are exactly what we report on. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	out = fdopen(fd, "w");
	if (!out) {
		int e = errno;
		close(fd);
		return -e;
	}
	return 0;
}

static void finish_event(void)
{
	if (fflush(out) == EOF && !write_error)
		write_error = errno ? errno : EIO;
}

void pfd_output_syscall(const struct pfd_syscall_event *ev)
{
	sink->syscall(out, ev);
	finish_event();
}

void pfd_output_proc(const struct pfd_proc_event *pe)
{
	sink->proc(out, pe);
	finish_event();
}

int pfd_output_close(void)
{
	if (!out)
		return 0;
	if (out != stderr && fclose(out) == EOF && !write_error)
		write_error = errno;
	out = NULL;
	return write_error ? -write_error : 0;
}
