/* euid_report: run as a setuid-root, setgid-root copy by uid 65534 under a
 * non-root procfd-trace (suid_nobody_wrap). Prints its ids, NoNewPrivs and
 * seccomp mode, and fails (exit 1) if the exec gave it root's euid or egid:
 * a traced setuid exec by a tracer without CAP_SYS_PTRACE must not gain
 * privileges. With --no-seccomp (Seccomp: 0) no_new_privs must be off, so a
 * pass there shows that ptrace alone withholds the privileges. */
#include "expect.h"

/* The value of "Key:" in /proc/self/status (-1 when absent). */
static long status_field(const char *key)
{
	char line[256];
	size_t klen = strlen(key);
	long v = -1;
	FILE *f = fopen("/proc/self/status", "r");
	CHECK(f != NULL, "open /proc/self/status");
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':')
			v = strtol(line + klen + 1, NULL, 10);
	fclose(f);
	return v;
}

int main(void)
{
	long nnp = status_field("NoNewPrivs"), mode = status_field("Seccomp");
	printf("uid %d euid %d gid %d egid %d NoNewPrivs %ld Seccomp %ld\n", (int)getuid(),
	       (int)geteuid(), (int)getgid(), (int)getegid(), nnp, mode);
	if (geteuid() == 0 || getegid() == 0) {
		fprintf(stderr, "euid_report: the traced setuid exec gained root (euid %d, egid %d)\n",
			(int)geteuid(), (int)getegid());
		return 1;
	}
	if (mode == 0 && nnp != 0) {
		fprintf(stderr, "euid_report: NoNewPrivs set without a filter: ptrace not shown\n");
		return 1;
	}
	return 0;
}
