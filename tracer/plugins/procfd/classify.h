/* procfd-trace: does a path name a /proc fd link? A pure function of text.
 *
 * The walk mirrors what the kernel's lookup does with the symlinks on the way
 * (/dev/fd -> /proc/self/fd, /dev/stdin -> /proc/self/fd/0, /proc/self ->
 * /proc/<pid>), so "//proc/./self/fd/../fd/3" and "/dev/fd/3" are both
 * recognised, while "/proc/self/fd/03" is not (procfs rejects leading zeros). */
#ifndef PROCFD_CLASSIFY_H
#define PROCFD_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>

/* How a path names a /proc fd link (filled by the classifier). */
enum pfd_link_what {
	PFD_LINK_NONE = 0, /* the path names no fd link */
	PFD_LINK_FD,       /* an fd link: .../fd/N */
	PFD_LINK_FD_DIR,   /* the fd directory itself: .../fd */
	PFD_LINK_THROUGH,  /* a walk through an fd link: .../fd/N/.., .../fd/N/x */
};

/* Whose fd table the path names, as the tracee spelled it. */
enum pfd_owner {
	PFD_OWNER_SELF,        /* /proc/self, /dev/fd, /dev/stdin...: the caller's process */
	PFD_OWNER_THREAD_SELF, /* /proc/thread-self: the calling thread */
	PFD_OWNER_PID,         /* /proc/PID: a pid in the tracee's pid namespace */
};

/* The classifier's verdict on one path, a pure function of the text. */
struct pfd_path_class {
	enum pfd_link_what what;
	enum pfd_owner owner;
	long pid;            /* with PFD_OWNER_PID: the number in the path */
	long task;           /* /task/TID/ component, or -1 */
	int fd;              /* with PFD_LINK_FD or _THROUGH: N, else -1 */
	bool trailing_slash; /* "/fd/N/" or "/fd/N/.": the walk must follow */
	const char *spelling; /* static pattern, e.g. "/proc/self/fd/N" */
	/* With PFD_LINK_THROUGH: offset in the path text of the first component
	 * after the link (the kernel walks it from the held directory). Where the
	 * walk goes after that is not decided: only the first link crossed is. */
	size_t rest;
};


/* Classify an absolute path (len bytes, no NUL needed). A relative path, or
 * one whose walk cannot be decided from the text, gives PFD_LINK_NONE. */
void pfd_classify_path(const char *path, size_t len, struct pfd_path_class *out);

/* Classify path relative to base (an absolute directory, e.g. the tracee's cwd
 * or the readlink of its dirfd). */
void pfd_classify_relative(const char *base, size_t base_len, const char *path,
			   size_t len, struct pfd_path_class *out);

/* Cheap test before the tracer reads the tracee's cwd or dirfd: could this
 * relative path name an fd link or an fd directory from some base? (last
 * component a decimal number, "fd", "stdin"/"stdout"/"stderr", or any "..") */
bool pfd_relative_may_name_link(const char *path, size_t len);

#endif
