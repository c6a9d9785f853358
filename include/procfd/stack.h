/* procfd-trace: the stack-trace service offered to plugins.
 *
 * A stack is captured at a syscall stop as raw instruction pointers, cheaply,
 * and symbolized only when someone asks for a frame (a report): symbolizing
 * costs hundreds of microseconds per cold address, capturing tens. Stacks
 * are interned (the same ips in the same image give the same pointer), so a
 * plugin may keep one pointer per record, and live until the end of the
 * trace. Each stack refers to the module map (paths, build-ids, load
 * biases) of the image it was captured in, so it can still be symbolized
 * after that image was replaced by execve or the process is gone. */
#ifndef PROCFD_STACK_H
#define PROCFD_STACK_H

#include "procfd/export.h"

#include <stddef.h>
#include <stdint.h>

struct pfd_stack;

/* The innermost frames kept per capture. */
#define PFD_STACK_MAX_FRAMES 64

/* One symbolized frame. Every pointer is NULL (line 0) when unknown; the
 * strings live as long as the stack. */
struct pfd_frame {
	uint64_t ip;
	const char *function; /* demangled where the name is C++ */
	uint64_t offset;      /* ip - the function's start (with function) */
	const char *module;   /* the mapped file: "/usr/lib/x86_64-linux-gnu/libc.so.6" */
	/* ip - the module's load bias: the address in the module's own ELF
	 * address space, what `eu-addr2line -e MODULE` takes (with module).
	 * Beyond frame 0 it is a return address: the call is just before. */
	uint64_t module_offset;
	const char *build_id; /* the module's GNU build-id in hex; NULL: none known */
	const char *file;     /* source file, from DWARF line info */
	unsigned line;
};

PFD_API size_t pfd_stack_depth(const struct pfd_stack *s);
PFD_API uint64_t pfd_stack_ip(const struct pfd_stack *s, size_t i);

/* Frame i (0 = innermost), symbolized on the first request and cached.
 * 0, or -errno (-EINVAL: no frame i); a frame whose address maps to no
 * module still returns 0 with only ip set. */
PFD_API int pfd_stack_frame(const struct pfd_stack *s, size_t i, struct pfd_frame *out);

/* The stack's frames, innermost first, symbolized (pfd_stack_frame's), at
 * most max of them: how many were written to out. A NULL stack has none.
 * This is what a writer is given (pfd_w_frames): the writer never
 * symbolizes. */
PFD_API size_t pfd_stack_symbolize(const struct pfd_stack *s, struct pfd_frame *out, size_t max);

#endif
