/* procfd-trace: the fd-description library (tracer/fdesc/) on live fds:
 * tests/programs/fd_factory makes one fd of every kind and says, for each,
 * the class the library must choose and the words its description must
 * contain; this driver describes each fd of the factory's process and
 * checks. Also: one context reads a namespace's /proc/net tables once for
 * all its sockets; JSON carries the typed fields. The same again with the
 * i386 factory (build/tests/programs32/fd_factory, when a 32-bit
 * toolchain built it): the tracer describes an i386 tracee's fds. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "procfd/fdesc.h"
#include "tracer/fdesc/fdesc_impl.h"
#include "tracer/plugins/procfd/procfd.h"
#include "procfd/writer.h"
#include "tracer/output/output.h"

struct factory {
	pid_t pid;
	int to_child;  /* its stdin: closing it ends the factory */
	FILE *from;
	char lines[128][256];
	unsigned n;
};

static struct factory fac;
static const char *fac_dir = "programs"; /* or "programs32": the i386 build */

/* build/tests/unit/X -> build/tests/PROGRAMS/fd_factory */
static void factory_path(char *out, size_t size, const char *programs)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	assert_true(n > 0);
	self[n] = '\0';
	snprintf(out, size, "%s/../%s/fd_factory", dirname(self), programs);
}

static int start_factory(void **state)
{
	char path[PATH_MAX + 64], line[256];
	int in[2], out[2];

	(void)state;
	memset(&fac, 0, sizeof(fac));
	factory_path(path, sizeof(path), fac_dir);
	if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0)
		return -1;
	fac.pid = fork();
	if (fac.pid == 0) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	fac.to_child = in[1];
	fac.from = fdopen(out[0], "r");
	while (fgets(line, sizeof(line), fac.from)) {
		line[strcspn(line, "\n")] = '\0';
		if (strcmp(line, "ready") == 0)
			return 0;
		if (strncmp(line, "skip ", 5) == 0) {
			print_message("fd_factory: %s\n", line);
			continue;
		}
		if (fac.n < sizeof(fac.lines) / sizeof(fac.lines[0]))
			strcpy(fac.lines[fac.n++], line);
	}
	fprintf(stderr, "fd_factory (%s) did not get ready\n", path);
	return -1;
}

