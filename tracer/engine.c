/* procfd-trace: the ptrace event loop.
 *
 * wait4 -> classify the stop -> act -> resume. Every stop ends in exactly one
 * resume (or PTRACE_LISTEN), so no tracee is left stopped. A trapped call
 * costs one stop unless a plugin asks for its result; only then is the tracee
 * resumed with PTRACE_SYSCALL to take the exit stop. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sched.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracer/decode.h"
#include "tracer/engine.h"
#include "tracer/output.h"
#include "tracer/proc_status.h"
#include "tracer/proctab.h"

#define MAX_PLUGINS 8
#define MAX_SYSCALLS 64

static const struct pfd_plugin *plugins[MAX_PLUGINS + 1];
static const char *syscall_names[MAX_SYSCALLS + 1];

static pid_t main_pid;
static int main_status;
static bool have_main_status;
static unsigned default_flags; /* for a thread first seen before its parent's event */

static volatile sig_atomic_t stop_signal;
static bool stop_handled;

/* ---- setup ---------------------------------------------------------- */

static int add_syscall_name(const char *name, size_t *n)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(syscall_names[i], name) == 0)
			return 0;
	if (*n == MAX_SYSCALLS)
		return -E2BIG;
	syscall_names[(*n)++] = name;
	return 0;
}

int pfd_engine_init(const struct pfd_plugin *const *list)
{
	size_t np = 0, ns = 0;
	int rc = pfd_syscall_map_init();

	if (rc < 0)
		return rc;
	for (; list[np]; np++) {
		if (np == MAX_PLUGINS)
			return -E2BIG;
		plugins[np] = list[np];
		for (const char *const *s = list[np]->syscalls; s && *s; s++)
			if ((rc = add_syscall_name(*s, &ns)) < 0)
				return rc;
		if (list[np]->init && (rc = list[np]->init()) < 0)
			return rc;
	}
	plugins[np] = NULL;
	syscall_names[ns] = NULL;
	return 0;
}

const char *const *pfd_engine_syscalls(void)
{
	return syscall_names;
}

