#!/usr/bin/env python3
"""procfd-trace integration tests.

Runs every case of a table (tests/integration/cases.txt) through the tracer:

    BIN --json -o TRACE [OPTIONS] -- COMMAND [ARGS]

and checks, for each case:
  * the exit status of procfd-trace;
  * the trace: every line valid UTF-8, valid JSON, an object that follows
    docs/json-schema.md (keys, types, enumerations, consistency);
  * the expectations the test program printed on stdout (see
    tests/programs/expect.h):
        expect {JSON}          ordered: matches an event after the previous one
        expect-none {JSON}     no event matches
        expect-count N {JSON}  exactly N events match
        expect-min N {JSON}    at least N events match
    Matching is a recursive subset match; "$any" matches any present value,
    "$flags:A|B" a '|'-separated flag word holding exactly A and B,
    "$re:REGEX" a string REGEX finds something in, and a list starting
    with "$seq" a list holding the other elements' matches in that order
    (not necessarily next to each other: a stack's frames).

Case table: one case a line, '#' starts a comment, tokens split like a shell:

    NAME  EXIT  [+DIRECTIVE...] [TRACER OPTIONS...] [-- COMMAND [ARGS...]]

EXIT is the expected exit status of procfd-trace, or several separated by
commas. When procfd-trace re-raises the signal that killed its command,
Python sees a negative return code (-9 for SIGKILL); a tracer that exits
128+N instead gives 137: a killed case accepts both ("137,-9").

In the command and its arguments, "@PROG" is PROGRAMS/PROG, "{programs}" the
programs directory and "{tmp}" a fresh directory for the case (in an .m32
variant, PROGRAMS32/PROG and PROGRAMS32: see Modes). In the
options, "{deadpid}" is the pid of a process that has just been reaped (no
such process, for -p).

Directives (harness only, never passed to procfd-trace):
    +raw              run BIN OPTIONS -- COMMAND as written: no --json, no -o
    +text             text mode: -o TRACE without --json. The trace is cut
                      into blocks (a "[pid N] call(...) = R" line and its
                      indented lines); every `expect` of a syscall event must
                      match a block after the previous match, on each field the
                      text sink prints that the expectation gives: tid, syscall,
                      path, result/errno; with -v the whole fd line (text, kind,
                      "deleted (nlink 0)" / "not deleted (nlink N)" / "nlink N",
                      dev, ino, access, name, text_target; none when target is
                      null) and the resolution (and explanation when given);
                      by default (compact) the resolution's tag on the call's
                      line and the short fd line where the block has one
                      (text, kind, deleted, access)
    +stdin=TEXT       feed TEXT (backslash escapes allowed) on stdin
                      (default: /dev/null)
    +stdout=TEXT      stdout must be exactly TEXT (escapes allowed)
    +stderr           procfd-trace must say something on stderr
    +stderr-has=TEXT  stderr must contain TEXT (backslash escapes allowed)
    +stderr-lacks=TEXT stderr must not contain TEXT
    +stdout-has=TEXT, +stdout-lacks=TEXT  the same for stdout (with +raw:
                      --explain and --json without -o write there)
    +file=NAME:MODE   create {tmp}/NAME (a tiny shell script) with octal MODE
    +absent=PATH      PATH must not exist after the run (nothing was run)
    +no-trace-file    the -o file must not have been created
    +no-expect        the program prints no expectations (else at least one
                      is required from a @PROG command)
    +wrap=PROG        run procfd-trace under PROG: PROG BIN --json -o TRACE ...
                      (PROG execs its arguments; "@PROG" allowed)
    +m32              the case runs i386-only test programs (m32_*.c, built
                      with cc -m32 into PROGRAMS): when one of its @PROGs is
                      not built, the case is skipped with "SKIP (no 32-bit
                      toolchain)" instead of failing
    +modes=M,M...     the variants the case runs in (see Modes), instead of the
                      default
    +xfail=MODE:WHY   the variant of that mode is expected to fail (a known
                      tracer bug, described by WHY): reported XFAIL, not
                      counted as failed; if it passes, XPASS, counted failed
    +skip-mode=MODE:WHY  the variant of that mode is not run: SKIP (WHY)
                      (quote such a token when WHY has spaces: '+xfail=m32:...')
    +skip-exit=N      exit status N means the environment cannot run the
                      case (e.g. no privilege for a namespace): SKIP, with the
                      last line of stderr as the reason
    +attach           attach mode: the harness starts COMMAND itself, untraced;
                      it must print "ready PID" on stdout. Then it runs
                      BIN --json -o TRACE OPTIONS -p PID ("{pid}" in OPTIONS
                      is PID too), waits until the
                      trace holds +min-events syscall events (default 2),
                      sends SIGINT, and checks: procfd-trace exits promptly
                      with EXIT; the process is then untraced (TracerPid 0)
                      and not stopped; it exits 0 on its own; the trace meets
                      the expectations it printed
    +attach-traced    like +attach, but COMMAND runs under a first
                      procfd-trace; the second one (-p PID) must exit with
                      EXIT (stderr checked as usual); then the first one gets
                      SIGTERM (passed on to COMMAND, which must exit 0), and
                      its trace must meet the expectations
    +explain          explain mode: the harness starts COMMAND itself, untraced
                      (a holder of fds); it must print "ready PID" on stdout.
                      Then it runs BIN --json -o TRACE OPTIONS, where "{pid}"
                      in OPTIONS is PID (OPTIONS hold --explain and its
                      PATHs), checks its exit status against EXIT, sends the
                      holder SIGTERM (it must exit 0) and checks the trace
                      against the expectations the holder printed. With
                      +text: no --json, and the text report is checked
                      instead (see check_explain_text). With +wrap, the case
                      directory and the trace file are made writable for
                      another user (a wrapper that drops privileges)
    +sarif=FILE:N:SRC {tmp}/FILE is a SARIF 2.1.0 log of N results with the
                      fields code scanning needs, one located in source SRC
    +example          run procfd-trace-example (--example-bin: procfd-trace with
                      the example plugin of tests/plugins/) instead of --bin
    +timeout=SECONDS  this case's time limit (default: --timeout)
    +min-events=N     syscall events to wait for before SIGINT (+attach) or
                      SIGTERM (+attach-traced)

Modes: one line of the table is one scenario; it runs as one or more
variants, each reported on its own line under its own name:
    seccomp         NAME                the default filter
    noseccomp       NAME.noseccomp      with --no-seccomp (a stop at every call)
    m32             NAME.m32            the command's test programs are their
                                        i386 builds (PROGRAMS32)
    m32.noseccomp   NAME.m32.noseccomp  both
By default a scenario (the command runs a test program, by @PROG or
{programs}/PROG; not +raw, +attach or +attach-traced; no --no-seccomp of its
own) runs in every mode: the m32 ones only when one of its programs has an
i386 build and none is excluded from it. Any other case runs once, as
written. +modes overrides the default. -k matches variant names.

i386 builds: the Makefile builds every tests/programs/*.c but m32_*.c a
second time with cc -m32 into PROGRAMS32 (--programs32, default the
--programs path + "32"), except a program whose source holds the marker
"pfdtest: no-m32" followed by the reason (its cases get no m32 variants).
The programs make their expectations arch-aware (expect.h: EXP_ARCH,
SC_FSTATAT, EXP_LF...). When PROGRAMS32/exit_status is not built (no 32-bit
toolchain) or does not run, every m32 variant is SKIP with the reason, never
FAIL. +wrap programs are always the native builds.

Usage: run.py --bin build/procfd-trace --programs build/tests/programs
       [--programs32 build/tests/programs32]
       [--cases FILE] [-k PATTERN] [--jobs 2] [--timeout 30] [-v] [--direct]

--direct runs the @PROG commands without the tracer: a check that the test
programs behave as they assume on this kernel (their exit status only).

The last line printed is "N passed, M failed, K skipped" (then ", X expected
failures" when there are some); the exit status is 0 only when nothing failed
(FAIL or XPASS).
"""

import argparse
import codecs
import concurrent.futures
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# ----------------------------------------------------------------- cases


class Case:
    def __init__(self, name, exits, directives, options, command, lineno):
        self.name = name
        self.exits = exits
        self.directives = directives  # list of (key, value or None)
        self.options = options
        self.command = command  # None: no "--" at all
        self.lineno = lineno
        self.mode = "seccomp"  # the variant (see MODES)
        self.m32 = False  # @PROG and {programs} name the i386 builds

    def variant(self, mode):
        v = Case(self.name + MODES[mode], self.exits, self.directives,
                 (["--no-seccomp"] if mode.endswith("noseccomp") else []) + self.options,
                 self.command, self.lineno)
        v.mode, v.m32 = mode, mode.startswith("m32")
        return v

    def has(self, key):
        return any(k == key for k, _ in self.directives)

    def values(self, key):
        return [v for k, v in self.directives if k == key]


def unescape(text):
    return codecs.decode(text, "unicode_escape")


# mode -> the suffix of its variant's name
MODES = {"seccomp": "", "noseccomp": ".noseccomp", "m32": ".m32",
         "m32.noseccomp": ".m32.noseccomp"}

PROGRAMS_SRC = os.path.join(os.path.dirname(HERE), "programs")
NO_M32_MARKER = "pfdtest: no-m32"
PROGRAMS_DIR_RE = re.compile(r"\{programs\}/([A-Za-z0-9_]+)")


def no_m32_reason(prog):
    """Why tests/programs/PROG.c has no i386 build (its marker comment), or
    None when it has one (m32_*.c are i386 programs of their own)."""
    if prog.startswith("m32_"):
        return "an i386-only program"
    try:
        with open(os.path.join(PROGRAMS_SRC, prog + ".c"), encoding="utf-8") as f:
            for line in f:
                if NO_M32_MARKER in line:
                    return line.split(NO_M32_MARKER, 1)[1].strip(" :*/\n") or "marked"
    except OSError:
        return "no source tests/programs/%s.c" % prog
    return None


def command_programs(tokens):
    """The test programs a command runs: @PROG tokens and {programs}/PROG."""
    progs = []
    for t in tokens or []:
        if t.startswith("@"):
            progs.append(t[1:])
        progs += PROGRAMS_DIR_RE.findall(t)
    return progs


def default_modes(case):
    """The variants of a case without +modes: a scenario (a test program in
    the command, not +raw, not +attach, no --no-seccomp of its own) runs in
    every mode that applies; anything else runs once, as written."""
    progs = command_programs(case.command)
    if (not progs or case.has("raw") or case.has("attach") or case.has("attach-traced")
            or case.has("explain") or "--no-seccomp" in case.options):
        return ["seccomp"]
    modes = ["seccomp", "noseccomp"]
    if (not case.has("m32") and any(no_m32_reason(p) is None for p in progs)
            and not any(no_m32_reason(p) not in (None, "an i386-only program")
                        for p in progs)):
        modes += ["m32", "m32.noseccomp"]
    return modes


def parse_cases(path):
    cases = []
    names = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            tokens = shlex.split(line, comments=True)
            if not tokens:
                continue
            where = "%s:%d" % (path, lineno)
            if len(tokens) < 2:
                raise SystemExit("%s: need NAME and EXIT" % where)
            name, exits = tokens[0], tokens[1]
            if name in names:
                raise SystemExit("%s: duplicate case %s" % (where, name))
            names.add(name)
            try:
                exits = [int(x) for x in exits.split(",")]
            except ValueError:
                raise SystemExit("%s: bad EXIT %r" % (where, exits))
            rest = tokens[2:]
            command = None
            if "--" in rest:
                i = rest.index("--")
                rest, command = rest[:i], rest[i + 1:]
            directives, options = [], []
            for tok in rest:
                if tok.startswith("+"):
                    key, sep, value = tok[1:].partition("=")
                    if key not in DIRECTIVES:
                        raise SystemExit("%s: unknown directive +%s" % (where, key))
                    if DIRECTIVES[key] != bool(sep):
                        raise SystemExit("%s: +%s %s a value" % (
                            where, key, "takes" if DIRECTIVES[key] else "takes no"))
                    directives.append((key, value if sep else None))
                else:
                    options.append(tok)
            case = Case(name, exits, directives, options, command, lineno)
            modes = case.values("modes")
            if modes:
                modes = modes[0].split(",")
                for m in modes:
                    if m not in MODES:
                        raise SystemExit("%s: +modes: unknown mode %r (known: %s)" % (
                            where, m, ", ".join(MODES)))
                    if m.startswith("m32") and not any(
                            no_m32_reason(p) is None for p in command_programs(command)):
                        raise SystemExit("%s: +modes=%s: no test program of the command "
                                         "has an i386 build" % (where, m))
                    if m.endswith("noseccomp") and "--no-seccomp" in options:
                        raise SystemExit("%s: +modes=%s with --no-seccomp" % (where, m))
            else:
                modes = default_modes(case)
            for m in case.values("xfail") + case.values("skip-mode"):
                if m.partition(":")[0] not in modes:
                    raise SystemExit("%s: %s names mode %r, not one of the case's (%s)" % (
                        where, "+xfail" if m in case.values("xfail") else "+skip-mode",
                        m.partition(":")[0], ",".join(modes)))
            for m in modes:
                v = case.variant(m)
                if v.name in names and m != "seccomp":
                    raise SystemExit("%s: variant %s is also a case of its own" % (where, v.name))
                names.add(v.name)
                cases.append(v)
    return cases


