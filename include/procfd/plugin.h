/* procfd-trace: the plugin API (version 3).
 *
 * A plugin is a table of traps and callbacks. The built-in plugins
 * (tracer/plugins/) use nothing but the headers of include/procfd/, so a new
 * analysis is a new file, not an engine change: tests/plugins/ has a small
 * example. Outside the tree, a plugin is linked into a procfd-trace of its
 * own: procfd/main.h (pfd_main), built with
 * `cc ... $(pkg-config --cflags --libs procfd)` against `make install`.
 *
 * Callbacks run in the tracer, one at a time, while the thread they are
 * about is stopped (unless said otherwise): whatever they do, the tracee
 * waits, so keep on_enter cheap: every trapped call goes through it.
 *
 * Errors: functions of this API return 0 or a negative errno from a closed
 * set (EFAULT, ESRCH, EPERM, EACCES, ENOENT, EINVAL, ENOMEM, ENOSYS, E2BIG,
 * EIO, ENAMETOOLONG, ETIMEDOUT); anything else a lower layer says is mapped
 * to -EIO at the boundary, so a plugin can switch on the result. */
#ifndef PROCFD_PLUGIN_H
#define PROCFD_PLUGIN_H

#include "procfd/export.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/user.h>

#include "procfd/call.h"
#include "procfd/stack.h"
#include "procfd/writer.h"

/* 3: struct pfd_trap has a data pointer, and on_enter is given the trap
 * that fired (version 2 plugins: add the third parameter); events are
 * built as fields and rendered as text by layouts (writer.h): pfd_w_stack
 * is pfd_w_frames of frames the stack service symbolized. */
#define PFD_PLUGIN_API 3

/* ---- traps: which calls stop the tracee, as data -------------------------- */

enum pfd_arg_op {
	PFD_ARG_ANY = 0,   /* every call of the syscall */
	PFD_ARG_IN,        /* args[arg] is one of values[0..n_values) */
	PFD_ARG_MASKED_EQ, /* (args[arg] & values[0]) == values[1] */
};

#define PFD_TRAP_MAX_VALUES 8

/* One syscall, optionally only when an argument matches. The engine compiles
 * the union of every plugin's traps into the one libseccomp filter (every
 * arch the tracee may run: x86_64, i386, x32) and checks the same condition
 * itself where there is no filter (--no-seccomp, -p), so a plugin sees the
 * same calls in every mode. A name no arch has is an error at start. */
struct pfd_trap {
	const char *syscall;
	enum pfd_arg_op op;
	uint8_t arg;        /* 0..5 */
	bool wide;          /* compare all 64 bits (default: the low 32, for int
			       arguments, whose upper half the kernel ignores) */
	uint8_t n_values;
	uint64_t values[PFD_TRAP_MAX_VALUES];
	/* The plugin's own, handed back to on_enter with the trap: what the
	 * call means to it (e.g. where the new fd is written), so that it
	 * decides by data, not by comparing names. */
	const void *data;
};

/* ---- the tracee handle ------------------------------------------------------ */

/* A thread of a traced process, valid during the callback it is passed to. */
struct pfd_tracee;

PFD_API pid_t pfd_tracee_pid(const struct pfd_tracee *t);   /* its process (thread group) */
PFD_API pid_t pfd_tracee_tid(const struct pfd_tracee *t);
/* Whether memory, registers and stacks can be read: false once the thread
 * is gone (a call reported unfinished, a process that was reaped). */
PFD_API bool pfd_tracee_stopped(const struct pfd_tracee *t);
/* Whether it runs under procfd-trace's seccomp filter (else every syscall
 * stops: --no-seccomp, -p, or the filter was refused). */
PFD_API bool pfd_tracee_filtered(const struct pfd_tracee *t);
/* /proc/PID/exe of its process as of its last exec ("" when unreadable). */
PFD_API const char *pfd_tracee_exe(struct pfd_tracee *t);

