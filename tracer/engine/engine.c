/* procfd-trace: the ptrace event loop.
 *
 * wait4 -> classify the stop -> tell the plugins -> resume. Every stop ends in
 * exactly one resume (or PTRACE_LISTEN), so no tracee is left stopped. A
 * trapped call costs one stop unless a plugin keeps it at entry; only then is
 * the tracee resumed with PTRACE_SYSCALL to take the exit stop. */
#include <errno.h>
#include <limits.h>
#include <linux/audit.h>
#include <linux/kcmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filters/seccomp_filter.h"
#include "procfd/procfs.h"
#include "tracer/engine/calls.h"
#include "tracer/engine/core_events.h"
#include "tracer/engine/decode.h"
#include "tracer/engine/dispatch.h"
#include "tracer/engine/engine.h"
#include "tracer/engine/guarded_read.h"
#include "tracer/output/writer_impl.h"
#include "tracer/engine/plugin_api.h"
#include "tracer/engine/priv_exec.h"
#include "tracer/engine/proctab.h"
#include "tracer/stack/stack.h"
#include "filters/traps.h"
#include "tracer/engine/waiting.h"

#define ENGINE_MASK (1u << PFD_ENGINE_BIT)

static pid_t main_pid;
static int main_status;
static bool have_main_status;
static unsigned default_flags; /* for a thread first seen before its parent's event */
static bool exec_watch;        /* some plugin has on_exec: trap execve's entry */
static bool with_stacks;       /* -k */

static unsigned long attach_opts; /* the full options of a seized thread */

/* Stop signals as the handler saw them (sender and si_code), for the loop
 * to judge: a ring written only by the handler, which the other stop
 * signals cannot interrupt (run.c blocks them meanwhile). When more come
 * than the loop has judged, the oldest go: a command signalling its group
 * in a loop must not hide a user's signal that comes after. */
#define SIGNALS_KEPT 16
static struct {
	volatile sig_atomic_t sig, sender, code;
} signals_in[SIGNALS_KEPT];
static volatile sig_atomic_t n_signals_in;
static volatile sig_atomic_t n_stop_signals_in; /* of INT, QUIT, TERM, HUP */
static int n_signals_seen;
static int stop_signal; /* the one acted on */
static bool leftovers_ended; /* COMMAND had exited: what it left was killed */
static bool stop_handled;

/* Processes of the trace that ended lately: a signal they sent may be
 * judged after their end was reaped. */
#define ENDED_KEPT 32
static pid_t ended_lately[ENDED_KEPT];
static unsigned n_ended;

/* ---- setup ---------------------------------------------------------- */

int pfd_engine_init(const struct pfd_plugin *const *list)
{
	const char *who = NULL;
	int rc = pfd_api_register(list, &who);
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: plugin %s: %s\n", who ? who : "?", strerror(-rc));
		return rc;
	}
	exec_watch = pfd_hook_used(PFD_HOOK_EXEC);
	rc = pfd_traps_init(pfd_plugins, exec_watch ? PFD_SC_EXECS : 0, &who);
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: cannot trap %s: %s\n", who ? who : "?",
			rc == -EINVAL ? "no such syscall" : strerror(-rc));
		return rc;
	}
	pfd_proctab_on_release(pfd_api_release_proc);
	return pfd_stack_init();
}

void pfd_engine_set_stacks(bool on)
{
	with_stacks = on;
}

const struct pfd_trap *const *pfd_engine_traps(void)
{
	return pfd_traps_all();
}

/* The signals that stop a trace (-p: detach; a command: passed on once,
 * the second ends us). Any other default-fatal one run.c catches (USR1,
 * ALRM, the real-time ones...) is only passed on to the command: it must
 * not kill us, and with us (EXITKILL) the command. */
static bool ends_trace(int sig)
{
	return sig == SIGINT || sig == SIGQUIT || sig == SIGTERM || sig == SIGHUP;
}

void pfd_engine_request_stop(int sig, pid_t sender, int code)
{
	int n = n_signals_in;
	if (n == INT_MAX)
		return;
	signals_in[n % SIGNALS_KEPT].sig = sig;
	signals_in[n % SIGNALS_KEPT].sender = sender;
	signals_in[n % SIGNALS_KEPT].code = code;
	n_signals_in = n + 1;
	if (ends_trace(sig))
		n_stop_signals_in++;
}

/* ---- small ptrace helpers ------------------------------------------- */

/* ESRCH means the tracee died under us (SIGKILL): its exit is still to come
 * through wait4, so it is not an error here. */
static void ptrace_or_warn(int request, pid_t tid, unsigned long data, const char *what)
{
	if (ptrace(request, tid, 0L, data) < 0 && errno != ESRCH)
		fprintf(stderr, "procfd-trace: %s %d: %s\n", what, tid, strerror(errno));
}

static void resume(tcb_t *t, int sig)
{
	bool want_stops = (t->flags & (TCB_IN_CALL | TCB_RESTARTING)) ||
			  !(t->flags & TCB_SECCOMP);
	ptrace_or_warn(want_stops ? PTRACE_SYSCALL : PTRACE_CONT, t->tid, (unsigned long)sig,
		       "resume");
}

static unsigned long event_msg(pid_t tid)
{
	unsigned long msg = 0;
	if (ptrace(PTRACE_GETEVENTMSG, tid, 0L, &msg) < 0)
		return 0;
	return msg;
}

/* The thread group, read while /proc/<tid> exists; the record joins its
 * process. */
