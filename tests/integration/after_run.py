#!/usr/bin/env python3
"""What a user does with a --leaks report after the run (issue 19, Required 6 and 9).

symbolize: a stripped binary's frames are symbolized after the run. A test
    program (leak_supp: open_cache leaks an openat, leak_me an eventfd2) is copied,
    and the copy stripped (`strip`), its debug info kept apart (`objcopy
    --only-keep-debug`) under a build-id directory. The stripped copy runs
    under `procfd-trace --leaks`, once with --json, once in text. In each
    report, the innermost frame in the stripped module must carry what
    eu-addr2line needs: JSON `module`, `module_offset` and `build_id` (the
    build-id of the binary), text `by 0xOFF (MODULE)`. Then, after the run,
    `eu-addr2line -f -e UNSTRIPPED 0xOFF-1` and `eu-addr2line -f
    --debuginfo-path=DIR -e STRIPPED 0xOFF-1` (the debug file found by the
    build-id) must name the leaking function. A report that gives the
    absolute address, a function offset, or no offset fails.

suppressions: --gen-suppressions entries paste back. leak_kinds (16 leaks
    of every kind) runs with --gen-suppressions, in text and in JSON. From
    the text, every block from a line "{" to a line "}" is one entry (one
    per leak reported); from JSON, each leak's `suppression` field. Each set,
    written to a file as it is, must suppress every leak of a second run
    (--error-exitcode=9 exits 0, `leak_total` says 0 fds and as many
    suppressed as there were entries).

escapes: a (stripped) module whose path holds terminal escapes (ESC, BEL, a C1 CSI)
    shows them escaped (\\033) on the text report's frame lines, never raw
    (issue 23 row 7, the frames' part).

Exit status 0 when all pass, 1 otherwise; 77 (skip) when elfutils' or
binutils' tools are missing."""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import script_args

STRIPPED_FUNCTIONS = {"openat": "open_cache", "eventfd2": "leak_me"}


def run(argv, **kw):
    return subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          stdin=subprocess.DEVNULL, timeout=120, **kw)


