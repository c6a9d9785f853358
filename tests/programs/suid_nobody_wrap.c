/* pfdtest: no-m32 (a wrapper that runs procfd-trace, never the tracee: always native)
 * suid_nobody_wrap COMMAND [ARGS...]: as root, copies euid_report (next to
 * this program) to ./euid_report_suid owned by root:root with mode 06755,
 * then runs COMMAND (procfd-trace and its arguments) through as_nobody_wrap,
 * so a non-root procfd-trace traces a setuid-root exec. Not root, or a
 * nosuid file system, or the copy cannot be made: exit 77, why on stderr. */
#include "expect.h"

#include <libgen.h>
#include <sys/statvfs.h>

#define COPY "euid_report_suid"

/* PROG next to this program's own executable. */
static const char *sibling(const char *prog)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	self[n] = '\0';
	return sfmt("%s/%s", dirname(self), prog);
}

static void copy_file(const char *from, const char *to)
{
	char buf[65536];
	ssize_t n;
	int in = open(from, O_RDONLY | O_CLOEXEC);
	int out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0700);
	if (in < 0 || out < 0)
		skip("cannot copy %s to %s: %s", from, to, strerror(errno));
	while ((n = read(in, buf, sizeof(buf))) > 0)
		CHECK(write(out, buf, (size_t)n) == n, "write %s", to);
	CHECK(n == 0, "read %s", from);
	close(in);
	CHECK(close(out) == 0, "close %s", to);
}

int main(int argc, char **argv)
{
	struct statvfs vfs;
	CHECK(argc >= 2, "usage: suid_nobody_wrap COMMAND [ARGS...]");
	if (geteuid() != 0)
		skip("not root: cannot make a setuid-root copy");
	if (statvfs(".", &vfs) == 0 && (vfs.f_flag & ST_NOSUID))
		skip("the case directory is on a nosuid file system");
	copy_file(sibling("euid_report"), COPY);
	if (chown(COPY, 0, 0) < 0 || chmod(COPY, 06755) < 0)
		skip("cannot make %s setuid root: %s", COPY, strerror(errno));
	const char *wrap = sibling("as_nobody_wrap");
	char **args = calloc((size_t)argc + 1, sizeof(*args));
	CHECK(args != NULL, "calloc");
	args[0] = (char *)wrap;
	for (int i = 1; i < argc; i++)
		args[i] = argv[i];
	execv(wrap, args);
	CHECK(0, "exec %s", wrap);
}
