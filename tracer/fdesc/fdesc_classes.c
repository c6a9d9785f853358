/* procfd-trace: the class table. The order matters where kinds overlap:
 * nsfs, mqueue and memfd are regular files to stat; ptmx and tun are
 * character devices; a pipe is a FIFO without a name; the anon inodes
 * with fdinfo of their own come before the catch-all anon_inode; unknown
 * comes last and takes everything. */
#include <stddef.h>

#include "tracer/fdesc/fdesc_impl.h"

#define CLASS(name) extern const struct pfd_fdesc_class pfd_fdesc_class_##name;
CLASS(nsfs) CLASS(mqueue) CLASS(memfd) CLASS(regular) CLASS(directory) CLASS(symlink)
CLASS(ptmx) CLASS(tun) CLASS(chardev) CLASS(blockdev) CLASS(pipe) CLASS(fifo) CLASS(socket)
CLASS(eventfd) CLASS(eventpoll) CLASS(signalfd) CLASS(timerfd) CLASS(inotify) CLASS(fanotify)
CLASS(pidfd) CLASS(io_uring) CLASS(bpf_map) CLASS(bpf_prog) CLASS(bpf_link) CLASS(userfaultfd)
CLASS(perf_event) CLASS(anon_inode) CLASS(unknown)
#undef CLASS

const struct pfd_fdesc_class *const pfd_fdesc_classes[] = {
	/* anon inodes first: the text decides, whatever the inode's mode */
	&pfd_fdesc_class_eventfd, &pfd_fdesc_class_eventpoll, &pfd_fdesc_class_signalfd,
	&pfd_fdesc_class_timerfd, &pfd_fdesc_class_inotify, &pfd_fdesc_class_fanotify,
	&pfd_fdesc_class_pidfd, &pfd_fdesc_class_io_uring, &pfd_fdesc_class_bpf_map,
	&pfd_fdesc_class_bpf_prog, &pfd_fdesc_class_bpf_link, &pfd_fdesc_class_userfaultfd,
	&pfd_fdesc_class_perf_event, &pfd_fdesc_class_anon_inode,
	&pfd_fdesc_class_socket, &pfd_fdesc_class_pipe,
	&pfd_fdesc_class_nsfs, &pfd_fdesc_class_memfd, &pfd_fdesc_class_mqueue,
	&pfd_fdesc_class_regular, &pfd_fdesc_class_directory, &pfd_fdesc_class_symlink,
	&pfd_fdesc_class_ptmx, &pfd_fdesc_class_tun, &pfd_fdesc_class_chardev,
	&pfd_fdesc_class_blockdev, &pfd_fdesc_class_fifo,
	&pfd_fdesc_class_unknown,
	NULL,
};
