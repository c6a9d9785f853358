/* procfd-trace: the whole run. Options, output, plugins, launch, trace, exit
 * as the traced command did. main() (tracer/cli/main.c) only picks the plugins. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/ptrace.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "filters/seccomp_filter.h"
#include "procfd/main.h"
#include "procfd/plugin.h"
#include "tracer/engine/waiting.h"
#include "tracer/engine/attach.h"
#include "tracer/engine/core_events.h"
#include "tracer/engine/engine.h"
#include "tracer/explain/explain.h"
#include "tracer/engine/launch.h"
#include "tracer/cli/options.h"
#include "tracer/plugins/builtin.h"
#include "tracer/output/output.h"

static void on_stop_signal(int sig, siginfo_t *si, void *ctx)
{
	(void)ctx;
	pfd_engine_request_stop(sig, si->si_pid, si->si_code);
}

/* With a command only, the terminal's SIGINT and SIGQUIT reach the whole
 * foreground group: the command gets them too and decides, and we keep
 * tracing to report its end. SIGTERM and SIGHUP sent to us by a process
 * outside the trace are passed on; sent to the command's process group
 * (by the command itself, or the terminal's hangup) they reached the
 * command already, and we trace on (engine.c). With -p, any of them sent
 * to us detaches. No SA_RESTART: wait4 returns and the loop sees the
 * request. Set before attaching, so that a signal during the attach is
 * kept too; a command forked later gets the default actions back at
 * exec. */
/* The default-fatal signals other than the stop signals that a command may
 * send its own group (kill(0, SIGUSR1) with the signal ignored or handled):
 * we must not die of them. Not the synchronous ones (SEGV, BUS, FPE, ILL,
 * ABRT, TRAP, SYS: our own faults), nor XCPU and XFSZ (our own limits). */
static void catch_passed_signals(void)
{
	static const int sigs[] = { SIGUSR1, SIGUSR2, SIGALRM, SIGVTALRM, SIGPROF, SIGIO,
				    SIGSTKFLT, SIGPWR };
	struct sigaction sa = { 0 };
	sigfillset(&sa.sa_mask); /* the ring of engine.c: one writer at a time */
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_stop_signal;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
	for (int sig = SIGRTMIN; sig <= SIGRTMAX; sig++)
		sigaction(sig, &sa, NULL);
}

static void catch_stop_signals(bool attached)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };
	struct sigaction sa = { 0 };
	sigfillset(&sa.sa_mask); /* one handler at a time */
	sa.sa_flags = SA_SIGINFO;
	sa.sa_sigaction = on_stop_signal;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		bool terminal = sigs[i] == SIGINT || sigs[i] == SIGQUIT;
		if (terminal && !attached) {
			struct sigaction ign = { .sa_handler = SIG_IGN };
			sigaction(sigs[i], &ign, NULL);
		} else {
			sigaction(sigs[i], &sa, NULL);
		}
	}
}

/* A reader of -o that goes away must not kill us, and with us (EXITKILL)
 * the command: the write error is reported at the end instead. Set after
 * the fork: the command keeps its own disposition. */
static void ignore_sigpipe(void)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	sigemptyset(&sa.sa_mask);
	sigaction(SIGPIPE, &sa, NULL);
}

/* Die of the command's signal, without a core dump of our own, as a shell
 * would see the command die; 128 + signal if the signal cannot kill us. */
static void exit_like_signal(int sig)
{
	struct rlimit no_core = { 0, 0 };
	sigset_t set;

	setrlimit(RLIMIT_CORE, &no_core);
	signal(sig, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	exit(128 + sig);
}

static unsigned long trace_options(void)
{
	return PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEEXEC | PTRACE_O_TRACEEXIT |
	       PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE |
	       PTRACE_O_TRACESECCOMP;
}

/* A filtered tracee left without us would get ENOSYS for every trapped call:
 * what we launch must not outlive the tracer. */
static unsigned long launch_options(void)
{
	return trace_options() | PTRACE_O_EXITKILL;
}

/* The plugins' syscalls as a BPF program, or false (with a notice) when no
 * filter is to be used. */
static bool build_filter(const struct pfd_options *opt, struct pfd_bpf *bpf)
{
	scmp_filter_ctx ctx = NULL;
	if (opt->no_seccomp)
		return false;
	int rc = pfd_filter_build(pfd_engine_traps(), &ctx);
	if (rc == 0) {
		rc = pfd_filter_export(ctx, bpf);
		seccomp_release(ctx);
	}
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: cannot build the seccomp filter (%s): "
				"stopping at every syscall instead\n", strerror(-rc));
		return false;
	}
	return true;
}

