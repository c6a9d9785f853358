/* procfd-trace: unit tests for the stack-trace service (tracer/stack/stack.c,
 * tracer/stack/unwind_libunwind.c, tracer/stack/symbols_libdw.c).
 *
 * The tracee is this very binary, re-executed with CHILD_FLAG: its main
 * calls outer_fn, which calls inner_fn, which stops itself with
 * raise(SIGSTOP), so the stack at that stop is known. The child sends the
 * source lines of its three calls through a pipe before it stops (they are
 * __LINE__ on the line of each call), and the test traces it with ptrace
 * and checks what pfd_stack_capture and pfd_stack_frame say. Each test
 * starts from a fresh service (setup/teardown), so nothing is cached
 * across tests.
 *
 * For the module map's re-read, the child then dlopens libpcre2-8 (grep
 * needs it, so every Debian system has it, and neither build of this test
 * links it) and stops in a malloc callback that the library calls: an ip
 * outside the snapshot taken at the first stop. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <link.h>
#include <linux/audit.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/stack/stack.h"
#include "tracer/stack/unwind.h"

#define CHILD_FLAG "--stack-child"
#define DLOPEN_MODE (-1) /* the child's stop count that means: the dlopen case */
#define NEW_LIBRARY "libpcre2-8.so.0"
#define NEW_LIBRARY_FN "pcre2_general_context_create_8"
#define NOT_FOUND ((size_t)-1)

int main(int argc, char **argv);

struct call_lines {
	unsigned main_line, outer_line, inner_line;
};

/* ---- the tracee's side (runs after the re-exec) -------------------------- */

static struct call_lines child_lines;
static int child_report_fd = -1;

static void report_lines(void)
{
	if (write(child_report_fd, &child_lines, sizeof(child_lines)) != sizeof(child_lines))
		_exit(3);
}

/* noinline and the empty asm keep each function a frame of its own, and
 * keep its call from becoming a tail jump. */
__attribute__((noinline)) static void inner_fn(void)
{
	asm volatile("");
	child_lines.inner_line = __LINE__; report_lines(); raise(SIGSTOP);
	asm volatile("");
}

__attribute__((noinline)) static void outer_fn(void)
{
	asm volatile("");
	child_lines.outer_line = __LINE__; inner_fn();
	asm volatile("");
}

static void *stop_in_malloc(size_t size, void *data)
{
	(void)data;
	child_lines.inner_line = __LINE__; report_lines(); raise(SIGSTOP);
	return malloc(size);
}

static void plain_free(void *p, void *data)
{
	(void)data;
	free(p);
}

typedef void *general_context_create_fn(void *(*)(size_t, void *), void (*)(void *, void *),
					void *);

/* Stops in stop_in_malloc, called from the new library; outer_line 0 tells
 * the parent the library is missing. */
__attribute__((noinline)) static void call_new_library(void)
{
	general_context_create_fn *create = NULL;
	void *lib = dlopen(NEW_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (lib)
		*(void **)&create = dlsym(lib, NEW_LIBRARY_FN);
	if (!create) {
		child_lines.outer_line = 0;
		report_lines();
		raise(SIGSTOP);
		return;
	}
	child_lines.outer_line = __LINE__; plain_free(create(stop_in_malloc, plain_free, NULL), NULL);
	asm volatile("");
}

/* ---- the tracer's side ------------------------------------------------------ */

struct child {
	pid_t pid;
	struct call_lines lines;
	int report_fd; /* read end */
};

static void wait_stop(pid_t pid, int sig)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSTOPPED(status));
	assert_int_equal(WSTOPSIG(status), sig);
}

/* Resume the child up to its next raise(SIGSTOP) and read the lines it sent. */
static void run_to_stop(struct child *c, int deliver)
{
	assert_int_equal(ptrace(PTRACE_CONT, c->pid, NULL, (void *)(uintptr_t)deliver), 0);
	wait_stop(c->pid, SIGSTOP);
	assert_int_equal(read(c->report_fd, &c->lines, sizeof(c->lines)), sizeof(c->lines));
}

/* Start the child stopped in inner_fn; it will stop there `stops` times
 * (DLOPEN_MODE: once, then in call_new_library). */
static void start_child(struct child *c, int stops)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char fd[16], n[16];
		close(p[0]);
		snprintf(fd, sizeof(fd), "%d", p[1]);
		snprintf(n, sizeof(n), "%d", stops);
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		execl("/proc/self/exe", "test_stack", CHILD_FLAG, fd, n, (char *)NULL);
		_exit(127);
	}
	close(p[1]);
	c->pid = pid;
	c->report_fd = p[0];
	wait_stop(pid, SIGTRAP); /* the exec */
	assert_int_equal(ptrace(PTRACE_SETOPTIONS, pid, NULL, (void *)(uintptr_t)PTRACE_O_EXITKILL), 0);
	run_to_stop(c, 0);
}

