/* A holder for procfd-trace --explain (run.py's +explain cases, make demo):
 * it opens one fd of every state the explanation must get right, prints the
 * "explain" events expected of `--explain PID /proc/PID/fd/200 DEADPID
 * /proc/self/fd/0`, says "ready PID" and waits for SIGTERM. procfd-trace is
 * not tracing it: the harness runs the explanation beside it.
 *
 *   explain_holder          every state, with expectations
 *   explain_holder denied   one file; procfd-trace runs as another user and
 *                           may not list the fd directory
 *   explain_holder demo     a deleted file, a pipe, a socket; prints the
 *                           paths to explain after "ready PID"
 *   explain_holder only-broken  a deleted and a live file, for --only=broken"
 *
 * Each expectation states what the scenario makes true (checked here on the
 * kernel first), never what procfd-trace happens to print.
 * pfdtest: no-m32 (nothing is traced: an i386 holder tests nothing more) */
#include "expect.h"

#include <signal.h>

static const char DELETED_CONTENT[] = "a deleted file with 36 bytes in it.\n";
#define CLOSED_FD 200

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

/* ---- cells of the table, as JSON ------------------------------------------ */

static const char *jerr(const char *e)
{
	return sfmt("{\"ok\":false,\"errno\":\"%s\"}", e);
}

/* The held inode reached, of kind, with its link count and size. */
static const char *jheld(int fd, const char *kind)
{
	struct stat st = fd_stat(fd);
	return sfmt("{\"ok\":true,\"errno\":null,\"kind\":\"%s\",\"held\":true,\"ino\":%llu,"
		    "\"nlink\":%llu,\"size\":%lld}", kind, (unsigned long long)st.st_ino,
		    (unsigned long long)st.st_nlink, (long long)st.st_size);
}

/* Another inode than the held one: what path names. */
static const char *jother(const char *path)
{
	struct stat st;
	CHECK(stat(path, &st) == 0, "stat %s", path);
	return sfmt("{\"ok\":true,\"kind\":\"regular\",\"held\":false,\"ino\":%llu,\"size\":%lld}",
		    (unsigned long long)st.st_ino, (long long)st.st_size);
}

static const char *jok(void)
{
	return "{\"ok\":true,\"errno\":null}";
}

/* One scenario's expectation. open_m/open_r... are the cells of both
 * columns; verdict and remedy regexes. */
struct xexp {
	const char *xcase;
	const char *target;       /* JSON, or "null" */
	const char *text_target;  /* JSON value */
	const char *open_m, *open_r, *stat_m, *stat_r, *access_m, *access_r, *text_r;
	const char *extra;        /* more fields, starting with ',' (or "") */
	const char *verdict, *remedy;
};

static void expect_explain(pid_t pid, int fd, const struct xexp *x)
{
	const char *link = sfmt("/proc/%d/fd/%d", (int)pid, fd);
	expect("{\"event\":\"explain\",\"pid\":%d,\"link\":%s,\"fd\":%d,\"self\":false,"
	       "\"case\":\"%s\",\"target\":%s,\"text_target\":%s,"
	       "\"open\":{\"magic\":%s,\"regular\":%s},\"stat\":{\"magic\":%s,\"regular\":%s},"
	       "\"lstat\":{\"magic\":{\"ok\":true,\"kind\":\"symlink\",\"held\":false},"
	       "\"regular\":{\"ok\":true,\"kind\":null}},"
	       "\"access\":{\"magic\":%s,\"regular\":%s},"
	       "\"stat_text\":{\"magic\":%s,\"regular\":%s}%s,"
	       "\"verdict\":\"$re:%s\",\"remedy\":\"$re:%s\"}",
	       (int)pid, jstr(link), fd, x->xcase, x->target, x->text_target, x->open_m,
	       x->open_r, x->stat_m, x->stat_r, x->access_m, x->access_r, x->text_r, x->text_r,
	       x->extra, x->verdict, x->remedy);
	expect_count(1, "{\"event\":\"explain\",\"pid\":%d,\"fd\":%d}", (int)pid, fd);
}

