/* procfd-trace: suppressions for the leak tracker: the file format of
 * docs/suppressions.md, matching a leak against a set of entries, and
 * writing an entry that suppresses a given leak (--gen-suppressions).
 *
 * The input is hostile as far as this file is concerned (it is fuzzed):
 * every length is bounded, nothing recurses on the input, and the glob
 * matcher is our own, linear in the pattern times the text, because
 * fnmatch(3) backtracks exponentially on patterns like "*a*a*a*a*b" and
 * depends on the locale for bytes that are not valid there (a tracee's
 * paths need not be text at all). */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tracer/plugins/leaks/leaks.h"

/* Limits of the format (docs/suppressions.md, "Limits"). */
#define SUPP_MAX_LINE   4096            /* bytes per line, without its newline */
#define SUPP_MAX_FRAMES 64              /* frame lines per entry, "..." included */
#define SUPP_MAX_FILE   (16u << 20)     /* bytes per file */

/* What pfd_supp_generate writes: the innermost frames it lists, and the
 * longest glob it writes for one value (longer ones are cut and end in
 * '*', so the entry still matches and its lines stay under the limit). */
#define GEN_FRAMES   12
#define GEN_MAX_GLOB 1024
#define GEN_MAX_NAME_PART 64

/* ---- the set ----------------------------------------------------------- */

enum frame_kind { FRAME_FUN, FRAME_OBJ, FRAME_ANY };

struct supp_frame {
	enum frame_kind kind;
	char *glob; /* NULL for FRAME_ANY */
};

/* The keywords that match a property of the leak rather than a frame. */
enum supp_field { FIELD_SYSCALL, FIELD_KIND, FIELD_PATH, FIELD_EXE, N_FIELDS };

static const char *const field_keyword[N_FIELDS] = {
	[FIELD_SYSCALL] = "syscall",
	[FIELD_KIND] = "kind",
	[FIELD_PATH] = "path",
	[FIELD_EXE] = "exe",
};

struct supp_entry {
	char *name;
	char *field[N_FIELDS]; /* globs; NULL matches anything */
	struct supp_frame *frames;
	size_t n_frames;
	unsigned hits;
};

struct pfd_supp_set {
	struct supp_entry *entries;
	size_t n, cap;
};

static void entry_free(struct supp_entry *e)
{
	free(e->name);
	for (int f = 0; f < N_FIELDS; f++)
		free(e->field[f]);
	for (size_t i = 0; i < e->n_frames; i++)
		free(e->frames[i].glob);
	free(e->frames);
	memset(e, 0, sizeof(*e));
}

void pfd_supp_free(struct pfd_supp_set *set)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++)
		entry_free(&set->entries[i]);
	free(set->entries);
	free(set);
}

/* Room for extra more entries; false when memory ran out. */
static bool set_reserve(struct pfd_supp_set *set, size_t extra)
{
	if (set->n + extra <= set->cap)
		return true;
	size_t cap = set->cap ? set->cap : 8;
	while (cap < set->n + extra)
		cap *= 2;
	struct supp_entry *p = realloc(set->entries, cap * sizeof(*p));
	if (!p)
		return false;
	set->entries = p;
	set->cap = cap;
	return true;
}

/* Moving rather than copying cannot fail half-way: either every entry of
 * more moves (more is left empty, still the caller's to free) or, when the
 * array cannot grow, none does. */
void pfd_supp_merge(struct pfd_supp_set *set, struct pfd_supp_set *more)
{
	if (!set || !more || set == more || more->n == 0)
		return;
	if (!set_reserve(set, more->n))
		return;
	memcpy(set->entries + set->n, more->entries, more->n * sizeof(*more->entries));
	set->n += more->n;
	more->n = 0;
}

void pfd_supp_foreach_used(const struct pfd_supp_set *set,
			   void (*fn)(const char *name, unsigned hits, void *arg), void *arg)
{
	if (!set)
		return;
	for (size_t i = 0; i < set->n; i++) {
		if (set->entries[i].hits > 0)
			fn(set->entries[i].name, set->entries[i].hits, arg);
	}
}

/* ---- globs ------------------------------------------------------------- */

/* A bracket expression at p[i] == '[' tested against byte c: the index just
 * past its ']', with *hit telling whether c is in it; 0 when there is no
 * closing ']' (the '[' is then an ordinary byte, as fnmatch has it). */
