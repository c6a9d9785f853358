/* procfd-trace: follow-ups, the calls a tool makes on the text it read from
 * a link. "Why did ls call it broken" is answered by a sequence: readlink of
 * the link, then a stat of the returned text. So each readlink of a /proc fd
 * link is remembered per process with the paths a tool may derive from its
 * text (verbatim; without " (deleted)"; a relative text in the link's
 * directory; the leading parts a realpath-style walk visits), and a later
 * path call on one of them is reported with what it reached.
 *
 * The table is bounded (the last READS reads of the process) and looked up
 * by a hash of the path: a trapped call that matches nothing costs a hash
 * and no /proc read. Each read owns a fixed block of key slots, so that
 * recording one (every readlink of a link) costs its own keys only, not a
 * pass over the whole table. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "tracer/plugins/procfd/procfd.h"

#include "procfd/plugin.h"
#include "procfd/writer.h"

#define READS 32u            /* remembered reads per process */
#define MAX_PREFIXES 16u     /* leading parts of one text */
/* The most keys pfd_fu_keys gives for one read: verbatim, stripped, relative
 * and the prefixes (relative and prefixes never both, but the block need not
 * be tight). add_key drops what would not fit, as when the whole table was
 * full before; with this count nothing is dropped. */
#define READ_KEYS (1u + 1u + 1u + MAX_PREFIXES)
#define KEYS (READS * READ_KEYS) /* key paths, all reads together */
#define BUCKETS 256u         /* power of two */
#define DELETED_SUFFIX " (deleted)"

_Static_assert(KEYS <= INT16_MAX, "key indexes are int16_t (chains, buckets)");
_Static_assert(READ_KEYS <= UINT8_MAX, "a read's key count is a uint8_t");

/* Slot j of read r's block is keys[r * READ_KEYS + j]; the first nkeys[r]
 * are in use. */
struct key {
	uint8_t how;
	uint16_t read;
	int16_t next;        /* bucket chain, -1 ends */
	uint32_t hash;
	char *path;
	size_t len;
};

struct pfd_fu_table {
	struct pfd_link_read reads[READS];
	bool read_used[READS];
	unsigned seq[READS];       /* when each was recorded: the latest wins */
	unsigned next_read;
	uint8_t nkeys[READS];      /* used slots at the start of each read's block */
	struct key keys[KEYS];
	int16_t bucket[BUCKETS];
	bool found_ends_walk; /* pfd_fu_find's last key ended a walk (for pfd_fu_fill) */
	/* The last walk that found nothing, judged when the process exits:
	 * its strings are the table's own copies. */
	bool walk_failed;
	struct pfd_link_read failed_walk;
};

static uint32_t hash_bytes(const char *p, size_t len)
{
	uint32_t h = 2166136261u; /* FNV-1a */
	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)p[i]) * 16777619u;
	return h;
}

/* Take key i out of its bucket's chain: chains are short (a few keys of
 * 256 buckets), so walking to the predecessor is cheaper than keeping a
 * back link in every key. */
static void unlink_key(struct pfd_fu_table *t, int16_t i)
{
	int16_t *p = &t->bucket[t->keys[i].hash & (BUCKETS - 1)];
	while (*p != i)
		p = &t->keys[*p].next;
	*p = t->keys[i].next;
}

static void forget_read(struct pfd_fu_table *t, unsigned r)
{
	if (!t->read_used[r])
		return;
	for (unsigned j = 0; j < t->nkeys[r]; j++) {
		int16_t i = (int16_t)(r * READ_KEYS + j);
		unlink_key(t, i);
		free(t->keys[i].path);
	}
	t->nkeys[r] = 0;
	free(t->reads[r].link_path);
	free(t->reads[r].text);
	t->read_used[r] = false;
}

static char *copy(const char *p, size_t len)
{
	char *s = malloc(len + 1);
	if (s) {
		memcpy(s, p, len);
		s[len] = '\0';
	}
	return s;
}

