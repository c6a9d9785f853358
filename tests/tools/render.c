/* procfd-render: a JSON Lines trace of procfd-trace rendered as its text,
 * through the same event model and text layouts the tracer uses
 * (tracer/output/event_json.c reads each event back). Built for the tests
 * (build/tests/procfd-render); tests/integration/render_tool.py compares it
 * with a text run.
 *
 *   procfd-render [-q|-qq] [-T] [-t|-tt|-ttt] [-r] [FILE.jsonl]
 *
 * The options are procfd-trace's that change the text and not the JSON.
 * Kinds no layout knows get the default layout; the leak report and the
 * procfd plugin's call annotations, whose text is still written beside
 * their fields, cannot be rendered back whole (their fields show in the
 * default layout). The end-of-run events have no time field: -t shows
 * them at the time of the event before. A line that is no event of ours
 * is said on stderr and skipped; the status is then 1. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/engine/core_events.h"
#include "tracer/output/event_impl.h"
#include "tracer/plugins/leaks/leaks_impl.h"
#include "tracer/plugins/procfd/procfd.h"

struct opts {
	unsigned quiet, absolute;
	bool duration, relative;
	const char *file;
};

static int usage(void)
{
	fprintf(stderr, "usage: procfd-render [-q|-qq] [-T] [-t|-tt|-ttt] [-r] [FILE.jsonl]\n");
	return 2;
}

static int parse_args(int argc, char **argv, struct opts *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-' || !a[1]) {
			if (o->file)
				return -1;
			o->file = a;
		} else if (strspn(a + 1, "q") == strlen(a + 1) && strlen(a + 1) <= 2) {
			o->quiet = (unsigned)strlen(a + 1);
		} else if (strspn(a + 1, "t") == strlen(a + 1) && strlen(a + 1) <= 3) {
			o->absolute = (unsigned)strlen(a + 1);
		} else if (strcmp(a, "-T") == 0) {
			o->duration = true;
		} else if (strcmp(a, "-r") == 0) {
			o->relative = true;
		} else {
			return -1;
		}
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct pfd_event ev;
	struct opts o = { 0 };
	struct pfd_buf out = PFD_BUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	int status = 0;
	int64_t last_time = 0;
	if (parse_args(argc, argv, &o) < 0)
		return usage();
	FILE *in = o.file ? fopen(o.file, "re") : stdin;
	if (!in) {
		perror(o.file);
		return 2;
	}
	pfd_core_events_configure(o.quiet, o.duration, o.absolute, o.relative);
	pfd_summary_register_text();
	leak_report_register_text();
	for (ssize_t n; (n = getline(&line, &cap, in)) > 0;) {
		if (pfd_event_parse(&ev, line, (size_t)n) < 0) {
			fprintf(stderr, "procfd-render: not an event: %.80s", line);
			status = 1;
			continue;
		}
		/* The end-of-run events (summary, leak_total) carry no time in
		 * JSON: -t shows them at the time of the event before. */
		if (!pfd_event_get(&ev, "time"))
			ev.wall_ns = last_time;
		last_time = ev.wall_ns;
		pfd_buf_clear(&out);
		pfd_event_text(&ev, &out);
		if (out.len && fwrite(out.data, 1, out.len, stdout) != out.len)
			return 1;
	}
	free(line);
	pfd_buf_free(&out);
	return fclose(stdout) == 0 ? status : 1;
}
