/* procfd-trace: libFuzzer target for the option parser (tracer/cli/options.c),
 * with the built-in plugins pfd_plugin_procfd and pfd_plugin_leaks as the
 * candidates. Build and run: make fuzz (or make fuzz-smoke).
 *
 * The input, split at NUL bytes, is argv[1..] (argv[0] is "procfd-trace");
 * each argument is a heap block of exactly its length + 1, so ASan reports
 * a read past any of them. getopt keeps global state: optind = 0 before each
 * call reinitialises glibc's getopt completely. The parser's messages go to
 * /dev/null (stdout and stderr are swapped for the call; libFuzzer and ASan
 * keep the real stderr).
 *
 * Besides not crashing, leaking or reading out of bounds, it checks what the
 * parser promises (abort() otherwise): the result is -1, 0 or 1; on 0 there
 * is a command (pointing into argv, before its NULL) or -p pids, each in
 * 1..INT_MAX; each given plugin option is an entry of its plugin's table,
 * with an argument exactly when one is required (maybe when optional).
 * The given options are then handed to the leaks plugin's on_option, as
 * procfd-trace does, except --suppressions, which reads a file (its parser
 * has a target of its own, fuzz_supp). */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>

#include "tracer/cli/options.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

extern const struct pfd_plugin pfd_plugin_procfd;
extern const struct pfd_plugin pfd_plugin_leaks;

#define CHECK(cond)                                                                  \
	do {                                                                         \
		if (!(cond)) {                                                       \
			fprintf(real_stderr, "fuzz_options: check failed: %s (line %d)\n", \
				#cond, __LINE__);                                    \
			abort();                                                     \
		}                                                                    \
	} while (0)

#define MAX_ARGS 128

static FILE *devnull, *real_stdout, *real_stderr;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	real_stdout = stdout;
	real_stderr = stderr;
	/* PFD_FUZZ_VERBOSE=1 shows the parser's messages. */
	if (!getenv("PFD_FUZZ_VERBOSE"))
		devnull = fopen("/dev/null", "w");
	return 0;
}

static void quiet(bool on)
{
	if (!devnull)
		return;
	fflush(on ? real_stdout : devnull);
	stdout = on ? devnull : real_stdout;
	stderr = on ? devnull : real_stderr;
}

static bool in_table(const struct pfd_plugin *p, const struct pfd_option *o)
{
	for (const struct pfd_option *e = p->options; e && e->name; e++)
		if (e == o)
			return true;
	return false;
}

static void check_result(int rc, int argc, char **argv, const struct pfd_options *opt,
			 const struct pfd_plugin *const *plugins)
{
	CHECK(rc == -1 || rc == 0 || rc == 1);
	CHECK(opt->n_attach <= PFD_MAX_ATTACH);
	CHECK(opt->n_given <= PFD_MAX_PLUGIN_OPTS);
	for (unsigned i = 0; i < opt->n_attach; i++)
		CHECK(opt->attach[i] > 0 && opt->attach[i] <= INT_MAX);
	for (unsigned i = 0; i < opt->n_given; i++) {
		const struct pfd_plugin *p = opt->given[i].plugin;
		const struct pfd_option *o = opt->given[i].option;
		CHECK(p == plugins[0] || p == plugins[1]);
		CHECK(in_table(p, o));
		if (o->arg == PFD_OPT_REQUIRED)
			CHECK(opt->given[i].arg != NULL);
		if (o->arg == PFD_OPT_NO_ARG)
			CHECK(opt->given[i].arg == NULL);
	}
	if (rc != 0)
		return;
	CHECK(opt->command != NULL || opt->n_attach > 0);
	if (opt->command) {
		CHECK(opt->command > argv && opt->command < argv + argc);
		CHECK(opt->command[argc - (opt->command - argv)] == NULL);
	}
	if (opt->output)
		(void)strlen(opt->output);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct pfd_plugin *const plugins[] = { &pfd_plugin_procfd, &pfd_plugin_leaks,
							    NULL };
	static struct pfd_options opt;
	char *argv[MAX_ARGS + 2];
	int argc = 0;

	argv[argc] = strdup("procfd-trace");
	if (!argv[argc++])
		abort();
	for (size_t pos = 0; pos < size && argc <= MAX_ARGS;) {
		const uint8_t *nul = memchr(data + pos, '\0', size - pos);
		size_t len = nul ? (size_t)(nul - (data + pos)) : size - pos;
		char *arg = malloc(len + 1);
		if (!arg)
			abort();
		memcpy(arg, data + pos, len);
		arg[len] = '\0';
		argv[argc++] = arg;
		pos += len + 1;
	}
	argv[argc] = NULL;

	/* getopt may permute argv's pointers: free what was allocated. */
	char *owned[MAX_ARGS + 2];
	memcpy(owned, argv, sizeof(char *) * (size_t)argc);

	optind = 0;
	quiet(true);
	int rc = pfd_parse_options(argc, argv, plugins, &opt);
	quiet(false);
	check_result(rc, argc, argv, &opt, plugins);
	(void)pfd_plugin_enabled(&opt, &pfd_plugin_procfd);
	(void)pfd_plugin_enabled(&opt, &pfd_plugin_leaks);

	if (rc == 0) {
		quiet(true);
		for (unsigned i = 0; i < opt.n_given; i++) {
			const struct pfd_plugin *p = opt.given[i].plugin;
			const char *name = opt.given[i].option->name;
			if (!p->on_option || strcmp(name, "suppressions") == 0)
				continue;
			int r = p->on_option(name, opt.given[i].arg);
			if (r != 0 && r != -22 /* -EINVAL */) {
				quiet(false);
				CHECK(r == 0 || r == -22);
			}
		}
		quiet(false);
	}
	for (int i = 0; i < argc; i++)
		free(owned[i]);
	return 0;
}
