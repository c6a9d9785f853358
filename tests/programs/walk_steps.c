/* A leading part of a link's text is a follow-up only inside a walk: the
 * reading thread's next calls looking up growing prefixes (realpath's
 * readlink of "/tmp", "/tmp/d", ...). Anything else the same process does
 * with a prefix is its own business: here, the cleanup of the directory
 * that held the deleted file: an lstat of the text's parent right after the
 * readlink (nftw's, which skips the first components), an rmdir of it right
 * after another readlink (the demo's cleanup once came out as "walks the
 * text"), and a stat of that parent after the rmdir. The control: the same process
 * then reads the link again and walks its text as realpath does, and that
 * walk's first step is a follow-up. */
#include "expect.h"

static void read_link(const char *link, char *buf, size_t size)
{
	long n = sys_readlinkat(AT_FDCWD, link, buf, size - 1);
	CHECK(n > 0, "readlink %s", link);
	buf[n] = '\0';
}

int main(void)
{
	tmpdir_create();
	const char *sub = tmp_path("sub");
	CHECK(mkdir(sub, 0700) == 0, "mkdir");
	const char *file = sfmt("%s/held", sub);
	int fd = make_file(file, "x\n");
	CHECK(unlink(file) == 0, "unlink");
	const char *link = self_fd(fd);
	char text[512];

	read_link(link, text, sizeof(text));
	CHECK(strcmp(text, sfmt("%s (deleted)", file)) == 0, "text %s", text);
	/* a lookup of the parent that skips the first components (nftw's lstat
	 * of the directory it is about to remove): no walk */
	struct stat st;
	long r = sys_lstat(sub, &st);
	CHECK_OK(r, "lstat of the text's parent");
	expect_none("{%s,\"path\":%s,\"follow_up_of\":\"$any\"}", jcall(SC_LSTAT), jstr(sub));

	read_link(link, text, sizeof(text));
	/* the text's parent, removed right after the read: no walk */
	r = syscall(SYS_rmdir, sub);
	CHECK_OK(r, "rmdir of the text's parent");
	r = sys_lstat(sub, &st);
	CHECK_ERR(r, ENOENT, "lstat of the removed parent");
	expect_none("{\"event\":\"syscall\",\"syscall\":\"rmdir\",\"follow_up_of\":\"$any\"}");

	/* the control: a walk, from the first component on */
	read_link(link, text, sizeof(text));
	const char *slash = strchr(text + 1, '/');
	CHECK(slash != NULL, "text %s has a directory", text);
	const char *first = sfmt("%.*s", (int)(slash - text), text);
	char ignored[16];
	r = sys_readlinkat(AT_FDCWD, first, ignored, sizeof(ignored));
	CHECK(r < 0, "readlink %s: not a symlink", first);
	expect("{%s,\"path\":%s,\"follow_up_of\":{\"fd\":%d,\"how\":\"prefix\"}}",
	       jcall("readlinkat"), jstr(first), fd);
	/* its next step: the next component */
	slash = strchr(slash + 1, '/');
	CHECK(slash != NULL, "text %s has two directories", text);
	const char *second = sfmt("%.*s", (int)(slash - text), text);
	r = sys_readlinkat(AT_FDCWD, second, ignored, sizeof(ignored));
	CHECK(r < 0, "readlink %s: not a symlink", second);
	expect("{%s,\"path\":%s,\"follow_up_of\":{\"fd\":%d,\"how\":\"prefix\"}}",
	       jcall("readlinkat"), jstr(second), fd);
	return 0;
}
