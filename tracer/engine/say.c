/* procfd-trace: telling the user on stderr (include/procfd/plugin.h:
 * pfd_say, pfd_say_once, pfd_said).
 *
 * What the trace cannot show (memory the kernel will not let us read, a child
 * that escapes the trace, a filter of the tracee's own that hides calls) is
 * said on stderr, and mostly once per process: the first time explains, the
 * repeats would drown the trace. The engine and the plugins share one memory
 * of what was said, keyed by process and topic and kept on the process record
 * (forgotten with it), and one way to write it: "procfd-trace: ", the message
 * and a newline in one writev(2), so that the line never interleaves with
 * another writer's on the same terminal. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "procfd/plugin.h"
#include "tracer/engine/proctab.h"
#include "tracer/engine/say.h"

struct pfd_said {
	struct pfd_said *next;
	char topic[];
};

static struct pfd_said *said_in_run; /* pfd_say_once(NULL, ...): once a run */

/* A short write (a pipe full past PIPE_BUF) goes on where it stopped. */
static void write_iov(struct iovec *v, int n)
{
	while (n > 0) {
		ssize_t w = writev(STDERR_FILENO, v, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return; /* stderr closed: nobody to tell */
		}
		for (; n > 0 && (size_t)w >= v->iov_len; v++, n--)
			w -= (ssize_t)v->iov_len;
		if (n > 0) {
			v->iov_base = (char *)v->iov_base + w;
			v->iov_len -= (size_t)w;
		}
	}
}

void pfd_say(const char *message)
{
	static const char prefix[] = "procfd-trace: ";
	if (!message)
		return;
	int saved = errno; /* a caller may still look at the errno it reports */
	struct iovec v[3] = {
		{ (void *)prefix, sizeof(prefix) - 1 },
		{ (void *)message, strlen(message) },
		{ (void *)"\n", 1 },
	};
	write_iov(v, 3);
	errno = saved;
}

/* Where t's process keeps what it was told; NULL without a process record. */
static struct pfd_said **said_list(const struct pfd_tracee *t)
{
	if (!t)
		return &said_in_run;
	return t->proc ? &t->proc->said : NULL;
}

static bool listed(const struct pfd_said *s, const char *topic)
{
	for (; s; s = s->next)
		if (!strcmp(s->topic, topic))
			return true;
	return false;
}

/* Out of memory: not remembered, so said again next time (as for a
 * process without a record), never silenced. */
static void remember(struct pfd_said **list, const char *topic)
{
	size_t n = strlen(topic) + 1;
	struct pfd_said *s = malloc(sizeof(*s) + n);
	if (!s)
		return;
	memcpy(s->topic, topic, n);
	s->next = *list;
	*list = s;
}

bool pfd_said(const struct pfd_tracee *t, const char *topic)
{
	struct pfd_said **list = said_list(t);
	return list && topic && listed(*list, topic);
}

bool pfd_say_once(struct pfd_tracee *t, const char *topic, const char *message)
{
	struct pfd_said **list = topic ? said_list(t) : NULL;
	if (list && listed(*list, topic))
		return false;
	if (list)
		remember(list, topic);
	pfd_say(message);
	return true;
}

void pfd_say_forget(struct pfd_proc *p)
{
	while (p->said) {
		struct pfd_said *s = p->said;
		p->said = s->next;
		free(s);
	}
}