static int stop_factory(void **state)
{
	int status;

	(void)state;
	close(fac.to_child);
	fclose(fac.from);
	waitpid(fac.pid, &status, 0);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* "fd N CLASS\tWORDS\tWORDS": describe fd N, check the class and each piece. */
static void check_line(struct pfd_fdesc_ctx *ctx, const char *line)
{
	char copy[256], cls[32], *piece, *save;
	struct pfd_buf b = PFD_BUF_INIT;
	struct pfd_fdesc *d = malloc(sizeof(*d));
	int fd;

	assert_non_null(d);
	assert_int_equal(sscanf(line, "fd %d %31[^\t]", &fd, cls), 2);
	assert_int_equal(pfd_fdesc_describe(ctx, -1, fac.pid, fd, d), 0);
	pfd_fdesc_text(&b, d);
	if (strcmp(pfd_fdesc_class_name(d), cls) != 0)
		fail_msg("fd %d: class %s, expected %s (%s)", fd, pfd_fdesc_class_name(d), cls,
			 pfd_buf_str(&b));
	strcpy(copy, line);
	strtok_r(copy, "\t", &save);
	while ((piece = strtok_r(NULL, "\t", &save)) != NULL)
		if (!strstr(pfd_buf_str(&b), piece))
			fail_msg("fd %d (%s): \"%s\" lacks \"%s\"", fd, cls, pfd_buf_str(&b), piece);
	assert_int_equal(d->nerrors, 0);
	pfd_buf_free(&b);
	free(d);
}

static void test_every_factory_fd(void **state)
{
	struct pfd_fdesc_ctx *ctx = pfd_fdesc_ctx_new();
	unsigned loads;

	(void)state;
	assert_true(fac.n >= 30);
	for (unsigned i = 0; i < fac.n; i++)
		check_line(ctx, fac.lines[i]);
	/* each of the 13 table files is read once, and once more at most for
	 * a socket it lacked (the unbound UDP socket, the other namespace's
	 * listener): not once per socket, and not again on a second pass */
	loads = pfd_fdesc_ctx_net_loads(ctx);
	assert_in_range(loads, 1, 26);
	for (unsigned i = 0; i < fac.n; i++)
		check_line(ctx, fac.lines[i]);
	assert_int_equal(pfd_fdesc_ctx_net_loads(ctx), loads);
	pfd_fdesc_ctx_free(ctx);
}

/* Without a context each fd reads what it needs itself: the same answers. */
static void test_without_context(void **state)
{
	(void)state;
	for (unsigned i = 0; i < fac.n; i++)
		check_line(NULL, fac.lines[i]);
}

/* The first fd of class cls the factory made, or -1. */
static int factory_fd(const char *cls, const char *containing)
{
	char want[48];

	snprintf(want, sizeof(want), " %s\t", cls);
	for (unsigned i = 0; i < fac.n; i++) {
		int fd;
		if (strstr(fac.lines[i], want) && strstr(fac.lines[i], containing) &&
		    sscanf(fac.lines[i], "fd %d", &fd) == 1)
			return fd;
	}
	return -1;
}

static char *json_of(int fd)
{
	static char out[] = "/tmp/pfd-fdesc-json-XXXXXX";
	static char buf[4096];
	struct pfd_fdesc d;
	struct pfd_writer *w;
	size_t n;
	FILE *f;
	int tmp;

	strcpy(out, "/tmp/pfd-fdesc-json-XXXXXX");
	tmp = mkstemp(out);
	assert_true(tmp >= 0);
	close(tmp);
	assert_int_equal(pfd_output_open(out, true), 0);
	assert_int_equal(pfd_fdesc_describe(NULL, -1, fac.pid, fd, &d), 0);
	w = pfd_event_begin("fdesc", fac.pid);
	pfd_fdesc_write(w, "fdesc", &d);
	assert_int_equal(pfd_event_end(w), 0);
	assert_int_equal(pfd_output_close(), 0);
	f = fopen(out, "r");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	unlink(out);
	return buf;
}

static void test_json_fields(void **state)
{
	int fd;

	(void)state;
	fd = factory_fd("socket", "(listen)");
	assert_true(fd >= 0);
	assert_non_null(strstr(json_of(fd), "\"sock_state\":\"listen\""));
	assert_non_null(strstr(json_of(fd), "\"local_addr\":\"127.0.0.1\""));
	fd = factory_fd("socket", "TCP6");
	if (fd >= 0)
		assert_non_null(strstr(json_of(fd), "\"local_addr\":\"::1\""));
	fd = factory_fd("socket", "(abstract)");
	assert_non_null(strstr(json_of(fd), "\"unix_abstract\":true"));
	fd = factory_fd("timerfd", "");
	assert_non_null(strstr(json_of(fd), "\"timerfd_clockid\":\"realtime\""));
	assert_non_null(strstr(json_of(fd), "\"timerfd_interval_ns\":10000000000"));
	fd = factory_fd("nsfs", "");
	assert_non_null(strstr(json_of(fd), "\"ns_type\":\"net\""));
	fd = factory_fd("mqueue", "");
	if (fd >= 0) {
		char *j = json_of(fd);
		assert_non_null(strstr(j, "\"mq_qsize\":5"));
		assert_null(strstr(j, "\"size\""));
	}
}

/* No false statement: only files with a path say so, only a file has a size. */
static void test_paths_and_sizes(void **state)
{
	static const struct { const char *cls; bool path, size; } want[] = {
		{ "regular", true, true }, { "memfd", false, true }, { "nsfs", false, false },
		{ "mqueue", false, false }, { "pipe", false, false }, { "socket", false, false },
		{ "timerfd", false, false }, { "directory", true, false },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		int fd = factory_fd(want[i].cls, "");
		struct pfd_fdesc d;

		if (fd < 0)
			continue;
		assert_int_equal(pfd_fdesc_describe(NULL, -1, fac.pid, fd, &d), 0);
		assert_string_equal(pfd_fdesc_class_name(&d), want[i].cls);
		assert_int_equal(pfd_fdesc_text_is_path(&d), want[i].path);
		assert_int_equal(pfd_fdesc_has_size(&d), want[i].size);
	}
}

/* The adapter from what the procfd probe read gives the same description. */
static void test_from_target(void **state)
{
	struct pfd_fdesc_ctx *ctx = pfd_fdesc_ctx_new();
	struct pfd_target *t = malloc(sizeof(*t));
	struct pfd_fdesc *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));

	(void)state;
	assert_non_null(t);
	assert_non_null(a);
	assert_non_null(b);
	for (unsigned i = 0; i < fac.n; i++) {
		struct pfd_buf ta = PFD_BUF_INIT, tb = PFD_BUF_INIT;
		struct pfd_fdesc_seen seen;
		int fd;

		assert_int_equal(sscanf(fac.lines[i], "fd %d", &fd), 1);
		assert_int_equal(pfd_describe_fd(fac.pid, fd, 0, t), 0);
		pfd_target_seen(t, &seen);
		pfd_fdesc_describe_seen(ctx, -1, fac.pid, fd, &seen, a);
		assert_int_equal(pfd_fdesc_describe(ctx, -1, fac.pid, fd, b), 0);
		pfd_fdesc_text(&ta, a);
		pfd_fdesc_text(&tb, b);
		if (strcmp(pfd_fdesc_class_name(a), pfd_fdesc_class_name(b)) != 0 ||
		    (strcmp(pfd_buf_str(&ta), pfd_buf_str(&tb)) != 0 &&
		     strcmp(pfd_fdesc_class_name(a), "timerfd") != 0)) /* its time runs */
			fail_msg("fd %d: from the target \"%s\" (%s), directly \"%s\" (%s)", fd,
				 pfd_buf_str(&ta), pfd_fdesc_class_name(a), pfd_buf_str(&tb),
				 pfd_fdesc_class_name(b));
		pfd_buf_free(&ta);
		pfd_buf_free(&tb);
	}
	free(t);
	free(a);
	free(b);
	pfd_fdesc_ctx_free(ctx);
}

