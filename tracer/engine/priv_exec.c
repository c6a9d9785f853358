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
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "procfd/plugin.h"
#include "procfd/procfs.h"
#include "tracer/engine/priv_exec.h"

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
static bool withheld(const struct stat *st, bool has_caps, const struct pfd_proc_status *c,
		     bool tracer_root)
{
	if ((st->st_mode & S_ISUID) && c->euid != (long)st->st_uid)
		return true;
	if ((st->st_mode & S_ISGID) && (st->st_mode & S_IXGRP) && c->egid != (long)st->st_gid)
		return true;
	return has_caps && (c->no_new_privs == 1 || !tracer_root);
}

void pfd_tell_privileges_withheld(pid_t pid)
{
	char exe[64];
	struct stat st;
	struct pfd_proc_status c;
	bool has_caps, tracer_root = geteuid() == 0;

	snprintf(exe, sizeof(exe), "/proc/%d/exe", (int)pid);
	if (stat(exe, &st) < 0)
		return;
	const char *asked = privileges_asked(exe, &st, &has_caps);
	if (!*asked || pfd_read_proc_status(pid, &c) < 0 || c.euid < 0 || c.egid < 0 ||
	    !withheld(&st, has_caps, &c, tracer_root))
		return;
	bool nnp = c.no_new_privs == 1;
	char msg[640];
	snprintf(msg, sizeof(msg), "pid %d: the program is %s but runs without those privileges "
				   "(euid %ld, egid %ld)%s%s; run procfd-trace as root to keep them",
		 (int)pid, asked, c.euid, c.egid,
		 nnp ? ": no_new_privs is set (procfd-trace sets it to load its seccomp "
		       "filter without CAP_SYS_ADMIN)" : "",
		 tracer_root ? "" : (nnp ? ", and the kernel grants none to an exec traced by "
					   "a tracer without CAP_SYS_PTRACE"
					 : ": the kernel grants none to an exec traced by a "
					   "tracer without CAP_SYS_PTRACE"));
	pfd_say(msg); /* at each such exec, not once: each runs a program of its own */
}
