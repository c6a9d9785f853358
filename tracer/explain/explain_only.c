/* procfd-trace --explain --only=LIST: the problems only.
 *
 * LIST is a comma list of classes, the words of the trace's own --only
 * where they apply, and of case names (the JSON "case"):
 *   broken   a tool that follows the text (ls --color, realpath -e) finds
 *            nothing, or another file: the text does not lead to the held
 *            inode (deleted, replaced, a pipe's "pipe:[N]", ...)
 *   deleted  the held inode has no name left (nlink 0: deleted, replaced,
 *            a removed directory, a memfd)
 *   failed   the link could not be examined (no such fd or process, denied)
 *   CASE     one case by name: live, deleted, replaced, pipe, socket, ...
 * A word that is both (deleted) is the class, which holds the case. */
#include <stdio.h>
#include <string.h>

#include "tracer/explain/explain_impl.h"

enum { ONLY_BROKEN = 1, ONLY_DELETED = 2, ONLY_FAILED = 4 };

static struct {
	bool on;
	unsigned classes;
	unsigned long long cases; /* bit per enum xcase */
} only;

static const struct { const char *name; unsigned bit; } classes[] = {
	{ "broken", ONLY_BROKEN }, { "deleted", ONLY_DELETED }, { "failed", ONLY_FAILED },
};

_Static_assert(XCASE_FAILED < 64, "a case is a bit of only.cases");

static bool take_word(const char *w)
{
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		if (strcmp(classes[i].name, w) == 0) {
			only.classes |= classes[i].bit;
			return true;
		}
	for (int c = 0; c <= XCASE_FAILED; c++)
		if (strcmp(pfd_xcase_name((enum xcase)c), w) == 0) {
			only.cases |= 1ull << c;
			return true;
		}
	return false;
}

int pfd_explain_only_parse(const char *list)
{
	char buf[512];
	if (snprintf(buf, sizeof(buf), "%s", list) >= (int)sizeof(buf)) {
		fprintf(stderr, "procfd-trace: --only: list too long\n");
		return -1;
	}
	char *save = NULL;
	for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
		if (!take_word(w)) {
			fprintf(stderr, "procfd-trace: --only: with --explain, '%s' is not one of broken, "
					"deleted, failed or a case (live, deleted, replaced, pipe, "
					"socket, memfd, ...)\n", w);
			return -1;
		}
	}
	only.on = only.classes || only.cases;
	if (!only.on)
		fprintf(stderr, "procfd-trace: --only needs a class or a case\n");
	return only.on ? 0 : -1;
}

/* The text does not lead to the held inode: what ls paints as broken. */
static bool text_misleads(const struct xlink *l)
{
	return !l->probe_err && l->text_find != XFIND_HELD && l->text_find != XFIND_NONE;
}

bool pfd_explain_wanted(const struct xlink *l)
{
	if (!only.on)
		return true;
	if ((only.cases >> l->xcase) & 1)
		return true;
	if ((only.classes & ONLY_BROKEN) && text_misleads(l))
		return true;
	if ((only.classes & ONLY_DELETED) && !l->probe_err && l->t.deleted)
		return true;
	return (only.classes & ONLY_FAILED) && l->probe_err;
}
