/* procfd-trace: a setuid, setgid or file-capability exec under a non-root
 * procfd-trace runs without those privileges, for two reasons of the
 * kernel's: no_new_privs, which procfd-trace sets to load its filter without
 * CAP_SYS_ADMIN (filters/seccomp_filter.c), and ptrace itself, which grants
 * no privileges to an exec traced by a tracer without CAP_SYS_PTRACE over
 * the result. The program behaves differently then (passwd, ping, sudo), so
 * the user is told at each such exec. The check costs one stat of the new
 * executable per exec; /proc/PID/status is read only for a privileged one. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "tracer/priv_exec.h"

struct exec_creds {
	long euid, egid, nnp;
};

/* The second number of "Key:\treal\teffective..." or, for a one-number
 * field, the first; -1 when absent. */
static long status_number(const char *buf, const char *key, bool second)
{
	const char *p = strstr(buf, key);
	if (!p)
		return -1;
	char *end;
	long v = strtol(p + strlen(key), &end, 10);
	return second ? strtol(end, NULL, 10) : v;
}

static bool read_creds(pid_t pid, struct exec_creds *c)
{
	char path[64], buf[4096];
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	c->euid = status_number(buf, "\nUid:", true);
	c->egid = status_number(buf, "\nGid:", true);
	c->nnp = status_number(buf, "\nNoNewPrivs:", false);
	return c->euid >= 0 && c->egid >= 0;
}

/* What the executable asks for, as words for the message ("" if nothing).
 * A setgid file without group execute is mandatory locking, not setgid. */
static const char *privileges_asked(const char *exe, const struct stat *st, bool *has_caps)
{
	*has_caps = getxattr(exe, "security.capability", NULL, 0) > 0;
	bool suid = st->st_mode & S_ISUID;
	bool sgid = (st->st_mode & S_ISGID) && (st->st_mode & S_IXGRP);
	if (suid && sgid)
		return "setuid and setgid";
	if (suid)
		return "setuid";
	if (sgid)
		return "setgid";
	return *has_caps ? "has file capabilities" : "";
}

/* Whether the exec left out what the file asks for. File capabilities are
 * not compared (the sets differ by design): they are withheld exactly when
 * one of the two reasons holds. */
static bool withheld(const struct stat *st, bool has_caps, const struct exec_creds *c,
		     bool tracer_root)
{
	if ((st->st_mode & S_ISUID) && c->euid != (long)st->st_uid)
		return true;
	if ((st->st_mode & S_ISGID) && (st->st_mode & S_IXGRP) && c->egid != (long)st->st_gid)
		return true;
	return has_caps && (c->nnp == 1 || !tracer_root);
}

void pfd_tell_privileges_withheld(pid_t pid)
{
	char exe[64];
	struct stat st;
	struct exec_creds c;
	bool has_caps, tracer_root = geteuid() == 0;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	if (stat(exe, &st) < 0)
		return;
	const char *asked = privileges_asked(exe, &st, &has_caps);
	if (!*asked || !read_creds(pid, &c) || !withheld(&st, has_caps, &c, tracer_root))
		return;
	fprintf(stderr, "procfd-trace: pid %d: the program is %s but runs without those "
			"privileges (euid %ld, egid %ld)%s%s; run procfd-trace as root to keep them\n",
		(int)pid, asked, c.euid, c.egid,
		c.nnp == 1 ? ": no_new_privs is set (procfd-trace sets it to load its seccomp "
			     "filter without CAP_SYS_ADMIN)" : "",
		tracer_root ? "" : (c.nnp == 1 ? ", and the kernel grants none to an exec traced by "
						 "a tracer without CAP_SYS_PTRACE"
					       : ": the kernel grants none to an exec traced by a "
						 "tracer without CAP_SYS_PTRACE"));
}
