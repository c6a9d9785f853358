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
    Matching is a recursive subset match; "$any" matches any present value,
    "$flags:A|B" a '|'-separated flag word holding exactly A and B.

Case table: one case a line, '#' starts a comment, tokens split like a shell:

    NAME  EXIT  [+DIRECTIVE...] [TRACER OPTIONS...] [-- COMMAND [ARGS...]]

EXIT is the expected exit status of procfd-trace, or several separated by
commas. When procfd-trace re-raises the signal that killed its command,
Python sees a negative return code (-9 for SIGKILL); a tracer that exits
128+N instead gives 137: a killed case accepts both ("137,-9").

In the command and its arguments, "@PROG" is PROGRAMS/PROG, "{programs}" the
programs directory and "{tmp}" a fresh directory for the case.

Directives (harness only, never passed to procfd-trace):
    +raw              run BIN OPTIONS -- COMMAND as written: no --json, no -o
    +text             text mode: -o TRACE without --json; the text must name
                      the path and the resolution of every `expect`
    +stdin=TEXT       feed TEXT (backslash escapes allowed) on stdin
                      (default: /dev/null)
    +stdout=TEXT      stdout must be exactly TEXT (escapes allowed)
    +stderr           procfd-trace must say something on stderr
    +stderr-has=TEXT  stderr must contain TEXT
    +file=NAME:MODE   create {tmp}/NAME (a tiny shell script) with octal MODE
    +absent=PATH      PATH must not exist after the run (nothing was run)
    +no-trace-file    the -o file must not have been created
    +no-expect        the program prints no expectations (else at least one
                      is required from a @PROG command)

Usage: run.py --bin build/procfd-trace --programs build/tests/programs
       [--cases FILE] [-k PATTERN] [--jobs 2] [--timeout 30] [-v] [--direct]

--direct runs the @PROG commands without the tracer: a check that the test
programs behave as they assume on this kernel (their exit status only).

The last line printed is "N passed, M failed"; the exit status is 0 only
when every case passed.
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

    def has(self, key):
        return any(k == key for k, _ in self.directives)

    def values(self, key):
        return [v for k, v in self.directives if k == key]


def unescape(text):
    return codecs.decode(text, "unicode_escape")


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
            cases.append(Case(name, exits, directives, options, command, lineno))
    return cases


# directive -> takes a value
DIRECTIVES = {
    "raw": False, "text": False, "stdin": True, "stdout": True, "stderr": False,
    "stderr-has": True, "file": True, "absent": True, "no-trace-file": False,
    "no-expect": False,
}

# --------------------------------------------------------------- schema

RESOLUTIONS = {"followed", "link-itself", "directory", "no-such-fd", "no-such-process",
               "denied", "refused-nofollow", "refused-scoped", "not-reopenable",
               "unfinished", "error"}
TEXT_TARGETS = {"same-file", "missing", "different-file", "not-a-path", "unknown"}
KINDS = {"regular", "directory", "pipe", "fifo", "socket", "anon-inode", "memfd",
         "char-device", "block-device", "symlink", "other"}
ACCESS = {"read", "write", "read-write", "path"}
PROBES = {"open", "no-fd", "no-process", "denied", "failed"}
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


def validate_syscall(ev, problems):
    w = "syscall event"
    check_keys(ev, ["event", "pid", "tid", "syscall", "arch", "dirfd", "path", "flags",
                    "result", "errno", "link", "target", "text_target", "resolution",
                    "explanation"],
               ["path_error", "mode", "resolve", "pidns"], w, problems)
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
    check_type(ev, "text_target", lambda v: v is None or v in TEXT_TARGETS,
               "a text_target value or null", w, problems)
    if "resolve" in ev and ev.get("syscall") != "openat2":
        problems.append("%s: 'resolve' on %s (openat2 only)" % (w, ev.get("syscall")))
    if "path" in ev:
        if ev["path"] is None:
            if not isinstance(ev.get("path_error"), str):
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