/* The readlink row: both columns give the kernel's text verbatim. */
static const char *jreadlink(const char *text)
{
	return sfmt(",\"readlink\":{\"magic\":{\"ok\":true,\"text\":%s},"
		    "\"regular\":{\"ok\":true,\"text\":%s}}", jstr(text), jstr(text));
}

/* A regex for text: its metacharacters escaped, for "$re:". */
static const char *re_lit(const char *s)
{
	char *b = exp_buf_size(strlen(s) * 3 + 1), *o = b;
	for (; *s; s++) {
		if (*s == '"') {
			*o++ = '\\'; /* a JSON string's quote */
		} else if (strchr(".^$*+?()[]{}|\\", *s)) {
			*o++ = '\\';
			*o++ = '\\'; /* inside a JSON string: the backslash itself escaped */
		}
		*o++ = *s;
	}
	*o = '\0';
	return b;
}

static const char *cp_remedy(pid_t pid, int fd)
{
	return re_lit(sfmt("copy the content out with cp /proc/%d/fd/%d ./recovered", (int)pid, fd));
}

/* ---- the scenarios --------------------------------------------------------- */

static void deleted(pid_t pid)
{
	struct made_fd m = make_fd("deleted", (struct fd_params){ .content = DELETED_CONTENT });
	CHECK(sizeof(DELETED_CONTENT) - 1 == 36, "36 bytes");
	expect_explain(pid, m.fd, &(struct xexp){
		"deleted", jtarget_made(&m, NULL), "\"missing\"",
		sfmt("{\"ok\":true,\"held\":true,\"opened\":\"read\",\"size\":36}"), jerr("ENOENT"),
		jheld(m.fd, "regular"), jerr("ENOENT"), jok(), jerr("ENOENT"), jerr("ENOENT"),
		jreadlink(m.text),
		"^the link is not broken: it holds a deleted file \\\\(36 bytes\\\\): open still "
		"reaches it; a tool that follows the text finds nothing: ls --color paints the "
		"link broken and realpath -e fails, while realpath and readlink -f print the text "
		"as if it named a file$", cp_remedy(pid, m.fd) });
}

static void renamed(pid_t pid)
{
	struct made_fd m = make_fd("renamed", (struct fd_params){ 0 });
	expect_explain(pid, m.fd, &(struct xexp){
		"live", jtarget_made(&m, NULL), "\"same-file\"",
		jheld(m.fd, "regular"), jheld(m.fd, "regular"), jheld(m.fd, "regular"),
		jheld(m.fd, "regular"), jok(), jok(), jheld(m.fd, "regular"), jreadlink(m.text),
		"^the link is not broken: its text is the file's current name", "^none needed" });
}

static void replaced(pid_t pid)
{
	struct made_fd m = make_fd("replaced", (struct fd_params){
		.content = "the old content\n", .content2 = "the replacing file, longer\n" });
	struct stat now;
	CHECK(stat(m.path, &now) == 0 && now.st_ino == m.ino2, "the name names the new file");
	expect_explain(pid, m.fd, &(struct xexp){
		"replaced", jtarget_made(&m, NULL), "\"missing\"",
		jheld(m.fd, "regular"), jerr("ENOENT"), jheld(m.fd, "regular"), jerr("ENOENT"),
		jok(), jerr("ENOENT"), jerr("ENOENT"),
		sfmt(",\"name_target\":\"different-file\"%s", jreadlink(m.text)),
		sfmt("^the file was replaced: the link holds the old, deleted inode \\\\(ino %llu, 16 "
		     "bytes\\\\), while its name now names another file \\\\(ino %llu, 27 bytes\\\\); "
		     "the text as written names nothing$",
		     (unsigned long long)m.ino, (unsigned long long)m.ino2),
		"^the name now names another file: compare inode numbers with stat -L" });
}

