/* --leaks and fds no traced call installs (issue 23, row 4): a fanotify
 * group's event carries an fd of the file opened, installed by read(2) at
 * the lowest free number. Here that is the number of an earlier, closed
 * open of the same file, so the fd matches that open's record by number,
 * device and inode. It must not be attributed with confidence to the
 * closed open: the report says "certain": false. A plain open in a process
 * that uses neither io_uring nor fanotify stays certain (leak_kinds).
 * The file is one of the test's own: a mark on a file other processes
 * open (/etc/hostname, which parallel cases read) would queue their opens
 * as events too, each one more fd. */
#include "leakexp.h"

#include <sys/fanotify.h>

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("watched");
	int w = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	CHECK(w >= 0 && close(w) == 0, "create %s", file);
	int fan = (int)syscall(SYS_fanotify_init, FAN_CLASS_NOTIF, O_RDONLY);
	if (fan < 0)
		skip("fanotify_init: %s", strerror(errno));
	if (fanotify_mark(fan, FAN_MARK_ADD, FAN_OPEN, AT_FDCWD, file) < 0)
		skip("fanotify_mark: %s", strerror(errno));
	int f = (int)syscall(SYS_openat, AT_FDCWD, file, O_RDONLY, 0);
	CHECK(f >= 0, "open");
	CHECK(close(f) == 0, "close");
	struct fanotify_event_metadata m[4];
	CHECK(read(fan, m, sizeof(m)) >= (ssize_t)sizeof(m[0]), "read the event");
	CHECK(m[0].fd == f, "the event's fd %d lands on the closed fd %d", m[0].fd, f);
	expect_count(1, "{\"event\":\"leak\",\"pid\":%d,\"fd\":%d,\"certain\":false,"
		     "\"target\":{\"name\":\"%s\"}}", (int)getpid(), f, file);
	expect_count(1, "{\"event\":\"leak\",\"pid\":%d,\"fd\":%d,\"certain\":false,"
		     "\"opened_by\":{\"syscall\":\"fanotify_init\"}}", (int)getpid(), fan);
	expect("{\"event\":\"leak_total\",\"leaks\":2}");
	return 0;
}
