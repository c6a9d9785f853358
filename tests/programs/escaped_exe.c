/* A program whose file name holds terminal controls (ESC sequences that
 * retitle the window and clear the screen, BEL): the text output names the
 * program in a follow-up's explanation and in -c's PROGRAMS column, and must
 * escape it there, as it does a path. The program copies itself to that
 * name, runs the copy, and the copy reads its fd link and stats the text
 * (a follow-up naming the tool). run.py fails a +text case whose trace holds
 * a raw control byte; the JSON case checks the escaped name in the sentence. */
#include "expect.h"

#include <sys/stat.h>

#define EVIL "evil\033]0;pwned\007\033[2Jname"

static void copy_self(const char *to)
{
	int in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0755);
	CHECK(in >= 0 && out >= 0, "open the copy %s", to);
	char buf[65536];
	ssize_t n;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n, "write the copy");
	CHECK(n == 0, "read /proc/self/exe");
	close(in);
	close(out);
}

static int run_copy(void)
{
	tmpdir_create();
	const char *copy = tmp_path(EVIL);
	copy_self(copy);
	char *argv[] = { (char *)copy, (char *)"copy", exp_tmpdir, NULL };
	execv(copy, argv);
	CHECK(false, "execv %s: %s", copy, strerror(errno));
	return 1;
}

int main(int argc, char **argv)
{
	if (argc < 3 || strcmp(argv[1], "copy") != 0)
		return run_copy();
	/* the copy: the temp directory is its to remove now (exec dropped the
	 * first image's atexit) */
	snprintf(exp_tmpdir, sizeof(exp_tmpdir), "%s", argv[2]);
	exp_tmp_owner = getpid();
	atexit(tmpdir_remove);

	const char *held = tmp_path("held");
	int fd = make_file(held, "x\n");
	char link[64], text[PATH_MAX];
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	long n = sys_readlinkat(AT_FDCWD, link, text, sizeof(text) - 1);
	CHECK_OK(n, "readlink");
	text[n] = '\0';
	struct stat st;
	CHECK_OK(sys_stat(text, &st), "stat of the text");

	/* the sentence names the program quoted, every control escaped */
	expect("{%s,\"path\":%s,\"resolution\":\"follow-up\",\"explanation\":%s}", jcall(SC_STAT),
	       jstr(text), jstr("$re:^\"evil\\\\33\\]0;pwned\\\\7\\\\33\\[2Jname\" reached "));
	/* JSON keeps the name as it is (escaped by JSON itself) */
	expect("{\"event\":\"summary\",\"links\":[\"$seq\",{\"fd\":%d,\"programs\":[%s]}]}", fd,
	       jstr(EVIL));
	return 0;
}
