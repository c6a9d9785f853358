/* A path whose page is not resident, in a program that runs from a FUSE file
 * system whose daemon is traced too and makes a trapped call (fstatat of
 * /proc/self/fd/0) before it serves each read. A direct read of that path by
 * procfd-trace would wait for the page, the page for the daemon, and the
 * daemon, stopped at its trapped call, for procfd-trace: for ever, in a
 * sleep SIGTERM does not end. The guarded-read policy marks a process whose
 * executable is on FUSE (tracer/engine/guarded_read.c), so the read is given
 * up (path_error ETIMEDOUT), both calls go on, and the program exits 0.
 *
 * The daemon is this program, with no libfuse: the kernel's protocol on
 * /dev/fuse (linux/fuse.h), serving one file, "prog", a copy of its own
 * executable. max_readahead 0, and the path in a section of its own aligned
 * to 64 KiB that only the path call reads, so its page comes in only when
 * read. The mount lives in a mount namespace of its own.
 *
 * Broken, the tracer would wait for the FUSE daemon in an uninterruptible
 * sleep (a request already read by the daemon is waited out) that even
 * SIGKILL does not end, and the suite would hang. So a watchdog, a child
 * made with CLONE_UNTRACED (not stopped by anyone), aborts the FUSE
 * connection through fusectl after WATCHDOG_S: the tracer's read then
 * fails, the program from FUSE dies of SIGBUS, and the case fails instead
 * of hanging. Skips (77) without the privilege to mount or without
 * /dev/fuse. */
#include "expect.h"

#include <linux/fuse.h>
#include <pthread.h>
#include <poll.h>
#include <sched.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define PROG_INO 2
#define TTL 3600
#define WATCHDOG_S 20

/* Read by nothing but the openat below (and so by procfd-trace's read):
 * 64 KiB of its own, so no other data shares its pages. */
static const char far_path[65536] __attribute__((section(".pfd_far"), aligned(65536), used)) =
	"/";

static int fuse_fd = -1, prog_fd = -1;
static struct stat prog_st;
static int daemon_stops; /* trapped calls the daemon made before a read */

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = 1;
	if (ino == FUSE_ROOT_ID) {
		a->mode = S_IFDIR | 0755;
		a->nlink = 2;
		return;
	}
	a->mode = S_IFREG | 0755;
	a->size = (uint64_t)prog_st.st_size;
	a->blocks = (a->size + 511) / 512;
	a->blksize = 4096;
}

static void reply(uint64_t unique, int err, const void *body, size_t len)
{
	struct fuse_out_header h = { .len = (uint32_t)(sizeof(h) + len), .error = -err,
				     .unique = unique };
	struct iovec v[2] = { { &h, sizeof(h) }, { (void *)body, len } };
	/* ENOENT: the request was interrupted; nothing to do about it */
	if (writev(fuse_fd, v, len ? 2 : 1) < 0 && errno != ENOENT)
		fprintf(stderr, "fuse reply: %s\n", strerror(errno));
}

static void on_init(uint64_t unique, const struct fuse_init_in *in)
{
	struct fuse_init_out out = {
		.major = FUSE_KERNEL_VERSION,
		.minor = in->minor < FUSE_KERNEL_MINOR_VERSION ? in->minor
							       : FUSE_KERNEL_MINOR_VERSION,
		.max_readahead = 0, /* a page comes in only when it is read */
		.max_background = 4, .congestion_threshold = 3,
		.max_write = 4096, .time_gran = 1,
	};
	reply(unique, 0, &out, sizeof(out));
}

static void on_lookup(uint64_t unique, uint64_t parent, const char *name)
{
	if (parent != FUSE_ROOT_ID || strcmp(name, "prog") != 0) {
		reply(unique, ENOENT, NULL, 0);
		return;
	}
	struct fuse_entry_out e = { .nodeid = PROG_INO, .generation = 1,
				    .entry_valid = TTL, .attr_valid = TTL };
	fill_attr(&e.attr, PROG_INO);
	reply(unique, 0, &e, sizeof(e));
}

