/* procfd-trace: the leak tracker's report as a SARIF 2.1.0 log, for code
 * scanning UIs (GitHub, VS Code's SARIF viewer, ...).
 *
 * One run, two rules (fd-leak; fd-leak-deleted, an error because the file's
 * disk space stays in use), one result per leak. A result is located at
 * the innermost frame with file:line in the traced program itself (outside
 * the system libraries): frame 0 is libc's syscall wrapper, which is never
 * where the fix goes. Without such a frame (a stripped program) the
 * location is logical: the program's innermost frame as module, offset in
 * it and function when known, never a libc source line. Its whole stack
 * goes along as a SARIF stack, each frame with its module offset and
 * build-id, so that it can be symbolized later.
 *
 * Artifact URIs: a source file under the current directory (at
 * pfd_sarif_new) is a relative URI against the base id SRCROOT, which
 * originalUriBaseIds maps to that directory, so a report made at the top
 * of a checkout matches the repository's paths; a relative DWARF file name
 * is taken as relative to it too; any other absolute path is a file:// URI.
 * Every byte outside the URI's unreserved set is percent-encoded, so a path
 * that is not UTF-8 still gives a valid, lossless URI. Texts (messages,
 * names, properties) are JSON strings with invalid UTF-8 replaced by
 * U+FFFD: SARIF has no byte strings.
 *
 * Results are rendered when added (the leak's strings need not outlive the
 * call), the document when written. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tracer/plugins/leaks/leaks.h"

#define SARIF_SCHEMA "https://json.schemastore.org/sarif-2.1.0.json"
#define TOOL_NAME "procfd-trace"
#define FINGERPRINT_KEY "procfdLeak/v1"
#define SRCROOT "SRCROOT"

/* ---- a small pretty-printing JSON writer ------------------------------- */

#define JSON_MAX_DEPTH 24

struct json_out {
	struct pfd_buf *b;
	unsigned depth;
	bool has_items[JSON_MAX_DEPTH]; /* per open level: a comma before the next */
};

static void json_indent(struct json_out *j)
{
	pfd_buf_putc(j->b, '\n');
	for (unsigned i = 0; i < j->depth; i++)
		pfd_buf_puts(j->b, "  ");
}

/* Before any value: the comma, the line, the key (NULL in an array). */
static void json_item(struct json_out *j, const char *key)
{
	if (j->has_items[j->depth])
		pfd_buf_putc(j->b, ',');
	j->has_items[j->depth] = true;
	json_indent(j);
	if (key) {
		pfd_buf_json_string(j->b, key);
		pfd_buf_puts(j->b, ": ");
	}
}

static void json_open(struct json_out *j, const char *key, char bracket)
{
	json_item(j, key);
	pfd_buf_putc(j->b, bracket);
	/* The document's shape is fixed and shallower than this; the check
	 * only keeps a mistake from writing past the array. */
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->has_items[j->depth] = false;
}

static void json_close(struct json_out *j, char bracket)
{
	bool had = j->has_items[j->depth];
	if (j->depth > 0)
		j->depth--;
	if (had)
		json_indent(j);
	pfd_buf_putc(j->b, bracket);
}

static void json_object(struct json_out *j, const char *key) { json_open(j, key, '{'); }
static void json_array(struct json_out *j, const char *key) { json_open(j, key, '['); }
static void json_end_object(struct json_out *j) { json_close(j, '}'); }
static void json_end_array(struct json_out *j) { json_close(j, ']'); }

static void json_str(struct json_out *j, const char *key, const char *s)
{
	json_item(j, key);
	pfd_buf_json_string(j->b, s);
}

static void json_uint(struct json_out *j, const char *key, uint64_t v)
{
	json_item(j, key);
	pfd_buf_uint(j->b, v);
}

static void json_int(struct json_out *j, const char *key, int64_t v)
{
	json_item(j, key);
	pfd_buf_int(j->b, v);
}

static void json_bool(struct json_out *j, const char *key, bool v)
{
	json_item(j, key);
	pfd_buf_puts(j->b, v ? "true" : "false");
}

