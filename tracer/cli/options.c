/* procfd-trace: command-line parsing. */
#include <errno.h>
#include <stdarg.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracer/cli/options.h"

#ifndef PFD_VERSION
#define PFD_VERSION "0.1"
#endif

/* The columns of the option list above: the option at 2 (a long-only one
 * at 6, under the short ones' long names), its text at 22, lines within 80
 * columns; an option too wide for its column has the text on the next line. */
#define HELP_TEXT_COL 22
#define HELP_WIDTH 80

static void usage_text(FILE *out, const char *text, int col)
{
	while (*text) {
		int room = HELP_WIDTH - HELP_TEXT_COL - 1;
		int n = (int)strlen(text);
		if (n > room) {
			n = room;
			while (n > 0 && text[n] != ' ')
				n--;
			if (n == 0)
				n = (int)strcspn(text, " ");
		}
		fprintf(out, "%*s%.*s\n", HELP_TEXT_COL - col, "", n, text);
		text += n;
		while (*text == ' ')
			text++;
		col = 0;
	}
}

static void usage_option(FILE *out, const struct pfd_option *o)
{
	char left[96];
	int col;
	snprintf(left, sizeof(left), "%s%c%s--%s%s%s%s", o->short_name ? "-" : " ",
		 o->short_name ? o->short_name : ' ', o->short_name ? ", " : "  ", o->name,
		 o->arg == PFD_OPT_OPTIONAL ? "[=" : o->arg ? "=" : "",
		 o->arg_name ? o->arg_name : "", o->arg == PFD_OPT_OPTIONAL ? "]" : "");
	col = fprintf(out, "  %s", left);
	if (col > HELP_TEXT_COL - 2) {
		fputc('\n', out);
		col = 0;
	}
	usage_text(out, o->help ? o->help : "", col);
}

static void usage(FILE *out, const struct pfd_plugin *const *plugins)
{
	fputs("usage: procfd-trace [OPTIONS] -- COMMAND [ARGS...]\n"
	      "       procfd-trace [OPTIONS] -p PID[,PID...] [-p PID...]\n"
	      "       procfd-trace [-j] [-o FILE] --explain PATH|PID...\n"
	      "\n"
	      "Trace COMMAND (and every process and thread it creates) or the running\n"
	      "processes PID, and report each path syscall whose path names a\n"
	      "/proc/PID/fd/N link, with the state of the fd it names (deleted or not)\n"
	      "and how the call resolved.\n"
	      "\n"
	      "  -o, --output FILE   write the trace to FILE instead of standard error\n"
	      "  -j, --json          JSON Lines output (docs/json-schema.md)\n"
	      "  -p, --attach PID    attach to a running process and its threads\n"
	      "  -k, --stack         a stack trace on every reported call\n"
	      "  -t                  each line starts with the time of day (-tt: with\n"
	      "                      microseconds; -ttt: seconds since the epoch)\n"
	      "  -r, --relative-timestamps\n"
	      "                      each line starts with the seconds since the previous line\n"
	      "  -T, --syscall-times the time spent in each call, \"<0.000012>\", at its end\n"
	      "  -q                  no attach/detach lines (-qq: no exec/exit lines either);\n"
	      "                      text only: JSON keeps every event\n"

	      "      --explain       trace nothing: examine each PATH (/proc/PID/fd/N, an fd\n"
	      "                      directory, a PID) as it is now, on standard output\n"
	      "      --no-seccomp    stop at every syscall (PTRACE_SYSCALL), no filter\n"
	      "      --same-cpu      run procfd-trace and COMMAND on one CPU (faster stops;\n"
	      "                      COMMAND then sees that one CPU: affinity, nproc)\n"
	      "  -h, --help          this text\n"
	      "  -V, --version       the version\n",
	      out);
	for (size_t i = 0; plugins && plugins[i]; i++) {
		if (!plugins[i]->options || !plugins[i]->options[0].name)
			continue;
		fprintf(out, "\n%s:\n", plugins[i]->name);
		for (const struct pfd_option *o = plugins[i]->options; o->name; o++)
			usage_option(out, o);
	}
}

/* A usage error is one line and a pointer to --help, as strace and the GNU
 * tools do: the whole help would bury the line that says what was wrong. */
static int __attribute__((format(printf, 1, 2))) usage_error(const char *fmt, ...)
{
	va_list ap;
	fputs("procfd-trace: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'procfd-trace --help' for more information.\n", stderr);
	return -1;
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
		return usage_error("-p: list too long");
	}
	strcpy(buf, arg);
	char *save = NULL;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (opt->n_attach >= PFD_MAX_ATTACH) {
			return usage_error("-p: at most %d processes", PFD_MAX_ATTACH);
		}
		if (parse_pid(tok, &opt->attach[opt->n_attach]) < 0) {
			return usage_error("-p: '%s' is not a process id", tok);
		}
		opt->n_attach++;
	}
	return 0;
}

