#!/usr/bin/env python3
"""Diff two runs of the integration suite recorded with run.py --record.

A refactoring must leave every event byte-identical (text and JSON). Two
runs differ anyway in what the machine decides: pids, tids, times, inode
and device numbers, addresses, and the order in which processes' events
interleave. Each file is compared after masking those (numbers of four
digits or more, hex, decimals with a fraction) and with its lines sorted;
everything else (keys, words, quoting, fds, errnos, line counts) must be
equal.

    compare_outputs.py BEFORE_DIR AFTER_DIR [NOISE]  # exit 1 and a diff on change

NOISE lists files known to differ between two runs of one binary (threads
racing for fd numbers, paths of temp names written as byte arrays): their
differences are shown but do not fail.
"""
import difflib
import os
import re
import sys

MASKS = [
    # mkstemp/mkdtemp names: the tracee's TMPDIR per case, the programs' own
    (re.compile(r"(pfdt|pfdtest|pfdrun\.[\w.-]+?|tmp)\.[A-Za-z0-9_]{6,}"), r"\1.X"),
    (re.compile(r"0x[0-9a-fA-F]+"), "0xH"),
    (re.compile(r"\d+\.\d+"), "F"),
    (re.compile(r"\d{4,}"), "N"),
    (re.compile(r"\d{2}:\d{2}:\d{2}"), "T"),
    (re.compile(r"\[pid +N\]"), "[pid N]"),  # the column's width follows the pid's
]


def normal(text):
    for rx, rep in MASKS:
        text = rx.sub(rep, text)
    return sorted(text.splitlines())


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    a, b = sys.argv[1:3]
    noise = set()
    if len(sys.argv) == 4:
        with open(sys.argv[3]) as f:
            noise = {l.strip() for l in f if l.strip()}
    names = sorted(set(os.listdir(a)) | set(os.listdir(b)))
    changed = 0
    for n in names:
        pa, pb = os.path.join(a, n), os.path.join(b, n)
        if not os.path.exists(pa) or not os.path.exists(pb):
            print("only in %s: %s" % (a if os.path.exists(pa) else b, n))
            changed += 1
            continue
        with open(pa) as f:
            la = normal(f.read())
        with open(pb) as f:
            lb = normal(f.read())
        if la != lb:
            changed += n not in noise
            print("== %s%s" % (n, " (noise)" if n in noise else ""))
            sys.stdout.writelines(l + "\n" for l in list(difflib.unified_diff(
                la, lb, "before", "after", lineterm="", n=0))[:40])
    print("compare_outputs: %d of %d files differ (not counting noise)" % (changed, len(names)))
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