static pid_t tcb_tgid(tcb_t *t)
{
	if (!t->tgid) {
		struct pfd_proc_status st;
		pid_t tgid = pfd_read_proc_status(t->tid, &st) == 0 && st.tgid ? st.tgid : t->tid;
		if (pfd_tcb_join_proc(t, tgid) < 0)
			t->tgid = tgid;
	}
	return t->tgid;
}

/* ---- calls ---------------------------------------------------------- */

/* A kept call is done (finished, or its thread gone): the plugins see its
 * end, and it is written if any of them asked. */
static void finish_call(tcb_t *t)
{
	struct call_slot *s = t->call;
	t->flags &= ~(TCB_IN_CALL | TCB_RESTARTING);
	t->call = NULL;
	if (!s)
		return;
	if ((s->plugins & ENGINE_MASK) && s->call.finished && s->call.err) {
		struct pfd_exec e = { .phase = PFD_EXEC_FAILED, .call = &s->call, .err = s->call.err };
		pfd_dispatch(PFD_HOOK_EXEC, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ t, .exec = &e });
	}
	s->want |= pfd_dispatch(PFD_HOOK_EXIT, s->plugins,
				&(struct pfd_hook_args){ t, .call = &s->call }) & PFD_REPORT;
	if (s->want & PFD_REPORT) {
		bool backtrace = with_stacks && pfd_tracee_stopped(t); /* -k: captured here */
		pfd_write_call(s, backtrace, backtrace ? pfd_tracee_stack(t, NULL) : NULL);
	}
	pfd_slot_put(s);
}

/* A call interrupted by a signal exits with a kernel-internal ERESTART* code
 * that the program never sees. Then the kernel either runs the call again
 * (no handler ran, or SA_RESTART), which reaches us as a new entry with the
 * same arguments and no user code in between, or a handler without
 * SA_RESTART ran and the call returns EINTR. The call is held
 * (TCB_RESTARTING) and the thread stopped at every syscall until we know
 * which. (ERESTARTNOINTR always restarts; ERESTART_RESTARTBLOCK restarts
 * through restart_syscall, which no path call uses.) */
static bool is_restart_code(int64_t rval)
{
	return rval <= -512 && rval >= -516;
}

static bool same_call(const struct pfd_call *c, uint32_t arch, uint64_t nr,
		      const uint64_t args[6])
{
	return c->audit_arch == arch && c->nr == nr &&
	       memcmp(c->args, args, sizeof(c->args)) == 0;
}

/* rt_sigreturn (and i386's sigreturn): the end of a signal handler. Not
 * trapped, so found by number in the syscall table (its numbers are
 * libseccomp's, resolved once). */
static bool is_sigreturn(uint32_t arch, uint64_t nr)
{
	const struct pfd_syscall_desc *d = pfd_syscall_by_number(arch, nr);
	return d && (d->facts & PFD_SC_SIGRETURN);
}

static void drop_held_call(tcb_t *t)
{
	t->flags &= ~(TCB_RESTARTING | TCB_SIGRETURN);
	pfd_slot_put(t->call);
	t->call = NULL;
}

static void end_held_call(tcb_t *t, int err)
{
	pfd_clock_now(&t->call->exited);
	pfd_decode_exit(&t->call->call, -err, true);
	finish_call(t);
}

/* Any syscall entry while a call is held. The call itself again, with no
 * handler's sigreturn before it, or after one that restored the restart:
 * the kernel's restart, which is the call the plugins see; the held attempt
 * goes. A handler's return (sigreturn) is watched to its exit. */
static void watch_held_entry(tcb_t *t, uint32_t arch, uint64_t nr, const uint64_t args[6])
{
	if (is_sigreturn(arch, nr))
		t->flags |= TCB_SIGRETURN;
	else if (same_call(&t->call->call, arch, nr, args))
		drop_held_call(t);
}

/* sigreturn's "result" is the register it restored: -EINTR when the handler
 * had no SA_RESTART (the call failed, whatever the program does next: a
 * retry with the same arguments is a call of its own), the syscall number
 * when the kernel is about to run the call again. */
static void watch_held_exit(tcb_t *t, int64_t rval, bool is_error)
{
	if (!(t->flags & TCB_SIGRETURN))
		return;
	t->flags &= ~TCB_SIGRETURN;
	if (is_error && rval == -EINTR)
		end_held_call(t, EINTR);
}

/* The thread ends (or is let go) with a call still open: it ends unfinished.
 * A held call too: the thread was killed before the call returned (or its
 * handler ended the thread), since an EINTR is settled at the handler's
 * sigreturn. */
static void finish_open_call(tcb_t *t)
{
	if (t->flags & TCB_RESTARTING)
		t->call->call.finished = false;
	if (t->flags & (TCB_IN_CALL | TCB_RESTARTING))
		finish_call(t);
}

/* execve's entry: the old image is still there for the plugins to look at. */
static void exec_entry(tcb_t *t, struct call_slot *s)
{
	struct pfd_exec e = { .phase = PFD_EXEC_ENTER, .call = &s->call };
	pfd_dispatch(PFD_HOOK_EXEC, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ t, .exec = &e });
	s->want |= PFD_NEED_EXIT; /* to say PFD_EXEC_FAILED if it fails */
}

/* A non-root tracer may not read a non-dumpable process's memory (EPERM
 * from process_vm_readv and PEEKDATA alike): each of its path calls is then
 * reported unreadable. Said once per process, so the user knows why. */