static size_t match_bracket(const char *p, size_t i, unsigned char c, bool *hit)
{
	bool negate = false, found = false, first = true;

	i++;
	if (p[i] == '!' || p[i] == '^') {
		negate = true;
		i++;
	}
	/* A ']' right after the '[' (or '[!') is a member, not the end. */
	while (p[i] != '\0' && (first || p[i] != ']')) {
		unsigned char lo, hi;
		if (p[i] == '\\' && p[i + 1] != '\0')
			i++;
		lo = hi = (unsigned char)p[i++];
		if (p[i] == '-' && p[i + 1] != ']' && p[i + 1] != '\0') {
			i++;
			if (p[i] == '\\' && p[i + 1] != '\0')
				i++;
			hi = (unsigned char)p[i++];
		}
		if (lo <= c && c <= hi)
			found = true;
		first = false;
	}
	if (p[i] != ']')
		return 0;
	*hit = found != negate;
	return i + 1;
}

/* The pattern token at p[i] (never '*' or the end) tested against byte c:
 * the index past the token when it matches, else 0. */
static size_t match_token(const char *p, size_t i, unsigned char c)
{
	bool hit = false;
	size_t end;

	switch (p[i]) {
	case '?':
		return i + 1;
	case '[':
		end = match_bracket(p, i, c, &hit);
		if (end == 0)
			return c == '[' ? i + 1 : 0;
		return hit ? end : 0;
	case '\\':
		if (p[i + 1] != '\0')
			return (unsigned char)p[i + 1] == c ? i + 2 : 0;
		return c == '\\' ? i + 1 : 0;
	default:
		return (unsigned char)p[i] == c ? i + 1 : 0;
	}
}

/* fnmatch(pat, s, 0) semantics, byte by byte: '*' and '?' match '/' and a
 * leading '.' too. Every token but '*' takes exactly one byte, so going
 * back to the last '*' alone is enough (an earlier '*' could only absorb
 * what the last one can), which bounds the work by |pat| * |s|. */
static bool glob_match(const char *pat, const char *s)
{
	size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;

	while (s[i] != '\0') {
		size_t next;
		if (pat[p] == '*') {
			star_p = ++p;
			star_i = i;
			continue;
		}
		if (pat[p] != '\0' && (next = match_token(pat, p, (unsigned char)s[i])) != 0) {
			p = next;
			i++;
			continue;
		}
		if (star_p == SIZE_MAX)
			return false;
		p = star_p;
		i = ++star_i;
	}
	while (pat[p] == '*')
		p++;
	return pat[p] == '\0';
}

/* What is wrong with a glob, or NULL. The matcher copes with both cases,
 * but a file meaning something else than what it says is worth an error. */
static const char *glob_problem(const char *g)
{
	for (size_t i = 0; g[i] != '\0'; i++) {
		bool hit;
		if (g[i] == '\\') {
			if (g[i + 1] == '\0')
				return "ends with a lone '\\'";
			i++;
		} else if (g[i] == '[') {
			size_t end = match_bracket(g, i, 0, &hit);
			if (end == 0)
				return "has a '[' without its ']' (write \\[ for a literal '[')";
			i = end - 1;
		}
	}
	return NULL;
}

/* ---- matching ---------------------------------------------------------- */

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* The text each field's glob is matched against. An fd with no creating
 * call (open before the trace started) has the syscall "inherited". */
static const char *leak_field(const struct pfd_leak_view *leak, enum supp_field f)
{
	switch (f) {
	case FIELD_SYSCALL: return leak->syscall ? leak->syscall : "inherited";
	case FIELD_KIND:    return or_empty(leak->kind);
	case FIELD_PATH:    return or_empty(leak->path);
	case FIELD_EXE:     return or_empty(leak->exe);
	default:            return "";
	}
}

/* An unknown function or module is the empty text: only a glob that
 * matches "" (such as "*") matches it. */
static bool frame_matches(const struct supp_frame *sf, const struct pfd_frame *fr)
{
	if (sf->kind == FRAME_FUN)
		return glob_match(sf->glob, or_empty(fr->function));
	return glob_match(sf->glob, or_empty(fr->module));
}

/* The entry's frame lines against the stack, innermost first: each line
 * takes one frame, "..." takes any number (none too), and the stack may go
 * on after the last line (the entry matches its innermost frames). The
 * same last-'*' backtracking as glob_match, with frames for bytes. */
