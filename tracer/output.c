/* procfd-trace: the output file. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/output.h"
#include "tracer/writer_impl.h"

static int out_fd = -1;
static bool out_regular;  /* a regular file: a cut event can be undone */
static int write_error;

int pfd_output_open(const char *path, bool json)
{
	pfd_writer_set_format(json);
	if (!path) {
		out_fd = STDERR_FILENO;
		return 0;
	}
	/* O_CLOEXEC: the trace file must not leak into the tracee, whose fds
	 * are exactly what we report on. */
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0)
		return -errno;
	struct stat st;
	out_regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	out_fd = fd;
	return 0;
}

int pfd_output_use_fd(int fd, bool json)
{
	struct stat st;
	pfd_writer_set_format(json);
	out_regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	out_fd = fd;
	return 0;
}

int pfd_output_fd(void)
{
	return out_fd;
}

/* A write the device took in part: take it back, so no half event stays. */
static void undo_partial(size_t done)
{
	off_t end = lseek(out_fd, 0, SEEK_CUR);
	if (out_regular && end >= (off_t)done && ftruncate(out_fd, end - (off_t)done) == 0)
		lseek(out_fd, end - (off_t)done, SEEK_SET);
}

int pfd_output_write(const char *data, size_t len)
{
	size_t done = 0;
	if (out_fd < 0)
		return -EBADF;
	while (done < len) {
		ssize_t n = write(out_fd, data + done, len - done);
		if (n > 0) {
			done += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		int err = n < 0 ? errno : ENOSPC;
		if (done)
			undo_partial(done);
		if (!write_error)
			write_error = err;
		return -err;
	}
	return 0;
}

int pfd_output_close(void)
{
	if (out_fd > STDERR_FILENO && close(out_fd) < 0 && !write_error && errno != EINTR)
		write_error = errno;
	out_fd = -1;
	return write_error ? -write_error : 0;
}
