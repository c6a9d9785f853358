"""The command line every check script beside run.py takes: the binary and
the test programs' directory, both made absolute (the scripts change into
temporary directories)."""

import argparse
import os


def bin_and_programs(doc):
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--bin", required=True, help="the procfd-trace binary")
    ap.add_argument("--programs", required=True, help="directory of built test programs")
    args = ap.parse_args()
    args.bin = os.path.abspath(args.bin)
    args.programs = os.path.abspath(args.programs)
    return args