static void end_child(struct child *c)
{
	int status;
	kill(c->pid, SIGKILL);
	assert_int_equal(waitpid(c->pid, &status, 0), c->pid);
	close(c->report_fd);
}

static const struct pfd_stack *capture(const struct child *c)
{
	int err = 1;
	const struct pfd_stack *s = pfd_stack_capture(c->pid, c->pid, AUDIT_ARCH_X86_64, &err);
	assert_non_null(s);
	assert_int_equal(err, 0);
	return s;
}

static size_t find_frame(const struct pfd_stack *s, const char *function, size_t from,
			 struct pfd_frame *out)
{
	for (size_t i = from; i < pfd_stack_depth(s); i++) {
		assert_int_equal(pfd_stack_frame(s, i, out), 0);
		assert_int_equal(out->ip, pfd_stack_ip(s, i));
		if (out->function && strcmp(out->function, function) == 0)
			return i;
	}
	return NOT_FOUND;
}

static const char *base_name(const char *path)
{
	const char *slash = path ? strrchr(path, '/') : NULL;
	return slash ? slash + 1 : path;
}

static char self_path[PATH_MAX];

static int main_program_bias(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	*(uintptr_t *)arg = info->dlpi_addr;
	return 1; /* the first object is the program itself */
}

/* The frame of function fn: right function, source file, line, and module;
 * its ip's place in the file agrees with where fn is in this very binary.
 * Returns its index. */
static size_t check_frame(const struct pfd_stack *s, const char *fn, const void *fn_addr,
			  unsigned line, size_t from)
{
	struct pfd_frame f;
	size_t i = find_frame(s, fn, from, &f);
	if (i == NOT_FOUND)
		fail_msg("no frame %s after frame %zu", fn, from);
	assert_string_equal(base_name(f.file), "test_stack.c");
	assert_int_equal(f.line, line);
	assert_non_null(f.module);
	assert_string_equal(f.module, self_path);
	assert_true(f.offset > 0); /* a return address is inside the caller */
	uintptr_t bias = 0;
	dl_iterate_phdr(main_program_bias, &bias);
	assert_int_equal(f.module_offset - f.offset, (uintptr_t)fn_addr - bias);
	return i;
}

/* This binary's GNU build-id, from its own PT_NOTE segment, in hex. */
static int own_build_id(struct dl_phdr_info *info, size_t size, void *arg)
{
	(void)size;
	char *hex = arg;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_NOTE)
			continue;
		const char *p = (const char *)(info->dlpi_addr + ph->p_vaddr), *end = p + ph->p_memsz;
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *n = (const void *)p;
			const unsigned char *desc = (const unsigned char *)p + sizeof(*n) +
						    ((n->n_namesz + 3) & ~3u);
			if (n->n_type == NT_GNU_BUILD_ID && n->n_namesz == 4 &&
			    memcmp(p + sizeof(*n), "GNU", 4) == 0) {
				for (unsigned k = 0; k < n->n_descsz; k++)
					sprintf(hex + 2 * k, "%02x", desc[k]);
				return 1;
			}
			p = (const char *)desc + ((n->n_descsz + 3) & ~3u);
		}
	}
	return 1; /* the first object is the program itself */
}

/* frames include inner_fn, outer_fn, main, in that order */
static void check_known_stack(const struct pfd_stack *s, const struct call_lines *lines)
{
	assert_true(pfd_stack_depth(s) >= 3);
	size_t inner = check_frame(s, "inner_fn", (const void *)inner_fn, lines->inner_line, 0);
	size_t outer = check_frame(s, "outer_fn", (const void *)outer_fn, lines->outer_line,
				   inner + 1);
	size_t in_main = check_frame(s, "main", (const void *)main, lines->main_line, outer + 1);
	assert_int_equal(outer, inner + 1);
	assert_int_equal(in_main, outer + 1);
}

/* ---- tests ---------------------------------------------------------------------- */

static int setup(void **state)
{
	(void)state;
	return pfd_stack_init();
}

static int teardown(void **state)
{
	(void)state;
	pfd_stack_shutdown();
	return 0;
}

static void test_capture_symbolizes_known_frames(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, 1);
	const struct pfd_stack *s = capture(&c);
	check_known_stack(s, &c.lines);

	/* the frames of this binary carry its build-id, for symbolizing later */
	char build_id[129] = "";
	dl_iterate_phdr(own_build_id, build_id);
	assert_true(strlen(build_id) >= 16);
	struct pfd_frame f;
	assert_true(find_frame(s, "inner_fn", 0, &f) != NOT_FOUND);
	assert_non_null(f.build_id);
	assert_string_equal(f.build_id, build_id);

	assert_int_equal(pfd_stack_frame(s, pfd_stack_depth(s), &f), -EINVAL);
	end_child(&c);
}