static void hardlink_removed(pid_t pid)
{
	struct made_fd m = make_fd("hardlink-removed", (struct fd_params){ 0 });
	expect_explain(pid, m.fd, &(struct xexp){
		"hardlink-removed", jtarget_made(&m, NULL), "\"missing\"",
		jheld(m.fd, "regular"), jerr("ENOENT"), jheld(m.fd, "regular"), jerr("ENOENT"),
		jok(), jerr("ENOENT"), jerr("ENOENT"),
		sfmt(",\"other_name\":%s%s", jstr(m.path2), jreadlink(m.text)),
		sfmt("^the link is not broken: this name was removed but the file lives on \\\\(nlink "
		     "1\\\\) as %s, and open still reaches it", re_lit(jstr(m.path2))),
		sfmt("^use the remaining name %s$", re_lit(jstr(m.path2))) });
}

/* A deleted file whose text "x (deleted)" is also a live file's name. */
static void collision(pid_t pid)
{
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "x" });
	sys_close(make_file(m.text, "another file, named as the text\n"));
	struct stat st;
	CHECK(stat(m.text, &st) == 0 && st.st_ino != m.ino, "a live file named as the text");
	expect_explain(pid, m.fd, &(struct xexp){
		"collision", jtarget_made(&m, NULL), "\"different-file\"",
		jheld(m.fd, "regular"), jother(m.text), jheld(m.fd, "regular"), jother(m.text),
		jok(), jok(), jother(m.text), jreadlink(m.text),
		sfmt("^the text names a different live file: %s exists \\\\(ino %llu, 32 bytes\\\\) "
		     "but the link holds a deleted file \\\\(ino %llu, 2 bytes\\\\)",
		     re_lit(jstr(m.text)), (unsigned long long)st.st_ino, (unsigned long long)m.ino),
		"^the name now names another file" });
}

static void pipe_fd(pid_t pid)
{
	struct made_fd m = make_fd("pipe", (struct fd_params){ 0 });
	expect_explain(pid, m.fd, &(struct xexp){
		"pipe", jtarget_made(&m, NULL), "\"not-a-path\"",
		sfmt("{\"ok\":true,\"kind\":\"pipe\",\"held\":true,\"opened\":\"read\"}"),
		jerr("ENOENT"), jheld(m.fd, "pipe"), jerr("ENOENT"), jok(), jerr("ENOENT"),
		jerr("ENOENT"), jreadlink(m.text),
		"^the link holds a pipe, not a file: open still reaches it",
		"^a pipe: reading it steals the holder's data" });
}

static void socket_fd(pid_t pid)
{
	struct made_fd m = make_fd("socketpair", (struct fd_params){ 0 });
	expect_explain(pid, m.fd, &(struct xexp){
		"socket", jtarget_made(&m, NULL), "\"not-a-path\"", jerr("ENXIO"), jerr("ENOENT"),
		jheld(m.fd, "socket"), jerr("ENOENT"), jok(), jerr("ENOENT"), jerr("ENOENT"),
		jreadlink(m.text), "^the link holds a socket: open gives ENXIO",
		"^for a socket: pidfd_getfd\\\\(2\\\\) from a process allowed to ptrace it" });
}

static void eventfd_fd(pid_t pid)
{
	struct made_fd m = make_fd("eventfd", (struct fd_params){ 0 });
	expect_explain(pid, m.fd, &(struct xexp){
		"anon-inode", jtarget_made(&m, NULL), "\"not-a-path\"", jerr("ENXIO"), jerr("ENOENT"),
		jheld(m.fd, "anon-inode"), jerr("ENOENT"), jok(), jerr("ENOENT"), jerr("ENOENT"),
		jreadlink(m.text),
		"^the link holds an anonymous inode \\\\(\\\\[eventfd\\\\]\\\\), no file at all: open "
		"gives ENXIO", sfmt("^no content to copy: /proc/%d/fdinfo/%d shows", (int)pid, m.fd) });
}