/* SARIF's message and multiformatMessageString objects: {"text": s}. */
static void json_text(struct json_out *j, const char *key, const char *s)
{
	json_object(j, key);
	json_str(j, "text", s);
	json_end_object(j);
}

/* ---- the report -------------------------------------------------------- */

struct pfd_sarif {
	char *tool_version;
	char **argv;           /* a copy, NULL-terminated */
	char *cwd;             /* without a trailing '/' ("" for the root), or NULL */
	struct pfd_buf results;
	struct json_out rj;    /* the writer of results, at their depth in the document */
	size_t n_results;
};

/* The depth of the results array's elements: root, runs, run, results. */
#define RESULTS_DEPTH 4

static void sarif_free(struct pfd_sarif *s)
{
	if (!s)
		return;
	free(s->tool_version);
	for (size_t i = 0; s->argv && s->argv[i]; i++)
		free(s->argv[i]);
	free(s->argv);
	free(s->cwd);
	pfd_buf_free(&s->results);
	free(s);
}

static char **copy_argv(char *const *argv)
{
	size_t n = 0;
	while (argv && argv[n])
		n++;
	char **copy = calloc(n + 1, sizeof(*copy));
	if (!copy)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		copy[i] = strdup(argv[i]);
		if (!copy[i]) {
			while (i > 0)
				free(copy[--i]);
			free(copy);
			return NULL;
		}
	}
	return copy;
}

/* The current directory, as the base relative URIs are read against; NULL
 * when unknown (deleted, too long): every path is then absolute. */
static char *current_dir(void)
{
	char *cwd = getcwd(NULL, 0);
	if (cwd && cwd[0] != '/') {
		free(cwd);
		return NULL;
	}
	if (cwd && strcmp(cwd, "/") == 0)
		cwd[0] = '\0';
	return cwd;
}

struct pfd_sarif *pfd_sarif_new(const char *tool_version, char *const *argv)
{
	struct pfd_sarif *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->tool_version = tool_version ? strdup(tool_version) : NULL;
	s->argv = copy_argv(argv);
	s->cwd = current_dir();
	if ((tool_version && !s->tool_version) || !s->argv) {
		sarif_free(s);
		return NULL;
	}
	s->rj.b = &s->results;
	s->rj.depth = RESULTS_DEPTH;
	return s;
}

/* ---- locations --------------------------------------------------------- */


static bool has_source(const struct pfd_frame *fr)
{
	return fr->file && fr->file[0] && fr->line > 0;
}

/* The result's physical location (leaks.h): the innermost frame with
 * file:line outside the system libraries, else none. A system library's
 * source (../sysdeps/unix/syscall-template.S) is never where the fix goes,
 * and would pin every leak of a stripped program on one libc line. */
static const struct pfd_frame *location_frame(const struct pfd_leak_view *leak)
{
	for (size_t i = 0; leak->frames && i < leak->n_frames; i++) {
		const struct pfd_frame *fr = &leak->frames[i];
		if (has_source(fr) && !pfd_leak_module_is_system(fr->module))
			return fr;
	}
	return NULL;
}

/* Where a result without a physical location is: the innermost frame in a
 * module of the program (a stripped executable: module and offset, the
 * function when its symbol table has one), else the innermost frame in any
 * module; NULL when no frame has one. */
static const struct pfd_frame *logical_frame(const struct pfd_leak_view *leak)
{
	const struct pfd_frame *fallback = NULL;

	for (size_t i = 0; leak->frames && i < leak->n_frames; i++) {
		const struct pfd_frame *fr = &leak->frames[i];
		if (!fr->module || !fr->module[0])
			continue;
		if (!pfd_leak_module_is_system(fr->module))
			return fr;
		if (!fallback)
			fallback = fr;
	}
	return fallback;
}

/* The innermost function of the program itself (for fingerprints and a
 * location without source), else NULL. */
static const char *program_function(const struct pfd_leak_view *leak)
{
	for (size_t i = 0; leak->frames && i < leak->n_frames; i++) {
		const struct pfd_frame *fr = &leak->frames[i];
		if (fr->function && fr->function[0] && !pfd_leak_module_is_system(fr->module))
			return fr->function;
	}
	return NULL;
}