#define TOPIC_MEMORY_REFUSED "engine:memory-refused"

static void tell_memory_refused(tcb_t *t, const struct pfd_call *c)
{
	char msg[256];
	if (!c->path || c->path->path_errno != EPERM || !t->proc ||
	    pfd_said(t, TOPIC_MEMORY_REFUSED))
		return;
	if (geteuid() != 0)
		snprintf(msg, sizeof(msg), "pid %d is not dumpable: procfd-trace, not running as "
					   "root, cannot read its memory, so its path arguments are "
					   "reported unreadable (EPERM); run procfd-trace as root",
			 c->pid);
	else
		snprintf(msg, sizeof(msg), "pid %d: the kernel refuses to let procfd-trace read "
					   "its memory (EPERM), so its path arguments are reported "
					   "unreadable", c->pid);
	pfd_say_once(t, TOPIC_MEMORY_REFUSED, msg);
}

static void syscall_entry(tcb_t *t, uint32_t arch, uint64_t nr, const uint64_t args[6])
{
	const struct trap_entry *e = pfd_traps_lookup(arch, nr);
	uint32_t who;
	struct call_slot *s;

	t->arch = arch;
	who = e && !(t->flags & TCB_HIDE) ? pfd_traps_select(e, args) : 0;
	/* A signal handler's own trapped call while a call is held: one slot
	 * per thread, so the held call is taken to have failed with EINTR (a
	 * known limit, README). */
	if (who && (t->flags & TCB_RESTARTING))
		end_held_call(t, EINTR);
	if (!who || (t->flags & TCB_IN_CALL) || !(s = pfd_slot_get())) {
		resume(t, 0);
		return;
	}
	s->plugins = who;
	pfd_clock_now(&s->entered); /* JSON "time", -t, -r */
	pfd_decode_entry(s, tcb_tgid(t), t->tid, pfd_guard_needed(t->proc), e, arch, nr, args);
	tell_memory_refused(t, &s->call);
	if (who & ENGINE_MASK)
		exec_entry(t, s);
	s->want |= pfd_dispatch(PFD_HOOK_ENTER, who,
				&(struct pfd_hook_args){ t, .call = &s->call, .entry = e,
							 .args = args }) &
		   (PFD_NEED_EXIT | PFD_REPORT);
	if (s->want) {
		t->call = s;
		t->flags |= TCB_IN_CALL;
	} else {
		pfd_slot_put(s);
	}
	resume(t, 0);
}

static void syscall_exit(tcb_t *t, int64_t rval, bool is_error)
{
	if (t->flags & TCB_IN_CALL) {
		pfd_clock_now(&t->call->exited); /* JSON "duration", -T */
		pfd_decode_exit(&t->call->call, rval, is_error);
		if (is_error && is_restart_code(rval))
			t->flags = (t->flags & ~TCB_IN_CALL) | TCB_RESTARTING;
		else
			finish_call(t);
	}
	resume(t, 0);
}

/* Linux 5.3+. Older kernels answer EIO: say so once rather than trace
 * nothing in silence. (ESRCH: the tracee was killed under us.) */
#define TOPIC_NO_SYSCALL_INFO "engine:no-syscall-info"

static bool get_syscall_info(tcb_t *t, struct __ptrace_syscall_info *info)
{
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, (void *)sizeof(*info), info);
	if (n < 0 && errno != ESRCH && !pfd_said(NULL, TOPIC_NO_SYSCALL_INFO)) {
		char msg[160];
		snprintf(msg, sizeof(msg), "PTRACE_GET_SYSCALL_INFO failed (%s): Linux 5.3 or "
					   "later is needed to decode syscalls", strerror(errno));
		pfd_say_once(NULL, TOPIC_NO_SYSCALL_INFO, msg);
	}
	return n > 0;
}

/* A seccomp stop that is not our filter's: a filter the tracee installed
 * itself answered SECCOMP_RET_TRACE. Without a tracer that takes such stops
 * the kernel fails the call with ENOSYS, and the tracee must see what it
 * would see untraced: the call is skipped (syscall number -1, which also
 * i386 tracees take through the 64-bit registers) with -ENOSYS as its
 * result. Without our filter the thread stopped at the call's entry before
 * (kernel >= 4.8), so a call a plugin kept sees ENOSYS at its exit. */
static void skip_with_enosys(tcb_t *t)
{
	struct user_regs_struct regs;
	if (ptrace(PTRACE_GETREGS, t->tid, 0L, &regs) == 0) {
		regs.orig_rax = (unsigned long long)-1;
		regs.rax = (unsigned long long)-ENOSYS;
		ptrace_or_warn(PTRACE_SETREGS, t->tid, (unsigned long)&regs, "skip the call of");
	} else if (errno != ESRCH) {
		fprintf(stderr, "procfd-trace: %d: cannot skip a call its own seccomp filter "
				"traps: %s\n", t->tid, strerror(errno));
	}
	resume(t, 0);
}

/* Ours: our filter is loaded in the thread, its data is ours, and it traps
 * this call with these arguments (a tracee's filter may forge the data, or
 * answer RET_TRACE for a call we trap too, with data of its own: the
 * kernel then acts on the most recent filter's answer, theirs). */
static bool our_stop(tcb_t *t, const struct __ptrace_syscall_info *info)
{
	if (!(t->flags & TCB_SECCOMP) || event_msg(t->tid) != PFD_FILTER_TRACE_DATA)
		return false;
	const struct trap_entry *e = pfd_traps_lookup(info->arch, info->seccomp.nr);
	return e && pfd_traps_select(e, info->seccomp.args);
}