/* Whether reading its process's memory may block until a tracee acts, so
 * that the engine guards every read of it (the engine's path reads and
 * pfd_tracee_read*; not yet pfd_tracee_stack's unwinder): each runs on a
 * helper thread and is given up after about 200 ms with -ETIMEDOUT; other
 * processes are read directly. The engine's guarded-read policy decides: a
 * process that created a userfaultfd (reported below), one seized with -p
 * whose smaps shows userfaultfd ranges, one whose executable is on a FUSE
 * file system. Threads share it, a forked child inherits it, exec keeps only
 * what the new executable calls for. */
PFD_API bool pfd_tracee_may_fault(const struct pfd_tracee *t);
/* Report a fact the policy cannot see: t's process made memory whose reads
 * may wait for a tracee (it created a userfaultfd, whether or not the call
 * then succeeds: a guarded read is only slower). What follows (threads,
 * forks, exec) is the policy's. */
PFD_API void pfd_tracee_note_may_fault(struct pfd_tracee *t);

/* Copy len bytes at addr (len <= PFD_READ_MAX). 0 or -errno: -EFAULT when
 * not mapped, -ESRCH when the thread is gone, -EPERM when not readable,
 * -ETIMEDOUT when a page did not come in time (pfd_tracee_may_fault). */
#define PFD_READ_MAX (1u << 20)
PFD_API int pfd_tracee_read(const struct pfd_tracee *t, uint64_t addr, void *buf, size_t len);
/* The NUL-terminated string at addr into buf (always terminated): its
 * length, or -errno. *truncated: no NUL within size - 1 bytes. */
PFD_API ssize_t pfd_tracee_read_string(const struct pfd_tracee *t, uint64_t addr, char *buf,
				       size_t size, bool *truncated);

/* A thread's registers. audit_arch, ip, sp and fp are the arch-neutral
 * part: a plugin that reads only them works on any arch procfd-trace may
 * be ported to. raw is kept on purpose as the full view: procfd-trace runs
 * on x86_64 hosts only (its tracees: x86_64, i386, x32, all read through
 * the x86_64 PTRACE_GETREGS), and what a plugin may need beyond the four
 * (a clone's flags and stack at a fork event, as the leaks plugin reads)
 * differs per arch anyway; glibc's <sys/user.h> names the struct the same
 * on every Linux arch, so a port keeps this API and only raw's fields
 * change. A plugin that reads raw is arch-specific by choice. */
struct pfd_regs {
	uint32_t audit_arch;
	uint64_t ip, sp, fp;         /* the arch's instruction, stack and frame pointer */
	struct user_regs_struct raw; /* PTRACE_GETREGS (an i386 tracee: its 32-bit view) */
};
PFD_API int pfd_tracee_regs(const struct pfd_tracee *t, struct pfd_regs *out);

/* The thread's stack now (interned, see procfd/stack.h). NULL with *err set
 * (-ENOSYS when procfd-trace was built without an unwinder, -ESRCH...). */
PFD_API const struct pfd_stack *pfd_tracee_stack(struct pfd_tracee *t, int *err);

/* ---- telling the user ------------------------------------------------------ */

/* What the trace cannot show (a child that escapes it, calls a filter of
 * the tracee's hides, memory that cannot be read) is said on stderr, by the
 * engine and the plugins through this one service.
 *
 * pfd_say writes "procfd-trace: ", message and a newline in one write(2),
 * so the line never interleaves with another writer's. The message is
 * written as given: a plugin that puts tracee bytes in it quotes them first
 * (pfd_buf_quote, procfd/writer.h). -q and -qq do not silence it: they drop
 * event lines, not what the user must know to read the trace right (as
 * strace's -q keeps its warnings). */