static bool uri_unreserved(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
}

static void put_uri_path(struct pfd_buf *b, const char *path)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
		if (uri_unreserved(*p)) {
			pfd_buf_putc(b, (char)*p);
		} else {
			char esc[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			pfd_buf_put(b, esc, sizeof(esc));
		}
	}
}

/* How file is written as a URI (see the top of the file): into uri, and
 * whether it is relative to SRCROOT. */
static bool file_uri(const struct pfd_sarif *s, const char *file, struct pfd_buf *uri)
{
	if (file[0] != '/') {
		while (file[0] == '.' && file[1] == '/')
			file += 2;
		put_uri_path(uri, file);
		return true;
	}
	size_t n = s->cwd ? strlen(s->cwd) : 0;
	if (s->cwd && strncmp(file, s->cwd, n) == 0 && file[n] == '/' && file[n + 1]) {
		put_uri_path(uri, file + n + 1);
		return true;
	}
	pfd_buf_puts(uri, "file://");
	put_uri_path(uri, file);
	return false;
}

static void put_physical_location(struct json_out *j, const struct pfd_sarif *s,
				  const struct pfd_frame *fr)
{
	struct pfd_buf uri = PFD_BUF_INIT;
	bool relative = file_uri(s, fr->file, &uri);

	json_object(j, "physicalLocation");
	json_object(j, "artifactLocation");
	json_str(j, "uri", pfd_buf_str(&uri));
	if (relative)
		json_str(j, "uriBaseId", SRCROOT);
	json_end_object(j);
	json_object(j, "region");
	json_uint(j, "startLine", fr->line);
	json_end_object(j);
	json_end_object(j);
	pfd_buf_free(&uri);
}

static void put_logical_location(struct json_out *j, const char *function)
{
	json_array(j, "logicalLocations");
	json_object(j, NULL);
	json_str(j, "name", function);
	json_str(j, "kind", "function");
	json_end_object(j);
	json_end_array(j);
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash[1] ? slash + 1 : path;
}

/* "/usr/bin/git+0x1abe": the frame's module and its offset in it, what
 * eu-addr2line -e takes. */
static void module_and_offset(struct pfd_buf *b, const struct pfd_frame *fr)
{
	pfd_buf_puts(b, fr->module);
	pfd_buf_putc(b, '+');
	pfd_buf_hex(b, fr->module_offset);
}

/* What symbolizes the frame later: its module offset and build-id. */
static void put_frame_properties(struct json_out *j, const struct pfd_frame *fr)
{
	if (!fr->module)
		return;
	json_object(j, "properties");
	json_uint(j, "moduleOffset", fr->module_offset);
	if (fr->build_id)
		json_str(j, "buildId", fr->build_id);
	json_end_object(j);
}

/* A location with no source: the function (when known) and the module,
 * as logical locations, the module offset in the message and properties. */
static void put_module_location(struct json_out *j, const struct pfd_frame *fr)
{
	struct pfd_buf b = PFD_BUF_INIT;

	json_array(j, "logicalLocations");
	if (fr->function) {
		json_object(j, NULL);
		json_str(j, "name", fr->function);
		pfd_buf_puts(&b, base_name(fr->module));
		pfd_buf_putc(&b, '!');
		pfd_buf_puts(&b, fr->function);
		json_str(j, "fullyQualifiedName", pfd_buf_str(&b));
		json_str(j, "kind", "function");
		json_end_object(j);
	}
	json_object(j, NULL);
	json_str(j, "name", base_name(fr->module));
	json_str(j, "fullyQualifiedName", fr->module);
	json_str(j, "kind", "module");
	json_end_object(j);
	json_end_array(j);
	pfd_buf_clear(&b);
	if (fr->function) {
		pfd_buf_puts(&b, fr->function);
		pfd_buf_putc(&b, '+');
		pfd_buf_hex(&b, fr->offset);
		pfd_buf_puts(&b, " at ");
	}
	module_and_offset(&b, fr);
	json_text(j, "message", pfd_buf_str(&b));
	put_frame_properties(j, fr);
	pfd_buf_free(&b);
}

