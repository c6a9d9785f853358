/* procfd-trace: command-line parsing. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/options.h"

#ifndef PFD_VERSION
#define PFD_VERSION "0.1"
#endif

static void usage(FILE *out)
{
	fputs("usage: procfd-trace [-o FILE] [--json] [--no-seccomp] -- COMMAND [ARGS...]\n"
	      "       procfd-trace [-o FILE] [--json] -p PID[,PID...] [-p PID...]\n"
	      "\n"
	      "Trace COMMAND (and every process and thread it creates) or the running\n"
	      "processes PID, and report each path syscall whose path names a\n"
	      "/proc/PID/fd/N link, with the state of the fd it names (deleted or not)\n"
	      "and how the call resolved.\n"
	      "\n"
	      "  -o, --output FILE   write the trace to FILE instead of standard error\n"
	      "  -j, --json          JSON Lines output (docs/json-schema.md)\n"
	      "  -p, --attach PID    attach to a running process and its threads\n"
	      "      --no-seccomp    stop at every syscall (PTRACE_SYSCALL), no filter\n"
	      "  -h, --help          this text\n"
	      "  -V, --version       the version\n",
	      out);
}

static int parse_pid(const char *s, pid_t *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v <= 0 || v > INT_MAX)
		return -1;
	*out = (pid_t)v;
	return 0;
}

/* -p takes one pid or a comma-separated list. */
static int add_pids(struct pfd_options *opt, const char *arg)
{
	char buf[4096];
	if (strlen(arg) >= sizeof(buf)) {
		fprintf(stderr, "procfd-trace: -p: list too long\n");
		return -1;
	}
	strcpy(buf, arg);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opt->n_attach >= PFD_MAX_ATTACH) {
			fprintf(stderr, "procfd-trace: -p: at most %d processes\n", PFD_MAX_ATTACH);
			return -1;
		}
		if (parse_pid(tok, &opt->attach[opt->n_attach]) < 0) {
			fprintf(stderr, "procfd-trace: -p: '%s' is not a process id\n", tok);
			return -1;
		}
		opt->n_attach++;
	}
	return 0;
}

enum { OPT_NO_SECCOMP = 256 };

int pfd_parse_options(int argc, char **argv, struct pfd_options *opt)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "attach", required_argument, NULL, 'p' },
		{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(opt, 0, sizeof(*opt));
	/* '+': stop at the first non-option, so COMMAND's own options are its own. */
	while ((c = getopt_long(argc, argv, "+o:jp:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': opt->output = optarg; break;
		case 'j': opt->json = true; break;
		case 'p':
			if (add_pids(opt, optarg) < 0)
				return -1;
			break;
		case OPT_NO_SECCOMP: opt->no_seccomp = true; break;
		case 'h': usage(stdout); return 1;
		case 'V': printf("procfd-trace %s\n", PFD_VERSION); return 1;
		default:
			usage(stderr);
			return -1;
		}
	}
	if (optind < argc)
		opt->command = &argv[optind];
	if (!opt->command && opt->n_attach == 0) {
		fprintf(stderr, "procfd-trace: must have a COMMAND to run or -p PID\n");
		usage(stderr);
		return -1;
	}
	return 0;
}
