/* procfd-trace: what a stack capture and a symbolization cost.
 *
 * The child (this program, forked) calls level1 -> level2 -> level3 ->
 * getppid() in a loop: at the getppid entry stop its stack is 8 deep
 * (getppid, level3, level2, level1, main, __libc_start_call_main,
 * __libc_start_main, _start), built -O2 like the rest of the tree. The parent
 * traces it with PTRACE_SYSCALL and times pfd_stack_capture at each entry
 * stop (the page cache starts empty at every capture, as in a real trace),
 * then pfd_stack_frame, cold and then cached. Only the tracer's own work
 * is timed: the stops themselves are not.
 *
 *   make build/bench/stack_capture && build/bench/stack_capture [stops]
 */
#include <errno.h>
#include <inttypes.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tracer/stack/stack.h"
#include "tracer/stack/unwind.h"

#define SAME_STOP_REPEATS 2000
#define WARM_SYMBOLIZE_ROUNDS 2000

/* ---- the tracee ---------------------------------------------------------- */

static volatile pid_t sink;

__attribute__((noinline)) static void level3(void)
{
	sink = getppid();
	asm volatile("");
}

__attribute__((noinline)) static void level2(void)
{
	level3();
	asm volatile("");
}

__attribute__((noinline)) static void level1(void)
{
	level2();
	asm volatile("");
}

static void tracee(void)
{
	ptrace(PTRACE_TRACEME, 0, NULL, NULL);
	raise(SIGSTOP);
	for (;;)
		level1();
}

/* ---- timing ---------------------------------------------------------------- */

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static void report(const char *what, double *t, size_t n)
{
	qsort(t, n, sizeof(*t), cmp_double);
	printf("%-44s median %7.2f us  p10 %7.2f  p90 %7.2f  (n=%zu)\n", what, t[n / 2],
	       t[n / 10], t[n * 9 / 10], n);
}

/* ---- the tracer ------------------------------------------------------------ */

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* Run the child to its next getppid entry stop. */
static void next_getppid_entry(pid_t pid)
{
	for (;;) {
		int status;
		if (ptrace(PTRACE_SYSCALL, pid, NULL, NULL) < 0)
			die("PTRACE_SYSCALL");
		if (waitpid(pid, &status, 0) != pid || !WIFSTOPPED(status))
			die("waitpid");
		if (WSTOPSIG(status) != (SIGTRAP | 0x80))
			continue;
		struct user_regs_struct regs;
		if (ptrace(PTRACE_GETREGS, pid, NULL, &regs) < 0)
			die("PTRACE_GETREGS");
		/* entry stops have rax = -ENOSYS; exit stops the result */
		if (regs.orig_rax == SYS_getppid && (long)regs.rax == -ENOSYS)
			return;
	}
}

static const struct pfd_stack *capture(pid_t pid, double *us)
{
	int err;
	double t0 = now_us();
	const struct pfd_stack *s = pfd_stack_capture(pid, pid, AUDIT_ARCH_X86_64, &err);
	*us = now_us() - t0;
	if (!s) {
		fprintf(stderr, "capture: %s\n", strerror(-err));
		exit(1);
	}
	return s;
}

static void print_stack(const struct pfd_stack *s, const double *cold_us)
{
	for (size_t i = 0; i < pfd_stack_depth(s); i++) {
		struct pfd_frame f;
		pfd_stack_frame(s, i, &f);
		printf("  #%zu %-24s %s:%u  (first lookup %.0f us)\n", i,
		       f.function ? f.function : "?", f.file ? f.file : "?", f.line, cold_us[i]);
	}
}

int main(int argc, char **argv)
{
	size_t stops = argc > 1 ? strtoul(argv[1], NULL, 10) : 5000;
	if (stops < 10)
		stops = 10;
	pid_t pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		tracee();
		_exit(0);
	}
	int status;
	if (waitpid(pid, &status, 0) != pid)
		die("waitpid");
	if (ptrace(PTRACE_SETOPTIONS, pid, NULL,
		   (void *)(uintptr_t)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)) < 0)
		die("PTRACE_SETOPTIONS");
	pfd_stack_init();

	double first_us, *t = calloc(stops > SAME_STOP_REPEATS ? stops : SAME_STOP_REPEATS,
				     sizeof(*t));
	next_getppid_entry(pid);
	const struct pfd_stack *s = capture(pid, &first_us);
	size_t depth = pfd_stack_depth(s);
	printf("stack depth %zu; first capture (new image: maps read, every ip new to "
	       "libunwind) %.0f us\n", depth, first_us);

	for (size_t i = 0; i < stops; i++) {
		next_getppid_entry(pid);
		if (capture(pid, &t[i]) != s) {
			fprintf(stderr, "stop %zu gave another stack\n", i);
			return 1;
		}
	}
	report("capture, one per getppid entry stop", t, stops);
	for (size_t i = 0; i < SAME_STOP_REPEATS; i++)
		capture(pid, &t[i]);
	report("capture, repeated at one stop", t, SAME_STOP_REPEATS);

	double cold[PFD_STACK_MAX_FRAMES];
	for (size_t i = 0; i < depth; i++) {
		struct pfd_frame f;
		double t0 = now_us();
		pfd_stack_frame(s, i, &f);
		cold[i] = now_us() - t0;
	}
	print_stack(s, cold);
	double total = 0;
	for (size_t i = 0; i < depth; i++)
		total += cold[i];
	printf("%-44s %7.0f us for %zu frames (opens each file, libc's debug info)\n",
	       "symbolize, first time", total, depth);
	for (size_t r = 0; r < WARM_SYMBOLIZE_ROUNDS; r++) {
		double t0 = now_us();
		for (size_t i = 0; i < depth; i++) {
			struct pfd_frame f;
			pfd_stack_frame(s, i, &f);
		}
		t[r] = (now_us() - t0) / (double)depth;
	}
	report("symbolize, cached, per frame", t, WARM_SYMBOLIZE_ROUNDS);

	struct pfd_unwind_stats st;
	pfd_unwind_get_stats(&st);
	printf("page reads per capture: %.2f, PEEKDATA words: %" PRIu64 ", replayed walks: "
	       "%.0f%%\n", (double)st.page_reads / (double)st.captures, st.peek_words,
	       100.0 * (double)st.memo_hits / (double)st.captures);
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	pfd_stack_shutdown();
	free(t);
	return 0;
}