/* ---- results ----------------------------------------------------------- */

/* The rules of the driver; a result names its rule by id and by index in
 * this array, and takes its level from it. */
struct sarif_rule {
	const char *id, *name, *short_text, *full_text, *level;
};

static const struct sarif_rule rules[] = {
	{ "fd-leak", "FdLeak", "File descriptor open at exit",
	  "A file descriptor the program created was still open when its process "
	  "exited: nothing closed it. A long-running program that leaks descriptors "
	  "runs out of them (EMFILE), and a child it starts inherits them.",
	  "warning" },
	{ "fd-leak-deleted", "FdLeakDeletedFile",
	  "File descriptor open at exit holds a deleted file",
	  "A file descriptor still open at the exit of its process refers to a file "
	  "that was deleted: the file's disk space stays in use, invisible to du and "
	  "ls, until the descriptor is closed.",
	  "error" },
};

static size_t rule_index(const struct pfd_leak_view *leak)
{
	return leak->deleted ? 1 : 0;
}

static const char *rule_id(const struct pfd_leak_view *leak)
{
	return rules[rule_index(leak)].id;
}

static const char *syscall_name(const struct pfd_leak_view *leak)
{
	return leak->syscall ? leak->syscall : "inherited";
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* FNV-1a, 64 bits: stable across runs, builds and machines, which is all
 * a fingerprint needs (it is no defence against anything). */
static uint64_t fnv1a(uint64_t h, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s;; p++) {
		h ^= *p;
		h *= 0x100000001b3ULL;
		if (*p == '\0')
			return h; /* the NUL too, so ("ab","c") and ("a","bc") differ */
	}
}

/* The same leak in the next run has the same hash: rule, the program's
 * function, its file (as written in the report), call and kind, but no
 * line, fd, pid or path, which move for reasons unrelated to the leak.
 * With no function of the program known (stripped), its module's name and
 * offset stand in, or every leak of a stripped program would be one. */
static void put_fingerprint(struct json_out *j, const struct pfd_sarif *s,
			    const struct pfd_leak_view *leak, const struct pfd_frame *where)
{
	struct pfd_buf file = PFD_BUF_INIT, hex = PFD_BUF_INIT;
	uint64_t h = 0xcbf29ce484222325ULL;
	const struct pfd_frame *logical = logical_frame(leak);

	if (where)
		file_uri(s, where->file, &file);
	h = fnv1a(h, rule_id(leak));
	h = fnv1a(h, or_empty(program_function(leak)));
	h = fnv1a(h, pfd_buf_str(&file));
	h = fnv1a(h, syscall_name(leak));
	h = fnv1a(h, or_empty(leak->kind));
	if (!program_function(leak) && logical) {
		pfd_buf_puts(&hex, base_name(logical->module));
		pfd_buf_hex(&hex, logical->module_offset);
		h = fnv1a(h, pfd_buf_str(&hex));
		pfd_buf_clear(&hex);
	}
	for (int shift = 60; shift >= 0; shift -= 4)
		pfd_buf_putc(&hex, "0123456789abcdef"[(h >> shift) & 15]);
	json_object(j, "partialFingerprints");
	json_str(j, FINGERPRINT_KEY, pfd_buf_str(&hex));
	json_end_object(j);
	pfd_buf_free(&file);
	pfd_buf_free(&hex);
}

/* "fd 3 (regular /tmp/x, from openat) is still open at the exit of
 * process 42 (/usr/bin/prog)", when the caller gives no message. */