static bool frames_match(const struct supp_entry *e, const struct pfd_leak_view *leak)
{
	size_t p = 0, i = 0, star_p = SIZE_MAX, star_i = 0;
	size_t n = leak->frames ? leak->n_frames : 0;

	for (;;) {
		if (p == e->n_frames)
			return true;
		if (e->frames[p].kind == FRAME_ANY) {
			star_p = ++p;
			star_i = i;
			continue;
		}
		if (i < n && frame_matches(&e->frames[p], &leak->frames[i])) {
			p++;
			i++;
			continue;
		}
		if (star_p == SIZE_MAX || star_i >= n)
			return false;
		p = star_p;
		i = ++star_i;
	}
}

static bool entry_matches(const struct supp_entry *e, const struct pfd_leak_view *leak)
{
	for (int f = 0; f < N_FIELDS; f++) {
		if (e->field[f] && !glob_match(e->field[f], leak_field(leak, f)))
			return false;
	}
	return frames_match(e, leak);
}

const char *pfd_supp_match(struct pfd_supp_set *set, const struct pfd_leak_view *leak)
{
	if (!set || !leak)
		return NULL;
	for (size_t i = 0; i < set->n; i++) {
		struct supp_entry *e = &set->entries[i];
		if (entry_matches(e, leak)) {
			if (e->hits < UINT_MAX)
				e->hits++;
			return e->name;
		}
	}
	return NULL;
}

/* ---- parsing ----------------------------------------------------------- */

struct parser {
	const char *origin;
	unsigned line;
	char *err;
	size_t errsize;
	struct pfd_supp_set *set;
	bool in_entry;          /* between '{' and '}' */
	unsigned entry_line;    /* the line of its '{' */
	struct supp_entry cur;  /* the entry being read (name NULL: not yet named) */
};

__attribute__((format(printf, 3, 4)))
static int fail_at(struct parser *ps, unsigned line, const char *fmt, ...)
{
	if (ps->err && ps->errsize > 0) {
		int n = snprintf(ps->err, ps->errsize, "%s:%u: ", ps->origin, line);
		if (n >= 0 && (size_t)n < ps->errsize) {
			va_list ap;
			va_start(ap, fmt);
			vsnprintf(ps->err + n, ps->errsize - (size_t)n, fmt, ap);
			va_end(ap);
		}
	}
	return -EINVAL;
}

static int out_of_memory(struct parser *ps)
{
	fail_at(ps, ps->line, "out of memory");
	return -ENOMEM;
}

/* A bit of the offending text for a message: at most 40 bytes, anything
 * not printable ASCII as '?', so the message stays one clean line. */