/* --same-cpu: a stop is a wake-up of the other party, and on these VMs a
 * wake-up across CPUs costs several times one on the same CPU
 * (../shared/DESIGN.md). Pinning ourselves before the fork pins COMMAND
 * too (it inherits the mask), which it can see, so it is said. */
static void pin_to_one_cpu(void)
{
	int cpu = sched_getcpu();
	cpu_set_t set;
	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	if (cpu < 0 || sched_setaffinity(0, sizeof(set), &set) < 0) {
		fprintf(stderr, "procfd-trace: --same-cpu: cannot pin to a CPU (%s): "
				"running unpinned\n", strerror(errno));
		return;
	}
	pfd_wait_never_poll(); /* a poll would only keep the command off its CPU */
	fprintf(stderr, "procfd-trace: --same-cpu: procfd-trace and the command run on "
			"CPU %d only (the command sees 1 CPU)\n", cpu);
}

static pid_t start_command(const struct pfd_options *opt, const char *path)
{
	if (opt->same_cpu)
		pin_to_one_cpu();
	struct pfd_bpf bpf = { 0 };
	bool with_filter = build_filter(opt, &bpf);
	bool filtered = false;
	pid_t pid = pfd_launch(path, opt->command, with_filter ? &bpf : NULL, launch_options(),
			       &filtered);
	pfd_bpf_free(&bpf);
	if (pid > 0)
		pfd_engine_adopt_child(pid, filtered);
	return pid;
}

/* Returns how many of the -p processes could not be attached. */
static unsigned attach_all(const struct pfd_options *opt)
{
	unsigned failed = 0;
	for (unsigned i = 0; i < opt->n_attach; i++)
		if (pfd_attach_process(opt->attach[i], trace_options()) < 0)
			failed++;
	return failed;
}

/* pfd_request_exit_code: what a plugin asks the run to end with. */
static int requested_exit;

void pfd_request_exit_code(int code)
{
	requested_exit = code;
}

/* The command succeeded: a plugin may still want CI to fail. */
static int success_status(void)
{
	return requested_exit;
}

static int run(const struct pfd_options *opt)
{
	char path[4096];

	if (opt->command) {
		int rc = pfd_resolve_command(opt->command[0], path, sizeof(path));
		if (rc)
			return rc;
	}
	if (opt->n_attach) {
		catch_stop_signals(true);
		catch_passed_signals();
	}
	unsigned failed = attach_all(opt);
	if (!opt->command && failed == opt->n_attach)
		return 1; /* nothing to trace */
	if (opt->command && start_command(opt, path) < 0)
		return 1;
	catch_stop_signals(opt->n_attach > 0);
	catch_passed_signals();
	ignore_sigpipe();

	int status = 0;
	bool have_status = false;
	if (pfd_engine_run(&status, &have_status) < 0)
		return 1;
	int rc = pfd_output_close();
	if (rc < 0)
		fprintf(stderr, "procfd-trace: the trace in %s is incomplete: %lu events could not "
				"be written (%s)\n", pfd_output_name(), pfd_output_lost(), strerror(-rc));
	if (!opt->command)
		return failed || rc < 0 ? 1 : success_status();
	if (!have_status)
		return 1;
	if (WIFSIGNALED(status))
		exit_like_signal(WTERMSIG(status));
	/* A failed command's status says more than our trouble; a command that
	 * succeeded with its trace cut must not look like a clean run. */
	if (WEXITSTATUS(status))
		return WEXITSTATUS(status);
	return rc < 0 ? PFD_EXIT_OUTPUT : success_status();
}

/* With fd 0, 1 or 2 closed at start, the next open would take its number:
 * the -o file as fd 2 gets our diagnostics in the JSON. /dev/null fills
 * each gap first. O_CLOEXEC: the command still starts with the fds closed,
 * as the user gave them. */
static void fill_closed_std_fds(void)
{
	for (int fd = 0; fd <= STDERR_FILENO; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int got = open("/dev/null", O_RDWR | O_CLOEXEC);
		if (got >= 0 && got != fd) { /* cannot happen: fd was the lowest free */
			dup3(got, fd, O_CLOEXEC);
			close(got);
		}
	}
}

static size_t count_plugins(const struct pfd_plugin *const *list)
{
	size_t n = 0;
	while (list && list[n])
		n++;
	return n;
}

/* The built-in plugins, then the extra ones: the candidates for options.
 * -E2BIG, after saying so, when the extra ones do not fit: a plugin left
 * out silently would look like a plugin that found nothing. */