static void default_message(struct pfd_buf *m, const struct pfd_leak_view *leak)
{
	pfd_buf_puts(m, "fd ");
	pfd_buf_int(m, leak->fd);
	pfd_buf_puts(m, " (");
	pfd_buf_puts(m, leak->kind ? leak->kind : "unknown kind");
	if (leak->path && leak->path[0]) {
		pfd_buf_putc(m, ' ');
		pfd_buf_puts(m, leak->path);
	}
	pfd_buf_puts(m, leak->syscall ? ", from " : ", inherited");
	pfd_buf_puts(m, or_empty(leak->syscall));
	pfd_buf_puts(m, ") is still open at the exit of process ");
	pfd_buf_int(m, leak->pid);
	if (leak->exe && leak->exe[0]) {
		pfd_buf_puts(m, " (");
		pfd_buf_puts(m, leak->exe);
		pfd_buf_putc(m, ')');
	}
	if (leak->deleted) {
		pfd_buf_puts(m, "; the file is deleted and its ");
		pfd_buf_uint(m, leak->bytes_pinned);
		pfd_buf_puts(m, " bytes of disk space stay in use");
	}
}

/* Physical where the program has a source line; else logical: module,
 * offset and function of the program's innermost frame (docs/sarif.md). */
static void put_locations(struct json_out *j, const struct pfd_sarif *s,
			  const struct pfd_leak_view *leak, const struct pfd_frame *where)
{
	const struct pfd_frame *logical = where ? NULL : logical_frame(leak);

	if (!where && !logical)
		return;
	json_array(j, "locations");
	json_object(j, NULL);
	if (where) {
		put_physical_location(j, s, where);
		const char *function = where->function ? where->function : program_function(leak);
		if (function)
			put_logical_location(j, function);
	} else {
		put_module_location(j, logical);
	}
	json_end_object(j);
	json_end_array(j);
}

/* A frame's text as the text sink shows it: "f+0x1a in /lib/libc.so.6",
 * "0x1abe in /usr/bin/git" (the module offset) without a symbol. */
static void frame_text(struct pfd_buf *t, const struct pfd_frame *fr)
{
	if (fr->function) {
		pfd_buf_puts(t, fr->function);
		pfd_buf_puts(t, "+");
		pfd_buf_hex(t, fr->offset);
	} else {
		pfd_buf_hex(t, fr->module ? fr->module_offset : fr->ip);
	}
	if (fr->module) {
		pfd_buf_puts(t, " in ");
		pfd_buf_puts(t, fr->module);
	}
}

static void put_stack_frame(struct json_out *j, const struct pfd_sarif *s,
			    const struct pfd_frame *fr)
{
	struct pfd_buf text = PFD_BUF_INIT;

	frame_text(&text, fr);
	json_object(j, NULL);
	json_object(j, "location");
	if (has_source(fr))
		put_physical_location(j, s, fr);
	if (fr->function)
		put_logical_location(j, fr->function);
	json_text(j, "message", pfd_buf_str(&text));
	json_end_object(j);
	if (fr->module)
		json_str(j, "module", fr->module);
	put_frame_properties(j, fr);
	json_end_object(j);
	pfd_buf_free(&text);
}

static void put_stack(struct json_out *j, const struct pfd_sarif *s,
		      const struct pfd_leak_view *leak)
{
	if (!leak->frames || leak->n_frames == 0)
		return;
	json_array(j, "stacks");
	json_object(j, NULL);
	json_text(j, "message", leak->syscall ? "Where the descriptor was created"
					      : "Where the descriptor was found");
	json_array(j, "frames");
	for (size_t i = 0; i < leak->n_frames; i++)
		put_stack_frame(j, s, &leak->frames[i]);
	json_end_array(j);
	json_end_object(j);
	json_end_array(j);
}

/* What the leak is, for tools that read more than the message. */
static void put_properties(struct json_out *j, const struct pfd_leak_view *leak)
{
	json_object(j, "properties");
	json_int(j, "pid", leak->pid);
	json_int(j, "fd", leak->fd);
	json_str(j, "syscall", syscall_name(leak));
	json_str(j, "kind", or_empty(leak->kind));
	json_str(j, "path", or_empty(leak->path));
	json_str(j, "exe", or_empty(leak->exe));
	json_bool(j, "deleted", leak->deleted);
	if (leak->deleted)
		json_uint(j, "bytesPinned", leak->bytes_pinned);
	json_end_object(j);
}