def mode_directive(case, key):
    """The REASON of a +KEY=MODE:REASON directive naming the case's mode."""
    for v in case.values(key):
        mode, _, reason = v.partition(":")
        if mode == case.mode:
            return reason or "no reason given"
    return None


# directive -> takes a value
DIRECTIVES = {
    "raw": False, "text": False, "stdin": True, "stdout": True, "stderr": False,
    "stderr-has": True, "file": True, "absent": True, "no-trace-file": False,
    "no-expect": False, "wrap": True, "m32": False, "skip-exit": True, "attach": False,
    "attach-traced": False, "min-events": True, "timeout": True, "modes": True,
    "xfail": True, "skip-mode": True, "example": False, "sarif": True, "stderr-lacks": True,
    "stdout-has": True, "stdout-lacks": True,
    "explain": False,
}

# bounds of the attach cases, in seconds
ATTACH_READY = 10.0     # the target says "ready PID"
ATTACH_EVENTS = 10.0    # the trace holds +min-events events
ATTACH_PROMPT = 5.0     # procfd-trace exits after SIGINT

# --------------------------------------------------------------- schema

RESOLUTIONS = {"followed", "link-itself", "directory", "no-such-fd", "no-such-process",
               "denied", "refused-nofollow", "refused-scoped", "not-reopenable",
               "unfinished", "held-symlink", "follow-up", "plain", "through-link", "not-procfs",
               "no-such-thread", "unconfirmed", "raced", "error"}
TEXT_TARGETS = {"same-file", "missing", "different-file", "not-a-path", "unknown"}
KINDS = {"regular", "directory", "pipe", "fifo", "socket", "anon-inode", "memfd",
         "char-device", "block-device", "symlink", "other", "nsfs", "mqueue"}
ACCESS = {"read", "write", "read-write", "path"}
PROBES = {"open", "no-fd", "no-process", "no-thread", "denied", "failed", "not-procfs"}
VIAS = {"path", "cwd", "dirfd"}
ARCHES = {"x86_64", "i386", "x32"}
FD_SPELLINGS = {"/proc/self/fd/N", "/proc/thread-self/fd/N", "/proc/PID/fd/N",
                "/proc/PID/task/TID/fd/N", "/proc/self/task/TID/fd/N",
                "/proc/thread-self/task/TID/fd/N", "/dev/fd/N", "/dev/stdin",
                "/dev/stdout", "/dev/stderr"}
DIR_SPELLINGS = {"/proc/self/fd", "/proc/thread-self/fd", "/proc/PID/fd",
                 "/proc/PID/task/TID/fd", "/proc/self/task/TID/fd",
                 "/proc/thread-self/task/TID/fd", "/dev/fd"}
ERRNO_RE = re.compile(r"^E[A-Z0-9]+$")
DEV_RE = re.compile(r"^\d+:\d+$")


def is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def check_bytes(v, where, problems):
    """A byte string from the tracee: a UTF-8 JSON string or a byte array
    that is not valid UTF-8 (else it should have been a string)."""
    if isinstance(v, str):
        try:
            v.encode("utf-8")
        except UnicodeEncodeError:
            problems.append("%s: string holds a lone surrogate" % where)
        return
    if isinstance(v, list):
        if not all(is_int(b) and 0 <= b <= 255 for b in v):
            problems.append("%s: byte array with a value outside 0..255" % where)
            return
        try:
            bytes(v).decode("utf-8")
            problems.append("%s: byte array is valid UTF-8, should be a string" % where)
        except UnicodeDecodeError:
            pass
        return
    problems.append("%s: bytes must be a string or an array, got %r" % (where, v))


def as_bytes(v):
    return v.encode("utf-8", "surrogatepass") if isinstance(v, str) else bytes(v)


def check_keys(obj, required, optional, where, problems):
    for k in required:
        if k not in obj:
            problems.append("%s: missing key %r" % (where, k))
    for k in obj:
        if k not in required and k not in optional:
            problems.append("%s: key %r not in docs/json-schema.md" % (where, k))


def check_type(obj, key, pred, what, where, problems):
    if key in obj and not pred(obj[key]):
        problems.append("%s.%s: expected %s, got %r" % (where, key, what, obj[key]))


# Fields the example plugin (tests/plugins/dupcount.c, run with +example)
# adds to the events it reports, and the event of its own it writes.
PLUGIN_SYSCALL_FIELDS = {"dup_cmd", "new_fd"}
PLUGIN_EVENTS = {
    "dupcount": (["event", "pid", "last_tid", "dups", "cloexec", "inherited", "parent",
                  "files", "execs", "live", "exe"], []),
    # --leaks (tracer/plugins/leaks/leaks.c, docs/json-schema.md)
    "leak": (["event", "pid", "fd", "exe", "origin", "certain", "inherited", "target", "opened_by",
              "installed_by", "held_by", "cloexec", "crossed_exec"], ["suppression"]),
    "leak_total": (["event", "processes", "leaks", "fds", "deleted", "bytes_pinned",
                    "suppressed", "lost"], []),
    # -p: attach and detach (tracer/engine/core_events.c)
    "attach": (["event", "pid", "threads"], []),
    "detach": (["event", "pid", "tid", "last"], []),
    # -c/--summary (tracer/plugins/procfd/procfd_summary.c)
    "summary": (["event", "links", "not_counted"], []),
    # a walk of a link's text that found nothing, judged at the tool's exit
    # (tracer/plugins/procfd/procfd_followup.c)
    "walk_outcome": (["event", "pid", "exe", "status", "follow_up_of", "called_broken",
                      "explanation"], []),
}
SUMMARY_ROW_KEYS = ["pid", "fd", "text", "kind", "deleted", "nlink", "size", "calls", "programs",
                    "problem", "verdict"]
FRAME_KEYS = ["ip", "function", "offset", "module", "module_offset", "build_id", "file", "line"]
BUILD_ID_RE = re.compile(r"^[0-9a-f]{2,128}$")

# --explain (tracer/explain*.c, docs/json-schema.md)
EXPLAIN_KEYS = ["event", "pid", "path", "link", "fd", "self", "probe", "probe_errno", "case",
                "target", "text_target", "name_target", "other_name", "open", "stat", "lstat",
                "readlink", "access", "stat_text", "verdict", "remedy"]
EXPLAIN_ROWS = ["open", "stat", "lstat", "readlink", "access", "stat_text"]
EXPLAIN_CASES = {"live", "deleted", "replaced", "hardlink-removed", "collision", "other-file",
                 "name-unreachable", "deleted-directory", "pipe", "fifo", "socket",
                 "anon-inode", "memfd", "device", "held-symlink", "namespace", "mqueue",
                 "no-fd", "no-process", "denied", "failed"}
EXPLAIN_CELL_KEYS = ["ok", "errno", "kind", "dev", "ino", "nlink", "size", "held", "note"]
FIND_VALUES = {"same-file", "missing", "different-file", "unknown"}


def validate_explain_cell(c, row, where, problems):
    if c is None:
        return
    if not isinstance(c, dict):
        problems.append("%s: a cell is an object or null, got %r" % (where, c))
        return
    extra = {"readlink": ["text"], "open": ["opened"]}.get(row, [])
    check_keys(c, EXPLAIN_CELL_KEYS + extra, [], where, problems)
    check_type(c, "ok", lambda v: isinstance(v, bool), "a bool", where, problems)
    check_type(c, "errno", lambda v: v is None or (isinstance(v, str) and ERRNO_RE.match(v)),
               "an errno name or null", where, problems)
    if isinstance(c.get("ok"), bool) and (c["ok"] != (c.get("errno") is None)):
        problems.append("%s: errno must be null exactly when ok" % where)
    check_type(c, "kind", lambda v: v is None or v in KINDS, "a kind or null", where, problems)
    check_type(c, "dev", lambda v: v is None or (isinstance(v, str) and DEV_RE.match(v)),
               "\"major:minor\" or null", where, problems)
    for k in ("ino", "nlink", "size"):
        check_type(c, k, lambda v: v is None or (is_int(v) and v >= 0), "int or null", where,
                   problems)
    check_type(c, "held", lambda v: v is None or isinstance(v, bool), "bool or null", where,
               problems)
    check_type(c, "note", lambda v: v is None or (isinstance(v, str) and v), "string or null",
               where, problems)
    check_type(c, "opened", lambda v: v in (None, "read", "path"), "read, path or null", where,
               problems)
    if row == "readlink" and c.get("text") is not None:
        check_bytes(c["text"], where + ".text", problems)


def validate_explain(ev, problems):
    w = "explain event"
    check_keys(ev, EXPLAIN_KEYS, [], w, problems)
    check_bytes(ev.get("path"), w + ".path", problems)
    check_type(ev, "pid", lambda v: is_int(v) and v > 0, "a positive int", w, problems)
    check_type(ev, "link", lambda v: v is None or isinstance(v, str), "string or null", w,
               problems)
    check_type(ev, "fd", lambda v: v is None or (is_int(v) and v >= 0), "fd or null", w,
               problems)
    check_type(ev, "self", lambda v: isinstance(v, bool), "a bool", w, problems)
    check_type(ev, "probe", lambda v: v in PROBES, "a probe value", w, problems)
    check_type(ev, "probe_errno", lambda v: v is None or ERRNO_RE.match(v), "errno or null", w,
               problems)
    check_type(ev, "case", lambda v: v in EXPLAIN_CASES, "a case", w, problems)
    for k in ("text_target", "name_target"):
        check_type(ev, k, lambda v: v is None or v in TEXT_TARGETS, "a text_target value or null", w,
                   problems)
    for k in ("verdict", "remedy"):
        check_type(ev, k, lambda v: isinstance(v, str) and v.strip(), "a sentence", w, problems)
    if (ev.get("fd") is None) != (ev.get("link") is None):
        problems.append("%s: link must be null exactly when fd is" % w)
    if ev.get("other_name") is not None:
        check_bytes(ev["other_name"], w + ".other_name", problems)
    t = ev.get("target")
    if t is not None:
        if isinstance(t, dict):
            validate_target(t, problems)
        else:
            problems.append("%s.target: an object or null" % w)
    if (t is None) != (ev.get("probe") != "open"):
        problems.append("%s: target must be null exactly when probe is not open" % w)
    for row in EXPLAIN_ROWS:
        r = ev.get(row)
        if not (isinstance(r, dict) and set(r) == {"magic", "regular"}):
            problems.append("%s.%s: expected {magic, regular}, got %r" % (w, row, r))
            continue
        for col in ("magic", "regular"):
            validate_explain_cell(r[col], row, "%s.%s.%s" % (w, row, col), problems)


def validate_backtrace(bt, where, problems):
    if bt is None:
        return
    if not isinstance(bt, list):
        problems.append("%s: a backtrace is an array or null, got %r" % (where, bt))
        return
    for i, f in enumerate(bt):
        if not isinstance(f, dict):
            problems.append("%s[%d]: a frame is an object" % (where, i))
            continue
        check_keys(f, FRAME_KEYS, [], "%s[%d]" % (where, i), problems)
        check_type(f, "ip", lambda v: is_int(v) and v >= 0, "an address", where, problems)
        check_type(f, "line", lambda v: v is None or (is_int(v) and v > 0), "a line or null",
                   where, problems)
        check_type(f, "build_id", lambda v: v is None or (isinstance(v, str) and
                                                          BUILD_ID_RE.match(v)),
                   "hex or null", where, problems)
        if (f.get("module") is None) != (f.get("module_offset") is None):
            problems.append("%s[%d]: module_offset must be null exactly when module is" % (
                where, i))
        if f.get("module") is not None:
            check_bytes(f["module"], "%s[%d].module" % (where, i), problems)