static void on_seccomp_stop(tcb_t *t)
{
	struct __ptrace_syscall_info info;

	if (!get_syscall_info(t, &info) || info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(t, 0);
		return;
	}
	if (!our_stop(t, &info)) {
		skip_with_enosys(t);
		return;
	}
	syscall_entry(t, info.arch, info.seccomp.nr, info.seccomp.args);
}

static void on_syscall_stop(tcb_t *t)
{
	struct __ptrace_syscall_info info;

	if (!get_syscall_info(t, &info)) {
		resume(t, 0);
		return;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY) {
		if (t->flags & TCB_RESTARTING)
			watch_held_entry(t, info.arch, info.entry.nr, info.entry.args);
		if (t->flags & TCB_SECCOMP)
			resume(t, 0); /* only stops while a call is held: the filter's
					 own stop follows if the call is trapped */
		else
			syscall_entry(t, info.arch, info.entry.nr, info.entry.args);
	} else if (info.op == PTRACE_SYSCALL_INFO_EXIT) {
		if (t->flags & TCB_RESTARTING)
			watch_held_exit(t, info.exit.rval, info.exit.is_error);
		syscall_exit(t, info.exit.rval, info.exit.is_error);
	} else {
		resume(t, 0);
	}
}

/* ---- tracee records ------------------------------------------------- */

static void detach_if_stopping(tcb_t *t);

static tcb_t *add_tracee(pid_t tid, unsigned flags, pid_t tgid)
{
	tcb_t *t = pfd_tcb_add(tid);
	if (!t || (tgid && pfd_tcb_join_proc(t, tgid) < 0)) {
		fprintf(stderr, "procfd-trace: out of memory tracking %d\n", tid);
		exit(1); /* EXITKILL ends the tracees with us */
	}
	t->flags = flags | (flags & TCB_ATTACHED ? TCB_OPTIONS_DUE : 0);
	return t;
}

/* A thread whose first stop arrived before its parent's clone event: it
 * inherits the mode of its thread group or parent if we trace them, and is
 * held stopped until that event, so the plugins hear of the fork before
 * the child's first call. */
static tcb_t *adopt_unknown(pid_t tid, bool initial_stop)
{
	struct pfd_proc_status st = { 0 };
	pfd_read_proc_status(tid, &st);
	tcb_t *rel = (st.tgid && st.tgid != tid) ? pfd_tcb_find(st.tgid) : NULL;
	if (!rel && st.ppid)
		rel = pfd_tcb_find(st.ppid);
	/* No relative known: ours if we launched a command, else attached. */
	unsigned flags = rel ? rel->flags & (TCB_SECCOMP | TCB_ATTACHED)
			     : main_pid ? default_flags : TCB_ATTACHED;
	if (rel && initial_stop) {
		flags |= TCB_EARLY;
	}
	tcb_t *t = add_tracee(tid, flags, st.tgid ? st.tgid : tid);
	if (rel)
		t->early_parent = tcb_tgid(rel);
	detach_if_stopping(t);
	return t;
}

int pfd_engine_adopt_child(pid_t pid, bool with_filter)
{
	main_pid = pid;
	default_flags = with_filter ? TCB_SECCOMP : 0;
	tcb_t *t = add_tracee(pid, default_flags | TCB_HIDE, pid);
	t->proc->hidden = true;
	return 0;
}

static unsigned threads_of(pid_t pid)
{
	struct pfd_proc *p = pfd_proc_find(pid);
	return p ? p->threads : 0;
}

void pfd_engine_attached(pid_t pid)
{
	pfd_write_attach(pid, threads_of(pid));
}

int pfd_engine_add_attached(pid_t tid, pid_t tgid, unsigned long opts)
{
	if (pfd_tcb_find(tid))
		return 0;
	tcb_t *t = pfd_tcb_add(tid);
	if (!t || pfd_tcb_join_proc(t, tgid) < 0) {
		if (t)
			pfd_tcb_drop(t);
		return -ENOMEM;
	}
	attach_opts = opts;
	t->flags = TCB_ATTACHED | TCB_OPTIONS_DUE;
	if (t->proc->threads == 1)
		pfd_guard_on_attach(t->proc, tgid);
	return 1;
}

void pfd_engine_forget_attached(pid_t tid)
{
	tcb_t *t = pfd_tcb_find(tid);
	if (!t)
		return;
	t->flags |= TCB_GONE;
	if (!(t->flags & TCB_EXITING) && t->proc)
		t->flags |= TCB_EXITING, t->proc->live--;
	pfd_tcb_drop(t);
}

/* A thread seized without PTRACE_O_TRACEEXIT, or a child that inherited
 * such options, is stopped: now it gets them all. */
static void settle_options(tcb_t *t)
{
	if (!(t->flags & TCB_OPTIONS_DUE))
		return;
	t->flags &= ~TCB_OPTIONS_DUE;
	if (attach_opts)
		ptrace_or_warn(PTRACE_SETOPTIONS, t->tid, attach_opts, "set options of");
}

/* ---- process events ------------------------------------------------- */

static enum pfd_files files_of(pid_t parent, pid_t child)
{
	long r = syscall(SYS_kcmp, parent, child, KCMP_FILES, 0L, 0L);
	return r == 0 ? PFD_FILES_SHARED : r > 0 ? PFD_FILES_COPIED : PFD_FILES_UNKNOWN;
}

