/* procfd-trace: telling the user when a traced exec lost its privileges. */
#ifndef PROCFD_PRIV_EXEC_H
#define PROCFD_PRIV_EXEC_H

#include <sys/types.h>

/* Called at pid's PTRACE_EVENT_EXEC (its new credentials are in place):
 * when the new executable is setuid, setgid or has file capabilities and
 * the process did not get them, say so, and why, in one line on stderr. */
void pfd_tell_privileges_withheld(pid_t pid);

#endif
