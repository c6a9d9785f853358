/* procfd-trace: does a path name a /proc fd link? (see classify.h)
 *
 * The classifier replays the kernel's path walk on the text alone. It keeps a
 * short stack of the directories it recognises (at most /proc/PID/task/TID/
 * fd/N) and expands the well-known symlinks at the moment the walk meets them,
 * which is where the kernel follows them:
 *   /dev/fd           -> /proc/self/fd
 *   /dev/stdin        -> /proc/self/fd/0   (stdout 1, stderr 2)
 *   /proc/thread-self -> /proc/self/task/<calling tid>
 * so a later ".." goes where the kernel's ".." goes: "/dev/fd/.." is
 * /proc/self, "/proc/thread-self/.." is /proc/self/task.
 *
 * A name the classifier does not know may be a symlink to anywhere, so in the
 * path text it ends the walk (PFD_LINK_NONE). The base of a relative lookup is
 * different: it is the kernel's own readlink of the cwd or dirfd, a canonical
 * path without symlinks, so its unknown directories are real ones and a ".."
 * in the path can climb out of them ("/home/u" + "../../proc/self/fd/3").
 * That is also why the base is walked in place rather than joined to the path
 * in a buffer: there is no length limit to hit.
 *
 * Spelling: the shape the walk ends in decides it, except that the step that
 * entered the final fd directory (or fd link) remembers whether it came
 * through /dev/fd or /dev/std*. Re-entering by another route replaces that
 * step, so "/dev/fd/../fd/3" (last entered via /proc/self/fd) is spelt
 * "/proc/self/fd/N", "/proc/self/fd/../../../dev/fd/3" is "/dev/fd/N", and
 * "/proc/thread-self/../../fd/3" is "/proc/self/fd/N" owned by SELF.
 */
#include "tracer/plugins/procfd/classify.h"

#include <limits.h>
#include <string.h>

enum step_kind {
	STEP_PROC,   /* /proc */
	STEP_DEV,    /* /dev */
	STEP_SELF,   /* /proc/self: the caller's process */
	STEP_PID,    /* /proc/PID */
	STEP_TASK,   /* .../task */
	STEP_TID,    /* .../task/TID */
	STEP_THREAD, /* .../task/<calling tid>: only reached through /proc/thread-self */
	STEP_FD,     /* .../fd: the fd directory */
	STEP_FD_NUM, /* .../fd/N: a magic link */
};

struct step {
	enum step_kind kind;
	long num;     /* STEP_PID, STEP_TID, STEP_FD_NUM */
	bool via_dev; /* STEP_FD, STEP_FD_NUM: entered through a /dev symlink */
};

/* /proc/PID/task/TID/fd/N is the deepest name the classifier recognises. */
#define WALK_DEPTH_MAX 6

struct walk {
	struct step steps[WALK_DEPTH_MAX];
	size_t depth;  /* recognised steps from the root */
	size_t opaque; /* real but unrecognised directories below them (base only) */
	bool lost;     /* the walk left what the text alone can decide */
	bool through;  /* lost by stepping past an fd link: the kernel follows it */
	size_t rest;   /* with through: offset of that step in the path text */
};

/* One component of a path: bytes, not a C string. */
struct name {
	const char *p;
	size_t len;
};

static bool name_is(struct name n, const char *literal)
{
	size_t len = strlen(literal);

	return n.len == len && memcmp(n.p, literal, len) == 0;
}

/* procfs looks up pids, tids and fds with name_to_int(): decimal digits only,
 * no sign, no leading zero except "0" itself. Anything else, or a value that
 * does not fit an int, names no entry. */
static bool parse_proc_number(struct name n, long *out)
{
	long value = 0;

	if (n.len == 0 || (n.len > 1 && n.p[0] == '0'))
		return false;
	for (size_t i = 0; i < n.len; i++) {
		unsigned char c = (unsigned char)n.p[i];

		if (c < '0' || c > '9')
			return false;
		if (value > (INT_MAX - (c - '0')) / 10)
			return false;
		value = value * 10 + (c - '0');
	}
	*out = value;
	return true;
}

