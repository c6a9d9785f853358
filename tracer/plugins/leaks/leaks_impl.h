/* procfd-trace: what the leak plugin's own files share (leaks.c tracks,
 * leaks_report.c reports). Not part of the plugin API. */
#ifndef PROCFD_LEAKS_IMPL_H
#define PROCFD_LEAKS_IMPL_H

#include <stdbool.h>

#include "tracer/plugins/leaks/leaks.h"
#include "tracer/plugins/leaks/leaks_track.h"
#include "tracer/plugins/procfd/procfd.h"

#define LEAK_MAX_EXE_GLOBS 32

/* The options, as given. */
struct leak_cfg {
	bool all;              /* --leaks=all: stdio and inherited fds too */
	int error_exitcode;    /* --error-exitcode=N */
	bool gen_suppressions;
	bool no_default_supp;  /* --no-default-suppressions */
	const char *sarif_path;
	struct pfd_supp_set *supp;
	const char *exe_globs[LEAK_MAX_EXE_GLOBS]; /* --leaks-exe */
	unsigned n_exe_globs;
};
extern struct leak_cfg leak_cfg;

/* Add a set's entries after those loaded before (it is freed or kept). */
void leak_add_suppressions(struct pfd_supp_set *set);

/* Per process. */
struct leak_proc {
	struct leak_table *table;
	unsigned image;      /* execs so far: a record of an older image crossed one */
	const char *exe;     /* interned, as of the last exec */
	const char *prev_exe; /* interned: the image before the last exec ("" if none) */
	/* It has (or its parent had, before the fork) an io_uring or a
	 * fanotify group: fds may come without a traced call. */
	bool untraced_installs;
	/* Between fork/clone and exec: the parent's stack at the spawning call. */
	const struct pfd_stack *spawn;
	/* Its last execve has not (yet) succeeded: a child whose exec failed
	 * (a command not found, posix_spawn of a missing file) exits holding
	 * the O_CLOEXEC fds the exec was to close, which are the parent's. */
	bool exec_failed;
	bool spawned;   /* made by fork/clone, not exec'd since (spawn may be NULL) */
};

/* ---- the report (leaks_report.c) ---- */

/* Whether a process whose image is exe is one --leaks-exe asks about. */
bool leak_exe_selected(const char *exe);
/* Write d's report now (its holder's target set, not copied). */
void leak_report_one(struct leak_desc *d);
/* Write every description ready (all: every one with holders, at the end). */
void leak_report_ready(bool all);
/* The closing total, then SARIF; frees what the report kept. */
void leak_report_finish(void);
/* The leak_total event's text layout (registered by leak_report_finish; procfd-render calls it). */
void leak_report_register_text(void);
/* Start: SARIF's document, the default suppressions. 0 or -errno. */
int leak_report_init(void);
/* n fds or reports memory ran out for: said at the end, and the exit
 * status is then not 0. */
void leak_report_lost(unsigned n);
/* Processes seen at their end, for the total. */
void leak_report_count_process(void);

#endif