void pfd_sarif_add(struct pfd_sarif *s, const struct pfd_leak_view *leak, const char *message)
{
	if (!s || !leak)
		return;
	struct json_out *j = &s->rj;
	const struct pfd_frame *where = location_frame(leak);
	struct pfd_buf text = PFD_BUF_INIT;

	if (message && message[0])
		pfd_buf_puts(&text, message);
	else
		default_message(&text, leak);
	json_object(j, NULL);
	json_str(j, "ruleId", rule_id(leak));
	json_uint(j, "ruleIndex", rule_index(leak));
	json_str(j, "level", rules[rule_index(leak)].level);
	json_text(j, "message", pfd_buf_str(&text));
	put_locations(j, s, leak, where);
	put_fingerprint(j, s, leak, where);
	put_stack(j, s, leak);
	put_properties(j, leak);
	json_end_object(j);
	s->n_results++;
	pfd_buf_free(&text);
}

/* ---- the document ------------------------------------------------------ */

static void put_rules(struct json_out *j)
{
	json_array(j, "rules");
	for (size_t i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		json_object(j, NULL);
		json_str(j, "id", rules[i].id);
		json_str(j, "name", rules[i].name);
		json_text(j, "shortDescription", rules[i].short_text);
		json_text(j, "fullDescription", rules[i].full_text);
		json_object(j, "defaultConfiguration");
		json_str(j, "level", rules[i].level);
		json_end_object(j);
		json_end_object(j);
	}
	json_end_array(j);
}

static void put_tool(struct json_out *j, const struct pfd_sarif *s)
{
	json_object(j, "tool");
	json_object(j, "driver");
	json_str(j, "name", TOOL_NAME);
	if (s->tool_version)
		json_str(j, "version", s->tool_version);
	put_rules(j);
	json_end_object(j);
	json_end_object(j);
}

/* An argument needs quotes for a shell unless made of these. */
static bool shell_plain(const char *arg)
{
	if (!arg[0])
		return false;
	for (const char *p = arg; *p; p++) {
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_./=:,+@%", *p))
			return false;
	}
	return true;
}

/* argv joined as a shell would read it back: 'quoted' where needed. */
static void command_line(struct pfd_buf *b, char *const *argv)
{
	for (size_t i = 0; argv[i]; i++) {
		if (i > 0)
			pfd_buf_putc(b, ' ');
		if (shell_plain(argv[i])) {
			pfd_buf_puts(b, argv[i]);
			continue;
		}
		pfd_buf_putc(b, '\'');
		for (const char *p = argv[i]; *p; p++) {
			if (*p == '\'')
				pfd_buf_puts(b, "'\\''");
			else
				pfd_buf_putc(b, *p);
		}
		pfd_buf_putc(b, '\'');
	}
}

/* "file:///dir/": a base URI must end with '/'. */
static void dir_uri(struct pfd_buf *b, const char *dir)
{
	pfd_buf_puts(b, "file://");
	put_uri_path(b, dir);
	pfd_buf_putc(b, '/');
}

static void put_invocation(struct json_out *j, const struct pfd_sarif *s)
{
	struct pfd_buf b = PFD_BUF_INIT;

	json_array(j, "invocations");
	json_object(j, NULL);
	command_line(&b, s->argv);
	json_str(j, "commandLine", pfd_buf_str(&b));
	json_array(j, "arguments");
	for (size_t i = 0; s->argv[i]; i++)
		json_str(j, NULL, s->argv[i]);
	json_end_array(j);
	/* The leaks were found; whether the traced program succeeded is not
	 * this report's business. */
	json_bool(j, "executionSuccessful", true);
	if (s->cwd) {
		pfd_buf_clear(&b);
		dir_uri(&b, s->cwd);
		json_object(j, "workingDirectory");
		json_str(j, "uri", pfd_buf_str(&b));
		json_end_object(j);
	}
	json_end_object(j);
	json_end_array(j);
	pfd_buf_free(&b);
}