enum { OPT_NO_SECCOMP = 256, OPT_EXPLAIN, OPT_SAME_CPU, OPT_PLUGIN = 512 };

/* The highest count of -t and of -q that means something (-ttt, -qq). */
#define MAX_ABSOLUTE_TIME 3
#define MAX_QUIET 2

#define MAX_LONGOPTS (16 + PFD_MAX_PLUGIN_OPTS)

static const struct option core_longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "json", no_argument, NULL, 'j' },
	{ "attach", required_argument, NULL, 'p' },
	{ "stack", no_argument, NULL, 'k' },
	{ "relative-timestamps", no_argument, NULL, 'r' },
	{ "syscall-times", no_argument, NULL, 'T' },
	{ "no-seccomp", no_argument, NULL, OPT_NO_SECCOMP },
	{ "explain", no_argument, NULL, OPT_EXPLAIN },
	{ "same-cpu", no_argument, NULL, OPT_SAME_CPU },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
};

/* The plugins' options, each numbered OPT_PLUGIN + its index in *opts. */
struct plugin_opts {
	struct option longopts[MAX_LONGOPTS + 1];
	char shortopts[64 + 2 * PFD_MAX_PLUGIN_OPTS];
	const struct pfd_plugin *owner[PFD_MAX_PLUGIN_OPTS];
	const struct pfd_option *option[PFD_MAX_PLUGIN_OPTS];
	size_t n;
};

static int build_getopt_tables(const struct pfd_plugin *const *plugins, struct plugin_opts *t)
{
	size_t nl = sizeof(core_longopts) / sizeof(core_longopts[0]);
	memcpy(t->longopts, core_longopts, sizeof(core_longopts));
	/* '+': stop at the first non-option, so COMMAND's own options are its
	 * own; ':': getopt says nothing, and tells a missing argument from an
	 * unknown option (bad_option says it in one line). */
	strcpy(t->shortopts, "+:o:jp:ktrTqhV");
	t->n = 0;
	for (size_t i = 0; plugins && plugins[i]; i++) {
		for (const struct pfd_option *o = plugins[i]->options; o && o->name; o++) {
			if (t->n == PFD_MAX_PLUGIN_OPTS)
				return -1;
			int has = o->arg == PFD_OPT_REQUIRED ? required_argument
				  : o->arg == PFD_OPT_OPTIONAL ? optional_argument : no_argument;
			int val = o->short_name ? o->short_name : OPT_PLUGIN + (int)t->n;
			t->longopts[nl++] = (struct option){ o->name, has, NULL, val };
			if (o->short_name) {
				size_t l = strlen(t->shortopts);
				t->shortopts[l++] = o->short_name;
				if (o->arg != PFD_OPT_NO_ARG)
					t->shortopts[l++] = ':';
				if (o->arg == PFD_OPT_OPTIONAL)
					t->shortopts[l++] = ':';
				t->shortopts[l] = '\0';
			}
			t->owner[t->n] = plugins[i];
			t->option[t->n++] = o;
		}
	}
	t->longopts[nl] = (struct option){ NULL, 0, NULL, 0 };
	return 0;
}

/* Which plugin option getopt returned as c, or -1. */
static int plugin_option_index(const struct plugin_opts *t, int c)
{
	if (c >= OPT_PLUGIN && (size_t)(c - OPT_PLUGIN) < t->n)
		return c - OPT_PLUGIN;
	for (size_t i = 0; i < t->n; i++)
		if (t->option[i]->short_name && t->option[i]->short_name == c)
			return (int)i;
	return -1;
}

static int note_plugin_option(struct pfd_options *opt, const struct plugin_opts *t, int i,
			      const char *arg)
{
	if (opt->n_given == PFD_MAX_PLUGIN_OPTS) {
		return usage_error("too many plugin options");
	}
	opt->given[opt->n_given].plugin = t->owner[i];
	opt->given[opt->n_given].option = t->option[i];
	opt->given[opt->n_given].arg = arg;
	opt->n_given++;
	return 0;
}

bool pfd_plugin_enabled(const struct pfd_options *opt, const struct pfd_plugin *p)
{
	if (!p->opt_in)
		return true;
	for (unsigned i = 0; i < opt->n_given; i++)
		if (opt->given[i].plugin == p && opt->given[i].option->enables)
			return true;
	return false;
}

/* -c (--summary-only, the procfd plugin's) means no trace at all, as
 * strace's -c: the engine's exec and exit lines go too (text; JSON keeps
 * those events, as -qq leaves them). */
static void summary_only_is_quiet(struct pfd_options *opt)
{
	for (unsigned i = 0; i < opt->n_given; i++)
		if (strcmp(opt->given[i].option->name, "summary-only") == 0)
			opt->quiet = MAX_QUIET;
}

