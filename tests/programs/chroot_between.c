/* The same link between an exec and a chroot: its text is looked up in the
 * root the tracee has at each call, never in one procfd-trace cached before
 * (it keeps each calling thread's root open as a dirfd).
 *
 * Phase 1: a thread and the leader stat /proc/self/fd/N (text "CWD/f": the
 * held file, same-file); the process execs itself. Phase 2: the leader
 * stats it again (same-file, after the exec), then, in a mount namespace of
 * its own (unshare, mount: calls procfd-trace traps too), binds /proc into
 * CWD/jail, which holds a different file under the text's path, and chroots
 * there while a thread that stated the link before waits: the thread (which
 * shares the leader's root and had it cached), the leader and a forked
 * child then find a different file (different-file). Needs root
 * (CAP_SYS_ADMIN, CAP_SYS_CHROOT); the jail has no libraries, hence the exec
 * before the chroot. */
#include "expect.h"

#include <pthread.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

static int held;
static ino_t held_ino;
static pthread_barrier_t bar;

/* stat of /proc/self/fd/N, and what the text names then. */
static void stat_link(const char *text_target)
{
	const char *rel = self_fd(held);
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, rel, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_ino == held_ino, "stat through the link");
	expect("{%s,\"path\":%s,%s,\"target\":{\"ino\":%lu},\"text_target\":\"%s\","
	       "\"resolution\":\"followed\"}",
	       jcall(SC_FSTATAT), jstr(rel), jres(r, e), (unsigned long)held_ino, text_target);
}

/* mkdir -p */
static void make_dirs(char *path)
{
	for (char *s = path + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		CHECK(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s", path);
		*s = '/';
	}
	CHECK(mkdir(path, 0755) == 0 || errno == EEXIST, "mkdir %s", path);
}

/* The thread: one stat before the leader's chroot, one after. */
static void *thread_main(void *arg)
{
	bool chrooted = arg != NULL;
	stat_link("same-file");
	pthread_barrier_wait(&bar); /* the leader chroots */
	pthread_barrier_wait(&bar);
	if (chrooted)
		stat_link("different-file");
	return NULL;
}

static void run_thread(bool chroot_between)
{
	pthread_t th;
	CHECK(pthread_barrier_init(&bar, NULL, 2) == 0, "barrier");
	CHECK(pthread_create(&th, NULL, thread_main, chroot_between ? &bar : NULL) == 0,
	      "pthread_create");
	pthread_barrier_wait(&bar);
	if (chroot_between) {
		long r = syscall(SYS_chroot, "jail");
		if (r < 0 && errno == EPERM)
			skip("chroot: no CAP_SYS_CHROOT here");
		CHECK_OK(r, "chroot jail");
		CHECK(chdir("/") == 0, "chdir /");
	}
	pthread_barrier_wait(&bar);
	pthread_join(th, NULL);
	pthread_barrier_destroy(&bar);
}

/* jail/proc: our /proc, in a mount namespace of our own (gone with us). */
static void bind_proc(void)
{
	if (syscall(SYS_unshare, CLONE_NEWNS) < 0 && errno == EPERM)
		skip("unshare(CLONE_NEWNS): no CAP_SYS_ADMIN here");
	CHECK(syscall(SYS_mount, "none", "/", NULL, MS_REC | MS_PRIVATE, NULL) == 0,
	      "mount --make-rprivate /");
	CHECK(mkdir("jail/proc", 0755) == 0 || errno == EEXIST, "mkdir jail/proc");
	CHECK(syscall(SYS_mount, "/proc", "jail/proc", NULL, MS_BIND | MS_REC, NULL) == 0,
	      "bind /proc into the jail");
}

static int after_exec(void)
{
	stat_link("same-file"); /* after the exec, before the chroot */
	bind_proc();
	run_thread(true);
	stat_link("different-file");
	fflush(stdout); /* printed once, not again by the child */
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		stat_link("different-file");
		fflush(stdout);
		_exit(0);
	}
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) &&
	      WEXITSTATUS(status) == 0, "child");
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "after") == 0) {
		held = atoi(argv[2]);
		held_ino = (ino_t)strtoull(argv[3], NULL, 10);
		return after_exec();
	}
	if (geteuid() != 0)
		skip("chroot needs root");
	char cwd[PATH_MAX];
	CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd");
	held = make_file("f", "outside\n");
	held_ino = fd_stat(held).st_ino;
	/* jail/CWD/f: the text's path inside the jail, another file */
	char inner[PATH_MAX + 8];
	snprintf(inner, sizeof inner, "jail%s", cwd);
	make_dirs(inner);
	close(make_file(sfmt("%s/f", inner), "inside\n"));

	run_thread(false);
	stat_link("same-file");

	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
	CHECK(n > 0, "readlink /proc/self/exe");
	exe[n] = '\0';
	char *args[] = { exe, "after", (char *)sfmt("%d", held),
			 (char *)sfmt("%lu", (unsigned long)held_ino), NULL };
	fflush(stdout);
	execv(exe, args);
	CHECK(0, "execv %s", exe);
	return 1;
}
