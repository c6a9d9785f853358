/* procfd-trace: the class table, as the families' lists in match order.
 * Each family file (anon.c, sock_class.c, dev.c, file.c) lists its own
 * classes, so a new class is written and listed in one file. Families take
 * disjoint fds but for two orders: anon inodes first (their text decides,
 * whatever the inode's mode), sockets before files (a socket not stat'ed
 * would look like a namespace's "TYPE:[N]"); file.c's list ends with
 * unknown, which takes everything. */
#include <stddef.h>

#include "tracer/fdesc/fdesc_impl.h"

const struct pfd_fdesc_class *const *const pfd_fdesc_families[] = {
	pfd_fdesc_anon_classes,
	pfd_fdesc_sock_classes,
	pfd_fdesc_dev_classes,
	pfd_fdesc_file_classes,
	NULL,
};

const struct pfd_fdesc_class *pfd_fdesc_class_at(unsigned i)
{
	for (unsigned f = 0; pfd_fdesc_families[f]; f++)
		for (unsigned j = 0; pfd_fdesc_families[f][j]; j++, i--)
			if (i == 0)
				return pfd_fdesc_families[f][j];
	return NULL;
}