/* Of the plugins' options, --explain takes --color and --only (the
 * report's colours, its problems only); the others shape a trace. */
static bool only_explain_options(const struct pfd_options *opt)
{
	for (unsigned i = 0; i < opt->n_given; i++)
		if (strcmp(opt->given[i].option->name, "color") != 0 &&
		    strcmp(opt->given[i].option->name, "only") != 0)
			return false;
	return true;
}

/* --explain traces nothing: what only tracing uses is refused, not ignored. */
static int check_explain(struct pfd_options *opt, int n_paths)
{
	if (opt->n_attach || opt->stack || opt->no_seccomp || !only_explain_options(opt) ||
	    opt->absolute_time || opt->relative_time || opt->call_duration || opt->quiet)
		return usage_error("--explain traces nothing: it takes only -o, --json, --color "
				   "and --only");
	if (n_paths == 0)
		return usage_error("--explain needs a PATH or PID to examine");
	opt->n_explain = n_paths;
	return 0;
}

/* How many long options name begins (an exact match counts alone). */
static int long_matches(const char *name, size_t len, const struct option *longopts,
			const struct option **found)
{
	int n = 0;
	*found = NULL;
	for (const struct option *o = longopts; o->name; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		*found = o;
		if (o->name[len] == '\0')
			return 1;
		n++;
	}
	return n;
}

/* getopt's '?' or ':' (opterr off) for the element elem: one line saying
 * what was wrong with it. A long option's element is always the one getopt
 * started from (no permutation: '+'), a short one's char is optopt. */
static int bad_option(int c, const char *elem, const struct option *longopts)
{
	if (strncmp(elem, "--", 2) != 0) {
		if (c == ':')
			return usage_error("option '-%c' requires an argument", optopt);
		return usage_error("unknown option '-%c'", optopt);
	}
	const char *name = elem + 2;
	size_t len = strcspn(name, "=");
	const struct option *o;
	int n = long_matches(name, len, longopts, &o);
	if (n > 1)
		return usage_error("option '--%.*s' is ambiguous", (int)len, name);
	if (n == 0)
		return usage_error("unknown option '--%.*s'", (int)len, name);
	if (c == ':')
		return usage_error("option '--%s' requires an argument", o->name);
	return usage_error("option '--%s' takes no argument", o->name);
}

int pfd_parse_options(int argc, char **argv, const struct pfd_plugin *const *plugins,
		      struct pfd_options *opt)
{
	static struct plugin_opts t;
	int c;

	memset(opt, 0, sizeof(*opt));
	if (build_getopt_tables(plugins, &t) < 0) {
		fprintf(stderr, "procfd-trace: too many plugin options\n");
		return -1;
	}
	opterr = 0; /* bad_option says it */
	for (;;) {
		int at = optind ? optind : 1; /* the element getopt looks at (0: start over) */
		c = getopt_long(argc, argv, t.shortopts, t.longopts, NULL);
		if (c == -1)
			break;
		int pi = plugin_option_index(&t, c);
		if (pi >= 0) {
			if (note_plugin_option(opt, &t, pi, optarg) < 0)
				return -1;
			continue;
		}
		switch (c) {
		case 'o': opt->output = optarg; break;
		case 'j': opt->json = true; break;
		case 'k': opt->stack = true; break;
		case 't':
			if (opt->absolute_time < MAX_ABSOLUTE_TIME)
				opt->absolute_time++;
			break;
		case 'r': opt->relative_time = true; break;
		case 'T': opt->call_duration = true; break;
		case 'q':
			if (opt->quiet < MAX_QUIET)
				opt->quiet++;
			break;
		case 'p':
			if (add_pids(opt, optarg) < 0)
				return -1;
			break;
		case OPT_NO_SECCOMP: opt->no_seccomp = true; break;
		case OPT_EXPLAIN: opt->explain = true; break;
		case OPT_SAME_CPU: opt->same_cpu = true; break;
		case 'h': usage(stdout, plugins); return 1;
		case 'V': printf("procfd-trace %s\n", PFD_VERSION); return 1;
		default:
			return bad_option(c, at < argc ? argv[at] : "", t.longopts);
		}
	}
	if (opt->relative_time && opt->absolute_time) {
		fprintf(stderr, "procfd-trace: -t has no effect with -r\n"); /* as strace says */
		opt->absolute_time = 0;
	}
	summary_only_is_quiet(opt);
	if (optind < argc)
		opt->command = &argv[optind];
	if (opt->explain)
		return check_explain(opt, argc - optind);
	if (!opt->command && opt->n_attach == 0)
		return usage_error("must have a COMMAND to run or -p PID");
	if (opt->same_cpu && !opt->command) /* an attached process's affinity is not ours */
		return usage_error("--same-cpu needs a COMMAND to run");
	return 0;
}
