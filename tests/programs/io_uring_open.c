/* An io_uring IORING_OP_OPENAT of /proc/self/fd/N: the kernel opens the
 * link from the ring, and no syscall of the tracee names the path, so
 * procfd-trace sees nothing of it in any mode (README, Limits). This checks
 * that documented behaviour: the open succeeds, no event names the path for
 * it, nothing breaks, and the same open made as a syscall right after is
 * reported (the tracer was watching). Raw io_uring (no liburing). Skips (77)
 * where io_uring is refused (kernel.io_uring_disabled, a container's seccomp
 * profile) or has no OPENAT (Linux < 5.6). */
#include "expect.h"

#include <linux/io_uring.h>
#include <stdatomic.h>
#include <sys/mman.h>

#ifndef SYS_io_uring_setup
#define SYS_io_uring_setup 425
#define SYS_io_uring_enter 426
#endif

struct ring {
	int fd;
	unsigned char *sq, *cq;
	struct io_uring_sqe *sqes;
	struct io_uring_params p;
};

static void ring_setup(struct ring *r)
{
	memset(&r->p, 0, sizeof(r->p));
	r->fd = (int)syscall(SYS_io_uring_setup, 4, &r->p);
	if (r->fd < 0)
		skip("io_uring_setup refused: %s", strerror(errno));
	size_t sq_len = r->p.sq_off.array + r->p.sq_entries * sizeof(unsigned);
	size_t cq_len = r->p.cq_off.cqes + r->p.cq_entries * sizeof(struct io_uring_cqe);
	bool single = r->p.features & IORING_FEAT_SINGLE_MMAP;
	if (single && cq_len > sq_len)
		sq_len = cq_len;
	r->sq = mmap(NULL, sq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd,
		     IORING_OFF_SQ_RING);
	CHECK(r->sq != MAP_FAILED, "mmap the submission ring");
	r->cq = single ? r->sq
		       : mmap(NULL, cq_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE,
			      r->fd, IORING_OFF_CQ_RING);
	CHECK(r->cq != MAP_FAILED, "mmap the completion ring");
	r->sqes = mmap(NULL, r->p.sq_entries * sizeof(struct io_uring_sqe),
		       PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, r->fd, IORING_OFF_SQES);
	CHECK(r->sqes != MAP_FAILED, "mmap the submission entries");
}

/* One IORING_OP_OPENAT, submitted and waited for: its result (fd or -errno). */
static int ring_openat(struct ring *r, const char *path, int flags)
{
	unsigned *tail = (unsigned *)(r->sq + r->p.sq_off.tail);
	unsigned mask = *(unsigned *)(r->sq + r->p.sq_off.ring_mask);
	unsigned *array = (unsigned *)(r->sq + r->p.sq_off.array);
	unsigned t = *tail, idx = t & mask;
	struct io_uring_sqe *sqe = &r->sqes[idx];
	memset(sqe, 0, sizeof(*sqe));
	sqe->opcode = IORING_OP_OPENAT;
	sqe->fd = AT_FDCWD;
	sqe->addr = (uint64_t)(uintptr_t)path;
	sqe->open_flags = (uint32_t)flags;
	array[idx] = idx;
	__atomic_store_n(tail, t + 1, __ATOMIC_RELEASE);
	long n = syscall(SYS_io_uring_enter, r->fd, 1, 1, IORING_ENTER_GETEVENTS, NULL, 0);
	CHECK(n == 1, "io_uring_enter: %ld (%s)", n, strerror(errno));
	unsigned *head = (unsigned *)(r->cq + r->p.cq_off.head);
	unsigned cmask = *(unsigned *)(r->cq + r->p.cq_off.ring_mask);
	struct io_uring_cqe *cqes = (struct io_uring_cqe *)(r->cq + r->p.cq_off.cqes);
	unsigned h = __atomic_load_n(head, __ATOMIC_ACQUIRE);
	CHECK(h != __atomic_load_n((unsigned *)(r->cq + r->p.cq_off.tail), __ATOMIC_ACQUIRE),
	      "a completion");
	int res = cqes[h & cmask].res;
	__atomic_store_n(head, h + 1, __ATOMIC_RELEASE);
	return res;
}

int main(void)
{
	int fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC);
	CHECK(fd >= 0, "open /etc/passwd");
	char path[64];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);

	struct ring r;
	ring_setup(&r);
	int got = ring_openat(&r, path, O_RDONLY | O_CLOEXEC);
	if (got == -EINVAL || got == -EOPNOTSUPP)
		skip("IORING_OP_OPENAT not supported: %s", strerror(-got));
	CHECK(got >= 0, "the ring's openat of %s: %s", path, strerror(-got));
	struct stat a = fd_stat(fd), b = fd_stat(got);
	CHECK(a.st_ino == b.st_ino && a.st_dev == b.st_dev, "the ring opened the held file");

	long again = sys_openat(AT_FDCWD, path, O_RDONLY, 0);
	CHECK_OK(again, "openat as a syscall");

	/* the syscall is reported; the ring's open of the same path is not */
	expect("{%s,\"path\":%s,\"result\":%ld,\"resolution\":\"followed\"}", jcall("openat"),
	       jstr(path), again);
	expect_count(1, "{\"event\":\"syscall\",\"path\":%s}", jstr(path));
	expect_none("{\"event\":\"syscall\",\"result\":%d,\"syscall\":\"openat\"}", got);
	sys_close((int)again);
	close(got);
	return 0;
}
