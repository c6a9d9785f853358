/* procfd-trace: the table of path syscalls (data, not code). */
#include <fcntl.h>
#include <string.h>

#include "procfd/syscalls.h"

#define N PFD_NO_ARG

/* name, class, dirfd, path, flags, flags kind, mode, how, implicit flags */
static const struct pfd_syscall_desc table[] = {
	{ "open",        PFD_SC_OPEN,     N, 0, 1, PFD_FLAGS_OPEN, 2, N, 0 },
	{ "openat",      PFD_SC_OPEN,     0, 1, 2, PFD_FLAGS_OPEN, 3, N, 0 },
	{ "openat2",     PFD_SC_OPEN,     0, 1, N, PFD_FLAGS_OPEN, N, 2, 0 },
	{ "creat",       PFD_SC_OPEN,     N, 0, N, PFD_FLAGS_OPEN, 1, N,
	  O_CREAT | O_WRONLY | O_TRUNC },
	{ "stat",        PFD_SC_STAT,     N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "lstat",       PFD_SC_LSTAT,    N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "newfstatat",  PFD_SC_STATAT,   0, 1, 3, PFD_FLAGS_AT,   N, N, 0 },
	{ "statx",       PFD_SC_STATAT,   0, 1, 2, PFD_FLAGS_AT,   N, N, 0 },
	{ "readlink",    PFD_SC_READLINK, N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "readlinkat",  PFD_SC_READLINK, 0, 1, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "access",      PFD_SC_ACCESS,   N, 0, N, PFD_FLAGS_NONE, 1, N, 0 },
	{ "faccessat",   PFD_SC_ACCESS,   0, 1, N, PFD_FLAGS_NONE, 2, N, 0 },
	{ "faccessat2",  PFD_SC_ACCESS,   0, 1, 3, PFD_FLAGS_ACCESS_AT, 2, N, 0 },
	/* i386 spellings of the stat family (absent on x86_64: libseccomp skips them) */
	{ "stat64",      PFD_SC_STAT,     N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "lstat64",     PFD_SC_LSTAT,    N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "oldstat",     PFD_SC_STAT,     N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "oldlstat",    PFD_SC_LSTAT,    N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "fstatat64",   PFD_SC_STATAT,   0, 1, 3, PFD_FLAGS_AT,   N, N, 0 },
	/* Other calls that follow a magic link users meet: naming an O_TMPFILE
	 * (linkat AT_SYMLINK_FOLLOW), fexecve and `bash /dev/fd/63`, cd into a
	 * held directory, truncating or statfs'ing a held file. */
	{ "linkat",      PFD_SC_LINKAT,   0, 1, 4, PFD_FLAGS_AT,   N, N, 0 },
	{ "execve",      PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "execveat",    PFD_SC_FOLLOW,   0, 1, 4, PFD_FLAGS_AT,   N, N, 0 },
	{ "chdir",       PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "truncate",    PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "truncate64",  PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "statfs",      PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
	{ "statfs64",    PFD_SC_FOLLOW,   N, 0, N, PFD_FLAGS_NONE, N, N, 0 },
};

#undef N

const struct pfd_syscall_desc *pfd_syscalls(size_t *count)
{
	*count = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct pfd_syscall_desc *pfd_syscall_by_name(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}