static const char *excerpt(const char *s, size_t n, char buf[static 48])
{
	size_t k = n < 40 ? n : 40;
	for (size_t i = 0; i < k; i++)
		buf[i] = s[i] >= 0x20 && s[i] < 0x7F ? s[i] : '?';
	strcpy(buf + k, n > k ? "..." : "");
	return buf;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* A line without its comment and surrounding blanks. '#' starts a comment
 * at the start of a line or after a blank, so "a#b" is a value but
 * "a #b" is "a"; a trailing blank that a backslash escapes is kept (it is
 * part of the glob: "\ " matches a space). */
static void trim_line(const char **s, size_t *n)
{
	const char *p = *s;
	size_t len = *n;

	while (len > 0 && is_blank(*p)) {
		p++;
		len--;
	}
	for (size_t i = 0; i < len; i++) {
		if (p[i] == '#' && (i == 0 || is_blank(p[i - 1]))) {
			len = i;
			break;
		}
	}
	while (len > 0 && is_blank(p[len - 1])) {
		size_t slashes = 0;
		while (slashes + 1 < len && p[len - 2 - slashes] == '\\')
			slashes++;
		if (slashes % 2 == 1)
			break;
		len--;
	}
	*s = p;
	*n = len;
}

static bool line_is(const char *s, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(s, word, n) == 0;
}

static int begin_entry(struct parser *ps)
{
	ps->in_entry = true;
	ps->entry_line = ps->line;
	memset(&ps->cur, 0, sizeof(ps->cur));
	return 0;
}

static int end_entry(struct parser *ps)
{
	if (!ps->cur.name)
		return fail_at(ps, ps->line, "empty name: an entry starts with its name, on the line after '{'");
	if (!set_reserve(ps->set, 1))
		return out_of_memory(ps);
	ps->set->entries[ps->set->n++] = ps->cur;
	memset(&ps->cur, 0, sizeof(ps->cur));
	ps->in_entry = false;
	return 0;
}

static int set_name(struct parser *ps, const char *s, size_t n)
{
	char ex[48];

	if (memchr(s, ':', n))
		return fail_at(ps, ps->line,
			       "expected the entry's name, found '%s' (a name has no ':'; is the name missing?)",
			       excerpt(s, n, ex));
	if (line_is(s, n, "..."))
		return fail_at(ps, ps->line, "expected the entry's name, found '...'");
	ps->cur.name = strndup(s, n);
	return ps->cur.name ? 0 : out_of_memory(ps);
}

static int add_frame(struct parser *ps, enum frame_kind kind, char *glob)
{
	struct supp_entry *e = &ps->cur;

	if (e->n_frames >= SUPP_MAX_FRAMES) {
		free(glob);
		return fail_at(ps, ps->line, "too many frames in entry '%s' (at most %d)", e->name,
			       SUPP_MAX_FRAMES);
	}
	struct supp_frame *p = realloc(e->frames, (e->n_frames + 1) * sizeof(*p));
	if (!p) {
		free(glob);
		return out_of_memory(ps);
	}
	e->frames = p;
	e->frames[e->n_frames++] = (struct supp_frame){ kind, glob };
	return 0;
}

static int keyword_field(const char *kw, size_t n)
{
	for (int f = 0; f < N_FIELDS; f++) {
		if (line_is(kw, n, field_keyword[f]))
			return f;
	}
	return -1;
}

/* "keyword: glob" inside a named entry. */
static int keyword_line(struct parser *ps, const char *s, size_t n, const char *colon)
{
	char ex[48];
	size_t kn = (size_t)(colon - s);
	const char *v = colon + 1;
	size_t vn = n - kn - 1;

	while (kn > 0 && is_blank(s[kn - 1]))
		kn--;
	while (vn > 0 && is_blank(*v)) {
		v++;
		vn--;
	}
	int field = keyword_field(s, kn);
	bool fun = line_is(s, kn, "fun"), obj = line_is(s, kn, "obj");
	if (field < 0 && !fun && !obj)
		return fail_at(ps, ps->line,
			       "unknown keyword '%s:' (expected syscall, kind, path, exe, fun, obj or '...')",
			       excerpt(s, kn, ex));
	if (vn == 0)
		return fail_at(ps, ps->line, "'%s:' needs a glob", excerpt(s, kn, ex));
	char *glob = strndup(v, vn);
	if (!glob)
		return out_of_memory(ps);
	const char *problem = glob_problem(glob);
	if (problem) {
		free(glob);
		return fail_at(ps, ps->line, "the glob of '%s:' %s", excerpt(s, kn, ex), problem);
	}
	if (fun || obj)
		return add_frame(ps, fun ? FRAME_FUN : FRAME_OBJ, glob);
	if (ps->cur.field[field]) {
		free(glob);
		return fail_at(ps, ps->line, "'%s:' given twice in entry '%s'", field_keyword[field],
			       ps->cur.name);
	}
	ps->cur.field[field] = glob;
	return 0;
}

static int entry_line(struct parser *ps, const char *s, size_t n)
{
	char ex[48];

	if (line_is(s, n, "{"))
		return fail_at(ps, ps->line, "missing '}': the entry opened at line %u is not closed",
			       ps->entry_line);
	if (line_is(s, n, "}"))
		return end_entry(ps);
	if (!ps->cur.name)
		return set_name(ps, s, n);
	if (line_is(s, n, "..."))
		return add_frame(ps, FRAME_ANY, NULL);
	const char *colon = memchr(s, ':', n);
	if (!colon)
		return fail_at(ps, ps->line, "expected 'keyword: glob', '...' or '}', found '%s'",
			       excerpt(s, n, ex));
	return keyword_line(ps, s, n, colon);
}

static int outside_line(struct parser *ps, const char *s, size_t n)
{
	char ex[48];

	if (line_is(s, n, "{"))
		return begin_entry(ps);
	if (line_is(s, n, "}"))
		return fail_at(ps, ps->line, "'}' without an entry to close");
	return fail_at(ps, ps->line, "expected '{' to start an entry, found '%s'", excerpt(s, n, ex));
}

static int parse_line(struct parser *ps, const char *s, size_t n)
{
	if (memchr(s, '\0', n))
		return fail_at(ps, ps->line, "NUL byte in the line");
	if (n > SUPP_MAX_LINE)
		return fail_at(ps, ps->line, "line too long (more than %d bytes)", SUPP_MAX_LINE);
	trim_line(&s, &n);
	if (n == 0)
		return 0;
	return ps->in_entry ? entry_line(ps, s, n) : outside_line(ps, s, n);
}

/* Lines end at '\n'; a '\r' before it (CRLF files) is not part of the
 * line, and the last line needs no newline. */
static int parse_lines(struct parser *ps, const char *text, size_t len)
{
	size_t pos = 0;

	while (pos < len) {
		const char *s = text + pos;
		const char *nl = memchr(s, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - s) : len - pos;
		pos += n + (nl ? 1 : 0);
		ps->line++;
		if (n > 0 && s[n - 1] == '\r')
			n--;
		int rc = parse_line(ps, s, n);
		if (rc < 0)
			return rc;
	}
	if (ps->in_entry)
		return fail_at(ps, ps->entry_line,
			       "unterminated entry: no '}' before the end of the file");
	return 0;
}

int pfd_supp_parse(const char *text, size_t len, const char *origin, struct pfd_supp_set **out,
		   char *err, size_t errsize)
{
	struct parser ps = {
		.origin = origin ? origin : "<suppressions>",
		.err = err,
		.errsize = errsize,
	};

	*out = NULL;
	if (err && errsize > 0)
		err[0] = '\0';
	ps.set = calloc(1, sizeof(*ps.set));
	if (!ps.set)
		return out_of_memory(&ps);
	int rc = parse_lines(&ps, text ? text : "", text ? len : 0);
	if (rc < 0) {
		entry_free(&ps.cur);
		pfd_supp_free(ps.set);
		return rc;
	}
	*out = ps.set;
	return 0;
}

/* The whole file, up to SUPP_MAX_FILE bytes; read rather than mapped or
 * sized by fstat, so a pipe (--suppressions <(...)) works too. */
static int read_file(int fd, char **text, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	for (;;) {
		if (n == cap) {
			if (cap >= SUPP_MAX_FILE + 1) {
				free(buf);
				return -E2BIG;
			}
			char *p = realloc(buf, cap * 2);
			if (!p) {
				free(buf);
				return -ENOMEM;
			}
			buf = p;
			cap *= 2;
		}
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			free(buf);
			return -e;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > SUPP_MAX_FILE) {
			free(buf);
			return -E2BIG;
		}
	}
	*text = buf;
	*len = n;
	return 0;
}