PFD_API void pfd_say(const char *message);
/* The same, once per process and topic: the first call for t's process and
 * topic says message and returns true; later calls say nothing and return
 * false, until the process ends (its last thread is gone; a new process
 * that gets the same pid is told anew). exec does not reset it. t NULL:
 * once for the whole run. topic is compared by content and copied; one
 * engine-wide namespace, so a plugin starts its topics with its name
 * ("untraced:..."). A thread whose process procfd-trace has no record of,
 * or a NULL topic, is told every time (nothing to remember it by). */
PFD_API bool pfd_say_once(struct pfd_tracee *t, const char *topic, const char *message);
/* Whether pfd_say_once said topic for t's process (t NULL: in this run):
 * to skip work whose only use is the message, such as keeping a call to its
 * exit stop, or formatting the message. */
PFD_API bool pfd_said(const struct pfd_tracee *t, const char *topic);

/* ---- storage ------------------------------------------------------------------ */

/* A block of size bytes the engine keeps for the plugin, zeroed when first
 * handed out; fini (optional) runs before it is released. */
struct pfd_storage {
	size_t size;
	void (*fini)(void *state);
};

struct pfd_plugin;

/* The plugin's state for the process of t: from the first request until
 * after on_process_exit (or the end of the trace). A forked child starts
 * with fresh state: copy what it inherits in on_fork. NULL if size is 0 or
 * memory ran out. */
PFD_API void *pfd_proc_state(struct pfd_tracee *t, const struct pfd_plugin *p);
/* The same, but NULL unless the process has it already (a cheap test on a
 * hot path: no allocation for processes that never needed state). */
PFD_API void *pfd_proc_state_peek(struct pfd_tracee *t, const struct pfd_plugin *p);
/* The plugin's state for this call: from on_enter until after on_report /
 * on_exit (or on_enter's return when the call is not kept). */
PFD_API void *pfd_call_state(const struct pfd_call *c, const struct pfd_plugin *p);
/* The same, but NULL unless it was handed out already for this call: for
 * on_exit and on_report of a call the plugin may not have looked at. */
PFD_API void *pfd_call_state_peek(const struct pfd_call *c, const struct pfd_plugin *p);

/* ---- events ---------------------------------------------------------------------- */

/* What on_enter and on_exit return: a set of these bits. */
enum pfd_want {
	PFD_PASS = 0,
	PFD_NEED_EXIT = 1u << 0, /* call on_exit with the result: a second stop */
	PFD_REPORT = 1u << 1,    /* write the call as a "syscall" event */
};

enum pfd_clone_kind {
	PFD_CLONE_PROCESS, /* fork, or clone without CLONE_THREAD */
	PFD_CLONE_VFORK,   /* vfork, CLONE_VFORK: the parent waits for exec or exit */
	PFD_CLONE_THREAD,  /* a new thread of the same process */
};

enum pfd_files {
	PFD_FILES_UNKNOWN,
	PFD_FILES_COPIED, /* the child got a copy of the fd table */
	PFD_FILES_SHARED, /* CLONE_FILES: one table for both */
};

struct pfd_fork {
	struct pfd_tracee *parent; /* the thread that called fork/clone */
	struct pfd_tracee *child;  /* stopped before its first instruction */
	enum pfd_clone_kind kind;
	enum pfd_files files;
};

enum pfd_exec_phase {
	PFD_EXEC_ENTER,  /* execve/execveat entry: the old image still mapped,
			    O_CLOEXEC fds still open; the call may yet fail */
	PFD_EXEC_FAILED, /* it returned an error: the old image goes on */
	PFD_EXEC_DONE,   /* PTRACE_EVENT_EXEC: the new image, O_CLOEXEC fds closed */
};

struct pfd_exec {
	enum pfd_exec_phase phase;
	pid_t old_tid;     /* DONE: the thread that called execve (not the leader:
			      it has taken the leader's tid) */
	const struct pfd_call *call; /* ENTER, FAILED: the execve call */
	int err;           /* FAILED: its errno */
};