static void add_key(struct pfd_fu_table *t, unsigned r, const char *path, size_t len,
		    enum pfd_fu_how how)
{
	if (len == 0)
		return;
	uint32_t h = hash_bytes(path, len);
	for (int16_t i = t->bucket[h & (BUCKETS - 1)]; i >= 0; i = t->keys[i].next)
		if (t->keys[i].hash == h && t->keys[i].len == len &&
		    memcmp(t->keys[i].path, path, len) == 0 && t->keys[i].read == r)
			return;
	if (t->nkeys[r] == READ_KEYS)
		return; /* cannot happen: READ_KEYS counts what pfd_fu_keys gives */
	char *p = copy(path, len);
	if (!p)
		return;
	int16_t i = (int16_t)(r * READ_KEYS + t->nkeys[r]++);
	unsigned b = h & (BUCKETS - 1);
	t->keys[i] = (struct key){ .how = (uint8_t)how, .read = (uint16_t)r,
				   .next = t->bucket[b], .hash = h, .path = p, .len = len };
	t->bucket[b] = i;
}

static bool ends_with_deleted(const char *s, size_t len)
{
	size_t n = sizeof(DELETED_SUFFIX) - 1;
	return len > n && memcmp(s + len - n, DELETED_SUFFIX, n) == 0;
}

/* The directory part of the link's path as the tool spelled it ("" when the
 * path has none): where a relative text is looked up. */
static size_t dir_len(const char *path, size_t len)
{
	while (len > 0 && path[len - 1] != '/')
		len--;
	return len;
}

void pfd_fu_keys(const struct pfd_link_read *r,
		 void (*fn)(const char *path, size_t len, enum pfd_fu_how how, void *arg),
		 void *arg)
{
	const char *text = r->text;
	size_t len = r->text_len;
	if (len == 0)
		return;
	fn(text, len, PFD_FU_VERBATIM, arg);
	if (ends_with_deleted(text, len))
		fn(text, len - (sizeof(DELETED_SUFFIX) - 1), PFD_FU_STRIPPED, arg);
	if (text[0] != '/') {
		size_t d = dir_len(r->link_path, r->link_len);
		char *rel = malloc(d + len + 1);
		if (rel) {
			memcpy(rel, r->link_path, d);
			memcpy(rel + d, text, len);
			fn(rel, d + len, PFD_FU_RELATIVE, arg);
			free(rel);
		}
		return;
	}
	/* "/a/b/c": "/a", "/a/b" (the whole text is the verbatim key) */
	unsigned n = 0;
	for (size_t i = 1; i < len && n < MAX_PREFIXES; i++)
		if (text[i] == '/' && text[i - 1] != '/') {
			fn(text, i, PFD_FU_PREFIX, arg);
			n++;
		}
}

struct add_ctx {
	struct pfd_fu_table *t;
	unsigned r;
};

static void add_key_cb(const char *path, size_t len, enum pfd_fu_how how, void *arg)
{
	struct add_ctx *c = arg;
	add_key(c->t, c->r, path, len, how);
}

void pfd_fu_record(struct pfd_fu_table **tp, const struct pfd_link_read *r)
{
	if (!*tp) {
		*tp = calloc(1, sizeof(**tp));
		if (!*tp)
			return;
		for (unsigned b = 0; b < BUCKETS; b++)
			(*tp)->bucket[b] = -1; /* empty: calloc's 0 would be key 0 */
	}
	struct pfd_fu_table *t = *tp;
	unsigned slot = t->next_read++ % READS;
	forget_read(t, slot);
	struct pfd_link_read *m = &t->reads[slot];
	*m = *r;
	m->link_path = copy(r->link_path, r->link_len);
	m->text = copy(r->text, r->text_len);
	if (!m->link_path || !m->text) {
		free(m->link_path);
		free(m->text);
		return;
	}
	m->walking = true;
	m->walk_len = 0;
	t->read_used[slot] = true;
	t->seq[slot] = t->next_read;
	struct add_ctx c = { t, slot };
	pfd_fu_keys(m, add_key_cb, &c);
}

/* The calls a walk is made of: lookups that change nothing. An rmdir or
 * unlink of a leading part of the text is the tool's own business (a
 * cleanup of its directory), not a step of a walk. */
static bool is_lookup(const struct pfd_call *c)
{
	switch (c->path->desc->cls) {
	case PFD_SC_OPEN: case PFD_SC_STAT: case PFD_SC_LSTAT: case PFD_SC_STATAT:
	case PFD_SC_READLINK: case PFD_SC_ACCESS:
		return true;
	default:
		return false;
	}
}

/* Is path (len bytes) the next leading part of r's absolute text: one
 * component longer than the walk's last step ("/tmp" first, then
 * "/tmp/d")? Walkers (coreutils' canonicalize, glibc's realpath, python's
 * os.path.realpath) look up every component in turn, from the first; a
 * lookup of "/tmp/d" out of the blue (nftw's lstat of its root) is not one. */
