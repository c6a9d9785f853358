/* procfd-trace: symbolization of addresses inside mapped files (libdw).
 *
 * One record per mapped file (path + the device and inode the kernel showed
 * for it) for the whole trace, shared by every process that maps it: the
 * file is opened on the first lookup only, and each address is looked up
 * once. Addresses are the file's own (its ELF vaddrs): ip - load bias. */
#ifndef PROCFD_SYMBOLS_H
#define PROCFD_SYMBOLS_H

#include <stdint.h>

struct pfd_symfile;

/* What one address of a file is. NULL / 0 where unknown. The strings live
 * until pfd_symfiles_free. */
struct pfd_sym {
	const char *function; /* demangled where the name is C++ */
	uint64_t offset;      /* address - the function's start */
	uint64_t size;        /* the function's size; 0 when its symbol has none */
	const char *file;     /* source file, from the DWARF line table */
	unsigned line;
};

/* The record for the file the kernel names path (dev, ino from the maps
 * line). The same pointer for the same triple. NULL when out of memory. */
struct pfd_symfile *pfd_symfile_get(const char *path, uint64_t dev, uint64_t ino);

/* The kernel's name for the file, as given to pfd_symfile_get. */
const char *pfd_symfile_path(const struct pfd_symfile *f);

/* The load bias of the file when its mapping at start maps file offset
 * offset: from the PT_LOAD header holding that offset. start - offset when
 * the file cannot be read (right for most shared objects, not for
 * non-PIE executables). */
uint64_t pfd_symfile_bias(struct pfd_symfile *f, uint64_t start, uint64_t offset);

/* The file's GNU build-id as lowercase hex ("8f1c...", 40 digits for
 * SHA-1), read from the file on disk once (it is the mapped one: dev and
 * ino are checked); NULL when it has none or cannot be read. What a later
 * symbolizer finds the debug info by (/usr/lib/debug/.build-id/xx/...). */
const char *pfd_symfile_build_id(struct pfd_symfile *f);

/* Function, offset, file and line of file address addr, looked up once and
 * cached. Never NULL: an unknown address gives an all-NULL record. */
const struct pfd_sym *pfd_symfile_lookup(struct pfd_symfile *f, uint64_t addr);

/* Free every record and the strings they gave out. */
void pfd_symfiles_free(void);

#endif