static void on_getattr(uint64_t unique, uint64_t node)
{
	struct fuse_attr_out a = { .attr_valid = TTL };
	fill_attr(&a.attr, node);
	reply(unique, 0, &a, sizeof(a));
}

/* The trapped call first: procfd-trace stops the daemon here. */
static void on_read(uint64_t unique, const struct fuse_read_in *in)
{
	static char data[1 << 17];
	struct stat st;
	sys_fstatat(AT_FDCWD, "/proc/self/fd/0", &st, 0);
	__atomic_add_fetch(&daemon_stops, 1, __ATOMIC_RELAXED);
	size_t size = in->size < sizeof(data) ? in->size : sizeof(data);
	ssize_t n = pread(prog_fd, data, size, (off_t)in->offset);
	reply(unique, n < 0 ? EIO : 0, data, n < 0 ? 0 : (size_t)n);
}

static void serve_one(const char *req)
{
	const struct fuse_in_header *h = (const void *)req;
	const void *body = req + sizeof(*h);
	switch (h->opcode) {
	case FUSE_INIT: on_init(h->unique, body); break;
	case FUSE_LOOKUP: on_lookup(h->unique, h->nodeid, body); break;
	case FUSE_GETATTR: on_getattr(h->unique, h->nodeid); break;
	case FUSE_OPEN: {
		struct fuse_open_out o = { 0 };
		reply(h->unique, 0, &o, sizeof(o));
		break;
	}
	case FUSE_READ: on_read(h->unique, body); break;
	case FUSE_FLUSH: case FUSE_RELEASE: reply(h->unique, 0, NULL, 0); break;
	case FUSE_FORGET: case FUSE_BATCH_FORGET: case FUSE_INTERRUPT: break; /* no reply */
	default: reply(h->unique, ENOSYS, NULL, 0); break;
	}
}

/* Until the mount goes (ENODEV). */
static void *serve(void *arg)
{
	static char req[FUSE_MIN_READ_BUFFER + (1 << 17)];
	(void)arg;
	for (;;) {
		ssize_t n = read(fuse_fd, req, sizeof(req));
		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;
		if (n < (ssize_t)sizeof(struct fuse_in_header))
			return NULL;
		serve_one(req);
	}
}

/* --leaks: an fd the app leaves open, made where no stack may be taken (its
 * unwind tables are in its executable, on FUSE). */
static int run_app_leak(void)
{
	long fd = sys_openat(AT_FDCWD, "/", O_RDONLY | O_DIRECTORY, 0);
	CHECK_OK(fd, "openat /");
	expect("{\"event\":\"leak\",\"fd\":%ld,\"opened_by\":{\"syscall\":\"openat\","
	       "\"backtrace\":null}}", fd);
	return 0;
}

static int run_app(void)
{
	long fd = sys_openat(AT_FDCWD, far_path, O_RDONLY | O_DIRECTORY, 0);
	CHECK_OK(fd, "openat(the path in the FUSE-backed page)");
	expect("{%s,\"dirfd\":-100,\"path\":null,\"path_error\":\"ETIMEDOUT\",\"result\":%ld,"
	       "\"errno\":null,\"resolution\":\"error\"}", jcall("openat"), fd);
	sys_close((int)fd);
	return 0;
}

static void mount_fuse(const char *mnt)
{
	if (unshare(CLONE_NEWNS) < 0)
		skip("unshare(CLONE_NEWNS): %s", strerror(errno));
	CHECK(mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0, "make / private");
	fuse_fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fuse_fd < 0)
		skip("/dev/fuse: %s", strerror(errno));
	prog_fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	CHECK(prog_fd >= 0 && fstat(prog_fd, &prog_st) == 0, "open /proc/self/exe");
	CHECK(mkdir(mnt, 0755) == 0, "mkdir %s", mnt);
	const char *opts = sfmt("fd=%d,rootmode=40000,user_id=0,group_id=0", fuse_fd);
	if (mount("pfdtest", mnt, "fuse.pfdtest", MS_NOSUID | MS_NODEV, opts) < 0)
		skip("mount fuse: %s", strerror(errno));
}