/* A closed fd is an error of the call, and a record. */
static void test_closed_fd(void **state)
{
	struct pfd_fdesc d;

	(void)state;
	assert_int_equal(pfd_fdesc_describe(NULL, -1, fac.pid, 1000, &d), -ENOENT);
	assert_int_equal(d.nerrors, 1);
	assert_string_equal(d.errors[0].step, "readlink");
	assert_string_equal(pfd_fdesc_class_name(&d), "unknown");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_factory_fd),
		cmocka_unit_test(test_without_context),
		cmocka_unit_test(test_json_fields),
		cmocka_unit_test(test_paths_and_sizes),
		cmocka_unit_test(test_from_target),
		cmocka_unit_test(test_closed_fd),
	};

	char m32[PATH_MAX + 64];
	int failed;

	signal(SIGPIPE, SIG_IGN);
	failed = cmocka_run_group_tests_name("fd_factory", tests, start_factory, stop_factory);
	factory_path(m32, sizeof(m32), "programs32");
	if (access(m32, X_OK) != 0) {
		/* no 32-bit toolchain (make check-unit builds it when cc -m32 works) */
		printf("SKIP fd_factory.m32: %s: %s\n", m32, strerror(errno));
		return failed;
	}
	fac_dir = "programs32";
	return failed + cmocka_run_group_tests_name("fd_factory.m32", tests, start_factory,
						    stop_factory);
}
