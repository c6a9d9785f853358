#!/usr/bin/env python3
"""strace's -t, -tt, -ttt, -r, -T and -q/-qq in procfd-trace's text (issue 22).

Used as a +wrap of a +raw case in cases.txt:

    times_check.py MODE BIN OPTIONS -- COMMAND...

runs BIN OPTIONS -- COMMAND (the trace on its stderr, or in JSON with -j)
and checks what MODE says of every headline (a line starting "[pid"). Times
are never compared with a value, only their format and order, so a loaded
machine passes as well:

    t     "[pid N] HH:MM:SS name(...)": seconds, no fraction
    tt    "[pid N] HH:MM:SS.UUUUUU ...", never going back
    ttt   "[pid N] SECONDS.UUUUUU ...", never going back, and between the
          wall clock before and after the run
    r     "[pid N]  SECONDS.UUUUUU ...", right-aligned, the first 0.000000,
          none negative (one thread)
    T     every call line ends " <SECONDS.UUUUUU>", no other line does
    q     no "+++ attached"/"+++ detached" line, exec and exit lines kept:
          BIN -q -p PID of a shell this script starts
    qq    no "+++" line at all, call lines kept
    qq-json  with -j: JSON keeps the exec and exit events

The command line must reach at least two calls. Exit 0 when all holds,
1 (with the trace) otherwise."""

import json
import os
import re
import subprocess
import sys
import time

HEAD = re.compile(r"^\[pid +\d+\] ")


def headlines(text):
    return [l for l in text.splitlines() if HEAD.match(l)]


def fail(why, text):
    sys.stderr.write("times_check: %s\n--- trace:\n%s" % (why, text))
    sys.exit(1)


def check_order(values, what, text):
    for a, b in zip(values, values[1:]):
        if b < a:
            fail("%s goes back: %r then %r" % (what, a, b), text)


def clock_of_day(lines, frac, text):
    rx = re.compile(r"^\[pid +\d+\] (\d\d):([0-5]\d):([0-6]\d)%s \S" %
                    (r"\.(\d{6})" if frac else ""))
    seconds = []
    for l in lines:
        m = rx.match(l)
        if not m:
            fail("not -t%s's layout: %r" % ("t" if frac else "", l), text)
        s = int(m.group(1)) * 3600 + int(m.group(2)) * 60 + int(m.group(3))
        if frac:
            s += int(m.group(4)) / 1e6
        if seconds and s < seconds[-1] - 43200:
            s += 86400  # past midnight
        seconds.append(s)
    if frac:
        check_order(seconds, "the time of day", text)


def epoch(lines, before, after, text):
    rx = re.compile(r"^\[pid +\d+\] (\d{10,}\.\d{6}) \S")
    values = []
    for l in lines:
        m = rx.match(l)
        if not m:
            fail("not -ttt's layout: %r" % l, text)
        values.append(float(m.group(1)))
    check_order(values, "the time", text)
    if values[0] < before - 1 or values[-1] > after + 1:
        fail("times %r..%r outside the run %r..%r" % (values[0], values[-1], before, after),
             text)


def relative(lines, text):
    rx = re.compile(r"^\[pid +\d+\] ( *)(\d+\.\d{6}) \S")
    for i, l in enumerate(lines):
        m = rx.match(l)
        if not m or len(m.group(1)) + len(m.group(2)) != 13:
            fail("not -r's layout (13 columns): %r" % l, text)
        if i == 0 and m.group(2) != "0.000000":
            fail("the first -r time is not 0.000000: %r" % l, text)


def durations(lines, text):
    rx = re.compile(r" <\d+\.\d{6}>$")
    calls = 0
    for l in lines:
        is_call = " = " in l and "+++" not in l
        if is_call != bool(rx.search(l)):
            fail("-T: %s: %r" % ("no <duration>" if is_call else "a duration off a call", l),
                 text)
        calls += is_call
    if calls < 2:
        fail("fewer than two calls", text)


def run(argv):
    p = subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, timeout=60)
    text = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        fail("exit status %d" % p.returncode, text)
    return text


def traced(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            return any(l.startswith("TracerPid:") and l.split()[1] != "0" for l in f)
    except OSError:
        return False


def quiet_attach(argv):
    """BIN OPTIONS -p PID of a shell that ends when its stdin closes: no
    sleep decides anything."""
    sh = subprocess.Popen(["/bin/sh", "-c", "read x; cat /proc/self/fd/0 </etc/hostname"],
                          stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    bin_and_opts = argv[:argv.index("--")] if "--" in argv else argv
    tracer = subprocess.Popen(bin_and_opts + ["-p", str(sh.pid)], stdin=subprocess.DEVNULL,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 30
    while not traced(sh.pid) and time.monotonic() < deadline and tracer.poll() is None:
        time.sleep(0.01)
    sh.stdin.close()
    sh.wait()
    _, err = tracer.communicate(timeout=60)
    text = err.decode("utf-8", "replace")
    if tracer.returncode != 0:
        fail("exit status %d" % tracer.returncode, text)
    return text


def main():
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == "q":
        text = quiet_attach(argv)
        if "+++ attached" in text or "+++ detached" in text:
            fail("-q shows an attach or detach line", text)
        if "+++ exited with 0 +++" not in text:
            fail("-q hides the exit line", text)
        return
    before = time.time()
    text = run(argv)
    after = time.time()
    lines = headlines(text)
    if mode == "qq-json":
        kinds = [json.loads(l)["event"] for l in text.splitlines() if l.startswith("{")]
        if "exec" not in kinds or "exit" not in kinds:
            fail("JSON lost exec or exit events with -qq: %r" % kinds, text)
        return
    if len(lines) < 2:
        fail("fewer than two headlines", text)
    if mode == "t":
        clock_of_day(lines, False, text)
    elif mode == "tt":
        clock_of_day(lines, True, text)
    elif mode == "ttt":
        epoch(lines, before, after, text)
    elif mode == "r":
        relative(lines, text)
    elif mode == "T":
        durations(lines, text)
    elif mode == "qq":
        if any("+++" in l for l in lines):
            fail("-qq shows a +++ line", text)
        if not any(" = " in l for l in lines):
            fail("-qq lost the calls", text)
    else:
        fail("unknown mode %r" % mode, "")


if __name__ == "__main__":
    main()