static void tell_fork(tcb_t *parent, tcb_t *child, unsigned event)
{
	struct pfd_fork f = { .parent = parent, .child = child };
	if (event == PTRACE_EVENT_VFORK)
		f.kind = PFD_CLONE_VFORK;
	else if (event == PTRACE_EVENT_CLONE && tcb_tgid(child) == tcb_tgid(parent))
		f.kind = PFD_CLONE_THREAD;
	else
		f.kind = PFD_CLONE_PROCESS;
	f.files = f.kind == PFD_CLONE_THREAD ? PFD_FILES_SHARED : files_of(parent->tid, child->tid);
	if (f.kind != PFD_CLONE_THREAD)
		pfd_guard_on_fork(parent->proc, child->proc);
	pfd_dispatch(PFD_HOOK_FORK, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ .fork = &f });
}

/* Let a stopped tracee go on untraced, with sig delivered to it. */
static void detach_now(tcb_t *t, int sig)
{
	ptrace_or_warn(PTRACE_DETACH, t->tid, (unsigned long)sig, "detach");
	t->flags |= TCB_EXITING; /* it goes on, untraced: no exit to tell */
	pfd_write_detach(tcb_tgid(t), t->tid, t->proc && t->proc->threads == 1);
	pfd_tcb_drop(t);
}

/* After SIGINT (-p), a thread an attached one makes is let go at its first
 * stop too, or a process that keeps making threads (or exec'ing) would keep
 * us tracing. */
static void detach_if_stopping(tcb_t *t)
{
	if (stop_handled && (t->flags & TCB_ATTACHED))
		t->flags |= TCB_DETACHING;
}

/* Let a held child go, with or without the event that named its parent. */
static void release_early(tcb_t *c)
{
	c->flags &= ~TCB_EARLY;
	settle_options(c);
	if (c->flags & TCB_DETACHING)
		detach_now(c, 0);
	else
		resume(c, 0);
}

/* A fork, vfork or clone event: the child (seized by the kernel) gets its
 * record, the plugins hear of it, and a child held for this event goes. */
static void note_new_child(tcb_t *t, unsigned event)
{
	pid_t child = (pid_t)event_msg(t->tid);
	unsigned flags = t->flags & (TCB_SECCOMP | TCB_ATTACHED);

	if (child > 0) {
		tcb_t *c = pfd_tcb_find(child);
		bool early = c && (c->flags & TCB_EARLY);
		if (!c)
			c = add_tracee(child, flags, event == PTRACE_EVENT_CLONE ? 0 : child);
		else /* its first stop came first: now we know its parent */
			c->flags = (c->flags & ~(TCB_SECCOMP | TCB_ATTACHED)) | flags |
				   (flags & TCB_ATTACHED ? TCB_OPTIONS_DUE : 0);
		detach_if_stopping(c);
		/* clone makes a thread or a process: ask now, while /proc/<tid>
		 * exists; at its exit it will be gone and the exit event needs it. */
		tcb_tgid(c);
		if (!(t->flags & TCB_HIDE))
			tell_fork(t, c, event);
		if (early)
			release_early(c);
	}
}

static void on_new_child(tcb_t *t, unsigned event)
{
	note_new_child(t, event);
	resume(t, 0);
}

static void release_children_of(tcb_t *c, void *arg)
{
	if ((c->flags & TCB_EARLY) && c->early_parent == *(pid_t *)arg)
		release_early(c);
}

/* After execve the caller has the thread group leader's tid. If a non-leader
 * thread exec'd, its record moves to that tid and the old leader's record,
 * which will never report an exit, goes. */
static tcb_t *switch_after_exec(tcb_t *t, pid_t old_tid)
{
	tcb_t *execer = old_tid > 0 && old_tid != t->tid ? pfd_tcb_find(old_tid) : NULL;
	if (!execer)
		return t;
	t->flags |= TCB_GONE;
	finish_open_call(t); /* the leader died inside a call: unfinished */
	pid_t tid = t->tid;
	if (!(t->flags & TCB_EXITING) && t->proc)
		t->flags |= TCB_EXITING, t->proc->live--;
	pfd_tcb_drop(t);
	pfd_tcb_rekey(execer, tid);
	return execer;
}

static void on_exec(tcb_t *t)
{
	pid_t old_tid = (pid_t)event_msg(t->tid);

	t = switch_after_exec(t, old_tid);
	t->flags &= ~TCB_HIDE;
	if (t->proc) {
		t->proc->hidden = false;
		free(t->proc->exe);
		t->proc->exe = NULL;
	}
	pfd_stack_forget_process(t->tid);
	pfd_guard_on_exec(t->proc, t->tid);
	struct pfd_exec e = { .phase = PFD_EXEC_DONE, .old_tid = old_tid > 0 ? old_tid : t->tid };
	pfd_dispatch(PFD_HOOK_EXEC, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ t, .exec = &e });
	pfd_write_exec(t->tid, e.old_tid, pfd_tracee_exe(t));
	/* Its stat and getxattr would ask a FUSE daemon, which may be a tracee
	 * stopped for us; a FUSE mount is nosuid unless root made it otherwise. */
	if (!pfd_guard_exe_on_fuse(t->proc))
		pfd_tell_privileges_withheld(t->tid);
	resume(t, 0);
}

/* The thread counts out of its process; the last one out ends the process,
 * while (live) its fds and memory are still there. */