static void memfd(pid_t pid)
{
	struct made_fd m = make_fd("memfd", (struct fd_params){ .content = "memfd bytes\n" });
	expect_explain(pid, m.fd, &(struct xexp){
		"memfd", jtarget_made(&m, NULL), "\"not-a-path\"", jheld(m.fd, "memfd"), jerr("ENOENT"),
		jheld(m.fd, "memfd"), jerr("ENOENT"), jok(), jerr("ENOENT"), jerr("ENOENT"),
		jreadlink(m.text), "^the link holds a memfd \\\\(12 bytes of memory",
		cp_remedy(pid, m.fd) });
}

static void removed_dir(pid_t pid)
{
	const char *dir = tmp_path("removed-dir");
	CHECK(mkdir(dir, 0700) == 0, "mkdir");
	int fd = (int)sys_openat(AT_FDCWD, dir, O_RDONLY | O_DIRECTORY, 0);
	CHECK(fd >= 0 && rmdir(dir) == 0, "open and rmdir %s", dir);
	CHECK(fd_stat(fd).st_nlink == 0, "an rmdir'd directory has nlink 0");
	const char *text = sfmt("%s (deleted)", dir);
	expect_explain(pid, fd, &(struct xexp){
		"deleted-directory",
		jtarget_full(fd, text, strlen(text), dir, strlen(dir), true, "directory", "read", NULL),
		"\"missing\"", jheld(fd, "directory"), jerr("ENOENT"), jheld(fd, "directory"),
		jerr("ENOENT"), jok(), jerr("ENOENT"), jerr("ENOENT"), jreadlink(text),
		"^the link holds a removed directory \\\\(rmdir'd, nlink 0\\\\): open reaches it, but "
		"it is empty for good and reading it as a file gives EISDIR",
		"^nothing to recover: a directory is removed only once empty" });
}

/* An O_PATH|O_NOFOLLOW fd on a dangling symlink: the held inode is the symlink. */
static void held_symlink(pid_t pid)
{
	const char *sym = tmp_path("a-symlink");
	CHECK(symlink("no-such-target", sym) == 0, "symlink");
	int fd = (int)sys_openat(AT_FDCWD, sym, O_PATH | O_NOFOLLOW, 0);
	CHECK(fd >= 0 && S_ISLNK(fd_stat(fd).st_mode), "O_PATH|O_NOFOLLOW on a symlink");
	expect_explain(pid, fd, &(struct xexp){
		"held-symlink",
		jtarget_full(fd, sym, strlen(sym), sym, strlen(sym), false, "symlink", "path", NULL),
		"\"same-file\"", jerr("ELOOP"), jerr("ENOENT"),
		"{\"ok\":true,\"kind\":\"symlink\",\"held\":true}", jerr("ENOENT"), jok(),
		jerr("ENOENT"), jerr("ENOENT"), jreadlink(sym),
		"^the fd is an O_PATH handle on a symlink itself: open gives ELOOP",
		"^read the symlink's own text with readlink" });
}

/* The closed fd, the dead process and procfd-trace's own stdin (/dev/null),
 * in the order of the case's arguments, after the holder's fds. */
