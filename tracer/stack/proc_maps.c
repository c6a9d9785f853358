/* procfd-trace: reading the executable mappings of /proc/<tid>/maps.
 *
 * A line is "start-end perms offset major:minor inode name", the name padded
 * to a column and possibly holding spaces (or " (deleted)"). It is read by
 * tid, not by the thread-group id: a zombie leader's maps read empty while
 * its threads still run. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "tracer/stack/proc_maps.h"

int pfd_maps_parse_line(char *line, struct pfd_mapping *m)
{
	uint64_t start, end, offset, ino;
	unsigned major, minor;
	char perms[5];
	int name_at = -1;

	line[strcspn(line, "\n")] = '\0';
	if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %4s %" SCNx64 " %x:%x %" SCNu64 " %n",
		   &start, &end, perms, &offset, &major, &minor, &ino, &name_at) != 7 ||
	    name_at < 0 || strlen(perms) != 4 || end < start)
		return -EINVAL;
	m->start = start;
	m->end = end;
	m->offset = offset;
	m->dev = makedev(major, minor);
	m->ino = ino;
	m->exec = perms[2] == 'x';
	m->name = line + name_at; /* %n skipped the padding */
	return 0;
}

static FILE *open_maps(pid_t tid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/maps", tid);
	return fopen(path, "re");
}

int pfd_maps_for_each_exec(pid_t tid, int (*fn)(const struct pfd_mapping *m, void *arg),
			   void *arg)
{
	FILE *f = open_maps(tid);
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	char *line = NULL;
	size_t cap = 0;
	int rc = 0;
	while (rc == 0 && getline(&line, &cap, f) >= 0) {
		struct pfd_mapping m;
		if (pfd_maps_parse_line(line, &m) == 0 && m.exec)
			rc = fn(&m, arg);
	}
	/* A task that exits while we read gives a short or empty file, and
	 * ESRCH from read on some kernels. */
	if (rc == 0 && ferror(f))
		rc = errno == ESRCH ? -ESRCH : -EIO;
	free(line);
	fclose(f);
	return rc;
}
