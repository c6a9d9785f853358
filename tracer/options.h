/* procfd-trace: command-line options. */
#ifndef PROCFD_OPTIONS_H
#define PROCFD_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

#define PFD_MAX_ATTACH 256

struct pfd_options {
	bool json;
	const char *output;       /* -o FILE, NULL = stderr */
	bool no_seccomp;          /* --no-seccomp: PTRACE_SYSCALL for everything */
	pid_t attach[PFD_MAX_ATTACH]; /* -p PID... */
	unsigned n_attach;
	char **command;           /* argv after the options, NULL-terminated */
};

/* Exit status for procfd-trace's own usage errors (as strace and grep use). */
#define PFD_EXIT_USAGE 2

/* Parse argv. Returns 0 to run, 1 when --help/--version printed (exit 0),
 * or -1 after printing a message (exit PFD_EXIT_USAGE). */
int pfd_parse_options(int argc, char **argv, struct pfd_options *opt);

#endif
