#!/usr/bin/env python3
"""A killed procfd-trace leaves only whole JSON lines in its -o file.

Traces tests/programs/long_events (events of more than 8 KiB, longer than a
page: a write the kernel performs page by page) and ends procfd-trace at a
random point, RUNS times: SIGKILL on even runs, SIGTERMs on odd ones (the
program ignores the first, which procfd-trace passes on; the second ends
procfd-trace at once). SIGTERM is sent every 20 ms until procfd-trace is
gone: two signals sent together may arrive as one. Then every line of the
trace must be a complete JSON object ending in a newline. The random seed
is printed, so a failure can be replayed with --seed.

Known limit, not counted as a failure (reported KNOWN): after a SIGKILL the
last line may be cut, every other line whole. One write(2) per event is not
enough there: the kernel copies a write to a file a page (folio) at a time
and stops between pages when a fatal signal is pending
(generic_perform_write), so SIGKILL can cut an event of more than a page;
seen in about 1 SIGKILL run of 100. Holding events back whole needs a
writer outside procfd-trace's process (issue 14, still open). A cut
anywhere else, or after SIGTERM, fails.

Sensitivity, measured: a procfd-trace that wrote events in 4096-byte pieces
left a cut line after SIGTERM in a few runs of 40, which fails."""

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time


def check_trace(path):
    """Problems of the trace at path (a list of strings), and its line count."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        data = b""  # killed before it opened -o: nothing written, nothing cut
    problems = []
    cut_last = bool(data) and not data.endswith(b"\n")
    if cut_last:
        problems.append("the file ends inside a line: %r" % data[-80:])
    lines = data.split(b"\n")
    if not cut_last:
        lines = lines[:-1]  # the empty string after the last newline
    long_lines = 0
    for i, line in enumerate(lines, 1):
        try:
            ev = json.loads(line.decode("utf-8"))
            if not isinstance(ev, dict) or "event" not in ev:
                problems.append("line %d is not an event" % i)
        except (UnicodeDecodeError, ValueError) as e:
            problems.append("line %d (%d bytes) does not parse: %s" % (i, len(line), e))
        long_lines += len(line) > 4096
    return problems, len(lines), long_lines, cut_last


def one_run(args, rng, n, tmp):
    trace = os.path.join(tmp, "trace%d.json" % n)
    prog = os.path.join(args.programs, "long_events")
    # long_events makes a temp directory and is SIGKILLed before its atexit
    # cleanup: its TMPDIR is ours, removed with tmp
    env = dict(os.environ, TMPDIR=tmp)
    proc = subprocess.Popen([args.bin, "--json", "-o", trace, "--", prog, "1000000"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True, env=env)
    time.sleep(rng.uniform(0.03, 0.3))
    how = "SIGKILL" if n % 2 == 0 else "2xSIGTERM"
    if how == "SIGKILL":
        proc.send_signal(signal.SIGKILL)
    deadline = time.monotonic() + 10
    while proc.poll() is None and time.monotonic() < deadline:
        if how != "SIGKILL":
            proc.send_signal(signal.SIGTERM)
        time.sleep(0.02)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return how, ["procfd-trace did not end within 10 s"], 0, 0, False
    problems, lines, long_lines, cut_last = check_trace(trace)
    known = how == "SIGKILL" and cut_last and len(problems) == 2
    return how, problems, lines, long_lines, known


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--programs", required=True)
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--seed", type=int, default=None)
    args = ap.parse_args()
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    failed = 0
    total_long = 0
    with tempfile.TemporaryDirectory(prefix="pfdkill.") as tmp:
        for n in range(args.runs):
            how, problems, lines, long_lines, known = one_run(args, rng, n, tmp)
            total_long += long_lines
            status = "KNOWN" if known else "FAIL" if problems else "PASS"
            print("%s kill_whole_lines[%d] %s: %d lines, %d over 4 KiB" % (
                status, n, how, lines, long_lines))
            for p in problems:
                print("  - " + p)
            failed += bool(problems) and not known
        # A killed long_events cannot remove its temp directory: it must have
        # made it in TMPDIR (ours, removed with tmp), not in /tmp. None here
        # means tests/programs/expect.h ignores TMPDIR and /tmp fills up.
        left = [e for e in os.listdir(tmp) if e.startswith("pfdtest.")]
        print("kill_whole_lines: %d temp directories of killed runs, removed with TMPDIR"
              % len(left))
        if not left:
            print("FAIL kill_whole_lines: no killed run made its temp directory in TMPDIR")
            failed += 1
    if total_long == 0:
        print("FAIL kill_whole_lines: no event over 4 KiB was written: nothing was tested")
        failed += 1
    print("kill_whole_lines: %d of %d runs failed (seed %d)" % (failed, args.runs, seed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