/* The fusectl file that aborts the connection of the mount at mnt, opened
 * now (the watchdog's open would be trapped, and fail with ENOSYS under the
 * filter without a tracer). -1 when fusectl cannot be had. */
static int open_abort(const char *mnt)
{
	struct stat st;
	CHECK(stat(mnt, &st) == 0, "stat %s", mnt);
	if (mount("fusectl", "/sys/fs/fuse/connections", "fusectl", 0, NULL) < 0 && errno != EBUSY)
		return -1;
	return open(sfmt("/sys/fs/fuse/connections/%u/abort", minor(st.st_dev)),
		    O_WRONLY | O_CLOEXEC);
}

/* Waits for a byte on done (the program finished) or WATCHDOG_S, then
 * aborts the connection: exit status 1 when it had to. */
static pid_t start_watchdog(int abort_fd, int done)
{
	if (abort_fd < 0) {
		fprintf(stderr, "no fusectl: no watchdog (a broken tracer would hang)\n");
		return 0;
	}
	pid_t pid = (pid_t)syscall(SYS_clone, CLONE_UNTRACED | SIGCHLD, 0L, 0L, 0L, 0L);
	CHECK(pid >= 0, "clone(CLONE_UNTRACED)");
	if (pid > 0)
		return pid;
	struct pollfd p = { .fd = done, .events = POLLIN };
	if (poll(&p, 1, WATCHDOG_S * 1000) == 1)
		_exit(0);
	if (write(abort_fd, "1", 1) < 0)
		_exit(2);
	_exit(1);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "app") == 0)
		return run_app();
	if (argc > 1 && strcmp(argv[1], "app-leak") == 0)
		return run_app_leak();
	bool leak = argc > 1 && strcmp(argv[1], "leak") == 0;
	tmpdir_create();
	const char *mnt = tmp_path("mnt");
	mount_fuse(mnt);
	pthread_t th;
	CHECK(pthread_create(&th, NULL, serve, NULL) == 0, "pthread_create");
	int done[2];
	CHECK(pipe2(done, O_CLOEXEC) == 0, "pipe2");
	pid_t watchdog = start_watchdog(open_abort(mnt), done[0]);

	const char *prog = sfmt("%s/prog", mnt);
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		execl(prog, "prog", leak ? "app-leak" : "app", (char *)NULL);
		fprintf(stderr, "exec %s: %s\n", prog, strerror(errno));
		_exit(99);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child, "waitpid");
	if (watchdog > 0) {
		int wst;
		CHECK(write(done[1], "x", 1) == 1, "tell the watchdog");
		CHECK(waitpid(watchdog, &wst, 0) == watchdog, "waitpid(watchdog)");
		CHECK(WIFEXITED(wst) && WEXITSTATUS(wst) == 0,
		      "the watchdog aborted the FUSE connection after %d s: procfd-trace waited "
		      "for the FUSE daemon (status %#x)", WATCHDOG_S, wst);
	}
	CHECK(umount2(mnt, MNT_DETACH) == 0, "umount %s", mnt);
	pthread_join(th, NULL);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the app from FUSE: status %#x",
	      status);
	CHECK(daemon_stops > 0, "the daemon served no read");
	if (!leak)
		expect_min(1, "{\"event\":\"syscall\",\"pid\":%d,\"syscall\":\"%s\","
			      "\"path\":\"/proc/self/fd/0\",\"result\":0}", (int)getpid(),
			   SC_FSTATAT);
	return 0;
}