static void thread_ends(tcb_t *t, const struct pfd_exit *how)
{
	struct pfd_exit e = *how;
	if (t->flags & TCB_EXITING)
		return;
	t->flags |= TCB_EXITING;
	if (t->proc)
		t->proc->live--;
	if (t->flags & TCB_HIDE)
		return;
	e.process = false;
	pfd_dispatch(PFD_HOOK_EXIT_THREAD, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ t, .exit = &e });
	if (!t->proc || t->proc->live || t->proc->ended)
		return;
	t->proc->ended = true;
	e.process = true;
	pfd_dispatch(PFD_HOOK_EXIT_PROCESS, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ t, .exit = &e });
}

static struct pfd_exit exit_from_status(int status, bool live)
{
	struct pfd_exit e = { .live = live };
	if (WIFSIGNALED(status)) {
		e.signaled = true;
		e.status = WTERMSIG(status);
	} else {
		e.status = WEXITSTATUS(status);
	}
	return e;
}

/* PTRACE_EVENT_EXIT: the thread is on its way out, with its fds and memory
 * still there. */
static void on_event_exit(tcb_t *t)
{
	struct pfd_exit e = exit_from_status((int)event_msg(t->tid), true);
	finish_open_call(t);
	thread_ends(t, &e);
	resume(t, 0);
}

static void on_exited(tcb_t *t, int status)
{
	pid_t tgid = tcb_tgid(t);

	t->flags |= TCB_GONE;
	finish_open_call(t); /* killed inside the call: report it unfinished */
	struct pfd_exit e = exit_from_status(status, false);
	thread_ends(t, &e); /* no PTRACE_EVENT_EXIT was seen */
	if (!(t->flags & TCB_HIDE))
		pfd_write_exit(tgid, t->tid, status);
	if (t->tid == main_pid) {
		main_status = status;
		have_main_status = true;
	}
	if (t->tid == tgid) {
		pfd_stack_forget_process(tgid);
		ended_lately[n_ended++ % ENDED_KEPT] = tgid;
	}
	pfd_tcb_drop(t);
	/* A child whose parent died before its clone event is let go. */
	pfd_tcb_foreach(release_children_of, &tgid);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* A tracee we were asked to let go of has stopped: finish its call if this is
 * the exit stop, hand back a signal it was about to get, and detach. A process
 * in a group-stop stays stopped, as it would have without us. */
static void detach_stopped(tcb_t *t, int status)
{
	int sig = WSTOPSIG(status);
	unsigned event = (unsigned)status >> 16;
	struct __ptrace_syscall_info info;

	if ((t->flags & TCB_IN_CALL) && event == 0 && sig == (SIGTRAP | 0x80) &&
	    get_syscall_info(t, &info) && info.op == PTRACE_SYSCALL_INFO_EXIT &&
	    !(info.exit.is_error && is_restart_code(info.exit.rval)))
		pfd_decode_exit(&t->call->call, info.exit.rval, info.exit.is_error);
	if (event == PTRACE_EVENT_EXEC) /* a non-leader's exec: it has the leader's tid */
		t = switch_after_exec(t, (pid_t)event_msg(t->tid));
	else if (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
		 event == PTRACE_EVENT_CLONE) /* the child, traced already, goes too */
		note_new_child(t, event);
	finish_open_call(t);
	bool delivery = event == 0 && sig != (SIGTRAP | 0x80);
	detach_now(t, delivery ? sig : 0);
}

static void on_stopped(tcb_t *t, int status)
{
	int sig = WSTOPSIG(status);
	unsigned event = (unsigned)status >> 16;

	if (t->flags & TCB_DETACHING) {
		detach_stopped(t, status);
		return;
	}

	switch (event) {
	case 0:
		if (sig == (SIGTRAP | 0x80))
			on_syscall_stop(t);
		else /* signal-delivery-stop: hand the signal on */
			resume(t, sig);
		break;
	case PTRACE_EVENT_SECCOMP:
		on_seccomp_stop(t);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(t, event);
		break;
	case PTRACE_EVENT_EXEC:
		on_exec(t);
		break;
	case PTRACE_EVENT_EXIT:
		on_event_exit(t);
		break;
	case PTRACE_EVENT_STOP:
		/* A group-stop: stay stopped until SIGCONT, as job control expects.
		 * Otherwise an attach or interrupt stop: just go on. */
		if (is_stop_signal(sig))
			ptrace_or_warn(PTRACE_LISTEN, t->tid, 0, "listen");
		else
			resume(t, 0);
		break;
	default: /* VFORK_DONE */
		resume(t, 0);
		break;
	}
}

/* ---- the loop ------------------------------------------------------- */

static void dispatch(pid_t tid, int status)
{
	tcb_t *t = pfd_tcb_find(tid);

	if (!t) {
		if (!WIFSTOPPED(status))
			return; /* not ours (a pre-seize child of a tracee) */
		t = adopt_unknown(tid, (unsigned)status >> 16 == PTRACE_EVENT_STOP);
		if (t->flags & TCB_EARLY)
			return; /* held until its parent's clone event */
	}
	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_exited(t, status);
	} else if (WIFSTOPPED(status)) {
		settle_options(t);
		on_stopped(t, status);
	}
}

static void interrupt_attached(tcb_t *t, void *arg)
{
	(void)arg;
	if (!(t->flags & TCB_ATTACHED) || (t->flags & TCB_DETACHING))
		return;
	if (t->flags & TCB_EARLY) { /* held in its first stop: let go now */
		ptrace_or_warn(PTRACE_DETACH, t->tid, 0, "detach");
		t->flags |= TCB_EXITING;
		pfd_tcb_drop(t);
		return;
	}
	t->flags |= TCB_DETACHING;
	/* Also wakes a tracee we left in PTRACE_LISTEN. */
	ptrace(PTRACE_INTERRUPT, t->tid, 0L, 0L);
}