static void test_same_stack_same_pointer(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, 2);
	struct pfd_unwind_stats warm, replayed;
	const struct pfd_stack *first = capture(&c);
	assert_ptr_equal(capture(&c), first);
	/* the next stop runs the same calls again: same ips, same stack, and
	 * the warm walk of the second capture is replayed, not walked again */
	run_to_stop(&c, 0);
	pfd_unwind_get_stats(&warm);
	assert_ptr_equal(capture(&c), first);
	pfd_unwind_get_stats(&replayed);
	assert_int_equal(replayed.memo_hits, warm.memo_hits + 1);
	end_child(&c);
}

static void test_symbolizes_after_exit(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, 1);
	const struct pfd_stack *s = capture(&c);
	end_child(&c);
	pfd_stack_forget_process(c.pid);
	/* first symbolized now: the process is gone and reaped */
	check_known_stack(s, &c.lines);
}

static void test_forget_starts_a_new_image(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, 1);
	const struct pfd_stack *before = capture(&c);
	pfd_stack_forget_process(c.pid);
	const struct pfd_stack *after = capture(&c);
	/* as after an exec: the same ips in another image are another stack */
	assert_ptr_not_equal(after, before);
	assert_int_equal(pfd_stack_depth(after), pfd_stack_depth(before));
	check_known_stack(before, &c.lines);
	check_known_stack(after, &c.lines);
	end_child(&c);
}

static void test_new_library_is_found_by_a_reread(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, DLOPEN_MODE);
	const struct pfd_stack *before = capture(&c);
	struct call_lines first = c.lines;
	run_to_stop(&c, 0);
	if (c.lines.outer_line == 0) {
		end_child(&c);
		skip(); /* no NEW_LIBRARY here */
	}
	const struct pfd_stack *s = capture(&c);
	size_t cb = check_frame(s, "stop_in_malloc", (const void *)stop_in_malloc,
				c.lines.inner_line, 0);
	struct pfd_frame f;
	assert_int_equal(pfd_stack_frame(s, cb + 1, &f), 0);
	assert_non_null(f.function);
	assert_string_equal(f.function, NEW_LIBRARY_FN);
	assert_non_null(f.module);
	assert_non_null(strstr(f.module, "/libpcre2-8.so"));
	size_t caller = check_frame(s, "call_new_library", (const void *)call_new_library,
				    c.lines.outer_line, cb + 2);
	assert_int_equal(caller, cb + 2);
	check_frame(s, "main", (const void *)main, c.lines.main_line, caller + 1);
	/* the stack from before the dlopen keeps its own snapshot */
	check_known_stack(before, &first);
	end_child(&c);
}

static void test_vanished_thread_is_esrch(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(0);
	int status, err = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_null(pfd_stack_capture(pid, pid, AUDIT_ARCH_X86_64, &err));
	assert_int_equal(err, -ESRCH);
}

static void test_i386_is_enosys(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, 1);
	int err = 0;
	assert_null(pfd_stack_capture(c.pid, c.pid, AUDIT_ARCH_I386, &err));
	assert_int_equal(err, -ENOSYS);
	end_child(&c);
}

static void test_peekdata_fallback_is_per_capture(void **state)
{
	(void)state;
	struct child c;
	start_child(&c, 1);
	const struct pfd_stack *normal = capture(&c);
	struct pfd_unwind_stats before, during, after;

	pfd_unwind_get_stats(&before);
	pfd_unwind_simulate_vm_readv_error(EPERM);
	const struct pfd_stack *peeked = capture(&c);
	pfd_unwind_simulate_vm_readv_error(0);
	pfd_unwind_get_stats(&during);
	assert_ptr_equal(peeked, normal);
	assert_true(during.peek_words > before.peek_words);

	/* the next capture tries process_vm_readv again */
	assert_ptr_equal(capture(&c), normal);
	pfd_unwind_get_stats(&after);
	assert_int_equal(after.peek_words, during.peek_words);
	assert_true(after.page_reads > during.page_reads);
	end_child(&c);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], CHILD_FLAG) == 0) {
		int stops = atoi(argv[3]);
		child_report_fd = atoi(argv[2]);
		if (stops == DLOPEN_MODE) {
			child_lines.main_line = __LINE__; outer_fn();
			child_lines.main_line = __LINE__; call_new_library();
			return 0;
		}
		for (int i = stops; i > 0; i--) {
			child_lines.main_line = __LINE__; outer_fn();
		}
		return 0;
	}
	ssize_t n = readlink("/proc/self/exe", self_path, sizeof(self_path) - 1);
	if (n <= 0)
		return 99;
	self_path[n] = '\0';

	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_capture_symbolizes_known_frames, setup, teardown),
		cmocka_unit_test_setup_teardown(test_same_stack_same_pointer, setup, teardown),
		cmocka_unit_test_setup_teardown(test_symbolizes_after_exit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forget_starts_a_new_image, setup, teardown),
		cmocka_unit_test_setup_teardown(test_new_library_is_found_by_a_reread, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_vanished_thread_is_esrch, setup, teardown),
		cmocka_unit_test_setup_teardown(test_i386_is_enosys, setup, teardown),
		cmocka_unit_test_setup_teardown(test_peekdata_fallback_is_per_capture, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
