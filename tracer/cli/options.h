/* procfd-trace: command-line options. */
#ifndef PROCFD_OPTIONS_H
#define PROCFD_OPTIONS_H

#include <stdbool.h>
#include <sys/types.h>

#include "procfd/plugin.h"

#define PFD_MAX_ATTACH 256
#define PFD_MAX_PLUGIN_OPTS 64

struct pfd_options {
	bool json;
	const char *output;       /* -o FILE, NULL = stderr */
	bool no_seccomp;          /* --no-seccomp: PTRACE_SYSCALL for everything */
	bool same_cpu;            /* --same-cpu: tracer and COMMAND pinned to one CPU */
	pid_t attach[PFD_MAX_ATTACH]; /* -p PID... */
	unsigned n_attach;
	bool stack;               /* -k: a stack trace on every reported call */
	/* strace's conventions (text only; JSON always carries "time" and
	 * "duration"). */
	unsigned absolute_time;   /* -t, -tt, -ttt: how many t's (at most 3) */
	bool relative_time;       /* -r: seconds since the previous line's time */
	bool call_duration;       /* -T: " <seconds>" after the call's result */
	unsigned quiet;           /* -q: no attach/detach lines; -qq: no exec/exit */
	char **command;           /* argv after the options, NULL-terminated */
	/* --explain: command holds the PATHs instead, nothing is traced. */
	bool explain;
	int n_explain;
	/* Plugin options as given, in order, for their plugin's on_option. */
	struct {
		const struct pfd_plugin *plugin;
		const struct pfd_option *option;
		const char *arg;
	} given[PFD_MAX_PLUGIN_OPTS];
	unsigned n_given;
};

/* Exit status for procfd-trace's own usage errors (as strace and grep use). */
#define PFD_EXIT_USAGE 2
#define PFD_EXIT_OUTPUT 1 /* the command exited 0, but the trace could not be written whole */

/* Parse argv, with the options of the candidate plugins (NULL-terminated).
 * Returns 0 to run, 1 when --help/--version printed (exit 0), or -1 after
 * printing a message (exit PFD_EXIT_USAGE). */
int pfd_parse_options(int argc, char **argv, const struct pfd_plugin *const *plugins,
		      struct pfd_options *opt);

/* Whether plugin p runs: not opt-in, or one of its enabling options given. */
bool pfd_plugin_enabled(const struct pfd_options *opt, const struct pfd_plugin *p);

#endif
