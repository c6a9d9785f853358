/* procfd-trace: the engine's side of the say service (include/procfd/plugin.h:
 * pfd_say, pfd_say_once, pfd_said). */
#ifndef PROCFD_SAY_H
#define PROCFD_SAY_H

struct pfd_proc;

/* What was said once for process p: forgotten when its record goes, so a
 * new process that gets the same pid is told anew. */
void pfd_say_forget(struct pfd_proc *p);

#endif