int pfd_supp_load(const char *path, struct pfd_supp_set **out, char *err, size_t errsize)
{
	char *text = NULL;
	size_t len = 0;

	*out = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc = fd < 0 ? -errno : read_file(fd, &text, &len);
	if (fd >= 0)
		close(fd);
	if (rc < 0 && err && errsize > 0) {
		if (rc == -E2BIG)
			snprintf(err, errsize, "%s: larger than %u bytes", path, SUPP_MAX_FILE);
		else
			snprintf(err, errsize, "%s: %s", path, strerror(-rc));
	}
	if (rc < 0)
		return rc;
	rc = pfd_supp_parse(text, len, path, out, err, errsize);
	free(text);
	return rc;
}

/* ---- generating -------------------------------------------------------- */


/* A name part: letters, digits and "_.+-" as they are, anything else '_',
 * so a generated name is one plain word whatever the tracee's names. */
static void put_name_part(struct pfd_buf *out, const char *s)
{
	for (size_t i = 0; s[i] != '\0' && i < GEN_MAX_NAME_PART; i++) {
		char c = s[i];
		bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9') || strchr("_.+-", c);
		pfd_buf_putc(out, plain ? c : '_');
	}
}

/* leak-SYSCALL-KIND[-FUNCTION]: the innermost function outside the system
 * libraries, rather than the fd number, which changes with any open. */
static void put_name(struct pfd_buf *out, const struct pfd_leak_view *leak)
{
	pfd_buf_puts(out, "leak-");
	put_name_part(out, leak_field(leak, FIELD_SYSCALL));
	pfd_buf_putc(out, '-');
	put_name_part(out, leak->kind && leak->kind[0] ? leak->kind : "unknown");
	for (size_t i = 0; leak->frames && i < leak->n_frames; i++) {
		const struct pfd_frame *fr = &leak->frames[i];
		if (fr->function && fr->function[0] && !pfd_leak_module_is_system(fr->module)) {
			pfd_buf_putc(out, '-');
			put_name_part(out, fr->function);
			break;
		}
	}
}

/* The length of the well-formed UTF-8 sequence at p (avail bytes) when it
 * is a character a terminal shows as one: not a C1 control (U+0080..9F)
 * nor a bidi override or isolate (U+202A..E, U+2066..9); else 0. */