/* After a stop request, a tick every second wakes the loop (wait4 returns
 * EINTR) to look for threads to be let go of that are still traced. */
static volatile sig_atomic_t detach_tick;

static void on_detach_tick(int sig)
{
	(void)sig;
	detach_tick = 1;
}

static void detach_ticks(bool on)
{
	struct itimerval it = { 0 };
	if (on) {
		struct sigaction sa = { .sa_handler = on_detach_tick }; /* no SA_RESTART */
		sigemptyset(&sa.sa_mask);
		sigaction(SIGALRM, &sa, NULL);
		it.it_value.tv_sec = it.it_interval.tv_sec = 1;
	}
	setitimer(ITIMER_REAL, &it, NULL);
}

/* A thread to be let go of that has not been let go a second after the
 * interrupt: its stop may have been taken for another (the status of the
 * thread that had its tid before an execve), and it waits for us in a stop
 * we think we resumed. PTRACE_DETACH succeeds only on a thread in a ptrace
 * stop: then it goes now; a running one is interrupted again. So SIGINT
 * lets go of every -p thread within about a second of its last stop. */
static void detach_if_stuck(tcb_t *t, void *arg)
{
	(void)arg;
	if (!(t->flags & TCB_DETACHING))
		return;
	if (ptrace(PTRACE_DETACH, t->tid, 0L, 0L) < 0) {
		ptrace(PTRACE_INTERRUPT, t->tid, 0L, 0L);
		return;
	}
	finish_open_call(t);
	t->flags |= TCB_EXITING;
	pfd_write_detach(tcb_tgid(t), t->tid, t->proc && t->proc->threads == 1);
	pfd_tcb_drop(t);
}

static void note_attached(tcb_t *t, void *arg)
{
	if (t->flags & TCB_ATTACHED)
		*(bool *)arg = true;
}

static bool ended_lately_had(pid_t pid)
{
	for (unsigned i = 0; i < ENDED_KEPT && i < n_ended; i++)
		if (ended_lately[i] == pid)
			return true;
	return false;
}

enum signal_aim {
	AIMED_AT_US,      /* a user's kill of procfd-trace */
	GROUP_FROM_TRACE, /* kill(0) or kill(-pgrp) by a process of the trace */
	GROUP_FROM_KERNEL /* the terminal's SIGINT, SIGQUIT or hangup */
};

/* Who a stop signal was meant for. One sent by a process of the trace
 * (kill(0, sig) or kill(-pgrp, sig) from the command) or by the kernel to
 * the foreground group while a command runs reached the command by itself:
 * untraced, the command would have got it once and decided, and so it does
 * under us; we trace on to its end. */
static enum signal_aim aim_of(int sender, int code)
{
	if (code == SI_KERNEL)
		return main_pid > 0 ? GROUP_FROM_KERNEL : AIMED_AT_US;
	if (code != SI_USER && code != SI_QUEUE && code != SI_TKILL)
		return AIMED_AT_US;
	if (sender > 0 && (pfd_proc_find(sender) || pfd_tcb_find(sender) ||
			   ended_lately_had(sender)))
		return GROUP_FROM_TRACE;
	return AIMED_AT_US;
}

static bool attached_left(void)
{
	bool any = false;
	pfd_tcb_foreach(note_attached, &any);
	return any;
}

/* The next stop signal to act on, or 0, with *pass_on: whether the command
 * is to get it from us. A signal of the command's group is not counted,
 * except that the terminal's one (Ctrl-C) still detaches -p processes when
 * a command runs beside them. A second counted one ends procfd-trace here:
 * attached tracees are detached by the kernel when we exit, launched ones
 * die with us (EXITKILL). */
static int next_stop_signal(bool *pass_on)
{
	while (n_signals_seen < n_signals_in) {
		if (n_signals_in - n_signals_seen > SIGNALS_KEPT)
			n_signals_seen = n_signals_in - SIGNALS_KEPT;
		int i = n_signals_seen++ % SIGNALS_KEPT;
		int sig = signals_in[i].sig;
		enum signal_aim aim = aim_of(signals_in[i].sender, signals_in[i].code);
		if (aim == GROUP_FROM_TRACE)
			continue;
		if (!ends_trace(sig)) {
			/* ours by mistake (kill -USR1 procfd-trace): the command's */
			if (aim == AIMED_AT_US && main_pid > 0 && !have_main_status)
				kill(main_pid, sig);
			continue;
		}
		if (aim == GROUP_FROM_KERNEL) {
			if (stop_handled || !attached_left())
				continue;
			*pass_on = false;
			return sig;
		}
		if (stop_signal && !(main_pid > 0 && have_main_status && !leftovers_ended)) {
			signal(sig, SIG_DFL);
			raise(sig);
		}
		*pass_on = true;
		return sig;
	}
	return 0;
}

bool pfd_engine_stop_requested(void)
{
	return n_stop_signals_in > 0;
}

/* SIGINT/SIGTERM/SIGHUP: attached processes are interrupted and detached at
 * their next stop, and go on running unharmed. The command we launched gets
 * the signal once, and we keep tracing it, so its end is reported and no
 * event is lost; a second signal ends procfd-trace (PTRACE_O_EXITKILL then
 * kills what it launched). */