def validate_link(link, problems):
    w = "link"
    opt = ["probe_errno", "ns_pid", "ns_tid"]
    if link.get("via") in ("cwd", "dirfd"):
        req_base = ["base"]
    else:
        req_base = []
    check_keys(link, ["what", "pid", "tid", "fd", "spelling", "via", "probe"] + req_base,
               opt, w, problems)
    check_type(link, "what", lambda v: v in ("fd", "fd-directory"), "fd or fd-directory", w,
               problems)
    # null: a pid of another pid namespace with no match in procfd-trace's
    pid_ok = (lambda v: is_int(v) and v > 0) if "ns_pid" not in link else \
        (lambda v: v is None or (is_int(v) and v > 0))
    check_type(link, "pid", pid_ok, "a positive int", w, problems)
    check_type(link, "ns_pid", lambda v: is_int(v) and v > 0, "a positive int", w, problems)
    check_type(link, "ns_tid", lambda v: v is None or (is_int(v) and v > 0), "int or null", w,
               problems)
    check_type(link, "tid", lambda v: v is None or (is_int(v) and v > 0), "int or null", w,
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
    if what == "fd":
        check_type(link, "fd", lambda v: is_int(v) and v >= 0, "an fd number", w, problems)
        check_type(link, "spelling", lambda v: v in FD_SPELLINGS, "an fd spelling", w,
                   problems)
    elif what == "fd-directory":
        check_type(link, "fd", lambda v: v is None, "null for fd-directory", w, problems)
        check_type(link, "spelling", lambda v: v in DIR_SPELLINGS, "a directory spelling", w,
                   problems)


def validate_target(t, problems):
    w = "target"
    opt = ["anon_name"] if t.get("kind") == "anon-inode" else []
    check_keys(t, ["text", "name", "name_deleted", "kind", "deleted", "nlink", "dev", "ino",
                   "access", "fd_flags"], opt, w, problems)
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


def validate_event(ev):
    problems = []
    kind = ev.get("event")
    if kind == "syscall":
        validate_syscall(ev, problems)
    elif kind == "exec":
        validate_exec(ev, problems)
    elif kind == "exit":
        validate_exit(ev, problems)
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
    return events, problems


# ------------------------------------------------------------- matching


def match(exp, act):
    if isinstance(exp, str):
        if exp == "$any":
            return True
        if exp.startswith("$flags:"):
            return isinstance(act, str) and flagset(exp[7:]) == flagset(act)
        return isinstance(act, str) and exp == act
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
        m = re.match(r"^(expect|expect-none|expect-count (\d+)) (\{.*\})\s*$", line)
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
            if len(hits) != want:
                msg = ["%s: %d events match, expected %d:" % (kind, len(hits), want),
                       "    expected: %s" % js(obj)]
                for i in hits[:5]:
                    msg.append("    matching event #%d: %s" % (i + 1, js(events[i])))
                if not hits:
                    msg += candidates_report(obj, events)
                failures.append("\n".join(msg))
    return failures


# ---------------------------------------------------------------- running


class Runner:
    def __init__(self, args):
        self.args = args
        self.bin = os.path.abspath(args.bin)
        self.programs = os.path.abspath(args.programs)
        self.print_lock = threading.Lock()

    def expand(self, tok, tmp):
        if tok.startswith("@"):
            tok = os.path.join(self.programs, tok[1:])
        return tok.replace("{tmp}", tmp).replace("{programs}", self.programs)

    def run_case(self, case):
        start = time.monotonic()
        tmp = tempfile.mkdtemp(prefix="pfdrun.%s." % case.name)
        try:
            problems, log = self._run(case, tmp)
        except Exception as e:  # a harness bug must not hide the others
            problems, log = ["harness error: %r" % e], []
        finally:
            if not self.args.keep:
                shutil.rmtree(tmp, ignore_errors=True)
        return case, problems, log, time.monotonic() - start

    def _run(self, case, tmp):
        problems, log = [], []
        for spec in case.values("file"):
            name, _, mode = spec.rpartition(":")
            path = os.path.join(tmp, name)
            with open(path, "w") as f:
                f.write("#!/bin/sh\necho should not run\n")
            os.chmod(path, int(mode, 8))
        trace = os.path.join(tmp, "trace.out")
        command = [self.expand(t, tmp) for t in case.command] if case.command is not None else None
        options = [self.expand(t, tmp) for t in case.options]
        direct = self.args.direct
        if direct:
            if not command or not case.command[0].startswith("@"):
                return None, ["skipped: --direct runs only test programs"]
            argv = command
        elif case.has("raw"):
            argv = [self.bin] + options + (["--"] + command if command is not None else [])
        elif case.has("text"):
            argv = [self.bin, "-o", trace] + options + ["--"] + (command or [])
        else:
            argv = [self.bin, "--json", "-o", trace] + options + ["--"] + (command or [])
        log.append("$ " + " ".join(shlex.quote(a) for a in argv))

        stdin_values = case.values("stdin")
        stdin_data = unescape(stdin_values[0]).encode() if stdin_values else None
        env = dict(os.environ, PFDTEST_EXPECT="1", LC_ALL="C")
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE if stdin_data is not None
                                else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                                cwd=tmp, start_new_session=True)
        try:
            out, err = proc.communicate(stdin_data, timeout=self.args.timeout)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            out, err = proc.communicate()
            problems.append("timed out after %ss (killed)" % self.args.timeout)
        stdout = out.decode("utf-8", "replace")
        stderr = err.decode("utf-8", "replace")
        rc = proc.returncode
        if rc not in case.exits:
            problems.append("exit status %d, expected %s" % (
                rc, " or ".join(str(e) for e in case.exits)))
        if direct:
            exps, eprobs = parse_expectations(stdout)
            problems += eprobs
            if not exps and not case.has("no-expect"):
                problems.append("the program printed no expectations")
            return problems, log + self._outputs(stdout, stderr)

        for want in case.values("stdout"):
            if stdout != unescape(want):
                problems.append("stdout is %r, expected %r" % (stdout, unescape(want)))
        if case.has("stderr") and not stderr.strip():
            problems.append("procfd-trace said nothing on stderr")
        for want in case.values("stderr-has"):
            if want not in stderr:
                problems.append("stderr does not contain %r" % want)
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
                problems += self._check_text(trace, exps)
                log.append("--- text trace:\n" + self._head(trace))
            else:
                events, tprobs = read_trace(trace)
                problems += tprobs
                problems += check_expectations(exps, events)
                if problems or self.args.verbose:
                    log.append("--- trace (%d events):\n%s" % (len(events), self._head(trace)))
        return problems, log + self._outputs(stdout, stderr)

    def _check_text(self, trace, exps):
        with open(trace, "rb") as f:
            text = f.read().decode("utf-8", "replace")
        problems = []
        for kind, _count, obj, _line in exps:
            if kind != "expect" or obj.get("event") != "syscall":
                continue
            for key in ("path", "resolution"):
                v = obj.get(key)
                if isinstance(v, str) and not v.startswith("$") and v not in text:
                    problems.append("text trace does not mention %s %r" % (key, v))
            t = obj.get("target")
            if isinstance(t, dict) and t.get("deleted") is True and "deleted" not in text:
                problems.append("text trace does not say the target is deleted")
        if not text.strip():
            problems.append("text trace is empty")
        return problems

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
    ap.add_argument("--cases", default=os.path.join(HERE, "cases.txt"))
    ap.add_argument("-k", dest="patterns", action="append", default=[],
                    help="run only the cases whose name contains PATTERN (repeatable)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30.0)
    ap.add_argument("-v", "--verbose", action="store_true",
                    help="show the command, outputs and trace of passing cases too")
    ap.add_argument("--keep", action="store_true", help="keep each case's temp directory")
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
    missing = sorted({c.command[0][1:] for c in cases if c.command
                      and c.command[0].startswith("@")
                      and not os.access(os.path.join(args.programs, c.command[0][1:]), os.X_OK)})
    if missing:
        print("run.py: test programs not built in %s: %s" % (args.programs, " ".join(missing)),
              file=sys.stderr)
        return 2

    runner = Runner(args)
    passed = failed = skipped = 0
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(runner.run_case, c) for c in cases]
        for fut in concurrent.futures.as_completed(futures):
            case, problems, log, secs = fut.result()
            if problems is None:
                skipped += 1
                if args.verbose:
                    print("SKIP %s" % case.name)
                continue
            if problems:
                failed += 1
                print("FAIL %s (%s:%d, %.1fs)" % (case.name, os.path.basename(args.cases),
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
    if skipped:
        print("%d skipped" % skipped)
    print("%d passed, %d failed" % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