void pfd_engine_request_stop(int sig)
{
	if (stop_signal && sig) {
		/* Asked twice: give up now. Attached tracees are detached by the
		 * kernel when we exit; launched ones die with us (EXITKILL). */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	stop_signal = sig;
}

/* ---- small ptrace helpers ------------------------------------------- */

/* ESRCH means the tracee died under us (SIGKILL): its exit is still to come
 * through wait4, so it is not an error here. */
static void ptrace_or_warn(int request, pid_t tid, unsigned long data, const char *what)
{
	if (ptrace(request, tid, 0L, data) < 0 && errno != ESRCH)
		fprintf(stderr, "procfd-trace: %s %d: %s\n", what, tid, strerror(errno));
}

static void resume(struct tcb *t, int sig)
{
	bool want_stops = (t->flags & TCB_IN_CALL) || !(t->flags & TCB_SECCOMP);
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

static pid_t tcb_tgid(struct tcb *t)
{
	if (!t->tgid) {
		struct pfd_proc_status st;
		t->tgid = pfd_read_proc_status(t->tid, &st) == 0 && st.tgid ? st.tgid : t->tid;
	}
	return t->tgid;
}

/* ---- plugins and output --------------------------------------------- */

static void emit_proc_event(const struct pfd_proc_event *pe)
{
	for (size_t i = 0; plugins[i]; i++)
		if (plugins[i]->on_proc_event)
			plugins[i]->on_proc_event(pe);
	pfd_output_proc(pe);
}

/* Complete a reported call, finished or not, and write it. */
static void finish_call(struct tcb *t)
{
	for (size_t i = 0; plugins[i]; i++)
		if (plugins[i]->on_exit)
			plugins[i]->on_exit(t->ev);
	pfd_output_syscall(t->ev);
	t->flags &= ~TCB_IN_CALL;
}

/* A call interrupted by a signal exits with a kernel-internal ERESTART* code
 * that the program never sees: the kernel either runs the call again, which
 * reaches us as a new entry with the same arguments, or returns EINTR. So the
 * event is held until the thread's next trapped call tells which. */
static bool is_restart_code(int64_t rval)
{
	return rval <= -512 && rval >= -516;
}

static bool same_call(const struct pfd_syscall_event *ev, const struct pfd_syscall_desc *sc,
		      const uint64_t args[6])
{
	return ev->sc == sc && memcmp(ev->args, args, sizeof(ev->args)) == 0;
}

/* At a trapped entry: drop the held event if this is its restart, or report
 * it with the EINTR the program got. (A path call made by the signal handler
 * itself before the restart would be taken for "EINTR": a known limit.) */
static void settle_held_call(struct tcb *t, const struct pfd_syscall_desc *sc,
			     const uint64_t args[6])
{
	t->flags &= ~TCB_RESTARTING;
	if (same_call(t->ev, sc, args))
		return;
	pfd_decode_exit(t->ev, -EINTR, true);
	finish_call(t);
}

/* The thread ends (or is let go) with a call still open: report it unfinished. */
static void finish_open_call(struct tcb *t)
{
	if (t->flags & TCB_RESTARTING) {
		t->flags &= ~TCB_RESTARTING;
		t->ev->finished = false;
		finish_call(t);
	} else if (t->flags & TCB_IN_CALL) {
		finish_call(t);
	}
}

/* ---- tracee records ------------------------------------------------- */

static struct tcb *add_tracee(pid_t tid, unsigned flags, pid_t tgid)
{
	struct tcb *t = pfd_tcb_add(tid);
	if (!t) {
		fprintf(stderr, "procfd-trace: out of memory tracking %d\n", tid);
		exit(1); /* EXITKILL ends the tracees with us */
	}
	t->flags = flags;
	t->tgid = tgid;
	return t;
}

/* A thread whose first stop arrived before its parent's clone event: it
 * inherits the mode of its thread group or parent if we trace them. */
static struct tcb *adopt_unknown(pid_t tid)
{
	struct pfd_proc_status st = { 0 };
	pfd_read_proc_status(tid, &st);
	struct tcb *rel = (st.tgid && st.tgid != tid) ? pfd_tcb_find(st.tgid) : NULL;
	if (!rel && st.ppid)
		rel = pfd_tcb_find(st.ppid);
	/* No relative known: ours if we launched a command, else attached. */
	unsigned flags = rel ? rel->flags & (TCB_SECCOMP | TCB_ATTACHED)
			     : main_pid ? default_flags : TCB_ATTACHED;
	return add_tracee(tid, flags, st.tgid);
}

int pfd_engine_adopt_child(pid_t pid, bool with_filter)
{
	main_pid = pid;
	default_flags = with_filter ? TCB_SECCOMP : 0;
	add_tracee(pid, default_flags | TCB_HIDE, pid);
	return 0;
}

/* ---- syscall stops -------------------------------------------------- */

static void syscall_entry(struct tcb *t, const struct pfd_syscall_desc *sc, uint32_t arch,
			  uint64_t nr, const uint64_t args[6])
{
	struct pfd_syscall_event *ev;
	unsigned verdict = PFD_PASS;

	if (sc && (t->flags & TCB_RESTARTING))
		settle_held_call(t, sc, args);
	if (!sc || (t->flags & TCB_HIDE) || !(ev = pfd_tcb_event(t))) {
		resume(t, 0);
		return;
	}
	pfd_decode_entry(ev, tcb_tgid(t), t->tid, sc, arch, nr, args);
	for (size_t i = 0; plugins[i]; i++)
		if (plugins[i]->on_enter)
			verdict |= plugins[i]->on_enter(ev);
	if (verdict & PFD_WANT_EXIT)
		t->flags |= TCB_IN_CALL;
	resume(t, 0);
}

static void syscall_exit(struct tcb *t, int64_t rval, bool is_error)
{
	if (t->flags & TCB_IN_CALL) {
		pfd_decode_exit(t->ev, rval, is_error);
		if (is_error && is_restart_code(rval))
			t->flags = (t->flags & ~TCB_IN_CALL) | TCB_RESTARTING;
		else
			finish_call(t);
	}
	resume(t, 0);
}

/* Linux 5.3+. Older kernels answer EIO: say so once rather than trace
 * nothing in silence. (ESRCH: the tracee was killed under us.) */
static bool get_syscall_info(struct tcb *t, struct __ptrace_syscall_info *info)
{
	static bool warned;
	long n = ptrace(PTRACE_GET_SYSCALL_INFO, t->tid, (void *)sizeof(*info), info);
	if (n < 0 && errno != ESRCH && !warned) {
		warned = true;
		fprintf(stderr, "procfd-trace: PTRACE_GET_SYSCALL_INFO failed (%s): "
				"Linux 5.3 or later is needed to decode syscalls\n", strerror(errno));
	}
	return n > 0;
}

/* Without our filter the thread also stops at syscall entry, which comes
 * first (kernel >= 4.8): a seccomp stop then is some other filter's
 * SECCOMP_RET_TRACE and the call was already seen. The descriptor comes from
 * (arch, nr), not from the filter's data: a filter the tracee installs
 * itself may return RET_TRACE with data of its own. */
static void on_seccomp_stop(struct tcb *t)
{
	struct __ptrace_syscall_info info;

	if (!(t->flags & TCB_SECCOMP) || !get_syscall_info(t, &info) ||
	    info.op != PTRACE_SYSCALL_INFO_SECCOMP) {
		resume(t, 0);
		return;
	}
	syscall_entry(t, pfd_syscall_lookup(info.arch, info.seccomp.nr), info.arch,
		      info.seccomp.nr, info.seccomp.args);
}

static void on_syscall_stop(struct tcb *t)
{
	struct __ptrace_syscall_info info;

	if (!get_syscall_info(t, &info)) {
		resume(t, 0);
		return;
	}
	if (info.op == PTRACE_SYSCALL_INFO_ENTRY)
		syscall_entry(t, pfd_syscall_lookup(info.arch, info.entry.nr), info.arch,
			      info.entry.nr, info.entry.args);
	else if (info.op == PTRACE_SYSCALL_INFO_EXIT)
		syscall_exit(t, info.exit.rval, info.exit.is_error);
	else
		resume(t, 0);
}

/* ---- process events ------------------------------------------------- */

static void on_new_child(struct tcb *t, unsigned event)
{
	pid_t child = (pid_t)event_msg(t->tid);
	unsigned flags = t->flags & (TCB_SECCOMP | TCB_ATTACHED);

	if (child > 0) {
		struct tcb *c = pfd_tcb_find(child);
		if (!c)
			c = add_tracee(child, flags, event == PTRACE_EVENT_CLONE ? 0 : child);
		else /* its first stop came first: now we know its parent */
			c->flags = (c->flags & ~(TCB_SECCOMP | TCB_ATTACHED)) | flags;
		/* clone makes a thread or a process: ask now, while /proc/<tid>
		 * exists; at its exit it will be gone and the exit event needs it. */
		tcb_tgid(c);
	}
	resume(t, 0);
}

static void read_exe(pid_t pid, char *buf, size_t size)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/exe", pid);
	ssize_t n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* After execve the caller has the thread group leader's tid. If a non-leader
 * thread exec'd, its record moves to that tid and the old leader's record,
 * which will never report an exit, goes. */
static struct tcb *switch_after_exec(struct tcb *t, pid_t old_tid)
{
	struct tcb *execer = old_tid > 0 && old_tid != t->tid ? pfd_tcb_find(old_tid) : NULL;
	if (!execer)
		return t;
	finish_open_call(t); /* the leader died inside a call: unfinished */
	pid_t tid = t->tid;
	pfd_tcb_drop(t);
	pfd_tcb_rekey(execer, tid);
	return execer;
}

static void on_exec(struct tcb *t)
{
	struct pfd_proc_event pe = { .kind = PFD_PROC_EXEC };
	pid_t old_tid = (pid_t)event_msg(t->tid);

	t = switch_after_exec(t, old_tid);
	t->flags &= ~TCB_HIDE;
	t->tgid = t->tid;
	pe.pid = pe.tid = t->tid;
	pe.old_tid = old_tid > 0 ? old_tid : t->tid;
	read_exe(t->tid, pe.exe, sizeof(pe.exe));
	emit_proc_event(&pe);
	resume(t, 0);
}

static void on_exited(struct tcb *t, int status)
{
	struct pfd_proc_event pe = { 0 };

	finish_open_call(t); /* killed inside the call: report it unfinished */
	pe.pid = tcb_tgid(t);
	pe.tid = t->tid;
	pe.leader = pe.pid == pe.tid;
	if (WIFEXITED(status)) {
		pe.kind = PFD_PROC_EXIT;
		pe.status = WEXITSTATUS(status);
	} else {
		pe.kind = PFD_PROC_KILLED;
		pe.status = WTERMSIG(status);
		pe.core_dumped = WCOREDUMP(status);
	}
	if (!(t->flags & TCB_HIDE))
		emit_proc_event(&pe);
	if (t->tid == main_pid) {
		main_status = status;
		have_main_status = true;
	}
	pfd_tcb_drop(t);
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

/* A tracee we were asked to let go of has stopped: finish its call if this is
 * the exit stop, hand back a signal it was about to get, and detach. A process
 * in a group-stop stays stopped, as it would have without us. */
static void detach_stopped(struct tcb *t, int status)
{
	int sig = WSTOPSIG(status);
	unsigned event = (unsigned)status >> 16;
	struct __ptrace_syscall_info info;

	if ((t->flags & TCB_IN_CALL) && event == 0 && sig == (SIGTRAP | 0x80) &&
	    get_syscall_info(t, &info) && info.op == PTRACE_SYSCALL_INFO_EXIT &&
	    !(info.exit.is_error && is_restart_code(info.exit.rval)))
		pfd_decode_exit(t->ev, info.exit.rval, info.exit.is_error);
	finish_open_call(t);
	bool delivery = event == 0 && sig != (SIGTRAP | 0x80);
	ptrace_or_warn(PTRACE_DETACH, t->tid, delivery ? (unsigned long)sig : 0, "detach");
	pfd_tcb_drop(t);
}

static void on_stopped(struct tcb *t, int status)
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
	case PTRACE_EVENT_STOP:
		/* A group-stop: stay stopped until SIGCONT, as job control expects.
		 * Otherwise an attach or interrupt stop: just go on. */
		if (is_stop_signal(sig))
			ptrace_or_warn(PTRACE_LISTEN, t->tid, 0, "listen");
		else
			resume(t, 0);
		break;
	default: /* PTRACE_EVENT_EXIT, VFORK_DONE */
		resume(t, 0);
		break;
	}
}

/* ---- the loop ------------------------------------------------------- */

static void dispatch(pid_t tid, int status)
{
	struct tcb *t = pfd_tcb_find(tid);

	if (!t) {
		if (!WIFSTOPPED(status))
			return; /* not ours (a pre-seize child of a tracee) */
		t = adopt_unknown(tid);
	}
	if (WIFEXITED(status) || WIFSIGNALED(status))
		on_exited(t, status);
	else if (WIFSTOPPED(status))
		on_stopped(t, status);
}

static void interrupt_attached(struct tcb *t, void *arg)
{
	(void)arg;
	if (!(t->flags & TCB_ATTACHED) || (t->flags & TCB_DETACHING))
		return;
	t->flags |= TCB_DETACHING;
	/* Also wakes a tracee we left in PTRACE_LISTEN. */
	ptrace(PTRACE_INTERRUPT, t->tid, 0L, 0L);
}

/* SIGINT/SIGTERM/SIGHUP: attached processes are interrupted and detached at
 * their next stop, and go on running unharmed. The command we launched gets
 * the signal once, and we keep tracing it, so its end is reported and no
 * event is lost; a second signal ends procfd-trace (PTRACE_O_EXITKILL then
 * kills what it launched). */
static void handle_stop_request(void)
{
	if (!stop_signal || stop_handled)
		return;
	stop_handled = true;
	pfd_tcb_foreach(interrupt_attached, NULL);
	if (main_pid > 0 && !have_main_status) /* reaped: the pid may be reused */
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

/* Returns how many stops were collected; 0 when no tracee is left; -1 on error. */
/* Most of a stop's cost here is the scheduler waking a sleeping tracer on
 * the other CPU (../shared/DESIGN.md). A tracee that makes trapped calls in
 * quick succession stops again within microseconds of being resumed, so the
 * tracer first polls for a short while and only then sleeps: measured on
 * the 2-core VMs, a trapped call went from ~50 to ~18 us. A poll that
 * finds nothing backs off for SPIN_BACKOFF rounds, so a tracee that runs
 * long between stops costs little CPU; with one CPU the poll would only
 * keep the tracee from running, so it is off. Nothing the tracee sees
 * changes (no pinning). */
#define SPIN_NS 30000u
#define SPIN_BACKOFF 16u

static uint64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool spinning_helps(void)
{
	static int cpus = -1;
	if (cpus < 0) {
		cpu_set_t set;
		cpus = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;
	}
	return cpus > 1;
}

/* A stop that arrives within SPIN_NS, or 0. */
static pid_t spin_wait(int *status)
{
	static unsigned backoff;
	if (backoff) {
		backoff--;
		return 0;
	}
	if (!spinning_helps())
		return 0;
	uint64_t end = now_ns() + SPIN_NS;
	do {
		pid_t tid = wait4(-1, status, __WALL | WNOHANG, NULL);
		if (tid != 0)
			return tid > 0 ? tid : 0; /* an error is seen by the blocking wait */
	} while (now_ns() < end);
	backoff = SPIN_BACKOFF;
	return 0;
}

static int collect_stops(struct stop *round)
{
	int n = 0;
	pid_t first = spin_wait(&round[0].status);
	if (first > 0)
		round[n++].tid = first;
	for (;;) {
		pid_t tid = wait4(-1, &round[n].status, __WALL | (n ? WNOHANG : 0), NULL);
		if (tid > 0) {
			round[n++].tid = tid;
			if (n == ROUND_MAX)
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

int pfd_engine_run(int *status, bool *have_status)
{
	struct stop round[ROUND_MAX];
	int n;

	for (;;) {
		handle_stop_request();
		n = collect_stops(round);
		if (n == -2)
			continue; /* a signal: look at the request first */
		if (n <= 0)
			break;
		for (int i = 0; i < n; i++)
			dispatch(round[i].tid, round[i].status);
	}
	if (n < 0)
		return -1;
	for (size_t i = 0; plugins[i]; i++)
		if (plugins[i]->on_finish)
			plugins[i]->on_finish();
	*status = main_status;
	*have_status = have_main_status;
	return 0;
}
