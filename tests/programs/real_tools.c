/* --leaks on real tools: shells, make, python3, as a CI run uses them.
 *
 *   real_tools SCENARIO
 *
 * writes the scenario's files (scripts, a Makefile, C sources) into the
 * current directory (the case's {tmp}), prints what the trace must hold,
 * then execs the scenario's command with its stdout on out.txt (the
 * expectations are this program's stdout). The clean scenarios must end with
 * no leak event and a total of 0 leaks, some of them only thanks to the
 * default suppressions (bash's fd 255 and <(...) pipes, dash's script fd and
 * here-document pipe, make's bad stdin and jobserver pipes), which they then
 * must have used. The others leak a known set of descriptions, one event
 * each, with every holder.
 *
 * pfdtest: no-m32 (the tools are the system's x86-64 builds; an i386 helper
 * that execs them adds nothing) */
#include "expect.h"

#include <sys/stat.h>

/* How many leaks the default suppressions must have hidden. */
enum { SUPP_NONE = 0, SUPP_SOME = -1 };

struct scenario {
	const char *name;
	void (*setup)(void);
	const char *const *argv;
	void (*expect)(void); /* NULL: clean */
	int suppressed;       /* SUPP_NONE, SUPP_SOME */
	const char *needs;    /* a program that may be missing: exit 77 (skip) */
};

/* ---- files ------------------------------------------------------------------------ */

static void put_file(const char *name, const char *text)
{
	FILE *f = fopen(name, "we");
	CHECK(f != NULL, "fopen %s", name);
	CHECK(fputs(text, f) >= 0 && fclose(f) == 0, "write %s", name);
}

static const char *cwd(void)
{
	static char dir[PATH_MAX];
	CHECK(getcwd(dir, sizeof(dir)) != NULL, "getcwd");
	return dir;
}

/* Redirections, command substitution, pipes: what every script does. Runs
 * under bash and dash alike. */
#define SH_COMMON                                                               \
	"echo x > /dev/null; echo y\n"                                          \
	"x=$(echo hi); y=$(cat /etc/hostname | wc -l)\n"                        \
	"echo \"$x $y\" | cat > /dev/null\n"                                    \
	"printf 'b\\na\\n' | sort | uniq -c 2>&1 > /dev/null\n"                 \
	"while read l; do :; done < /etc/hostname\n"                            \
	"{ echo a; echo b; } 2>/dev/null | wc -l\n"                             \
	"( cd / && /bin/true )\n"

static void setup_sh_script(void)
{
	/* a here-document with a $(...) that dash feeds through a pipe its
	 * children inherit (dash-here-document-pipe) */
	put_file("script.sh", SH_COMMON
		 "cat <<EOT > /dev/null\n"
		 "$(head -c 100000 /dev/zero | tr '\\0' a)\n"
		 "EOT\n"
		 "/bin/true\n");
}

static void setup_bash_script(void)
{
	put_file("script.sh", SH_COMMON
		 "cat <(echo a) > /dev/null\n"
		 "diff <(echo a) <(echo a)\n"
		 "f() { wc -l <(echo a) > /dev/null; }; f\n"
		 "while read l; do :; done < <(echo b)\n"
		 "/bin/true\n");
}

/* A script that keeps an fd on purpose and runs two programs: one leak,
 * held by the shell and both programs. */
static void setup_exec_kept(void)
{
	put_file("script.sh", "exec 3> kept.txt\n"
			      "echo x >&3\n"
			      "/bin/true\n"
			      "/bin/true\n");
}

static void expect_exec_kept(void)
{
	expect_count(1, "{\"event\":\"leak\",\"fd\":3,\"origin\":\"trace\","
		     "\"target\":{\"kind\":\"regular\",\"name\":\"%s/kept.txt\"},"
		     "\"opened_by\":{\"syscall\":\"openat\",\"exe\":\"$re:/(ba|da)?sh$\"},"
		     "\"held_by\":[{\"exe\":\"$re:/true$\",\"fd\":3},"
		     "{\"exe\":\"$re:/true$\",\"fd\":3},"
		     "{\"exe\":\"$re:/(ba|da)?sh$\",\"fd\":3,\"crossed_exec\":null}]}",
		     cwd());
	/* the shell's own fd on the script (255, or 10 and up) is shown too */
}