/* A launched process left running once COMMAND has exited (a daemon it
 * started): killed, since under our filter it cannot go on without us. */
static void kill_launched(tcb_t *t, void *arg)
{
	unsigned *n = arg;
	if (t->flags & (TCB_ATTACHED | TCB_EXITING))
		return;
	if (kill(t->tid, SIGKILL) == 0 && t->tgid == t->tid)
		(*n)++;
}

/* A signal for us after COMMAND has exited: passing it on would be lost,
 * and the trace would wait for the processes COMMAND left running (as
 * strace -f does) as long as they live. They are killed, with a word; their
 * ends are still reported, then the totals, and we exit as COMMAND did. */
static void end_leftovers(int sig)
{
	unsigned n = 0;
	leftovers_ended = true;
	stop_signal = sig; /* a signal after this one ends us */
	pfd_tcb_foreach(kill_launched, &n);
	if (n)
		fprintf(stderr, "procfd-trace: %s after COMMAND exited: killing the %u process%s it "
				"left running (the trace waits for every process COMMAND starts)\n",
			strsignal(sig), n, n == 1 ? "" : "es");
}

static void handle_stop_request(void)
{
	bool pass_on = false;
	int sig = next_stop_signal(&pass_on);
	if (sig && pass_on && main_pid > 0 && have_main_status) {
		end_leftovers(sig);
		return;
	}
	if (!sig || stop_handled)
		return;
	stop_signal = sig;
	stop_handled = true;
	if (attached_left())
		detach_ticks(true);
	pfd_tcb_foreach(interrupt_attached, NULL);
	if (pass_on && main_pid > 0 && !have_main_status) /* reaped: the pid may be reused */
		kill(main_pid, stop_signal);
}

/* One round of stops: block for the first, then take every other status
 * already waiting before acting on any. wait4(-1) reports tracees in list
 * order, so serving one stop at a time lets a busy tracee early in the list
 * starve the others (strace drains for the same reason since 5.0). A stopped
 * tracee reports nothing more until resumed: each tid appears once a round. */
#define ROUND_MAX 64

struct stop {
	pid_t tid;
	int status;
};

/* Every thread we know of has reported this round, and a stopped thread
 * reports nothing more until resumed: the drain's next wait4 could only say
 * "nothing" (1 us a stop; a single-threaded command's every stop). A child
 * we have not met yet (its clone event is in this round) is not counted: its
 * stop waits for the next round's wait4, as it would if it came a moment
 * later. */
static bool round_complete(int n)
{
	return (size_t)n >= pfd_tcb_count();
}

/* Returns how many stops were collected; 0 when no tracee is left; -1 on error. */
static int collect_stops(struct stop *round)
{
	int n = 0;
	struct pfd_wait w;
	pid_t first = pfd_wait_poll(&round[0].status, &w);
	if (first > 0) {
		round[n++].tid = first;
		if (round_complete(n))
			return n;
	}
	for (;;) {
		pid_t tid = wait4(-1, &round[n].status, __WALL | (n ? WNOHANG : 0), NULL);
		if (tid > 0) {
			if (n == 0)
				pfd_wait_arrived(&w);
			round[n++].tid = tid;
			if (n == ROUND_MAX || round_complete(n))
				return n;
			continue;
		}
		if (tid == 0 || n > 0)
			return n; /* drained (an error after some stops is seen next round) */
		if (errno == EINTR)
			return -2;
		if (errno == ECHILD)
			return 0; /* no tracee left, orphans included */
		fprintf(stderr, "procfd-trace: wait4: %s\n", strerror(errno));
		return -1;
	}
}

/* Statuses reaped while attaching, for the loop to act on first. */
static struct stop *pending;
static size_t n_pending, cap_pending;

void pfd_engine_reap_pending(void)
{
	int st;
	pid_t tid;
	while ((tid = wait4(-1, &st, __WALL | WNOHANG, NULL)) > 0) {
		if (n_pending == cap_pending) {
			size_t cap = cap_pending ? 2 * cap_pending : 64;
			struct stop *p = realloc(pending, cap * sizeof(*p));
			if (!p) {
				fprintf(stderr, "procfd-trace: out of memory while attaching\n");
				exit(1);
			}
			pending = p;
			cap_pending = cap;
		}
		pending[n_pending++] = (struct stop){ .tid = tid, .status = st };
	}
}

static void dispatch_pending(void)
{
	for (size_t i = 0; i < n_pending; i++)
		dispatch(pending[i].tid, pending[i].status);
	free(pending);
	pending = NULL;
	n_pending = cap_pending = 0;
}

int pfd_engine_run(int *status, bool *have_status)
{
	struct stop round[ROUND_MAX];
	int n;

	dispatch_pending();
	for (;;) {
		handle_stop_request();
		if (detach_tick) {
			detach_tick = 0;
			pfd_tcb_foreach(detach_if_stuck, NULL);
		}
		n = collect_stops(round);
		if (n == -2)
			continue; /* a signal: look at the request first */
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++)
			dispatch(round[i].tid, round[i].status);
	}
	if (stop_handled)
		detach_ticks(false);
	if (n < 0)
		return -1;
	pfd_dispatch(PFD_HOOK_FINISH, PFD_ALL_PLUGINS, &(struct pfd_hook_args){ 0 });
	pfd_slots_free_all();
	pfd_stack_shutdown();
	*status = main_status;
	*have_status = have_main_status;
	return 0;
}