def validate_leak(ev, problems):
    w = "leak event"
    t = ev.get("target")
    if isinstance(t, dict):
        for k in ("kind", "deleted", "size", "bytes_pinned"):
            if k not in t:
                problems.append("%s.target: missing %r" % (w, k))
    origin = ev.get("origin")
    if origin not in ("trace", "inherited", "unknown"):
        problems.append("%s.origin: trace, inherited or unknown, got %r" % (w, origin))
    if ev.get("inherited") is not (origin == "inherited"):
        problems.append("%s: inherited must be true exactly when origin is inherited" % w)
    ob = ev.get("opened_by")
    if (ob is None) != (origin != "trace"):
        problems.append("%s: opened_by must be null exactly when origin is not trace" % w)
    for key, extra in (("opened_by", []), ("installed_by", ["fd"])):
        site = ev.get(key)
        if isinstance(site, dict):
            check_keys(site, ["syscall", "pid", "tid", "exe", "backtrace", "spawned_at"] + extra,
                       [], "%s.%s" % (w, key), problems)
            validate_backtrace(site.get("backtrace"), "%s.%s.backtrace" % (w, key), problems)
            validate_backtrace(site.get("spawned_at"), "%s.%s.spawned_at" % (w, key), problems)
        elif site is not None:
            problems.append("%s.%s: null or an object, got %r" % (w, key, site))
    held = ev.get("held_by")
    if not (isinstance(held, list) and held):
        problems.append("%s.held_by: a non-empty array, got %r" % (w, held))
        held = []
    for i, h in enumerate(held):
        check_keys(h, ["pid", "exe", "fd", "cloexec", "crossed_exec"], [],
                   "%s.held_by[%d]" % (w, i), problems)
    if not any(h.get("pid") == ev.get("pid") and h.get("fd") == ev.get("fd") for h in held):
        problems.append("%s: the event's pid and fd are not among held_by" % w)
    for where, ce in [("", ev.get("crossed_exec"))] + [
            (".held_by[%d]" % i, h.get("crossed_exec")) for i, h in enumerate(held)]:
        if ce is not None and not (isinstance(ce, dict) and set(ce) == {"from", "to"}):
            problems.append("%s%s.crossed_exec: null or {from, to}, got %r" % (w, where, ce))


def validate_plain_call(ev, problems):
    """A call that takes no path: its arguments (as many as the call takes,
    at most six: the program's expectation says how many) as numbers."""
    w = "syscall event"
    check_keys(ev, ["event", "pid", "tid", "syscall", "arch", "args", "result", "errno"],
               sorted(PLUGIN_SYSCALL_FIELDS), w, problems)
    args = ev.get("args")
    if not (isinstance(args, list) and len(args) <= 6 and
            all(is_int(a) and 0 <= a < 2 ** 64 for a in args)):
        problems.append("%s.args: expected up to 6 unsigned ints, got %r" % (w, args))


def validate_plugin_event(ev, problems):
    required, optional = PLUGIN_EVENTS[ev["event"]]
    check_keys(ev, required, optional, "%s event" % ev["event"], problems)
    if ev["event"] == "leak":
        validate_leak(ev, problems)
    if ev["event"] == "summary":
        for i, row in enumerate(ev.get("links") or []):
            check_keys(row, SUMMARY_ROW_KEYS, [], "summary.links[%d]" % i, problems)


def validate_syscall(ev, problems):
    w = "syscall event"
    if "args" in ev:
        validate_plain_call(ev, problems)
        return
    check_keys(ev, ["event", "pid", "tid", "syscall", "arch", "dirfd", "path", "flags",
                    "result", "errno", "link", "target", "text_target", "resolution",
                    "explanation"],
               ["path_error", "mode", "resolve", "pidns", "backtrace", "name_target",
                "follow_up_of", "reached", "reached_file", "verified"], w, problems)
    if "follow_up_of" in ev:
        validate_follow_up(ev, problems)
    if "backtrace" in ev:
        validate_backtrace(ev["backtrace"], w + ".backtrace", problems)
    if "pidns" in ev:
        pn = ev["pidns"]
        if not (isinstance(pn, dict) and set(pn) == {"pid", "tid"} and
                all(is_int(v) and v > 0 for v in pn.values())):
            problems.append("%s.pidns: expected {pid, tid} positive ints, got %r" % (w, pn))
    for k in ("pid", "tid"):
        check_type(ev, k, lambda v: is_int(v) and v > 0, "a positive int", w, problems)
    check_type(ev, "syscall", lambda v: isinstance(v, str) and v, "a name", w, problems)
    check_type(ev, "arch", lambda v: v in ARCHES, "one of %s" % sorted(ARCHES), w, problems)
    check_type(ev, "dirfd", lambda v: v is None or is_int(v), "int or null", w, problems)
    check_type(ev, "flags", lambda v: v is None or (isinstance(v, str) and v), "string or null",
               w, problems)
    check_type(ev, "mode", lambda v: isinstance(v, str) and v, "a string", w, problems)
    check_type(ev, "resolve", lambda v: isinstance(v, str) and v, "a string", w, problems)
    check_type(ev, "result", lambda v: v is None or is_int(v), "int or null", w, problems)
    check_type(ev, "errno", lambda v: v is None or (isinstance(v, str) and ERRNO_RE.match(v)),
               "an errno name or null", w, problems)
    check_type(ev, "explanation", lambda v: isinstance(v, str) and v.strip(),
               "a sentence", w, problems)
    check_type(ev, "resolution", lambda v: v in RESOLUTIONS, "a resolution", w, problems)
    check_type(ev, "verified", lambda v: v is None or isinstance(v, bool), "a bool or null", w,
               problems)
    if ev.get("verified") is False and not any(
            w_ in str(ev.get("explanation")) for w_ in ("another inode", "has no fd")):
        problems.append("%s: verified false, but the explanation does not say so" % w)
    # a verification that failed changes the resolution: never a silent "followed"
    want = {True: "followed", False: "unconfirmed"}.get(ev.get("verified"))
    if want and ev.get("resolution") != want:
        problems.append("%s: verified %r on a %r call" % (w, ev["verified"],
                                                          ev.get("resolution")))
    if ev.get("resolution") == "unconfirmed" and ev.get("verified") is True:
        problems.append("%s: unconfirmed, yet verified true" % w)
    if ev.get("resolution") == "raced" and ev.get("errno") != "ENOENT":
        problems.append("%s: raced with errno %r (ENOENT only)" % (w, ev.get("errno")))
    check_type(ev, "text_target", lambda v: v is None or v in TEXT_TARGETS,
               "a text_target value or null", w, problems)
    check_type(ev, "name_target", lambda v: v is None or v in TEXT_TARGETS,
               "a name_target value or null", w, problems)
    if "resolve" in ev and ev.get("syscall") != "openat2":
        problems.append("%s: 'resolve' on %s (openat2 only)" % (w, ev.get("syscall")))
    if "path" in ev:
        if ev["path"] is None:
            # without path_error: a NULL path the call does not read (it acts
            # on its dirfd), written only as a plain call
            if not isinstance(ev.get("path_error"), str) and ev.get("resolution") != "plain":
                problems.append("%s: path null without path_error" % w)
        else:
            check_bytes(ev["path"], w + ".path", problems)
            if "path_error" in ev:
                problems.append("%s: path_error with a path" % w)
    if "result" in ev and "errno" in ev:
        r, e = ev["result"], ev["errno"]
        if r is None:
            if e is not None:
                problems.append("%s: errno %s with result null" % (w, e))
            if ev.get("resolution") != "unfinished":
                problems.append("%s: result null but resolution %r" % (w, ev.get("resolution")))
        elif is_int(r):
            if r == -1 and e is None:
                problems.append("%s: result -1 without errno" % w)
            if r != -1 and e is not None:
                problems.append("%s: errno %s with result %d" % (w, e, r))
            if r < -1:
                problems.append("%s: result %d (the libc convention is -1)" % (w, r))
    if "target" in ev and "text_target" in ev:
        if (ev["target"] is None) != (ev["text_target"] is None):
            problems.append("%s: text_target must be null exactly when target is" % w)
    link = ev.get("link")
    if link is None and ev.get("path") is None:
        pass  # an unreadable path: documented as link null
    elif link is None and ("follow_up_of" in ev or ev.get("resolution") == "plain"):
        pass  # a call on a link's text, or --all-paths: names no link
    elif not isinstance(link, dict):
        problems.append("%s.link: expected an object (null only with path null)" % w)
    else:
        validate_link(link, problems)
    target = ev.get("target")
    if target is not None:
        if not isinstance(target, dict):
            problems.append("%s.target: expected an object or null" % w)
        else:
            validate_target(target, problems)


def validate_follow_up(ev, problems):
    w = "syscall event (follow-up)"
    fu = ev["follow_up_of"]
    if not isinstance(fu, dict):
        problems.append("%s.follow_up_of: expected an object" % w)
        return
    check_keys(fu, ["pid", "fd", "link_path", "syscall", "text", "how"], [], w + ".follow_up_of",
               problems)
    check_type(fu, "how", lambda v: v in ("verbatim", "stripped", "relative", "prefix"),
               "verbatim/stripped/relative/prefix", w, problems)
    check_type(ev, "reached", lambda v: v in ("nothing", "held-inode", "different-inode",
                                              "unknown"), "a reached value", w, problems)
    rf = ev.get("reached_file")
    if (rf is not None) != (ev.get("reached") == "different-inode"):
        problems.append("%s: reached_file exactly when reached is different-inode" % w)
    if ev.get("resolution") not in ("follow-up", "unfinished"):
        problems.append("%s: resolution %r" % (w, ev.get("resolution")))


def validate_link(link, problems):
    w = "link"
    opt = ["probe_errno", "ns_pid", "ns_tid"]
    if link.get("via") in ("cwd", "dirfd"):
        req_base = ["base"]
    else:
        req_base = []
    if link.get("what") == "through":
        req_base = req_base + ["rest"]
    check_keys(link, ["what", "pid", "tid", "fd", "spelling", "via", "probe"] + req_base,
               opt, w, problems)
    check_type(link, "what", lambda v: v in ("fd", "fd-directory", "through"),
               "fd, fd-directory or through", w, problems)
    # null: a pid of another pid namespace with no match in procfd-trace's
    pid_ok = (lambda v: is_int(v) and v > 0) if "ns_pid" not in link else \
        (lambda v: v is None or (is_int(v) and v > 0))
    check_type(link, "pid", pid_ok, "a positive int", w, problems)
    check_type(link, "ns_pid", lambda v: is_int(v) and v > 0, "a positive int", w, problems)
    check_type(link, "ns_tid", lambda v: v is None or (is_int(v) and v > 0), "int or null", w,
               problems)
    # 0 only as written in "task/0", which names no thread (probe no-thread)
    check_type(link, "tid", lambda v: v is None or (is_int(v) and (
        v > 0 or (v == 0 and link.get("probe") == "no-thread"))), "int or null", w,
               problems)
    check_type(link, "via", lambda v: v in VIAS, "path, cwd or dirfd", w, problems)
    check_type(link, "probe", lambda v: v in PROBES, "a probe value", w, problems)
    check_type(link, "probe_errno", lambda v: isinstance(v, str) and ERRNO_RE.match(v),
               "an errno name", w, problems)
    if link.get("probe") == "failed" and "probe_errno" not in link:
        problems.append("%s: probe failed without probe_errno" % w)
    if "base" in link:
        if link.get("via") not in ("cwd", "dirfd"):
            problems.append("%s: base with via %r" % (w, link.get("via")))
        check_bytes(link["base"], w + ".base", problems)
    what = link.get("what")
    if "rest" in link:
        check_bytes(link["rest"], w + ".rest", problems)
    if what in ("fd", "through"):
        check_type(link, "fd", lambda v: is_int(v) and v >= 0, "an fd number", w, problems)
        check_type(link, "spelling", lambda v: v in FD_SPELLINGS, "an fd spelling", w,
                   problems)
    elif what == "fd-directory":
        check_type(link, "fd", lambda v: v is None, "null for fd-directory", w, problems)
        check_type(link, "spelling", lambda v: v in DIR_SPELLINGS, "a directory spelling", w,
                   problems)