/* Next component starting at *pos, skipping the slashes before it (the walk
 * ignores redundant slashes). False at the end of the text. */
static bool next_name(const char *path, size_t len, size_t *pos, struct name *out)
{
	size_t start = *pos, end;

	while (start < len && path[start] == '/')
		start++;
	if (start == len)
		return false;
	end = start;
	while (end < len && path[end] != '/')
		end++;
	*out = (struct name){ .p = path + start, .len = end - start };
	*pos = end;
	return true;
}

static bool is_absolute(const char *path, size_t len)
{
	return len > 0 && path[0] == '/';
}

/* A trailing "/" or "/." makes the kernel follow the final link (and demand a
 * directory behind it), as if the link were an inner component. */
static bool ends_following(const char *path, size_t len)
{
	size_t start = len;

	if (len == 0)
		return false;
	if (path[len - 1] == '/')
		return true;
	while (start > 0 && path[start - 1] != '/')
		start--;
	return len - start == 1 && path[start] == '.';
}

static void push(struct walk *w, enum step_kind kind, long num, bool via_dev)
{
	/* The entry rules never nest deeper; refuse rather than overrun. */
	if (w->depth == WALK_DEPTH_MAX) {
		w->lost = true;
		return;
	}
	w->steps[w->depth++] = (struct step){ .kind = kind, .num = num, .via_dev = via_dev };
}

/* Standing on an fd link: any step further is taken inside its target. */
static bool at_fd_link(const struct walk *w)
{
	return w->opaque == 0 && w->depth > 0 && w->steps[w->depth - 1].kind == STEP_FD_NUM;
}

/* Which fd /dev/stdin, /dev/stdout or /dev/stderr links to, or -1. */
static int dev_stdio_fd(struct name n)
{
	if (name_is(n, "stdin"))
		return 0;
	if (name_is(n, "stdout"))
		return 1;
	if (name_is(n, "stderr"))
		return 2;
	return -1;
}

/* /dev/fd and /dev/std* are symlinks into /proc/self: the walk continues from
 * their target, so the stack is replaced, not extended. */
static bool enter_dev_entry(struct walk *w, struct name n)
{
	int stdio = dev_stdio_fd(n);

	if (!name_is(n, "fd") && stdio < 0)
		return false;
	w->depth = 0;
	push(w, STEP_PROC, 0, false);
	push(w, STEP_SELF, 0, false);
	push(w, STEP_FD, 0, true);
	if (stdio >= 0)
		push(w, STEP_FD_NUM, stdio, true);
	return true;
}

/* /proc/thread-self is a symlink to <pid>/task/<tid>: it lands in a task
 * directory, so its ".." is the task list and it has no "task" below it. */
static bool enter_proc_entry(struct walk *w, struct name n)
{
	long pid;

	if (name_is(n, "self")) {
		push(w, STEP_SELF, 0, false);
		return true;
	}
	if (name_is(n, "thread-self")) {
		push(w, STEP_SELF, 0, false);
		push(w, STEP_TASK, 0, false);
		push(w, STEP_THREAD, 0, false);
		return true;
	}
	if (parse_proc_number(n, &pid)) {
		push(w, STEP_PID, pid, false);
		return true;
	}
	return false;
}

static bool enter_root_entry(struct walk *w, struct name n)
{
	if (name_is(n, "proc")) {
		push(w, STEP_PROC, 0, false);
		return true;
	}
	if (name_is(n, "dev")) {
		push(w, STEP_DEV, 0, false);
		return true;
	}
	return false;
}

/* Step into n if it is a name the classifier recognises where the walk stands.
 * False for anything else, which the caller decides about. */