static int candidates(const struct pfd_plugin *const *extra, const struct pfd_plugin **out)
{
	static const struct pfd_plugin *const builtin[] = {
		&pfd_plugin_procfd, &pfd_plugin_leaks, &pfd_plugin_untraced, &pfd_plugin_uffd,
		&pfd_plugin_own_filter, NULL,
	};
	_Static_assert(sizeof(builtin) / sizeof(builtin[0]) == PFD_BUILTIN_PLUGINS + 1,
		       "PFD_BUILTIN_PLUGINS counts the built-in plugins");
	size_t n_extra = count_plugins(extra);
	if (n_extra > PFD_MAX_EXTRA_PLUGINS) {
		fprintf(stderr, "procfd-trace: %zu extra plugins given, at most %d fit "
			"(PFD_MAX_PLUGINS %d, %d of them built in)\n", n_extra,
			PFD_MAX_EXTRA_PLUGINS, PFD_MAX_PLUGINS, PFD_BUILTIN_PLUGINS);
		return -E2BIG;
	}
	size_t n = 0;
	for (size_t i = 0; builtin[i]; i++)
		out[n++] = builtin[i];
	for (size_t i = 0; i < n_extra; i++)
		out[n++] = extra[i];
	out[n] = NULL;
	return 0;
}

/* Hand each plugin its options, and keep the plugins that run. */
static int configure_plugins(const struct pfd_options *opt, const struct pfd_plugin **list)
{
	size_t kept = 0;
	for (unsigned i = 0; i < opt->n_given; i++) {
		const struct pfd_plugin *p = opt->given[i].plugin;
		if (p->on_option && p->on_option(opt->given[i].option->name, opt->given[i].arg) < 0)
			return -1;
	}
	for (size_t i = 0; list[i]; i++)
		if (pfd_plugin_enabled(opt, list[i]))
			list[kept++] = list[i];
	list[kept] = NULL;
	return 0;
}

/* --explain's --color and --only, as given (the last of each wins). */
static int explain_options(const struct pfd_options *opt)
{
	bool color_given = false;
	const char *color = NULL, *only = NULL;
	for (unsigned i = 0; i < opt->n_given; i++) {
		if (strcmp(opt->given[i].option->name, "color") == 0) {
			color_given = true;
			color = opt->given[i].arg;
		} else if (strcmp(opt->given[i].option->name, "only") == 0) {
			only = opt->given[i].arg;
		}
	}
	if (pfd_explain_options(color_given, color, only) < 0) {
		fputs("Try 'procfd-trace --help' for more information.\n", stderr);
		return -1;
	}
	return 0;
}

/* --explain: no plugin, no engine; the report goes to stdout unless -o. */
static int explain(const struct pfd_options *opt)
{
	if (explain_options(opt) < 0)
		return PFD_EXIT_USAGE;
	int rc = opt->output ? pfd_output_open(opt->output, opt->json)
			     : pfd_output_use_fd(STDOUT_FILENO, opt->json);
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: cannot write %s: %s\n", opt->output, strerror(-rc));
		return PFD_EXIT_USAGE;
	}
	int status = pfd_explain_main(opt->command, opt->n_explain,
				      opt->output ? pfd_output_fd() : -1);
	rc = pfd_output_close();
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: writing the report failed: %s\n", strerror(-rc));
		return status ? status : 1;
	}
	return status;
}

int pfd_main(int argc, char **argv, const struct pfd_plugin *const *extra)
{
	static struct pfd_options opt;
	const struct pfd_plugin *plugins[PFD_MAX_PLUGINS + 1];
	fill_closed_std_fds(); /* before anything opens a file */
	if (candidates(extra, plugins) < 0)
		return PFD_EXIT_USAGE;
	int rc = pfd_parse_options(argc, argv, plugins, &opt);
	if (rc != 0)
		return rc > 0 ? 0 : PFD_EXIT_USAGE;
	if (opt.explain)
		return explain(&opt);
	if (configure_plugins(&opt, plugins) < 0)
		return PFD_EXIT_USAGE;
	rc = pfd_output_open(opt.output, opt.json);
	if (rc < 0) {
		fprintf(stderr, "procfd-trace: cannot write %s: %s\n", opt.output, strerror(-rc));
		return PFD_EXIT_USAGE;
	}
	pfd_core_events_configure(opt.quiet, opt.call_duration, opt.absolute_time,
				  opt.relative_time);
	pfd_engine_set_stacks(opt.stack);
	if (pfd_engine_init(plugins) < 0)
		return 1; /* the engine said why */
	return run(&opt);
}
