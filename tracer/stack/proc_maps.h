/* procfd-trace: the executable mappings of /proc/<tid>/maps (the stack
 * service's module maps are built from them). */
#ifndef PROCFD_PROC_MAPS_H
#define PROCFD_PROC_MAPS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One line of /proc/<tid>/maps. */
struct pfd_mapping {
	uint64_t start, end; /* [start, end) */
	uint64_t offset;     /* file offset mapped at start */
	uint64_t dev;        /* makedev(major, minor) as the kernel shows it */
	uint64_t ino;        /* 0: not a file */
	bool exec;           /* 'x' in the permissions */
	const char *name;    /* the path as the kernel shows it, " (deleted)"
	                      * included; "[vdso]" and the like; "" for an
	                      * anonymous mapping. Points into the parsed line. */
};

/* Parse one line (its trailing newline, if any, is cut off in place).
 * 0, or -EINVAL when it is not a maps line. */
int pfd_maps_parse_line(char *line, struct pfd_mapping *m);

/* Call fn for each executable mapping of /proc/<tid>/maps, in address order;
 * a non-zero return from fn stops the walk and is returned. 0, or -errno
 * (-ESRCH: the task is gone). */
int pfd_maps_for_each_exec(pid_t tid, int (*fn)(const struct pfd_mapping *m, void *arg),
			   void *arg);

#endif