static bool enter_known(struct walk *w, struct name n)
{
	long num;

	if (w->depth == 0)
		return enter_root_entry(w, n);
	switch (w->steps[w->depth - 1].kind) {
	case STEP_PROC:
		return enter_proc_entry(w, n);
	case STEP_DEV:
		return enter_dev_entry(w, n);
	case STEP_SELF:
	case STEP_PID:
		if (name_is(n, "fd")) {
			push(w, STEP_FD, 0, false);
			return true;
		}
		if (name_is(n, "task")) {
			push(w, STEP_TASK, 0, false);
			return true;
		}
		return false;
	case STEP_TASK:
		if (!parse_proc_number(n, &num))
			return false;
		push(w, STEP_TID, num, false);
		return true;
	case STEP_TID:
	case STEP_THREAD:
		if (!name_is(n, "fd"))
			return false;
		push(w, STEP_FD, 0, false);
		return true;
	case STEP_FD:
		if (!parse_proc_number(n, &num))
			return false;
		push(w, STEP_FD_NUM, num, false);
		return true;
	case STEP_FD_NUM:
		return false;
	}
	return false;
}

/* A step past an fd link in the path text: the kernel follows the magic
 * link (an inner component is always followed) into whatever the fd holds
 * and walks on from there. Where it ends the text cannot say, but that it
 * went through fd N can: remember where the rest of the path starts. */
static void step_through(struct walk *w, struct name n, const char *path, bool trusted)
{
	w->lost = true;
	if (trusted)
		return;
	w->through = true;
	w->rest = (size_t)(n.p - path);
}

/* Unknown names are real directories in the trusted base, but in the path
 * text they could be symlinks, after which nothing can be decided. */
static void walk_down(struct walk *w, struct name n, const char *path, bool trusted)
{
	if (at_fd_link(w)) {
		step_through(w, n, path, trusted);
		return;
	}
	if (w->opaque == 0 && enter_known(w, n))
		return;
	if (trusted)
		w->opaque++;
	else
		w->lost = true;
}

/* ".." of an fd link is looked up in the link's target, not in the fd
 * directory; ".." at the root stays at the root. */
static void walk_up(struct walk *w, struct name n, const char *path, bool trusted)
{
	if (w->opaque > 0) {
		w->opaque--;
		return;
	}
	if (at_fd_link(w)) {
		step_through(w, n, path, trusted);
		return;
	}
	if (w->depth > 0)
		w->depth--;
}

static void walk_text(struct walk *w, const char *path, size_t len, bool trusted)
{
	size_t pos = 0;
	struct name n;

	while (!w->lost && next_name(path, len, &pos, &n)) {
		if (name_is(n, "."))
			continue;
		if (name_is(n, ".."))
			walk_up(w, n, path, trusted);
		else
			walk_down(w, n, path, trusted);
	}
}

static void set_none(struct pfd_path_class *out)
{
	*out = (struct pfd_path_class){
		.what = PFD_LINK_NONE,
		.owner = PFD_OWNER_SELF,
		.pid = -1,
		.task = -1,
		.fd = -1,
		.trailing_slash = false,
		.spelling = NULL,
		.rest = 0,
	};
}

/* The spellings of one route into an fd table: the directory and a link. */
struct spelling_pair {
	const char *dir;
	const char *link;
};

static const struct spelling_pair spell_self = { "/proc/self/fd", "/proc/self/fd/N" };
static const struct spelling_pair spell_thread_self = { "/proc/thread-self/fd",
							 "/proc/thread-self/fd/N" };
static const struct spelling_pair spell_pid = { "/proc/PID/fd", "/proc/PID/fd/N" };
static const struct spelling_pair spell_pid_task = { "/proc/PID/task/TID/fd",
						      "/proc/PID/task/TID/fd/N" };
static const struct spelling_pair spell_self_task = { "/proc/self/task/TID/fd",
						       "/proc/self/task/TID/fd/N" };
static const struct spelling_pair spell_dev_fd = { "/dev/fd", "/dev/fd/N" };
static const char *const spell_dev_stdio[] = { "/dev/stdin", "/dev/stdout", "/dev/stderr" };

/* Owner, task and spelling from the steps above the fd directory, which sits
 * either at /proc/<owner>/fd or at /proc/<owner>/task/<thread>/fd. */
static const struct spelling_pair *describe_owner(const struct walk *w, size_t fd_at,
						  struct pfd_path_class *out)
{
	const struct step *owner = &w->steps[1];
	bool by_pid = owner->kind == STEP_PID;

