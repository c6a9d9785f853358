/* procfd-trace: the leak tracker's parts (tracer/plugins/leaks*.c): what a
 * leak is, and the pure pieces the plugin is made of: suppressions and the
 * SARIF report. Shared by its files and its unit tests. */
#ifndef PROCFD_LEAKS_H
#define PROCFD_LEAKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "procfd/stack.h"
#include "procfd/writer.h"

/* One leaked fd, as suppressions, generated suppressions and SARIF see it.
 * Frames are symbolized already (struct pfd_frame, procfd/stack.h). */
struct pfd_leak_view {
	pid_t pid;
	int fd;
	const char *exe;       /* the process's executable at exit */
	const char *syscall;   /* the call that created it: "openat"; NULL when inherited */
	const char *kind;      /* "regular", "pipe", "socket", ... (pfd_target_kind_name) */
	const char *path;      /* the target's name (bytes, NUL-terminated), "" when none */
	bool deleted;
	uint64_t bytes_pinned; /* st_blocks * 512 of a deleted file */
	const struct pfd_frame *frames; /* innermost first */
	size_t n_frames;
};

/* A frame's module is one of the system's libraries (libc's wrappers, the
 * loader): never where a leak is fixed, and little use to name one
 * (tracer/plugins/leaks/leaks_frames.c). */
bool pfd_leak_module_is_system(const char *module);

/* ---- suppressions (tracer/plugins/leaks/leaks_supp.c) --------------------------- */

struct pfd_supp_set;

/* Parse a suppression file's text (docs/suppressions.md). 0, or -EINVAL with
 * "FILE:LINE: what is wrong" in err (size errsize). *out is a set (possibly
 * empty) on success; free it with pfd_supp_free. -ENOMEM (err says "out of
 * memory") when memory ran out; *out is NULL on any failure. origin names
 * the text in messages (NULL: "<suppressions>"). */
int pfd_supp_parse(const char *text, size_t len, const char *origin, struct pfd_supp_set **out,
		   char *err, size_t errsize);
/* Read and parse FILE (a pipe works too; at most 16 MiB, else -E2BIG, as
 * plugin.h's error set names "too large").
 * 0, -errno (with err set) on failure. */
int pfd_supp_load(const char *path, struct pfd_supp_set **out, char *err, size_t errsize);
/* Add the entries of more to set (several --suppressions), after its own:
 * they move, more is left empty but still the caller's to free. When the
 * set cannot grow (out of memory) nothing moves. */
void pfd_supp_merge(struct pfd_supp_set *set, struct pfd_supp_set *more);
/* The name of the first entry that matches the leak, or NULL; counts the hit. */
const char *pfd_supp_match(struct pfd_supp_set *set, const struct pfd_leak_view *leak);
/* Per entry name, how many leaks it suppressed (for the end-of-run summary):
 * call fn for each entry that suppressed at least one, in file order (files
 * in the order they were merged). */
void pfd_supp_foreach_used(const struct pfd_supp_set *set,
			   void (*fn)(const char *name, unsigned hits, void *arg), void *arg);
void pfd_supp_free(struct pfd_supp_set *set);

/* A ready entry that suppresses exactly this leak (--gen-suppressions), in
 * the file format, appended to out: its syscall, kind and innermost 12
 * frames (path and exe as comments). Parsed back, it matches the leak. */
void pfd_supp_generate(const struct pfd_leak_view *leak, struct pfd_buf *out);

/* ---- SARIF 2.1.0 (tracer/plugins/leaks/leaks_sarif.c) ---------------------------- */

struct pfd_sarif;

/* Start a report for a run of procfd-trace (version) on argv. NULL when out
 * of memory. */
struct pfd_sarif *pfd_sarif_new(const char *tool_version, char *const *argv);
/* One result per leak, located at its innermost frame with file:line in
 * the traced program rather than in a system library; without one, at a
 * logical location: the program's innermost frame's module, offset and
 * function when known (else the innermost frame's), never a system
 * library's source line (docs/sarif.md). The stack always goes along as a
 * SARIF stack; message NULL or "" gives a default one. */
void pfd_sarif_add(struct pfd_sarif *s, const struct pfd_leak_view *leak, const char *message);
/* Write the whole document to path (0 or -errno) and free s: through
 * PATH.tmp and a rename, or in place when path is a device, FIFO or
 * symlink. On failure no earlier report is left at PATH (it is removed; a
 * symlink's target is emptied). A NULL s (pfd_sarif_new failed) gives
 * -ENOMEM. */
int pfd_sarif_write(struct pfd_sarif *s, const char *path);

#endif