def read_events(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def build_id_of(path):
    out = run(["eu-readelf", "-n", path]).stdout.decode()
    m = re.search(r"Build ID: ([0-9a-f]+)", out)
    return m.group(1) if m else None


def addr2line_function(args):
    out = run(["eu-addr2line", "-f"] + args).stdout.decode().splitlines()
    return out[0] if out else ""


def check_symbolized(where, frame_offset, unstripped, stripped, debug_dir, want, problems):
    """The frame at frame_offset (a return address: the call is the byte
    before) names function want, from the unstripped copy and by build-id."""
    addr = "0x%x" % (frame_offset - 1)
    got = addr2line_function(["-e", unstripped, addr])
    if got != want:
        problems.append("%s: eu-addr2line -e %s %s gives %r, expected %r" % (
            where, unstripped, addr, got, want))
    got = addr2line_function(["--debuginfo-path=" + debug_dir, "-e", stripped, addr])
    if got != want:
        problems.append("%s: eu-addr2line --debuginfo-path (by build-id) -e %s %s gives %r, "
                        "expected %r" % (where, stripped, addr, got, want))


def test_symbolize(args, tmp):
    problems = []
    unstripped = os.path.join(tmp, "leaker")
    stripped = os.path.join(tmp, "leaker.stripped")
    debug_dir = os.path.join(tmp, "debug")
    shutil.copy(os.path.join(args.programs, "leak_supp"), unstripped)
    run(["strip", "-o", stripped, unstripped]).check_returncode()
    bid = build_id_of(unstripped)
    if not bid or build_id_of(stripped) != bid:
        return ["no build-id in the test program, or strip lost it (%r)" % bid]
    os.makedirs(os.path.join(debug_dir, ".build-id", bid[:2]))
    run(["objcopy", "--only-keep-debug", unstripped,
         os.path.join(debug_dir, ".build-id", bid[:2], bid[2:] + ".debug")]).check_returncode()
    if addr2line_function(["-e", stripped, "0x1000"]) not in ("??", ""):
        return ["the stripped copy still has symbols"]

    trace = os.path.join(tmp, "trace.json")
    r = run([args.bin, "--leaks", "--json", "-o", trace, "--", stripped])
    if r.returncode != 0:
        return ["procfd-trace --json exited %d: %s" % (r.returncode, r.stderr.decode()[-500:])]
    seen = set()
    for ev in read_events(trace):
        if ev.get("event") != "leak" or not ev.get("opened_by"):
            continue
        call = ev["opened_by"]["syscall"]
        if call not in STRIPPED_FUNCTIONS:
            continue
        frames = [f for f in ev["opened_by"]["backtrace"] or [] if f.get("module") == stripped]
        where = "json leak of %s" % call
        if not frames:
            problems.append("%s: no frame in %s" % (where, stripped))
            continue
        f = frames[0]
        seen.add(call)
        if f.get("build_id") != bid:
            problems.append("%s: build_id %r, expected %r" % (where, f.get("build_id"), bid))
        if not isinstance(f.get("module_offset"), int):
            problems.append("%s: no module_offset: %r" % (where, f))
            continue
        check_symbolized(where, f["module_offset"], unstripped, stripped, debug_dir,
                         STRIPPED_FUNCTIONS[call], problems)
    if seen != set(STRIPPED_FUNCTIONS):
        problems.append("json: leaks of %s reported, expected %s" % (
            sorted(seen), sorted(STRIPPED_FUNCTIONS)))

    text = os.path.join(tmp, "trace.txt")
    r = run([args.bin, "--leaks", "-o", text, "--", stripped])
    if r.returncode != 0:
        return problems + ["procfd-trace (text) exited %d" % r.returncode]
    with open(text, encoding="utf-8", errors="replace") as fh:
        lines = fh.read().splitlines()
    frame_re = re.compile(r"^\s+(?:at|by) 0x([0-9a-f]+) \((.*)\)$")
    seen = set()
    call = None
    for line in lines:
        m = re.match(r"^\s+opened by (\w+) in pid", line)
        if m:
            call = m.group(1) if m.group(1) in STRIPPED_FUNCTIONS else None
            continue
        m = frame_re.match(line)
        if call and m and m.group(2) == stripped:
            check_symbolized("text leak of %s (%s)" % (call, line.strip()), int(m.group(1), 16),
                             unstripped, stripped, debug_dir, STRIPPED_FUNCTIONS[call], problems)
            seen.add(call)
            call = None
    if seen != set(STRIPPED_FUNCTIONS):
        problems.append("text: frames in %s for %s, expected %s" % (
            stripped, sorted(seen), sorted(STRIPPED_FUNCTIONS)))
    return problems


def text_blocks(path):
    """Every block of lines from "{" to "}", each as the text it is."""
    blocks, cur = [], None
    with open(path, encoding="utf-8", errors="surrogateescape") as fh:
        for line in fh:
            if line == "{\n":
                cur = [line]
            elif cur is not None:
                cur.append(line)
                if line == "}\n":
                    blocks.append("".join(cur))
                    cur = None
    return blocks


def suppresses_all(args, tmp, name, entries, problems):
    supp = os.path.join(tmp, name + ".supp")
    with open(supp, "w", encoding="utf-8", errors="surrogateescape") as fh:
        fh.write("\n".join(entries))
    trace = os.path.join(tmp, name + ".again.json")
    r = run([args.bin, "--leaks", "--json", "--error-exitcode=9", "--suppressions=" + supp,
             "-o", trace, "--", os.path.join(args.programs, "leak_kinds")], cwd=tmp)
    if r.returncode != 0:
        problems.append("%s: the run with the pasted entries exited %d (%s)" % (
            name, r.returncode, r.stderr.decode()[-300:]))
        return
    total = [e for e in read_events(trace) if e.get("event") == "leak_total"]
    if not total or total[0]["fds"] != 0 or total[0]["suppressed"] != len(entries):
        problems.append("%s: leak_total %r, expected 0 fds and %d suppressed" % (
            name, total, len(entries)))


def test_suppressions(args, tmp):
    problems = []
    prog = os.path.join(args.programs, "leak_kinds")
    text = os.path.join(tmp, "gen.txt")
    r = run([args.bin, "--leaks", "--gen-suppressions", "-o", text, "--", prog], cwd=tmp)
    if r.returncode != 0:
        return ["procfd-trace --gen-suppressions (text) exited %d" % r.returncode]
    blocks = text_blocks(text)
    with open(text, encoding="utf-8", errors="replace") as fh:
        reported = sum(1 for line in fh if re.match(r"^\[pid +\d+\] fd \d+ open at exit of pid ",
                                                     line))
    if not blocks or len(blocks) != reported:
        problems.append("text: %d entries for %d leaks" % (len(blocks), reported))
    if any("\\n" in b for b in blocks):
        problems.append("text: an entry holds a literal \\n")
    suppresses_all(args, tmp, "text", blocks, problems)

    trace = os.path.join(tmp, "gen.json")
    r = run([args.bin, "--leaks", "--json", "--gen-suppressions", "-o", trace, "--", prog],
            cwd=tmp)
    if r.returncode != 0:
        return problems + ["procfd-trace --gen-suppressions (json) exited %d" % r.returncode]
    entries = [e["suppression"] for e in read_events(trace) if e.get("event") == "leak"]
    if len(entries) != reported:
        problems.append("json: %d entries, expected %d" % (len(entries), reported))
    suppresses_all(args, tmp, "json", entries, problems)
    return problems


def test_escapes(args, tmp):
    evil = os.path.join(tmp.encode(), b"evil\x1b]0;pwned\x07\xc2\x9bname")
    # stripped, so that frames name the module rather than a source file
    run([b"strip", b"-o", evil, os.path.join(args.programs, "leak_supp").encode()]).check_returncode()
    text = os.path.join(tmp, "trace.txt")
    r = run([args.bin.encode(), b"--leaks", b"-o", text.encode(), b"--", evil])
    if r.returncode != 0:
        return ["procfd-trace exited %d" % r.returncode]
    with open(text, "rb") as fh:
        frames = [l for l in fh.read().split(b"\n") if re.match(rb"^\s+(at|by) ", l)]
    mine = [l for l in frames if b"evil" in l]
    problems = []
    if not mine:
        problems.append("no frame line names the module: %r" % frames[:6])
    for line in mine:
        if re.search(rb"[\x00-\x1f\x7f]|\xc2[\x80-\x9f]", line):
            problems.append("a raw control byte on a frame line: %r" % line)
        elif b"evil\\033]0;pwned\\007\\302\\233name" not in line:
            problems.append("the module is not escaped as expected: %r" % line)
    return problems


def main():
    args = script_args.bin_and_programs(__doc__)
    missing = [t for t in ("eu-addr2line", "eu-readelf", "strip", "objcopy")
               if not shutil.which(t)]
    if missing:
        print("SKIP after_run: missing %s (elfutils, binutils)" % ", ".join(missing))
        return 77
    failed = 0
    for name, test in (("symbolize", test_symbolize), ("suppressions", test_suppressions),
                       ("escapes", test_escapes)):
        with tempfile.TemporaryDirectory(prefix="pfdtest.after_run.") as tmp:
            problems = test(args, tmp)
        print("%s after_run.%s" % ("FAIL" if problems else "PASS", name))
        for p in problems:
            print("  - " + p)
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