	out->owner = by_pid ? PFD_OWNER_PID : PFD_OWNER_SELF;
	out->pid = by_pid ? owner->num : -1;
	out->task = -1;
	if (w->steps[fd_at].via_dev)
		return &spell_dev_fd;
	if (fd_at == 2)
		return by_pid ? &spell_pid : &spell_self;
	if (w->steps[3].kind == STEP_THREAD) {
		out->owner = PFD_OWNER_THREAD_SELF;
		return &spell_thread_self;
	}
	out->task = w->steps[3].num;
	return by_pid ? &spell_pid_task : &spell_self_task;
}

static void describe(const struct walk *w, bool trailing, struct pfd_path_class *out)
{
	const struct step *last;
	const struct spelling_pair *spelling;
	size_t fd_at;

	set_none(out);
	if ((w->lost && !w->through) || w->opaque > 0 || w->depth == 0)
		return;
	last = &w->steps[w->depth - 1];
	if (last->kind == STEP_FD_NUM)
		fd_at = w->depth - 2;
	else if (last->kind == STEP_FD)
		fd_at = w->depth - 1;
	else
		return;

	spelling = describe_owner(w, fd_at, out);
	out->trailing_slash = trailing && !w->through;
	if (last->kind == STEP_FD) {
		out->what = PFD_LINK_FD_DIR;
		out->spelling = spelling->dir;
		return;
	}
	out->what = w->through ? PFD_LINK_THROUGH : PFD_LINK_FD;
	out->rest = w->rest;
	out->fd = (int)last->num;
	out->spelling = last->via_dev ? spell_dev_stdio[last->num] : spelling->link;
}

void pfd_classify_path(const char *path, size_t len, struct pfd_path_class *out)
{
	struct walk w = { .depth = 0 };

	if (!is_absolute(path, len)) {
		set_none(out);
		return;
	}
	walk_text(&w, path, len, false);
	describe(&w, ends_following(path, len), out);
}

/* An empty path is ENOENT for the kernel, and with AT_EMPTY_PATH the call
 * works on the dirfd itself without a walk: neither names a link here. */
void pfd_classify_relative(const char *base, size_t base_len, const char *path,
			   size_t len, struct pfd_path_class *out)
{
	struct walk w = { .depth = 0 };

	if (is_absolute(path, len)) {
		pfd_classify_path(path, len, out);
		return;
	}
	if (len == 0 || !is_absolute(base, base_len)) {
		set_none(out);
		return;
	}
	walk_text(&w, base, base_len, true);
	walk_text(&w, path, len, false);
	describe(&w, ends_following(path, len), out);
}

static bool is_decimal(struct name n)
{
	if (n.len == 0)
		return false;
	for (size_t i = 0; i < n.len; i++)
		if (n.p[i] < '0' || n.p[i] > '9')
			return false;
	return true;
}

/* Without "..", the walk's last step comes from the last real component, and
 * only a number, "fd" or a /dev/std* name can leave it on an fd link or fd
 * directory. A path of only "." names the base itself, which may be an fd
 * directory (openat(dirfd_of_proc_fd, ".")), so it must say yes too. A
 * number (or /dev/std* name) before the last component may be an fd link the
 * walk goes through ("3/child" from a dirfd on /proc/self/fd). */
bool pfd_relative_may_name_link(const char *path, size_t len)
{
	struct name n, last = { .p = NULL, .len = 0 };
	size_t pos = 0;
	bool any_real = false;

	if (len == 0 || is_absolute(path, len))
		return false;
	while (next_name(path, len, &pos, &n)) {
		if (name_is(n, ".."))
			return true;
		if (name_is(n, "."))
			continue;
		if (any_real && (is_decimal(last) || dev_stdio_fd(last) >= 0))
			return true;
		last = n;
		any_real = true;
	}
	if (!any_real)
		return true;
	return is_decimal(last) || name_is(last, "fd") || dev_stdio_fd(last) >= 0;
}
