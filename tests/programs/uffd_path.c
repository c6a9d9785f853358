/* A path in a page registered with userfaultfd (privileged: no
 * UFFD_USER_MODE_ONLY, so a read by another process waits for the fault to
 * be served too), passed to openat by one thread while the handler thread
 * first makes a trapped call (fstatat of /proc/self/fd/0) and only then
 * serves the fault with a valid path. procfd-trace stops both: a read of the
 * path that waited for the fault would wait for ever (the handler is stopped
 * at its fstatat, which waits for us), in a sleep SIGTERM does not end. The
 * read must be given up (path_error ETIMEDOUT), both calls let go, the open
 * completes with the served path, and the program exits 0.
 *
 * With "hold" (not a case: for a manual check) the fault is never served.
 *
 * Skips (77) where userfaultfd(0) is refused: not root (vm.unprivileged_
 * userfaultfd=0 gives only UFFD_USER_MODE_ONLY, whose remote reads fail
 * with EFAULT at once and never block), or no userfaultfd in the kernel. */
#include "expect.h"

#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>

#define PATH_OFF 100

static int uffd;
static char *page;
static long pagesz;
static const char *good_path;
static int stat_rc = -1;
static bool hold; /* argv[1] "hold": never serve the fault (a manual check) */

static void *handler(void *arg)
{
	(void)arg;
	struct pollfd pfd = { .fd = uffd, .events = POLLIN };
	int n = poll(&pfd, 1, 20000);
	CHECK(n == 1, "no page fault within 20 s (poll: %d)", n);
	struct uffd_msg msg;
	CHECK(read(uffd, &msg, sizeof(msg)) == (ssize_t)sizeof(msg), "read(uffd)");
	CHECK(msg.event == UFFD_EVENT_PAGEFAULT, "uffd event %u", msg.event);

	/* The trapped call, with the fault still pending. */
	struct stat st;
	stat_rc = (int)sys_fstatat(AT_FDCWD, "/proc/self/fd/0", &st, 0);
	while (hold)
		pause();

	char *src = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	CHECK(src != MAP_FAILED, "mmap(src)");
	strcpy(src + PATH_OFF, good_path);
	struct uffdio_copy copy = {
		.dst = (uint64_t)(uintptr_t)page, .src = (uint64_t)(uintptr_t)src,
		.len = (uint64_t)pagesz,
	};
	CHECK(ioctl(uffd, UFFDIO_COPY, &copy) == 0 || errno == EEXIST, "UFFDIO_COPY");
	return NULL;
}

int main(int argc, char **argv)
{
	/* "hold": the fault is never served and SIGTERM is ignored, so a read
	 * of the page stays stuck: procfd-trace must still end on a second
	 * SIGTERM (the first goes to the command). */
	hold = argc > 1 && strcmp(argv[1], "hold") == 0;
	if (hold)
		signal(SIGTERM, SIG_IGN);
	tmpdir_create();
	pagesz = sysconf(_SC_PAGESIZE);
	good_path = tmp_path("data");
	close(make_file(good_path, "data\n"));

	uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC);
	if (uffd < 0)
		skip("userfaultfd(0) (privileged, not user-mode-only) refused: %s", strerror(errno));
	struct uffdio_api api = { .api = UFFD_API };
	if (ioctl(uffd, UFFDIO_API, &api) < 0)
		skip("UFFDIO_API: %s", strerror(errno));
	page = mmap(NULL, (size_t)pagesz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		    -1, 0);
	CHECK(page != MAP_FAILED, "mmap(page)");
	struct uffdio_register reg = {
		.range = { .start = (uint64_t)(uintptr_t)page, .len = (uint64_t)pagesz },
		.mode = UFFDIO_REGISTER_MODE_MISSING,
	};
	if (ioctl(uffd, UFFDIO_REGISTER, &reg) < 0)
		skip("UFFDIO_REGISTER: %s", strerror(errno));

	pthread_t th;
	CHECK(pthread_create(&th, NULL, handler, NULL) == 0, "pthread_create");
	long fd = sys_openat(AT_FDCWD, page + PATH_OFF, O_RDONLY, 0);
	CHECK_OK(fd, "openat(the userfaultfd page)");
	pthread_join(th, NULL);
	CHECK(stat_rc == 0, "fstatat(/proc/self/fd/0) in the handler");

	expect("{%s,\"dirfd\":-100,\"path\":null,\"path_error\":\"ETIMEDOUT\",\"result\":%ld,"
	       "\"errno\":null,\"link\":null,\"resolution\":\"error\"}",
	       jcall("openat"), fd);
	expect_count(1, "{\"event\":\"syscall\",\"syscall\":\"%s\",\"path\":\"/proc/self/fd/0\","
			"\"result\":0}", SC_FSTATAT);
	sys_close((int)fd);
	return 0;
}
