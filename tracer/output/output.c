/* procfd-trace: the output file. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/output/output.h"
#include "tracer/output/writer_impl.h"

static int out_fd = -1;
static bool out_regular;  /* a regular file: a cut event can be undone */
static int write_error;
static unsigned long lost_events;
static const char *out_name = "standard error";

/* The directory part of path, as a path of its own ("." for "trace.json"). */
static void parent_dir(const char *path, char *dir, size_t size)
{
	snprintf(dir, size, "%s", path);
	char *d = dirname(dir);
	if (d != dir)
		snprintf(dir, size, "%s", d);
}

/* The rule of the kernel's fs.protected_symlinks, applied whatever the
 * sysctl says: in a sticky world-writable directory (/tmp), a symlink is
 * followed only when it belongs to us or to the directory's owner. Anyone
 * may plant a link there; following it as root would truncate the file it
 * points to. Entries we own cannot be swapped by others in such a
 * directory (the sticky bit), so the check cannot be raced. */
static bool planted_by_other(const char *path, const struct stat *link)
{
	char dir[PATH_MAX];
	struct stat d;

	parent_dir(path, dir, sizeof(dir));
	if (stat(dir, &d) < 0)
		return true; /* cannot tell: refuse */
	bool shared = (d.st_mode & S_ISVTX) && (d.st_mode & S_IWOTH);
	return shared && link->st_uid != geteuid() && link->st_uid != d.st_uid;
}

/* First without following a final symlink. A symlink found there (ELOOP;
 * some kernels say EACCES for O_CREAT on another user's link in a sticky
 * directory) is followed unless another user planted it in a sticky shared
 * directory. */
static int open_output(const char *path)
{
	/* O_CLOEXEC: the trace file must not leak into the tracee, whose fds
	 * are exactly what we report on. */
	int flags = O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC;
	int fd = open(path, flags | O_NOFOLLOW, 0666);
	if (fd >= 0 || (errno != ELOOP && errno != EACCES))
		return fd;
	int err = errno;
	struct stat link;
	if (lstat(path, &link) < 0 || !S_ISLNK(link.st_mode)) {
		errno = err;
		return -1;
	}
	if (planted_by_other(path, &link)) {
		fprintf(stderr, "procfd-trace: refusing to follow %s: a symlink owned by uid %u "
				"in a sticky world-writable directory\n", path, (unsigned)link.st_uid);
		errno = ELOOP;
		return -1;
	}
	return open(path, flags, 0666);
}

int pfd_output_open(const char *path, bool json)
{
	pfd_writer_set_format(json);
	if (!path) {
		out_fd = STDERR_FILENO;
		return 0;
	}
	int fd = open_output(path);
	if (fd < 0)
		return -errno;
	struct stat st;
	out_regular = fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
	out_fd = fd;
	out_name = path;
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

/* Said at once, not only at the end: a full disk may last a long run, and
 * whoever watches should know the trace is incomplete from here on. */
static void note_write_error(int err)
{
	lost_events++;
	if (write_error)
		return;
	write_error = err;
	if (out_fd != STDERR_FILENO)
		fprintf(stderr, "procfd-trace: writing the trace to %s failed: %s; the command "
				"goes on, but the events from here on are lost\n",
			out_name, strerror(err));
}

void pfd_output_drop(int err)
{
	lost_events++;
	if (write_error)
		return;
	write_error = err;
	fprintf(stderr, "procfd-trace: an event could not be built (%s): it is not in the trace; "
			"the command goes on\n", strerror(err));
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
		note_write_error(err);
		return -err;
	}
	return 0;
}

bool pfd_output_is_tty(void)
{
	return out_fd >= 0 && isatty(out_fd);
}

unsigned long pfd_output_lost(void)
{
	return lost_events;
}

const char *pfd_output_name(void)
{
	return out_name;
}

int pfd_output_close(void)
{
	if (out_fd > STDERR_FILENO && close(out_fd) < 0 && !write_error && errno != EINTR)
		write_error = errno;
	out_fd = -1;
	return write_error ? -write_error : 0;
}
