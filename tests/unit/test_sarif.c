/* procfd-trace: unit tests for the leak tracker's SARIF report
 * (tracer/plugins/leaks/leaks_sarif.c): a report of a few leaks is valid JSON
 * with the fields SARIF 2.1.0 and code scanning UIs need, located in the
 * program rather than in libc, fingerprinted stably; checked by Python's
 * json module, which is there for the integration suite anyway. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tracer/plugins/leaks/leaks.h"

/* The checks, run as python3 CHECKER REPORT CWD; exit 0 when they pass. */
static const char checker[] =
	"import json, sys\n"
	"doc = json.load(open(sys.argv[1], encoding='utf-8'))\n"
	"cwd = sys.argv[2]\n"
	"def check(cond, what):\n"
	"    if not cond:\n"
	"        sys.exit('check failed: ' + what)\n"
	"check(doc['$schema'] == 'https://json.schemastore.org/sarif-2.1.0.json', '$schema')\n"
	"check(doc['version'] == '2.1.0', 'version')\n"
	"check(len(doc['runs']) == 1, 'one run')\n"
	"run = doc['runs'][0]\n"
	"drv = run['tool']['driver']\n"
	"check(drv['name'] == 'procfd-trace' and drv['version'] == '9.8.7', 'driver')\n"
	"rules = [r['id'] for r in drv['rules']]\n"
	"check(rules == ['fd-leak', 'fd-leak-deleted'], 'rules')\n"
	"for r in drv['rules']:\n"
	"    check(r['shortDescription']['text'] and r['fullDescription']['text'], 'descriptions')\n"
	"check(drv['rules'][0]['defaultConfiguration']['level'] == 'warning', 'level 0')\n"
	"check(drv['rules'][1]['defaultConfiguration']['level'] == 'error', 'level 1')\n"
	"inv = run['invocations'][0]\n"
	"check(inv['executionSuccessful'] is True, 'executionSuccessful')\n"
	"check(inv['arguments'] == ['procfd-trace', '--leaks', '--', './a b', \"it's\"], 'arguments')\n"
	"check(inv['commandLine'] == \"procfd-trace --leaks -- './a b' 'it'\\\\''s'\", 'commandLine ' + inv['commandLine'])\n"
	"base = run['originalUriBaseIds']['SRCROOT']['uri']\n"
	"check(base.startswith('file:///') and base.endswith('/'), 'SRCROOT ' + base)\n"
	"res = run['results']\n"
	"check(len(res) == 7, 'seven results')\n"
	"for i, r in enumerate(res):\n"
	"    check(drv['rules'][r['ruleIndex']]['id'] == r['ruleId'], 'ruleIndex %d' % i)\n"
	"    check(r['message']['text'], 'message %d' % i)\n"
	"    check(len(r['partialFingerprints']['procfdLeak/v1']) == 16, 'fingerprint %d' % i)\n"
	"a, b, c, d, e, f, g = res\n"
	"for r, line in ((a, 12), (b, 13)):\n"
	"    check(r['ruleId'] == 'fd-leak' and r['level'] == 'warning', 'rule of a/b')\n"
	"    loc = r['locations'][0]\n"
	"    pl = loc['physicalLocation']\n"
	"    check(pl['artifactLocation'] == {'uri': 'src/leaky.c', 'uriBaseId': 'SRCROOT'}, 'uri of a/b ' + str(pl))\n"
	"    check(pl['region']['startLine'] == line, 'line of a/b')\n"
	"    check(loc['logicalLocations'][0]['name'] == 'open_and_forget', 'function of a/b')\n"
	"    fr = r['stacks'][0]['frames']\n"
	"    check(len(fr) == 3, 'three frames')\n"
	"    check(fr[0]['module'].endswith('libc.so.6'), 'frame 0 module')\n"
	"    check(fr[0]['location']['physicalLocation']['artifactLocation']['uri'] == 'file:///build/glibc/open64.c', 'frame 0 uri')\n"
	"    check(fr[1]['location']['logicalLocations'][0]['name'] == 'open_and_forget', 'frame 1')\n"
	"    check('physicalLocation' not in fr[2]['location'], 'frame 2 has no source')\n"
	"    check(fr[2]['location']['message']['text'] == 'main+0x10 in ' + cwd + '/leaky', 'frame 2 text ' + fr[2]['location']['message']['text'])\n"
	"check(a['message']['text'] == 'fd 3 leaked', 'message a')\n"
	"check(a['partialFingerprints'] == b['partialFingerprints'], 'a and b: one leak')\n"
	"check(c['ruleId'] == 'fd-leak-deleted' and c['level'] == 'error', 'rule of c')\n"
	"check(c['properties']['bytesPinned'] == 8192 and c['properties']['deleted'] is True, 'c pinned')\n"
	"check('8192 bytes' in c['message']['text'], 'default message of c ' + c['message']['text'])\n"
	"cl = c['locations'][0]['physicalLocation']\n"
	"check(cl['artifactLocation'] == {'uri': 'file:///opt/src/other%20dir/x%25y.c'}, 'uri of c ' + str(cl))\n"
	"check(cl['region']['startLine'] == 7, 'line of c')\n"
	"fps = {r['partialFingerprints']['procfdLeak/v1'] for r in (a, c, d, e, f, g)}\n"
	"check(len(fps) == 6, 'different leaks, different fingerprints')\n"
	"check(d['properties']['path'] == '/tmp/\\ufffd\\ufffdx\"\\\\\\n', 'invalid utf-8 path ' + repr(d['properties']['path']))\n"
	"check(d['locations'][0]['logicalLocations'][0]['name'] == 'q\"uote\\\\d', 'escaped function')\n"
	"check(d['locations'][0]['physicalLocation']['artifactLocation'] == {'uri': 'gen/%FF%3A.c', 'uriBaseId': 'SRCROOT'}, 'relative dwarf name')\n"
	"check(d['properties']['syscall'] == 'inherited', 'inherited')\n"
	"check('inherited' in d['message']['text'], 'message of d')\n"
	"for r in (e, f, g):\n"
	"    check('physicalLocation' not in r['locations'][0], 'no libc source as the location ' + str(r['locations']))\n"
	"    check('stacks' in r, 'stack of e/f/g')\n"
	"el = e['locations'][0]\n"
	"check(el['logicalLocations'] == [{'name': 'stripped', 'fullyQualifiedName': '/opt/bin/stripped', 'kind': 'module'}], 'module of e ' + str(el))\n"
	"check(el['message']['text'] == '/opt/bin/stripped+0x1200', 'module offset of e ' + el['message']['text'])\n"
	"check(el['properties'] == {'moduleOffset': 0x1200, 'buildId': 'abcd0123'}, 'properties of e')\n"
	"ef = e['stacks'][0]['frames'][1]\n"
	"check(ef['location']['message']['text'] == '0x1200 in /opt/bin/stripped', 'stack frame text of e ' + ef['location']['message']['text'])\n"
	"check(ef['properties'] == {'moduleOffset': 0x1200, 'buildId': 'abcd0123'}, 'stack frame properties of e')\n"
	"fl = f['locations'][0]\n"
	"check(fl['logicalLocations'][0] == {'name': 'cmd_main', 'fullyQualifiedName': 'git!cmd_main', 'kind': 'function'}, 'function of f ' + str(fl))\n"
	"check(fl['logicalLocations'][1]['fullyQualifiedName'] == '/usr/bin/git', 'module of f')\n"
	"check(fl['message']['text'] == 'cmd_main+0x1f at /usr/bin/git+0x1abe', 'text of f ' + fl['message']['text'])\n"
	"gl = g['locations'][0]\n"
	"check(gl['logicalLocations'][0]['name'] == 'open64' and gl['logicalLocations'][1]['kind'] == 'module', 'only libc: its function ' + str(gl))\n";

