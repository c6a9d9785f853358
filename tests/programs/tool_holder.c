/* Real tools on a held fd's /proc link: what each follow-up reaches.
 *
 *   tool_holder KIND WANT TOOL [ARGS...]
 *
 * makes an fd of KIND (an expect.h factory: deleted, renamed, replaced,
 * pipe, socketpair, memfd, eventfd, ..., or "collision": a deleted file
 * whose kernel text "x (deleted)" is also the name of a live file), then
 * runs TOOL with "%L" in ARGS replaced by /proc/PID/fd/N of that fd ("%D":
 * the holder's whole /proc/PID/fd), and
 * says what the trace must show for the tool:
 *   broken    a follow-up of a readlink of the link that reached nothing
 *   other     a follow-up that reached a different inode
 *   held      a follow-up that reached the held inode
 *   followed  a call that followed the magic link itself (cat, stat -L)
 *   walked    a walk of the text (realpath, readlink -f) that found nothing,
 *             and a tool that went on (exit 0): never "decided the link is
 *             broken", a walk_outcome with called_broken false
 *   walk-broken  the same walk, and a tool that failed (realpath -e): the
 *             walk_outcome says it decided the link is broken
 *   none      no follow-up at all
 *   summary   (with -c) a summary row for the link: a problem, one follow-up
 *             that reached nothing
 * KIND "dangling" is the contrast: an ordinary symlink to nothing, no fd,
 * about which procfd-trace reports no call at all.
 * The tool's own exit status is not judged: ls of a broken link exits 0,
 * realpath -e exits 1, and both are the behaviour the trace explains. */
#include "expect.h"

#include <sys/wait.h>

static struct made_fd make_kind(const char *kind)
{
	if (strcmp(kind, "dangling") == 0) { /* the contrast: an ordinary broken symlink */
		struct made_fd m = { .fd = -1, .path = tmp_path("dangling") };
		CHECK(symlink(tmp_path("nowhere"), m.path) == 0, "symlink");
		return m;
	}
	if (strcmp(kind, "collision") == 0) {
		struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "x" });
		sys_close(make_file(sfmt("%s (deleted)", m.path), "a different, live file\n"));
		return m;
	}
	return make_fd(kind, (struct fd_params){ .name = "held", .name2 = "held.new" });
}

static const char *want_json(const char *want, int fd)
{
	if (strcmp(want, "broken") == 0)
		return sfmt("\"follow_up_of\":{\"fd\":%d},\"reached\":\"nothing\","
			    "\"explanation\":\"$re:is where .* decided the link is broken\"", fd);
	if (strcmp(want, "other") == 0)
		return sfmt("\"follow_up_of\":{\"fd\":%d},\"reached\":\"different-inode\","
			    "\"explanation\":\"$re:now describes a different file\"", fd);
	if (strcmp(want, "held") == 0)
		return sfmt("\"follow_up_of\":{\"fd\":%d},\"reached\":\"held-inode\"", fd);
	if (strcmp(want, "summary") == 0)
		return sfmt("\"follow_up_of\":{\"fd\":%d},\"reached\":\"nothing\"", fd);
	if (strcmp(want, "walked") == 0 || strcmp(want, "walk-broken") == 0)
		return sfmt("\"follow_up_of\":{\"fd\":%d},\"reached\":\"nothing\","
			    "\"explanation\":\"$re:walk of the text finds nothing\"", fd);
	if (strcmp(want, "followed") == 0)
		return sfmt("\"link\":{\"fd\":%d},\"resolution\":\"followed\"", fd);
	return NULL;
}

int main(int argc, char **argv)
{
	CHECK(argc >= 4, "usage: tool_holder KIND WANT TOOL [ARGS...]");
	tmpdir_create();
	struct made_fd m = make_kind(argv[1]);
	const char *link = m.fd < 0 ? m.path : sfmt("/proc/%d/fd/%d", (int)getpid(), m.fd);
	const char *dir = sfmt("/proc/%d/fd", (int)getpid());
	char **args = &argv[3];
	for (int i = 0; args[i]; i++)
		if (strcmp(args[i], "%L") == 0)
			args[i] = (char *)link;
		else if (strcmp(args[i], "%D") == 0)
			args[i] = (char *)dir;
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1); /* the tool's output is not an expectation */
		execvp(args[0], args);
		_exit(127);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) != 127, "%s did not run", args[0]);
	const char *w = want_json(argv[2], m.fd);
	if (m.fd < 0) /* nothing of /proc: procfd-trace has nothing to say */
		expect_none("{\"event\":\"syscall\",\"pid\":%d}", (int)child);
	else if (w)
		expect_min(1, "{\"event\":\"syscall\",\"pid\":%d,%s}", (int)child, w);
	else
		expect_none("{\"event\":\"syscall\",\"pid\":%d,\"follow_up_of\":\"$any\"}", (int)child);
	bool walked = strcmp(argv[2], "walked") == 0, walk_broken = strcmp(argv[2], "walk-broken") == 0;
	if (walked || walk_broken) {
		/* the walk's calls claim nothing; the exit says what the tool did */
		expect_none("{\"event\":\"syscall\",\"pid\":%d,"
			    "\"explanation\":\"$re:decided the link is broken\"}", (int)child);
		expect("{\"event\":\"walk_outcome\",\"pid\":%d,\"status\":%d,"
		       "\"follow_up_of\":{\"pid\":%d,\"fd\":%d},\"called_broken\":%s,"
		       "\"explanation\":\"$re:%s\"}", (int)child, WEXITSTATUS(status),
		       (int)getpid(), m.fd, jbool(walk_broken),
		       walk_broken ? "is where .* decided the link is broken" :
				     "exited 0 .* did not call the link broken");
		CHECK(walked == (WEXITSTATUS(status) == 0), "%s exited %d", args[0],
		      WEXITSTATUS(status));
	}
	if (strcmp(argv[2], "summary") == 0)
		expect("{\"event\":\"summary\",\"links\":[\"$seq\",{\"pid\":%d,\"fd\":%d,"
		       "\"deleted\":true,\"problem\":true,\"calls\":{\"follow_up_failed\":1},"
		       "\"programs\":[\"ls\"]}]}", (int)getpid(), m.fd);
	/* a tool never sees a follow-up of a link it did not read */
	expect_none("{\"event\":\"syscall\",\"pid\":%d,\"follow_up_of\":{\"fd\":%d}}", (int)getpid(),
		    m.fd);
	return 0;
}
