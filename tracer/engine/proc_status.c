/* procfd-trace: /proc/<tid>/status, read once and parsed for every field the
 * engine, the attach code, the pid namespace translation and the check of a
 * privileged exec (tracer/engine/priv_exec.c) need. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "procfd/procfs.h"

static long field(const char *buf, const char *name, long missing)
{
	const char *p = strstr(buf, name);
	return p ? strtol(p + strlen(name), NULL, 10) : missing;
}

/* The second number of "Key:\treal\teffective...": the effective id. */
static long second_field(const char *buf, const char *name)
{
	const char *p = strstr(buf, name);
	if (!p)
		return -1;
	char *end;
	strtol(p + strlen(name), &end, 10);
	return end == p + strlen(name) ? -1 : strtol(end, NULL, 10);
}

static int parse_list(const char *buf, const char *name, pid_t *ids, int max)
{
	const char *p = strstr(buf, name);
	int count = 0;
	if (!p)
		return 0;
	p += strlen(name);
	while (count < max) {
		char *end;
		long v = strtol(p, &end, 10);
		if (end == p)
			break;
		ids[count++] = (pid_t)v;
		p = end;
	}
	return count;
}

int pfd_read_proc_status(pid_t tid, struct pfd_proc_status *st)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	int err = errno;
	close(fd);
	if (n < 0)
		return -err;
	buf[n] = '\0';
	st->tgid = (pid_t)field(buf, "\nTgid:", 0);
	st->ppid = (pid_t)field(buf, "\nPPid:", 0);
	st->tracer_pid = (pid_t)field(buf, "\nTracerPid:", 0);
	st->uid = field(buf, "\nUid:", -1);
	st->euid = second_field(buf, "\nUid:");
	st->egid = second_field(buf, "\nGid:");
	st->no_new_privs = field(buf, "\nNoNewPrivs:", -1);
	st->nspid_count = parse_list(buf, "\nNSpid:", st->nspid, PFD_NSPID_MAX);
	return 0;
}