struct pfd_exit {
	bool process;      /* the process as a whole (its last thread) */
	bool live;         /* at PTRACE_EVENT_EXIT: /proc/PID/fd and memory still
			      readable; false when only the reaping was seen */
	bool signaled;     /* killed: status is the signal */
	int status;        /* exit code or signal number; -1 when not known */
};

/* ---- options and the exit status ----------------------------------------------- */

enum pfd_opt_arg {
	PFD_OPT_NO_ARG,
	PFD_OPT_REQUIRED, /* --name=VALUE or --name VALUE */
	PFD_OPT_OPTIONAL, /* --name or --name=VALUE */
};

/* A command-line option of a plugin, parsed with procfd-trace's own. */
struct pfd_option {
	const char *name;     /* long name, without "--"; NULL ends the table */
	char short_name;      /* 0: none */
	enum pfd_opt_arg arg;
	const char *arg_name; /* in --help: "FILE" */
	const char *help;     /* one line */
	bool enables;         /* giving it turns an opt-in plugin on */
};

/* Ask procfd-trace to end with status code when the traced command itself
 * succeeded (exit 0), as valgrind's --error-exitcode does: e.g. leaks were
 * found. The last request wins; 0 takes it back. */
PFD_API void pfd_request_exit_code(int code);

/* The plugin's table. Each callback is optional. */
struct pfd_plugin {
	const char *name;
	unsigned api;      /* PFD_PLUGIN_API */
	const struct pfd_trap *traps; /* ends with an entry whose syscall is NULL */
	struct pfd_storage proc_state, call_state;

	/* Options (ending with name NULL). An opt_in plugin runs only when one
	 * of its `enables` options is given: it then costs nothing otherwise. */
	const struct pfd_option *options;
	bool opt_in;
	/* Each of its options as given, in order, before init. 0, or -EINVAL
	 * after printing why (procfd-trace then exits 2, running nothing). */
	int (*on_option)(const char *name, const char *arg);

	/* Before tracing starts. 0 or -errno: procfd-trace does not start. */
	int (*init)(void);

	/* A trapped call's entry stop: arguments decoded, path read (c->path).
	 * The call has not run yet; the thread's state is as the call will see
	 * it. trap is the plugin's trap that selected the call: the first of
	 * its traps on this syscall, in its table's order, whose condition the
	 * arguments meet (never NULL). What on_exit needs of it, keep in the
	 * call state. Return PFD_NEED_EXIT for on_exit, PFD_REPORT to write the
	 * call. */
	unsigned (*on_enter)(struct pfd_tracee *t, struct pfd_call *c,
			     const struct pfd_trap *trap);
	/* Its exit stop (c->finished), or, with the thread gone, after it
	 * (!c->finished, !pfd_tracee_stopped). Called for every call on_enter
	 * kept (any plugin's NEED_EXIT or REPORT). May add PFD_REPORT. */
	unsigned (*on_exit)(struct pfd_tracee *t, struct pfd_call *c);
	/* A reported call is being written: add this plugin's fields. Called
	 * for each plugin that saw the call's entry; the tracee is not to be
	 * touched here. */
	void (*on_report)(const struct pfd_call *c, struct pfd_writer *w);

	/* The parent's PTRACE_EVENT_FORK/VFORK/CLONE: the child's first
	 * instruction has not run yet. */
	void (*on_fork)(const struct pfd_fork *f);
	void (*on_exec)(struct pfd_tracee *t, const struct pfd_exec *e);
	/* A thread ends (e->process false), then, once its last thread reached
	 * PTRACE_EVENT_EXIT, the process (e->process true): fds and memory are
	 * still there when e->live. The leader need not be the last thread. */
	void (*on_exit_thread)(struct pfd_tracee *t, const struct pfd_exit *e);
	void (*on_exit_process)(struct pfd_tracee *t, const struct pfd_exit *e);

	/* The trace is over (every tracee ended or was let go). May write. */
	void (*on_finish)(void);
};

#endif
