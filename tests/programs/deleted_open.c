/* A deleted file held open: open through /proc/self/fd/N still reaches it.
 * The annotation must say the inode is gone (nlink 0), the name is marked,
 * and the text names nothing any more. */
#include "expect.h"

static const char CONTENT[] = "the content of a deleted file\n";

int main(void)
{
	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "deleted.txt",
							      .content = CONTENT });
	int fd = m.fd;
	const char *file = m.path;

	const char *p = self_fd(fd);
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);

	long r = sys_openat(AT_FDCWD, p, O_RDONLY, 0);
	int e = errno;
	CHECK_OK(r, "open of a deleted file's fd link");
	char buf[256];
	read_text((int)r, buf, sizeof buf);
	CHECK(strcmp(buf, CONTENT) == 0, "read the deleted file's content, got '%s'", buf);
	fprintf(stderr, "read through %s: %s", p, buf);

	expect("{%s,\"dirfd\":-100,\"path\":%s,\"flags\":\"$flags:O_RDONLY\",%s,\"link\":%s,"
	       "\"target\":%s,\"text_target\":\"missing\",\"resolution\":\"followed\","
	       "\"explanation\":\"$any\"}",
	       jcall("openat"), jstr(p), jres(r, e), jself(fd), target);
	/* The same facts, stated on their own so a failure says which is wrong. */
	expect_count(1, "{\"path\":%s,\"target\":{\"deleted\":true,\"nlink\":0,"
		     "\"name_deleted\":true,\"text\":%s,\"name\":%s}}",
		     jstr(p), jstr(sfmt("%s (deleted)", file)), jstr(file));
	expect_count(1, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	sys_close((int)r);
	sys_close(fd);
	return 0;
}
