#!/usr/bin/env python3
"""--leaks when procfd-trace runs out of memory (issue 23, row 3).

procfd-trace runs `--leaks --error-exitcode=9 --json` on leak_oom (which
leaks N files, then writes a marker) under soft address-space limits from
LOW to HIGH MiB. The command inherits the limit and lifts it at once, so
only procfd-trace is short of memory. At every limit where procfd-trace got
as far as running the command:
  * the command ran to its end (the marker exists): running out of memory
    never takes the command down (libdw's allocator exits the process, and
    PTRACE_O_EXITKILL would kill the command with it);
  * either the run is whole: exit 9, N leak events, `leak_total` with N
    leaks and `lost` 0, nothing on stderr about memory;
  * or procfd-trace says it ran out of memory on stderr and exits non-zero,
    and exits 9 (leaks found) only when every leak was still reported (libdw
    alone gave up: frames without names): never 0, never 9 with fewer leaks
    than were made, never silently.
A limit so low that procfd-trace cannot start (its libraries do not map;
no `exec` event) says nothing of these and is passed over; the sweep must
reach at least one limit of each kind it can (some that ran whole), or it
fails: a sweep that tested nothing is not a pass.

Not run under AddressSanitizer (its shadow memory needs terabytes of
address space). Exit status 0 when all pass, 1 otherwise."""

import json
import os
import subprocess
import sys
import tempfile

import script_args

N = 400
LOW, HIGH, STEP = 10, 48, 2


def asan_build(binary):
    out = subprocess.run(["ldd", binary], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    return b"libasan" in out.stdout


def one_run(args, tmp, mib):
    trace = os.path.join(tmp, "trace.%d.json" % mib)
    marker = os.path.join(tmp, "done.%d" % mib)
    argv = ["prlimit", "--as=%d:unlimited" % (mib << 20), args.bin, "--leaks",
            "--error-exitcode=9", "--json", "-o", trace, "--",
            os.path.join(args.programs, "leak_oom"), str(N), marker]
    p = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       stdin=subprocess.DEVNULL, timeout=120)
    events = []
    if os.path.exists(trace):
        with open(trace, "rb") as f:
            for line in f:
                try:
                    events.append(json.loads(line))
                except ValueError:
                    events.append({"event": "(not JSON)"})
    return p.returncode, p.stderr.decode(errors="replace"), events, os.path.exists(marker)


def judge(rc, err, events, done):
    """None when not started, else (whole, problems)."""
    if not any(e.get("event") == "exec" for e in events):
        return None
    problems = []
    if not done:
        problems.append("the command did not get to its end (rc %d): %s" % (rc, err[-300:]))
    leaks = sum(e.get("event") == "leak" for e in events)
    total = [e for e in events if e.get("event") == "leak_total"]
    said = "memory" in err
    whole = (rc == 9 and leaks == N and len(total) == 1 and total[0].get("leaks") == N
             and total[0].get("lost") == 0 and not said)
    # short of memory: said, and never the status of a clean run; 9 (leaks
    # found) stays right when every leak was still reported (libdw alone
    # gave up: frames lose their names, no leak is lost)
    complete = leaks == N and len(total) == 1 and total[0].get("lost") == 0
    if not whole and not (said and rc != 0 and (rc != 9 or complete)):
        problems.append("rc %d, %d of %d leaks, total %r, stderr %r: neither whole nor said"
                        % (rc, leaks, N, total, err[-300:]))
    return whole, problems


def main():
    args = script_args.bin_and_programs(__doc__)
    if asan_build(args.bin):
        print("SKIP oom_sweep (an AddressSanitizer build)")
        return 0
    failed, whole_runs, short_runs = 0, 0, 0
    with tempfile.TemporaryDirectory(prefix="pfdtest.oom.") as tmp:
        for mib in range(LOW, HIGH + 1, STEP):
            verdict = judge(*one_run(args, tmp, mib))
            if verdict is None:
                continue
            whole, problems = verdict
            whole_runs += whole
            short_runs += not whole
            for p in problems:
                print("FAIL oom_sweep at %d MiB: %s" % (mib, p))
            failed += bool(problems)
    if not whole_runs:
        print("FAIL oom_sweep: no limit from %d to %d MiB ran whole" % (LOW, HIGH))
        failed += 1
    print("%s oom_sweep (%d limits ran whole, %d ran short of memory and said so)"
          % ("FAIL" if failed else "PASS", whole_runs, short_runs))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