def validate_target(t, problems):
    w = "target"
    opt = (["anon_name"] if t.get("kind") == "anon-inode" else []) + ["fdesc"]
    check_keys(t, ["text", "name", "name_deleted", "kind", "deleted", "nlink", "dev", "ino",
                   "access", "fd_flags"], opt, w, problems)
    if "fdesc" in t and not (isinstance(t["fdesc"], dict) and "class" in t["fdesc"]):
        problems.append("%s.fdesc: an object with a class, got %r" % (w, t["fdesc"]))
    for k in ("text", "name"):
        if k in t:
            check_bytes(t[k], w + "." + k, problems)
    check_type(t, "name_deleted", lambda v: isinstance(v, bool), "a bool", w, problems)
    check_type(t, "deleted", lambda v: isinstance(v, bool), "a bool", w, problems)
    check_type(t, "kind", lambda v: v in KINDS, "a kind", w, problems)
    check_type(t, "anon_name", lambda v: isinstance(v, str) and v, "a name", w, problems)
    check_type(t, "nlink", lambda v: v is None or (is_int(v) and v >= 0), "int or null", w,
               problems)
    check_type(t, "ino", lambda v: v is None or (is_int(v) and v >= 0), "int or null", w,
               problems)
    check_type(t, "dev", lambda v: v is None or (isinstance(v, str) and DEV_RE.match(v)),
               "\"major:minor\" or null", w, problems)
    check_type(t, "access", lambda v: v in ACCESS, "an access mode", w, problems)
    check_type(t, "fd_flags", lambda v: v is None or (isinstance(v, str) and v),
               "string or null", w, problems)
    if is_int(t.get("nlink")) and isinstance(t.get("deleted"), bool):
        if t["deleted"] != (t["nlink"] == 0):
            problems.append("%s: deleted %s but nlink %d" % (w, t["deleted"], t["nlink"]))
    try:
        text, name = as_bytes(t["text"]), as_bytes(t["name"])
        if t["name_deleted"] is True and text != name + b" (deleted)":
            problems.append("%s: name_deleted but text is not name + ' (deleted)'" % w)
        if t["name_deleted"] is False and text != name:
            problems.append("%s: name differs from text without name_deleted" % w)
    except (KeyError, TypeError, ValueError):
        pass


def validate_exec(ev, problems):
    w = "exec event"
    check_keys(ev, ["event", "pid", "tid", "old_tid", "exe"], [], w, problems)
    for k in ("pid", "tid", "old_tid"):
        check_type(ev, k, lambda v: is_int(v) and v > 0, "a positive int", w, problems)
    if "exe" in ev:
        check_bytes(ev["exe"], w + ".exe", problems)


def validate_exit(ev, problems):
    w = "exit event"
    check_keys(ev, ["event", "pid", "tid", "leader", "status", "signal", "core_dumped"], [], w,
               problems)
    for k in ("pid", "tid"):
        check_type(ev, k, lambda v: is_int(v) and v > 0, "a positive int", w, problems)
    check_type(ev, "leader", lambda v: isinstance(v, bool), "a bool", w, problems)
    check_type(ev, "core_dumped", lambda v: isinstance(v, bool), "a bool", w, problems)
    check_type(ev, "status", lambda v: v is None or (is_int(v) and 0 <= v <= 255),
               "0..255 or null", w, problems)
    check_type(ev, "signal", lambda v: v is None or (isinstance(v, str) and v.startswith("SIG")),
               "a signal name or null", w, problems)
    if (ev.get("status") is None) == (ev.get("signal") is None):
        problems.append("%s: exactly one of status and signal must be set" % w)


# The events of the engine carry "time" (epoch seconds with microseconds: a
# call's entry, else when the tracer saw it); a call also "duration" (seconds
# from entry to exit, null when the exit was not seen).
TIMED_EVENTS = {"syscall", "exec", "exit", "attach", "detach"}


def is_seconds(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool) and v >= 0


def check_times(ev, problems):
    """Pop "time" and "duration" off ev (the per-kind checks do not list
    them) after checking them."""
    kind = ev.get("event")
    if kind not in TIMED_EVENTS:
        return ev
    ev = dict(ev)
    w = "%s event" % kind
    t = ev.pop("time", None)
    if t is None:
        problems.append("%s: missing key 'time'" % w)
    elif not (is_seconds(t) and t > 1e9):
        problems.append("%s.time: expected epoch seconds, got %r" % (w, t))
    if kind != "syscall":
        return ev
    if "duration" not in ev:
        problems.append("%s: missing key 'duration'" % w)
        return ev
    d = ev.pop("duration")
    if d is None and ev.get("result") is not None:
        problems.append("%s: duration null but the exit was seen (result %r)"
                        % (w, ev.get("result")))
    elif d is not None and not is_seconds(d):
        problems.append("%s.duration: expected seconds >= 0, got %r" % (w, d))
    elif d is not None and ev.get("result") is None:
        problems.append("%s: a duration for a call whose exit was not seen" % w)
    return ev


def check_time_order(events, problems):
    """A thread's calls enter one after the other, and the trace has them in
    that order: their times never go back (they are monotonic-clock times)."""
    last = {}
    for n, ev in enumerate(events, 1):
        if ev.get("event") != "syscall" or not is_seconds(ev.get("time")):
            continue
        tid = ev.get("tid")
        if tid in last and ev["time"] < last[tid]:
            problems.append("syscall event %d: time %r before the previous call of tid %r (%r)"
                            % (n, ev["time"], tid, last[tid]))
        last[tid] = ev["time"]


def validate_event(ev):
    problems = []
    ev = check_times(ev, problems)
    kind = ev.get("event")
    if kind == "syscall":
        validate_syscall(ev, problems)
    elif kind == "exec":
        validate_exec(ev, problems)
    elif kind == "exit":
        validate_exit(ev, problems)
    elif kind in PLUGIN_EVENTS:
        validate_plugin_event(ev, problems)
    elif kind == "explain":
        validate_explain(ev, problems)
    else:
        problems.append("event type %r is not in docs/json-schema.md" % (kind,))
    return problems


def read_trace(path):
    """Parse a JSON Lines trace: (events, problems)."""
    with open(path, "rb") as f:
        data = f.read()
    events, problems = [], []
    if data and not data.endswith(b"\n"):
        problems.append("trace does not end with a newline (an event cut short?)")
    for n, raw in enumerate(data.split(b"\n"), 1):
        if not raw and n == data.count(b"\n") + 1:
            break
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as e:
            problems.append("trace line %d is not valid UTF-8 (%s): %r" % (n, e, raw[:200]))
            continue
        try:
            ev = json.loads(text)
        except ValueError as e:
            problems.append("trace line %d is not JSON (%s): %s" % (n, e, text[:300]))
            continue
        if not isinstance(ev, dict) or "event" not in ev:
            problems.append("trace line %d is not an object with an 'event' key: %s"
                            % (n, text[:300]))
            continue
        for p in validate_event(ev):
            problems.append("trace line %d: %s\n      %s" % (n, p, text[:400]))
        events.append(ev)
    check_time_order(events, problems)
    return events, problems


# ------------------------------------------------------------- SARIF


def check_sarif(spec, tmp, problems):
    """+sarif=FILE:N:SOURCE: FILE (in {tmp}) is a SARIF 2.1.0 log with N
    results, each with the fields code-scanning needs, one located in SOURCE."""
    name, count, source = spec.split(":")
    try:
        with open(os.path.join(tmp, name), encoding="utf-8") as f:
            log = json.load(f)
    except (OSError, ValueError) as e:
        problems.append("sarif: %s: %s" % (name, e))
        return
    if log.get("version") != "2.1.0" or "sarif" not in str(log.get("$schema", "")):
        problems.append("sarif: version %r, $schema %r" % (log.get("version"), log.get("$schema")))
    runs = log.get("runs") or [{}]
    driver = runs[0].get("tool", {}).get("driver", {})
    if driver.get("name") != "procfd-trace":
        problems.append("sarif: tool.driver.name %r" % driver.get("name"))
    rules = {r.get("id") for r in driver.get("rules", [])}
    results = runs[0].get("results", [])
    if len(results) != int(count):
        problems.append("sarif: %d results, expected %s" % (len(results), count))
    located = False
    for i, r in enumerate(results):
        loc = (r.get("locations") or [{}])[0].get("physicalLocation", {})
        uri = loc.get("artifactLocation", {}).get("uri")
        line = loc.get("region", {}).get("startLine")
        if r.get("ruleId") not in rules or not r.get("message", {}).get("text"):
            problems.append("sarif: result %d: ruleId %r (rules %s), message %r" % (
                i, r.get("ruleId"), sorted(rules), r.get("message")))
        if not isinstance(uri, str) or not is_int(line) or line < 1:
            problems.append("sarif: result %d: location %r line %r" % (i, uri, line))
        elif uri.endswith("/" + source) or uri == source:
            located = True
    if results and not located:
        problems.append("sarif: no result located in %s" % source)


# ------------------------------------------------------------- matching


def match_seq(exp, act):
    """exp matches a subsequence of act, in order."""
    if not isinstance(act, list):
        return False
    i = 0
    for a in act:
        if i < len(exp) and match(exp[i], a):
            i += 1
    return i == len(exp)


def match(exp, act):
    if isinstance(exp, str):
        if exp == "$any":
            return True
        if exp.startswith("$flags:"):
            return isinstance(act, str) and flagset(exp[7:]) == flagset(act)
        if exp.startswith("$re:"):
            return isinstance(act, str) and re.search(exp[4:], act) is not None
        return isinstance(act, str) and exp == act
    if isinstance(exp, list) and exp and exp[0] == "$seq":
        return match_seq(exp[1:], act)
    if isinstance(exp, dict):
        return isinstance(act, dict) and all(k in act and match(v, act[k])
                                             for k, v in exp.items())
    if isinstance(exp, list):
        return (isinstance(act, list) and len(exp) == len(act)
                and all(match(e, a) for e, a in zip(exp, act)))
    if exp is None:
        return act is None
    if isinstance(exp, bool) or isinstance(act, bool):
        return type(exp) is type(act) and exp == act
    return type(act) in (int, float) and exp == act


def flagset(s):
    parts = s.split("|")
    return sorted(parts)


def differences(exp, act, path="", out=None):
    """Where act fails exp: a list of 'key: expected X, got Y'."""
    if out is None:
        out = []
    if isinstance(exp, dict) and isinstance(act, dict):
        for k, v in exp.items():
            sub = "%s.%s" % (path, k) if path else k
            if k not in act:
                out.append("%s: missing (expected %s)" % (sub, js(v)))
            else:
                differences(v, act[k], sub, out)
    elif not match(exp, act):
        out.append("%s: expected %s, got %s" % (path or "(value)", js(exp, 400), js(act, 400)))
    return out