static bool next_prefix(const struct pfd_link_read *r, const char *path, size_t len)
{
	if (r->text_len <= len || len <= r->walk_len || r->text[0] != '/' ||
	    r->text[len] != '/' || memcmp(r->text, path, len) != 0)
		return false;
	for (size_t i = r->walk_len + 1; i < len; i++)
		if (r->text[i] == '/' && r->text[i - 1] != '/')
			return false; /* a component skipped */
	return true;
}

/* Does this call continue read r's walk, or end it with the whole text? */
static bool in_walk(const struct pfd_link_read *r, const struct pfd_call *c)
{
	return r->walking && r->walk_tid == c->tid && is_lookup(c);
}

/* Each call of the reading thread moves its walks on or ends them. */
static void step_walks(struct pfd_fu_table *t, const struct pfd_call *c)
{
	const char *path = c->path->path;
	size_t len = c->path->path_len;
	for (unsigned r = 0; r < READS; r++) {
		struct pfd_link_read *m = &t->reads[r];
		if (!t->read_used[r] || m->walk_tid != c->tid || !m->walking)
			continue;
		if (in_walk(m, c) && next_prefix(m, path, len))
			m->walk_len = len;
		else
			m->walking = false;
	}
}

int pfd_fu_find(struct pfd_fu_table *t, const struct pfd_call *c)
{
	const char *path = c->path->path;
	size_t len = c->path->path_len;
	if (!t || len == 0)
		return -1;
	uint32_t h = hash_bytes(path, len);
	const struct key *best = NULL;
	for (int16_t i = t->bucket[h & (BUCKETS - 1)]; i >= 0; i = t->keys[i].next) {
		const struct key *k = &t->keys[i];
		if (k->hash != h || k->len != len || memcmp(k->path, path, len) != 0)
			continue;
		const struct pfd_link_read *r = &t->reads[k->read];
		if (k->how == PFD_FU_PREFIX && !(in_walk(r, c) && next_prefix(r, path, len)))
			continue; /* "/tmp" is a follow-up only as the walk's next step */
		if (!best || t->seq[k->read] > t->seq[best->read])
			best = k; /* the most recent read wins */
	}
	t->found_ends_walk = false;
	if (best && best->how != PFD_FU_PREFIX) {
		const struct pfd_link_read *r = &t->reads[best->read];
		t->found_ends_walk = in_walk(r, c) && r->walk_len > 0;
	}
	step_walks(t, c);
	return best ? (int)(best - t->keys) : -1;
}

void pfd_fu_fill(const struct pfd_fu_table *t, int key, struct pfd_followup *fu)
{
	const struct key *best = &t->keys[key];
	/* A copy, strings included: the table may recycle the read before
	 * this call's exit (another thread reading links meanwhile). */
	const struct pfd_link_read *r = &t->reads[best->read];
	*fu = (struct pfd_followup){ .active = true, .read = *r, .how = (enum pfd_fu_how)best->how,
				     .ends_walk = t->found_ends_walk };
	fu->read.link_len = r->link_len < sizeof(fu->link_buf) ? r->link_len : sizeof(fu->link_buf) - 1;
	fu->read.text_len = r->text_len < sizeof(fu->text_buf) ? r->text_len : sizeof(fu->text_buf) - 1;
	memcpy(fu->link_buf, r->link_path, fu->read.link_len);
	memcpy(fu->text_buf, r->text, fu->read.text_len);
	fu->link_buf[fu->read.link_len] = fu->text_buf[fu->read.text_len] = '\0';
	fu->read.link_path = fu->link_buf;
	fu->read.text = fu->text_buf;
}

static void look_up_path(struct pfd_followup *fu, const struct pfd_call *c, bool follows);

void pfd_fu_reached_at_entry(struct pfd_followup *fu, const struct pfd_call *c)
{
	look_up_path(fu, c, false);
	fu->looked_at_entry = true;
}

static void forget_failed_walk(struct pfd_fu_table *t)
{
	if (!t->walk_failed)
		return;
	free(t->failed_walk.link_path);
	free(t->failed_walk.text);
	t->walk_failed = false;
}

/* A walk found nothing: kept until the process ends, when its exit status
 * says whether the tool gave up (realpath -e) or went on (realpath). */
