/* Signals reach the program through the tracer: each signal-delivery-stop
 * must be resumed with the signal, or the program never sees it. SIGUSR1
 * from raise() runs its handler, which makes a traced call of its own; a
 * sigqueue()d SIGUSR2 arrives with its value (the siginfo is kept); a signal
 * that was blocked is delivered when it is unblocked. Exits 3 when a signal
 * was lost. */
#include "expect.h"

#include <signal.h>

static int fd;
static volatile sig_atomic_t usr1_count, usr2_count, usr2_value;
static volatile long handler_r = -2;

static void on_usr1(int sig)
{
	(void)sig;
	usr1_count++;
	struct stat st;
	handler_r = sys_fstatat(AT_FDCWD, "/proc/self/fd/3", &st, AT_SYMLINK_NOFOLLOW);
}

static void on_usr2(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	usr2_count++;
	if (si->si_code == SI_QUEUE)
		usr2_value = si->si_value.sival_int;
}

int main(void)
{
	tmpdir_create();
	const char *file = tmp_path("f");
	fd = make_file(file, "x\n");
	CHECK(fd == 3, "the first free fd is 3 (got %d)", fd);
	const char *target = jtarget_file(fd, file, false, "read-write", "O_RDWR" EXP_LF);
	const char *p = self_fd(fd);

	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_usr1;
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction USR1");
	sa.sa_handler = NULL;
	sa.sa_sigaction = on_usr2;
	sa.sa_flags = SA_SIGINFO;
	CHECK(sigaction(SIGUSR2, &sa, NULL) == 0, "sigaction USR2");

	raise(SIGUSR1);
	if (usr1_count != 1) {
		fprintf(stderr, "signal_reinject: SIGUSR1 handler ran %d times, expected 1\n",
			(int)usr1_count);
		return 3;
	}
	CHECK(handler_r == 0, "the handler's lstat of %s", p);
	expect("{%s,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",\"result\":0,\"errno\":null,"
	       "\"link\":%s,\"target\":%s,\"resolution\":\"link-itself\"}",
	       jcall(SC_FSTATAT), jstr(p), jself(fd), target);

	union sigval v = { .sival_int = 4242 };
	CHECK(sigqueue(getpid(), SIGUSR2, v) == 0, "sigqueue");
	if (usr2_count != 1 || usr2_value != 4242) {
		fprintf(stderr, "signal_reinject: SIGUSR2 ran %d times with value %d, expected once "
				"with 4242\n", (int)usr2_count, (int)usr2_value);
		return 3;
	}

	/* blocked, then unblocked: delivered at the unblock */
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0, "block");
	raise(SIGUSR1);
	CHECK(usr1_count == 1, "a blocked signal must wait");
	CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0, "unblock");
	if (usr1_count != 2) {
		fprintf(stderr, "signal_reinject: the unblocked SIGUSR1 was not delivered\n");
		return 3;
	}
	expect("{%s,\"path\":%s,\"flags\":\"AT_SYMLINK_NOFOLLOW\",\"result\":0,\"link\":%s,"
	       "\"resolution\":\"link-itself\"}",
	       jcall(SC_FSTATAT), jstr(p), jself(fd));
	expect_count(2, "{\"event\":\"syscall\",\"path\":%s}", jstr(p));
	sys_close(fd);
	return 0;
}