/* autoconf's configure, in small, run as a build runs it (its output
 * redirected by the shell that starts it): fd 5 on config.log and 6 on the
 * output for the whole run, every compiler run with >&5, subshells, a
 * deleted temp file on fd 4. Every fd is a script's redirection: nothing is
 * reported by default (bash-script-redirection, dash-script-redirection). */
static void setup_configure(void)
{
	put_file("conftest.c", "int main(void) { return 0; }\n");
	put_file("configure", "exec 5>>config.log\n"
			      "exec 6>&1\n"
			      "exec 7<&0 </dev/null\n"
			      "echo 'checking for cc' >&6\n"
			      "cc -o conftest conftest.c >&5 2>&1 && ./conftest && echo yes >&6\n"
			      "for i in 1 2; do (echo sub $i; /bin/true) >&5; done\n"
			      "exec 4<>tmp.$$; rm -f tmp.$$; echo x >&4\n"
			      "f() { /bin/true 3>>config.log; }; f\n"
			      "/bin/true\n");
}

/* A deleted file held by a shell and four programs: one leak, its bytes
 * counted once. The disk it pins is measured on a file written alike. */
static long pinned_by_a_million_zeros(void)
{
	static char zeros[65536];
	int fd = open("probe", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(fd >= 0, "open probe");
	for (size_t left = 1000000; left;) {
		size_t n = left < sizeof(zeros) ? left : sizeof(zeros);
		CHECK(write(fd, zeros, n) == (ssize_t)n, "write probe");
		left -= n;
	}
	struct stat st;
	CHECK(fstat(fd, &st) == 0 && close(fd) == 0 && unlink("probe") == 0, "probe");
	return (long)st.st_blocks * 512;
}

static const char *pin_argv[] = { "sh", "-c", NULL, NULL };

static void setup_pin(void)
{
	const char *pin = sfmt("%s/pin", cwd());
	pin_argv[2] = strdup(sfmt("exec 3>%s; rm %s; head -c 1000000 /dev/zero >&3; "
				  "/bin/true; /bin/true", pin, pin));
}

static void expect_pin(void)
{
	long pinned = pinned_by_a_million_zeros();
	expect_count(1, "{\"event\":\"leak\",\"fd\":3,\"origin\":\"trace\","
		     "\"target\":{\"kind\":\"regular\",\"name\":\"%s/pin\",\"deleted\":true,"
		     "\"size\":1000000,\"bytes_pinned\":%ld},"
		     "\"opened_by\":{\"syscall\":\"openat\"},"
		     "\"held_by\":[{\"exe\":\"$re:/rm$\"},{\"exe\":\"$re:/head$\"},"
		     "{\"exe\":\"$re:/true$\"},{\"exe\":\"$re:/true$\"},"
		     "{\"exe\":\"$re:/(ba|da)?sh$\",\"crossed_exec\":null}]}",
		     cwd(), pinned);
	expect_count(1, "{\"event\":\"leak\"}");
	expect("{\"event\":\"leak_total\",\"leaks\":1,\"deleted\":1,\"bytes_pinned\":%ld}", pinned);
}

/* make: recipes with redirections and a pipe, a program it builds first. */
static void setup_make_redir(void)
{
	put_file("hello.c", "#include <stdio.h>\nint main(void) { puts(\"hello\"); return 0; }\n");
	put_file("Makefile", "all: hello\n"
			     "\t./hello > out1.txt\n"
			     "\t./hello | wc -l\n"
			     "\tcat < out1.txt > /dev/null 2>&1\n"
			     "hello: hello.c\n"
			     "\t$(CC) -o $@ hello.c\n");
}

/* make -j2 on a small C project, through a recursive make. */
static void setup_make_j2(void)
{
	CHECK(mkdir("lib", 0755) == 0, "mkdir lib");
	const char *objs = "";
	for (int i = 1; i <= 6; i++) {
		put_file(sfmt("lib/f%d.c", i), sfmt("int f%d(void) { return %d; }\n", i, i));
		objs = sfmt("%s f%d.o", objs, i);
	}
	put_file("lib/main.c", "int main(void) { return 0; }\n");
	put_file("lib/Makefile", sfmt("prog: main.o%s\n"
				      "\t$(CC) -o $@ $^\n"
				      "%%.o: %%.c\n"
				      "\t$(CC) -c -o $@ $< 2> /dev/null\n", objs));
	put_file("Makefile", "all:\n"
			     "\t$(MAKE) -C lib\n"
			     "\t./lib/prog > out1.txt\n");
}

/* python3's subprocess: a pipe made inheritable reaches cat only with
 * close_fds=False. The script closes it before it exits: the leak is cat's
 * copy, never python's. */
#define PY_SUBPROCESS(close_fds)                                                \
	"import os, subprocess\n"                                               \
	"r, w = os.pipe()\n"                                                    \
	"os.set_inheritable(w, True)\n"                                         \
	"subprocess.run(['cat', '/etc/hostname'], close_fds=" close_fds         \
	", stdout=subprocess.DEVNULL)\n"                                        \
	"subprocess.check_output('echo hi | cat', shell=True)\n"                \
	"p = subprocess.Popen(['cat'], stdin=subprocess.PIPE, stdout=subprocess.PIPE)\n" \
	"p.communicate(b'x')\n"                                                 \
	"os.close(r); os.close(w)\n"

static const char *python3(void)
{
	return access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
}

static const char *py_false_argv[] = { NULL, "-c", PY_SUBPROCESS("False"), NULL };
static const char *py_true_argv[] = { NULL, "-c", PY_SUBPROCESS("True"), NULL };

/* compileall -j2: a ProcessPoolExecutor whose forked workers leave
 * through os._exit with the pool's pipes and a /dev/null stdin open
 * (python3-multiprocessing-pipes, python3-multiprocessing-child-stdin). */
static const char *py_forkserver_argv[] = {
	NULL, "-c",
	"import multiprocessing as mp\n"
	"if __name__ == '__main__':\n"
	"    mp.set_start_method('forkserver')\n"
	/* close and join, not the with-block's terminate(): a worker killed
	 * inside sem_open would hold the semaphore's fd, at random */
	"    p = mp.Pool(2); print(p.map(abs, [1, 2, 3])); p.close(); p.join()\n",
	NULL
};
static const char *py_compileall_argv[] = { NULL, "-m", "compileall", "-q", "-j2", "pkg", NULL };

static void setup_python(void)
{
	py_false_argv[0] = py_true_argv[0] = py_compileall_argv[0] = python3();
	py_forkserver_argv[0] = python3();
}

static void setup_compileall(void)
{
	setup_python();
	CHECK(mkdir("pkg", 0755) == 0, "mkdir pkg");
	for (int i = 1; i <= 4; i++)
		put_file(sfmt("pkg/m%d.py", i), sfmt("x = %d\n", i));
}

static void expect_py_close_fds_false(void)
{
	expect_count(1, "{\"event\":\"leak\",\"origin\":\"trace\","
		     "\"target\":{\"kind\":\"pipe\"},"
		     "\"opened_by\":{\"syscall\":\"pipe2\",\"exe\":\"$re:python3\"},"
		     "\"held_by\":[{\"exe\":\"$re:/cat$\",\"cloexec\":false}]}");
	expect_count(1, "{\"event\":\"leak\"}");
	expect("{\"event\":\"leak_total\",\"leaks\":1,\"fds\":1}");
}

/* ---- the table ---------------------------------------------------------------------- */

#define ARGV(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define SH_C_LINE "echo x > /dev/null; echo y; x=$(echo hi); echo \"$x\" | cat > /dev/null"

/* A one-test CMake project, configured and built before the trace counts:
 * the setup's own cmake runs are traced too, and reported if they leak. */
static void setup_ctest(void)
{
	put_file("CMakeLists.txt", "cmake_minimum_required(VERSION 3.10)\nproject(x C)\n"
				   "enable_testing()\nadd_executable(m m.c)\n"
				   "add_test(NAME t1 COMMAND m)\nadd_test(NAME t2 COMMAND m)\n");
	put_file("m.c", "int main(void) { return 0; }\n");
	CHECK(system("cmake -S . -B b > cmake.out 2>&1 && cmake --build b > build.out 2>&1") == 0,
	      "cmake configure and build");
}

/* A Java class to compile. */
static void setup_javac(void)
{
	put_file("A.java", "class A { public static void main(String[] a) { } }\n");
}

/* Two C files to compile and link. */
static void setup_c_files(void)
{
	put_file("m.c", "int f1(void);\nint main(void) { return f1() - 1; }\n");
	put_file("f1.c", "int f1(void) { return 1; }\n");
}

/* A new crate, built offline (no dependencies). */
static void setup_cargo(void)
{
	CHECK(mkdir("src", 0755) == 0, "mkdir src");
	put_file("Cargo.toml", "[package]\nname = \"c\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
	put_file("src/main.rs", "fn main() { println!(\"hi\"); }\n");
}

/* git's local transports, as a test suite's fixture repository uses them */
#define GIT_LOCAL                                                               \
	"export HOME=$PWD GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=a GIT_AUTHOR_EMAIL=a@b " \
	"GIT_COMMITTER_NAME=a GIT_COMMITTER_EMAIL=a@b; "                        \
	"git init -q --bare b.git && git clone -q b.git w 2>/dev/null && cd w && " \
	"git commit -q --allow-empty -m x && git push -q origin HEAD:main && "  \
	"git fetch -q origin && git pull -q origin main && cd .. && "           \
	"git clone -q file://$PWD/b.git w2"

static const struct scenario scenarios[] = {
	/* the first example: stdout on a file, a builtin redirected */
	{ "bash_c", NULL, ARGV("bash", "-c", SH_C_LINE), NULL, SUPP_NONE, NULL },
	{ "sh_c", NULL, ARGV("sh", "-c", SH_C_LINE), NULL, SUPP_NONE, NULL },
	{ "bash_script", setup_bash_script, ARGV("bash", "script.sh"), NULL, SUPP_SOME, NULL },
	{ "sh_script", setup_sh_script, ARGV("sh", "script.sh"), NULL, SUPP_SOME, NULL },
	/* a script's redirections: suppressed by default, shown without them */
	{ "bash_exec_kept", setup_exec_kept, ARGV("bash", "script.sh"), NULL, SUPP_SOME, NULL },
	{ "sh_exec_kept", setup_exec_kept, ARGV("sh", "script.sh"), NULL, SUPP_SOME, NULL },
	{ "bash_exec_kept_shown", setup_exec_kept, ARGV("bash", "script.sh"), expect_exec_kept,
	  SUPP_NONE, NULL },
	{ "sh_exec_kept_shown", setup_exec_kept, ARGV("sh", "script.sh"), expect_exec_kept,
	  SUPP_NONE, NULL },
	{ "sh_deleted_pin", setup_pin, pin_argv, NULL, SUPP_SOME, NULL },
	{ "sh_deleted_pin_shown", setup_pin, pin_argv, expect_pin, SUPP_NONE, NULL },
	{ "git_local", NULL, ARGV("sh", "-c", GIT_LOCAL), NULL, SUPP_SOME, "git" },
	{ "node", NULL, ARGV("node", "-e", "require('child_process').execSync('true')"), NULL,
	  SUPP_SOME, "node" },
	{ "flock_cmd", NULL, ARGV("flock", "lk", "true"), NULL, SUPP_SOME, "flock" },
	{ "dpkg_query", NULL, ARGV("dpkg-query", "-W", "dpkg"), NULL, SUPP_SOME, "dpkg-query" },
	{ "python_forkserver", setup_python, py_forkserver_argv, NULL, SUPP_SOME, NULL },
	{ "javac", setup_javac, ARGV("javac", "A.java"), NULL, SUPP_SOME, "javac" },
	{ "java_version", NULL, ARGV("java", "-version"), NULL, SUPP_SOME, "java" },
	{ "cargo_build", setup_cargo, ARGV("cargo", "build", "-q", "--offline"), NULL, SUPP_SOME,
	  "cargo" },
	{ "clang_lto", setup_c_files, ARGV("clang", "-flto", "-O2", "-o", "m", "m.c", "f1.c"), NULL,
	  SUPP_SOME, "clang" },
	{ "gcc_gold", setup_c_files, ARGV("gcc", "-fuse-ld=gold", "-o", "m", "m.c", "f1.c"), NULL,
	  SUPP_SOME, "ld.gold" },
	{ "ctest_j2", setup_ctest, ARGV("ctest", "--test-dir", "b", "-j2"), NULL, SUPP_SOME,
	  "cmake" },
	{ "bash_configure", setup_configure, ARGV("bash", "-c", "bash configure > conf.out"), NULL,
	  SUPP_SOME, NULL },
	/* the output a program opened, dup'd by the script to fd 6 */
	{ "bash_configure_stdout", setup_configure, ARGV("bash", "configure"), NULL, SUPP_SOME,
	  NULL },
	{ "sh_configure_stdout", setup_configure, ARGV("sh", "configure"), NULL, SUPP_SOME, NULL },
	{ "sh_configure", setup_configure, ARGV("sh", "-c", "sh configure > conf.out"), NULL,
	  SUPP_SOME, NULL },
	{ "make_redir", setup_make_redir, ARGV("make", "-s"), NULL, SUPP_NONE, NULL },
	{ "make_j2", setup_make_j2, ARGV("make", "-s", "-j2"), NULL, SUPP_SOME, NULL },
	{ "python_close_fds_false", setup_python, py_false_argv, expect_py_close_fds_false,
	  SUPP_NONE, NULL },
	{ "python_close_fds_true", setup_python, py_true_argv, NULL, SUPP_NONE, NULL },
	{ "python_compileall_j2", setup_compileall, py_compileall_argv, NULL, SUPP_SOME, NULL },
};

static const struct scenario *find(const char *name)
{
	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++)
		if (strcmp(scenarios[i].name, name) == 0)
			return &scenarios[i];
	return NULL;
}

static bool on_path(const char *prog)
{
	const char *path = getenv("PATH");
	for (const char *p = path; p && *p;) {
		size_t n = strcspn(p, ":");
		if (access(sfmt("%.*s/%s", (int)n, p, prog), X_OK) == 0)
			return true;
		p += n + (p[n] == ':');
	}
	return false;
}

static void expect_suppressed(int suppressed)
{
	if (suppressed == SUPP_SOME) /* the scenario made the tool's fd */
		expect_none("{\"event\":\"leak_total\",\"suppressed\":0}");
	else
		expect_count(1, "{\"event\":\"leak_total\",\"suppressed\":%d}", suppressed);
}

int main(int argc, char **argv)
{
	CHECK(argc == 2, "usage: real_tools SCENARIO");
	const struct scenario *s = find(argv[1]);
	CHECK(s != NULL, "no scenario %s", argv[1]);
	if (s->needs && !on_path(s->needs)) {
		fprintf(stderr, "real_tools: no %s on PATH\n", s->needs);
		return 77;
	}
	if (s->setup)
		s->setup();
	if (s->expect) {
		s->expect();
	} else {
		expect_none("{\"event\":\"leak\"}");
		expect("{\"event\":\"leak_total\",\"leaks\":0,\"fds\":0}");
	}
	expect_suppressed(s->suppressed);
	fflush(stdout);
	int out = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	CHECK(out >= 0 && dup2(out, 1) == 1 && close(out) == 0, "stdout on out.txt");
	execvp(s->argv[0], (char *const *)s->argv);
	CHECK(0, "exec %s", s->argv[0]);
	return 1;
}