static void put_base_ids(struct json_out *j, const struct pfd_sarif *s)
{
	struct pfd_buf b = PFD_BUF_INIT;

	if (!s->cwd)
		return;
	dir_uri(&b, s->cwd);
	json_object(j, "originalUriBaseIds");
	json_object(j, SRCROOT);
	json_str(j, "uri", pfd_buf_str(&b));
	json_end_object(j);
	json_end_object(j);
	pfd_buf_free(&b);
}

static void put_results(struct json_out *j, const struct pfd_sarif *s)
{
	json_array(j, "results");
	pfd_buf_put(j->b, s->results.data ? s->results.data : "", s->results.len);
	j->has_items[j->depth] = s->n_results > 0;
	json_end_array(j);
}

static void render_document(const struct pfd_sarif *s, struct pfd_buf *b)
{
	struct json_out j = { .b = b };

	json_object(&j, NULL);
	json_str(&j, "$schema", SARIF_SCHEMA);
	json_str(&j, "version", "2.1.0");
	json_array(&j, "runs");
	json_object(&j, NULL);
	put_tool(&j, s);
	put_invocation(&j, s);
	put_base_ids(&j, s);
	put_results(&j, s);
	json_str(&j, "columnKind", "utf16CodeUnits");
	json_end_object(&j);
	json_end_array(&j);
	json_end_object(&j);
	pfd_buf_putc(b, '\n');
}

/* ---- writing ----------------------------------------------------------- */

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Write, flush and close fd: the first error of the three. */
static int finish_file(int fd, const char *data, size_t len, bool sync)
{
	int rc = write_all(fd, data, len);
	if (rc == 0 && sync && fsync(fd) < 0)
		rc = -errno;
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

/* Through PATH.tmp and a rename, so a reader never sees half a report.
 * On failure PATH goes too: a report of an earlier run left there would
 * pass for this run's (the exit status says the write failed, but a CI
 * step that uploads the file reads the file). O_NOFOLLOW: a symlink
 * planted at PATH.tmp (say in /tmp) is not followed. */
static int write_replacing(const char *path, const char *data, size_t len)
{
	struct pfd_buf tmp = PFD_BUF_INIT;

	pfd_buf_puts(&tmp, path);
	pfd_buf_puts(&tmp, ".tmp");
	int rc = tmp.failed ? -ENOMEM : 0;
	int fd = rc < 0 ? -1 : open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW,
				    0644);
	if (rc == 0)
		rc = fd < 0 ? -errno : finish_file(fd, data, len, true);
	if (rc == 0 && rename(tmp.data, path) < 0)
		rc = -errno;
	if (rc < 0 && fd >= 0)
		unlink(tmp.data);
	if (rc < 0)
		unlink(path);
	pfd_buf_free(&tmp);
	return rc;
}

/* A device, pipe or symlink (-o /dev/stdout, a FIFO, a link the user
 * keeps) is written through: a rename would replace it by a file. */
static bool replaceable(const char *path)
{
	struct stat st;
	return lstat(path, &st) < 0 ? errno == ENOENT : S_ISREG(st.st_mode);
}

/* Through a device, FIFO or symlink. A write that fails into a regular
 * file (a symlink's target) leaves it empty rather than holding the start
 * of a document. */
static int write_through(const char *path, const char *data, size_t len)
{
	struct stat st;
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	int rc = write_all(fd, data, len);
	if (rc < 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) < 0) {
		/* nothing more to do: the write's error is the one to tell */
	}
	if (close(fd) < 0 && rc == 0)
		rc = -errno;
	return rc;
}

static int write_file(const char *path, const char *data, size_t len)
{
	return replaceable(path) ? write_replacing(path, data, len)
				 : write_through(path, data, len);
}

int pfd_sarif_write(struct pfd_sarif *s, const char *path)
{
	struct pfd_buf doc = PFD_BUF_INIT;
	int rc;

	if (!s)
		return -ENOMEM; /* pfd_sarif_new failed */
	if (!path) {
		sarif_free(s);
		return -EINVAL;
	}
	render_document(s, &doc);
	if (doc.failed || s->results.failed)
		rc = -ENOMEM;
	else
		rc = write_file(path, doc.data, doc.len);
	pfd_buf_free(&doc);
	sarif_free(s);
	return rc;
}