static const char *cwd(void)
{
	static char dir[PATH_MAX];
	assert_non_null(getcwd(dir, sizeof(dir)));
	return dir;
}

static void run_checker(const char *report)
{
	char script[] = "/tmp/pfd-sarif-check-XXXXXX";
	int fd = mkstemp(script);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, checker, sizeof(checker) - 1), (ssize_t)(sizeof(checker) - 1));
	close(fd);
	char cmd[PATH_MAX * 3];
	snprintf(cmd, sizeof(cmd), "python3 %s %s '%s'", script, report, cwd());
	int rc = system(cmd);
	unlink(script);
	if (rc != 0) {
		snprintf(cmd, sizeof(cmd), "cat %s >&2", report);
		if (system(cmd) != 0)
			fail_msg("cannot show %s", report);
		fail_msg("the report fails the checks (status %d)", rc);
	}
}

static void test_report(void **state)
{
	(void)state;
	char src[PATH_MAX + 32], exe[PATH_MAX + 32];
	snprintf(src, sizeof(src), "%s/src/leaky.c", cwd());
	snprintf(exe, sizeof(exe), "%s/leaky", cwd());
	/* libc has line info here (debug symbols installed): still not the
	 * location, as the program has a frame with source. */
	struct pfd_frame frames[] = {
		{ .ip = 0x7f0000001000, .function = "open64", .offset = 0x20,
		  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6", .file = "/build/glibc/open64.c",
		  .line = 41 },
		{ .ip = 0x401136, .function = "open_and_forget", .offset = 0x16, .module = exe,
		  .file = src, .line = 12 },
		{ .ip = 0x401200, .function = "main", .offset = 0x10, .module = exe },
	};
	struct pfd_frame other[] = {
		{ .ip = 0x1, .function = "unlink_later", .module = "/opt/bin/other",
		  .file = "/opt/src/other dir/x%y.c", .line = 7 },
	};
	struct pfd_frame odd[] = {
		{ .ip = 0x2, .function = "q\"uote\\d", .module = "/opt/x", .file = "./gen/\xff:.c",
		  .line = 3 },
	};
	/* A stripped program: libc has source, the program only an offset. */
	struct pfd_frame stripped[] = {
		{ .ip = 0x7f0000001000, .function = "open64",
		  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6", .file = "/build/glibc/open64.c",
		  .line = 41 },
		{ .ip = 0x55e000001200, .module = "/opt/bin/stripped", .module_offset = 0x1200,
		  .build_id = "abcd0123" },
		{ .ip = 0x7f0000002000, .function = "__libc_start_call_main",
		  .module = "/usr/lib/x86_64-linux-gnu/libc.so.6", .file = "/build/glibc/x.h",
		  .line = 58 },
	};
	/* Its dynamic symbol table names the function, still no source. */
	struct pfd_frame exported[] = {
		stripped[0],
		{ .ip = 0x55e000001abe, .function = "cmd_main", .offset = 0x1f,
		  .module = "/usr/bin/git", .module_offset = 0x1abe },
	};
	/* Nothing outside libc at all. */
	struct pfd_frame only_libc[] = { stripped[0] };
	struct pfd_leak_view a = { .pid = 10, .fd = 3, .exe = exe, .syscall = "openat",
				   .kind = "regular", .path = "/tmp/a", .frames = frames,
				   .n_frames = 3 };
	struct pfd_leak_view b = a;
	b.pid = 11;
	b.fd = 4;
	b.path = "/tmp/b";
	struct pfd_leak_view c = { .pid = 12, .fd = 5, .exe = "/opt/bin/other", .syscall = "open",
				   .kind = "regular", .path = "/var/tmp/big (deleted)",
				   .deleted = true, .bytes_pinned = 8192, .frames = other,
				   .n_frames = 1 };
	struct pfd_leak_view d = { .pid = 13, .fd = 6, .kind = "regular",
				   .path = "/tmp/\xff\xfex\"\\\n", .frames = odd, .n_frames = 1 };
	struct pfd_leak_view e = { .pid = 14, .fd = 7, .syscall = "socket", .kind = "socket",
				   .path = "", .frames = stripped, .n_frames = 3 };
	struct pfd_leak_view f = e;
	f.frames = exported;
	f.n_frames = 2;
	struct pfd_leak_view g = e;
	g.frames = only_libc;
	g.n_frames = 1;

	char *argv[] = { "procfd-trace", "--leaks", "--", "./a b", "it's", NULL };
	struct pfd_sarif *s = pfd_sarif_new("9.8.7", argv);
	assert_non_null(s);
	pfd_sarif_add(s, &a, "fd 3 leaked");
	/* A line moved (an edit above it): still the same leak. */
	frames[1].line = 13;
	pfd_sarif_add(s, &b, "fd 4 leaked");
	pfd_sarif_add(s, &c, NULL);
	pfd_sarif_add(s, &d, "");
	pfd_sarif_add(s, &e, NULL);
	pfd_sarif_add(s, &f, NULL);
	pfd_sarif_add(s, &g, NULL);

	char path[] = "/tmp/pfd-sarif-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pfd_sarif_write(s, path), 0);
	run_checker(path);

	struct stat st;
	char tmp[sizeof(path) + 8];
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	assert_int_equal(stat(tmp, &st), -1);
	assert_int_equal(stat(path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	unlink(path);
}

/* An empty report is a valid log too, with an empty results array. */
static void test_empty_report(void **state)
{
	(void)state;
	char path[] = "/tmp/pfd-sarif-XXXXXX";
	int fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pfd_sarif_write(pfd_sarif_new(NULL, NULL), path), 0);
	char cmd[256];
	snprintf(cmd, sizeof(cmd),
		 "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
		 "r=d[\"runs\"][0]; assert r[\"results\"]==[] and r[\"invocations\"][0][\"arguments\"]==[] "
		 "and \"version\" not in r[\"tool\"][\"driver\"]' %s",
		 path);
	assert_int_equal(system(cmd), 0);
	unlink(path);
}

static void test_write_errors(void **state)
{
	(void)state;
	char *argv[] = { "procfd-trace", NULL };
	assert_int_equal(pfd_sarif_write(pfd_sarif_new("1", argv), "/nonexistent-dir/r.sarif"),
			 -ENOENT);
	assert_int_equal(pfd_sarif_write(NULL, "/tmp/x"), -ENOMEM);
	assert_int_equal(pfd_sarif_write(pfd_sarif_new("1", argv), NULL), -EINVAL);
	/* A device is written through, not replaced. */
	assert_int_equal(pfd_sarif_write(pfd_sarif_new("1", argv), "/dev/null"), 0);
	struct stat st;
	assert_int_equal(stat("/dev/null", &st), 0);
	assert_true(S_ISCHR(st.st_mode));
	/* So is a symlink: it stays one, and its target gets the report. */
	char dir[] = "/tmp/pfd-sarif-dir-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char target[64], link[64];
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(pfd_sarif_write(pfd_sarif_new("1", argv), link), 0);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_true(st.st_size > 100);
	unlink(link);
	unlink(target);
	rmdir(dir);
}

/* pfd_sarif_write to path in a child whose files may not grow past 256
 * bytes (RLIMIT_FSIZE, SIGXFSZ ignored: writes fail with EFBIG, as on a
 * full disk); its result. */
static int write_on_small_disk(const char *path)
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct rlimit lim = { 256, 256 };
		char *argv[] = { "procfd-trace", NULL };
		signal(SIGXFSZ, SIG_IGN);
		if (setrlimit(RLIMIT_FSIZE, &lim) < 0)
			_exit(100);
		_exit(-pfd_sarif_write(pfd_sarif_new("1", argv), path));
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return -WEXITSTATUS(status);
}

