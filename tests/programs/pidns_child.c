/* Pid namespaces: run as `unshare -p -f --mount-proc pidns_child PROCFD`
 * with PROCFD an fd open on procfd-trace's /proc (the case opens it with a
 * shell redirection before unshare). This program is pid 1 of a new pid
 * namespace whose /proc numbers processes its way; through PROCFD it learns
 * the pids procfd-trace sees (readlinkat(PROCFD, "self")).
 *
 * It holds a deleted file at fd N and forks; the child (pid 2 inside) puts
 * another file at N and stats /proc/1/fd/N: the kernel reads pid 1's table,
 * the parent's, not the child's. The event must carry the child's outer pid
 * and "pidns":{"pid":2,"tid":2}; link.pid is the parent's outer pid and
 * link.ns_pid 1 (the number as written); the target is the PARENT's file. */
#include "expect.h"

#include <sys/vfs.h>
#include <sys/wait.h>

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static int outer_procfd;

/* This process's pid as procfd-trace numbers it. */
static int outer_pid(void)
{
	char buf[32];
	ssize_t n = readlinkat(outer_procfd, "self", buf, sizeof buf - 1);
	CHECK(n > 0, "readlinkat(PROCFD, self)");
	buf[n] = '\0';
	return atoi(buf);
}

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: unshare -p -f --mount-proc pidns_child PROCFD");
	outer_procfd = atoi(argv[1]);
	struct statfs sfs;
	CHECK(fstatfs(outer_procfd, &sfs) == 0 && sfs.f_type == PROC_SUPER_MAGIC,
	      "fd %d is a procfs directory", outer_procfd);
	CHECK(getpid() == 1, "pid 1 in a new pid namespace (got %d)", (int)getpid());
	int me = outer_pid();
	CHECK(me != 1, "PROCFD is the outer procfs (self is %d)", me);

	tmpdir_create();
	struct made_fd m = make_fd("deleted", (struct fd_params){ .name = "parents",
							      .content = "the parent's file\n" });
	int fd = m.fd;
	ino_t parent_ino = fd_stat(fd).st_ino;
	const char *target = jtarget_made(&m, "O_RDWR" EXP_LF);
	const char *p1 = sfmt("/proc/1/fd/%d", fd);
	const char *pself = self_fd(fd);

	/* the parent's own call: pid 1 inside */
	struct stat st;
	long r = sys_fstatat(AT_FDCWD, pself, &st, 0);
	int e = errno;
	CHECK(r == 0 && st.st_ino == parent_ino, "stat %s", pself);
	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"pidns\":{\"pid\":1,\"tid\":1},"
	       "\"syscall\":\"" SC_FSTATAT "\",\"path\":%s,%s,\"link\":{\"what\":\"fd\",\"pid\":%d,"
	       "\"tid\":null,\"fd\":%d,\"spelling\":\"/proc/self/fd/N\",\"probe\":\"open\"},"
	       "\"target\":%s,\"resolution\":\"followed\"}",
	       me, me, jstr(pself), jres(r, e), me, fd, target);

	int report[2];
	CHECK(pipe(report) == 0, "pipe");
	fflush(stdout);
	pid_t child = fork();
	CHECK(child >= 0, "fork");
	if (child == 0) {
		sys_close(report[0]);
		int other = make_file(tmp_path("childs"), "the child's file\n");
		CHECK(dup2(other, fd) == fd, "dup2");
		sys_close(other);
		CHECK(fd_stat(fd).st_ino != parent_ino, "the child's fd N is another file");
		int cme = outer_pid();
		r = sys_fstatat(AT_FDCWD, p1, &st, 0);
		CHECK(r == 0 && st.st_ino == parent_ino,
		      "the child's stat of %s reaches the parent's file", p1);
		CHECK(write(report[1], &cme, sizeof cme) == sizeof cme, "report");
		_exit(0);
	}
	sys_close(report[1]);
	CHECK(child == 2, "the first child is pid 2 inside (got %d)", (int)child);
	int cpid = 0;
	CHECK(read(report[0], &cpid, sizeof cpid) == sizeof cpid, "the child's outer pid");
	int status;
	CHECK(waitpid(child, &status, 0) == child && WIFEXITED(status) && WEXITSTATUS(status) == 0,
	      "child (0x%x)", status);
	CHECK(cpid != me && cpid > 0, "outer pids %d, %d", me, cpid);

	expect("{\"event\":\"syscall\",\"pid\":%d,\"tid\":%d,\"pidns\":{\"pid\":2,\"tid\":2},"
	       "\"syscall\":\"" SC_FSTATAT "\",\"arch\":\"" EXP_ARCH "\",\"dirfd\":-100,\"path\":%s,"
	       "\"result\":0,\"errno\":null,\"link\":{\"what\":\"fd\",\"pid\":%d,\"tid\":null,"
	       "\"fd\":%d,\"spelling\":\"/proc/PID/fd/N\",\"via\":\"path\",\"ns_pid\":1,"
	       "\"ns_tid\":null,\"probe\":\"open\"},\"target\":%s,\"text_target\":\"missing\","
	       "\"resolution\":\"followed\"}",
	       cpid, cpid, jstr(p1), me, fd, target);
	/* the facts on their own: whose table, which file */
	expect_count(1, "{\"event\":\"syscall\",\"path\":%s,\"link\":{\"pid\":%d,\"ns_pid\":1},"
		     "\"target\":{\"ino\":%llu}}",
		     jstr(p1), me, (unsigned long long)parent_ino);
	expect("{\"event\":\"exit\",\"pid\":%d,\"tid\":%d,\"leader\":true,\"status\":0}", cpid, cpid);
	sys_close(fd);
	return 0;
}