def js(v, limit=2000):
    text = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
    if len(text) > limit:
        text = text[:limit // 2] + " ...(%d chars)... " % (len(text) - limit) + text[-limit // 2:]
    return text


def parse_expectations(stdout):
    """expect lines -> [(kind, count, obj, line)], problems."""
    exps, problems = [], []
    for line in stdout.splitlines():
        if not line.startswith("expect"):
            continue
        m = re.match(r"^(expect|expect-none|expect-(?:count|min) (\d+)) (\{.*\})\s*$", line)
        if not m:
            problems.append("malformed expectation line: %s" % line)
            continue
        kind = m.group(1).split()[0]
        try:
            obj = json.loads(m.group(3))
        except ValueError as e:
            problems.append("expectation is not JSON (%s): %s" % (e, line))
            continue
        count = int(m.group(2)) if m.group(2) else None
        exps.append((kind, count, obj, line))
    return exps, problems


def candidates_report(obj, events, before=None):
    """The events most like obj (same event type and syscall), with what
    differs in each, for a failure message."""
    same = [(i, ev) for i, ev in enumerate(events)
            if ev.get("event") == obj.get("event", ev.get("event"))
            and ("syscall" not in obj or ev.get("syscall") == obj["syscall"])]
    scored = sorted(same, key=lambda p: (len(differences(obj, p[1])), p[0]))[:5]
    lines = []
    if not scored:
        lines.append("    no event with the same event type and syscall at all")
    for i, ev in sorted(scored):
        where = "" if before is None or i > before else " (before the previous match)"
        lines.append("    candidate: trace event #%d%s:" % (i + 1, where))
        lines.append("      %s" % js(ev))
        for d in differences(obj, ev):
            lines.append("      differs: %s" % d)
    return lines


def check_expectations(exps, events):
    failures = []
    last = -1
    for kind, count, obj, _line in exps:
        if kind == "expect":
            found = next((i for i in range(last + 1, len(events)) if match(obj, events[i])),
                         None)
            if found is None:
                earlier = next((i for i in range(0, last + 1) if match(obj, events[i])), None)
                msg = ["expected event not found%s:" % (
                    "" if earlier is None else
                    " after event #%d (it matches #%d, which is out of order)"
                    % (last + 1, earlier + 1)),
                    "    expected: %s" % js(obj)]
                msg += candidates_report(obj, events, last)
                failures.append("\n".join(msg))
            else:
                last = found
        else:
            hits = [i for i, ev in enumerate(events) if match(obj, ev)]
            want = 0 if kind == "expect-none" else count
            if (len(hits) < want) if kind == "expect-min" else (len(hits) != want):
                msg = ["%s: %d events match, expected %s%d:" % (
                    kind, len(hits), "at least " if kind == "expect-min" else "", want),
                       "    expected: %s" % js(obj)]
                for i in hits[:5]:
                    msg.append("    matching event #%d: %s" % (i + 1, js(events[i])))
                if not hits:
                    msg += candidates_report(obj, events)
                failures.append("\n".join(msg))
    return failures


# ------------------------------------------------------------ text output
#
# The text output (tracer/engine/core_events.c, the procfd plugin's lines) writes a block
# per syscall event:
#   [pid TID] CALL(ARGS) = RESULT                 (or "= -1 ENAME (...)")
#       fd F of pid P -> "TEXT": KIND[ ANON], STAT, ACCESS[; text: TEXT_TARGET][; name "NAME": T]
#       (T: name_target when the text ends in the kernel's " (deleted)", else text_target)
#       RESOLUTION: EXPLANATION
# where STAT is "deleted (nlink 0), dev M:m, ino I" or "not deleted (nlink N),
# dev ..." for what can have a name, "nlink N, dev ..." for the rest (a pipe,
# a socket), and absent without stat; the fd line only when the fd was probed.

TEXT_SHORT_ESCAPES = {0x22: '\\"', 0x5c: "\\\\", 0x09: "\\t", 0x0a: "\\n", 0x0b: "\\v",
                      0x0c: "\\f", 0x0d: "\\r"}


def text_quote(v):
    """pfd_text_quote: bytes from the tracee as the text sink quotes them."""
    b = as_bytes(v)
    out = ['"']
    for i, c in enumerate(b):
        if 0x20 <= c < 0x7f and c not in (0x22, 0x5c):
            out.append(chr(c))
        elif c in TEXT_SHORT_ESCAPES:
            out.append(TEXT_SHORT_ESCAPES[c])
        else:
            nxt = i + 1 < len(b) and 0x30 <= b[i + 1] <= 0x37
            digits = "%o" % c
            out.append("\\" + (digits.rjust(3, "0") if nxt else digits))
    out.append('"')
    return "".join(out)


AS_ABOVE_RE = re.compile(r"^    fd (\d+) of pid (\d+): state as above$")
FD_LINE_RE = re.compile(r"^    fd (\d+) of pid (\d+) -> ")


def expand_as_above(lines):
    """The text prints an fd's state in full once per (process, fd, state)
    and "fd F of pid P: state as above" after: put the full line back, so
    every block can be checked whole. An "as above" with no full line before
    it for that fd is left as it is (and fails the checks)."""
    last, out = {}, []
    for line in lines:
        m = FD_LINE_RE.match(line)
        if m:
            last[m.groups()] = line
        m = AS_ABOVE_RE.match(line)
        out.append(last.get(m.groups(), line) if m else line)
    return out


CONTINUATION_RE = re.compile(r"^      (?! )")


def join_wrapped(lines):
    """Text lines longer than 100 columns go on over lines indented 6 (two
    more than the 4 of the line they continue): join them back."""
    out = []
    for line in lines:
        if out and CONTINUATION_RE.match(line) and out[-1].startswith("    ") and \
                not out[-1].startswith("      "):
            out[-1] += " " + line[6:]
        else:
            out.append(line)
    return out


RENDER_CHECK_RE = re.compile(
    r"^procfd-trace: render check: (\d+) events checked, (\d+) differ, (\d+) with "
    r"transitional text not checked, (\d+) of them checked in their layouts' part\n", re.M)
RENDER_DIFF = "procfd-trace: render check: the text of"


def take_render_check(stderr, problems, require):
    """Cases run with PROCFD_RENDER_CHECK: procfd-trace renders each event's
    JSON back into text through the same event model and layouts
    (tracer/output/event_json.c) and says on stderr whether that equals the
    text of the event as built (the text it wrote, for +text cases). So the
    text is checked against the JSON through the project's model, not
    against a Python copy of its format. A difference fails the case; the
    check's own lines are taken out of stderr for the case's other checks.
    A +text case (require) must show the verdict: the check ran."""
    if RENDER_DIFF in stderr:
        at = stderr.index(RENDER_DIFF)
        problems.append("the text is not the rendering of its JSON:\n" + stderr[at:at + 2000])
        return stderr[:at]
    m = RENDER_CHECK_RE.search(stderr)
    if not m:
        if require:
            problems.append("no render check verdict on stderr (PROCFD_RENDER_CHECK)")
        return stderr
    return stderr[:m.start()] + stderr[m.end():]


def text_blocks(text):
    """A trace's lines grouped: a "[pid N] ..." line and its indented lines."""
    blocks = []
    for line in expand_as_above(join_wrapped(text.splitlines())):
        if line.startswith("[pid ") or not blocks:
            blocks.append([line])
        else:
            blocks[-1].append(line)
    return blocks


def known(v):
    """An expected value given exactly (not absent, not "$any"/"$flags:")."""
    return v is not None and not (isinstance(v, str) and v.startswith("$"))


QUOTED_RE = r'"(?:[^"\\]|\\.)*"'


def text_target_regex(obj, t):
    """The fd line the text sink must print for an expected target t."""
    link = obj.get("link") if isinstance(obj.get("link"), dict) else {}
    fd = str(link["fd"]) if is_int(link.get("fd")) else r"\d+"
    pid = str(link["pid"]) if is_int(link.get("pid")) else r"\d+"
    text = re.escape(text_quote(t["text"])) if known(t.get("text")) else QUOTED_RE
    kind = t.get("kind") if known(t.get("kind")) else None
    if kind is None:
        kind_re = r"[a-z-]+(?: [^,]+)?"
    elif kind == "anon-inode":
        kind_re = re.escape(kind) + " " + (re.escape(t["anon_name"]) if known(t.get("anon_name"))
                                           else r"[^,]+")
    else:
        kind_re = re.escape(kind)
    tt = obj.get("text_target") if known(obj.get("text_target")) else None
    nameable = None if tt is None or kind is None else (tt != "not-a-path" or kind == "memfd")
    # STAT: exact whenever the expectation says enough
    if "nlink" in t and t["nlink"] is None:
        stat = ""
    else:
        nlink = t.get("nlink") if is_int(t.get("nlink")) else None
        deleted = t.get("deleted") if isinstance(t.get("deleted"), bool) else (
            None if nlink is None else nlink == 0)
        if deleted is True:
            nlink_re = "0"
        else:
            nlink_re = str(nlink) if nlink is not None else r"\d+"
        word = {True: "deleted ", False: "not deleted ", None: "(?:not )?deleted "}[deleted]
        named_form = ", %s\\(nlink %s\\)" % (word, nlink_re)
        plain_form = ", nlink %s" % nlink_re
        stat = {True: named_form, False: plain_form,
                None: "(?:%s|%s)" % (named_form, plain_form)}[nameable]
        stat += ", dev " + (re.escape(t["dev"]) if known(t.get("dev")) else r"\d+:\d+")
        stat += ", ino " + (str(t["ino"]) if is_int(t.get("ino")) else r"\d+")
        if "nlink" not in t:
            stat = "(?:%s)?" % stat
    access = re.escape(t["access"]) if known(t.get("access")) else r"[a-z-]+"
    name = re.escape(text_quote(t["name"])) if known(t.get("name")) else QUOTED_RE
    nt = obj.get("name_target") if known(obj.get("name_target")) else None
    if tt == "not-a-path":
        name_re = ""
    elif tt is not None and nt is not None:
        name_re = "; text: %s; name %s: %s" % (re.escape(tt), name, re.escape(nt))
    elif tt is not None and "name_target" in obj and obj["name_target"] is None:
        name_re = "; name %s: %s" % (name, re.escape(tt))
    elif tt is not None:
        name_re = "(?:; text: %s; name %s: [a-z-]+|; name %s: %s)" % (
            re.escape(tt), name, name, re.escape(tt))
    else:
        name_re = "(?:; text: [a-z-]+)?(?:; name %s: [a-z-]+)?" % name
    return re.compile(r"^    fd %s of pid %s -> %s: %s%s, %s%s$" % (
        fd, pid, text, kind_re, stat, access, name_re))


# The default (compact) text: the resolution is a tag at the end of the
# call's line ("[link itself]", "[followed: deleted file, 36 B]"), the fd's
# state a short line under the first call on that (process, fd, state)
# only: "fd F of pid P -> "TEXT": [deleted ]KIND[, N B][, N links], ACCESS[; note]".
# -v keeps the layout above. tracer/plugins/procfd/procfd.c (tag_word).
RESOLUTION_TAGS = {
    "none": "none", "followed": "followed", "link-itself": "link itself",
    "directory": "fd directory", "no-such-fd": "no such fd",
    "no-such-process": "no such process", "denied": "denied",
    "refused-nofollow": "refused: no-follow lookup", "refused-scoped": "refused: scoped lookup",
    "not-reopenable": "not reopenable", "unfinished": "unfinished",
    "held-symlink": "held symlink", "follow-up": "follow-up", "plain": "plain",
    "through-link": "through link", "not-procfs": "not procfs",
    "no-such-thread": "no such thread", "unconfirmed": "unconfirmed", "raced": "raced",
    "error": "error",
}


def compact_target_regex(obj, t):
    """The short fd line the compact text prints for an expected target t."""
    link = obj.get("link") if isinstance(obj.get("link"), dict) else {}
    fd = str(link["fd"]) if is_int(link.get("fd")) else r"\d+"
    pid = str(link["pid"]) if is_int(link.get("pid")) else r"\d+"
    text = re.escape(text_quote(t["text"])) if known(t.get("text")) else QUOTED_RE
    kind = t.get("kind") if known(t.get("kind")) else None
    if kind is None:
        what = r"(?:deleted )?[a-z-]+(?: [^,]+)?"
    else:
        word = re.escape("file" if kind == "regular" else kind)
        if kind == "anon-inode":
            word += " " + (re.escape(t["anon_name"]) if known(t.get("anon_name")) else r"[^,]+")
        deleted = t.get("deleted") if isinstance(t.get("deleted"), bool) else None
        prefix = "" if kind == "memfd" else {True: "deleted ", False: "",
                                             None: "(?:deleted )?"}[deleted]
        what = prefix + word
    access = re.escape(t["access"]) if known(t.get("access")) else r"[a-z-]+"
    return re.compile(r"^    fd %s of pid %s -> %s: %s(?:, \d+ B)?(?:, \d+ links)?, %s(?:; .*)?$"
                      % (fd, pid, text, what, access))


def text_block_wants(obj, compact=False):
    """What the block of an expected syscall event must hold: a list of
    (description, predicate on the block's lines). compact: the default
    text, where the fd line is under the first call on that fd only."""
    wants = []
    tid = str(obj["tid"]) if is_int(obj.get("tid")) else r"\d+"
    call = re.escape(obj["syscall"]) if known(obj.get("syscall")) else r"[a-z0-9_]+"
    head = re.compile(r"^\[pid +%s\] %s\(" % (tid, call))
    wants.append(("header %s" % head.pattern, lambda b: bool(head.match(b[0]))))
    path = obj.get("path")
    if known(path) and isinstance(path, (str, list)):
        q = text_quote(path)
        wants.append(("path argument %s" % q, lambda b: q in b[0]))
    if "result" in obj and (obj["result"] is None or is_int(obj["result"])):
        r, e = obj["result"], obj.get("errno")
        # compact: the tag (and -T's duration) may follow the result
        end = r"(?: \[| <\d|$)" if compact else "$"
        if r is None:
            tail = " = ? <unfinished>"
            rx_u = re.compile(re.escape(tail) + end)
            wants.append(("result %r" % tail, lambda b: rx_u.search(b[0]) is not None))
        elif known(e):
            tail = " = %d %s (" % (r, e)
            wants.append(("result %r" % tail, lambda b: tail in b[0]))
        elif "errno" in obj:
            tail = " = %d" % r
            rx_r = re.compile(re.escape(tail) + end)
            wants.append(("result %r" % tail, lambda b: rx_r.search(b[0]) is not None))
    if compact:
        return wants + compact_wants(obj)
    if "target" in obj:
        t = obj["target"]
        if t is None:
            wants.append(("no fd line (target null)",
                          lambda b: not any(l.startswith("    fd ") for l in b[1:])))
        elif isinstance(t, dict):
            rx = text_target_regex(obj, t)
            wants.append(("fd line %s" % rx.pattern,
                          lambda b: any(rx.match(l) for l in b[1:])))
    res = obj.get("resolution")
    if known(res):
        line = "    %s: " % res
        expl = obj.get("explanation")
        if known(expl) and isinstance(expl, str):
            line += expl
            wants.append(("line %r" % line, lambda b: line in b[1:]))
        else:
            wants.append(("line %r..." % line, lambda b: any(l.startswith(line) for l in b[1:])))
    return wants


def compact_wants(obj):
    wants = []
    if "target" in obj:
        t = obj["target"]
        if t is None:
            wants.append(("no fd line (target null)",
                          lambda b: not any(l.startswith("    fd ") for l in b[1:])))
        elif isinstance(t, dict):
            rx = compact_target_regex(obj, t)
            wants.append(("the fd line, if any, %s" % rx.pattern,
                          lambda b: all(rx.match(l) for l in b[1:] if l.startswith("    fd "))))
    res = obj.get("resolution")
    if known(res) and res in RESOLUTION_TAGS:
        tag = " [%s" % RESOLUTION_TAGS[res]
        wants.append(("tag %r...]" % tag,
                      lambda b: re.search(re.escape(tag) + r"(?:[]:]| of fd )", b[0]) is not None))
    return wants


def text_block_misses(wants, block):
    return [w for w, pred in wants if not pred(block)]


# ------------------------------------------------------- explain, as text
#
# --explain's text report (tracer/explain/explain_write.c), a block per link:
#   [pid P] explain /proc/P/fd/N -> "TEXT"
#       CASE: VERDICT (wrapped at 100 columns, continuation lines "      ")
#       holds: ...
#       call              /proc/P/fd/N            a symlink with the same text
#       open O_RDONLY     MAGIC CELL              REGULAR CELL
#       ... (stat, lstat, readlink, access R_OK, stat of the text)
#       remedy: REMEDY (wrapped likewise)

EXPLAIN_LABELS = {"open": "open O_RDONLY", "stat": "stat", "lstat": "lstat",
                  "readlink": "readlink", "access": "access R_OK",
                  "stat_text": "stat of the text"}
EXPLAIN_MAGIC_COL = (22, 60)  # columns of the magic link's cells in a row line
EXPLAIN_REGULAR_COL = 60


def explain_sentence(lines, head):
    """The sentence starting at the line "    HEAD...", its continuation lines joined."""
    for i, line in enumerate(lines):
        if line.startswith("    " + head):
            parts = [line[4 + len(head):]]
            for more in lines[i + 1:]:
                if not more.startswith("      "):
                    break
                parts.append(more.strip())
            return " ".join(parts)
    return None


def explain_text_misses(obj, block):
    """What an explain block lacks of the expected event obj."""
    misses = []
    head = block[0]
    if is_int(obj.get("pid")) and not head.startswith("[pid %5d] explain " % obj["pid"]):
        misses.append("headline of pid %d" % obj["pid"])
    if known(obj.get("link")) and not head.startswith(
            "explain %s" % obj["link"], head.find("]") + 2):
        misses.append("headline naming %s" % obj["link"])
    case = obj.get("case")
    verdict = explain_sentence(block, "%s: " % case) if known(case) else None
    if known(case) and verdict is None:
        misses.append("a line starting %r" % ("    %s: " % case))
    for key, text in (("verdict", verdict),
                      ("remedy", explain_sentence(block, "remedy: "))):
        want = obj.get(key)
        if not isinstance(want, str) or text is None and not known(case) and key == "verdict":
            continue
        ok = text is not None and (re.search(want[4:], text) if want.startswith("$re:")
                                   else want == text)
        if not ok:
            misses.append("%s %r (got %r)" % (key, want, text))
    for row, label in EXPLAIN_LABELS.items():
        cells = obj.get(row)
        if not isinstance(cells, dict) or not any(isinstance(c, dict) for c in cells.values()):
            continue  # not examined: no table
        line = next((l for l in block if l.startswith("    " + label.ljust(18))), None)
        if line is None:
            misses.append("the %r row" % label)
            continue
        for col, cell in cells.items():
            text = (line[EXPLAIN_MAGIC_COL[0]:EXPLAIN_MAGIC_COL[1]] if col == "magic"
                    else line[EXPLAIN_REGULAR_COL:]).strip()
            if not isinstance(cell, dict) or "ok" not in cell:
                continue
            if cell["ok"] is False and known(cell.get("errno")) and text != cell["errno"]:
                misses.append("%s %s: %s, got %r" % (label, col, cell["errno"], text))
            if cell["ok"] is True and not text.startswith(("OK", "not tried", '"', "...")):
                misses.append("%s %s: a success, got %r" % (label, col, text))
    return misses


def check_explain_text(trace, exps):
    """+explain +text: each expected explain event has a block, in order,
    with its case, verdict, remedy and the table's results; no line cuts a
    quoted string (a file is never wrapped: a line is as long as it is)."""
    with open(trace, "rb") as f:
        text = f.read().decode("utf-8", "surrogateescape")
    problems = ["line %d cuts a quoted string: %s" % (n, l)
                for n, l in enumerate(text.splitlines(), 1)
                if len(re.findall(r'(?<!\\)"', l)) % 2]
    blocks = text_blocks(text)
    last = -1
    for kind, _count, obj, _line in exps:
        if kind != "expect" or obj.get("event") != "explain":
            continue
        found = next((i for i in range(last + 1, len(blocks))
                      if not explain_text_misses(obj, blocks[i])), None)
        if found is not None:
            last = found
            continue
        msg = ["no text block matches an expected explain event after block #%d:" % (last + 1),
               "    expected: %s" % js(obj, 600)]
        near = sorted(range(last + 1, len(blocks)),
                      key=lambda i: len(explain_text_misses(obj, blocks[i])))[:2]
        for i in near:
            msg.append("    candidate block #%d:\n      %s" % (i + 1, "\n      ".join(blocks[i])))
            for miss in explain_text_misses(obj, blocks[i]):
                msg.append("      lacks: %s" % miss)
        problems.append("\n".join(msg))
    if not text.strip():
        problems.append("text report is empty")
    return problems


# ---------------------------------------------------------------- running


def attach_detach_problems(trace, pid):
    """-p: the trace opens with the process's "attach" and, after SIGINT,
    holds a "detach" (or an "exit") of each thread, one detach marked last."""
    events, _ = read_trace(trace)
    attach = [e for e in events if e.get("event") == "attach" and e.get("pid") == pid]
    detach = [e for e in events if e.get("event") == "detach" and e.get("pid") == pid]
    problems = []
    if len(attach) != 1 or not (is_int(attach[0].get("threads")) and attach[0]["threads"] >= 1):
        problems.append("expected one attach event of pid %d with its threads, got %r" % (
            pid, attach))
    elif events and events[0] is not attach[0]:
        problems.append("the attach event is not the first of the trace")
    # a thread that ended while traced (an execve in another thread ends
    # them all) has its exit event instead; the old main thread of such an
    # execve, whose tid the exec'ing thread takes, its exec event
    ended = [e for e in events if e.get("pid") == pid and (
        e.get("event") == "exit" or (e.get("event") == "exec" and e.get("old_tid") != pid))]
    if len(detach) + len(ended) < (attach[0]["threads"] if len(attach) == 1 else 1):
        problems.append("expected a detach or exit event per thread of pid %d, got %r" % (
            pid, detach + ended))
    if [e.get("last") for e in detach].count(True) != 1:
        problems.append("exactly one detach event of pid %d must be the last: %r" % (pid, detach))
    return problems


def dead_pid():
    """The pid of a process that has just ended and been reaped."""
    for _ in range(10):
        proc = subprocess.Popen(["true"])
        proc.wait()
        if not os.path.exists("/proc/%d" % proc.pid):
            return proc.pid
    raise RuntimeError("no free pid found")


def proc_status(pid):
    """/proc/PID/status as a dict (empty when the process is gone)."""
    fields = {}
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                key, _, value = line.partition(":")
                fields[key] = value.strip()
    except OSError:
        pass
    return fields


class LineReader(threading.Thread):
    """Collects a pipe's output in the background; can wait for a line."""

    def __init__(self, pipe):
        super().__init__(daemon=True)
        self.pipe = pipe
        self.chunks = []
        self.cond = threading.Condition()
        self.done = False
        self.start()

    def run(self):
        for line in iter(self.pipe.readline, b""):
            with self.cond:
                self.chunks.append(line)
                self.cond.notify_all()
        with self.cond:
            self.done = True
            self.cond.notify_all()

    def text(self):
        with self.cond:
            return b"".join(self.chunks).decode("utf-8", "replace")

    def wait_for(self, regex, timeout):
        """The first match of regex in a line, or None (timeout, EOF)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while True:
                for line in self.chunks:
                    m = re.match(regex, line.decode("utf-8", "replace"))
                    if m:
                        return m
                left = deadline - time.monotonic()
                if self.done or left <= 0:
                    return None
                self.cond.wait(left)

    def finish(self, timeout=5.0):
        self.join(timeout)
        return self.text()


def count_syscall_events(path):
    try:
        with open(path, "rb") as f:
            return sum(1 for line in f if line.startswith(b'{"event":"syscall"'))
    except OSError:
        return 0


def kill_quietly(proc, sig=signal.SIGKILL):
    if proc is not None and proc.poll() is None:
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.example_bin = os.path.abspath(args.example_bin) if args.example_bin else None
        self.programs = os.path.abspath(args.programs)
        self.programs32 = os.path.abspath(args.programs32 or
                                          args.programs.rstrip("/") + "32")
        self.print_lock = threading.Lock()
        self._m32_ok = None
        self._m32_lock = threading.Lock()
        self._tracee_tmps = {}  # case tmp -> its TMPDIR (_make_tracee_tmp)

    def program_path(self, prog, m32):
        """PROGRAMS/PROG, or PROGRAMS32/PROG for an m32 variant when PROG has
        an i386 build (m32_* programs are i386 already, in PROGRAMS)."""
        if m32 and no_m32_reason(prog) is None:
            return os.path.join(self.programs32, prog)
        return os.path.join(self.programs, prog)

    def expand(self, tok, tmp, case=None, wrap=False):
        """@PROG and {programs} name the i386 builds in an m32 variant's
        command; +wrap programs are always the native ones."""
        m32 = case is not None and case.m32 and not wrap
        if tok.startswith("@"):
            tok = self.program_path(tok[1:], m32)
        if "{deadpid}" in tok:
            tok = tok.replace("{deadpid}", str(dead_pid()))
        return tok.replace("{tmp}", tmp).replace("{cases}", os.path.dirname(
            os.path.abspath(self.args.cases))).replace(
            "{programs}", self.programs32 if m32 else self.programs)

    def m32_unrunnable(self):
        """Why i386 builds cannot run here (None: they can). Probed once with
        PROGRAMS32/exit_status, which must be built."""
        with self._m32_lock:
            if self._m32_ok is None:
                probe = os.path.join(self.programs32, "exit_status")
                if not os.access(probe, os.X_OK):
                    self._m32_ok = ("no 32-bit toolchain: %s not built (cc -m32)" % probe)
                else:
                    try:
                        rc = subprocess.run([probe, "7"], stdin=subprocess.DEVNULL,
                                            stdout=subprocess.DEVNULL,
                                            stderr=subprocess.DEVNULL, timeout=10).returncode
                        self._m32_ok = "" if rc == 7 else (
                            "i386 binaries do not run here (%s 7 exited %d)" % (probe, rc))
                    except OSError as e:
                        self._m32_ok = "this kernel cannot run i386 binaries: %s" % e
            return self._m32_ok or None

    def timeout(self, case):
        values = case.values("timeout")
        return float(values[0]) if values else self.args.timeout

    def programs_of(self, case):
        """The paths of the test programs a case runs: those of its command
        (@PROG, {programs}/PROG) and of +wrap."""
        paths = [self.program_path(p, case.m32) for p in command_programs(case.command)]
        paths += [self.program_path(t[1:], False) for t in case.values("wrap")
                  if t.startswith("@")]
        return paths

    def missing_programs(self, case):
        return [p for p in self.programs_of(case) if not os.access(p, os.X_OK)]

    def run_case(self, case):
        """(case, problems, log, seconds, status): problems None for a skip,
        log[0] then says why; status PASS, FAIL, SKIP, XFAIL or XPASS."""
        start = time.monotonic()
        skip = mode_directive(case, "skip-mode")
        if skip is not None:
            return case, None, ["+skip-mode: " + skip], 0.0, "SKIP"
        tmp = tempfile.mkdtemp(prefix="pfdrun.%s." % case.name)
        tracee_tmp = self._make_tracee_tmp(tmp)
        try:
            problems, log = self._run(case, tmp)
        except Exception as e:  # a harness bug must not hide the others
            problems, log = ["harness error: %r" % e], []
        finally:
            self._tracee_tmps.pop(tmp, None)
            shutil.rmtree(tracee_tmp, ignore_errors=True)  # --keep or not: never left
            if not self.args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
        if self.args.record_text and self.args.record:
            self._record_text_form(case)
        status = "SKIP" if problems is None else "FAIL" if problems else "PASS"
        xfail = mode_directive(case, "xfail")
        if xfail is not None and status == "FAIL":
            status = "XFAIL"
            log = ["expected failure: %s" % xfail] + [
                "problem: " + p for p in problems] + log
        elif xfail is not None and status == "PASS":
            status = "XPASS"
            problems = ["passed, but +xfail says it fails (%s): drop the +xfail" % xfail]
        return case, problems, log, time.monotonic() - start, status

    def _record(self, case, tmp, trace, stdout, stderr, rc, text_form=False):
        """--record DIR: keep what the case produced (the -o file, stdout,
        stderr, the status), with its temp directory written {tmp}, for
        compare_outputs.py to diff two builds' runs."""
        os.makedirs(self.args.record, exist_ok=True)
        name = os.path.join(self.args.record, case.name)
        try:
            with open(trace, "rb") as f:
                data = f.read().decode("utf-8", "replace")
        except OSError:
            data = None
        outputs = ((("text", data),) if text_form else
                   (("trace", data), ("stdout", stdout), ("stderr", stderr),
                    ("rc", "%d\n" % rc)))
        for ext, text in outputs:
            if text is not None:
                with open(name + "." + ext, "w") as f:
                    f.write(text.replace(os.path.realpath(tmp), "{tmp}").replace(tmp, "{tmp}"))

    def _record_text_form(self, case):
        """--record-text: run a --json case again as text (the same argv
        without --json, -o to another file) in a fresh temp directory, and
        keep that trace as NAME.text, so a refactoring of the event model
        is checked on both renderings. Nothing is asserted on this run."""
        if case.has("raw") or case.has("text") or case.has("attach") or \
                case.has("attach-traced") or case.has("explain") or case.m32 and \
                self.m32_unrunnable():
            return
        tmp = tempfile.mkdtemp(prefix="pfdrun.%s.t." % case.name)
        tracee_tmp = self._make_tracee_tmp(tmp)
        try:
            self._run(case, tmp, text_form=True)
        except Exception:
            pass
        finally:
            self._tracee_tmps.pop(tmp, None)
            shutil.rmtree(tracee_tmp, ignore_errors=True)
            shutil.rmtree(tmp, ignore_errors=True)

    def _run(self, case, tmp, text_form=False):
        problems, log = [], []
        if case.m32:
            why = self.m32_unrunnable()
            if why:
                return None, [why]
        if case.has("m32") or case.m32:
            missing = self.missing_programs(case)
            if missing:
                return None, ["no 32-bit toolchain: %s not built (cc -m32)" % " ".join(missing)]
        if case.has("attach") or case.has("attach-traced"):
            if self.args.direct:
                return None, []
            return self._run_attach(case, tmp)
        if case.has("explain"):
            if self.args.direct:
                return None, []
            return self._run_explain(case, tmp)
        for spec in case.values("file"):
            name, _, mode = spec.rpartition(":")
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\necho should not run\n")
            os.chmod(path, int(mode, 8))
        trace = os.path.join(tmp, "trace.out")
        binary = self.bin
        if case.has("example"):
            if not self.example_bin:
                return None, ["no --example-bin given"]
            binary = self.example_bin
        command = ([self.expand(t, tmp, case) for t in case.command]
                   if case.command is not None else None)
        options = [self.expand(t, tmp) for t in case.options]
        direct = self.args.direct
        if direct:
            if not command or not case.command[0].startswith("@"):
                return None, []  # --direct runs only test programs
            argv = command
        elif case.has("raw"):
            argv = [binary] + options + (["--"] + command if command is not None else [])
        elif case.has("text") or text_form:
            argv = [binary, "-o", trace] + options + ["--"] + (command or [])
        else:
            argv = [binary, "--json", "-o", trace] + options + ["--"] + (command or [])
        if not direct:
            argv = [self.expand(w, tmp, case, wrap=True) for w in case.values("wrap")] + argv
        log.append("$ " + " ".join(shlex.quote(a) for a in argv))

        stdin_values = case.values("stdin")
        stdin_data = unescape(stdin_values[0]).encode() if stdin_values else None
        env = self._env(tmp)
        render_check = not text_form
        if render_check:
            env["PROCFD_RENDER_CHECK"] = "1"
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin_data is not None
                                else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                cwd=tmp, start_new_session=True)
        try:
            out, err = proc.communicate(stdin_data, timeout=self.timeout(case))
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
            problems.append("timed out after %ss (killed)" % self.timeout(case))
        stdout = out.decode("utf-8", "replace")
        stderr = err.decode("utf-8", "replace")
        rc = proc.returncode
        if render_check:
            stderr = take_render_check(stderr, problems, require=case.has("text"))
        if text_form:
            self._record(case, tmp, trace, None, None, None, text_form=True)
            return [], log
        if self.args.record and not direct:
            self._record(case, tmp, trace, stdout, stderr, rc)
        for code in case.values("skip-exit"):
            if rc == int(code) and rc not in case.exits:
                lines = stderr.strip().splitlines()
                return None, ["exit %d: %s" % (rc, lines[-1] if lines else "no reason given")]
        if rc not in case.exits:
            problems.append("exit status %d, expected %s" % (
                rc, " or ".join(str(e) for e in case.exits)))
        if direct:
            exps, eprobs = parse_expectations(stdout)
            problems += eprobs
            if not exps and not case.has("no-expect"):
                problems.append("the program printed no expectations")
            return problems, log + self._outputs(stdout, stderr)

        for spec in case.values("sarif"):
            check_sarif(spec, tmp, problems)
        for want in case.values("stdout"):
            if stdout != unescape(want):
                problems.append("stdout is %r, expected %r" % (stdout, unescape(want)))
        if case.has("stderr") and not stderr.strip():
            problems.append("procfd-trace said nothing on stderr")
        for want in case.values("stderr-has"):
            if unescape(want) not in stderr:
                problems.append("stderr does not contain %r" % unescape(want))
        for unwanted in case.values("stderr-lacks"):
            if unescape(unwanted) in stderr:
                problems.append("stderr contains %r" % unescape(unwanted))
        for want in case.values("stdout-has"):
            if unescape(want) not in stdout:
                problems.append("stdout does not contain %r" % unescape(want))
        for unwanted in case.values("stdout-lacks"):
            if unescape(unwanted) in stdout:
                problems.append("stdout contains %r" % unescape(unwanted))
        for path in case.values("absent"):
            path = self.expand(path, tmp)
            if os.path.lexists(path):
                problems.append("%s exists: the command ran" % path)
        if case.has("no-trace-file") and os.path.lexists(trace):
            problems.append("the -o file was created")

        if not case.has("raw"):
            exps, eprobs = parse_expectations(stdout)
            problems += eprobs
            is_prog = case.command and case.command[0].startswith("@")
            if is_prog and not exps and not case.has("no-expect"):
                problems.append("the program printed no expectations (did it run?)")
            if not os.path.exists(trace):
                problems.append("no trace file was written")
            elif case.has("text"):
                problems += self._check_text(trace, exps, options)
                log.append("--- text trace:\n" + self._head(trace))
            else:
                events, tprobs = read_trace(trace)
                problems += tprobs
                problems += check_expectations(exps, events)
                if problems or self.args.verbose:
                    log.append("--- trace (%d events):\n%s" % (len(events), self._head(trace)))
        return problems, log + self._outputs(stdout, stderr)

    def _make_tracee_tmp(self, tmp):
        """The case's TMPDIR: the programs' temp directories (expect.h's
        tmpdir_create) go there, and the harness removes it after the case,
        so a program killed before its atexit cleanup leaves nothing behind.
        Short (a path inside it must fit a unix socket's 108 bytes) and
        world-writable with the sticky bit, as /tmp is, for the programs
        that drop to nobody."""
        d = tempfile.mkdtemp(prefix="pfdt.")
        os.chmod(d, 0o1777)
        self._tracee_tmps[tmp] = d
        return d

    def _env(self, tmp):
        env = dict(os.environ, PFDTEST_EXPECT="1", LC_ALL="C")
        if tmp in self._tracee_tmps:
            env["TMPDIR"] = self._tracee_tmps[tmp]
        return env

    def _popen(self, argv, tmp, log, background=False):
        log.append("$ " + " ".join(shlex.quote(a) for a in argv) + (" &" if background else ""))
        env = self._env(tmp)
        return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env, cwd=tmp,
                                start_new_session=True)

    def _run_attach(self, case, tmp):
        """+attach / +attach-traced: see the directives in the docstring."""
        problems, log = [], []
        trace = os.path.join(tmp, "trace.out")
        command = [self.expand(t, tmp, case) for t in case.command or []]
        options = [self.expand(t, tmp) for t in case.options]
        traced = case.has("attach-traced")
        first_trace = os.path.join(tmp, "first-trace.out")
        target_argv = command
        if traced:
            target_argv = [self.bin, "--json", "-o", first_trace, "--"] + command
        target = tracer = None
        t_out = t_err = None
        stdout = stderr = ""
        pid = None
        try:
            target = self._popen(target_argv, tmp, log, background=True)
            t_out, t_err = LineReader(target.stdout), LineReader(target.stderr)
            m = t_out.wait_for(r"^ready (\d+)$", ATTACH_READY)
            if not m:
                problems.append("the target did not print \"ready PID\" within %ss"
                                % ATTACH_READY)
                return problems, log
            pid = int(m.group(1))
            options = [o.replace("{pid}", str(pid)) for o in options]
            argv = [self.bin, "--json", "-o", trace] + options + ["-p", str(pid)]
            tracer = self._popen(argv, tmp, log)
            min_events = int((case.values("min-events") or ["2"])[0])

            if traced:
                try:
                    out, err = tracer.communicate(timeout=self.timeout(case))
                except subprocess.TimeoutExpired:
                    kill_quietly(tracer)
                    out, err = tracer.communicate()
                    problems.append("procfd-trace -p %d timed out" % pid)
            else:
                deadline = time.monotonic() + ATTACH_EVENTS
                while (count_syscall_events(trace) < min_events and tracer.poll() is None
                       and time.monotonic() < deadline):
                    time.sleep(0.02)
                seen = count_syscall_events(trace)
                if tracer.poll() is not None:
                    problems.append("procfd-trace ended before SIGINT (exit %d)"
                                    % tracer.returncode)
                elif seen < min_events:
                    problems.append("only %d syscall events after %ss, waited for %d"
                                    % (seen, ATTACH_EVENTS, min_events))
                if tracer.poll() is None:  # else its status is reported below
                    os.kill(tracer.pid, signal.SIGINT)
                sent = time.monotonic()
                try:
                    out, err = tracer.communicate(timeout=ATTACH_PROMPT)
                    log.append("procfd-trace exited %.2fs after SIGINT"
                               % (time.monotonic() - sent))
                except subprocess.TimeoutExpired:
                    kill_quietly(tracer)
                    out, err = tracer.communicate()
                    problems.append("procfd-trace did not exit within %ss of SIGINT"
                                    % ATTACH_PROMPT)
            stdout = out.decode("utf-8", "replace")
            stderr = err.decode("utf-8", "replace")
            if tracer.returncode not in case.exits:
                problems.append("procfd-trace -p exit status %d, expected %s" % (
                    tracer.returncode, " or ".join(str(e) for e in case.exits)))
            for want in case.values("stderr-has"):
                if want not in stderr:
                    problems.append("stderr of procfd-trace -p does not contain %r" % want)
            if case.has("stderr") and not stderr.strip():
                problems.append("procfd-trace -p said nothing on stderr")

            if not traced:
                # let go of: every thread untraced, and running (or already
                # done) unless stopped
                try:
                    tids = sorted(int(t) for t in os.listdir("/proc/%d/task" % pid))
                except OSError:
                    tids = []
                for tid in tids:
                    st = proc_status(tid)
                    if not st:
                        continue
                    log.append("target thread %d after detach: State %s, TracerPid %s"
                               % (tid, st.get("State"), st.get("TracerPid")))
                    if st.get("TracerPid", "0") != "0":
                        problems.append("thread %d of the target is still traced after "
                                        "procfd-trace exited: TracerPid %s"
                                        % (tid, st.get("TracerPid")))
                    if st.get("State", "")[:1] in ("T", "t"):
                        problems.append("thread %d of the target is stopped after the detach: "
                                        "State %s" % (tid, st.get("State")))
            else:
                # the first tracer: once its trace holds the events the target
                # expects, SIGTERM, which it passes on to the target
                deadline = time.monotonic() + ATTACH_EVENTS
                while (count_syscall_events(first_trace) < min_events and target.poll() is None
                       and time.monotonic() < deadline):
                    time.sleep(0.02)
                if target.poll() is None:
                    os.kill(target.pid, signal.SIGTERM)
            try:
                target.wait(timeout=self.timeout(case))
            except subprocess.TimeoutExpired:
                problems.append("the target did not end on its own within %ss"
                                % self.timeout(case))
                kill_quietly(target)
                target.wait()
            if target.returncode != 0:
                problems.append("the target%s exited %d, expected 0" % (
                    " (under the first procfd-trace)" if traced else "", target.returncode))
        finally:
            kill_quietly(tracer)
            kill_quietly(target)
            if t_out is not None:
                stdout_t, stderr_t = t_out.finish(), t_err.finish()
            else:
                stdout_t = stderr_t = ""
        log += self._outputs(stdout, stderr)
        if stdout_t.strip() or stderr_t.strip():
            log.append("--- target:")
            log += self._outputs(stdout_t, stderr_t)

        exps, eprobs = parse_expectations(stdout_t)
        problems += eprobs
        if not traced and pid is not None and os.path.exists(trace):
            problems += attach_detach_problems(trace, pid)
        if not exps and not case.has("no-expect"):
            problems.append("the target printed no expectations")
        checked = first_trace if traced else trace
        if not os.path.exists(checked):
            problems.append("no trace file was written")
        else:
            events, tprobs = read_trace(checked)
            problems += tprobs
            problems += check_expectations(exps, events)
            if problems or self.args.verbose:
                log.append("--- trace (%d events):\n%s" % (len(events), self._head(checked)))
        if traced and os.path.exists(trace) and count_syscall_events(trace):
            problems.append("the refused procfd-trace -p wrote events")
        return problems, log

    def _explain_argv(self, case, tmp, trace, pid):
        """BIN [--json] -o TRACE OPTIONS for +explain, {pid} expanded, under +wrap."""
        options = [self.expand(t, tmp).replace("{pid}", str(pid)) for t in case.options]
        argv = [self.bin] + ([] if case.has("text") else ["--json"]) + ["-o", trace] + options
        wrap = [self.expand(w, tmp, case, wrap=True) for w in case.values("wrap")]
        if wrap:
            # the wrapper may drop privileges: let another user write the trace
            os.chmod(tmp, 0o711)
            with open(trace, "w"):
                pass
            os.chmod(trace, 0o666)
        return wrap + argv

    def _run_explain(self, case, tmp):
        """+explain: see the directive in the docstring."""
        problems, log = [], []
        trace = os.path.join(tmp, "trace.out")
        holder = None
        h_out = h_err = None
        stdout = stderr = ""
        try:
            holder = self._popen([self.expand(t, tmp, case) for t in case.command or []],
                                 tmp, log, background=True)
            h_out, h_err = LineReader(holder.stdout), LineReader(holder.stderr)
            m = h_out.wait_for(r"^ready (\d+)$", ATTACH_READY)
            if not m:
                problems.append("the holder did not print \"ready PID\" within %ss"
                                % ATTACH_READY)
                return problems, log + self._outputs(h_out.finish(), h_err.finish())
            argv = self._explain_argv(case, tmp, trace, int(m.group(1)))
            proc = self._popen(argv, tmp, log)
            try:
                out, err = proc.communicate(timeout=self.timeout(case))
            except subprocess.TimeoutExpired:
                kill_quietly(proc)
                out, err = proc.communicate()
                problems.append("procfd-trace --explain timed out")
            stdout, stderr = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
            for code in case.values("skip-exit"):
                if proc.returncode == int(code) and proc.returncode not in case.exits:
                    lines = stderr.strip().splitlines()
                    return None, ["exit %d: %s" % (proc.returncode,
                                                   lines[-1] if lines else "no reason given")]
            if proc.returncode not in case.exits:
                problems.append("exit status %d, expected %s" % (
                    proc.returncode, " or ".join(str(e) for e in case.exits)))
            for want in case.values("stderr-has"):
                if unescape(want) not in stderr:
                    problems.append("stderr does not contain %r" % unescape(want))
            if stdout.strip():
                problems.append("procfd-trace --explain -o wrote on stdout")
            os.kill(holder.pid, signal.SIGTERM)
            try:
                holder.wait(timeout=self.timeout(case))
            except subprocess.TimeoutExpired:
                problems.append("the holder did not end on SIGTERM")
            if holder.returncode != 0:
                problems.append("the holder exited %s, expected 0" % holder.returncode)
        finally:
            kill_quietly(holder)
            holder_out = h_out.finish() if h_out else ""
            holder_err = h_err.finish() if h_err else ""
        log += self._outputs(stdout, stderr)
        log.append("--- holder:")
        log += self._outputs(holder_out, holder_err)
        exps, eprobs = parse_expectations(holder_out)
        problems += eprobs
        if not exps:
            problems.append("the holder printed no expectations")
        if not os.path.exists(trace):
            problems.append("no trace file was written")
        elif case.has("text"):
            problems += check_explain_text(trace, exps)
            log.append("--- text report:\n" + self._head(trace, 200))
        else:
            events, tprobs = read_trace(trace)
            problems += tprobs
            problems += check_expectations(exps, events)
            if problems or self.args.verbose:
                log.append("--- trace (%d events):\n%s" % (len(events), self._head(trace)))
        return problems, log

    def _check_text(self, trace, exps, options=()):
        """+text: the text trace, block by block (see text_blocks): every
        `expect` of a syscall event must match a block after the previous
        match, on every field the text sink prints (text_block_wants)."""
        with open(trace, "rb") as f:
            text = f.read().decode("utf-8", "surrogateescape")
        problems = []
        blocks = text_blocks(text)
        compact = not ({"-v", "--verbose"} & set(options))
        last = -1
        for kind, _count, obj, _line in exps:
            if kind != "expect" or obj.get("event") != "syscall":
                continue
            wants = text_block_wants(obj, compact)
            found = next((i for i in range(last + 1, len(blocks))
                          if not text_block_misses(wants, blocks[i])), None)
            if found is not None:
                last = found
                continue
            msg = ["no text block matches an expected %s event after block #%d:"
                   % (obj.get("syscall", "syscall"), last + 1)]
            msg += ["    wanted: %s" % w for w, _ in wants]
            same = [i for i in range(last + 1, len(blocks))
                    if "syscall" not in obj or
                    blocks[i][0].startswith("] %s(" % obj["syscall"], blocks[i][0].find("]"))]
            for i in sorted(same, key=lambda i: len(text_block_misses(wants, blocks[i])))[:3]:
                msg.append("    candidate block #%d:\n      %s" % (
                    i + 1, "\n      ".join(blocks[i])))
                for w in text_block_misses(wants, blocks[i]):
                    msg.append("      lacks: %s" % w)
            problems.append("\n".join(msg))
        if not text.strip():
            problems.append("text trace is empty")
        problems += self._text_controls(text, options)
        return problems

    @staticmethod
    def _text_controls(text, options):
        """A text trace holds no control byte but the newline: bytes the
        tracee chose (names, paths) are escaped, so they cannot move the
        cursor, ring the bell or retitle a terminal. ESC only with --color
        (the plugins' own colours)."""
        allowed = "\n" + ("\x1b" if any(o.startswith("--color") for o in options) else "")
        for i, line in enumerate(text.split("\n")):
            bad = [c for c in line if (ord(c) < 0x20 or ord(c) == 0x7f or
                                       0xdc80 <= ord(c) <= 0xdc9f) and c not in allowed]
            if bad:
                return ["text line %d holds raw control bytes %s: %r" % (
                    i + 1, " ".join("%02x" % (ord(c) & 0xff) for c in bad[:4]), line[:200])]
        return []

    @staticmethod
    def _head(path, limit=60):
        with open(path, "rb") as f:
            lines = f.read().decode("utf-8", "replace").splitlines()
        more = len(lines) - limit
        return "\n".join(lines[:limit]) + ("\n... %d more lines" % more if more > 0 else "")

    @staticmethod
    def _outputs(stdout, stderr):
        log = []
        if stdout.strip():
            log.append("--- stdout:\n" + stdout.rstrip()[:6000])
        if stderr.strip():
            log.append("--- stderr:\n" + stderr.rstrip()[:6000])
        return log


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", required=True, help="the procfd-trace binary")
    ap.add_argument("--programs", required=True, help="directory of built test programs")
    ap.add_argument("--example-bin", help="procfd-trace built with the example plugin")
    ap.add_argument("--programs32", help="directory of their i386 builds, for the .m32 "
                    "variants (default: PROGRAMS32, i.e. the --programs path + \"32\")")
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="run only the cases whose name contains PATTERN (repeatable)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show the command, outputs and trace of passing cases too")
    ap.add_argument("--keep", action="store_true", help="keep each case's temp directory")
    ap.add_argument("--record", metavar="DIR",
                    help="keep each case's outputs in DIR (tests/integration/compare_outputs.py)")
    ap.add_argument("--record-text", action="store_true",
                    help="with --record: also run each --json case as text and keep "
                    "that trace as NAME.text")
    ap.add_argument("--direct", action="store_true",
                    help="run the test programs without procfd-trace")
    args = ap.parse_args()

    if not args.direct and not os.access(args.bin, os.X_OK):
        print("run.py: %s is not an executable" % args.bin, file=sys.stderr)
        return 2
    if not os.path.isdir(args.programs):
        print("run.py: %s is not a directory" % args.programs, file=sys.stderr)
        return 2
    cases = parse_cases(args.cases)
    if args.patterns:
        cases = [c for c in cases if any(p in c.name for p in args.patterns)]
    runner = Runner(args)
    # +m32 cases and .m32 variants skip themselves when their programs are not built
    missing = sorted({os.path.basename(p) for c in cases if not c.has("m32") and not c.m32
                      for p in runner.missing_programs(c)})
    if missing:
        print("run.py: test programs not built in %s: %s" % (args.programs, " ".join(missing)),
              file=sys.stderr)
        return 2

    passed = failed = skipped = xfailed = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(runner.run_case, c) for c in cases]
        for fut in concurrent.futures.as_completed(futures):
            case, problems, log, secs, status = fut.result()
            if status == "SKIP":
                skipped += 1
                if log:  # a reason: always said (else only --direct's skips)
                    print("SKIP %s (%s)" % (case.name, log[0]))
                elif args.verbose:
                    print("SKIP %s" % case.name)
                sys.stdout.flush()
                continue
            if status == "XFAIL":
                xfailed += 1
                print("XFAIL %s (%.1fs): %s" % (case.name, secs, log[0]))
                if args.verbose:
                    for entry in log[1:]:
                        print("  " + entry.replace("\n", "\n  "))
                sys.stdout.flush()
                continue
            if problems:
                failed += 1
                print("%s %s (%s:%d, %.1fs)" % (status, case.name, os.path.basename(args.cases),
                                               case.lineno, secs))
                for p in problems:
                    print("  - " + p.replace("\n", "\n    "))
                for entry in log:
                    print("  " + entry.replace("\n", "\n  "))
            else:
                passed += 1
                print("PASS %s (%.1fs)" % (case.name, secs))
                if args.verbose:
                    for entry in log:
                        print("  " + entry.replace("\n", "\n  "))
            sys.stdout.flush()
    print("%d passed, %d failed, %d skipped%s" % (
        passed, failed, skipped, ", %d expected failures" % xfailed if xfailed else ""))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