static void note_failed_walk(struct pfd_fu_table *t, const struct pfd_followup *fu)
{
	forget_failed_walk(t);
	struct pfd_link_read *w = &t->failed_walk;
	*w = fu->read;
	w->link_path = copy(fu->read.link_path, fu->read.link_len);
	w->text = copy(fu->read.text, fu->read.text_len);
	t->walk_failed = w->link_path && w->text;
	if (!t->walk_failed) {
		free(w->link_path);
		free(w->text);
	}
}

void pfd_fu_reached(struct pfd_fu_table *t, struct pfd_followup *fu, const struct pfd_call *c,
		    bool follows)
{
	const struct pfd_path_args *p = c->path;

	/* readlink's EINVAL is "there, and not a symlink": it reached a file */
	bool not_a_link = c->err == EINVAL && p->desc->cls == PFD_SC_READLINK;
	if (!c->finished || (c->err && !not_a_link)) {
		fu->reached = PFD_FU_NOTHING;
		fu->have_other = false;
		if (t && c->finished && (fu->how == PFD_FU_PREFIX || fu->ends_walk))
			note_failed_walk(t, fu);
		return;
	}
	if (!fu->looked_at_entry)
		look_up_path(fu, c, follows);
}

static void look_up_path(struct pfd_followup *fu, const struct pfd_call *c, bool follows)
{
	struct pfd_path path;
	struct stat st;
	const struct pfd_path_args *p = c->path;

	/* Looked up as the tracee did: from its root, an absolute path, or
	 * from its cwd for a relative one. */
	pfd_path_init(&path, "/proc/");
	pfd_path_int(&path, c->tid);
	pfd_path_puts(&path, p->path[0] == '/' ? "/root" : "/cwd/");
	pfd_path_put(&path, p->path, p->path_len);
	if (path.overflow || (follows ? stat(path.s, &st) : lstat(path.s, &st)) < 0) {
		fu->reached = PFD_FU_UNKNOWN;
		return;
	}
	if (fu->read.have_stat && st.st_ino == fu->read.ino &&
	    major(st.st_dev) == fu->read.dev_major && minor(st.st_dev) == fu->read.dev_minor) {
		fu->reached = PFD_FU_HELD;
		return;
	}
	fu->reached = PFD_FU_OTHER;
	fu->have_other = true;
	fu->other_dev_major = major(st.st_dev);
	fu->other_dev_minor = minor(st.st_dev);
	fu->other_ino = st.st_ino;
	fu->other_size = (uint64_t)st.st_size;
}

void pfd_fu_exit_process(struct pfd_fu_table *t, const char *exe, const struct pfd_exit *e,
			 pid_t pid)
{
	static struct pfd_buf why = PFD_BUF_INIT;
	if (!t || !t->walk_failed)
		return;
	if (e->signaled || e->status < 0) { /* killed: it decided nothing we saw */
		forget_failed_walk(t);
		return;
	}
	const struct pfd_link_read *r = &t->failed_walk;
	pfd_buf_clear(&why);
	pfd_explain_walk_outcome(r, exe, e->status, &why);
	struct pfd_writer *w = pfd_event_begin("walk_outcome", pid);
	if (w) {
		pfd_w_title(w, "walk outcome");
		pfd_w_json_only(w, true);
		pfd_w_bytes(w, "exe", exe ? exe : "", exe ? strlen(exe) : 0);
		pfd_w_int(w, "status", e->status);
		pfd_w_object(w, "follow_up_of");
		pfd_w_int(w, "pid", r->owner);
		pfd_w_int(w, "fd", r->fd);
		pfd_w_bytes(w, "link_path", r->link_path, r->link_len);
		pfd_w_bytes(w, "text", r->text, r->text_len);
		pfd_w_end(w);
		pfd_w_bool(w, "called_broken", e->status != 0);
		pfd_w_str(w, "explanation", pfd_buf_str(&why));
		pfd_w_json_only(w, false);
		pfd_w_text(w, pfd_buf_str(&why));
		pfd_event_end(w);
	}
	forget_failed_walk(t);
}

void pfd_fu_free(struct pfd_fu_table *t)
{
	if (!t)
		return;
	forget_failed_walk(t);
	for (unsigned r = 0; r < READS; r++) {
		if (t->read_used[r]) {
			free(t->reads[r].link_path);
			free(t->reads[r].text);
		}
		for (unsigned j = 0; j < t->nkeys[r]; j++)
			free(t->keys[r * READ_KEYS + j].path);
	}
	free(t);
}