static void not_open(pid_t pid)
{
	CHECK(fcntl(CLOSED_FD, F_GETFD) < 0 && errno == EBADF, "fd %d is not open", CLOSED_FD);
	const char *all_enoent = "{\"magic\":{\"ok\":false,\"errno\":\"ENOENT\"},"
				 "\"regular\":{\"ok\":false,\"errno\":\"ENOENT\"}}";
	expect("{\"event\":\"explain\",\"pid\":%d,\"fd\":%d,\"probe\":\"no-fd\",\"case\":\"no-fd\","
	       "\"target\":null,\"open\":%s,\"stat\":%s,\"lstat\":%s,\"readlink\":%s,"
	       "\"access\":%s,\"verdict\":\"$re:^fd %d is not open in process %d\"}",
	       (int)pid, CLOSED_FD, all_enoent, all_enoent, all_enoent, all_enoent, all_enoent,
	       CLOSED_FD, (int)pid);
	expect("{\"event\":\"explain\",\"fd\":null,\"link\":null,\"probe\":\"no-process\","
	       "\"case\":\"no-process\",\"target\":null,\"open\":{\"magic\":null,\"regular\":null},"
	       "\"verdict\":\"$re:^there is no process [0-9]+: its fds were closed\"}");
	expect("{\"event\":\"explain\",\"path\":\"/proc/self/fd/0\",\"fd\":0,\"self\":true,"
	       "\"case\":\"device\",\"target\":{\"text\":\"/dev/null\",\"kind\":\"char-device\"},"
	       "\"open\":{\"magic\":{\"ok\":true,\"opened\":\"path\",\"held\":true},"
	       "\"regular\":{\"ok\":true,\"opened\":\"path\"}}}");
	expect_none("{\"event\":\"explain\",\"self\":true,\"pid\":%d}", (int)pid);
}

/* Another user may not even list the fd directory. */
static void denied(pid_t pid)
{
	make_fd("deleted", (struct fd_params){ 0 });
	expect("{\"event\":\"explain\",\"pid\":%d,\"fd\":null,\"probe\":\"denied\","
	       "\"case\":\"denied\",\"target\":null,"
	       "\"verdict\":\"$re:^procfd-trace may not inspect process %d\","
	       "\"remedy\":\"$re:as root\"}", (int)pid, (int)pid);
	expect_count(1, "{\"event\":\"explain\"}");
}

static void demo(pid_t pid)
{
	struct made_fd d = make_fd("deleted", (struct fd_params){ .name = "cache.tmp",
								 .content = DELETED_CONTENT });
	struct made_fd p = make_fd("pipe", (struct fd_params){ 0 });
	struct made_fd s = make_fd("socketpair", (struct fd_params){ 0 });
	printf("explain /proc/%d/fd/%d /proc/%d/fd/%d /proc/%d/fd/%d\n", (int)pid, d.fd,
	       (int)pid, p.fd, (int)pid, s.fd);
}

/* --only=broken: the deleted file's link is reported, the live file's is
 * not (nor any other live one). */
static void only_broken(pid_t pid)
{
	struct made_fd d = make_fd("deleted", (struct fd_params){ .name = "gone" });
	struct made_fd f = make_fd("file", (struct fd_params){ .name = "here" });
	expect("{\"event\":\"explain\",\"pid\":%d,\"fd\":%d,\"case\":\"deleted\"}", (int)pid,
	       d.fd);
	expect_none("{\"event\":\"explain\",\"fd\":%d}", f.fd);
	expect_none("{\"event\":\"explain\",\"case\":\"live\"}");
}

int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "all";
	pid_t pid = getpid();
	struct sigaction sa = { .sa_handler = on_term };
	sigemptyset(&sa.sa_mask);
	CHECK(sigaction(SIGTERM, &sa, NULL) == 0, "sigaction");
	tmpdir_create();
	if (!strcmp(mode, "denied")) {
		denied(pid);
	} else if (!strcmp(mode, "demo")) {
		demo(pid);
	} else if (!strcmp(mode, "only-broken")) {
		only_broken(pid);
	} else {
		deleted(pid);
		renamed(pid);
		replaced(pid);
		hardlink_removed(pid);
		collision(pid);
		pipe_fd(pid);
		socket_fd(pid);
		eventfd_fd(pid);
		memfd(pid);
		removed_dir(pid);
		held_symlink(pid);
		not_open(pid);
	}
	printf("ready %d\n", (int)pid);
	fflush(stdout);
	while (!stop)
		pause();
	return 0; /* the temp directory goes at exit */
}