static void put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A report that cannot be written leaves no earlier report in its place:
 * the stale PATH and PATH.tmp are removed; a regular file reached through
 * a symlink is emptied, and the symlink stays. */
static void test_failed_write_leaves_no_stale_report(void **state)
{
	(void)state;
	char dir[] = "/tmp/pfd-sarif-full-XXXXXX";
	assert_non_null(mkdtemp(dir));
	char path[64], tmp[64], target[64], link[64];
	snprintf(path, sizeof(path), "%s/r.sarif", dir);
	snprintf(tmp, sizeof(tmp), "%s/r.sarif.tmp", dir);
	snprintf(target, sizeof(target), "%s/target", dir);
	snprintf(link, sizeof(link), "%s/link", dir);
	struct stat st;

	put_file(path, "{\"an earlier run's report\": true}\n");
	assert_int_equal(write_on_small_disk(path), -EFBIG);
	assert_int_equal(lstat(path, &st), -1);
	assert_int_equal(lstat(tmp, &st), -1);

	put_file(target, "{\"an earlier run's report\": true}\n");
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(write_on_small_disk(link), -EFBIG);
	assert_int_equal(lstat(link, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat(target, &st), 0);
	assert_int_equal(st.st_size, 0);

	unlink(link);
	unlink(target);
	assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report),
		cmocka_unit_test(test_empty_report),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_failed_write_leaves_no_stale_report),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