static size_t shown_utf8_len(const unsigned char *p, size_t avail)
{
	size_t n = p[0] >= 0xf0 ? 4 : p[0] >= 0xe0 ? 3 : p[0] >= 0xc0 ? 2 : 0;
	static const uint32_t least[] = { 0, 0, 0x80, 0x800, 0x10000 };
	if (n == 0 || n > avail || p[0] > 0xf4)
		return 0;
	uint32_t cp = p[0] & (0x7f >> n);
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if (cp < least[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) || cp <= 0x9f ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069))
		return 0;
	return n;
}

/* s as a glob that matches exactly s: the metacharacters and '#' behind a
 * backslash, a leading or trailing space too (the parser drops unescaped
 * ones). A byte no line of a pasted entry can hold as it is becomes '?',
 * which matches it: control bytes (a newline, a '\r' before it), and what
 * the text output would have to escape to keep a terminal safe (C1
 * controls, bidi overrides, invalid UTF-8), so that the entry printed in
 * text is the entry itself. Past GEN_MAX_GLOB bytes the rest is '*'. */
static void put_literal_glob(struct pfd_buf *out, const char *s)
{
	size_t len = strlen(s), written = 0;

	for (size_t i = 0; i < len;) {
		unsigned char c = (unsigned char)s[i];
		size_t n = c >= 0x80 ? shown_utf8_len((const unsigned char *)s + i, len - i) : 1;
		if (written + n + 2 > GEN_MAX_GLOB) {
			pfd_buf_putc(out, '*');
			return;
		}
		if (c < 0x20 || c == 0x7F || n == 0) {
			pfd_buf_putc(out, '?');
			written++;
			i++;
			continue;
		}
		if (strchr("*?[]\\#", c) || (c == ' ' && (i == 0 || i == len - 1))) {
			pfd_buf_putc(out, '\\');
			written++;
		}
		pfd_buf_put(out, s + i, n);
		written += n;
		i += n;
	}
}

/* "   keyword: glob", without the end of the line. */
static void put_item(struct pfd_buf *out, const char *keyword, const char *value)
{
	pfd_buf_puts(out, "   ");
	pfd_buf_puts(out, keyword);
	pfd_buf_puts(out, ": ");
	put_literal_glob(out, value);
}

static void put_line(struct pfd_buf *out, const char *keyword, const char *value)
{
	put_item(out, keyword, value);
	pfd_buf_putc(out, '\n');
}

/* One frame line: the function when known, else the module, with the
 * module offset as a comment (where a later eu-addr2line looks); a frame
 * with neither is "fun: *" (any one frame), its address left as a comment. */
static void put_frame(struct pfd_buf *out, const struct pfd_frame *fr)
{
	if (fr->function && fr->function[0]) {
		put_line(out, "fun", fr->function);
	} else if (fr->module && fr->module[0]) {
		put_item(out, "obj", fr->module);
		pfd_buf_puts(out, "   # +");
		pfd_buf_hex(out, fr->module_offset);
		pfd_buf_putc(out, '\n');
	} else {
		pfd_buf_puts(out, "   fun: *   # ");
		pfd_buf_hex(out, fr->ip);
		pfd_buf_putc(out, '\n');
	}
}

void pfd_supp_generate(const struct pfd_leak_view *leak, struct pfd_buf *out)
{
	size_t n = leak->frames ? leak->n_frames : 0;
	size_t shown = n < GEN_FRAMES ? n : GEN_FRAMES;

	pfd_buf_puts(out, "{\n   ");
	put_name(out, leak);
	pfd_buf_putc(out, '\n');
	/* An empty value has no glob of its own (only "*"-like globs match
	 * ""), so it goes without a line, which matches it too. */
	if (leak_field(leak, FIELD_SYSCALL)[0])
		put_line(out, "syscall", leak_field(leak, FIELD_SYSCALL));
	if (leak->kind && leak->kind[0])
		put_line(out, "kind", leak->kind);
	/* Paths and executables change between runs more often than code
	 * does: given for reference, ready to be uncommented. */
	if (leak->path && leak->path[0])
		put_line(out, "# path", leak->path);
	if (leak->exe && leak->exe[0])
		put_line(out, "# exe", leak->exe);
	for (size_t i = 0; i < shown; i++)
		put_frame(out, &leak->frames[i]);
	/* Not needed for matching (an entry matches the innermost frames),
	 * but it shows the reader that the stack went on. */
	if (shown < n || n >= PFD_STACK_MAX_FRAMES)
		pfd_buf_puts(out, "   ...\n");
	pfd_buf_puts(out, "}\n");
}
